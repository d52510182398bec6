"""docs/TEACHING.md's "What a healthy run prints" states the bars the lessons assert, no others."""
import json
import re
from pathlib import Path

import pytest

from course_lib.lessons import LESSONS

ROOT = Path(__file__).resolve().parents[1]
NUMBER = re.compile(r'(?<![\w.])\d+(?:\.\d+)?(?![\w.])')


def healthy_rows() -> dict[str, list[str]]:
    """Return the table of docs/TEACHING.md's healthy-run section, by lesson number."""
    notes = (ROOT / 'docs' / 'TEACHING.md').read_text()
    section = notes.split('## What a healthy run prints')[1].split('\n## ')[0].split('<!-- BEGIN generated')[0]
    rows = [[c.strip() for c in line.strip().strip('|').split('|')] for line in section.splitlines()
            if re.match(r'\|\s*\d\d\s*\|', line)]
    return {row[0]: row for row in rows}


@pytest.mark.parametrize('lesson', LESSONS, ids=lambda x: x.number)
def test_every_bar_in_the_notes_is_asserted_by_the_lesson(lesson):
    asserted = healthy_rows()[lesson.number][1]
    cells = json.loads((ROOT / 'notebooks' / lesson.notebook).read_text())['cells']
    code = '\n'.join(''.join(c['source']) for c in cells if c['cell_type'] == 'code')
    numbers = set(NUMBER.findall(code))
    for bar in re.findall(r'(?:>=|<)\s*(\d+(?:\.\d+)?)', asserted):
        assert bar in numbers, (f'TEACHING.md gives lesson {lesson.number} the bar {bar}, which its code '
                                'does not contain: update the table to the bars the lesson asserts')
