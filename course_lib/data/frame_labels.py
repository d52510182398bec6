"""Per-frame labels for action segmentation, in the layout of MS-TCN / ASFormer (Breakfast, 50Salads, GTEA).

mmaction2 has no action-segmentation task; the community format is

    <root>/mapping.txt                 `<id> <name>` a line, ids 0..K-1 (names without spaces)
    <root>/groundTruth/<video>.txt     one class name per line, one line per frame

so every frame of a video has exactly one label (a "background" class covers the gaps).
Errors name the file and line. Used in lesson 01.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Sequence

from .._util import write_text_atomic
from ..errors import FileFormatError, MissingFileError
from ..validate import read_text


class FrameLabelError(FileFormatError):
    """A mapping or ground-truth file breaks the format; the message names file, line and fix."""


def _check_name(name: str, where: str) -> str:
    if not name or any(c.isspace() for c in name):
        raise FrameLabelError(f'{where}: class name {name!r} must be one word (use underscores: '
                              '"take_bowl"), because fields are separated by spaces.')
    return name


def read_mapping(path: str | os.PathLike) -> list[str]:
    """Read mapping.txt (`<id> <name>` lines, ids 0..K-1 in order); return the names by id."""
    path = Path(path)
    if not path.is_file():
        raise MissingFileError(f'No class mapping {path}: write it with write_mapping().')
    names: list[str] = []
    for number, line in enumerate(read_text(path).splitlines(), start=1):
        if not line.strip():
            continue
        fields = line.split()
        if len(fields) != 2 or not fields[0].isdigit() or int(fields[0]) != len(names):
            raise FrameLabelError(f'{path}, line {number}: {line!r} is not `<id> <name>` with id '
                                  f'{len(names)} (ids count up from 0). Fix that line.')
        names.append(_check_name(fields[1], f'{path}, line {number}'))
    if len(set(names)) != len(names):
        raise FrameLabelError(f'{path}: a class name appears twice; names must be unique.')
    return names


def write_mapping(path: str | os.PathLike, names: Sequence[str]) -> Path:
    """Write mapping.txt for the given class names (id = position)."""
    for name in names:
        _check_name(name, str(path))
    return write_text_atomic(path, ''.join(f'{i} {n}\n' for i, n in enumerate(names)))


def read_frame_labels(path: str | os.PathLike, classes: Sequence[str] | None = None) -> list[str]:
    """Read a groundTruth file (one class name per frame); check names against `classes`."""
    path = Path(path)
    if not path.is_file():
        raise MissingFileError(f'No ground-truth file {path}: write it with write_frame_labels().')
    labels = []
    for number, line in enumerate(read_text(path).splitlines(), start=1):
        name = line.strip()
        if not name:
            raise FrameLabelError(f'{path}, line {number}: empty line. Every frame needs a class '
                                  '(use the background class for frames without an action).')
        _check_name(name, f'{path}, line {number}')
        if classes is not None and name not in classes:
            raise FrameLabelError(f'{path}, line {number}: {name!r} is not in the mapping '
                                  f'({", ".join(classes)}). Add it to mapping.txt or fix the line.')
        labels.append(name)
    if not labels:
        raise FrameLabelError(f'{path}: no frame labels. Write one class name per frame.')
    return labels


def write_frame_labels(path: str | os.PathLike, labels: Sequence[str]) -> Path:
    """Write one class name per frame."""
    for name in labels:
        _check_name(name, str(path))
    return write_text_atomic(path, ''.join(f'{label}\n' for label in labels))


def to_segments(labels: Sequence[str]) -> list[tuple[int, int, str]]:
    """Turn per-frame labels into runs (start frame, end frame exclusive, name)."""
    runs: list[tuple[int, int, str]] = []
    for i, name in enumerate(labels):
        if runs and runs[-1][2] == name:
            runs[-1] = (runs[-1][0], i + 1, name)
        else:
            runs.append((i, i + 1, name))
    return runs

