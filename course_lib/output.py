"""The course's one quiet-output switch: `with cl.quiet(): ...` hides logs and printed tables.

Lessons show progress bars and results, not log walls. Upstream warnings that a lesson cannot act
on are filtered once, in `course_lib.compat`; everything else stays visible outside this block.
"""
from __future__ import annotations

import contextlib
import io
import logging
from typing import Iterator


@contextlib.contextmanager
def quiet(stdout: bool = True) -> Iterator[None]:
    """Silence mmengine's INFO / WARNING logs (and, with `stdout`, printed tables) inside the block."""
    from mmengine.logging import MMLogger
    loggers = [logging.getLogger('mmengine'), MMLogger.get_current_instance()]
    if MMLogger.check_instance_created('mmengine'):
        loggers.append(MMLogger.get_instance('mmengine'))
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.ERROR)
    try:
        with contextlib.redirect_stdout(io.StringIO()) if stdout else contextlib.nullcontext():
            yield
    finally:
        for lg, level in zip(loggers, levels):
            lg.setLevel(level)
