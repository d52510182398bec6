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
    """One exercise: its question, the value a learner starts from, and its checker."""

    key: str
    question: str
    starter: Any
    checker: Callable[[Any], str | None]  # returns None when right, else a hint


def exercise(key: str, question: str, starter: Any = None):
    """Register a checker function (answer -> None if right, else a hint) under a key like '04.2'."""
    def register(checker: Callable[[Any], str | None]):
        EXERCISES[key] = Exercise(key, question, starter, checker)
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
    try:
        hint = item.checker(answer)
    except Exception as err:  # a malformed answer is a wrong answer, with a reason
        hint = f'your answer could not be checked ({type(err).__name__}: {err}).'
    if not quiet:
        print(f'Exercise {key}: ' + ('correct.' if hint is None else f'not yet. Hint: {hint}'))
    return hint is None
