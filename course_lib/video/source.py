"""The video source: every input a learner gives (a video file, a frame folder, an array, an image),
resolved and checked once, then read lazily as timestamped frames.

    source = VideoSource('my_video.mp4')          # checked here: a clear error names the input
    source.duration, len(source), source.fps      # from the decoder's timestamps, not the header
    for frame in source:                          # Frame(index, time, image): one frame in memory
        ...
    clip = source.take([0, 8, 16])                # only those frames, in that order (one pass)
    grid = source.grid()                          # frame indices on a uniform time grid

Times come from what was decoded (OpenCV's CAP_PROP_POS_MSEC, the presentation time of each frame),
so a variable-frame-rate file reports its real duration, and a model that samples "every n-th frame"
samples on `grid()`: the frame shown at evenly spaced times (on a constant-rate file, frame i itself).
Nothing holds the whole video: a file is decoded once to count its frames and read their times
(`timestamps`), then again for each pass over the frames. A live input (a camera, a stream) is any
iterator of `Frame`s; the tasks that need the whole length up front (recognition, localization)
take a `VideoSource`.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

import cv2
import numpy as np

from .. import validate
from ..errors import FileFormatError, InputError

KINDS = ('video', 'frames', 'array', 'image')
FOLDER_FPS = 30.0  # a folder of frames has no rate: the rate rawframe extraction writes by default


class VideoReadError(FileFormatError, RuntimeError):
    """A video file is missing, unreadable or empty."""


@dataclass(frozen=True)
class Frame:
    """One decoded frame: its 0-based index in the source, its time in seconds, RGB uint8 (H, W, 3)."""

    index: int
    time: float
    image: np.ndarray


def is_image_file(path: str | os.PathLike) -> bool:
    """True for a path named like an image (.jpg, .jpeg, .png, .bmp)."""
    return Path(path).suffix.lower() in validate.IMAGE_SUFFIXES


def _kind(video: Any, min_frames: int) -> str:
    if isinstance(video, (str, os.PathLike)):
        path = Path(video)
        if not path.exists():
            raise VideoReadError(f'Video not found: {path} is no video file, image nor frame folder. '
                                 'Check the path (relative paths start at the folder you run from).')
        if path.is_file() and is_image_file(path):
            return 'image'
    try:
        return validate.video_input(video, min_frames)
    except FileFormatError as err:  # an undecodable, empty or cut file: this module's error type
        if isinstance(err, VideoReadError):
            raise
        raise VideoReadError(str(err)) from err


def _open(path: Path) -> cv2.VideoCapture:
    capture = cv2.VideoCapture(str(path))
    if not capture.isOpened():
        raise VideoReadError(f'{path}: OpenCV cannot open it as a video (corrupt, not a video, or a '
                             'codec OpenCV lacks). Re-encode it, e.g. `ffmpeg -i IN -c:v libx264 OUT.mp4`.')
    return capture


def _decoded_times(path: Path, progress: bool = False) -> tuple[np.ndarray, float]:
    """Seconds of every frame of a file (decoded once, frames not converted) and the header's rate."""
    capture = _open(path)
    header_fps = float(capture.get(cv2.CAP_PROP_FPS) or 0.0)
    bar = progress_bar(int(capture.get(cv2.CAP_PROP_FRAME_COUNT)) or None, f'{path.name}: timestamps',
                       disable=not progress)
    times = []
    while capture.grab():
        times.append(capture.get(cv2.CAP_PROP_POS_MSEC) / 1000.0)
        bar.update()
    bar.close()
    capture.release()
    if not times:
        raise VideoReadError(f'No frame could be decoded from {path}: the file is corrupt or not a '
                             'video. Re-download or re-encode it.')
    times = np.asarray(times, dtype=np.float64)
    if len(times) > 1 and not np.all(np.diff(times) > 0):  # a container without usable timestamps
        times = np.arange(len(times)) / (header_fps or 25.0)
    return times - times[0], header_fps


class VideoSource:
    """One video input, checked once; frames are read lazily with their times (see the module doc).

    `kinds` lists the input kinds the caller takes (an image given to a task that needs motion is
    refused with the fix); `fps` is the rate of a frame folder or an array (a file has its own);
    `progress` shows a bar (frames done / total, frames per second) on every pass over a file.
    """

    def __init__(self, video: Any, fps: float | None = None, min_frames: int = 1,
                 kinds: Sequence[str] = KINDS, progress: bool = False) -> None:
        self.progress = progress
        video = validate.video_location(video)  # a URL refused with the download step, `~` expanded
        kind = _kind(video, min_frames)
        if kind not in kinds:
            wanted = ', '.join({'video': 'a video file', 'frames': 'a folder of frames',
                                'array': 'an RGB array', 'image': 'an image'}[k] for k in kinds)
            fix = (' It needs motion: give a video of at least that many frames.'
                   if kind == 'image' else '')
            raise InputError(f'{video if kind != "array" else "the array"} is {"an image" if kind == "image" else "a " + kind}; '
                             f'this task takes {wanted}.{fix}')
        self.kind, self.video = kind, video
        self.name = 'array' if kind == 'array' else Path(video).stem
        rate = validate.fps(fps) if fps is not None else None
        self._files: tuple[Path, ...] = ()
        self._rate = rate or (FOLDER_FPS if kind == 'frames' else None)
        if kind == 'array':
            if not rate:
                raise InputError('an array has no frame rate: pass fps=... (frames per second).')
            self._times = np.arange(len(video)) / rate
        elif kind == 'frames':
            self._files = validate.frame_folder(video, min_frames).files
            self._times = np.arange(len(self._files)) / (rate or FOLDER_FPS)
        elif kind == 'image':
            validate.image_size(video)
            self._times = np.zeros(1)
        else:  # decoded once here: a bad file fails before any model work
            times, self.header_fps = _decoded_times(Path(video), progress)
            self._times = np.arange(len(times)) / rate if rate else times
            if len(times) < min_frames:
                raise InputError(f'{video} has {len(times)} decoded frame{"s" if len(times) != 1 else ""}; '
                                 f'the model needs at least {min_frames}. Give a longer video.')

    # ---- what was decoded -------------------------------------------------------------------------
    @property
    def timestamps(self) -> np.ndarray:
        """Seconds of each frame from the first (a file: the decoder's presentation times; a rate
        given for a file overrides them, as for a folder)."""
        return self._times

    def __len__(self) -> int:
        return len(self.timestamps)

    @property
    def duration(self) -> float:
        """Seconds from the first frame to the end of the last (shown as long as the one before it)."""
        times = self.timestamps
        return float(times[-1] + (times[-1] - times[-2] if len(times) > 1 else 0.0))

    @property
    def fps(self) -> float:
        """The average rate: frames per second of decoded time (a constant-rate file: its own rate;
        a folder or an array: the rate given)."""
        if self._rate:
            return float(self._rate)
        return len(self) / self.duration if self.duration > 0 else FOLDER_FPS

    @property
    def size(self) -> tuple[int, int]:
        """(height, width) of the frames."""
        return next(iter(self)).image.shape[:2]

    # ---- reading ------------------------------------------------------------------------------------
    def __iter__(self) -> Iterator[Frame]:
        return self.frames()

    def frames(self, indices: Iterable[int] | None = None) -> Iterator[Frame]:
        """Yield the frames at `indices` (non-decreasing, repeats allowed; all when None) in one pass,
        one at a time; a file's other frames are skipped without converting them."""
        times = self.timestamps
        if indices is None:
            for index, image in self._decode(None):
                yield Frame(index, float(times[index]), image)
            return
        wanted = list(_non_decreasing(indices, len(times)))
        at = 0
        for index, image in self._decode(sorted(set(wanted))):
            while at < len(wanted) and wanted[at] == index:
                yield Frame(index, float(times[index]), image)
                at += 1

    def take(self, indices: Sequence[int]) -> np.ndarray:
        """The frames at `indices` (any order, repeats allowed) as (N, H, W, 3); only those are kept."""
        indices = np.asarray(indices, dtype=int).reshape(-1)
        order = np.unique(indices)
        got = {f.index: f.image for f in self.frames(order)}
        return np.stack([got[i] for i in indices])

    def at_times(self, seconds: Sequence[float]) -> np.ndarray:
        """Index of the frame shown at each time (the last frame that started at or before it)."""
        seconds = np.asarray(seconds, dtype=np.float64)
        found = np.searchsorted(self.timestamps, seconds + 1e-6, side='right') - 1
        return np.clip(found, 0, len(self) - 1)

    def grid(self, count: int | None = None) -> np.ndarray:
        """Frame indices at `count` evenly spaced times over the duration (default: as many as frames).

        On a constant-rate input this is 0, 1, 2, ...; on a variable-rate file a frame shown long
        repeats, so a model that samples every n-th entry samples by time."""
        count = len(self) if count is None else int(count)
        return self.at_times(np.arange(count) * (self.duration / count))

    def _decode(self, needed: Sequence[int] | None) -> Iterator[tuple[int, np.ndarray]]:
        """(index, RGB frame) of the needed indices (sorted; None: all), in order."""
        order = range(len(self)) if needed is None else needed
        if self.kind == 'array':
            for i in order:
                yield i, self.video[i]
        elif self.kind in ('frames', 'image'):
            files = self._files or (Path(self.video),)
            shape = None
            for i in order:
                image = cv2.imread(str(files[i]), cv2.IMREAD_COLOR)
                if image is None:
                    raise FileFormatError(f'{files[i]}: not an image OpenCV can read. Replace or '
                                          'delete it.')
                if shape is not None and image.shape != shape:
                    raise FileFormatError(f'{files[i]}: the frames differ in size; a video\'s frames '
                                          'share one size. Re-extract them from the video.')
                shape = image.shape
                yield i, cv2.cvtColor(image, cv2.COLOR_BGR2RGB)
        else:
            yield from self._decode_file(None if needed is None else set(needed),
                                         len(self) if needed is None else (max(needed) + 1 if needed else 0))

    def _decode_file(self, needed: set[int] | None, stop: int) -> Iterator[tuple[int, np.ndarray]]:
        capture = _open(Path(self.video))
        bar = progress_bar(stop, self.name, disable=not self.progress)
        try:
            for index in range(stop):
                if needed is not None and index not in needed:  # skipped: decoded, not converted
                    ok = capture.grab()
                else:
                    ok, image = capture.read()
                    if ok:
                        yield index, cv2.cvtColor(image, cv2.COLOR_BGR2RGB)
                if not ok:
                    raise VideoReadError(f'{self.video}: frame {index} could not be decoded although '
                                         'the first pass read it; the file may be damaged. Re-encode it.')
                bar.update()
        finally:
            bar.close()
            capture.release()


def _non_decreasing(indices: Iterable[int], count: int) -> Iterator[int]:
    last = -1
    for i in indices:
        i = int(i)
        if not 0 <= i < count:
            raise IndexError(f'frame {i} is outside the video\'s {count} frames.')
        if i < last:
            raise InputError('frames() reads in one pass: give indices in non-decreasing order '
                             '(take() accepts any order).')
        last = i
        yield i


def sliding_windows(frames: Iterable[Frame], size: int, step: int = 1
                    ) -> Iterator[list[Frame]]:
    """Yield windows of `size` consecutive frames every `step` frames; at most `size` are held."""
    from collections import deque
    window: deque[Frame] = deque(maxlen=size)
    for count, frame in enumerate(frames, start=1):
        window.append(frame)
        if len(window) == size and (count - size) % step == 0:
            yield list(window)


def progress_bar(total: int | None, desc: str, disable: bool = False):
    """A tqdm bar of frames done / total with frames per second (for passes longer than a second)."""
    from tqdm.auto import tqdm
    return tqdm(total=total, desc=desc, unit='frame', disable=disable, leave=False, dynamic_ncols=True,
                delay=1.0)  # shown after a second: quick passes stay silent
