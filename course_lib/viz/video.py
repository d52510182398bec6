"""Reading, writing and showing videos inline (H.264 MP4 that browsers play)."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Callable, Sequence

import numpy as np


class VideoReadError(RuntimeError):
    """A video file is missing, unreadable or empty."""


def read_frames(path: str | os.PathLike, max_frames: int | None = None) -> tuple[np.ndarray, float]:
    """Read a video into an RGB uint8 array (T, H, W, 3); return it with the frame rate."""
    import cv2
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


def write_video(frames: Sequence[np.ndarray] | np.ndarray, path: str | os.PathLike,
                fps: float = 10) -> Path:
    """Write RGB frames to an H.264 MP4 (even sizes, yuv420p) that browsers play inline."""
    from moviepy.video.io.ffmpeg_writer import FFMPEG_VideoWriter
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    frames = [np.asarray(f, dtype=np.uint8) for f in frames]
    h, w = frames[0].shape[:2]
    h, w = h - h % 2, w - w % 2  # yuv420p needs even sizes
    # Not ImageSequenceClip: moviepy 2.2.1 drops/repeats its frames under NumPy 2 (float32 start
    # times compared with float64 times); the writer takes every frame exactly once.
    with FFMPEG_VideoWriter(str(path), (w, h), fps, codec='libx264',
                            ffmpeg_params=['-pix_fmt', 'yuv420p']) as writer:
        for f in frames:
            writer.write_frame(np.ascontiguousarray(f[:h, :w, :3]))
    return path


def show_video(path: str | os.PathLike, width: int = 480):
    """Return an inline, embedded video player for a notebook cell."""
    from IPython.display import Video
    return Video(str(path), embed=True, width=width, html_attributes='controls loop muted autoplay')


def frame_slider(frames: np.ndarray, draw: Callable[[int, np.ndarray], np.ndarray] | None = None,
                 width: int = 480):
    """Return an ipywidgets slider that steps through frames, each optionally drawn on by draw(i, f)."""
    import io

    import ipywidgets as widgets
    from PIL import Image

    image = widgets.Image(format='png', width=width)
    slider = widgets.IntSlider(0, 0, len(frames) - 1, description='frame', continuous_update=False)

    def render(change=None):
        i = slider.value
        frame = frames[i] if draw is None else draw(i, frames[i].copy())
        buffer = io.BytesIO()
        Image.fromarray(frame).save(buffer, format='png')
        image.value = buffer.getvalue()

    slider.observe(render, names='value')
    render()
    return widgets.VBox([slider, image])
