"""Live input: a camera index or a stream URL, opened within a timeout and read by a thread that keeps
only the latest frames.

* `live_source(value)`: the camera index (`0`, `'0'`, `'/dev/video0'`) or stream URL (`rtsp://`,
  `http(s)://`, `udp://`, `rtmp://`, `tcp://`, `srt://`) that a command-line INPUT names, or None
  for anything else (a file, a folder: the video source reads those);
* `open_capture(source)`: a `cv2.VideoCapture` (or the object an injected `factory` makes: anything
  with `read()`, `isOpened()`, `release()`, optionally `get()`), opened in a thread, so that a
  camera or server that never answers ends in a `LiveSourceError` naming it after `open_timeout`
  seconds instead of a hang. For URLs OpenCV's FFmpeg backend also gets the open and read timeouts
  (`CAP_PROP_OPEN_TIMEOUT_MSEC`, `CAP_PROP_READ_TIMEOUT_MSEC`);
* `FrameFeed(cap)`: reads frames as fast as the source sends them and keeps the latest `history`;
  `next()` returns the newest frame not taken yet (frames that arrived in between are **dropped**:
  a slow model shows the present, not a growing backlog) with the frames kept before it, which is
  what a model that reads clips needs.

Frames are the video source's `Frame`s (index, time, RGB uint8 image): the index counts the frames
that arrived, the time is their arrival (seconds since the first frame).
"""
from __future__ import annotations

import re
import threading
import time
from collections import deque
from typing import Any, Callable
from urllib.parse import urlparse

import cv2
import numpy as np

from .._util import resize_short_side
from ..errors import InputError, LiveSourceError
from .source import Frame

LIVE_SCHEMES = ('rtsp', 'rtsps', 'rtmp', 'rtmps', 'http', 'https', 'udp', 'tcp', 'srt', 'rtp')
CAMERA_DEVICE = re.compile(r'^/dev/video(\d+)$')
GRACE = 2.0  # seconds given to a backend beyond its own timeout before the thread's timeout applies

Source = int | str
CaptureFactory = Callable[[Source, float, float], Any]


def live_source(value: Any) -> Source | None:
    """The camera index or stream URL that value names, or None when it names neither (e.g. a file)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, np.integer)):
        if value < 0:
            raise InputError(f'camera {value}: camera indexes start at 0 (the first camera).')
        return int(value)
    if not isinstance(value, str):
        return None
    text = value.strip()
    if text.isdigit():
        return int(text)
    if match := CAMERA_DEVICE.match(text):
        return int(match.group(1))
    scheme, sep, _ = text.partition('://')
    if not sep or scheme.lower() not in LIVE_SCHEMES:
        return None
    parsed = urlparse(text)
    if not parsed.hostname:
        raise InputError(f'{text}: a {scheme} stream URL needs a host, as in {scheme}://HOST:PORT/PATH.')
    try:
        parsed.port  # noqa: B018  (urlparse checks the port only when asked)
    except ValueError as err:
        raise InputError(f'{text}: the port is not a number from 0 to 65535 ({err}).') from None
    return text


def describe(source: Source) -> str:
    """How messages name a live source: 'camera 0' or the URL."""
    return f'camera {source}' if isinstance(source, int) else str(source)


def opencv_capture(source: Source, open_timeout: float, read_timeout: float) -> cv2.VideoCapture:
    """cv2.VideoCapture of a camera (the platform's backend) or a URL (FFmpeg, with both timeouts).

    OpenCV's own warnings while opening are silenced: a failure becomes the course's one message."""
    level = cv2.getLogLevel()
    cv2.setLogLevel(0)
    try:
        if isinstance(source, int):
            return cv2.VideoCapture(source)
        params = [cv2.CAP_PROP_OPEN_TIMEOUT_MSEC, int(open_timeout * 1000),
                  cv2.CAP_PROP_READ_TIMEOUT_MSEC, int(read_timeout * 1000)]
        return cv2.VideoCapture(source, cv2.CAP_FFMPEG, params)
    finally:
        cv2.setLogLevel(level)


def _fix(source: Source) -> str:
    if isinstance(source, int):
        return (f'Is there a camera {source} on the machine that runs Python? (In a remote JupyterLab '
                'that is the server, not the computer of your browser.) List the cameras with '
                '`ls /dev/video*` (Linux), close any other program that uses the camera, or give '
                'another index.')
    return ('Check that the stream is running (open it in a player such as VLC or ffplay) and that the '
            'URL is right: scheme, host, port and path.')


def open_capture(source: Source, open_timeout: float = 10.0, read_timeout: float = 10.0,
                 factory: CaptureFactory | None = None) -> Any:
    """Open a camera or stream within open_timeout seconds; LiveSourceError (naming it) otherwise."""
    for name, value in (('open_timeout', open_timeout), ('read_timeout', read_timeout)):
        if not value > 0:
            raise InputError(f'{name}={value!r}: give a positive number of seconds.')
    factory = factory or opencv_capture
    result: dict[str, Any] = {}
    lock = threading.Lock()

    def target() -> None:
        try:
            cap = factory(source, open_timeout, read_timeout)
        except Exception as err:  # noqa: BLE001  (re-raised below as the course's error)
            result['error'] = err
            return
        with lock:
            if result.get('abandoned') and cap is not None:  # opened after we gave up on it: let it go
                cap.release()
            result['cap'] = cap

    opener = threading.Thread(target=target, name=f'open {describe(source)}', daemon=True)
    opener.start()
    opener.join(open_timeout + GRACE)
    with lock:
        result['abandoned'] = opener.is_alive()
    if result['abandoned']:  # the backend ignored its timeout: give up on it (the thread is a daemon)
        raise LiveSourceError(f'{describe(source)} did not open within {open_timeout:g} s. {_fix(source)}')
    if 'error' in result:
        err = result['error']
        raise LiveSourceError(f'{describe(source)} could not be opened ({type(err).__name__}: {err}). '
                              f'{_fix(source)}') from err
    cap = result['cap']
    if not cap.isOpened():
        cap.release()
        raise LiveSourceError(f'{describe(source)} could not be opened (within {open_timeout:g} s). '
                              f'{_fix(source)}')
    return cap


def to_rgb(frame: np.ndarray) -> np.ndarray:
    """A frame as OpenCV reads it (BGR, BGRA or grey) as RGB uint8."""
    if frame.ndim == 2:
        return cv2.cvtColor(frame, cv2.COLOR_GRAY2RGB)
    if frame.shape[2] == 4:
        return cv2.cvtColor(frame, cv2.COLOR_BGRA2RGB)
    return cv2.cvtColor(frame, cv2.COLOR_BGR2RGB)


def check_history(history: Any) -> int:
    """history if it is a whole number >= 1 (how many of the latest frames a feed keeps); else InputError."""
    if isinstance(history, bool) or not isinstance(history, (int, np.integer)) or history < 1:
        raise InputError(f'history={history!r}: keep at least 1 frame (a whole number).')
    return int(history)


class FrameFeed:
    """Reads an opened capture in a thread as fast as it sends; keeps the latest `history` frames."""

    def __init__(self, cap: Any, source: Source, history: int = 1, read_timeout: float = 10.0,
                 short_side: int | None = None) -> None:
        """`history`: how many of the latest frames `next()` returns (the clip a temporal model reads);
        `short_side`: frames with a longer short side are shrunk to it as they arrive (memory)."""
        check_history(history)
        self.short_side = short_side
        self.cap, self.source, self.read_timeout = cap, source, read_timeout
        self.received = 0  # frames read from the source
        self.taken = 0  # frames returned by next()
        self.ended: str | None = None  # why no more frames come: 'end of stream', 'stalled', 'stopped'
        self.error: BaseException | None = None
        self._frames: deque[Frame] = deque(maxlen=history)
        self._last = -1
        self._started: float | None = None  # when reading began
        self._arrival: float | None = None  # when the latest frame arrived
        self._cond = threading.Condition()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._read, name=f'read {describe(source)}', daemon=True)
        fps = float(cap.get(cv2.CAP_PROP_FPS)) if hasattr(cap, 'get') else 0.0
        self.source_fps = fps if 0 < fps < 1000 else None  # what the source announces, if plausible

    @property
    def dropped(self) -> int:
        """Frames that arrived but were never returned by next() (the model was busy)."""
        return self.received - self.taken

    def start(self) -> FrameFeed:
        """Start reading; return self."""
        self._started = time.monotonic()
        self._thread.start()
        return self

    def _read(self) -> None:
        start = None
        reason = 'stopped'
        try:
            while not self._stop.is_set():
                ok, frame = self.cap.read()
                if not ok or frame is None:
                    reason = 'end of stream'
                    break
                now = time.monotonic()
                start = now if start is None else start
                image = to_rgb(np.asarray(frame))
                if self.short_side and min(image.shape[:2]) > self.short_side:
                    image = resize_short_side(image, self.short_side)
                with self._cond:
                    self._frames.append(Frame(self.received, now - start, image))
                    self.received += 1
                    self._arrival = now
                    self._cond.notify_all()
        except Exception as err:  # noqa: BLE001  (reported by next(), in the consumer's thread)
            self.error, reason = err, 'error'
        finally:
            with self._cond:
                self.ended = self.ended or reason
                self._cond.notify_all()

    def _fresh(self) -> bool:
        return bool(self._frames) and self._frames[-1].index > self._last

    def next(self, wait: float | None = None) -> tuple[Frame, list[Frame]] | None:
        """The newest frame not taken yet and the kept frames up to it (oldest first), or None.

        Waits at most `wait` seconds (default: the read timeout). None with `ended` unset: no new
        frame yet, ask again. A source silent for the read timeout ends the feed (`ended ==
        'stalled'`) once it has sent frames, and raises LiveSourceError naming it if it never did."""
        wait = self.read_timeout if wait is None else wait
        with self._cond:
            self._cond.wait_for(lambda: self._fresh() or self.ended is not None, wait)
            if self._fresh():
                newest = self._frames[-1]
                self._last = newest.index
                self.taken += 1
                return newest, list(self._frames)
            if self.error is not None:
                raise LiveSourceError(f'{describe(self.source)}: reading failed '
                                      f'({type(self.error).__name__}: {self.error}). {_fix(self.source)}'
                                      ) from self.error
            silent = time.monotonic() - (self._arrival or self._started or time.monotonic())
            if self.ended is None and silent < self.read_timeout - 0.01:
                return None
            if self.received == 0:
                what = (f'sent no frame within {self.read_timeout:g} s' if self.ended is None
                        else 'ended before its first frame')
                raise LiveSourceError(f'{describe(self.source)} opened but {what}. {_fix(self.source)}')
            self.ended = self.ended or 'stalled'
            return None

    def close(self) -> None:
        """Stop reading and release the capture (once its reader thread has returned)."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(self.read_timeout + GRACE)
        if not self._thread.is_alive():  # never release a capture that a thread is still reading
            self.cap.release()
