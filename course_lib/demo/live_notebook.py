"""`cl.demo.live(source, task, ...)`: the demo's live input in a notebook, shown as it is made.

The annotated frames appear in an ipywidgets Image with a Stop button (`viz.live`); the model is the
one the demo command would choose for the same options (`checkpoint=...`, `ir=...`, `persons=...`),
or `model=`, a recognizer the lesson already holds. It returns the running session at once (so the
Stop button works); `session.wait()` returns the run's summary.
"""
from __future__ import annotations

from typing import Any

from ..errors import InputError
from ..video.live import live_source
from .live_input import LIVE_TASKS, SHORT_SIDE, not_live, task_for
from .live_steps import recognition_task


def _flags(options: dict[str, Any]) -> list[str]:
    """`--name value` command-line flags from keyword options (True: a bare flag; None/False: left out)."""
    flags = []
    for name, value in options.items():
        flag = '--' + name.replace('_', '-')
        if value is True:
            flags.append(flag)
        elif value not in (None, False):
            flags += [flag, str(value)]
    return flags


def live(source: Any, task: str = 'recognize', *, model: Any = None, classes: list[str] | None = None,
         max_seconds: float | None = None, out: str | None = None, width: int = 480, **options):
    """Show a task on a camera or stream in the notebook (Stop button); return the running session.

    `options` are the demo command's (`checkpoint=`, `ir=`, `persons='figures'`, ...); `model=` a
    recognizer already loaded (`recognize`). `session.wait()` returns the summary."""
    from ..viz.live import watch
    if live_source(source) is None:
        raise InputError(f'{source!r} is neither a camera index (0, 1, ...) nor a stream URL (rtsp://, '
                         'http://, udp://, ...); for a file run `python -m course_lib.demo` on it.')
    if task not in LIVE_TASKS:
        not_live(task)
    if model is not None:
        if task != 'recognize':
            raise InputError(f'model= takes a recognizer (task `recognize`); for `{task}` choose the model '
                             'with the command\'s options (checkpoint=..., ir=..., zoo=True).')
        live_task = recognition_task(model, classes, k=3, description=type(model).__name__)
    else:
        from .__main__ import parser  # the command's options and their defaults
        live_task = task_for(parser().parse_args([task, str(source), *_flags(options)]))
    return watch(source, live_task.step, width, history=live_task.history, out=out, max_seconds=max_seconds,
                 short_side=SHORT_SIDE if live_task.history > 1 else None)
