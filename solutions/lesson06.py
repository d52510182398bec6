"""Worked solutions of lesson 06's exercises (for teachers and for tests/test_exercises.py)."""
import math

import numpy as np

import course_lib as cl


def per_class_thresholds(matches, classes):
    """One Matches per class (its detections, and only its ground-truth count), best F1 on each."""
    from course_lib.metrics import threshold as th
    thresholds = {}
    for label, name in enumerate(classes):
        own = matches.labels == label
        num_gt = np.where(np.arange(len(matches.num_gt)) == label, matches.num_gt, 0)
        one_class = th.Matches(matches.scores[own], matches.labels[own], matches.tp[own],
                               matches.image[own], num_gt, matches.iou_thr)
        thresholds[name] = th.best_threshold(one_class)[0]
    return thresholds


def solve_06_1():
    """The function itself: the notebook then calls it on val_matches."""
    return per_class_thresholds


def _smoke_data_and_config():
    """The lesson's synthetic set (generated if missing, ~3 s) and its smoke config."""
    from course_lib.data.synthetic.blood_cells import generate_blood_cells
    from course_lib.configs import load_config
    root = generate_blood_cells(cl.data_dir() / 'blood_cells', progress=False)
    return root, load_config('atss_mobilenetv2_fpn_bccd_smoke')


def _mean_sizes(root, classes):
    """Mean sqrt(w * h) per class over the training boxes (smoke images are not resized)."""
    from course_lib.data import coco
    data = coco.load_coco(root / 'train' / coco.ANNOTATION_FILE)
    names = {c['id']: c['name'] for c in data['categories']}
    return {name: float(np.mean([math.sqrt(a['bbox'][2] * a['bbox'][3])
                                 for a in data['annotations']
                                 if names[a['category_id']] == name])) for name in classes}


def solve_06_2():
    """Anchors are stride x octave_base_scale (16, 32, 64): platelets ~0.64, RBC ~1.4, WBC ~2.1."""
    root, cfg = _smoke_data_and_config()
    anchors = cfg.model.bbox_head.anchor_generator
    smallest = min(anchors.strides) * anchors.octave_base_scale
    return {name: size / smallest for name, size in _mean_sizes(root, cfg.classes).items()}


def solve_06_3():
    """Keep the strides; set octave_base_scale = platelet mean size / smallest stride (~1.3)."""
    root, cfg = _smoke_data_and_config()
    platelets = _mean_sizes(root, cfg.classes)['Platelets']
    stride = min(cfg.model.bbox_head.anchor_generator.strides)
    return {'model.bbox_head.anchor_generator.octave_base_scale': platelets / stride}


SOLUTIONS = {'06.1': solve_06_1, '06.2': solve_06_2, '06.3': solve_06_3}
