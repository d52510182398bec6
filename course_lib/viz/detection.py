"""Detection plots: ground truth beside predictions, PR curves per class, F1 over thresholds.

Used in lesson 06 (blood cells) and lesson 08 (the exported detector).
"""
from __future__ import annotations

from typing import Sequence

import matplotlib.pyplot as plt
import numpy as np

from ..metrics.threshold import F1Curve, ImageBoxes, Matches, box_iou, pr_curve
from .boxes import PALETTE, draw_boxes


MISSED_COLOR = (0, 0, 0)  # ground truth that no prediction found


def class_colors(classes: Sequence[str]) -> list[tuple[int, int, int]]:
    """Return one RGB colour per class (the course palette)."""
    return [PALETTE[i % len(PALETTE)] for i in range(len(classes))]


def _upscaled(image: np.ndarray, boxes: np.ndarray, scale: int) -> tuple[np.ndarray, np.ndarray]:
    import cv2
    big = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_LINEAR)
    return big, np.asarray(boxes, float).reshape(-1, 4) * scale


def _hits(gt: ImageBoxes, det: ImageBoxes, iou_thr: float) -> tuple[np.ndarray, np.ndarray]:
    """Greedy per-class matching of one image: (detection is TP, ground truth was found)."""
    tp = np.zeros(len(det.boxes), bool)
    found = np.zeros(len(gt.boxes), bool)
    for i in np.argsort(-det.scores):
        same = np.flatnonzero((gt.labels == det.labels[i]) & ~found)
        if len(same):
            iou = box_iou(det.boxes[i:i + 1], gt.boxes[same])[0]
            j = int(np.argmax(iou))
            if iou[j] >= iou_thr:
                tp[i], found[same[j]] = True, True
    return tp, found


def plot_gt_vs_pred(images: Sequence[np.ndarray], gts: Sequence[ImageBoxes],
                    preds: Sequence[ImageBoxes], classes: Sequence[str], threshold: float,
                    iou_thr: float = 0.5, scale: int = 3, titles: Sequence[str] | None = None):
    """Show each image twice: ground truth (left) and predictions with score >= threshold (right).

    Prediction boxes are drawn in their class colour; false positives get a white box around
    them, and ground-truth boxes that no prediction found are drawn in black on the right, with
    their class name (MISSED_COLOR: it stands out on a light stained smear).
    """
    colors = class_colors(classes)
    fig, axes = plt.subplots(len(images), 2, figsize=(8, 3.3 * len(images)), squeeze=False)
    for row, (image, gt, pred) in enumerate(zip(images, gts, preds)):
        kept = pred.above(threshold)
        tp, found = _hits(gt, kept, iou_thr)
        big, gt_boxes = _upscaled(image, gt.boxes, scale)
        left = draw_boxes(big, gt_boxes, colors=[colors[c] for c in gt.labels], thickness=2)
        _, det_boxes = _upscaled(image, kept.boxes, scale)
        right = draw_boxes(big, gt_boxes[~found], [classes[c] for c in gt.labels[~found]],
                           colors=[MISSED_COLOR] * int((~found).sum()), thickness=2)
        right = draw_boxes(right, det_boxes[~tp] + [-3, -3, 3, 3],
                           colors=[(255, 255, 255)] * int((~tp).sum()), thickness=2)
        right = draw_boxes(right, det_boxes, colors=[colors[c] for c in kept.labels], thickness=2)
        name = titles[row] if titles else f'image {row}'
        axes[row, 0].imshow(left)
        axes[row, 0].set_title(f'{name}: ground truth ({len(gt.boxes)} cells)', fontsize=9)
        axes[row, 1].imshow(right)
        axes[row, 1].set_title(f'predictions >= {threshold:.2f}: {int(tp.sum())} correct, '
                               f'{int((~tp).sum())} false, {int((~found).sum())} missed',
                               fontsize=9)
        for ax in axes[row]:
            ax.axis('off')
    handles = [plt.Line2D([], [], color=np.array(c) / 255, lw=3, label=n)
               for n, c in zip(classes, colors)]
    handles.append(plt.Line2D([], [], color='white', lw=3, label='false positive',
                              markeredgecolor='k'))
    handles.append(plt.Line2D([], [], color=np.array(MISSED_COLOR) / 255, lw=3,
                              label='missed (class named)'))
    fig.legend(handles=handles, loc='lower center', ncol=len(handles), fontsize=9,
               facecolor='#cccccc')
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    return fig


def plot_pr_curves(matches: Matches, classes: Sequence[str], ax=None,
                   mark_threshold: float | None = None):
    """Plot precision against recall for each class, with its AP (COCO 101-point) in the legend."""
    if ax is None:
        _, ax = plt.subplots(figsize=(4.8, 3.8))
    colors = class_colors(classes)
    for label, name in enumerate(classes):
        recall, precision, ap = pr_curve(matches, label)
        line, = ax.plot(recall, precision, color=np.array(colors[label]) / 255,
                        label=f'{name} (AP@{matches.iou_thr:g} = {ap:.3f})')
        if mark_threshold is not None and len(recall):
            own = matches.scores[matches.labels == label]
            k = int(np.sum(own >= mark_threshold)) - 1
            if k >= 0:
                ax.plot(recall[k], precision[k], 'o', color=line.get_color())
    ax.set(xlabel='recall', ylabel='precision', xlim=(0, 1.02), ylim=(0, 1.02),
           title='precision-recall per class' + (
               f' (dots: threshold {mark_threshold:.2f})' if mark_threshold is not None else ''))
    ax.legend(loc='lower left', fontsize=8)
    ax.grid(alpha=0.3)
    return ax


def plot_f1_curve(curve: F1Curve, best: float, fixed: float = 0.5, best_f1: float | None = None,
                  ax=None):
    """Plot precision, recall and F1 against the confidence threshold; mark the chosen one."""
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 4.2), layout='constrained')
    ax.plot(curve.thresholds, curve.f1, 'k', lw=2, label='F1')
    ax.plot(curve.thresholds, curve.precision, '--', color='tab:blue', label='precision')
    ax.plot(curve.thresholds, curve.recall, '--', color='tab:orange', label='recall')
    f1_best = float(np.interp(best, curve.thresholds, curve.f1)) if best_f1 is None else best_f1
    f1_fixed = float(np.interp(fixed, curve.thresholds, curve.f1))
    ax.axvline(best, color='tab:green', lw=1.5, label=f'chosen {best:.3f} (F1 {f1_best:.3f})')
    ax.axvline(fixed, color='tab:red', lw=1, ls=':', label=f'fixed {fixed:g} (F1 {f1_fixed:.3f})')
    ax.set(xlabel='confidence threshold (keep boxes with score >= t)', ylabel='value',
           ylim=(0, 1.02), xlim=(0, 1), title='F1 against the confidence threshold')
    ax.legend(fontsize=8, loc='upper center', bbox_to_anchor=(0.5, -0.16), ncol=3)
    ax.grid(alpha=0.3)
    return ax


def plot_ground_truth(images: Sequence[np.ndarray], gts: Sequence[ImageBoxes],
                      classes: Sequence[str], scale: int = 2, ncols: int = 3):
    """Show images with their ground-truth boxes in class colours, and the box count per class."""
    colors = class_colors(classes)
    nrows = -(-len(images) // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(3.6 * ncols, 3.0 * nrows), squeeze=False)
    for ax in axes.flat:
        ax.axis('off')
    for ax, image, gt in zip(axes.flat, images, gts):
        big, boxes = _upscaled(image, gt.boxes, scale)
        ax.imshow(draw_boxes(big, boxes, colors=[colors[c] for c in gt.labels], thickness=2))
        counts = np.bincount(gt.labels, minlength=len(classes))
        ax.set_title(', '.join(f'{n} {k}' for n, k in zip(classes, counts)), fontsize=9)
    handles = [plt.Line2D([], [], color=np.array(c) / 255, lw=3, label=n)
               for n, c in zip(classes, colors)]
    fig.legend(handles=handles, loc='lower center', ncol=len(classes), fontsize=9)
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    return fig


def markdown_table(rows: Sequence[dict]):
    """Return rows of dicts (same keys) as a Markdown table that a notebook renders."""
    from IPython.display import Markdown
    if not rows:
        return Markdown('*(no rows)*')
    keys = list(rows[0])
    lines = ['| ' + ' | '.join(keys) + ' |', '|' + '---|' * len(keys)]
    lines += ['| ' + ' | '.join(str(row.get(k, '')) for k in keys) + ' |' for row in rows]
    return Markdown('\n'.join(lines))
