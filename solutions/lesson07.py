"""Worked solutions of lesson 07's exercises (for teachers and for tests/test_exercises.py)."""
import numpy as np


def _iou(box, boxes):
    """IoU of one (x1, y1, x2, y2) box with an (N, 4) array."""
    boxes = np.asarray(boxes, dtype=float).reshape(-1, 4)
    x1, y1 = np.maximum(boxes[:, 0], box[0]), np.maximum(boxes[:, 1], box[1])
    x2, y2 = np.minimum(boxes[:, 2], box[2]), np.minimum(boxes[:, 3], box[3])
    inter = np.clip(x2 - x1, 0, None) * np.clip(y2 - y1, 0, None)
    union = ((boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
             + (box[2] - box[0]) * (box[3] - box[1]) - inter)
    return inter / union


def frame_ap_one_class(gt_boxes, detections, iou_thr=0.5):
    """VOC AP: greedy matching per keyframe by descending score, then the interpolated PR area."""
    num_gt = sum(len(b) for b in gt_boxes.values())
    used = {k: np.zeros(len(b), bool) for k, b in gt_boxes.items()}
    tp = []
    for key, box, score in sorted((d for d in detections if d[0] in gt_boxes),
                                  key=lambda d: -d[2]):  # frames without ground truth: skipped
        ious = _iou(box, gt_boxes[key])
        best = int(np.argmax(ious))
        hit = ious[best] >= iou_thr and not used[key][best]
        if hit:
            used[key][best] = True
        tp.append(hit)
    tp = np.array(tp, dtype=float)
    if not len(tp):
        return 0.0
    precision = np.cumsum(tp) / np.arange(1, len(tp) + 1)
    recall = np.cumsum(tp) / num_gt
    precision = np.concatenate([[0], precision, [0]])
    recall = np.concatenate([[0], recall, [1]])
    for i in range(len(precision) - 2, -1, -1):
        precision[i] = max(precision[i], precision[i + 1])
    steps = np.where(recall[1:] != recall[:-1])[0] + 1
    return float(np.sum((recall[steps] - recall[steps - 1]) * precision[steps]))


def proposal_recall(gt_rows, proposals, iou_thr=0.5):
    """Persons (not rows) whose keyframe has a proposal with IoU >= iou_thr, over all persons."""
    from course_lib.data import ava
    hit = total = 0
    for key, persons in ava.group_by_keyframe(gt_rows).items():
        cand = np.asarray(proposals.get(key, np.zeros((0, 5))))[:, :4]
        for box, _, _ in persons:
            total += 1
            hit += bool(len(cand)) and bool((_iou(box, cand) >= iou_thr).any())
    return hit / total


def keyframes_with_both_actions():
    """A clip spans 8 frames every 2nd at 8 fps: 14 frames, ~1 s before and after its keyframe."""
    switch, span_before, span_after = 903.3, 8 / 8, 6 / 8  # frames t-8, t-6, ..., t+6
    return [t for t in range(901, 906) if t - span_before < switch < t + span_after]


SOLUTIONS = {'07.1': lambda: frame_ap_one_class, '07.2': lambda: proposal_recall,
             '07.3': keyframes_with_both_actions}
