"""The three kinds of video input every course inference entry point takes: a file, a frame folder, an array.

`input_kind` checks the input (course_lib.validate) and names its kind; `load_frames` turns any of them
into (T, H, W, 3) RGB uint8 frames and a frame rate. Used by recognition, localization and
spatio-temporal detection.
"""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from .. import validate
from ..errors import FileFormatError, InputError

FRAME_PATTERNS = ('img_*.jpg', '*.jpg', '*.png')


def input_kind(video, min_frames: int = 1) -> str:
    """'array' for an (T, H, W, 3) uint8 RGB array, 'frames' for a folder of frames, 'video' for a file."""
    if isinstance(video, (str, os.PathLike)) and not Path(video).exists():
        from ..viz.video import VideoReadError
        raise VideoReadError(f'Video not found: {video} is no video file nor frame folder. Check the '
                             'path (relative paths start at the notebook folder).')
    return validate.video_input(video, min_frames)


def load_frames(video: str | os.PathLike | np.ndarray, fps: float | None = None,
                min_frames: int = 1) -> tuple[np.ndarray, float]:
    """Return (T, H, W, 3) RGB frames and the frame rate of a video file, a frame folder or an array."""
    import cv2

    from ..viz.video import read_frames
    kind = input_kind(video, min_frames)
    if fps is not None:
        fps = validate.fps(fps)
    if kind == 'array':
        if not fps:
            raise InputError('an array has no frame rate: pass fps=... (frames per second).')
        return video, float(fps)
    path = Path(video)
    if kind == 'frames':
        folder = validate.frame_folder(path, min_frames)
        frames = [cv2.cvtColor(cv2.imread(str(f)), cv2.COLOR_BGR2RGB) for f in folder.files]
        if len({f.shape for f in frames}) > 1:
            raise FileFormatError(f'{path}: the frames differ in size; a video\'s frames share '
                                  'one size. Re-extract them from the video.')
        return np.stack(frames), float(fps or 30.0)
    frames, file_fps = read_frames(path)
    validate.video_array(frames, min_frames, str(path))
    return frames, float(fps or file_fps)
