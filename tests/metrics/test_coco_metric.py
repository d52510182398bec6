"""CourseCocoMetric: mmdet's COCO metric, with every key (AP 0) when the model predicts no box."""
import json
import math

import pytest
import torch
from mmdet.evaluation.metrics import CocoMetric

from course_lib.metrics import CourseCocoMetric, NoDetectionsWarning

CLASSES = ('Platelets', 'RBC', 'WBC')


@pytest.fixture
def ann_file(tmp_path):
    """Two 100 x 100 images: one RBC and one WBC box, no platelet."""
    coco = {'images': [{'id': 1, 'file_name': 'a.jpg', 'width': 100, 'height': 100},
                       {'id': 2, 'file_name': 'b.jpg', 'width': 100, 'height': 100}],
            'categories': [{'id': i + 1, 'name': name} for i, name in enumerate(CLASSES)],
            'annotations': [{'id': 1, 'image_id': 1, 'category_id': 2, 'bbox': [10, 10, 40, 40],
                             'area': 1600, 'iscrowd': 0},
                            {'id': 2, 'image_id': 2, 'category_id': 3, 'bbox': [20, 20, 50, 50],
                             'area': 2500, 'iscrowd': 0}]}
    path = tmp_path / 'ann.json'
    path.write_text(json.dumps(coco))
    return str(path)


def sample(img_id, boxes=(), labels=(), scores=()):
    return {'img_id': img_id, 'ori_shape': (100, 100),
            'pred_instances': {'bboxes': torch.tensor(boxes, dtype=torch.float32).reshape(-1, 4),
                               'labels': torch.tensor(labels, dtype=torch.int64),
                               'scores': torch.tensor(scores, dtype=torch.float32)}}


def evaluate(metric_type, ann_file, samples):
    metric = metric_type(ann_file=ann_file, metric='bbox', classwise=True)
    metric.dataset_meta = {'classes': CLASSES}
    metric.process({}, samples)
    return metric.evaluate(len(samples))


def test_mmdet_metric_returns_nothing_without_detections(ann_file):
    # the failure the course metric exists for: readers of coco/bbox_mAP_50 get a KeyError
    assert evaluate(CocoMetric, ann_file, [sample(1), sample(2)]) == {}


def test_no_detections_give_every_key_with_ap_zero_and_a_warning(ann_file):
    with pytest.warns(NoDetectionsWarning, match='no detections'):
        metrics = evaluate(CourseCocoMetric, ann_file, [sample(1), sample(2)])
    for item in ('mAP', 'mAP_50', 'mAP_75', 'mAP_m'):
        assert metrics[f'coco/bbox_{item}'] == 0.0
    assert metrics['coco/bbox_mAP_s'] == -1.0  # no small ground-truth box: COCO's "not applicable"
    assert metrics['coco/RBC_precision'] == 0.0 and metrics['coco/WBC_precision'] == 0.0
    assert math.isnan(metrics['coco/Platelets_precision'])  # no platelet in the split


def test_detections_are_evaluated_as_mmdet_does(ann_file, recwarn):
    samples = [sample(1, [[10, 10, 50, 50]], [1], [0.9]), sample(2)]
    ours = evaluate(CourseCocoMetric, ann_file, samples)
    theirs = evaluate(CocoMetric, ann_file, samples)
    assert ours.keys() == theirs.keys()
    assert all(ours[k] == theirs[k] or math.isnan(ours[k]) and math.isnan(theirs[k]) for k in ours)
    assert ours['coco/RBC_precision'] == 1.0 and ours['coco/WBC_precision'] == 0.0
    assert not [w for w in recwarn if issubclass(w.category, NoDetectionsWarning)]
