"""The course's one quiet-output switch: `with cl.quiet(): ...` hides logs and printed tables.

Lessons show progress bars and results, not log walls. Inside the block, rich's global console
(NNCF's progress bars draw on it) is silent: in a notebook each of those bars would otherwise leave
an empty ipywidgets output behind (tqdm bars, the course's own, stay). Upstream warnings that a lesson cannot act
on are filtered once, in `course_lib.compat`; everything else stays visible outside this block.
"""
from __future__ import annotations

import contextlib
import io
import logging
from typing import Iterator, Sequence


@contextlib.contextmanager
def quiet(stdout: bool = True, level: int = logging.ERROR,
          loggers: Sequence[str] = ()) -> Iterator[None]:
    """Drop log records below `level` inside the block (and, with `stdout`, printed tables).

    mmengine's loggers always; `loggers` names more, e.g. `('nncf',)`. Rich progress bars always.
    """
    import rich
    from mmengine.logging import MMLogger
    chosen = [logging.getLogger('mmengine'), MMLogger.get_current_instance(),
              *(logging.getLogger(name) for name in loggers)]
    if MMLogger.check_instance_created('mmengine'):
        chosen.append(MMLogger.get_instance('mmengine'))
    levels = [lg.level for lg in chosen]
    for lg in chosen:
        lg.setLevel(max(level, lg.level))
    console = rich.get_console()
    saved = dict(console.__dict__)
    rich.reconfigure(quiet=True, force_jupyter=False)  # no Live display, no widget
    try:
        with contextlib.redirect_stdout(io.StringIO()) if stdout else contextlib.nullcontext():
            yield
    finally:
        console.__dict__ = saved
        for lg, old in zip(chosen, levels):
            lg.setLevel(old)
