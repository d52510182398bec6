"""What input resolution does to a detector: one checkpoint evaluated at several image sizes.

Shrinking the image shrinks every object with it. A detector whose finest feature map has stride 8
cannot place a box on an object much smaller than about two strides, and ATSS only trains anchors
whose centre falls inside the object; so the smallest class (BCCD's platelets) is the first to
vanish when the input gets smaller. `ap_at_sizes` measures it: the same weights, the val/test
pipeline's `Resize` set to each size, AP@0.5 per class (the matching of `metrics.threshold`).
Used in lesson 06.
"""
from __future__ import annotations

import copy
import os
from typing import Sequence

import numpy as np

from ..errors import ConfigError, InputError
from ..output import quiet
from . import threshold as th


def resize_scale(cfg, width: int, height: int) -> float:
    """The factor by which a config's test pipeline `Resize` (keep_ratio) scales a width x height image."""
    import mmcv
    resize = [t for t in cfg.test_dataloader.dataset.pipeline if t['type'] == 'Resize']
    if not resize:
        return 1.0
    return float(mmcv.rescale_size((width, height), tuple(resize[0]['scale']), return_scale=True)[1])


def resized(cfg, image_size: Sequence[int]):
    """A copy of a detection config whose val and test pipelines resize images to (width, height)."""
    if len(image_size) != 2 or min(image_size) <= 0:
        raise InputError(f'image_size must be (width, height) in pixels, got {image_size!r}')
    cfg = copy.deepcopy(cfg)
    found = 0
    for loader in (cfg.val_dataloader, cfg.test_dataloader):
        for step in loader.dataset.pipeline:
            if step['type'] == 'Resize':
                step['scale'] = tuple(int(v) for v in image_size)
                found += 1
    if found < 2:
        raise ConfigError('the config\'s val and test pipelines need a Resize step to change: '
                         'add dict(type="Resize", scale=(w, h), keep_ratio=True) to them')
    return cfg


def _split_ann_file(cfg, split: str) -> str:
    if split not in ('val', 'test'):
        raise InputError(f"split must be 'val' or 'test', got {split!r}")
    return (cfg.val_evaluator if split == 'val' else cfg.test_evaluator)['ann_file']


def mean_sizes_at_input(cfg, ann_file: str | os.PathLike, classes: Sequence[str]) -> dict[str, float]:
    """Mean sqrt(w * h) of each class's boxes in a COCO file, in the pixels the detector sees."""
    from ..data import coco
    data = coco.load_coco(ann_file)
    names = {c['id']: c['name'] for c in data['categories']}
    images = {i['id']: i for i in data['images']}
    sizes: dict[str, list[float]] = {name: [] for name in classes}
    for ann in data['annotations']:
        name = names.get(ann['category_id'])
        if name in sizes:
            image = images[ann['image_id']]
            scale = resize_scale(cfg, image['width'], image['height'])
            sizes[name].append(float(np.sqrt(max(ann['bbox'][2] * ann['bbox'][3], 0.0))) * scale)
    return {name: float(np.mean(s)) if s else float('nan') for name, s in sizes.items()}


def ap_at_sizes(cfg, checkpoint: str | os.PathLike, sizes: Sequence[Sequence[int]],
                split: str = 'val', progress: bool = True) -> list[dict]:
    """AP@0.5 per class of one checkpoint at each image size (width, height); one row per size."""
    from mmdet.apis import init_detector
    from mmengine.runner import Runner
    classes = tuple(cfg.classes)
    ann_file = _split_ann_file(cfg, split)
    with quiet():  # mmengine's checkpoint line, pycocotools' index prints
        model = init_detector(copy.deepcopy(cfg), str(checkpoint), device='cpu')
    rows = []
    for size in sizes:
        sized = resized(cfg, size)
        with quiet():
            loader = Runner.build_dataloader(
                sized.val_dataloader if split == 'val' else sized.test_dataloader)
            predictions = th.collect_predictions(model, loader, progress=progress)
        matches = th.match_split(ann_file, predictions, classes)
        objects = mean_sizes_at_input(sized, ann_file, classes)
        row = {'input (w x h)': f'{size[0]} x {size[1]}'}
        row.update({f'{name} size (px)': round(objects[name], 1) for name in classes})
        aps = {name: round(th.pr_curve(matches, label)[2], 3) for label, name in enumerate(classes)}
        row.update({f'{name} AP@0.5': ap for name, ap in aps.items()})
        row['mAP@0.5'] = round(float(np.nanmean(list(aps.values()))), 3)
        rows.append(row)
    return rows
