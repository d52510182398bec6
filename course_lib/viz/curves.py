"""Training curves read from the logs mmengine's Runner writes (`vis_data/scalars.json`)."""
from __future__ import annotations

import json
import os
from pathlib import Path

import matplotlib.pyplot as plt

from ..errors import MissingFileError


def read_scalars(work_dir: str | os.PathLike) -> list[dict]:
    """Return every record of every run's scalars.json in a work dir, oldest run first."""
    files = sorted(Path(work_dir).glob('*/vis_data/scalars.json'))
    if not files:
        raise MissingFileError(f'No */vis_data/scalars.json under {work_dir}: train first, and keep '
                                "visualizer=dict(vis_backends=[dict(type='LocalVisBackend')]).")
    records = []
    for path in files:
        records += [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    return records


def plot_training(work_dir: str | os.PathLike, loss_keys: tuple[str, ...] = ('loss',),
                  metric_keys: tuple[str, ...] = (), ax=None):
    """Plot training losses per iteration and (optionally) validation metrics per epoch.

    A loss whose curve is the same as one already drawn (e.g. `loss` when the model has a single
    loss term) is not drawn again: the legend names both on one line.
    """
    records = read_scalars(work_dir)
    train = [r for r in records if any(k in r for k in loss_keys)]
    val = [r for r in records if any(k in r for k in metric_keys)]
    ncols = 2 if metric_keys and val else 1
    if ax is None:
        _, axes = plt.subplots(1, ncols, figsize=(5.5 * ncols, 3.2), squeeze=False)
        axes = axes[0]
    else:
        axes = [ax]
    drawn: dict[tuple, object] = {}  # curve -> its line
    for key in loss_keys:
        points = tuple((r['step'], r[key]) for r in train if key in r)
        if not points:
            continue
        if points in drawn:
            line = drawn[points]
            line.set_label(f'{line.get_label()} = {key}')
            continue
        drawn[points], = axes[0].plot(*zip(*points), label=key)
    axes[0].set(xlabel='iteration', ylabel='loss', title='training loss')
    axes[0].legend()
    if ncols == 2:
        for key in metric_keys:
            points = [(r['step'], r[key]) for r in val if key in r]
            if points:
                axes[1].plot(*zip(*points), marker='o', label=key)
        axes[1].set(xlabel='epoch', ylabel='metric', title='validation')
        axes[1].legend()
    plt.tight_layout()
    return axes
