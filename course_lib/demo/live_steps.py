"""The demo's tasks as live steps: what each model reads from the latest frames, and what it draws.

A `LiveTask` is a step for `video.live_run.run_live` (newest frame, kept frames -> annotated RGB frame), the
number of latest frames it reads (`history`) and a line that says which model runs:

* `recognition_task(model, classes)`: the recognizer's clip (its test pipeline's `SampleFrames` on
  the latest `clip_len x frame_interval` frames), the top-k classes written on the frame;
* `detection_task(detect, classes, threshold)`: the newest frame through an image detector, boxes
  above the threshold drawn;
* `actions_task(model, clip_len, frame_interval, persons, labels)`: spatio-temporal detection on
  the latest frames that hold one clip: persons found on the clip's keyframe (its middle), their
  actions scored from the clip around it, drawn on that frame (so the picture lags by half a clip,
  as the model needs).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Mapping, Sequence

import cv2
import numpy as np

from ..video import Frame
from ..video.live_run import Step


MIN_SHORT_SIDE = 256  # smaller frames are drawn on enlarged (as the file demo's videos are)


@dataclass
class LiveTask:
    """A step for run_live, the latest frames it reads, and what it runs (one line)."""

    step: Step
    history: int
    description: str


def draw_lines(image: np.ndarray, lines: Sequence[str]) -> np.ndarray:
    """A copy of an RGB frame with lines of text on a dark band at its top."""
    out = np.ascontiguousarray(image, dtype=np.uint8).copy()
    scale = max(0.35, min(out.shape[:2]) / 600)
    height = cv2.getTextSize('Ag', cv2.FONT_HERSHEY_SIMPLEX, scale, 1)[0][1] + 6
    band = min(out.shape[0], height * len(lines) + 2)
    out[:band] = (out[:band] * 0.35).astype(np.uint8)
    for i, line in enumerate(lines):
        cv2.putText(out, line, (4, height * (i + 1) - 3), cv2.FONT_HERSHEY_SIMPLEX, scale,
                    (255, 255, 255), 1, cv2.LINE_AA)
    return out


def enlarged(image: np.ndarray) -> tuple[np.ndarray, float]:
    """A small frame scaled up to a short side of MIN_SHORT_SIDE (labels stay readable), and the scale."""
    scale = max(1.0, MIN_SHORT_SIDE / min(image.shape[:2]))
    if scale == 1.0:
        return image, 1.0
    return cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_LINEAR), scale


def _collecting(frame: Frame, have: int, span: int) -> np.ndarray:
    """The newest frame, saying that the first clip is not whole yet."""
    return draw_lines(enlarged(frame.image)[0], [f'collecting the first clip: {have}/{span} frames'])


def _sampling(cfg) -> tuple[int, int]:
    """(clip_len, frame_interval) of a recognizer config's SampleFrames test step."""
    steps = [s for s in cfg.test_dataloader.dataset.pipeline if s['type'] == 'SampleFrames']
    step = steps[0] if steps else {}
    return int(step.get('clip_len', 1)), int(step.get('frame_interval', 1))


def recognition_task(model, classes: Sequence[str] | None = None, k: int = 3,
                     description: str = 'recognizer') -> LiveTask:
    """Top-k classes of the latest clip (PyTorch recognizer or IRRecognizer: anything with .cfg)."""
    from ..inference.recognition import recognize
    clip_len, interval = _sampling(model.cfg)
    span = clip_len * interval

    def step(frame: Frame, recent: Sequence[Frame]) -> np.ndarray:
        if len(recent) < span:
            return _collecting(frame, len(recent), span)
        result = recognize(model, np.stack([f.image for f in recent]), classes, k=k)
        lines = [f'{s:.3f} {n}' for n, s in zip(result.labels, result.scores)]
        return draw_lines(enlarged(frame.image)[0], lines)

    return LiveTask(step, span, description)


def detection_task(detect: Callable[[np.ndarray], tuple[np.ndarray, np.ndarray, np.ndarray]],
                   classes: Sequence[str], threshold: float, description: str = 'detector') -> LiveTask:
    """Boxes of an image detector (`detect(BGR image) -> boxes, scores, labels`) on the newest frame."""
    from ..viz.boxes import draw_boxes
    from ..viz.detection import class_colors
    colors = class_colors(classes)

    def step(frame: Frame, recent: Sequence[Frame]) -> np.ndarray:
        boxes, scores, labels = detect(cv2.cvtColor(frame.image, cv2.COLOR_RGB2BGR))
        keep = np.asarray(scores) >= threshold
        boxes, scores, labels = np.asarray(boxes)[keep], np.asarray(scores)[keep], np.asarray(labels)[keep]
        names = [f'{classes[int(c)]} {s:.2f}' for c, s in zip(labels, scores)]
        image, scale = enlarged(frame.image)
        return draw_boxes(image, boxes * scale, names, [colors[int(c)] for c in labels], thickness=2)

    return LiveTask(step, 1, description)


def actions_task(model, clip_len: int, frame_interval: int,
                 persons: Callable[[np.ndarray], np.ndarray], labels: Mapping[int, str],
                 action_thr: float = 0.5, short_side: int | None = 256,
                 description: str = 'spatio-temporal detector') -> LiveTask:
    """Who does what on the latest clip: persons on its keyframe, their top actions drawn there."""
    from ..inference.spatiotemporal import KeyframeActions, clip_indices, draw_actions, predict_actions
    offsets = clip_indices(0, clip_len, frame_interval)  # the clip around a keyframe, as the model samples it
    first, last = min(int(offsets.min()), 0), max(int(offsets.max()), 0)
    span, key = last - first + 1, -first  # the latest frames that hold that clip, and its keyframe

    def step(frame: Frame, recent: Sequence[Frame]) -> np.ndarray:
        if len(recent) < span:
            return _collecting(frame, len(recent), span)
        frames = np.stack([f.image for f in recent])
        boxes = np.asarray(persons(frames[key]), dtype=np.float32)  # (N, 4) or (N, 5) with scores
        if boxes.size == 0:
            return draw_lines(enlarged(frames[key])[0], ['no person'])
        pred: KeyframeActions = predict_actions(model, frames, {key: boxes}, clip_len, frame_interval,
                                                short_side, progress=False)[0]
        tops = pred.top(labels, thr=action_thr, k=3)
        return draw_actions(frames[key], pred.boxes, tops, scale=enlarged(frames[key])[1])

    return LiveTask(step, span, description)
