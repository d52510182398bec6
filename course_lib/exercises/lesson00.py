"""Checkers for lesson 00's exercises."""
from __future__ import annotations

from pathlib import Path

from .registry import exercise

# 00.1: the checks that fail on a colleague's laptop (names as the doctor's table writes them)
FAILING = ('python', 'GPU (CUDA)', 'mmcv ops (nms)', 'network (model zoo)', 'data dir writable')


@exercise('00.1', 'These doctor checks fail on a colleague\'s laptop in the smoke profile: '
          + ', '.join(FAILING) + '. Which of them must be fixed before the lessons can run?',
          starter=set(),
          shape='a set of check names as the doctor\'s table writes them, e.g. {"torch"}')
def must_fix(answer: set[str]) -> str | None:
    """Right when the answer names exactly the failing checks that the doctor requires in smoke."""
    from ..doctor import CHECKS, _run
    from ..settings import profile
    if profile() != 'smoke':
        return 'run this check in the smoke profile (COURSE_PROFILE=smoke).'
    if not isinstance(answer, (set, frozenset, list, tuple)):
        return 'answer with a set of check names, e.g. {"torch"}.'
    required = {c.name for c in map(_run, CHECKS) if c.required}
    expected = set(FAILING) & required
    answer = {str(a).strip() for a in answer}
    if not answer:
        return ('a failing check stops the lessons only when the doctor requires it: read the '
                '"required" column of the table in section 1.')
    if answer - set(FAILING):
        return 'name only checks of the colleague\'s failing list, as the table\'s check column writes them.'
    if answer - expected:
        return ('at least one of them is optional: its failure is a WARN, and the lessons run '
                'without it (its "required" column says no).')
    if expected - answer:
        return 'at least one required check is missing: its failure is a FAIL, and the lesson stops.'
    return None


# 00.2: a shared data folder and the full profile
SHARED_DATA_DIR = '/srv/course'


@exercise('00.2', f'With COURSE_DATA_DIR={SHARED_DATA_DIR} and COURSE_PROFILE=full, where does lesson 03 '
          'record that it ran to its end?', starter=None,
          shape='a path (str or pathlib.Path)')
def progress_record(answer) -> str | None:
    """Right when the path is lesson 03's full-profile record under the shared data folder."""
    from pathlib import PurePosixPath
    if not answer or not isinstance(answer, (str, Path)):
        return 'answer with a path: section 4 says where a lesson records that it finished.'
    path = PurePosixPath(Path(answer).as_posix())
    expected = PurePosixPath(SHARED_DATA_DIR, 'progress', '03_full.json')
    if path == expected:
        return None
    if not str(path).startswith(SHARED_DATA_DIR + '/'):
        return 'everything the course writes goes under COURSE_DATA_DIR: start from that folder.'
    if path.parent != expected.parent:
        return 'the records of every lesson share one folder under the data folder: which?'
    if not path.name.startswith('03_'):
        return 'the file is named after the lesson that wrote it.'
    return 'the file name also says the profile: a smoke run and a full run keep separate records.'


@exercise('00.3', 'Name the function in course_lib/compat.py that fixes checkpoint loading on '
          'torch >= 2.6.', starter='')
def checkpoint_fix(answer: str) -> str | None:
    """Right when the named compat function exists and registers mmengine's checkpoint loaders."""
    import inspect

    from .. import compat
    fn = getattr(compat, str(answer).strip().removesuffix('()'), None)
    if not callable(fn):
        return 'name one of the functions defined in course_lib/compat.py (without parentheses).'
    if 'CheckpointLoader' not in inspect.getsource(fn):
        return 'that function fixes something else: read the one-line reasons in the docstrings.'
    return None
