"""mmdet's COCO metric that keeps its keys when the model predicts no box at all.

mmdet's `CocoMetric` returns an empty dict when a split has no detection (pycocotools cannot load
an empty result list): a detector early in training, or one with untrained weights, then breaks
every reader of `coco/bbox_mAP_50` with a `KeyError`. `CourseCocoMetric` is the same metric; when
the predictions are empty it evaluates an empty detection set with the same `COCOeval`, so each
key has the value COCO gives a model that finds nothing (AP 0 where the split has ground truth,
-1 / NaN where it has none, as mmdet reports them), and warns "no detections". Used by lesson 06's
configs.
"""
from __future__ import annotations

import contextlib
import io
import warnings

import numpy as np
from mmdet.datasets.api_wrappers import COCO, COCOeval
from mmdet.evaluation.metrics import CocoMetric
from mmdet.registry import METRICS

DEFAULT_ITEMS = {'proposal': ('AR@100', 'AR@300', 'AR@1000', 'AR_s@1000', 'AR_m@1000', 'AR_l@1000'),
                 'bbox': ('mAP', 'mAP_50', 'mAP_75', 'mAP_s', 'mAP_m', 'mAP_l')}
STAT_INDEX = {'mAP': 0, 'mAP_50': 1, 'mAP_75': 2, 'mAP_s': 3, 'mAP_m': 4, 'mAP_l': 5, 'AR@100': 6,
              'AR@300': 7, 'AR@1000': 8, 'AR_s@1000': 9, 'AR_m@1000': 10, 'AR_l@1000': 11}


class NoDetectionsWarning(UserWarning):
    """The model predicted no box on the evaluated split: every AP is 0."""


def _empty_detections(gt: COCO) -> COCO:
    """A COCO result set over the images and categories of `gt` with no annotation."""
    dt = COCO()
    dt.dataset = {'images': list(gt.dataset.get('images', [])),
                  'categories': list(gt.dataset.get('categories', [])), 'annotations': []}
    with contextlib.redirect_stdout(io.StringIO()):
        dt.createIndex()
    return dt


@METRICS.register_module()
class CourseCocoMetric(CocoMetric):
    """mmdet's `CocoMetric`; a split with no detection gets every key (AP 0), not an empty dict."""

    def compute_metrics(self, results: list) -> dict[str, float]:
        """mmdet's metrics; when the predictions hold no box, the metrics of an empty result set."""
        metrics = super().compute_metrics(results)
        if self.format_only or self._coco_api is None:
            return metrics
        missing = [m for m in self.metrics if m != 'proposal_fast' and not any(
            k.startswith('AR@' if m == 'proposal' else f'{m}_') for k in metrics)]
        if not missing:
            return metrics
        warnings.warn(f'no detections: the model predicted no box on the {len(self.img_ids)} '
                      'evaluated images, so every AP is 0 (expected early in training or with '
                      'untrained weights; train longer or lower model.test_cfg.score_thr)',
                      NoDetectionsWarning, stacklevel=2)
        for metric in missing:
            metrics.update(self._empty_metrics(metric))
        return metrics

    def _empty_metrics(self, metric: str) -> dict[str, float]:
        """The keys mmdet writes for `metric`, with COCO's values for a set of no detections."""
        with contextlib.redirect_stdout(io.StringIO()):
            coco_eval = COCOeval(self._coco_api, _empty_detections(self._coco_api),
                                 'bbox' if metric == 'proposal' else metric)
            coco_eval.params.catIds = self.cat_ids
            coco_eval.params.imgIds = self.img_ids
            coco_eval.params.maxDets = list(self.proposal_nums)
            coco_eval.params.iouThrs = self.iou_thrs
            if metric == 'proposal':
                coco_eval.params.useCats = 0
            coco_eval.evaluate()
            coco_eval.accumulate()
            coco_eval.summarize()
        items = self.metric_items or DEFAULT_ITEMS['proposal' if metric == 'proposal' else 'bbox']
        out: dict[str, float] = {}
        for item in items:
            key = item if metric == 'proposal' else f'{metric}_{item}'
            out[key] = float(round(coco_eval.stats[STAT_INDEX[item]], 3))
        if self.classwise and metric != 'proposal':
            precisions = coco_eval.eval['precision']
            for idx, cat_id in enumerate(self.cat_ids):
                name = self._coco_api.loadCats(cat_id)[0]['name']
                precision = precisions[:, :, idx, 0, -1]
                precision = precision[precision > -1]
                out[f'{name}_precision'] = round(float(np.mean(precision)), 3) if precision.size \
                    else float('nan')
        return out
