"""Every exercise's checker accepts its worked solution and rejects the lesson's starting state."""
import importlib
import sys
from pathlib import Path

import pytest

import course_lib as cl
from course_lib.exercises import EXERCISES, LESSON_MODULES, _load

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the solutions/ folder is not part of the installed package
_load()


def solution(key: str):
    module = importlib.import_module(f'solutions.lesson{key.split(".")[0]}')
    return module.SOLUTIONS[key]


@pytest.fixture(autouse=True)
def isolated_data(monkeypatch, tmp_path):
    monkeypatch.setenv('COURSE_DATA_DIR', str(tmp_path))
    monkeypatch.setenv('COURSE_PROFILE', 'smoke')


def test_every_lesson_module_has_solutions():
    for name in LESSON_MODULES:
        keys = {k for k in EXERCISES if f'lesson{k.split(".")[0]}' == name}
        assert keys and keys == set(importlib.import_module(f'solutions.{name}').SOLUTIONS)


@pytest.mark.parametrize('key', sorted(EXERCISES))
def test_solution_passes(key):
    assert cl.check(key, solution(key)())


@pytest.mark.parametrize('key', sorted(EXERCISES))
def test_starting_state_fails_with_a_hint_not_the_answer(key, capsys):
    assert not cl.check(key, EXERCISES[key].starter)
    out = capsys.readouterr().out
    assert 'Hint:' in out
    answer = solution(key)()
    assert str(answer) not in out


def test_unknown_exercise_is_a_clear_error():
    with pytest.raises(KeyError, match='known: 00.1'):
        cl.check('99.9', 1)


def test_a_verdict_is_true_or_false_and_a_notebook_shows_nothing_for_it():
    from IPython.core.formatters import DisplayFormatter
    wrong = cl.check('04.1', EXERCISES['04.1'].starter, quiet=True)
    right = cl.check('04.1', solution('04.1')(), quiet=True)
    assert not wrong and right
    assert DisplayFormatter().format(wrong) == ({}, {})  # no `Out: False` under an exercise cell
