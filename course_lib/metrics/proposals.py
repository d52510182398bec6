"""The AR-AN curve of temporal proposals, computed by mmaction's own `average_recall_at_avg_proposals`.

mmaction's `ANetMetric` reports four points of the curve (AR@1, AR@5, AR@10, AR@100) and its AUC, and
dumps the proposals to `results.json`. `ar_an_curve` recomputes the whole curve from that file and
the annotations with the same function, so it can be plotted. Used in lessons 04 and 05.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import FileFormatError, InputError, MissingFileError

TIOU_THRESHOLDS = np.linspace(0.5, 0.95, 10)  # ActivityNet's, as in ANetMetric


@dataclass
class ARCurve:
    """Average recall against the average number of proposals per video (AN)."""

    avg_proposals: np.ndarray  # AN of each point (100 points up to max_avg_proposals)
    recall: np.ndarray  # (len(thresholds), 100): recall per tIoU threshold
    thresholds: np.ndarray
    auc: float  # area under the AR-AN curve, in percent (ANetMetric's 'auc')

    @property
    def avg_recall(self) -> np.ndarray:
        """Recall averaged over the tIoU thresholds, per point."""
        return self.recall.mean(axis=0)

    def at(self, n: int) -> float:
        """AR@n as ANetMetric reports it (the n-th of 100 points when max_avg_proposals=100)."""
        return float(self.avg_recall[n - 1])

    def summary(self) -> dict[str, float]:
        """Return ANetMetric's keys: auc, AR@1, AR@5, AR@10, AR@100."""
        return {'auc': float(self.auc), **{f'AR@{n}': float(self.at(n)) for n in (1, 5, 10, 100)}}

    def plot(self, ax=None, label: str | None = None, **kwargs):
        """Draw the curve on a log AN axis; return the axes."""
        import matplotlib.pyplot as plt
        ax = ax or plt.subplots(figsize=(5, 3.4))[1]
        text = f'{label + ": " if label else ""}AUC {self.auc:.1f}'
        ax.plot(self.avg_proposals, self.avg_recall, label=text, **kwargs)
        ax.set(xscale='log', xlabel='average number of proposals per video (AN)',
               ylabel='average recall (tIoU 0.5:0.95)', ylim=(0, 1.02), title='AR-AN')
        ax.grid(True, which='both', alpha=0.3)
        ax.legend(loc='lower right')
        return ax


def load_proposals(results_json: str | os.PathLike) -> dict[str, list[dict]]:
    """Read ANetMetric's results.json; return {video_name: proposal_list} (names with `v_`)."""
    path = Path(results_json)
    if not path.is_file():
        raise MissingFileError(f'No proposals file {path}: run the test first '
                                '(python -m course_lib.train CONFIG --test).')
    results = json.loads(path.read_text()).get('results')
    if not isinstance(results, dict):
        raise FileFormatError(f'{path}: expected {{"results": {{video_id: [proposals]}}}} as ANetMetric '
                         'writes it (dump_config output_format="json").')
    return {f'v_{vid}': proposals for vid, proposals in results.items()}


def ar_an_curve(annotations: dict, proposals: dict[str, list[dict]], max_avg_proposals: int = 100,
                thresholds: np.ndarray = TIOU_THRESHOLDS) -> ARCurve:
    """Compute the AR-AN curve with mmaction's function from {video: info} and {video: proposals}."""
    from mmaction.evaluation import average_recall_at_avg_proposals
    missing = sorted(set(annotations) - set(proposals))
    if missing:
        raise InputError(f'{len(missing)} annotated videos have no proposals (first: {missing[:3]}); '
                         'evaluate on the same annotation file the proposals came from.')
    gt = {name[2:]: np.array([[*a['segment'], a.get('label', '')] for a in info['annotations']],
                             dtype=object).reshape(-1, 3) for name, info in annotations.items()}
    props = {name[2:]: np.array([[*p['segment'], p['score']] for p in proposals[name]],
                                dtype=float).reshape(-1, 3) for name in annotations}
    total = sum(len(p) for p in props.values())
    recall, _, per_video, auc = average_recall_at_avg_proposals(
        gt, props, total, max_avg_proposals=max_avg_proposals, temporal_iou_thresholds=thresholds)
    return ARCurve(per_video, recall, np.asarray(thresholds), float(auc))
