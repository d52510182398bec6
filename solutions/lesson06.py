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


def _data_and_config():
    """The lesson's data (the shipped BCCD as COCO, converted if missing) and its config."""
    from course_lib.configs import load_config
    from course_lib.data import bccd
    root = cl.data_dir() / 'bccd'
    bccd.prepare_bccd(root, progress=False)
    return root, load_config(cl.configs.for_lesson('06', 'detector'))


def _mean_sizes(root, cfg):
    """Mean sqrt(w * h) per class over the training boxes, in the pixels the detector sees."""
    from course_lib.data import coco
    data = coco.load_coco(root / 'train' / coco.ANNOTATION_FILE)
    names = {c['id']: c['name'] for c in data['categories']}
    images = {i['id']: i for i in data['images']}
    size = next(t['scale'] for t in cfg.test_pipeline if t['type'] == 'Resize')  # keep_ratio

    def scale(image):
        long, short = max(image['width'], image['height']), min(image['width'], image['height'])
        return min(max(size) / long, min(size) / short)

    return {name: float(np.mean([math.sqrt(a['bbox'][2] * a['bbox'][3]) * scale(images[a['image_id']])
                                 for a in data['annotations']
                                 if names[a['category_id']] == name])) for name in cfg.classes}


def solve_06_2():
    """Anchors are stride x octave_base_scale; each class's mean size at input, to the nearest by ratio."""
    root, cfg = _data_and_config()
    anchors = cfg.model.bbox_head.anchor_generator
    return {name: min(anchors.strides, key=lambda s: abs(math.log(size / (s * anchors.octave_base_scale))))
            for name, size in _mean_sizes(root, cfg).items()}


def solve_06_3():
    """Halve every Resize (by list index), then octave_base_scale = platelet size there / stride."""
    root, cfg = _data_and_config()
    half = tuple(v // 2 for v in cfg.image_size)
    options = {}
    for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        for i, step in enumerate(cfg[loader].dataset.pipeline):
            if step['type'] == 'Resize':
                options[f'{loader}.dataset.pipeline.{i}.scale'] = half
    platelets = _mean_sizes(root, cfg)['Platelets'] * half[0] / cfg.image_size[0]
    stride = min(cfg.model.bbox_head.anchor_generator.strides)
    options['model.bbox_head.anchor_generator.octave_base_scale'] = platelets / stride
    return options


SOLUTIONS = {'06.1': solve_06_1, '06.2': solve_06_2, '06.3': solve_06_3}
