"""Untrimmed synthetic videos: still stretches with motion-class actions in between, with GT segments.

The raw-video input of the two-stage pipeline (lesson 05, `course_lib.inference.localization`):
each video is 96-160 frames at 8 fps of lesson 03's shapes; between still stretches (a shape that
does not move) come 1-3 actions, each one of lesson 03's motion classes (`MoveLeft`, ..., `Rotate`)
for 2-5 seconds. The segments are known exactly, in seconds, in ActivityNet's annotation format.

`render_untrimmed` draws one video as a (T, H, W, 3) uint8 RGB array (like
`motion_clips.render_clip`); `untrimmed_database` draws a whole split and returns its frames and
its ActivityNet `database` entries.
"""
from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from ...errors import InputError
from .motion_clips import MOTIONS, SHAPES, _polygon, render_clip


@dataclass(frozen=True)
class UntrimmedSpec:
    """What decides a generated untrimmed set (sizes in frames; the frame rate in frames/s)."""

    num_train: int = 120
    num_test: int = 30
    size: int = 32
    fps: float = 8.0
    min_frames: int = 96
    max_frames: int = 160
    min_action: int = 16
    max_action: int = 40
    max_actions: int = 3
    noise: float = 6.0
    seed: int = 0
    classes: tuple[str, ...] = MOTIONS


def _still(rng: np.random.Generator, size: int, frames: int, noise: float) -> np.ndarray:
    """A shape that stays where it is (no motion class), on a noisy dark background, RGB."""
    shape = SHAPES[rng.integers(len(SHAPES))]
    background, color = rng.integers(0, 90, 3), rng.integers(160, 256, 3)
    radius = rng.uniform(0.12, 0.2) * size
    center = rng.uniform(radius + 2, size - radius - 2, 2)
    canvas = np.empty((size, size, 3), np.uint8)
    canvas[:] = background
    cv2.fillPoly(canvas, [_polygon(shape, tuple(center), radius, rng.uniform(0, 6.28))],
                 tuple(int(c) for c in color), cv2.LINE_AA, shift=3)
    clip = canvas[None] + rng.normal(0, noise, (frames, size, size, 3))
    return np.clip(clip, 0, 255).astype(np.uint8)


def _action_bounds(rng: np.random.Generator, total: int, spec: UntrimmedSpec) -> list[tuple[int, int]]:
    """1..max_actions disjoint [start, end) frame ranges with still gaps of >= 8 frames around them."""
    for _ in range(100):
        n = int(rng.integers(1, spec.max_actions + 1))
        lengths = rng.integers(spec.min_action, spec.max_action + 1, n)
        slack = total - lengths.sum() - 8 * (n + 1)
        if slack >= 0:
            gaps = 8 + rng.multinomial(slack, np.ones(n + 1) / (n + 1))
            bounds, pos = [], 0
            for gap, length in zip(gaps[:n], lengths):
                pos += int(gap)
                bounds.append((pos, pos + int(length)))
                pos += int(length)
            return bounds
    raise InputError(f'{total} frames cannot hold an action of {spec.min_action} frames with '
                     'still gaps of 8 frames: raise min_frames.')


def render_untrimmed(rng: np.random.Generator, spec: UntrimmedSpec = UntrimmedSpec()
                     ) -> tuple[np.ndarray, list[tuple[int, int, int]]]:
    """Return one video (T, H, W, 3) uint8 RGB and its actions as (start, end, class) in frames."""
    total = int(rng.integers(spec.min_frames // 16, spec.max_frames // 16 + 1)) * 16
    actions, parts, pos = [], [], 0
    for start, end in _action_bounds(rng, total, spec):
        parts.append(_still(rng, spec.size, start - pos, spec.noise))
        label = int(rng.integers(len(spec.classes)))
        parts.append(render_clip(spec.classes[label], rng, spec.size, end - start, spec.noise))
        actions.append((start, end, label))
        pos = end
    parts.append(_still(rng, spec.size, total - pos, spec.noise))
    return np.concatenate(parts), actions


def video_info(frames: int, actions: list[tuple[int, int, int]], spec: UntrimmedSpec) -> dict:
    """The ActivityNet annotation entry of one video (seconds; feature_frame = all its frames)."""
    return {'duration_second': frames / spec.fps, 'duration_frame': frames, 'feature_frame': frames,
            'fps': spec.fps, 'rfps': spec.fps,
            'annotations': [{'segment': [start / spec.fps, end / spec.fps],
                             'label': spec.classes[label]} for start, end, label in actions]}


def video_name(split: str, index: int) -> str:
    """The name of a split's index-th video (`v_untrimmed_train_0007`)."""
    return f'v_untrimmed_{split}_{index:04d}'
