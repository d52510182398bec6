"""Action (event) spotting labels in SoccerNet's `Labels-v2.json` layout.

mmaction2 has no spotting task; SoccerNet's format is the common one. An event has a time and
a label but no duration:

    {"UrlLocal": "<video>", "annotations": [
        {"gameTime": "1 - 00:02", "label": "Goal", "position": "2720"}, ...]}

`position` is the event time in milliseconds (a string, as SoccerNet writes it); `gameTime` is the
half and mm:ss for people. Errors name the file and the event. Used in lesson 01.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from .._util import write_text_atomic
from ..errors import FileFormatError, MissingFileError
from ..validate import read_text


class SpottingFormatError(FileFormatError):
    """A spotting label file breaks the format; the message names the file, the event and the fix."""


@dataclass(frozen=True)
class Event:
    """One spotted event: a time in seconds and a label (no duration)."""

    time: float
    label: str
    half: int = 1

    def to_json(self) -> dict:
        """Return the event as a SoccerNet annotation."""
        ms = int(round(self.time * 1000))
        return {'gameTime': f'{self.half} - {ms // 60000:02d}:{ms // 1000 % 60:02d}',
                'label': self.label, 'position': str(ms)}


def _event(path: Path, i: int, ann: object) -> Event:
    where = f'{path}, annotation {i}'
    if not isinstance(ann, dict) or not {'label', 'position'} <= set(ann):
        raise SpottingFormatError(f'{where}: an event needs "label" and "position" (milliseconds), '
                                  f'got {ann!r}.')
    try:
        ms = int(str(ann['position']))
    except ValueError:
        raise SpottingFormatError(f'{where}: "position" {ann["position"]!r} is not a whole number '
                                  'of milliseconds.') from None
    if ms < 0:
        raise SpottingFormatError(f'{where}: "position" {ms} is negative.')
    label = ann['label']
    if not isinstance(label, str) or not label.strip():
        raise SpottingFormatError(f'{where}: "label" must be a non-empty string, got {label!r}.')
    half = str(ann.get('gameTime', '1 - ')).split(' - ')[0].strip() or '1'
    return Event(ms / 1000, label, int(half) if half.isdigit() else 1)


def read_events(path: str | os.PathLike) -> tuple[str, list[Event]]:
    """Read a Labels-v2.json file; return (video, events sorted by time)."""
    path = Path(path)
    if not path.is_file():
        raise MissingFileError(f'No spotting labels {path}: write them with write_events().')
    try:
        data = json.loads(read_text(path))
    except json.JSONDecodeError as err:
        raise SpottingFormatError(f'{path}, line {err.lineno}: not valid JSON ({err.msg}).') from err
    if not isinstance(data, dict) or not isinstance(data.get('annotations'), list):
        raise SpottingFormatError(f'{path}: the top level must be an object with an "annotations" '
                                  'list (SoccerNet Labels-v2.json).')
    events = [_event(path, i, ann) for i, ann in enumerate(data['annotations'])]
    return str(data.get('UrlLocal', '')), sorted(events, key=lambda e: (e.half, e.time))


def write_events(path: str | os.PathLike, video: str, events: Iterable[Event]) -> Path:
    """Write events as a Labels-v2.json file (atomically); return its path."""
    path = Path(path)
    data = {'UrlLocal': video, 'annotations': [e.to_json() for e in events]}
    for i, ann in enumerate(data['annotations']):
        _event(path, i, ann)
    return write_text_atomic(path, json.dumps(data, indent=1))
