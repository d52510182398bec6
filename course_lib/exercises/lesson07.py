"""Checkers for lesson 07's exercises (frame AP by hand, proposal recall, clips across a change of action)."""
from __future__ import annotations

import numpy as np

from ..data import ava
from ..metrics import frame_ap
from .registry import exercise


def _zero_ap(gt_boxes, detections, iou_thr=0.5):
    """The lesson's starting point: a function that always answers 0."""
    return 0.0


def _zero_recall(gt_rows, proposals, iou_thr=0.5):
    """The lesson's starting point: a function that always answers 0."""
    return 0.0


def _random_case(seed: int):
    """Keyframes with 0-3 true boxes of one class and detections near, far and duplicated."""
    rng = np.random.default_rng(seed)
    gt, dets = {}, []
    for k in range(12):
        key = f'v,{900 + k:04d}'
        boxes = []
        for _ in range(int(rng.integers(0, 4))):
            x, y = rng.uniform(0, 0.6, 2)
            boxes.append((round(x, 3), round(y, 3), round(x + rng.uniform(0.1, 0.4), 3),
                          round(y + rng.uniform(0.1, 0.4), 3)))
        if boxes:
            gt[key] = boxes
        for box in boxes:
            if rng.random() < 0.8:  # found, more or less precisely
                dx, dy = rng.normal(0, 0.04, 2)
                moved = tuple(float(np.clip(v + s, 0, 1)) for v, s in zip(box, (dx, dy, dx, dy)))
                dets.append((key, moved, float(rng.random())))
                if rng.random() < 0.3:  # a duplicate: only one of the two can count
                    dets.append((key, moved, float(rng.random())))
        if rng.random() < 0.5:  # a false alarm
            dets.append((key, (0.8, 0.8, 0.95, 0.95), float(rng.random())))
    return gt, dets


def _reference_ap(gt, dets, iou_thr=0.5) -> float:
    """AP through course_lib.metrics.frame_ap (mmaction's own matching and AP)."""
    rows = [ava.AVARow(k.split(',')[0], int(k.split(',')[1]), b, 1, i)
            for k, boxes in gt.items() for i, b in enumerate(boxes)]
    found = [ava.AVADetection(k.split(',')[0], int(k.split(',')[1]), b, 1, s) for k, b, s in dets]
    return frame_ap(rows, found, {1: 'a'}, iou_thr)[1]


@exercise('07.1', 'Write frame_ap_one_class(gt_boxes, detections, iou_thr=0.5) -> AP of one action '
          'class over keyframes (VOC-style, as mmaction\'s AVAMetric).', starter=_zero_ap)
def frame_ap_one_class(answer) -> str | None:
    """Right when the answer agrees with mmaction's AP on hand-made and random keyframes."""
    if not callable(answer):
        return 'answer with the function itself (answer_07_1 = frame_ap_one_class), not a number.'
    easy = ({'v,0901': [(0.1, 0.1, 0.4, 0.9)], 'v,0902': [(0.5, 0.1, 0.9, 0.9)]},
            [('v,0901', (0.1, 0.1, 0.4, 0.9), 0.9), ('v,0902', (0.0, 0.0, 0.1, 0.1), 0.8),
             ('v,0902', (0.5, 0.1, 0.9, 0.9), 0.3)])
    cases = [easy] + [_random_case(s) for s in range(5)]
    for n, (gt, dets) in enumerate(cases):
        want, got = _reference_ap(gt, dets), answer(gt, list(dets))
        if got is None or not np.isfinite(float(got)):
            return 'return the AP as a float between 0 and 1.'
        if abs(float(got) - want) > 1e-6:
            if n == 0:
                return ('on two keyframes with one true box each, where the best-scored detection '
                        'is right, the second wrong and the third right: sort all detections by '
                        'score, mark each true if it overlaps a not-yet-matched true box on the '
                        'same keyframe with IoU >= iou_thr, then take the area under the '
                        'precision-recall curve with precision made non-increasing (VOC).')
            return ('right on the easy case, wrong on random ones: does a second detection of an '
                    'already matched box count as a false positive? Does each detection match '
                    'only the true box it overlaps most? Are keyframes without ground truth skipped?')
    return None


def _random_recall_case(seed: int):
    rng = np.random.default_rng(seed)
    rows, props = [], {}
    for k in range(15):
        boxes = []
        for pid in range(int(rng.integers(1, 4))):
            x, y = rng.uniform(0, 0.6, 2)
            box = (round(x, 3), round(y, 3), round(x + 0.3, 3), round(y + 0.3, 3))
            for action in rng.choice([1, 2, 3], int(rng.integers(1, 3)), replace=False):
                rows.append(ava.AVARow('v', 900 + k, box, int(action), pid))  # multi-label rows
            if rng.random() < 0.7:
                dx, dy = rng.normal(0, rng.choice([0.01, 0.15]), 2)
                boxes.append([float(np.clip(v + s, 0, 1)) for v, s in zip(box, (dx, dy, dx, dy))]
                             + [0.95])
        if boxes:
            props[f'v,{900 + k:04d}'] = np.array(boxes)
    return rows, props


def _reference_recall(rows, props, iou_thr=0.5) -> float:
    hit = total = 0
    for key, persons in ava.group_by_keyframe(rows).items():
        cand = np.asarray(props.get(key, np.zeros((0, 5))))[:, :4]
        for box, _, _ in persons:
            total += 1
            if len(cand):
                x1 = np.maximum(cand[:, 0], box[0])
                y1 = np.maximum(cand[:, 1], box[1])
                x2 = np.minimum(cand[:, 2], box[2])
                y2 = np.minimum(cand[:, 3], box[3])
                inter = np.clip(x2 - x1, 0, None) * np.clip(y2 - y1, 0, None)
                union = ((cand[:, 2] - cand[:, 0]) * (cand[:, 3] - cand[:, 1])
                         + (box[2] - box[0]) * (box[3] - box[1]) - inter)
                hit += bool((inter / union >= iou_thr).any())
    return hit / total


@exercise('07.2', 'Write proposal_recall(gt_rows, proposals, iou_thr=0.5) -> the fraction of true '
          'person boxes that some proposal covers with IoU >= iou_thr.', starter=_zero_recall)
def proposal_recall(answer) -> str | None:
    """Right when the answer agrees with a reference recall on random keyframes."""
    if not callable(answer):
        return 'answer with the function itself (answer_07_2 = proposal_recall), not a number.'
    for seed in range(4):
        rows, props = _random_recall_case(seed)
        want, got = _reference_recall(rows, props), answer(list(rows), dict(props))
        if got is None or not 0 <= float(got) <= 1:
            return 'return a fraction between 0 and 1.'
        if abs(float(got) - want) > 1e-6:
            if float(got) < want - 1e-6 and abs(float(got) * len(rows) - want * len(rows)) > 0:
                return ('count persons, not rows: a person doing two actions has two rows with the '
                        'same box (ava.group_by_keyframe merges them). Also: a keyframe missing '
                        'from the proposals has recall 0 for its persons, not an error.')
            return ('for each true person box, look at the proposals of its own keyframe only '
                    '(key "video_id,TTTT", columns x1, y1, x2, y2[, score]) and count it if the best '
                    'IoU is >= iou_thr.')
    return None


# ---- 07.3: which keyframes' clips hold two actions --------------------------------------------------

SWITCH_SECOND = 903.3  # the exercise's figure waves until second 903.3, then jumps
KEYFRAMES = (901, 902, 903, 904, 905)
# The clip of a keyframe at second t: 8 frames, every 2nd, at 8 fps, centred on t: from t - 1 s to
# t + 0.75 s (mmaction's sampling puts it one frame later: t - 0.875 s to t + 0.875 s). The switch is
# 0.3 s after 903 and 0.7 s before 904: the answer is the same under either convention.
CLIP_BEFORE, CLIP_AFTER = 1.0, 0.75


def _both_actions() -> set[int]:
    """Keyframes whose clip holds frames before and after the switch."""
    return {t for t in KEYFRAMES if t - CLIP_BEFORE < SWITCH_SECOND < t + CLIP_AFTER}


@exercise('07.3', 'A figure waves until second 903.3, then jumps; keyframes are seconds 901-905. Give '
          'the keyframes whose clip (8 frames, every 2nd, at 8 fps, around the keyframe) shows both '
          'actions, as a list of seconds.', starter=[], shape='a list of whole seconds, e.g. [901]')
def keyframes_with_both_actions(answer) -> str | None:
    """Right when the answer is exactly the keyframes whose clip spans the change of action."""
    if isinstance(answer, (int, float)) and not isinstance(answer, bool):
        answer = [answer]
    if not isinstance(answer, (list, tuple, set)) or not all(
            isinstance(t, (int, float)) and not isinstance(t, bool) and float(t) == int(t) for t in answer):
        return 'answer with a list of whole seconds (the keyframes\' timestamps), e.g. [901, 902].'
    given, want = {int(t) for t in answer}, _both_actions()
    if given == want:
        return None
    if not given:
        return ('a clip is not a single frame: at 8 fps, 8 frames taken every 2nd span about 2 '
                'seconds around the keyframe. Which keyframes have 903.3 inside that span?')
    if not given <= set(KEYFRAMES):
        return f'the keyframes are the whole seconds {list(KEYFRAMES)}.'
    if given < want:
        return ('the clip reaches about 1 second to both sides of its keyframe: a keyframe before '
                'the change can see it coming, a keyframe after it still sees the end of the wave.')
    return ('a keyframe whose whole clip lies on one side of 903.3 shows one action only: 8 frames '
            'every 2nd at 8 fps span 14 frames, 1.75 seconds, about 1 second before and after.')
