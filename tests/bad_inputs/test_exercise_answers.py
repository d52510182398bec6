"""`cl.check` answers a malformed answer with the shape the answer must have (never a raw TypeError),
and accepts a right value typed as text ('12345' for 12345)."""
from __future__ import annotations

import importlib
import sys
from pathlib import Path

import pytest

from course_lib.exercises import EXERCISES, _load, check

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # solutions/ at the repository root
_load()
MALFORMED = [object(), [[1], 'x'], 'x']


@pytest.mark.parametrize('key', sorted(EXERCISES))
def test_malformed_answers_get_the_shape_not_a_traceback(key, capsys):
    for answer in MALFORMED:
        assert not check(key, answer)
        out = capsys.readouterr().out
        assert 'TypeError' not in out and 'could not be checked' not in out
        assert out.startswith(f'Exercise {key}: not yet. Hint: ')


def test_a_malformed_answer_names_the_shape(capsys):
    check('04.3', 20.0)
    assert 'the answer must be a tuple of two numbers (start, end); yours is a float (20.0)' in \
        capsys.readouterr().out
    check('08.1', 0.5)
    assert 'function' in capsys.readouterr().out


NUMERIC = ['04.1', '04.2', '04.3', '05.1', '05.2']


@pytest.mark.parametrize('key', NUMERIC)
def test_a_right_value_typed_as_text_is_right(key, capsys):
    solution = importlib.import_module(f'solutions.lesson{key[:2]}').SOLUTIONS[key]()
    assert check(key, solution)
    assert check(key, str(solution)), capsys.readouterr().out
    assert not check(key, 'not a number')
    assert not check(key, '(0, 0)' if isinstance(solution, tuple) else str(float(solution) + 7))


WHOLE = ['01.2', '04.2']  # answers that are counts


@pytest.mark.parametrize('key', WHOLE)
def test_a_whole_number_answer_is_checked_as_a_whole_number(key, capsys):
    solution = importlib.import_module(f'solutions.lesson{key[:2]}').SOLUTIONS[key]()
    assert check(key, float(solution))  # 7.0 is 7
    for near in (solution + 0.9, solution + 0.5, solution - 0.1, str(solution + 0.5)):
        capsys.readouterr()
        assert not check(key, near), near
        assert 'whole number' in capsys.readouterr().out


def test_a_list_of_whole_numbers_refuses_fractions(capsys):
    solution = importlib.import_module('solutions.lesson02').SOLUTIONS['02.2']()
    assert check('02.2', solution)
    assert not check('02.2', [k + 0.4 for k in solution])
    assert 'whole numbers' in capsys.readouterr().out


def test_whole_takes_integral_numbers_only():
    from course_lib.exercises.registry import whole
    import numpy as np
    assert whole(7) == 7 and whole(7.0) == 7 and whole(np.int64(7)) == 7
    for bad in (7.5, True, float('nan'), '7', None):
        with pytest.raises(ValueError):
            whole(bad)
