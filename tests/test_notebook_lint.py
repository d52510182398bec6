"""Every lesson has the course's shape and is committed clean (no errors, small outputs, no paths)."""
import json
import re
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / 'notebooks').glob('[0-9][0-9]_*.ipynb'))
ABSOLUTE_PATH = re.compile(r'(?<![\w.])(/(?:work|root|home|tmp|Users)/[\w.\-/]+|[A-Za-z]:\\\\\w)')
MAX_OUTPUT_BYTES = 500_000


def cells(path: Path, kind: str) -> list[str]:
    nb = json.loads(path.read_text())
    return [''.join(c['source']) for c in nb['cells'] if c['cell_type'] == kind]


def test_lessons_are_numbered_in_order():
    numbers = [p.name[:2] for p in NOTEBOOKS]
    assert numbers == sorted(set(numbers)) and numbers[0] == '00'


@pytest.mark.parametrize('path', NOTEBOOKS, ids=lambda p: p.name)
def test_title_objectives_time_and_exercises(path):
    md = cells(path, 'markdown')
    assert md[0].startswith(f'# Lesson {path.name[:2]} — '), 'first cell: "# Lesson NN — Title"'
    assert 'what you will learn' in md[0].lower()
    assert 'prerequisites and time' in md[0].lower()
    headings = [line.strip() for m in md for line in m.splitlines() if line.startswith('#')]
    assert '## Summary' in headings and '## Exercises' in headings


@pytest.mark.parametrize('path', NOTEBOOKS, ids=lambda p: p.name)
def test_banner_first_and_progress_last(path):
    code = cells(path, 'code')
    assert 'cl.banner(' in code[0]
    assert f"mark_done('{path.name[:2]}'" in code[-1]


@pytest.mark.parametrize('path', NOTEBOOKS, ids=lambda p: p.name)
def test_committed_clean(path):
    nb = json.loads(path.read_text())
    for cell in nb['cells']:
        outputs = cell.get('outputs', [])
        assert not any(o.get('output_type') == 'error' for o in outputs), 'stored error output'
        assert len(json.dumps(outputs)) < MAX_OUTPUT_BYTES, 'output too large: strip it'
        found = ABSOLUTE_PATH.search(''.join(cell['source']))
        assert not found, f'absolute path {found.group(0)!r}: use cl.data_dir() or relative paths'
    assert nb['metadata']['kernelspec']['name'] == 'video-course'


@pytest.mark.parametrize('path', NOTEBOOKS, ids=lambda p: p.name)
def test_every_exercise_of_the_lesson_has_a_self_check_cell(path):
    from course_lib.exercises import EXERCISES, _load
    _load()
    lesson = path.name[:2]
    checked = set(re.findall(r"cl\.check\('(\d\d\.\d+)'", '\n'.join(cells(path, 'code'))))
    registered = {key for key in EXERCISES if key.startswith(f'{lesson}.')}
    assert len(checked) >= 2, 'each lesson ends with 2-4 exercises, each with a cl.check cell'
    assert checked == registered, f'cl.check cells {sorted(checked)} vs checkers {sorted(registered)}'


# Plumbing belongs in course_lib (cl.quiet(), train(..., quiet=True), course_lib.compat's filters).
PLUMBING = {
    'redirect_stdout': re.compile(r'redirect_std(out|err)'),
    'warning filters': re.compile(r'\bwarnings\.(filterwarnings|simplefilter|catch_warnings)|\bfilterwarnings\('),
    'logger levels': re.compile(r'\.setLevel\(|\bset_log_level\(|\blogging\.disable\('),
    'thread counts': re.compile(r'\bset_num_threads\('),
    'subprocess calls': re.compile(r'\bsubprocess\b'),
}
MAX_CODE_LINES = 15


def plumbing_in(source: str) -> list[str]:
    """The kinds of plumbing a code cell holds."""
    return [kind for kind, pattern in PLUMBING.items() if pattern.search(source)]


def test_plumbing_patterns_catch_each_kind():
    cell = '\n'.join(['with contextlib.redirect_stdout(io.StringIO()):',
                      "warnings.filterwarnings('ignore')", "MMLogger.get_current_instance().setLevel('ERROR')",
                      'nncf.set_log_level(logging.WARNING)', 'torch.set_num_threads(2)',
                      'out = subprocess.run([sys.executable, script])'])
    assert plumbing_in(cell) == list(PLUMBING)
    assert plumbing_in("runner = cltrain.train(CONFIG, quiet=True)\nwith cl.quiet():\n    runner.val()") == []


@pytest.mark.parametrize('path', NOTEBOOKS, ids=lambda p: p.name)
def test_no_plumbing_in_code_cells(path):
    found = {i: kinds for i, source in enumerate(cells(path, 'code')) if (kinds := plumbing_in(source))}
    assert not found, f'code cells (by index) with plumbing: {found}; use cl.quiet() / train(quiet=True)'


@pytest.mark.parametrize('path', NOTEBOOKS, ids=lambda p: p.name)
def test_code_cells_are_short(path):
    long = {i: n for i, source in enumerate(cells(path, 'code'))
            if (n := len(source.rstrip('\n').splitlines())) > MAX_CODE_LINES}
    assert not long, (f'code cells (index: lines) longer than {MAX_CODE_LINES} lines: {long}; '
                      'split them or move the logic into course_lib')
