"""Lesson times have one source, course_lib.lessons.LESSONS; everything that states them agrees with it.

README's lesson table, each lesson's banner (`cl.banner(..., minutes_smoke=N, minutes_full=...)`),
each lesson's "Prerequisites and time", docs/TEACHING.md and the smoke profile's description.
"""
import ast
import json
import re
from pathlib import Path

import pytest

from course_lib.lessons import LESSONS, LOADED_MACHINE_NOTE, CourseMap
from course_lib.settings import PROFILE_TEXT

ROOT = Path(__file__).resolve().parents[1]
ABOUT_MINUTES = re.compile(r'\babout\s+(\d+)\s+minutes?\b', re.IGNORECASE)
LEADING_TIME = re.compile(r'^~?[\d.]+(?:-[\d.]+)? (?:min|h)\b')


def leading_time(text: str) -> str:
    """Return the time a duration text starts with ('~6 h on a GPU' -> '~6 h')."""
    found = LEADING_TIME.match(text.strip())
    assert found, f'{text!r} does not start with a time such as "5 min" or "~6 h"'
    return found.group(0)


def readme_rows() -> dict[str, list[str]]:
    """Return README's lesson table, by lesson number, as lists of cells."""
    table = (ROOT / 'README.md').read_text().split('## The lessons')[1].split('\n## ')[0]
    rows = [[c.strip() for c in line.strip().strip('|').split('|')] for line in table.splitlines()
            if re.match(r'\|\s*\d\d\s*\|', line)]
    return {row[0]: row for row in rows}


def banner_call(notebook: str) -> ast.Call:
    """Return the cl.banner(...) call of a lesson's first code cell."""
    cells = json.loads((ROOT / 'notebooks' / notebook).read_text())['cells']
    code = next(''.join(c['source']) for c in cells if c['cell_type'] == 'code')
    code = '\n'.join(line for line in code.splitlines() if not line.startswith(('%', '!')))
    return next(node for node in ast.walk(ast.parse(code)) if isinstance(node, ast.Call)
                and getattr(node.func, 'attr', getattr(node.func, 'id', '')) == 'banner')


def intro(notebook: str) -> str:
    """Return the "Prerequisites and time" part of a lesson's first cell."""
    cells = json.loads((ROOT / 'notebooks' / notebook).read_text())['cells']
    first = ''.join(cells[0]['source'])
    return first[first.lower().index('prerequisites and time'):]


def test_readme_lesson_table_has_the_times_of_lessons():
    rows = readme_rows()
    assert sorted(rows) == [x.number for x in LESSONS]
    for x in LESSONS:
        row = rows[x.number]
        assert row[1] == f'`{x.notebook}`'
        assert row[3] == f'{x.minutes_smoke} min', f'README says {row[3]} for lesson {x.number}'
        assert leading_time(row[4]) == leading_time(x.time_full), f'lesson {x.number} (full)'
    assert LOADED_MACHINE_NOTE in (ROOT / 'README.md').read_text()


@pytest.mark.parametrize('lesson', LESSONS, ids=lambda x: x.number)
def test_banner_passes_the_times_of_lessons(lesson):
    call = banner_call(lesson.notebook)
    args = {k.arg: ast.literal_eval(k.value) for k in call.keywords}
    assert args.get('minutes_smoke') == lesson.minutes_smoke, 'banner minutes_smoke'
    assert leading_time(args['minutes_full']) == leading_time(lesson.time_full), 'banner minutes_full'


@pytest.mark.parametrize('lesson', LESSONS, ids=lambda x: x.number)
def test_lesson_intro_says_the_minutes_of_lessons(lesson):
    smoke, full = [], []
    for sentence in re.split(r'(?<=[.!?])\s+', intro(lesson.notebook)):
        minutes = [int(m) for m in ABOUT_MINUTES.findall(sentence)]
        is_full = 'full' in sentence.lower() and not re.search(r'smoke|CPU cores', sentence, re.I)
        (full if is_full else smoke).extend(minutes)
    assert smoke, '"Prerequisites and time" gives the smoke time as "about N minutes"'
    assert set(smoke) == {lesson.minutes_smoke}, f'intro says {smoke} minutes, LESSONS {lesson.minutes_smoke}'
    for minutes in full:
        assert leading_time(lesson.time_full) == f'{minutes} min', f'full profile: intro says {minutes} min'


def test_course_map_and_profile_text_use_the_same_times():
    text = str(CourseMap(with_progress=False))
    for x in LESSONS:
        assert f'| {x.number} | {x.title} |' in text and f'| {x.minutes_smoke} min |' in text
    assert LOADED_MACHINE_NOTE in text
    low, high = min(x.minutes_smoke for x in LESSONS), max(x.minutes_smoke for x in LESSONS)
    assert f'{low} to {high} minutes' in PROFILE_TEXT['smoke']
    lesson00 = (ROOT / 'notebooks' / LESSONS[0].notebook).read_text()
    assert f'| {low}-{high} min on 2 CPU cores' in lesson00, "lesson 00's table of profiles"


def test_teaching_notes_give_the_times_of_lessons():
    """TEACHING.md states the times once, in the block course_lib/tooling/teaching.py generates."""
    from course_lib.tooling.teaching import block_of
    notes = (ROOT / 'docs' / 'TEACHING.md').read_text()
    block = block_of(notes)
    rows = {line.split('|')[1].strip(): line for line in block.splitlines()
            if re.match(r'\|\s*\d\d\s*\| \d+ min \|', line)}
    assert sorted(rows) == [x.number for x in LESSONS]
    for x in LESSONS:
        assert f'| {x.minutes_smoke} min |' in rows[x.number], f'TEACHING.md, lesson {x.number}: regenerate the block'
    outside = notes.replace(block, '')
    assert not re.search(r'\|\s*\d\d\s*\|\s*\d+ min\s*\|', outside), 'a lesson time outside the generated block'
    assert not ABOUT_MINUTES.search(notes.split('## What a healthy run prints')[0]), \
        'the set-up notes point at the table instead of giving one time for every lesson'
