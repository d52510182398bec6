"""The four demo tasks: read the input through a VideoSource, run the model, write `--out` / `--json`.

Every output is written whole or not at all (a `.part` file renamed at the end; the folder is
created if missing), and a long video is read frame by frame: the JSON of `objects` is streamed
too, so nothing grows with the video's length but a few numbers per frame.
"""
from __future__ import annotations

import json
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

import cv2
import numpy as np

from .._util import atomic_path, write_text_atomic
from ..errors import InputError, WriteError
from ..video import VideoSource, VideoWriter
from . import models

VIDEO_OUT = ('.mp4',)
IMAGE_OUT = ('.jpg', '.jpeg', '.png')
MOTION = ('video', 'frames')  # tasks that need motion take no single image


def check_output(path: str | None, suffixes: tuple[str, ...], force: bool, what: str) -> Path | None:
    """The output path if it is new (or --force) with a suffix the task writes; else InputError."""
    if path is None:
        return None
    path = Path(path)
    if path.suffix.lower() not in suffixes:
        raise InputError(f'{path}: {what} is written as {" or ".join(suffixes)}; give a path ending '
                         f'in {suffixes[0]}.')
    if path.exists() and not force:
        raise InputError(f'{path} exists: choose another path, or add --force to replace it.')
    if path.is_dir():
        raise InputError(f'{path} is a folder: give a file path ending in {suffixes[0]}.')
    return path


def caption_top(image: np.ndarray, lines: list[str]) -> np.ndarray:
    """A copy of an RGB frame with lines of text on a dark band at its top."""
    out = np.ascontiguousarray(image).copy()
    size = max(0.35, min(out.shape[:2]) / 500)
    band = int(22 * size / 0.5) * len(lines) + 6
    out[:band] = (out[:band] * 0.35).astype(out.dtype)
    for j, text in enumerate(lines):
        y = int((j + 1) * 22 * size / 0.5)
        cv2.putText(out, text, (6, y), cv2.FONT_HERSHEY_SIMPLEX, size, (255, 255, 255), 1, cv2.LINE_AA)
    return out


def open_input(args: Any, kinds: tuple[str, ...], min_frames: int = 1) -> VideoSource:
    """The task's INPUT, resolved by its kind (file, frame folder, image) and checked once, before any
    model is loaded: the one place the demo turns INPUT into frames (a new input kind plugs in here)."""
    fps = getattr(args, 'fps', None)
    return VideoSource(args.input, fps=fps, min_frames=min_frames, kinds=kinds,
                       progress=not args.no_progress)


def _write_json(path: Path | None, record: dict) -> None:
    if path is not None:
        write_text_atomic(path, json.dumps(record, indent=1))
        print('results:', path)


def recognize(args: Any) -> dict:
    """Top-k actions of the input video (or frame folder)."""
    out, js = check_output(args.out, VIDEO_OUT, args.force, 'the annotated video'), \
        check_output(args.json, ('.json',), args.force, 'the results')
    source = open_input(args, MOTION)  # the input is checked before any model is loaded (or trained)
    if args.package:
        config, labels, xml = models.read_package(args.package, 'recognize')
        from ..standalone_demo import recognize_video
        top = recognize_video(xml, args.input, labels, config['clip_len'], config['frame_interval'],
                              args.top_k)
        described = f'package {Path(args.package).name}'
    else:
        model, names, described = models.recognizer(args)
        from ..inference.recognition import recognize as run
        result = run(model, source, names, k=args.top_k)  # too short for a clip: an InputError
        top = list(zip(result.labels, result.scores))
    print(f'{Path(args.input).name}: {len(source)} frames, {source.duration:.1f} s; model: {described}')
    for name, score in top:
        print(f'  {score:6.3f}  {name}')
    if out is not None:
        lines = [f'{name} {score:.2f}' for name, score in top[:3]]
        with VideoWriter(out, source.fps) as writer:
            for frame in source:
                writer.write(caption_top(frame.image, lines))
        print('annotated video:', out)
    record = dict(task='recognize', input=str(args.input), model=described, frames=len(source),
                  duration_s=round(source.duration, 3), top=[dict(label=n, score=round(float(s), 5))
                                                             for n, s in top])
    _write_json(js, record)
    return record


def localize(args: Any) -> dict:
    """Labelled segments (seconds) of the actions in an untrimmed video."""
    out, js = check_output(args.out, VIDEO_OUT, args.force, 'the annotated video'), \
        check_output(args.json, ('.json',), args.force, 'the results')
    source = open_input(args, MOTION)  # checked before any model is loaded (or trained)
    detector, described = models.localizer(args)
    found = detector(source, name=Path(args.input).stem, progress=False)
    top = found.top(args.top_k)
    print(f'{Path(args.input).name}: {len(source)} frames, {source.duration:.1f} s; model: {described}')
    for seg in top:
        print(f'  {seg.start:7.2f} s - {seg.end:7.2f} s  {seg.label:12s} score {seg.score:.2f}')
    if out is not None:
        with VideoWriter(out, source.fps) as writer:
            for frame in source:
                here = [s for s in top if s.start <= frame.time <= s.end]
                lines = [f'{frame.time:6.1f} s'] + [f'{s.label} {s.score:.2f}' for s in here[:2]]
                writer.write(caption_top(frame.image, lines))
        print('annotated video:', out)
    record = dict(task='localize', input=str(args.input), model=described, frames=len(source),
                  duration_s=round(found.duration, 3),
                  segments=[dict(start_s=round(s.start, 3), end_s=round(s.end, 3), label=s.label,
                                 score=round(s.score, 5)) for s in top])
    _write_json(js, record)
    return record


LOW_THR = 0.1  # the threshold of the tutorial's second run of demo_spatiotemporal_det.py


def actions(args: Any) -> dict:
    """Persons on keyframes and their actions (demo_spatiotemporal_det.py's steps)."""
    from ..inference.spatiotemporal import SpatioTemporalDetector
    out, js = check_output(args.out, VIDEO_OUT, args.force, 'the annotated video'), \
        check_output(args.json, ('.json',), args.force, 'the results')
    source = open_input(args, MOTION)  # checked before any model is loaded (or trained)
    model, cfg, labels, described = models.action_model(args)
    persons, person_note = models.person_detector(args, args.det_score_thr)
    short_side = None if cfg is None else args.short_side  # an IR resizes to its own short side
    detector = SpatioTemporalDetector(model, cfg, persons, labels, stepsize=args.predict_stepsize,
                                      short_side=short_side, action_thr=args.action_score_thr)
    result = detector(source, progress=False)
    found = sum(len(b) for b in result.persons.values())
    if not found and hasattr(persons, 'score_thr') and persons.score_thr > LOW_THR and not args.no_rerun:
        print(f'no person scored >= {persons.score_thr} on any keyframe: running again with '
              f'--det-score-thr {LOW_THR} --action-score-thr {min(args.action_score_thr, LOW_THR)} '
              '(as the tutorial\'s second video; --no-rerun keeps the first run)')
        persons.score_thr = LOW_THR
        detector.action_thr = min(args.action_score_thr, LOW_THR)
        result = detector(source, progress=False)
    print(f'{Path(args.input).name}: {len(source)} frames, {source.duration:.1f} s; model: {described}; '
          f'persons: {person_note}')
    plain = result.actions(labels, thr=detector.action_thr, k=5)
    times = source.timestamps
    for frame, people in plain.items():
        text = '; '.join(', '.join(f'{n} {s:.2f}' for n, s in acts) or '-' for _, acts in people)
        print(f'  frame {frame:5d} ({times[frame]:6.2f} s): {len(people)} person(s)  {text}')
    if out is not None:
        detector.show(source, result, out, fps=args.output_fps, output_stepsize=args.output_stepsize)
        print('annotated video:', out)
    record = dict(task='actions', input=str(args.input), model=described, persons=person_note,
                  frames=len(source), duration_s=round(source.duration, 3),
                  keyframes=[dict(frame=k, time_s=round(float(times[k]), 3),
                                  persons=[dict(box=[round(v, 1) for v in box],
                                                actions=[dict(label=n, score=round(s, 5)) for n, s in acts])
                                           for box, acts in people]) for k, people in plain.items()])
    _write_json(js, record)
    return record


@contextmanager
def _json_stream(path: Path | None, head: dict) -> Iterator:
    """Write {"...head", "frames": [one record per call]} to path whole or not at all."""
    if path is None:
        yield lambda record: None
        return
    with atomic_path(path) as part, open(part, 'w') as f:
        f.write(json.dumps(head)[:-1] + ', "frames": [\n')
        first = [True]

        def add(record: dict) -> None:
            f.write(('' if first[0] else ',\n') + json.dumps(record))
            first[0] = False

        yield add
        f.write('\n]}\n')
    print('results:', path)


def objects(args: Any) -> dict:
    """Boxes of the lesson-06 detector on an image, every frame of a folder, or a video."""
    from ..standalone_demo import draw
    source = open_input(args, ('image', 'frames', 'video'))
    kinds = IMAGE_OUT if source.kind == 'image' else VIDEO_OUT
    out = check_output(args.out, kinds, args.force, 'the annotated ' + ('image' if source.kind == 'image'
                                                                       else 'video'))
    js = check_output(args.json, ('.json',), args.force, 'the results')
    detect, labels, threshold, described = models.object_detector(args)
    print(f'{Path(args.input).name}: {len(source)} frame(s); model: {described}')
    counts = np.zeros(len(labels), int)
    head = dict(task='objects', input=str(args.input), model=described, threshold=threshold,
                classes=labels)
    writer = VideoWriter(out, source.fps) if out is not None and source.kind != 'image' else None
    with _json_stream(js, head) as add, (writer or _nothing()):
        for frame in source:
            boxes, scores, ids = detect(cv2.cvtColor(frame.image, cv2.COLOR_RGB2BGR))
            keep = scores >= threshold
            boxes, scores, ids = boxes[keep], scores[keep], ids[keep].astype(int)
            np.add.at(counts, ids, 1)
            add(dict(index=frame.index, time_s=round(frame.time, 3),
                     boxes=[dict(label=labels[i], score=round(float(s), 5), box=[round(float(v), 1) for v in b])
                            for b, s, i in zip(boxes, scores, ids)]))
            if out is not None:
                drawn = draw(frame.image, boxes, [f'{labels[i]} {s:.2f}' for s, i in zip(scores, ids)])
                if writer is not None:
                    writer.write(drawn)
                else:
                    with atomic_path(out, keep_suffix=True) as part:
                        if not cv2.imwrite(str(part), cv2.cvtColor(drawn, cv2.COLOR_RGB2BGR)):
                            raise WriteError(f'{out}: OpenCV could not write the image.')
    summary = ', '.join(f'{n} {c}' for n, c in zip(labels, counts))
    print(f'  boxes at score >= {threshold:.3f}: {summary}')
    if out is not None:
        print('annotated', 'image:' if writer is None else 'video:', out)
    return dict(head, counts=dict(zip(labels, counts.tolist())))


@contextmanager
def _nothing() -> Iterator[None]:
    yield None


RUN = {'recognize': recognize, 'localize': localize, 'actions': actions, 'objects': objects}
