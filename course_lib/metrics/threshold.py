"""Choosing a detector's confidence threshold: F1 over thresholds, PR curves, where it is stored.

A detector scores every box; a deployed one must decide which boxes to show. COCO mAP does not
need that choice (it averages over all of them), but a user does. OTX picks the threshold that
maximises F1 on the validation set (`result_based_confidence_threshold`; in OTX's object-detection
tutorial 0.325 gave F1 0.83 where a fixed 0.5 gave 0.63). This module does the same, in the open:

1. `match_detections`: COCO-style greedy matching at IoU >= 0.5, per image and class, highest
   score first; each ground-truth box is matched at most once. A detection's true/false-positive
   status then does not depend on the threshold (dropping lower-scored boxes never changes how
   higher-scored ones matched), so one matching gives every threshold's counts.
2. `f1_curve` / `best_threshold`: micro-averaged F1 = 2 TP / (2 TP + FP + FN) over all classes.
3. `save_threshold` / `load_threshold`: a JSON beside the checkpoint, read back by inference
   (`detector_with_threshold` sets it as the model's `test_cfg.score_thr`). Used in lessons 06, 08.
"""
from __future__ import annotations

import copy
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np
import torch
from mmdet.evaluation.functional import bbox_overlaps
from tqdm.auto import tqdm

from ..errors import InputError, MissingFileError

THRESHOLD_FILE = 'confidence_threshold.json'


@dataclass
class ImageBoxes:
    """Boxes of one image: (N, 4) x1, y1, x2, y2 pixels, (N,) class indices, optional scores."""

    boxes: np.ndarray
    labels: np.ndarray
    scores: np.ndarray | None = None

    def __post_init__(self) -> None:
        self.boxes = np.asarray(self.boxes, float).reshape(-1, 4)
        self.labels = np.asarray(self.labels, int).reshape(-1)
        if self.scores is not None:
            self.scores = np.asarray(self.scores, float).reshape(-1)
        if len(self.labels) != len(self.boxes) or (
                self.scores is not None and len(self.scores) != len(self.boxes)):
            raise InputError(f'{len(self.boxes)} boxes but {len(self.labels)} labels'
                             + ('' if self.scores is None else f' and {len(self.scores)} scores'))

    def above(self, threshold: float) -> 'ImageBoxes':
        """Return only the boxes whose score is >= threshold."""
        keep = self.scores >= threshold
        return ImageBoxes(self.boxes[keep], self.labels[keep], self.scores[keep])


@dataclass
class Matches:
    """Every detection of a set, sorted by score (highest first), with its match result."""

    scores: np.ndarray      # (N,)
    labels: np.ndarray      # (N,) class index
    tp: np.ndarray          # (N,) bool: matched an unmatched ground-truth box of its class
    image: np.ndarray       # (N,) index of the image it came from
    num_gt: np.ndarray      # (C,) ground-truth boxes per class
    iou_thr: float = 0.5


@dataclass
class F1Curve:
    """Micro-averaged precision, recall and F1 at each threshold (keep boxes with score >= t)."""

    thresholds: np.ndarray
    precision: np.ndarray
    recall: np.ndarray
    f1: np.ndarray
    tp: np.ndarray
    fp: np.ndarray
    fn: np.ndarray


def box_iou(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Return the (N, M) IoU matrix of x1, y1, x2, y2 boxes (mmdet's `bbox_overlaps`)."""
    a, b = np.asarray(a, float)[..., :4].reshape(-1, 4), np.asarray(b, float)[..., :4].reshape(-1, 4)
    return bbox_overlaps(a, b).astype(float)


def match_detections(gts: Sequence[ImageBoxes], dets: Sequence[ImageBoxes], num_classes: int,
                     iou_thr: float = 0.5) -> Matches:
    """Match detections to ground truth per image and class, COCO-style (greedy by score)."""
    if len(gts) != len(dets):
        raise InputError(f'{len(gts)} ground-truth images but {len(dets)} prediction images: '
                         'give both in the same image order.')
    scores, labels, tps, images = [], [], [], []
    num_gt = np.zeros(num_classes, int)
    for index, (gt, det) in enumerate(zip(gts, dets)):
        num_gt += np.bincount(gt.labels, minlength=num_classes)[:num_classes]
        for c in np.unique(det.labels):
            d = np.flatnonzero(det.labels == c)
            d = d[np.argsort(-det.scores[d], kind='stable')]
            g = np.flatnonzero(gt.labels == c)
            iou = box_iou(det.boxes[d], gt.boxes[g])
            taken = np.zeros(len(g), bool)
            for row in range(len(d)):
                candidates = np.where(taken, -1.0, iou[row]) if len(g) else np.array([])
                best = int(np.argmax(candidates)) if len(candidates) else -1
                hit = best >= 0 and candidates[best] >= iou_thr
                if hit:
                    taken[best] = True
                tps.append(hit)
            scores.append(det.scores[d])
            labels.append(np.full(len(d), c))
            images.append(np.full(len(d), index))
    cat = (lambda xs, dtype: np.concatenate(xs).astype(dtype) if xs else np.zeros(0, dtype))
    scores_, labels_, images_ = cat(scores, float), cat(labels, int), cat(images, int)
    tp_ = np.asarray(tps, bool)
    order = np.argsort(-scores_, kind='stable')
    return Matches(scores_[order], labels_[order], tp_[order], images_[order], num_gt, iou_thr)


def _f1(tp, fp, fn):
    denominator = 2 * tp + fp + fn
    return np.where(denominator > 0, 2 * tp / np.maximum(denominator, 1), 1.0)


def counts_at(matches: Matches, threshold: float, label: int | None = None) -> tuple[int, int, int]:
    """Return (TP, FP, FN) keeping detections with score >= threshold (all classes, or one)."""
    keep = matches.scores >= threshold
    total = matches.num_gt.sum()
    if label is not None:
        keep &= matches.labels == label
        total = matches.num_gt[label]
    tp = int(np.sum(matches.tp & keep))
    return tp, int(np.sum(~matches.tp & keep)), int(total - tp)


def f1_at(matches: Matches, threshold: float, label: int | None = None) -> float:
    """Return F1 = 2TP / (2TP + FP + FN) at a threshold (all classes pooled, or one class)."""
    return float(_f1(*counts_at(matches, threshold, label)))


def f1_curve(matches: Matches, thresholds: Iterable[float] | None = None) -> F1Curve:
    """Return precision, recall and F1 at each threshold (default: 0, 0.01, ..., 1)."""
    thresholds = np.asarray(list(thresholds) if thresholds is not None
                            else np.linspace(0, 1, 101), float)
    counts = np.array([counts_at(matches, t) for t in thresholds]).reshape(-1, 3)
    tp, fp, fn = counts.T
    precision = np.where(tp + fp > 0, tp / np.maximum(tp + fp, 1), 1.0)
    recall = np.where(tp + fn > 0, tp / np.maximum(tp + fn, 1), 1.0)
    return F1Curve(thresholds, precision, recall, _f1(tp, fp, fn), tp, fp, fn)


def best_threshold(matches: Matches) -> tuple[float, float]:
    """Return (threshold, F1) maximising F1; the threshold lies midway between the lowest score
    kept and the highest score dropped (ties: the highest such threshold, i.e. fewest boxes)."""
    if len(matches.scores) == 0:
        return 1.0, float(_f1(0, 0, matches.num_gt.sum()))
    unique = np.unique(matches.scores)[::-1]  # candidate thresholds, highest first
    order = matches.scores  # already sorted, highest first
    # number of detections kept at each candidate threshold (score >= candidate)
    kept = np.searchsorted(-order, -unique, side='right')
    ctp = np.concatenate([[0], np.cumsum(matches.tp)])[kept]
    cfp = kept - ctp
    f1 = _f1(ctp, cfp, matches.num_gt.sum() - ctp)
    i = int(np.argmax(f1))
    lower = unique[i + 1] if i + 1 < len(unique) else 0.0
    if f1[i] <= _f1(0, 0, matches.num_gt.sum()):  # keeping nothing is as good
        return float(np.nextafter(unique[0], np.inf)), float(_f1(0, 0, matches.num_gt.sum()))
    return float((unique[i] + lower) / 2), float(f1[i])


def pr_curve(matches: Matches, label: int) -> tuple[np.ndarray, np.ndarray, float]:
    """Return (recall, precision, AP@iou_thr) of one class; AP uses COCO's 101-point rule."""
    own = matches.labels == label
    tp = np.cumsum(matches.tp[own])
    fp = np.cumsum(~matches.tp[own])
    n = max(int(matches.num_gt[label]), 1)
    recall = tp / n
    precision = tp / np.maximum(tp + fp, 1)
    if matches.num_gt[label] == 0:
        return recall, precision, float('nan')
    envelope = np.maximum.accumulate(precision[::-1])[::-1] if len(precision) else precision
    points = np.linspace(0, 1, 101)
    idx = np.searchsorted(recall, points, side='left')
    sampled = np.where(idx < len(envelope), envelope[np.minimum(idx, len(envelope) - 1)], 0.0) \
        if len(envelope) else np.zeros_like(points)
    return recall, precision, float(sampled.mean())


def per_class_table(matches: Matches, classes: Sequence[str],
                    thresholds: dict[str, float]) -> list[dict]:
    """Return one row per class: boxes, AP@0.5, and F1 and missed boxes at each named threshold."""
    rows = []
    for label, name in enumerate(classes):
        row = {'class': name, 'gt boxes': int(matches.num_gt[label]),
               f'AP@{matches.iou_thr:g}': round(pr_curve(matches, label)[2], 3)}
        for key, t in thresholds.items():
            row[f'F1 @ {key}'] = round(f1_at(matches, t, label), 3)
        for key, t in thresholds.items():
            row[f'missed @ {key}'] = counts_at(matches, t, label)[2]
        rows.append(row)
    return rows


# ---- reading ground truth and predictions -------------------------------------------------------

def coco_ground_truth(ann_file: str | os.PathLike, classes: Sequence[str]
                      ) -> tuple[list[int], list[ImageBoxes]]:
    """Read a COCO file into (image ids, per-image ImageBoxes), labels indexed like `classes`."""
    coco = json.loads(Path(ann_file).read_text())
    names = {c['id']: c['name'] for c in coco['categories']}
    label = {name: i for i, name in enumerate(classes)}
    ids = sorted(image['id'] for image in coco['images'])
    per_image: dict[int, list] = {i: [] for i in ids}
    for ann in coco['annotations']:
        name = names.get(ann['category_id'])
        if name in label and not ann.get('iscrowd', 0):
            x, y, w, h = ann['bbox']
            per_image[ann['image_id']].append((x, y, x + w, y + h, label[name]))
    gts = []
    for i in ids:
        rows = np.asarray(per_image[i], float).reshape(-1, 5)
        gts.append(ImageBoxes(rows[:, :4], rows[:, 4].astype(int)))
    return ids, gts


def collect_predictions(model, dataloader, progress: bool = True) -> dict[int, ImageBoxes]:
    """Run an mmdet model over a dataloader; return {img_id: ImageBoxes} in original pixels."""
    model.eval()
    out: dict[int, ImageBoxes] = {}
    with torch.no_grad():
        for batch in tqdm(dataloader, desc='predicting', disable=not progress, leave=False):
            for sample in model.test_step(batch):
                out[int(sample.img_id)] = to_image_boxes(sample)
    return out


def to_image_boxes(sample) -> ImageBoxes:
    """Return the predictions of one mmdet DetDataSample as ImageBoxes (original pixels)."""
    pred = sample.pred_instances
    return ImageBoxes(pred.bboxes.cpu().numpy(), pred.labels.cpu().numpy(),
                      pred.scores.cpu().numpy())


def match_split(ann_file: str | os.PathLike, predictions: dict[int, ImageBoxes],
                classes: Sequence[str], iou_thr: float = 0.5) -> Matches:
    """Match predictions ({img_id: ImageBoxes}) against a COCO file's boxes."""
    ids, gts = coco_ground_truth(ann_file, classes)
    missing = [i for i in ids if i not in predictions]
    if missing:
        raise InputError(f'No predictions for {len(missing)} image(s) of {ann_file} (ids '
                       f'{missing[:5]}...): predict on the same split.')
    return match_detections(gts, [predictions[i] for i in ids], len(classes), iou_thr)


# ---- storing the threshold with the model -------------------------------------------------------

def save_threshold(work_dir: str | os.PathLike, threshold: float, f1: float,
                   checkpoint: str | os.PathLike, **extra) -> Path:
    """Write <work_dir>/confidence_threshold.json next to the checkpoint it was chosen for."""
    path = Path(work_dir) / THRESHOLD_FILE
    record = {'threshold': float(threshold), 'f1': float(f1),
              'checkpoint': Path(checkpoint).name, 'rule': 'max micro-F1 at IoU 0.5', **extra}
    path.write_text(json.dumps(record, indent=1))
    return path


def load_threshold(work_dir: str | os.PathLike) -> dict:
    """Read the stored threshold record of a work dir (see save_threshold)."""
    path = Path(work_dir) / THRESHOLD_FILE
    if not path.exists():
        raise MissingFileError(f'{path} does not exist: choose a threshold on the validation set '
                                'first (lesson 06, section "Choosing the confidence threshold").')
    return json.loads(path.read_text())


def detector_with_threshold(config, work_dir: str | os.PathLike, device: str = 'cpu'):
    """Build mmdet's detector from a work dir's checkpoint, its stored threshold as score_thr."""
    from mmdet.apis import init_detector  # here: mmdet.apis builds every detector's modules
    record = load_threshold(work_dir)
    cfg = copy.deepcopy(config)
    cfg.model.test_cfg.score_thr = record['threshold']
    dataset = cfg.test_dataloader.dataset  # inference has images only: no annotations to load
    dataset.pipeline = [t for t in dataset.pipeline if t['type'] != 'LoadAnnotations']
    checkpoint = Path(work_dir) / record['checkpoint']
    if not checkpoint.exists():
        raise MissingFileError(f'{checkpoint} (named in {Path(work_dir) / THRESHOLD_FILE}) is '
                                'missing: train again or choose the threshold again.')
    from ..checkpoints import check_checkpoint_keys, read_state_dict
    state = read_state_dict(checkpoint)  # a clear error for a truncated file, before mmdet reads it
    model = init_detector(cfg, str(checkpoint), device=device)  # (it also reads the class names)
    check_checkpoint_keys(model, state)
    return model
