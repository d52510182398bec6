"""The three kinds of video input every course inference entry point takes: a file, a frame folder, an array.

`input_kind` names the kind; `load_frames` turns any of them into (T, H, W, 3) RGB frames and a
frame rate. Used by recognition, localization and spatio-temporal detection.
"""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np

FRAME_PATTERNS = ('img_*.jpg', '*.jpg', '*.png')


def input_kind(video) -> str:
    """'array' for an (T, H, W, 3) RGB array, 'frames' for a folder of frames, 'video' for a file."""
    if isinstance(video, np.ndarray):
        if video.ndim != 4 or video.shape[-1] != 3:
            raise ValueError(f'an array video must be (frames, height, width, 3) RGB, got {video.shape}.')
        return 'array'
    path = Path(video)
    if path.is_dir():
        return 'frames'
    if not path.is_file():
        from ..viz.video import VideoReadError
        raise VideoReadError(f'Video not found: {path} is no video file nor frame folder. Check the '
                             'path (relative paths start at the notebook folder).')
    return 'video'


def load_frames(video: str | os.PathLike | np.ndarray, fps: float | None = None
                ) -> tuple[np.ndarray, float]:
    """Return (T, H, W, 3) RGB frames and the frame rate of a video file, a frame folder or an array."""
    import cv2

    from ..viz.video import read_frames
    kind = input_kind(video)
    if kind == 'array':
        if not fps:
            raise ValueError('an array has no frame rate: pass fps=... (frames per second).')
        return video, float(fps)
    path = Path(video)
    if kind == 'frames':
        files = next((sorted(path.glob(p)) for p in FRAME_PATTERNS if any(path.glob(p))), [])
        if not files:
            raise FileNotFoundError(f'{path}: no frames ({", ".join(FRAME_PATTERNS)}). Extract them '
                                    'with data_scripts/extract_rawframes.py or pass the video file.')
        frames = [cv2.cvtColor(cv2.imread(str(f)), cv2.COLOR_BGR2RGB) for f in files]
        return np.stack(frames), float(fps or 30.0)
    frames, file_fps = read_frames(path)
    return frames, float(fps or file_fps)
