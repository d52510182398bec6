"""The registry of exercises: `@exercise('NN.k', question, starter)` registers a checker.

Kept apart from the package so that the lessonNN modules import it, and the package (which loads
them when a check runs) imports them: one direction.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

EXERCISES: dict[str, 'Exercise'] = {}


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


def whole(value: Any) -> int:
    """A whole-number answer as an int: 7 and 7.0 are 7; 7.9, True, NaN or '7' raise ValueError."""
    import math
    import numbers
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value):
        raise ValueError(f'not a whole number: {value!r}')
    if int(value) != value:
        raise ValueError(f'{value!r} is not a whole number (it has a fractional part)')
    return int(value)


def exercise(key: str, question: str, starter: Any = None, shape: str | None = None):
    """Register a checker function (answer -> None if right, else a hint) under a key like '04.2'."""
    def register(checker: Callable[[Any], str | None]):
        EXERCISES[key] = Exercise(key, question, starter, checker, shape or answer_shape(starter))
        return checker
    return register
