"""What a spatio-temporal action detector did with each annotated person: right, wrong, or missed.

Frame-mAP says how good a model is on average; to *look* at its successes and failures we need the
outcome of every true person on every keyframe:

* **right**: a scored box overlaps the person at IoU >= `iou_thr` and its best action is one of the
  person's true actions;
* **wrong action**: the box is there, but its best action is not a true one (the action model failed);
* **missed**: no scored box overlaps the person at IoU >= `iou_thr` (the person detector failed: the
  action model never saw that person).

Used in lesson 07 to pick a clip the model gets right and a failure with its reason.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Iterable, Mapping

import numpy as np

from ..data.ava import AVADetection, AVARow, group_by_keyframe, img_key

RIGHT, WRONG, MISSED = 'right', 'wrong action', 'missed'


@dataclass(frozen=True)
class PersonOutcome:
    """One true person on one keyframe and what the detector said about it."""

    video_id: str
    timestamp: int
    box: tuple[float, float, float, float]      # the true box, normalised
    true_actions: tuple[int, ...]
    best_iou: float                              # IoU of the closest scored box (0 if none)
    predicted_box: tuple[float, float, float, float] | None
    scores: Mapping[int, float]                  # action id -> score of the closest box
    iou_thr: float = 0.5

    @property
    def predicted(self) -> int | None:
        """The closest box's best action id (None without a box)."""
        return max(self.scores, key=self.scores.get) if self.scores else None

    @property
    def outcome(self) -> str:
        """'right', 'wrong action' or 'missed'."""
        if self.predicted_box is None or self.best_iou < self.iou_thr:
            return MISSED
        return RIGHT if self.predicted in self.true_actions else WRONG

    def reason(self, label_map: Mapping[int, str]) -> str:
        """One sentence saying why the outcome is what it is, with the numbers."""
        true = ' + '.join(label_map.get(a, str(a)) for a in self.true_actions)
        if self.outcome == MISSED:
            return (f'missed: the closest person box overlaps the true {true!r} person at IoU '
                    f'{self.best_iou:.2f} < {self.iou_thr}, so no action of it can count')
        ranked = ', '.join(f'{label_map.get(a, a)} {s:.2f}' for a, s in
                           sorted(self.scores.items(), key=lambda kv: -kv[1]))
        if self.outcome == WRONG:
            return f'wrong action: true {true!r}, the box (IoU {self.best_iou:.2f}) scores {ranked}'
        return f'right: true {true!r}, the box (IoU {self.best_iou:.2f}) scores {ranked}'


def _iou(box: np.ndarray, boxes: np.ndarray) -> np.ndarray:
    """IoU of one box with each of `boxes` (x1, y1, x2, y2)."""
    w = np.clip(np.minimum(box[2], boxes[:, 2]) - np.maximum(box[0], boxes[:, 0]), 0, None)
    h = np.clip(np.minimum(box[3], boxes[:, 3]) - np.maximum(box[1], boxes[:, 1]), 0, None)
    inter = w * h
    area = (box[2] - box[0]) * (box[3] - box[1])
    areas = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
    return inter / np.maximum(area + areas - inter, 1e-12)


def person_outcomes(gt_rows: Iterable[AVARow], detections: Iterable[AVADetection],
                    iou_thr: float = 0.5) -> list[PersonOutcome]:
    """Return the outcome of every true person on every annotated keyframe, in keyframe order."""
    boxes: dict[str, dict[tuple, dict[int, float]]] = defaultdict(dict)
    for d in detections:
        per_box = boxes[img_key(d.video_id, d.timestamp)].setdefault(tuple(d.box), {})
        per_box[d.action_id] = max(d.score, per_box.get(d.action_id, 0.0))
    out = []
    for key, persons in sorted(group_by_keyframe(gt_rows).items()):
        video_id, timestamp = key.rsplit(',', 1)
        scored = boxes.get(key, {})
        candidates = list(scored)
        for box, actions, _ in persons:
            best_iou, best = 0.0, None
            if candidates:
                ious = _iou(np.asarray(box, float), np.asarray(candidates, float))
                best_iou, best = float(ious.max()), candidates[int(ious.argmax())]
            out.append(PersonOutcome(video_id, int(timestamp), tuple(box), tuple(sorted(actions)),
                                     best_iou, best, dict(scored[best]) if best else {}, iou_thr))
    return out


def per_video(outcomes: Iterable[PersonOutcome]) -> dict[str, tuple[int, int]]:
    """{video_id: (right, total)} over its annotated persons and keyframes."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for o in outcomes:
        counts[o.video_id][0] += o.outcome == RIGHT
        counts[o.video_id][1] += 1
    return {video: (right, total) for video, (right, total) in counts.items()}


def pick_clips(outcomes: list[PersonOutcome], prefer: Iterable[int] = ()
               ) -> tuple[str | None, PersonOutcome | None]:
    """The video with the largest share of right persons (among equals, the one showing most actions
    of `prefer`, then the first by name), and the first failure (a wrong action before a miss);
    None where there is none. Check `per_video` for how right the chosen video is."""
    videos = per_video(outcomes)
    wanted = set(prefer)

    def rank(video: str) -> tuple[float, int]:
        right, total = videos[video]
        shown = wanted & {a for o in outcomes if o.video_id == video for a in o.true_actions}
        return right / total, len(shown)
    success = max(sorted(videos), key=rank) if videos else None  # max keeps the first of equals
    failures = [o for o in outcomes if o.outcome == WRONG] + \
        [o for o in outcomes if o.outcome == MISSED]
    return success, (failures[0] if failures else None)
