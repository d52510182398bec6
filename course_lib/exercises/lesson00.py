"""Checkers for lesson 00's exercises."""
from __future__ import annotations

import json
from pathlib import Path

from .registry import exercise


@exercise('00.1', 'Which doctor checks are optional (WARN, not FAIL) in the smoke profile?',
          starter=set(),
          shape='a set of check names as the doctor\'s table writes them, e.g. {"torch"}')
def optional_checks(answer: set[str]) -> str | None:
    """Right when the answer names exactly the checks the doctor does not require in smoke."""
    from ..doctor import CHECKS, _run
    from ..settings import profile
    if profile() != 'smoke':
        return 'run this check in the smoke profile (COURSE_PROFILE=smoke).'
    optional = {c.name for c in map(_run, CHECKS) if not c.required}
    answer = {str(a).strip() for a in answer}
    if not answer:
        return 'look at the doctor table: its "required" column says which checks may fail.'
    if answer - optional:
        return 'at least one of the checks you named is required (its "required" column says yes).'
    if optional - answer:
        missing = len(optional - answer)
        return (f'{missing} optional check{"s" if missing > 1 else ""} missing: name every row '
                'whose "required" column says no, as the check column writes it.')
    return None


@exercise('00.2', 'Give the path of the file in which this lesson recorded that you finished it.',
          starter=None,
          shape='a path (str or pathlib.Path) of a file that exists')
def progress_record(answer) -> str | None:
    """Right when the path is lesson 00's progress record, and it exists."""
    if not answer:
        return 'the record lives under COURSE_DATA_DIR; print cl.data_dir() and look around.'
    path = Path(answer).expanduser()
    if not path.is_file():
        return f'there is no file at {path}; did you run the last cell of the lesson?'
    record = json.loads(path.read_text())
    if 'finished' not in record or not path.name.startswith('00_'):
        return 'that file is not lesson 00\'s record: look for a folder named progress.'
    return None


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
