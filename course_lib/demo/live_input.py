"""Live input for the demo: a camera index or a stream URL as INPUT, in the terminal or in JupyterLab.

* `python -m course_lib.demo TASK 0` (a camera) or `... TASK rtsp://HOST/PATH` (a stream): `run(args)`
  builds the task's model as for a file (`demo.models`), then `video.live_run.run_live` processes
  the newest frames as they come (frames are dropped while the model is busy), draws the achieved
  rate, writes `--out` in real time and stops at the end of the stream, after `--max-seconds` or
  at Ctrl-C, the video complete in every case; `--json` writes the run's summary;
* `live_notebook.live` (`cl.demo.live`) does the same in a notebook.

`localize` is not live: it finds segments over a whole video. A camera index opens a camera of the
machine that runs Python (in a remote JupyterLab: the server's, not the browser's webcam).
"""
from __future__ import annotations

import json
from argparse import Namespace

from .._util import write_text_atomic
from ..errors import InputError
from ..video.live import describe, live_source, open_capture
from ..video.live_run import LiveSummary, run_live
from . import models
from .live_steps import LiveTask, actions_task, detection_task, recognition_task
from .tasks import VIDEO_OUT, check_output

LIVE_TASKS = ('recognize', 'actions', 'objects')
SHORT_SIDE = 360  # frames kept for a clip are shrunk to this (a 1080p camera's 78-frame clip: 0.5 GB)


def not_live(task: str) -> None:
    """InputError for a task that needs a whole video (localize)."""
    raise InputError(f'`{task}` finds action segments over a whole video, so it does not run on a camera '
                     'or a stream. Record a part of it first (e.g. `ffmpeg -i URL -t 60 clip.mp4`), then '
                     f'run `python -m course_lib.demo {task} clip.mp4`; `recognize`, `actions` and '
                     '`objects` run live.')


def task_for(args: Namespace) -> LiveTask:
    """The live step of args.task with the model its options choose (as for a file)."""
    if args.task not in LIVE_TASKS:
        not_live(args.task)
    if args.task == 'recognize':
        if args.package:
            raise InputError(f'--package {args.package}: a recognizer package runs on files; live, give '
                             'its model as --ir (the .xml lesson 08 exported) or use the PyTorch model.')
        model, names, described = models.recognizer(args)
        return recognition_task(model, names, k=min(args.top_k, 3), description=described)
    if args.task == 'objects':
        detect, labels, threshold, described = models.object_detector(args)
        return detection_task(detect, labels, threshold, description=described)
    from ..data.ava import clip_sampling
    model, cfg, labels, described = models.action_model(args)
    persons, note = models.person_detector(args, args.det_score_thr)
    clip_len, interval = (clip_sampling(cfg) if cfg is not None
                          else (model.clip_len, model.frame_interval))
    return actions_task(model, clip_len, interval, persons, labels, args.action_score_thr,
                        args.short_side if cfg is not None else None,
                        description=f'{described}; persons: {note}')


def run(args: Namespace) -> LiveSummary:
    """The demo command on live input (see the module docstring); prints and returns the summary."""
    if args.task not in LIVE_TASKS:
        not_live(args.task)
    out = check_output(args.out, VIDEO_OUT, args.force, 'the annotated video')
    js = check_output(args.json, ('.json',), args.force, 'the run\'s summary')
    source = live_source(args.input)
    # opened first: a camera or stream that does not open fails now, not after the model is loaded
    cap = open_capture(source, args.open_timeout, args.open_timeout)
    try:
        task = task_for(args)
    except BaseException:
        cap.release()
        raise
    limit = f', at most {args.max_seconds:g} s' if args.max_seconds else ''
    print(f'{describe(source)}: {args.task} with {task.description}; Ctrl-C stops{limit}', flush=True)
    summary = run_live(source, task.step, history=task.history, out=out, max_seconds=args.max_seconds,
                       open_timeout=args.open_timeout, read_timeout=args.open_timeout,
                       short_side=SHORT_SIDE if task.history > 1 else None,
                       capture=lambda *_: cap)
    print(summary)
    if js is not None:
        write_text_atomic(js, json.dumps(summary_record(args.task, summary, task), indent=1))
        print('summary:', js)
    return summary


def summary_record(task: str, summary: LiveSummary, live_task: LiveTask) -> dict:
    """The summary of a live run as JSON-ready values."""
    return dict(task=task, input=summary.source, model=live_task.description, received=summary.received,
                processed=summary.processed, dropped=summary.dropped, seconds=round(summary.seconds, 3),
                fps=round(summary.fps, 3), stopped=summary.stopped,
                output=str(summary.output) if summary.output else None)
