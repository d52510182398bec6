"""A learnable synthetic action set: short real video files of shapes doing distinct motions.

It stands in for UCF101 in the smoke profile and is written in UCF101's on-disk form, so the same
tools run on it as on the real set:

    motion_clips/
      videos/MoveLeft/v_MoveLeft_g01_c01.mp4 ...     real MPEG-4 files (OpenCV's mp4v codec)
      annotations/classInd.txt, trainlist01.txt, testlist01.txt   UCF101's official split format
      rawframes/MoveLeft/v_MoveLeft_g01_c01/img_00001.jpg ...     (extract_rawframes)
      lists/motion_train_split_1_videos.txt, ..._rawframes.txt    (write_split_lists)

Each clip shows one shape (square, triangle, cross or bar; random colours, size and start) on a
noisy background, doing one motion: moving left / right / up / down, growing, or rotating. Only
the motion tells the classes apart: no single frame does, and a left-right flip turns MoveLeft
into MoveRight (so this set must not be trained with horizontal flips). Used in lesson 03.
"""
from __future__ import annotations

import json
import math
import os
from dataclasses import asdict, dataclass
from pathlib import Path

import cv2
import numpy as np
from tqdm.auto import tqdm

from ..._util import same_spec
from ...dryrun import capped_spec
from ...errors import InputError, SetupError
from ...video import write_video
from ..annotation_lists import VideoEntry
from ..rawframes import extract_rawframes
from ..splits import Split, write_split_lists, write_ucf101_split_files

MOTIONS = ('MoveLeft', 'MoveRight', 'MoveUp', 'MoveDown', 'Grow', 'Rotate')
SHAPES = ('square', 'triangle', 'cross', 'bar')
SPEC_FILE = 'spec.json'


@dataclass(frozen=True)
class MotionSetSpec:
    """What to generate: classes, clips per class and split, frame size and length, seed."""

    classes: tuple[str, ...] = MOTIONS
    train_per_class: int = 50
    val_per_class: int = 20
    size: int = 64
    frames: int = 16
    fps: float = 8.0
    noise: float = 6.0  # std of the per-frame pixel noise (0-255 scale)
    seed: int = 0

    def __post_init__(self) -> None:
        unknown = [c for c in self.classes if c not in MOTIONS]
        if unknown:
            raise InputError(f'Unknown motion classes {unknown}; choose from {MOTIONS}.')
        if self.size < 32 or self.size % 16:
            raise InputError(f'size must be a multiple of 16 and >= 32 (video codecs), got {self.size}.')
        if self.frames < 4:
            raise InputError(f'frames must be >= 4, got {self.frames}.')
        from ...validate import positive
        positive('train_per_class', self.train_per_class)
        positive('val_per_class', self.val_per_class)
        positive('fps', self.fps, whole=False)


def _polygon(shape: str, center: tuple[float, float], radius: float, angle: float) -> np.ndarray:
    """Return the outline of a shape as int32 points for cv2.fillPoly (8x subpixel precision)."""
    if shape == 'square':
        pts = [(1, 1), (-1, 1), (-1, -1), (1, -1)]
        scale = radius / math.sqrt(2)
    elif shape == 'triangle':
        pts = [(math.cos(a), math.sin(a)) for a in (-math.pi / 2, math.pi / 6, 5 * math.pi / 6)]
        scale = radius
    elif shape == 'bar':
        pts = [(1, 0.35), (-1, 0.35), (-1, -0.35), (1, -0.35)]
        scale = radius
    else:  # cross: a plus sign with arms of half-width 0.3
        w = 0.3
        pts = [(w, 1), (-w, 1), (-w, w), (-1, w), (-1, -w), (-w, -w), (-w, -1), (w, -1), (w, -w),
               (1, -w), (1, w), (w, w)]
        scale = radius
    c, s = math.cos(angle), math.sin(angle)
    xy = np.array([(center[0] + scale * (x * c - y * s), center[1] + scale * (x * s + y * c))
                   for x, y in pts])
    return np.round(xy * 8).astype(np.int32)


def _trajectory(motion: str, rng: np.random.Generator, size: int, frames: int):
    """Return per-frame centers, radii and angles of the shape for one motion."""
    t = np.arange(frames, dtype=float)
    angle0 = rng.uniform(0, 2 * math.pi)
    angles = np.full(frames, angle0)
    if motion == 'Grow':
        r0 = rng.uniform(0.08, 0.12) * size
        radii = r0 * (1 + t / (frames - 1) * rng.uniform(1.2, 1.6))
    else:
        radii = np.full(frames, rng.uniform(0.12, 0.2) * size)
    r_max = radii.max()
    margin = r_max + 2
    if motion.startswith('Move'):
        speed = rng.uniform(0.035, 0.05) * size  # pixels per frame
        lo, hi = margin, size - margin
        travel = min(speed * (frames - 1), hi - lo)
        along = rng.uniform(lo, max(lo, hi - travel)) + travel * t / (frames - 1)
        across = np.full(frames, rng.uniform(lo, hi))
        if motion in ('MoveLeft', 'MoveUp'):
            along = along[::-1]
        xs, ys = (along, across) if motion in ('MoveLeft', 'MoveRight') else (across, along)
    else:
        xs = np.full(frames, rng.uniform(margin, size - margin))
        ys = np.full(frames, rng.uniform(margin, size - margin))
        if motion == 'Rotate':
            omega = rng.uniform(math.radians(15), math.radians(22)) * rng.choice([-1, 1])
            angles = angle0 + omega * t
    return list(zip(xs, ys)), radii, angles


def render_clip(motion: str, rng: np.random.Generator, size: int = 64, frames: int = 16,
                noise: float = 6.0) -> np.ndarray:
    """Render one clip of a motion class as a (frames, size, size, 3) uint8 RGB array."""
    if motion not in MOTIONS:
        raise InputError(f'Unknown motion {motion!r}; choose from {MOTIONS}.')
    shape = SHAPES[rng.integers(len(SHAPES))]
    background = rng.integers(0, 90, 3)  # a dark background and a bright shape: always visible
    color = rng.integers(160, 256, 3)  # (R, G, B), each channel drawn alike
    centers, radii, angles = _trajectory(motion, rng, size, frames)
    clip = np.empty((frames, size, size, 3), np.uint8)
    for i in range(frames):
        canvas = np.empty((size, size, 3), np.uint8)
        canvas[:] = background
        poly = _polygon(shape, centers[i], radii[i], angles[i])
        cv2.fillPoly(canvas, [poly], tuple(int(c) for c in color), cv2.LINE_AA, shift=3)
        noisy = canvas + rng.normal(0, noise, canvas.shape) if noise else canvas
        clip[i] = np.clip(noisy, 0, 255).astype(np.uint8)
    return clip


def clip_name(motion: str, index: int, per_group: int = 4) -> str:
    """Return the UCF101-style path of a class's index-th clip (`MoveLeft/v_MoveLeft_g01_c01.mp4`).

    As in UCF101, clips of one group (g01, g02, ...) never go to both training and validation.
    """
    group, clip = divmod(index, per_group)
    return f'{motion}/v_{motion}_g{group + 1:02d}_c{clip + 1:02d}.mp4'


def generate_motion_clips(root: str | os.PathLike, spec: MotionSetSpec = MotionSetSpec(),
                          progress: bool = True) -> Split:
    """Write the videos and UCF101-format split files of a motion set; skip clips already written."""
    spec = capped_spec(spec, train_per_class='split_samples', val_per_class='split_samples')
    root = Path(root)
    if not same_spec(root / SPEC_FILE, asdict(spec), refuse='a motion set'):
        root.mkdir(parents=True, exist_ok=True)
        (root / SPEC_FILE).write_text(json.dumps(asdict(spec), indent=1))
    per_class = spec.train_per_class + spec.val_per_class
    subsets: dict[str, list[VideoEntry]] = {'train': [], 'test': []}
    jobs = [(label, motion, i) for label, motion in enumerate(spec.classes) for i in range(per_class)]
    first_val = -(-spec.train_per_class // 4) * 4  # validation starts at a fresh group
    for label, motion, i in tqdm(jobs, desc='motion clips', unit='clip', disable=not progress):
        subset = 'train' if i < spec.train_per_class else 'test'
        rel = clip_name(motion, i if subset == 'train' else first_val + i - spec.train_per_class)
        path = root / 'videos' / rel
        if not path.exists():
            rng = np.random.default_rng([spec.seed, label, i])
            write_video(path, render_clip(motion, rng, spec.size, spec.frames, spec.noise), spec.fps,
                        codec='mp4v')
        subsets[subset].append(VideoEntry(rel, label))
    write_ucf101_split_files(root / 'annotations', spec.classes, subsets['train'], subsets['test'])
    return Split('motion', 1, list(spec.classes), subsets['train'], subsets['test'])


def build_motion_set(root: str | os.PathLike, spec: MotionSetSpec = MotionSetSpec(),
                     progress: bool = True) -> dict[str, Path]:
    """Generate videos, extract their rawframes, write mmaction lists; return the written paths."""
    root = Path(root)
    split = generate_motion_clips(root, spec, progress)
    report = extract_rawframes(root / 'videos', root / 'rawframes', progress=progress)
    if report.failed:
        raise SetupError(f'Some generated videos could not be decoded: {report.summary()}')
    return write_split_lists(split, root / 'lists', frames_root=root / 'rawframes')
