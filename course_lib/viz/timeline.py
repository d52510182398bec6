"""Timelines: ground-truth segments against predicted ones, optionally under a strip of frames.

Segments are anything `course_lib.segments.to_segment` reads: mmaction's dicts (ActivityNet
annotations, BMN's `proposal_list`) or tuples. A segment whose start equals its end is an instant
(action spotting) and is drawn as a marker.
Used in lessons 01, 04 and 05.
"""
from __future__ import annotations

from typing import Any, Iterable, Sequence

import matplotlib.pyplot as plt
import numpy as np

from ..errors import InputError
from ..segments import Segment, temporal_iou, to_segment


def label_colors(labels: Iterable[str | None],
                 classes: Sequence[str] | None = None) -> dict[str | None, Any]:
    """Return a colour per label (tab10), grey for no label.

    With `classes` (a data set's class list), a class keeps its colour in every figure, whichever
    labels a figure shows: the i-th class gets the i-th colour (as `format_examples.COLORS`). Labels
    not in `classes` follow them, in sorted order.
    """
    present = {x for x in labels if x is not None}
    names = list(classes or []) + sorted(present - set(classes or []))
    cmap = plt.get_cmap('tab10')
    colors: dict[str | None, Any] = {name: cmap(i % 10) for i, name in enumerate(names)
                                     if name in present}
    colors[None] = (0.35, 0.45, 0.6, 1.0)
    return colors


def _draw_strip(ax, strip: np.ndarray, duration: float) -> None:
    """Draw frames side by side, or a (channels, time) feature map, over [0, duration]."""
    strip = np.asarray(strip)
    if strip.ndim == 2:  # features: channels x time
        ax.imshow(strip, aspect='auto', cmap='viridis', interpolation='nearest',
                  extent=(0, duration, strip.shape[0], 0))
        ax.set_ylabel('channel')
        return
    if strip.ndim != 4:
        raise InputError('strip must be frames (N, H, W[, 3]) or features (channels, time), '
                         f'got shape {strip.shape}.')
    row = np.concatenate(list(strip), axis=1)
    ax.imshow(row, aspect='auto', extent=(0, duration, 1, 0))
    ax.set_yticks([])


def _text_span(text: str, duration: float, width_in: float) -> float:
    """Guess the width of a text in seconds (8-pt characters on an axis ~80% of the figure)."""
    return (0.075 * len(text) + 0.1) / (0.8 * width_in) * duration


def _free_part(seg: Segment, others: Sequence[Segment]) -> tuple[float, float]:
    """Return the longest part of a segment that no other segment of its row covers."""
    parts = [(seg.start, seg.end)]
    for o in others:
        parts = [piece for a, b in parts
                 for piece in ((a, min(b, o.start)), (max(a, o.end), b)) if piece[1] > piece[0]]
    return max(parts, key=lambda p: p[1] - p[0], default=(seg.start, seg.start))


def _bar(ax, y: float, seg: Segment, color, alpha: float, text: str, duration: float,
         outside: bool, others: Sequence[Segment] = ()) -> None:
    """Draw one segment (or instant) on row y, with its text inside, else beside it if allowed.

    Inside, the text goes in the longest part of the bar that `others` (segments drawn over it on
    the same row) leave visible, so that it never sits on another label's bar; beside, it goes after
    the bar, or before it when there is no room left of the axis' end.
    """
    if seg.end > seg.start:
        ax.barh(y, seg.end - seg.start, left=seg.start, height=0.7, color=color, alpha=alpha,
                edgecolor='black', linewidth=0.6)
    else:
        ax.plot([seg.start], [y], marker='v', markersize=10, color=color)
    if not text:
        return
    span = _text_span(text, duration, ax.figure.get_figwidth())
    start, end = _free_part(seg, others)
    if end - start >= span:
        ax.text((start + end) / 2, y, text, ha='center', va='center', fontsize=8, clip_on=True)
    elif outside:
        gap = 0.01 * duration
        if seg.end + gap + span <= duration or seg.start - gap - span < 0:
            ax.text(min(seg.end + gap, duration), y, text, ha='left', va='center', fontsize=8,
                    clip_on=True)
        else:
            ax.text(seg.start - gap, y, text, ha='right', va='center', fontsize=8, clip_on=True)


def _iou_text(seg: Segment, gts: Sequence[Segment]) -> str:
    """The IoU a row shows: with the closest GT segment of the prediction's class, when both are labelled.

    A labelled prediction that overlaps only segments of other classes is no match: the text says
    so ("IoU 0.62 with MoveLeft") instead of showing a bare IoU that reads as a hit.
    """
    if not gts:
        return ''
    if seg.label is None or all(g.label is None for g in gts):
        return f'IoU {max(temporal_iou(seg, g) for g in gts):.2f}'
    same = max((temporal_iou(seg, g) for g in gts if g.label == seg.label), default=0.0)
    other, closest = max(((temporal_iou(seg, g), g) for g in gts if g.label != seg.label),
                         key=lambda pair: pair[0], default=(0.0, None))
    if same > 0 or other == 0:
        return f'IoU {same:.2f}'
    return f'IoU {other:.2f} with {closest.label}'


def plot_timeline(duration: float, gt: Sequence[Any] = (), pred: Sequence[Any] = (), *,
                  strip: np.ndarray | Sequence[np.ndarray] | None = None, top_k: int | None = 10,
                  min_score: float | None = None, show_iou: bool = True, title: str | None = None,
                  gt_name: str = 'ground truth', figsize: tuple[float, float] | None = None,
                  classes: Sequence[str] | None = None):
    """Draw GT segments (top row) against predictions (a row each, best first); return the figure.

    GT labels are written inside the visible part of their bars where they fit (not over another
    GT bar; colours and the legend name them all); a prediction's row gives its score, its label and
    IoU with the closest GT segment (of its own class when both are labelled; "IoU x with <class>"
    when it overlaps only another class's segment). Pass the data set's `classes` to give each class the same
    colour in every figure.
    """
    if not duration or duration <= 0:
        raise InputError(f'duration must be a positive number of seconds, got {duration!r}.')
    gts = [to_segment(g, f'gt[{i}]') for i, g in enumerate(gt)]
    preds = [to_segment(p, f'pred[{i}]') for i, p in enumerate(pred)]
    if min_score is not None:
        preds = [p for p in preds if p.score is None or p.score >= min_score]
    preds.sort(key=lambda p: -(p.score if p.score is not None else 0.0))
    preds = preds[:top_k] if top_k else preds
    colors = label_colors([s.label for s in gts + preds], classes)
    rows = (1 if gts else 0) + len(preds)
    height = 0.8 + 0.28 * max(rows, 1) + (1.1 if strip is not None else 0)
    fig = plt.figure(figsize=figsize or (10, height))
    if strip is not None:
        ax_strip, ax = fig.subplots(2, 1, sharex=True,
                                    gridspec_kw=dict(height_ratios=[1.1, 0.28 * max(rows, 1)]))
        _draw_strip(ax_strip, np.asarray(strip), duration)
    else:
        ax = fig.add_subplot(1, 1, 1)
    ticks = []
    for i, seg in enumerate(gts):
        _bar(ax, 0, seg, colors[seg.label], 0.9, seg.label or '', duration, outside=False,
             others=gts[i + 1:])  # the bars drawn over this one
    if gts:
        ticks.append(gt_name)
    for i, seg in enumerate(preds):
        y = len(ticks)
        text = ' '.join(x for x in (seg.label or '', _iou_text(seg, gts) if show_iou else '') if x)
        alpha = 0.35 + 0.6 * min(1.0, max(0.0, seg.score)) if seg.score is not None else 0.8
        _bar(ax, y, seg, colors[seg.label], alpha, text, duration, outside=True)
        ticks.append(f'#{i + 1}' + (f'  {seg.score:.2f}' if seg.score is not None else ''))
    ax.set_yticks(range(len(ticks)), ticks, fontsize=8)
    ax.set_ylim(len(ticks) - 0.5 if ticks else 0.5, -0.5)
    ax.set_xlim(0, duration)
    ax.set_xlabel('time (s)')
    if gts and preds:
        ax.axhline(0.5, color='black', linewidth=0.8)
    named = [k for k in colors if k is not None]
    if named:
        handles = [plt.Rectangle((0, 0), 1, 1, color=colors[k]) for k in named]
        ax.legend(handles, named, fontsize=8, loc='upper left', bbox_to_anchor=(1.01, 1))
    if title:
        fig.axes[0].set_title(title)
    fig.tight_layout()
    return fig
