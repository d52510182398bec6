"""Checkers for lesson 06's exercises (ATSS on blood cells: thresholds per class, anchor sizes)."""
from __future__ import annotations

import copy
import math
from pathlib import Path

import numpy as np

from ..configs import for_lesson, load_config
from ..errors import MissingFileError
from ..settings import data_dir
from .registry import exercise

BCCD = ('Platelets', 'RBC', 'WBC')


def _shared_threshold_per_class(matches, classes) -> dict:
    """The lesson's starting point: the shared (micro-F1) threshold for every class."""
    from ..metrics import threshold as th
    best, _ = th.best_threshold(matches)
    return {name: best for name in classes}


# ---- 06.1: one threshold per class --------------------------------------------------------------

def _hand_made_matches():
    """Three classes whose F1-best thresholds lie in disjoint intervals (no shared one fits)."""
    from ..metrics.threshold import Matches
    rows = [  # (class, score, true positive)
        (0, .45, 0), (0, .30, 1), (0, .28, 1), (0, .26, 1), (0, .15, 0), (0, .12, 0), (0, .10, 0),
        (1, .95, 1), (1, .90, 1), (1, .88, 1), (1, .85, 1), (1, .70, 0), (1, .66, 1), (1, .60, 0),
        (1, .55, 0), (1, .40, 1), (1, .30, 0),
        (2, .99, 1), (2, .97, 1), (2, .93, 0), (2, .80, 0), (2, .50, 1)]
    rows.sort(key=lambda r: -r[1])
    labels, scores, tp = (np.array(col) for col in zip(*rows))
    return Matches(scores.astype(float), labels.astype(int), tp.astype(bool),
                   np.arange(len(rows)) % 4, np.array([5, 6, 3]))


def _random_matches(seed: int = 6):
    """A larger random set of matched detections, with other class names (no hard-coding)."""
    from ..metrics.threshold import Matches
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 4, 300)
    scores = np.round(rng.beta(2, 2, 300) ** (1 + labels), 4)  # each class scores differently
    tp = rng.random(300) < scores ** 0.5
    order = np.argsort(-scores, kind='stable')
    num_gt = np.bincount(labels[tp], minlength=4) + rng.integers(1, 15, 4)
    return Matches(scores[order], labels[order], tp[order], rng.integers(0, 30, 300)[order], num_gt)


def _best_class_f1(matches, label: int) -> float:
    """The highest F1 any threshold reaches on one class (every candidate threshold tried)."""
    from ..metrics.threshold import f1_at
    candidates = np.append(np.unique(matches.scores[matches.labels == label]), np.inf)
    return max(f1_at(matches, t, label) for t in candidates)


@exercise('06.1', 'Write per_class_thresholds(matches, classes) -> {class name: threshold} that '
          'gives each class the threshold maximising F1 on that class alone.',
          starter=_shared_threshold_per_class)
def per_class_thresholds(answer) -> str | None:
    """Right when, on two test sets of matches, each class's threshold reaches its best F1."""
    from ..metrics.threshold import f1_at
    if not callable(answer):
        return ('answer with the function itself (answer_06_1 = per_class_thresholds), not with '
                'its result.')
    for matches, classes in ((_hand_made_matches(), BCCD), (_random_matches(), tuple('abcd'))):
        got = answer(copy.deepcopy(matches), classes)
        if not isinstance(got, dict) or set(got) != set(classes):
            return 'return a dict with one threshold per class name: {name: threshold, ...}.'
        values = [float(got[name]) for name in classes]
        for label, name in enumerate(classes):
            if f1_at(matches, values[label], label) >= _best_class_f1(matches, label) - 1e-9:
                continue
            if len(set(values)) == 1:
                return ('every class got the same threshold. Keep only one class\'s detections '
                        '(a mask on matches.labels) and run th.best_threshold on them.')
            return (f'on a hand-made set of detections, the threshold you give {name!r} reaches a '
                    f'lower F1 on {name!r} than the best one. The one-class Matches needs that '
                    'class\'s scores, labels, tp and image, and a num_gt that counts only that '
                    'class\'s boxes (the other classes\' boxes are not its false negatives).')
    return None


# ---- 06.2 and 06.3: object sizes against anchor sizes --------------------------------------------

def _lesson_data() -> tuple[Path, str]:
    """The lesson's data root (BCCD as COCO, both profiles) and config name in the active profile."""
    return data_dir() / 'bccd', for_lesson('06', 'detector')


def _mean_box_sizes(cfg, root: Path) -> dict[str, float]:
    """Mean sqrt(w * h) of each class's training boxes, in the detector's input pixels."""
    from ..data import coco
    from ..metrics.resolution import mean_sizes_at_input
    ann_file = root / 'train' / coco.ANNOTATION_FILE
    if not ann_file.exists():
        raise MissingFileError(f'{ann_file} does not exist: run section 1 of the lesson first.')
    return mean_sizes_at_input(cfg, ann_file, cfg.classes)


def _anchors(cfg):
    """Build the config's anchor generator with mmdet's registry."""
    import mmdet.models  # noqa: F401  (registers the anchor generators)
    from mmdet.registry import TASK_UTILS
    from mmengine.registry import DefaultScope
    with DefaultScope.overwrite_default_scope('mmdet'):  # another lesson may have set mmaction
        return TASK_UTILS.build(copy.deepcopy(cfg.model.bbox_head.anchor_generator))


def _anchor_sizes(generator) -> list[float]:
    """sqrt(w * h) of every base anchor of every level, smallest first."""
    sizes = [float(((a[:, 2] - a[:, 0]) * (a[:, 3] - a[:, 1])).sqrt().min())
             for a in generator.base_anchors]
    return sorted(sizes)


def _nearest_strides(sizes: dict[str, float], cfg) -> dict[str, int]:
    """For each class, the stride of the level whose anchor is nearest its size (as a ratio)."""
    anchors = cfg.model.bbox_head.anchor_generator
    octave = float(anchors.octave_base_scale)
    return {name: min(anchors.strides, key=lambda s: abs(math.log(size / (s * octave))))
            for name, size in sizes.items()}


@exercise('06.2', 'For each class, take its mean box size (sqrt(w * h)) in the training split, in '
          'the pixels the detector sees, and give the stride of the level whose anchor is nearest '
          'to it as a ratio (the larger size divided by the smaller): answer {class name: stride}.',
          starter={}, shape='a dict {class name: stride (an integer)}')
def nearest_anchor_level(answer: dict) -> str | None:
    """Right when each class maps to the stride whose anchor is nearest its mean size at input."""
    root, config = _lesson_data()
    cfg = load_config(config)
    if not isinstance(answer, dict) or set(answer) != set(cfg.classes):
        return f'answer with a dict holding one stride per class: keys {list(cfg.classes)}.'
    anchors = cfg.model.bbox_head.anchor_generator
    octave = float(anchors.octave_base_scale)
    given = {name: answer[name] for name in cfg.classes}
    if any(isinstance(v, bool) or not isinstance(v, (int, float, np.integer, np.floating))
           for v in given.values()):
        return 'give each class a number: the stride of a level (one of those printed in section 2).'
    if {float(v) for v in given.values()} <= {float(s * octave) for s in anchors.strides} - \
            {float(s) for s in anchors.strides}:
        return 'these are anchor sizes; answer with the stride of the level that has that anchor.'
    if not {float(v) for v in given.values()} <= {float(s) for s in anchors.strides}:
        return f'each value is one of the strides printed in section 2: {list(anchors.strides)}.'
    sizes = _mean_box_sizes(cfg, root)
    expected = _nearest_strides(sizes, cfg)
    if all(int(given[n]) == expected[n] for n in cfg.classes):
        return None
    from ..metrics.resolution import resize_scale
    scale = resize_scale(cfg, 640, 480)  # BCCD's image size
    original = _nearest_strides({n: v / scale for n, v in sizes.items()}, cfg)
    if scale != 1 and all(int(given[n]) == original[n] for n in cfg.classes):
        return ('these fit the sizes in the original 640 x 480 pixels; the detector sees the image '
                'resized (the factor printed in section 2): scale the box sizes first.')
    wrong = [n for n in cfg.classes if int(given[n]) != expected[n]]
    return (f'{len(wrong)} of {len(given)} levels are off (e.g. {wrong[0]!r}). Compare the class\'s '
            'mean size at the input with every anchor size as a ratio, larger / smaller: a 30-px '
            'box is 1.5 x a 20-px anchor and 40 / 30 = 1.33 x below a 40-px one, so the 40-px '
            'anchor is the nearer.')


def _resize_scales(loader) -> list[tuple]:
    """The `scale` of every Resize step of a dataloader's pipeline."""
    return [tuple(step['scale']) for step in loader.dataset.pipeline if step['type'] == 'Resize']


@exercise('06.3', 'Give the cfg-options, as a dict, for a detector that sees the images at half the '
          'lesson\'s image_size (training, validation and test), with the smallest anchor as large '
          'as the platelets\' mean box at that size (within 1 px), keeping the strides and one '
          'anchor per position.', starter={},
          shape='a dict of cfg-options {"dotted.config.key": value}')
def half_size_detector(answer: dict) -> str | None:
    """Right when every Resize is at half size and the smallest anchor fits the platelets there."""
    if not isinstance(answer, dict):
        return 'answer with a dict {"dotted.config.key": value}, as cfg_options.'
    root, config = _lesson_data()
    base = load_config(config)
    try:
        cfg = load_config(config, dict(answer))
    except Exception as err:  # mmengine rejects keys that do not fit the config's structure
        if 'image_size' in answer and 'already used when the config was loaded' in str(err):
            return ('Setting image_size alone changes nothing: the pipelines copied its value when the '
                    'config was read. Set the scale of each Resize step instead: '
                    '\'<loader>.dataset.pipeline.<index>.scale\' for the train, val and test loaders.')
        return (f'the config does not take these options ({type(err).__name__}: {err}). Check each '
                'dotted key against the printed config; list items are addressed by index.')
    half = tuple(int(v) // 2 for v in base.image_size)
    for name in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        scales = _resize_scales(cfg[name])
        if any(s != half for s in scales):
            changed = 'image_size' in answer and half == tuple(answer['image_size'])
            return (f'{name}\'s pipeline still resizes to {scales[0]}, not half the lesson\'s size. '
                    + ('Setting image_size alone changes nothing: the pipelines copied its value when '
                       'the config was read. ' if changed else '')
                    + f'Set the scale of its Resize step: \'{name}.dataset.pipeline.<index>.scale\'.')
    generator, reference = _anchors(cfg), _anchors(base)
    if generator.strides != reference.strides:
        return ('keep the strides: the backbone\'s out_indices and the FPN fix them, and changing '
                'them breaks the match between anchors and feature maps.')
    if any(n != 1 for n in generator.num_base_priors):
        return ('keep one anchor per position (ATSS\'s default): change its size, not the number '
                'of scales or ratios.')
    target = _mean_box_sizes(cfg, root)['Platelets']
    smallest = _anchor_sizes(generator)[0]
    if abs(smallest - target) <= 1.0:
        return None
    if math.isclose(smallest, _anchor_sizes(reference)[0]):
        return ('the images are at half size, but the anchors did not change: which key of '
                'model.bbox_head.anchor_generator multiplies the stride?')
    return ('the smallest anchor is the smallest stride x octave_base_scale: solve that for the '
            'platelets\' mean size at the new input size (half the size at the lesson\'s).')
