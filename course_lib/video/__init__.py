"""Reading and writing video: the course's one place for it. Frames are always RGB uint8 (T, H, W, 3).

* `VideoSource(video)` (`course_lib.video.source`): any input a learner gives -- a video file, a
  folder of frames, an array, an image -- checked once, read lazily as timestamped `Frame`s; what
  every inference entry point and the demo command read through.
* `read_frames(path)`, `load_frames(video)`: a whole (short) video as one array, for the lessons'
  small clips; both read through the source.
* `write_video(path, frames, fps)`: an H.264 MP4 that browsers play inline (`codec='libx264'`, via
  ffmpeg), or MPEG-4 Part 2 written in-process by OpenCV (`codec='mp4v'`: fast, for generated data
  sets). `VideoWriter` writes frame by frame (long videos). Written whole or not at all.

Used in lessons 01-03, 05 and 07, and by `course_lib.inference`, `course_lib.data` and the demo command.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Sequence

import cv2
import numpy as np

from .._util import atomic_path, resize_short_side
from ..errors import InputError, SetupError
from .source import Frame, VideoReadError, VideoSource, sliding_windows  # noqa: F401 (the package API)

CODECS = ('libx264', 'mp4v')


def read_frames(path: str | os.PathLike, max_frames: int | None = None) -> tuple[np.ndarray, float]:
    """Read a video file into an RGB uint8 array (T, H, W, 3); return it with the frame rate."""
    if not Path(path).is_file():
        raise VideoReadError(f'Video not found: {path}. Check the path (relative paths start at '
                             'the notebook folder).')
    source = VideoSource(path, kinds=('video',))
    count = len(source) if max_frames is None else min(max_frames, len(source))
    return np.stack([f.image for f in source.frames(range(count))]), source.fps


def input_kind(video: str | os.PathLike | np.ndarray, min_frames: int = 1) -> str:
    """'array' for an (T, H, W, 3) uint8 RGB array, 'frames' for a folder of frames, 'video' for a file.

    The input is checked (course_lib.validate): a bad one raises a course error naming the fix."""
    return VideoSource(video, fps=1.0 if isinstance(video, np.ndarray) else None,
                       min_frames=min_frames, kinds=('video', 'frames', 'array')).kind


def load_frames(video: str | os.PathLike | np.ndarray, fps: float | None = None,
                short_side: int | None = None, min_frames: int = 1) -> tuple[np.ndarray, float]:
    """Return (T, H, W, 3) RGB uint8 frames and the frame rate of a video file, a frame folder or an
    array (at least min_frames of them). Holds the whole video: for long ones use `VideoSource`."""
    source = VideoSource(video, fps, min_frames, kinds=('video', 'frames', 'array'))
    if source.kind == 'array':
        frames = video
    else:
        frames = np.stack([f.image for f in source])
    if short_side:
        frames = np.stack([resize_short_side(f, short_side) for f in frames])
    return frames, (float(fps) if fps else source.fps)


def write_video(path: str | os.PathLike, frames: Sequence[np.ndarray] | np.ndarray, fps: float = 10,
                codec: str = 'libx264') -> Path:
    """Write RGB uint8 frames as an MP4 (H.264 that browsers play, or OpenCV's mp4v); return its path."""
    if codec not in CODECS:
        raise InputError(f'codec must be one of {CODECS}, got {codec!r}.')
    frames = [np.asarray(f, dtype=np.uint8)[..., :3] for f in frames]  # RGBA: alpha dropped
    if not frames or frames[0].ndim != 3 or frames[0].shape[2] != 3:
        raise InputError(f'{path}: write_video needs RGB frames (T, H, W, 3), got '
                         f'{"none" if not frames else frames[0].shape}.')
    with VideoWriter(path, fps, codec) as writer:
        for frame in frames:
            writer.write(frame)
    return Path(path)


class VideoWriter:
    """Write RGB frames one at a time into an MP4 (`with VideoWriter(path, fps) as w: w.write(frame)`).

    The file appears only when the block ends without error (a `.part` file until then), so an
    interrupted run leaves nothing that looks complete; the folder is created if missing.
    """

    def __init__(self, path: str | os.PathLike, fps: float = 10, codec: str = 'libx264') -> None:
        if codec not in CODECS:
            raise InputError(f'codec must be one of {CODECS}, got {codec!r}.')
        self.path, self.fps, self.codec = Path(path), float(fps), codec
        self.count, self._writer, self._atomic, self._size = 0, None, None, None

    def __enter__(self) -> 'VideoWriter':
        self._atomic = atomic_path(self.path, keep_suffix=True)
        self._part = self._atomic.__enter__()
        return self

    def write(self, frame: np.ndarray) -> None:
        """Append one RGB uint8 (H, W, 3) frame (an RGBA frame loses its alpha)."""
        frame = np.asarray(frame, dtype=np.uint8)
        if frame.ndim != 3 or frame.shape[2] < 3:
            raise InputError(f'{self.path}: VideoWriter needs RGB frames (H, W, 3), got {frame.shape}.')
        frame = frame[..., :3]
        if self._writer is None:
            self._first = frame.shape[:2]
            self._open(frame.shape[:2])
        if frame.shape[:2] != self._first:
            raise InputError(f'{self.path}: frame {self.count} is {frame.shape[1]}x{frame.shape[0]}; '
                             f'every frame must have the first one\'s size ({self._first[1]}x{self._first[0]}).')
        h, w = self._size
        if self.codec == 'libx264':
            self._writer.write_frame(np.ascontiguousarray(frame[:h, :w]))
        else:
            self._writer.write(cv2.cvtColor(frame[:h, :w], cv2.COLOR_RGB2BGR))
        self.count += 1

    def _open(self, shape: tuple[int, int]) -> None:
        h, w = shape
        if self.codec == 'libx264':
            # moviepy is imported here only: it starts ffmpeg and is needed for H.264 output alone.
            # Not ImageSequenceClip: moviepy 2.2.1 drops/repeats its frames under NumPy 2 (float32
            # start times compared with float64 times); the writer takes every frame exactly once.
            from moviepy.video.io.ffmpeg_writer import FFMPEG_VideoWriter
            h, w = h - h % 2, w - w % 2  # yuv420p needs even sizes
            self._writer = FFMPEG_VideoWriter(str(self._part), (w, h), self.fps, codec='libx264',
                                              ffmpeg_params=['-pix_fmt', 'yuv420p'])
        else:
            self._writer = cv2.VideoWriter(str(self._part), cv2.VideoWriter_fourcc(*'mp4v'),
                                           self.fps, (w, h))
            if not self._writer.isOpened():
                raise SetupError(f'OpenCV cannot write {self.path} with the mp4v codec.')
        self._size = (h, w)

    def __exit__(self, kind, err, tb) -> bool:
        if self._writer is not None:
            (self._writer.close if self.codec == 'libx264' else self._writer.release)()
        if err is None and self.count == 0:
            err = ValueError(f'{self.path}: no frame was written; a video needs at least one.')
            try:
                self._atomic.__exit__(ValueError, err, None)
            finally:
                raise err
        return bool(self._atomic.__exit__(kind, err, tb))
