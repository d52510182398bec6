"""Frame-level AVA metric: AP per action class at an IoU over keyframes, as mmaction's AVAMetric.

`frame_ap` takes the course's AVA rows (`course_lib.data.ava.read_csv`) and detections
(`ava.detections_from_samples`) and runs mmaction's own matching and AP code in-process. Used in
lesson 07.
"""
from __future__ import annotations

from collections import defaultdict
from typing import Iterable, Mapping

import numpy as np
from mmaction.evaluation.functional.ava_evaluation import metrics
from mmaction.evaluation.functional.ava_utils import tpfp_single

from ..data.ava import AVADetection, AVARow


def frame_ap(gt_rows: Iterable[AVARow], detections: Iterable[AVADetection],
             label_map: Mapping[int, str], iou_thr: float = 0.5,
             excluded: Iterable[str] = ()) -> dict[int, float]:
    """Return AP per class id at IoU iou_thr over keyframes with ground truth (AVAMetric's frame-mAP).

    Uses mmaction's own matching (`tpfp_single`) and precision/recall code, without its 32-process
    pool and printing; the mean over classes is AVAMetric's `mAP/overall`. Classes without ground
    truth are left out (as AVAMetric does); a class with ground truth but no detection gets AP 0
    (AVAMetric leaves it out of its mean). Used in lesson 07.
    """
    skip = set(excluded)
    gt: dict[str, tuple[list, list]] = defaultdict(lambda: ([], []))
    for row in gt_rows:
        if row.action_id in label_map:
            x1, y1, x2, y2 = row.box
            gt[row.img_key][0].append((y1, x1, y2, x2))
            gt[row.img_key][1].append(row.action_id)
    det: dict[str, list] = defaultdict(list)
    for d in detections:
        if d.action_id in label_map:
            x1, y1, x2, y2 = d.box
            det[d.img_key].append((d.score, d.action_id, (y1, x1, y2, x2)))
    scores, tpfps = defaultdict(list), defaultdict(list)
    for key, (boxes, labels) in gt.items():
        if key in skip:
            continue
        entry = sorted(det.get(key, []), key=lambda t: -t[0])
        s, t = tpfp_single((boxes, labels, [e[2] for e in entry], [e[1] for e in entry],
                            [e[0] for e in entry]), iou_thr)
        for label in s:
            scores[label].append(s[label])
            tpfps[label].append(t[label])
    counts = defaultdict(int)
    for key, (_, labels) in gt.items():
        if key not in skip:
            for label in labels:
                counts[label] += 1
    out = {}
    for label in sorted(counts):
        if label not in scores:
            out[label] = 0.0
            continue
        precision, recall = metrics.compute_precision_recall(
            np.concatenate(scores[label]), np.concatenate(tpfps[label]), counts[label])
        out[label] = float(metrics.compute_average_precision(precision, recall))
    return out
