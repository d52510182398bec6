"""Plots for classification results: top-k bars and confusion matrices."""
from __future__ import annotations

from typing import Sequence

import matplotlib.pyplot as plt
import numpy as np


def plot_topk(labels: Sequence[str], scores: Sequence[float], title: str = 'top-5', ax=None):
    """Horizontal bar chart of the top-k labels, best on top.

    The score axis runs from 0 to 1, unless every score is below 0.1 (e.g. a model with random
    weights spreading its belief over 400 classes): then it is zoomed to the scores, and its label
    says so, so that the bars stay visible.
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 0.45 * len(labels) + 0.8))
    scores = [float(s) for s in scores]
    y = np.arange(len(labels))[::-1]
    ax.barh(y, scores, color='#4c72b0')
    ax.set_yticks(y, labels)
    top = max(scores, default=0.0)
    zoomed = 0 < top < 0.1
    right = top * 1.3 if zoomed else 1.0
    ax.set_xlim(0, right)
    ax.set(xlabel=f'score (axis zoomed: 0 to {right:.2g}, not 0 to 1)' if zoomed else 'score',
           title=title)
    digits = 4 if zoomed else 2
    for yi, s in zip(y, scores):
        if s > 0.8 * right:  # a long bar: the value inside its end, in white
            ax.text(s - 0.01 * right, yi, f'{s:.{digits}f}', va='center', ha='right', color='white')
        else:
            ax.text(s + 0.01 * right, yi, f'{s:.{digits}f}', va='center')
    plt.tight_layout()
    return ax


def plot_confusion(matrix: np.ndarray, class_names: Sequence[str], normalize: bool = True,
                   ax=None):
    """Confusion matrix (rows: true class, columns: predicted) with counts or row fractions."""
    matrix = np.asarray(matrix, dtype=float)
    if normalize:
        matrix = matrix / np.maximum(matrix.sum(axis=1, keepdims=True), 1)
    if ax is None:
        size = 1.0 + 0.55 * len(class_names)
        _, ax = plt.subplots(figsize=(size + 1, size))
    im = ax.imshow(matrix, cmap='Blues', vmin=0, vmax=1 if normalize else None)
    ticks = np.arange(len(class_names))
    ax.set_xticks(ticks, class_names, rotation=45, ha='right')
    ax.set_yticks(ticks, class_names)
    ax.set(xlabel='predicted', ylabel='true', title='confusion matrix')
    for (i, j), v in np.ndenumerate(matrix):
        ax.text(j, i, f'{v:.2f}' if normalize else f'{int(v)}', ha='center', va='center',
                color='white' if v > (0.5 if normalize else matrix.max() / 2) else 'black',
                fontsize=8)
    plt.colorbar(im, ax=ax, fraction=0.046)
    plt.tight_layout()
    return ax
