"""Self-checks for the lessons' exercises: `cl.check('00.1', answer)` says right or wrong, with a hint.

A checker tests properties of the answer (membership, ranges, files that exist) and never prints
the answer. Each lesson's checkers live in `lessonNN.py`; worked solutions are kept apart in
`solutions/` at the repository root, and tests/test_exercises.py runs every checker against its
solution (must pass) and against the lesson's starting state (must fail).
"""
from __future__ import annotations

import importlib
import pkgutil
from typing import Any

from .registry import EXERCISES, Exercise, exercise  # noqa: F401  (the lessons' checkers use them)

LESSON_MODULES = tuple(sorted(m.name for m in pkgutil.iter_modules(__path__)
                              if m.name.startswith('lesson')))


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
