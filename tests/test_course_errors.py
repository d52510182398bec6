"""Failures a user can cause raise `course_lib.errors` types (one hierarchy); every entry point ends
through the shared CLI wrapper `run_cli`."""
import ast
from pathlib import Path

import pytest

from course_lib import errors

ROOT = Path(__file__).resolve().parents[1]
BUILTIN = {'ValueError', 'KeyError', 'RuntimeError', 'TypeError', 'FileNotFoundError', 'IndexError', 'OSError',
           'PermissionError', 'NotImplementedError', 'Exception'}
# (module, function) -> why a builtin raise stays there; '*' for a whole module
LEFT_BUILTIN = {
    ('course_lib/standalone_demo.py', '*'): 'the deployed demo.py imports nothing of the course',
    ('course_lib/compat.py', 'load_from_trusted_local'): "mmengine's own error, kept by the upstream fix",
    ('course_lib/settings.py', 'setting'): 'a programming error: a setting missing from SETTINGS',
    ('course_lib/settings.py', '_folder'): 'caught at once; re-raised as EnvironmentVariableError',
    ('course_lib/data/annotation_lists.py', 'read_rawframe_list'): 'caught; re-raised as AnnotationError with file and line',
    ('course_lib/data/annotation_lists.py', 'read_clip_list'): 'caught; re-raised as AnnotationError with file and line',
    ('course_lib/data/ava.py', 'parse_row'): 'caught by read_csv / validate_csv; re-raised with file and line',
    ('course_lib/data/rawframes.py', 'extract_frames'): 'a failed disk write (OSError), caught per video as a failed row',
    ('course_lib/frame_source.py', '*'): "the deployed package's copy of the video source imports nothing of the course",
    ('course_lib/video/source.py', '_non_decreasing'): 'an index past the end raises IndexError as any Python sequence does (naming the index and the count)',
    ('course_lib/dryrun.py', 'from_dict'): "CI's dry-run ticket written by the course's own harness, not learner input",
    ('course_lib/exercises/registry.py', 'whole'): 'caught by the answer check: a malformed answer is reported as a wrong one',
}


def builtin_raises(path: Path) -> list[tuple[str, int, str]]:
    """(function, line, type) of every `raise <builtin>(...)` in a module."""
    found = []

    def walk(node, function):
        for child in ast.iter_child_nodes(node):
            name = child.name if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)) else function
            if isinstance(child, ast.Raise) and child.exc is not None:
                exc = child.exc.func if isinstance(child.exc, ast.Call) else child.exc
                if isinstance(exc, ast.Name) and exc.id in BUILTIN:
                    found.append((function, child.lineno, exc.id))
            walk(child, name)
    walk(ast.parse(path.read_text()), '<module>')
    return found


def test_the_scan_finds_a_builtin_raise(tmp_path):
    (tmp_path / 'm.py').write_text('def f(x):\n    if x:\n        raise ValueError("bad")\n    raise InputError("ok")\n')
    assert builtin_raises(tmp_path / 'm.py') == [('f', 3, 'ValueError')]


def test_user_facing_failures_raise_course_errors():
    plain = []
    for path in sorted((ROOT / 'course_lib').rglob('*.py')):
        rel = str(path.relative_to(ROOT))
        for function, line, kind in builtin_raises(path):
            if (rel, '*') not in LEFT_BUILTIN and (rel, function) not in LEFT_BUILTIN:
                plain.append(f'{rel}:{line} {function}: raise {kind} (use a course_lib.errors type)')
    assert plain == []


def test_the_course_errors_are_one_hierarchy_and_keep_the_builtin_a_caller_catches():
    assert issubclass(errors.CheckpointMismatchError, errors.CheckpointError)
    from course_lib import checkpoints
    assert checkpoints.CheckpointMismatchError is errors.CheckpointMismatchError
    for error, builtin in ((errors.MissingFileError, FileNotFoundError), (errors.UnknownNameError, KeyError),
                           (errors.SetupError, RuntimeError), (errors.InputError, ValueError)):
        assert issubclass(error, errors.CourseError) and issubclass(error, builtin)
    assert str(errors.UnknownNameError('no exercise 9.9')) == 'no exercise 9.9'  # not quoted as KeyError's
    with pytest.raises(errors.UnknownNameError, match='not in the course hub'):
        __import__('course_lib.zoo').zoo.hub_path('no_such_entry')


# entry points that cannot use run_cli: why
NO_RUN_CLI = {
    'course_lib/standalone_demo.py': 'the deployed demo.py imports nothing of the course',
    'course_lib/hardware.py': 'make setup runs it by path before anything is installed (stdlib only)',
}


def test_every_entry_point_ends_through_run_cli():
    wrong = []
    for path in sorted(p for folder in ('course_lib', 'data_scripts', 'scripts') for p in (ROOT / folder).rglob('*.py')):
        rel = str(path.relative_to(ROOT))
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.If) and ast.unparse(node.test) in ("__name__ == '__main__'",):
                code = ast.unparse(node)
                if not ('sys.exit(' in code and 'run_cli(main)' in code) and rel not in NO_RUN_CLI:
                    wrong.append(rel)
    assert wrong == []
