"""The live loop: frames of a camera or stream through a task's step, as they come, until told to stop.

`run_live(source, step)` opens the source (`video.live.open_capture`), reads it in a thread that
keeps only the latest frames (`video.live.FrameFeed`), and calls `step(frame, recent)` on the newest frame
each time the step is free: a step slower than the source skips frames (counted as dropped), so the
output shows the present, never a growing backlog. On every annotated frame it draws the achieved
rate ("4.2 fps | 37 dropped", bottom right), writes it to `out` (`video.live_writer.LiveVideoWriter`, real-time H.264) and
hands it to `on_frame` (the notebook widget).

It stops at the end of the stream, after `max_seconds`, when the `stop` event is set (the notebook's
Stop button) or at Ctrl-C (SIGINT, in the main thread: the first one stops cleanly, a second one
interrupts); in every case the output file is finished and complete, and a `LiveSummary` says what
happened. A source that does not open or never sends a frame raises `LiveSourceError` naming it.
"""
from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator, Sequence

import cv2
import numpy as np

from ..errors import InputError
from .live import (CaptureFactory, Frame, FrameFeed, Source, check_history, describe, live_source,
                   open_capture)
from .live_writer import LiveVideoWriter

POLL = 0.1  # seconds between checks of the stop event while no frame comes
Step = Callable[[Frame, Sequence[Frame]], np.ndarray]  # newest frame, kept frames -> RGB


@dataclass
class LiveSummary:
    """What a live run did: frames received, processed and dropped, for how long, and why it stopped."""

    source: str
    received: int
    processed: int
    dropped: int
    seconds: float
    stopped: str  # 'end of stream', 'stalled', 'max-seconds', 'stop requested', 'Ctrl-C', 'error'
    source_fps: float | None = None
    output: Path | None = None
    output_frames: int = 0
    message: str = field(default='')

    @property
    def fps(self) -> float:
        """Processed frames per second over the whole run."""
        return self.processed / self.seconds if self.seconds > 0 else 0.0

    def __str__(self) -> str:
        announced = f' (the source announces {self.source_fps:g} fps)' if self.source_fps else ''
        text = (f'{self.source}: {self.processed} frames processed in {self.seconds:.1f} s '
                f'({self.fps:.1f} fps), {self.dropped} of {self.received} received dropped{announced}; '
                f'stopped: {self.stopped}.')
        if self.message:
            text += f' {self.message}'
        if self.output:
            text += f'\nwrote {self.output} ({self.output_frames} frames)'
        return text


class RateMeter:
    """Frames per second over the last `window` frames (the rate drawn on the output)."""

    def __init__(self, window: int = 10) -> None:
        self.times: deque[float] = deque(maxlen=window)

    def tick(self, now: float) -> float:
        """Record a frame at time now; return the rate of the recent frames (0 until there are two)."""
        self.times.append(now)
        if len(self.times) < 2 or self.times[-1] <= self.times[0]:
            return 0.0
        return (len(self.times) - 1) / (self.times[-1] - self.times[0])


def draw_rate(image: np.ndarray, fps: float, dropped: int) -> np.ndarray:
    """A copy of an RGB frame with 'N.N fps | M dropped' on a dark box at its bottom right."""
    out = np.ascontiguousarray(image, dtype=np.uint8).copy()
    text = f'{fps:4.1f} fps | {dropped} dropped'
    scale = max(0.35, min(out.shape[:2]) / 600)
    (tw, th), base = cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, scale, 1)
    h, w = out.shape[:2]
    x, y = max(0, w - tw - 6), max(0, h - th - base - 6)
    out[y:, x:] = 0
    cv2.putText(out, text, (x + 3, h - base - 3), cv2.FONT_HERSHEY_SIMPLEX, scale, (255, 255, 255), 1,
                cv2.LINE_AA)
    return out


@contextlib.contextmanager
def ctrl_c_stops(stop: threading.Event) -> Iterator[list[int]]:
    """In the main thread, make the first Ctrl-C set `stop` (a second one interrupts as usual).

    Yields a list that holds the signal number once Ctrl-C was pressed."""
    pressed: list[int] = []
    if threading.current_thread() is not threading.main_thread():
        yield pressed
        return
    previous = signal.getsignal(signal.SIGINT)

    def handler(signum, frame) -> None:
        if pressed:
            raise KeyboardInterrupt
        pressed.append(signum)
        stop.set()

    signal.signal(signal.SIGINT, handler)
    try:
        yield pressed
    finally:
        signal.signal(signal.SIGINT, previous)


def require_live(source: Source | str) -> Source:
    """The camera index or URL that source names; InputError if it names neither."""
    live = live_source(source)
    if live is None:
        raise InputError(f'{source!r} is neither a camera index (0, 1, ...) nor a stream URL '
                         '(rtsp://, http://, udp://, ...). Give one of those; a video file is not live input.')
    return live


def run_live(source: Source | str, step: Step, *, history: int = 1, out: str | os.PathLike | None = None,
             max_seconds: float | None = None, stop: threading.Event | None = None,
             on_frame: Callable[[np.ndarray], None] | None = None, out_fps: float | None = None,
             open_timeout: float = 10.0, read_timeout: float = 10.0, short_side: int | None = None,
             capture: CaptureFactory | None = None) -> LiveSummary:
    """Run step on a camera's or stream's newest frames until it ends or is stopped; return a summary.

    `history`: the latest frames the step gets; `short_side`: larger frames are shrunk to it as they
    arrive; `capture`: a factory of the capture object (default: cv2.VideoCapture)."""
    live = require_live(source)
    if max_seconds is not None and not max_seconds > 0:
        raise InputError(f'max_seconds={max_seconds!r}: give a positive number of seconds (or none).')
    check_history(history)
    stop = stop or threading.Event()
    writer = LiveVideoWriter(out, out_fps or 15.0) if out else None  # checks out before opening
    cap = open_capture(live, open_timeout, read_timeout, capture)
    feed = FrameFeed(cap, live, history, read_timeout, short_side)
    if writer and not out_fps:  # real time at the source's rate (at most 30 fps)
        writer.fps = min(feed.source_fps or 15.0, 30.0)
    meter, processed, stopped, message = RateMeter(), 0, 'error', ''
    start = time.monotonic()
    try:
        with ctrl_c_stops(stop) as ctrl_c:
            feed.start()
            while True:
                if stop.is_set():
                    stopped = 'Ctrl-C' if ctrl_c else 'stop requested'
                    break
                if max_seconds is not None and time.monotonic() - start >= max_seconds:
                    stopped = 'max-seconds'
                    break
                got = feed.next(POLL)  # short waits: the stop event and max_seconds are seen
                if got is None:
                    if feed.ended is None:
                        continue
                    stopped = feed.ended
                    if stopped == 'stalled':
                        message = f'No frame came for {read_timeout:g} s: the source stopped sending.'
                    break
                frame, recent = got
                annotated = draw_rate(step(frame, recent), meter.tick(time.monotonic()), feed.dropped)
                processed += 1
                if writer:
                    writer.write(annotated, time.monotonic() - start)
                if on_frame:
                    on_frame(annotated)
    except KeyboardInterrupt:  # a second Ctrl-C, or a kernel interrupt: still finish the file
        stopped = 'Ctrl-C'
    finally:
        seconds = time.monotonic() - start
        feed.close()
        output = writer.close(seconds) if writer else None
    return LiveSummary(describe(live), feed.received, processed, feed.received - processed, seconds,
                       stopped, feed.source_fps, output, writer.frames if writer else 0, message)

