"""Stand-ins for a camera: an object with cv2.VideoCapture's read / isOpened / get / release, and clips."""
from __future__ import annotations

import threading
import time

import cv2
import numpy as np


class FakeCapture:
    """A camera that sends `frames` frames (None: forever) at `fps` (0: as fast as read), then ends.

    Frame i is BGR with blue = 200 and green = i % 256, so a frame's index can be read back.
    `stall_after`: after that many frames, read() blocks (a stream that stops sending without closing)
    for `stall_seconds`, then fails, as OpenCV's read does after its read timeout."""

    def __init__(self, frames: int | None = 50, fps: float = 25.0, size: tuple[int, int] = (48, 64),
                 opened: bool = True, stall_after: int | None = None, stall_seconds: float = 1.0) -> None:
        self.frames, self.fps, self.size, self.opened = frames, fps, size, opened
        self.stall_after, self.stall_seconds = stall_after, stall_seconds
        self.sent = 0
        self.released = threading.Event()
        self._next = None

    def isOpened(self) -> bool:  # noqa: N802  (OpenCV's name)
        return self.opened and not self.released.is_set()

    def read(self):
        if self.released.is_set() or (self.frames is not None and self.sent >= self.frames):
            return False, None
        if self.stall_after is not None and self.sent >= self.stall_after:
            time.sleep(self.stall_seconds)
            return False, None
        if self.fps:
            now = time.monotonic()
            self._next = now if self._next is None else self._next
            if self._next > now:
                time.sleep(self._next - now)
            self._next += 1 / self.fps
        frame = np.zeros((*self.size, 3), np.uint8)
        frame[..., 0] = 200
        frame[..., 1] = self.sent % 256
        self.sent += 1
        return True, frame

    def get(self, prop: int) -> float:
        return float(self.fps) if prop == cv2.CAP_PROP_FPS else 0.0

    def release(self) -> None:
        self.released.set()


def factory(capture: FakeCapture):
    """A capture factory for run_live / open_capture that returns this fake."""
    return lambda source, open_timeout, read_timeout: capture


def index_of(image_rgb: np.ndarray) -> int:
    """The index a FakeCapture frame carries (its green value), read from an RGB image."""
    return int(round(float(np.median(image_rgb[..., 1]))))


def bar_clip(frames: int = 50, h: int = 48, w: int = 64) -> np.ndarray:
    """RGB clip on a red background: a white bar that moves right one column a frame (order shows)."""
    clip = np.zeros((frames, h, w, 3), np.uint8)
    clip[..., 0] = 200
    for i in range(frames):
        x = 4 + i % (w - 8)
        clip[i, :, x:x + 4] = 255
    return clip


def bar_position(image_rgb: np.ndarray) -> int:
    """Column of the white bar of a bar_clip frame."""
    return int(np.argmax(image_rgb[..., 2].mean(axis=0) > 128))
