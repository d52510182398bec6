"""Self-checks for the lessons' exercises: `cl.check('00.1', answer)` says right or wrong, with a hint.

A checker tests properties of the answer (membership, ranges, files that exist) and never prints
the answer. Each lesson's checkers live in `lessonNN.py`; worked solutions are kept apart in
`solutions/` at the repository root, and tests/test_exercises.py runs every checker against its
solution (must pass) and against the lesson's starting state (must fail).
"""
from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass
from typing import Any, Callable

EXERCISES: dict[str, 'Exercise'] = {}
LESSON_MODULES = tuple(sorted(m.name for m in pkgutil.iter_modules(__path__)
                              if m.name.startswith('lesson')))


@dataclass(frozen=True)
class Exercise:
    """One exercise: its question, the value a learner starts from, its checker and the answer's shape."""

    key: str
    question: str
    starter: Any
    checker: Callable[[Any], str | None]  # returns None when right, else a hint
    shape: str = ''  # what the answer is, e.g. 'a tuple of two numbers (start, end)'


def answer_shape(starter: Any) -> str:
    """Describe the kind of answer a starter value stands for ('a number', 'a dict {...}', ...)."""
    if callable(starter):
        return 'a function (def ...: ...), called as the question says'
    if isinstance(starter, bool) or starter is None:
        return 'a value as the question asks'
    if isinstance(starter, (int, float)):
        return 'a number'
    if isinstance(starter, str):
        return 'a text (str)'
    if isinstance(starter, (tuple, list)):
        kind = 'numbers' if all(isinstance(x, (int, float)) for x in starter) else 'values'
        name = type(starter).__name__
        return f'a {name} of {len(starter)} {kind}, e.g. {starter!r}' if starter else f'a {name}'
    if isinstance(starter, (set, frozenset)):
        return 'a set of names, e.g. {"a", "b"}'
    if isinstance(starter, dict):
        keys = ', '.join(map(repr, starter))
        return f'a dict with the keys {keys}' if starter else 'a dict {key: value}'
    return f'a {type(starter).__name__}'


def exercise(key: str, question: str, starter: Any = None, shape: str | None = None):
    """Register a checker function (answer -> None if right, else a hint) under a key like '04.2'."""
    def register(checker: Callable[[Any], str | None]):
        EXERCISES[key] = Exercise(key, question, starter, checker, shape or answer_shape(starter))
        return checker
    return register


def _load() -> None:
    for name in LESSON_MODULES:
        importlib.import_module(f'{__name__}.{name}')


def check(key: str, answer: Any = None, quiet: bool = False) -> bool:
    """Check an answer to exercise `key`; print a verdict (and a hint, never the answer)."""
    _load()
    if key not in EXERCISES:
        raise KeyError(f'No exercise {key!r}; known: {", ".join(sorted(EXERCISES))}.')
    item = EXERCISES[key]
    hint = _hint(item, answer)
    if hint is not None and isinstance(answer, str) and not isinstance(item.starter, str):
        value = _literal(answer)  # '42' or '(20.1, 50.2)' typed as text: check the value it spells
        if value is not None and _hint(item, value) is None:
            hint = None
    if not quiet:
        print(f'Exercise {key}: ' + ('correct.' if hint is None else f'not yet. Hint: {hint}'))
    return hint is None


def _hint(item: Exercise, answer: Any) -> str | None:
    """The checker's hint; an answer of the wrong shape gets the shape the answer must have."""
    try:
        return item.checker(answer)
    except Exception:  # noqa: BLE001  (a malformed answer is a wrong answer, with what it must be)
        return (f'the answer must be {item.shape}; yours is {_describe(answer)}, which this exercise '
                'cannot use.')


def _describe(answer: Any) -> str:
    text = repr(answer)
    text = text if len(text) <= 40 else text[:37] + '...'
    return f'a {type(answer).__name__} ({text})' if answer is not None else 'None (no answer yet)'


def _literal(text: str) -> Any:
    """The Python value a text spells (a number, a tuple, a dict...), or None if it spells none."""
    import ast
    try:
        value = ast.literal_eval(text.strip())
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return None
    return None if isinstance(value, str) else value
