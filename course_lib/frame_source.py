"""The deploy package's video source: a video file, a folder of frame images or one image, read frame
by frame with each frame's time. A small copy of `course_lib.video.VideoSource`'s reading for the
torch-free `demo.py` (it imports nothing of the course; a package ships it as `frame_source.py`);
tests/test_frame_source.py keeps both giving the same frames and times on the same inputs.
"""
from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

IMAGE_SUFFIXES = ('.jpg', '.jpeg', '.png', '.bmp')


class FrameSource:
    """A video file, a folder of frame images (by name) or one image, read lazily as (index, seconds,
    RGB frame): the package's copy of course_lib.video.VideoSource (tests keep both equal). Times
    are the decoder's, so a variable-frame-rate file has its real duration; `grid()` gives the
    frame shown at evenly spaced times (a constant-rate file: every frame)."""

    def __init__(self, path: str | Path, fps: float = 30.0) -> None:
        self.path = path = Path(path)
        if path.is_dir():
            self.files = sorted(f for f in path.iterdir() if f.is_file() and f.suffix.lower() in IMAGE_SUFFIXES)
            if not self.files:
                raise SystemExit(f'{path}: a folder without frame images ({", ".join(IMAGE_SUFFIXES)}).')
            self.kind, self.times = 'frames', np.arange(len(self.files)) / fps
        elif not path.is_file():
            raise SystemExit(f'{path}: no such video file, image or frame folder.')
        elif path.suffix.lower() in IMAGE_SUFFIXES:
            self.kind, self.files, self.times = 'image', [path], np.zeros(1)
        else:
            self.kind, capture, times = 'video', cv2.VideoCapture(str(path)), []
            while capture.grab():  # decoded once for the times; frames are read again when used
                times.append(capture.get(cv2.CAP_PROP_POS_MSEC) / 1000.0)
            rate = capture.get(cv2.CAP_PROP_FPS) or 25.0
            capture.release()
            if not times:
                raise SystemExit(f'{path}: no frame could be decoded. Give a video file, an image '
                                 f'({", ".join(IMAGE_SUFFIXES)}) or a folder of frame images; a video '
                                 'OpenCV cannot decode plays after `ffmpeg -i IN -c:v libx264 OUT.mp4`.')
            times = np.asarray(times, np.float64)
            if len(times) > 1 and not np.all(np.diff(times) > 0):  # no usable timestamps
                times = np.arange(len(times)) / rate
            self.times = times - times[0]
        last = self.times[-1] - self.times[-2] if len(self.times) > 1 else 0.0  # as long as the one before
        self.duration = float(self.times[-1] + last)
        self.fps = fps if self.kind == 'frames' else len(self.times) / self.duration if self.duration else fps

    def __len__(self) -> int:
        return len(self.times)

    def frames(self, indices=None):
        """Yield (index, seconds, RGB frame) at non-decreasing `indices` (default all), one pass."""
        wanted = list(range(len(self))) if indices is None else [int(i) for i in indices]
        if any(b < a for a, b in zip(wanted, wanted[1:])) or (wanted and not 0 <= wanted[-1] < len(self)):
            raise ValueError('frames() takes non-decreasing indices inside the video.')
        if not wanted:
            return
        capture = cv2.VideoCapture(str(self.path)) if self.kind == 'video' else None
        at, first = 0, None
        for index in range(wanted[-1] + 1):
            if capture is not None and index < wanted[at]:
                capture.grab()
                continue
            if index < wanted[at]:
                continue
            if capture is not None:
                ok, bgr = capture.read()
                if not ok:
                    break
            else:
                bgr = cv2.imread(str(self.files[index]), cv2.IMREAD_COLOR)
                if bgr is None:
                    raise SystemExit(f'{self.files[index]}: not an image OpenCV can read; replace or delete it.')
                first = first if first is not None else (self.files[index], bgr.shape)
                if bgr.shape != first[1]:  # a folder's frames are one video: one size
                    raise SystemExit(f'{self.files[index]}: {bgr.shape[1]}x{bgr.shape[0]} pixels, but '
                                     f'{first[0].name} has {first[1][1]}x{first[1][0]}: a video\'s frames share one size.')
            rgb = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
            while at < len(wanted) and wanted[at] == index:
                yield index, float(self.times[index]), rgb
                at += 1
            if at == len(wanted):
                break
        if capture is not None:
            capture.release()

    def take(self, indices) -> np.ndarray:
        """The frames at `indices` (any order, repeats allowed), only those decoded and kept."""
        got = {i: f for i, _, f in self.frames(sorted(set(int(i) for i in indices)))}
        return np.stack([got[int(i)] for i in indices])

    def grid(self, count: int | None = None) -> np.ndarray:
        """Frame indices at `count` evenly spaced times (default: as many as frames)."""
        count = len(self) if count is None else count
        times = np.arange(count) * (self.duration / count)
        return np.clip(np.searchsorted(self.times, times + 1e-6, side='right') - 1, 0, len(self) - 1)


class Mp4Out:
    """Write RGB frames to an MP4 (OpenCV's mp4v) under a temporary name, renamed when complete."""

    def __init__(self, path: str | Path, fps: float) -> None:
        self.path, self.fps, self.writer = Path(path), fps, None
        self.part = self.path.with_name(self.path.stem + '.part' + self.path.suffix)

    def write(self, frame: np.ndarray) -> None:
        if self.writer is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            h, w = frame.shape[:2]
            self.writer = cv2.VideoWriter(str(self.part), cv2.VideoWriter_fourcc(*'mp4v'), self.fps, (w, h))
        self.writer.write(cv2.cvtColor(frame, cv2.COLOR_RGB2BGR))

    def close(self) -> None:
        if self.writer is not None:
            self.writer.release()
            self.part.replace(self.path)
