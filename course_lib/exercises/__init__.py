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

from ..errors import UnknownNameError
from .registry import EXERCISES, Exercise, exercise  # noqa: F401  (the lessons' checkers use them)

LESSON_MODULES = tuple(sorted(m.name for m in pkgutil.iter_modules(__path__)
                              if m.name.startswith('lesson')))


def _load() -> None:
    for name in LESSON_MODULES:
        importlib.import_module(f'{__name__}.{name}')


class Verdict:
    """What `check` returns: true when the answer is right. A notebook shows nothing for it (the
    verdict is printed), so an exercise cell does not end in `Out: False`."""

    def __init__(self, correct: bool) -> None:
        self.correct = bool(correct)

    def __bool__(self) -> bool:
        return self.correct

    def __repr__(self) -> str:
        return f'Verdict(correct={self.correct})'

    def _ipython_display_(self) -> None:
        """Display nothing: the printed line is the verdict."""


def check(key: str, answer: Any = None, quiet: bool = False) -> Verdict:
    """Check an answer to exercise `key`; print a verdict (and a hint, never the answer)."""
    _load()
    if key not in EXERCISES:
        raise UnknownNameError(f'No exercise {key!r}; known: {", ".join(sorted(EXERCISES))}.')
    item = EXERCISES[key]
    hint = _hint(item, answer)
    if hint is not None and isinstance(answer, str) and not isinstance(item.starter, str):
        value = _literal(answer)  # '42' or '(20.1, 50.2)' typed as text: check the value it spells
        if value is not None and _hint(item, value) is None:
            hint = None
    if not quiet:
        print(f'Exercise {key}: ' + ('correct.' if hint is None else f'not yet. Hint: {hint}'))
    return Verdict(hint is None)


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
