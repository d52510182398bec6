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
