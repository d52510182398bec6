"""A live run in JupyterLab: annotated frames in an ipywidgets Image as they are made, and a Stop button.

`watch(source, step, ...)` displays the widget and runs `video.live_run.run_live` in a background thread, so the
kernel stays free to receive the Stop button's click; it returns a `LiveSession` at once. A later
cell calls `session.wait()` for the `LiveSummary` (and re-raises the run's error, if any).

A camera index opens a camera of the machine that runs the kernel: in a JupyterLab served from
another machine that is the server's camera, not the webcam of the computer showing the browser.
"""
from __future__ import annotations

import threading

import cv2
import numpy as np

from ..video.live import Source
from ..video.live_run import LiveSummary, Step, require_live, run_live


class LiveSession:
    """A live run in a background thread, shown in a widget; `stop()`, `wait()`, `summary`."""

    def __init__(self, source: Source | str, step: Step, width: int = 480, **options) -> None:
        """`options` go to `run_live` (history, out, max_seconds, open_timeout, read_timeout, ...)."""
        import ipywidgets as widgets  # here: notebook-only packages load when a widget is made

        require_live(source)  # a wrong source fails here, in the cell, not in the thread
        self.source, self.step, self.options = source, step, options
        self.summary: LiveSummary | None = None
        self.error: BaseException | None = None
        self.frames_shown = 0
        self._stop = threading.Event()
        self.image = widgets.Image(format='jpeg', width=width)
        self.button = widgets.Button(description='Stop', icon='stop', button_style='danger')
        self.status = widgets.Label(f'opening {source} ...')
        self.widget = widgets.VBox([widgets.HBox([self.button, self.status]), self.image])
        self.button.on_click(lambda _: self.stop())
        self._thread = threading.Thread(target=self._run, name='live session', daemon=True)

    def start(self) -> LiveSession:
        """Start the run in its thread; return self."""
        self._thread.start()
        return self

    def _run(self) -> None:
        try:
            self.summary = run_live(self.source, self.step, stop=self._stop, on_frame=self._show,
                                    **self.options)
            if self.summary.stopped == 'stop requested':
                self.summary.stopped = 'Stop button'
            self.status.value = (f'done: {self.summary.processed} frames, {self.summary.fps:.1f} fps, '
                                 f'{self.summary.dropped} dropped; stopped: {self.summary.stopped}')
        except BaseException as err:  # noqa: BLE001  (kept for wait(), which raises it in the caller)
            self.error = err
            self.status.value = f'error: {err}'
        finally:
            self.button.disabled = True

    def _show(self, frame: np.ndarray) -> None:
        ok, jpeg = cv2.imencode('.jpg', cv2.cvtColor(frame, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, 85])
        if ok:
            self.image.value = jpeg.tobytes()
            self.frames_shown += 1
            if self.frames_shown == 1:
                self.status.value = f'live: {self.source} (Stop ends the run)'

    @property
    def running(self) -> bool:
        """True while the run has not ended."""
        return self._thread.is_alive()

    def stop(self) -> None:
        """Ask the run to stop after the frame it is on (the Stop button does this)."""
        self._stop.set()

    def wait(self, timeout: float | None = None) -> LiveSummary:
        """Wait for the run to end (at most timeout seconds); return its summary, or raise its error."""
        self._thread.join(timeout)
        if self._thread.is_alive():
            raise TimeoutError(f'the live run of {self.source} is still going after {timeout:g} s; '
                               'call stop() or press Stop, then wait() again.')
        if self.error is not None:
            raise self.error
        return self.summary

    def __repr__(self) -> str:
        if self.running:
            return f'LiveSession({self.source}: running, {self.frames_shown} frames shown)'
        return f'LiveSession({self.summary or self.error})'


def watch(source: Source | str, step: Step, width: int = 480, **options) -> LiveSession:
    """Show a live run of step on a camera or stream in the notebook (Stop button); return the session."""
    from IPython.display import display  # here: see LiveSession
    session = LiveSession(source, step, width, **options)
    display(session.widget)
    return session.start()
