"""Writing a live run's annotated frames to an MP4 as they are made, complete whenever the run stops.

`LiveVideoWriter(path, fps)` pipes RGB frames to the ffmpeg binary of `imageio-ffmpeg`, which
encodes H.264 (yuv420p, plays in browsers and players) into `<stem>.part.mp4`; `close()` lets ffmpeg
finish the file and only then renames it to `path`, so a file named `path` is always complete.
ffmpeg runs in a session of its own: a Ctrl-C in the terminal stops the Python loop (which then
closes the writer), not the encoder in the middle of a frame.

A live source delivers processed frames at an irregular rate; `write(frame, time)` repeats each
frame until the next one's time, so the video plays in real time at a fixed `fps`. (`VideoWriter`
writes a file's frames one each, and deletes its file when the block ends in an error; a live run
keeps what it recorded until it was stopped.)
"""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

import cv2
import numpy as np

from ..errors import InputError, WriteError
from .stream import ffmpeg_exe

SUFFIXES = ('.mp4', '.mkv', '.mov')


def part_path(path: Path) -> Path:
    """The temporary sibling a video is written to before it is complete (`clip.part.mp4`)."""
    return path.with_name(path.stem + '.part' + path.suffix)


class LiveVideoWriter:
    """An H.264 file written frame by frame in real time; named `path` only once complete."""

    def __init__(self, path: str | os.PathLike, fps: float = 15.0) -> None:
        """The file is created at the first frame (its size fixes the video's)."""
        self.path = Path(path)
        if self.path.suffix.lower() not in SUFFIXES:
            raise InputError(f'{self.path}: write the live video as one of {SUFFIXES} '
                             f'(e.g. {self.path.with_suffix(".mp4").name}).')
        if self.path.is_dir():
            raise InputError(f'{self.path} is a folder: give a file name such as {self.path / "live.mp4"}.')
        if not 1 <= fps <= 120:
            raise InputError(f'fps={fps!r}: the output video takes 1 to 120 frames per second.')
        self.fps = float(fps)
        self.frames = 0  # frames in the file (a processed frame shown for 0.5 s at 10 fps counts 5)
        self.size: tuple[int, int] | None = None  # (width, height)
        self._process: subprocess.Popen | None = None
        self._last: np.ndarray | None = None
        self._last_time = 0.0

    def _open(self, frame: np.ndarray) -> None:
        h, w = frame.shape[:2]
        self.size = (w - w % 2, h - h % 2)  # 4:2:0 chroma needs even sizes
        self.path.parent.mkdir(parents=True, exist_ok=True)
        part = part_path(self.path)
        part.unlink(missing_ok=True)
        cmd = [ffmpeg_exe(), '-hide_banner', '-loglevel', 'error', '-nostdin', '-y',
               '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', f'{self.size[0]}x{self.size[1]}',
               '-r', f'{self.fps:g}', '-i', 'pipe:0', '-an', '-c:v', 'libx264', '-preset', 'veryfast',
               '-pix_fmt', 'yuv420p', '-movflags', '+faststart', str(part)]
        self._process = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                         stderr=subprocess.PIPE, start_new_session=True)

    def _put(self, frame: np.ndarray) -> None:
        w, h = self.size
        if frame.shape[:2] != (h, w):
            frame = (frame[:h, :w] if frame.shape[0] >= h and frame.shape[1] >= w
                     else cv2.resize(frame, (w, h), interpolation=cv2.INTER_AREA))
        try:
            self._process.stdin.write(np.ascontiguousarray(frame, dtype=np.uint8).tobytes())
        except BrokenPipeError:
            error = self._process.stderr.read().decode(errors='replace').strip()
            raise WriteError(f'ffmpeg stopped while writing {self.path}: {error[-300:]}') from None
        self.frames += 1

    def write(self, frame: np.ndarray, time: float) -> None:
        """Show frame from `time` (seconds since the run began) until the next frame's time."""
        frame = np.asarray(frame)[..., :3]
        if self._process is None:
            self._open(frame)
        if self._last is not None:
            self._fill(time)
        self._last, self._last_time = frame, time

    def _fill(self, until: float) -> None:
        """Write the last frame for the ticks up to `until` (at least once)."""
        due = max(round(until * self.fps), self.frames + 1)
        for _ in range(due - self.frames):
            self._put(self._last)

    def close(self, time: float | None = None) -> Path | None:
        """Write the last frame (up to `time`), finish the file, rename it to path; None if no frame came."""
        if self._process is None:
            return None
        process = self._process
        try:
            if self._last is not None:
                self._fill(max(time or 0.0, self._last_time + 1 / self.fps))
            process.stdin.close()
            error = process.stderr.read().decode(errors='replace').strip()
            code = process.wait(timeout=60)
        except BaseException:
            process.kill()
            process.wait()
            part_path(self.path).unlink(missing_ok=True)
            raise
        finally:
            self._process = None
            process.stderr.close()
        if code != 0:
            part_path(self.path).unlink(missing_ok=True)
            raise WriteError(f'ffmpeg could not write {self.path} (exit status {code}): {error[-300:]}')
        part_path(self.path).replace(self.path)
        return self.path
