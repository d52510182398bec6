"""Temporal action detection mAP, computed as the ActivityNet detection challenge computes it.

The protocol of `ActivityNet/Evaluation/eval_detection.py` (`ANETdetection`); the matching and AP
are mmaction's own port of it (`compute_average_precision_detection`, with its temporal IoU and
VOC interpolation). This module adds the checks of the two JSON structures and the dict interfaces:

* classes are the labels that occur in the ground truth of the evaluated subset;
* per class, predictions are sorted by decreasing score (ties keep their listed order) and matched
  greedily: each prediction takes the unmatched ground-truth segment of its video with the highest
  tIoU, if that tIoU reaches the threshold; a ground-truth segment is matched at most once per
  threshold, so duplicates are false positives; predictions in videos without ground truth of the
  class are false positives;
* AP is VOC 2011's interpolated AP (precision made monotone, summed where recall changes); a class
  with no predictions has AP 0; mAP is the mean over classes, and the challenge's number is the
  mean of mAP over tIoU 0.50:0.05:0.95.
  mmaction computes tIoU in float32, so a tIoU exactly at a threshold (a 9 s prediction inside a
  10 s segment at 0.90) can fall just below it; the official code (float64) is as fragile there.

Inputs are the challenge's JSON structures (or paths to such files):

    ground truth  {"database": {video: {"subset": "validation",
                                        "annotations": [{"segment": [s, e], "label": name}]}}}
    predictions   {"results": {video: [{"segment": [s, e], "label": name, "score": x}]}}

Two differences, both at the input: the official code raises a bare KeyError for a predicted
label that no ground truth carries; here those predictions are left out (they belong to no
evaluated class) with a warning. A ground-truth segment of zero length is refused (its tIoU with a
zero-length prediction is undefined, and mmaction would count that pair as a match).
`ActivityNetDetectionMetric` is the same computation as an mmengine metric for configs. Used in
lesson 05.
"""
from __future__ import annotations

import json
import os
import warnings
from collections import defaultdict
from pathlib import Path
from typing import Any, Sequence

import numpy as np
from mmaction.evaluation.functional.eval_detection import compute_average_precision_detection
from mmaction.registry import METRICS
from mmengine.evaluator import BaseMetric

from .._util import is_finite_number, json_key_line
from ..data.transforms import class_list

from ..errors import ConfigError, FileFormatError, MissingFileError

DEFAULT_TIOU_THRESHOLDS = np.linspace(0.5, 0.95, 10)


class DetectionFormatError(FileFormatError):
    """A ground-truth or prediction structure breaks the format; the message names where and the fix."""


# ----------------------------------------------------------------------------------------------
# reading and checking the two JSON structures


def _load(source: dict | str | os.PathLike, what: str) -> tuple[dict, str, str | None]:
    """Return (structure, name for messages, file text or None) from a dict or a JSON file."""
    if isinstance(source, dict):
        return source, what, None
    path = Path(source)
    if not path.is_file():
        raise MissingFileError(f'No {what} file {path}.')
    text = path.read_text()
    try:
        return json.loads(text), str(path), text
    except json.JSONDecodeError as err:
        raise DetectionFormatError(f'{path}, line {err.lineno}: not valid JSON ({err.msg}).') from err


def _where(name: str, text: str | None, video: str, index: int | None = None) -> str:
    line = json_key_line(text, video)
    out = name + (f', line {line}' if line else '') + f', video {video!r}'
    return out + (f', entry {index}' if index is not None else '')


def _segment(item: object, where: str, fix: str) -> tuple[float, float]:
    seg = item.get('segment') if isinstance(item, dict) else None
    if not isinstance(seg, (list, tuple)) or len(seg) != 2 or not all(map(is_finite_number, seg)):
        raise DetectionFormatError(f'{where}: "segment" must be [start, end] in seconds, '
                                   f'got {seg!r}. {fix}')
    if seg[1] < seg[0]:
        raise DetectionFormatError(f'{where}: segment {list(seg)} ends before it starts. {fix}')
    return float(seg[0]), float(seg[1])


def _label(item: dict, where: str, fix: str) -> str:
    label = item.get('label')
    if not isinstance(label, str):
        raise DetectionFormatError(f'{where}: "label" must be a class name (a string), '
                                   f'got {label!r}. {fix}')
    return label


def read_ground_truth(ground_truth: dict | str | os.PathLike,
                      subset: str | None = 'validation') -> list[tuple[str, float, float, str]]:
    """Check a ground-truth structure; return its (video, start, end, label) rows of one subset."""
    data, name, text = _load(ground_truth, 'ground-truth')
    fix = 'Each video needs {"subset": ..., "annotations": [{"segment": [s, e], "label": name}]}.'
    database = data.get('database') if isinstance(data, dict) else None
    if not isinstance(database, dict):
        raise DetectionFormatError(f'{name}: expected {{"database": {{video: {{...}}}}}} at the top '
                                   f'level (the ActivityNet ground-truth format). {fix}')
    rows = []
    for video, info in database.items():
        if not isinstance(info, dict) or not isinstance(info.get('annotations'), list):
            raise DetectionFormatError(f'{_where(name, text, video)}: no "annotations" list. {fix}')
        if subset is not None and info.get('subset', subset) != subset:
            continue  # a video without "subset" belongs to every subset
        for i, ann in enumerate(info['annotations']):
            where = _where(name, text, video, i)
            start, end = _segment(ann, where, fix)
            if end == start:
                raise DetectionFormatError(f'{where}: segment {[start, end]} has zero length; give '
                                           f'it its real end, or delete it. {fix}')
            rows.append((video, start, end, _label(ann, where, fix)))
    return rows


def read_predictions(predictions: dict | str | os.PathLike
                     ) -> list[tuple[str, float, float, str, float]]:
    """Check a prediction structure; return its (video, start, end, label, score) rows."""
    data, name, text = _load(predictions, 'prediction')
    fix = ('Each video maps to a list of {"segment": [start, end], "label": class name, '
           '"score": number}, as in the ActivityNet detection challenge\'s result files.')
    results = data.get('results') if isinstance(data, dict) else None
    if not isinstance(results, dict):
        found = sorted(data)[:5] if isinstance(data, dict) else type(data).__name__
        raise DetectionFormatError(f'{name}: expected {{"results": {{video: [...]}}}} at the top '
                                   f'level (found: {found}). {fix}')
    rows = []
    for video, items in results.items():
        if not isinstance(items, list):
            raise DetectionFormatError(f'{_where(name, text, video)}: expected a list of detections, '
                                       f'got {type(items).__name__}. {fix}')
        for i, item in enumerate(items):
            where = _where(name, text, video, i)
            start, end = _segment(item, where, fix)
            label = _label(item, where, fix)
            if not is_finite_number(item.get('score')):
                raise DetectionFormatError(f'{where}: "score" must be a finite number, '
                                           f'got {item.get("score")!r}. {fix}')
            rows.append((video, start, end, label, float(item['score'])))
    return rows


# ----------------------------------------------------------------------------------------------
# the computation


def average_precision(gt: list[tuple[str, float, float]],
                      pred: list[tuple[str, float, float, float]],
                      tiou_thresholds: Sequence[float] = DEFAULT_TIOU_THRESHOLDS) -> np.ndarray:
    """Return one class's AP per tIoU from its (video, s, e) GT and (video, s, e, score) rows."""
    thresholds = np.asarray(tiou_thresholds, dtype=float)
    if not gt:  # mmaction divides by the number of ground-truth segments
        return np.zeros(len(thresholds))
    ground_truth = [{'video-id': v, 't-start': s, 't-end': e} for v, s, e in gt]
    prediction = [{'video-id': v, 't-start': s, 't-end': e, 'score': x} for v, s, e, x in pred]
    return compute_average_precision_detection(ground_truth, prediction, thresholds)


def average_precision_per_class(ground_truth: dict | str | os.PathLike,
                                predictions: dict | str | os.PathLike,
                                tiou_thresholds: Sequence[float] = DEFAULT_TIOU_THRESHOLDS,
                                subset: str | None = 'validation') -> tuple[list[str], np.ndarray]:
    """Return the ground truth's classes (in order of appearance) and their AP, (classes, thresholds)."""
    gt_rows = read_ground_truth(ground_truth, subset)
    pred_rows = read_predictions(predictions)
    if not gt_rows:
        raise DetectionFormatError(f'The ground truth has no annotated segment in subset {subset!r}: '
                                   'check the "subset" fields, or pass subset=None to use every video.')
    classes = list(dict.fromkeys(label for *_, label in gt_rows))
    gt_by_class = defaultdict(list)
    for video, start, end, label in gt_rows:
        gt_by_class[label].append((video, start, end))
    pred_by_class = defaultdict(list)
    for video, start, end, label, score in pred_rows:
        pred_by_class[label].append((video, start, end, score))
    unknown = sorted(set(pred_by_class) - set(classes))
    if unknown:
        warnings.warn(f'{sum(len(pred_by_class[u]) for u in unknown)} predictions carry labels that '
                      f'no ground-truth segment has ({unknown[:5]}); they are left out.', stacklevel=2)
    gt_videos = {video for video, *_ in gt_rows}
    if pred_rows and not gt_videos & {video for video, *_ in pred_rows}:
        raise DetectionFormatError(
            f'No predicted video is in the ground truth (e.g. {pred_rows[0][0]!r} vs '
            f'{next(iter(gt_videos))!r}). Name videos the same way in both: mmaction\'s ANetMetric '
            'drops the "v_" prefix in its result files, the annotation files keep it.')
    ap = np.stack([average_precision(gt_by_class[c], pred_by_class[c], tiou_thresholds)
                   for c in classes])
    return classes, ap


def activitynet_detection_map(ground_truth: dict | str | os.PathLike,
                              predictions: dict | str | os.PathLike,
                              tiou_thresholds: Sequence[float] = DEFAULT_TIOU_THRESHOLDS,
                              subset: str | None = 'validation') -> dict[str, float]:
    """Return {'mAP@0.50': ..., ..., 'average_mAP': ...}: ActivityNet's detection mAP per tIoU."""
    _, ap = average_precision_per_class(ground_truth, predictions, tiou_thresholds, subset)
    per_threshold = ap.mean(axis=0)
    out = {f'mAP@{t:.2f}': float(m) for t, m in zip(tiou_thresholds, per_threshold)}
    out['average_mAP'] = float(per_threshold.mean())
    return out


# ----------------------------------------------------------------------------------------------
# from BMNwActionCls's output to the challenge's structures, and the mmengine metric


def detections_from_proposals(results: Sequence[dict], classes: Sequence[str]) -> dict:
    """Turn BMNwActionCls results into a prediction structure (label: action_cls, score x action_score)."""
    out = {}
    for result in results:
        detections = []
        for i, proposal in enumerate(result['proposal_list']):
            if 'action_cls' not in proposal:
                raise DetectionFormatError(
                    f'video {result["video_name"]!r}, proposal {i}: no "action_cls": the model '
                    'predicts proposals without classes. Use model.type=BMNwActionCls.')
            cls = int(proposal['action_cls'])
            if not 0 <= cls < len(classes):
                raise DetectionFormatError(
                    f'video {result["video_name"]!r}, proposal {i}: action_cls {cls} is not an index '
                    f'into the {len(classes)} classes; set num_action_classes to len(classes) + 1.')
            detections.append({'segment': [float(x) for x in proposal['segment']],
                               'label': classes[cls],
                               'score': float(proposal['score']) * float(proposal['action_score'])})
        out[result['video_name']] = detections
    return {'version': 'VERSION 1.3', 'results': out, 'external_data': {}}


def ground_truth_from_annotations(annotations: dict, subset: str = 'validation') -> dict:
    """Turn mmaction's {video_name: video_info} annotations into a ground-truth structure."""
    return {'database': {name: {'subset': subset, 'annotations': info['annotations']}
                         for name, info in annotations.items()}}


@METRICS.register_module()
class ActivityNetDetectionMetric(BaseMetric):
    """ActivityNet temporal action detection mAP of BMNwActionCls's classified proposals.

    Needs `annotations` in the test pipeline's `meta_keys` (mmaction's BMN val and test pipelines
    have it). Returns `mAP@0.50` ... `mAP@0.95` and `average_mAP`.

    Args:
        classes (Sequence[str] | str): Class names in index order, or a file naming them
            (see `course_lib.data.transforms.class_list`).
        tiou_thresholds (Sequence[float]): Default: 0.50:0.05:0.95.
        out (str, optional): Write the detections as a challenge result file here.
    """

    def __init__(self, classes: Sequence[str] | str, tiou_thresholds: Sequence[float] = tuple(
                 DEFAULT_TIOU_THRESHOLDS), out: str | None = None, collect_device: str = 'cpu',
                 prefix: str | None = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        self.classes = class_list(classes)
        self.tiou_thresholds = [float(t) for t in tiou_thresholds]
        self.out = out

    def process(self, data_batch: Any, data_samples: Sequence[dict]) -> None:
        """Keep each video's ground-truth annotations and its classified proposals."""
        for sample, result in zip(data_batch['data_samples'], data_samples):
            meta = sample.metainfo
            if 'annotations' not in meta:
                raise ConfigError('ActivityNetDetectionMetric needs the ground truth: add '
                               "'annotations' to PackLocalizationInputs' meta_keys in the test pipeline.")
            self.results.append((meta['video_name'], meta['annotations'], result))

    def compute_metrics(self, results: list) -> dict[str, float]:
        """Compute the mAP per tIoU threshold and their average."""
        ground_truth = ground_truth_from_annotations({name: {'annotations': anns}
                                                      for name, anns, _ in results})
        predictions = detections_from_proposals([r for *_, r in results], self.classes)
        if self.out:
            Path(self.out).parent.mkdir(parents=True, exist_ok=True)
            Path(self.out).write_text(json.dumps(predictions))
        return activitynet_detection_map(ground_truth, predictions, self.tiou_thresholds)
