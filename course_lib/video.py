"""Reading and writing video: the course's one place for it. Frames are always RGB uint8 (T, H, W, 3).

* `read_frames(path)`: decode one video file; `VideoReadError` names the path when it cannot.
* `load_frames(video)`: any of the three inputs the course's inference entry points take: a video
  file, a folder of frames (`img_00001.jpg`, ...) or an array; optionally resized to a short side.
* `write_video(path, frames, fps)`: an H.264 MP4 that browsers play inline (`codec='libx264'`, via
  ffmpeg), or MPEG-4 Part 2 written in-process by OpenCV (`codec='mp4v'`: fast, for generated data
  sets). Written whole or not at all.

Used in lessons 01-03, 05 and 07, and by `course_lib.inference` and `course_lib.data`.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Sequence

import cv2
import numpy as np

from . import validate
from ._util import atomic_path, resize_short_side
from .errors import FileFormatError, InputError, SetupError

FRAME_PATTERNS = ('img_*.jpg', '*.jpg', '*.png')
CODECS = ('libx264', 'mp4v')


class VideoReadError(RuntimeError):
    """A video file is missing, unreadable or empty."""


def read_frames(path: str | os.PathLike, max_frames: int | None = None) -> tuple[np.ndarray, float]:
    """Read a video into an RGB uint8 array (T, H, W, 3); return it with the frame rate."""
    path = Path(path)
    if not path.is_file():
        raise VideoReadError(f'Video not found: {path}. Check the path (relative paths start at '
                             'the notebook folder).')
    cap = cv2.VideoCapture(str(path))
    fps = cap.get(cv2.CAP_PROP_FPS) or 25.0
    frames = []
    while max_frames is None or len(frames) < max_frames:
        ok, frame = cap.read()
        if not ok:
            break
        frames.append(cv2.cvtColor(frame, cv2.COLOR_BGR2RGB))
    cap.release()
    if not frames:
        raise VideoReadError(f'No frame could be decoded from {path}: the file is corrupt or not a '
                             'video. Re-download or re-generate it.')
    return np.stack(frames), float(fps)


def input_kind(video: str | os.PathLike | np.ndarray, min_frames: int = 1) -> str:
    """'array' for an (T, H, W, 3) uint8 RGB array, 'frames' for a folder of frames, 'video' for a file.

    The input is checked (course_lib.validate): a bad one raises a course error naming the fix."""
    if isinstance(video, (str, os.PathLike)) and not Path(video).exists():
        raise VideoReadError(f'Video not found: {video} is no video file nor frame folder. Check the '
                             'path (relative paths start at the notebook folder).')
    return validate.video_input(video, min_frames)


def load_frames(video: str | os.PathLike | np.ndarray, fps: float | None = None,
                short_side: int | None = None, min_frames: int = 1) -> tuple[np.ndarray, float]:
    """Return (T, H, W, 3) RGB uint8 frames and the frame rate of a video file, a frame folder or an
    array (at least min_frames of them)."""
    kind = input_kind(video, min_frames)
    if fps is not None:
        fps = validate.fps(fps)
    if kind == 'array':
        if not fps:
            raise InputError('an array has no frame rate: pass fps=... (frames per second).')
        frames, rate = video, float(fps)
    elif kind == 'frames':
        path = Path(video)
        folder = validate.frame_folder(path, min_frames)
        decoded = [cv2.cvtColor(cv2.imread(str(f)), cv2.COLOR_BGR2RGB) for f in folder.files]
        if len({f.shape for f in decoded}) > 1:
            raise FileFormatError(f'{path}: the frames differ in size; a video\'s frames share '
                                  'one size. Re-extract them from the video.')
        frames = np.stack(decoded)
        rate = float(fps or 30.0)
    else:
        frames, file_fps = read_frames(video)
        validate.video_array(frames, min_frames, str(video))
        rate = float(fps or file_fps)
    if short_side:
        frames = np.stack([resize_short_side(f, short_side) for f in frames])
    return frames, rate


def write_video(path: str | os.PathLike, frames: Sequence[np.ndarray] | np.ndarray, fps: float = 10,
                codec: str = 'libx264') -> Path:
    """Write RGB uint8 frames as an MP4 (H.264 that browsers play, or OpenCV's mp4v); return its path."""
    if codec not in CODECS:
        raise InputError(f'codec must be one of {CODECS}, got {codec!r}.')
    frames = [np.asarray(f, dtype=np.uint8)[..., :3] for f in frames]  # RGBA: alpha dropped
    if not frames or frames[0].ndim != 3 or frames[0].shape[2] != 3:
        raise InputError(f'{path}: write_video needs RGB frames (T, H, W, 3), got '
                         f'{"none" if not frames else frames[0].shape}.')
    path = Path(path)
    with atomic_path(path, keep_suffix=True) as part:
        (_write_h264 if codec == 'libx264' else _write_mp4v)(part, frames, fps)
    return path


def _write_h264(path: Path, frames: list[np.ndarray], fps: float) -> None:
    # moviepy is imported here only: it starts ffmpeg and is needed for H.264 output alone.
    from moviepy.video.io.ffmpeg_writer import FFMPEG_VideoWriter
    h, w = frames[0].shape[:2]
    h, w = h - h % 2, w - w % 2  # yuv420p needs even sizes
    # Not ImageSequenceClip: moviepy 2.2.1 drops/repeats its frames under NumPy 2 (float32 start
    # times compared with float64 times); the writer takes every frame exactly once.
    with FFMPEG_VideoWriter(str(path), (w, h), fps, codec='libx264',
                            ffmpeg_params=['-pix_fmt', 'yuv420p']) as writer:
        for f in frames:
            writer.write_frame(np.ascontiguousarray(f[:h, :w]))


def _write_mp4v(path: Path, frames: list[np.ndarray], fps: float) -> None:
    h, w = frames[0].shape[:2]
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*'mp4v'), fps, (w, h))
    if not writer.isOpened():
        raise SetupError(f'OpenCV cannot write {path} with the mp4v codec.')
    for frame in frames:
        writer.write(cv2.cvtColor(frame, cv2.COLOR_RGB2BGR))
    writer.release()
