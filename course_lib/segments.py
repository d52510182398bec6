"""Temporal segments: one (start, end[, label][, score]) type for results, recall and timelines.

`to_segment` reads the ways segments are written: mmaction's dicts `{"segment": [start, end],
"label": ..., "score": ...}` (ActivityNet annotations and BMN's `proposal_list` both fit) or tuples
`(start, end)`, `(start, end, label)`, `(start, end, score)`, `(start, end, label, score)`, and
refuses anything else with a message. Used in lessons 01, 04 and 05.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from mmaction.evaluation.functional import pairwise_temporal_iou

from .errors import InputError


@dataclass(frozen=True)
class Segment:
    """One segment on a timeline (seconds)."""

    start: float
    end: float
    label: str | None = None
    score: float | None = None


def to_segment(item: Any, where: str = 'segment') -> Segment:
    """Turn an mmaction-style dict or a tuple into a Segment; raise ValueError on bad input."""
    if isinstance(item, Segment):
        seg = item
    elif isinstance(item, dict):
        if 'segment' not in item:
            raise InputError(f'{where}: a dict needs a "segment": [start, end] key, got {item!r}.')
        start, end = item['segment']
        label = item.get('label', item.get('action_cls'))
        seg = Segment(float(start), float(end), None if label is None else str(label),
                      None if item.get('score') is None else float(item['score']))
    elif isinstance(item, (tuple, list)) and 2 <= len(item) <= 4:
        start, end, *rest = item
        label = next((str(x) for x in rest if isinstance(x, str)), None)
        score = next((float(x) for x in rest if not isinstance(x, str)), None)
        seg = Segment(float(start), float(end), label, score)
    else:
        raise InputError(f'{where}: expected {{"segment": [start, end], ...}} or (start, end[, label]'
                         f'[, score]), got {item!r}.')
    if not (np.isfinite(seg.start) and np.isfinite(seg.end)) or seg.end < seg.start:
        raise InputError(f'{where}: segment [{seg.start}, {seg.end}] must have start <= end.')
    return seg


def temporal_iou(a: Segment, b: Segment) -> float:
    """Return the tIoU of two segments (mmaction's `pairwise_temporal_iou`); 0 for two instants."""
    if a.end == a.start and b.end == b.start:
        return 0.0
    return float(pairwise_temporal_iou(np.array([a.start, a.end]), np.array([[b.start, b.end]]))[0])
