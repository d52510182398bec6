"""Confidence-threshold search: matching, F1 over thresholds, PR/AP, and the stored threshold."""
import json

import numpy as np
import pytest

from course_lib.errors import InputError
from course_lib.metrics import threshold as th
from course_lib.metrics.threshold import ImageBoxes


def box(x, y, size=10):
    return [x, y, x + size, y + size]


def one_class_case(outcomes, num_gt):
    """Detections with given (score, is_tp) on one image of one class: TPs sit on distinct GTs."""
    gts = [box(20 * i, 0) for i in range(num_gt)]
    dets, scores, free = [], [], iter(range(num_gt))
    for score, hit in outcomes:
        dets.append(box(20 * next(free), 0) if hit else box(500, 500))
        scores.append(score)
    return th.match_detections([ImageBoxes(gts, [0] * num_gt)],
                               [ImageBoxes(dets, [0] * len(dets), scores)], num_classes=1)


def test_box_iou_known_values():
    iou = th.box_iou([[0, 0, 10, 10]], [[0, 0, 10, 10], [5, 0, 15, 10], [20, 20, 30, 30]])
    np.testing.assert_allclose(iou, [[1.0, 50 / 150, 0.0]])


def test_matching_is_greedy_by_score_one_match_per_gt_and_per_class():
    gt = ImageBoxes([box(0, 0), box(50, 50)], [0, 1])
    det = ImageBoxes([box(1, 0),      # 0.6: class 0 on gt 0, IoU 0.82 -> but 0.9 takes gt 0 first
                      box(0, 0),      # 0.9: class 0 on gt 0 -> TP
                      box(50, 50),    # 0.8: class 0 on a class-1 gt -> FP
                      box(53, 50),    # 0.7: class 1 on gt 1, IoU 7/13 = 0.54 -> TP
                      box(56, 50)],   # 0.5: class 1, gt 1 already taken -> FP
                     [0, 0, 0, 1, 1], [0.6, 0.9, 0.8, 0.7, 0.5])
    m = th.match_detections([gt], [det], num_classes=2)
    np.testing.assert_allclose(m.scores, [0.9, 0.8, 0.7, 0.6, 0.5])
    assert m.tp.tolist() == [True, False, True, False, False]
    assert m.labels.tolist() == [0, 0, 1, 0, 1]
    assert m.num_gt.tolist() == [1, 1]
    # a stricter IoU turns the 0.54 overlap into a miss
    strict = th.match_detections([gt], [det], num_classes=2, iou_thr=0.6)
    assert strict.tp.tolist() == [True, False, False, False, False]


def test_best_threshold_maximises_f1_on_a_hand_made_case():
    # scores and outcomes; 5 ground-truth boxes. F1 when keeping the top k:
    # k=1 .333, 2 .571, 3 .5, 4 .667, 5 .8 (best), 6 .727, 7 .667
    outcomes = [(0.9, True), (0.8, True), (0.7, False), (0.6, True), (0.5, True),
                (0.3, False), (0.2, False)]
    m = one_class_case(outcomes, num_gt=5)
    t, f1 = th.best_threshold(m)
    assert t == pytest.approx(0.4)  # midway between 0.5 (lowest kept) and 0.3 (highest dropped)
    assert f1 == pytest.approx(0.8)
    assert th.counts_at(m, t) == (4, 1, 1)
    grid = np.linspace(0, 1, 1001)
    assert max(th.f1_at(m, g) for g in grid) == pytest.approx(0.8)
    assert th.f1_at(m, 0.55) == pytest.approx(2 * 3 / (2 * 3 + 1 + 2))  # keeps 3 TP, 1 FP


def test_best_threshold_prefers_fewer_boxes_on_ties_and_handles_no_detections():
    # k=2 and k=5 both give F1 2/3: take the higher threshold
    outcomes = [(0.9, True), (0.8, True), (0.6, False), (0.55, False), (0.4, True), (0.3, False)]
    t, f1 = th.best_threshold(one_class_case(outcomes, num_gt=4))
    assert t == pytest.approx(0.7) and f1 == pytest.approx(2 / 3)
    empty = th.match_detections([ImageBoxes([box(0, 0)], [0])], [ImageBoxes([], [], [])], 1)
    assert th.best_threshold(empty) == (1.0, 0.0)


def test_f1_curve_counts_and_monotone_recall():
    m = one_class_case([(0.9, True), (0.7, False), (0.4, True)], num_gt=3)
    curve = th.f1_curve(m, [0.0, 0.5, 0.8, 0.95])
    assert curve.tp.tolist() == [2, 1, 1, 0]
    assert curve.fp.tolist() == [1, 1, 0, 0]
    assert curve.fn.tolist() == [1, 2, 2, 3]
    np.testing.assert_allclose(curve.f1, [4 / 6, 2 / 5, 2 / 4, 0.0])
    assert np.all(np.diff(th.f1_curve(m).recall) <= 0)


def test_per_class_table_counts_missed_boxes_per_threshold():
    gt = ImageBoxes([box(0, 0), box(20, 0), box(50, 50)], [0, 0, 1])
    det = ImageBoxes([box(0, 0), box(20, 0), box(50, 50)], [0, 0, 1], [0.9, 0.3, 0.8])
    m = th.match_detections([gt], [det], num_classes=2)
    rows = th.per_class_table(m, ['a', 'b'], {'low': 0.2, 'high': 0.5})
    assert [(r['class'], r['gt boxes'], r['missed @ low'], r['missed @ high']) for r in rows] == [
        ('a', 2, 0, 1), ('b', 1, 0, 0)]


def test_pr_curve_ap_uses_coco_101_point_interpolation():
    m = one_class_case([(0.9, True), (0.8, False), (0.7, True)], num_gt=2)
    recall, precision, ap = th.pr_curve(m, 0)
    np.testing.assert_allclose(recall, [0.5, 0.5, 1.0])
    np.testing.assert_allclose(precision, [1.0, 0.5, 2 / 3])
    # recall points 0..0.5 (51 of them) see precision 1, the 50 above see the 2/3 envelope
    assert ap == pytest.approx((51 * 1.0 + 50 * 2 / 3) / 101)
    perfect = one_class_case([(0.9, True), (0.8, True)], num_gt=2)
    assert th.pr_curve(perfect, 0)[2] == pytest.approx(1.0)


def _random_detection_set(seed: int, images: int = 25, classes: int = 3):
    """Ground truth of random boxes and detections near them (some duplicated), plus false alarms."""
    rng = np.random.default_rng(seed)
    gts, dets = [], []
    for _ in range(images):
        n = int(rng.integers(0, 6))
        xy = rng.uniform(0, 150, (n, 2))
        boxes = np.hstack([xy, xy + rng.uniform(10, 60, (n, 2))])
        labels = rng.integers(0, classes, n)
        gts.append(ImageBoxes(boxes, labels))
        found = [(b + rng.normal(0, 4, 4), c) for b, c in zip(boxes, labels) if rng.random() < 0.8]
        found += [(b + rng.normal(0, 4, 4), c) for b, c in found if rng.random() < 0.3]
        for _ in range(int(rng.integers(0, 3))):
            x, y = rng.uniform(0, 150, 2)
            found.append((np.array([x, y, x + 30, y + 30]), int(rng.integers(0, classes))))
        det_boxes = np.array([b for b, _ in found]).reshape(-1, 4)
        dets.append(ImageBoxes(det_boxes, [c for _, c in found], rng.uniform(0, 1, len(found))))
    return gts, dets


def test_pr_curve_ap_equals_pycocotools_cocoeval_on_the_same_detections():
    from pycocotools.coco import COCO
    from pycocotools.cocoeval import COCOeval
    gts, dets = _random_detection_set(0)
    xywh = lambda b: [float(b[0]), float(b[1]), float(b[2] - b[0]), float(b[3] - b[1])]  # noqa: E731
    dataset = {'images': [{'id': i + 1} for i in range(len(gts))],
               'categories': [{'id': c + 1, 'name': str(c)} for c in range(3)],
               'annotations': [{'id': len(gts) * 100 + i * 10 + j, 'image_id': i + 1,
                                'category_id': int(c) + 1, 'bbox': xywh(b), 'iscrowd': 0,
                                'area': xywh(b)[2] * xywh(b)[3]}
                               for i, g in enumerate(gts) for j, (b, c) in enumerate(zip(g.boxes, g.labels))]}
    results = [{'image_id': i + 1, 'category_id': int(c) + 1, 'bbox': xywh(b), 'score': float(s)}
               for i, d in enumerate(dets) for b, c, s in zip(d.boxes, d.labels, d.scores)]
    coco_gt = COCO()
    coco_gt.dataset = dataset
    coco_gt.createIndex()
    evaluation = COCOeval(coco_gt, coco_gt.loadRes(results), 'bbox')
    evaluation.params.iouThrs = np.array([0.5])
    evaluation.params.maxDets = [100]  # more than any image has: nothing is cut
    evaluation.evaluate()
    evaluation.accumulate()
    coco_ap = evaluation.eval['precision'][0, :, :, 0, -1].mean(axis=0)  # per class, area 'all'
    matches = th.match_detections(gts, dets, num_classes=3, iou_thr=0.5)
    ours = [th.pr_curve(matches, k)[2] for k in range(3)]
    assert 0.3 < np.mean(ours) < 0.95  # hits, misses and duplicates: not a trivial case
    np.testing.assert_allclose(ours, coco_ap, atol=1e-9)


def test_coco_ground_truth_and_match_split(tmp_path):
    ann = {'images': [{'id': 2, 'file_name': 'b.jpg', 'width': 64, 'height': 64},
                      {'id': 1, 'file_name': 'a.jpg', 'width': 64, 'height': 64}],
           'categories': [{'id': 1, 'name': 'Platelets'}, {'id': 2, 'name': 'RBC'}],
           'annotations': [{'id': 1, 'image_id': 1, 'category_id': 2, 'bbox': [0, 0, 10, 10]},
                           {'id': 2, 'image_id': 2, 'category_id': 1, 'bbox': [5, 5, 4, 4]}]}
    path = tmp_path / 'ann.json'
    path.write_text(json.dumps(ann))
    ids, gts = th.coco_ground_truth(path, ('Platelets', 'RBC'))
    assert ids == [1, 2]
    assert gts[0].labels.tolist() == [1] and gts[0].boxes.tolist() == [[0, 0, 10, 10]]
    assert gts[1].labels.tolist() == [0] and gts[1].boxes.tolist() == [[5, 5, 9, 9]]
    preds = {1: ImageBoxes([[0, 0, 10, 10]], [1], [0.9]), 2: ImageBoxes([[5, 5, 9, 9]], [1], [0.8])}
    m = th.match_split(path, preds, ('Platelets', 'RBC'))
    assert m.tp.tolist() == [True, False]  # the second one has the wrong class
    with pytest.raises(InputError, match='same split'):  # a course error, not a bare KeyError
        th.match_split(path, {1: preds[1]}, ('Platelets', 'RBC'))


def test_threshold_is_stored_beside_the_checkpoint(tmp_path):
    with pytest.raises(FileNotFoundError, match='validation set'):
        th.load_threshold(tmp_path)
    path = th.save_threshold(tmp_path, 0.325, 0.83, tmp_path / 'epoch_8.pth', split='valid')
    assert path.name == 'confidence_threshold.json'
    record = th.load_threshold(tmp_path)
    assert record['threshold'] == 0.325 and record['checkpoint'] == 'epoch_8.pth'
    assert record['split'] == 'valid'
