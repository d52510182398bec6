"""Checks to run before training: the usual causes of "the loss falls but mAP stays 0".

`run(config)` checks that the model's class count matches the data set's classes, that the
annotation files hold samples, that one batch goes through the data pipeline and the model, and
(optionally) that the model can overfit that one batch. Each failure is one message naming the
config field or file and the fix. `python -m course_lib.train` runs the quick checks first.
"""
from __future__ import annotations

import copy
import math
import os
from dataclasses import dataclass, field
from typing import Any, Iterator

CLASS_KEYS = ('num_classes', 'num_action_classes')


class SanityError(RuntimeError):
    """A config or data set is inconsistent; the message says what to change."""


@dataclass
class Finding:
    """The result of one check."""

    check: str
    ok: bool
    message: str


@dataclass
class SanityReport:
    """All findings of one run."""

    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when no check failed."""
        return all(f.ok for f in self.findings)

    def add(self, check: str, ok: bool, message: str) -> None:
        """Record one finding."""
        self.findings.append(Finding(check, ok, message))

    def __str__(self) -> str:
        return '\n'.join(f'[{"ok" if f.ok else "FAIL"}] {f.check}: {f.message}'
                         for f in self.findings)

    def raise_if_failed(self) -> None:
        """Raise SanityError listing the failures."""
        if not self.ok:
            raise SanityError('Sanity checks failed (skip them with --skip-sanity):\n'
                              + '\n'.join(f'- {f.check}: {f.message}'
                                          for f in self.findings if not f.ok))


def find_class_counts(model_cfg: Any, prefix: str = 'model') -> Iterator[tuple[str, int]]:
    """Yield (dotted config path, value) for every class-count key in a model config."""
    if isinstance(model_cfg, dict):
        for key, value in model_cfg.items():
            path = f'{prefix}.{key}'
            if key in CLASS_KEYS and isinstance(value, int):
                yield path, value
            else:
                yield from find_class_counts(value, path)
    elif isinstance(model_cfg, (list, tuple)):
        for i, value in enumerate(model_cfg):
            yield from find_class_counts(value, f'{prefix}[{i}]')


def data_infos(dataset) -> Iterator[dict]:
    """Yield every sample's annotation dict (mmengine datasets serialize away `data_list`)."""
    for i in range(len(dataset)):
        yield dataset.get_data_info(i)


def label_ids(dataset) -> set[int]:
    """Return the class ids that appear in a built OpenMMLab dataset's annotations."""
    ids: set[int] = set()
    for info in data_infos(dataset):
        label = info.get('label')
        if isinstance(label, int):
            ids.add(label)
        elif label is not None and hasattr(label, '__iter__'):
            ids.update(int(x) for x in label)
        for instance in info.get('instances', ()):
            if 'bbox_label' in instance:
                ids.add(int(instance['bbox_label']))
        for key in ('gt_labels', 'labels'):
            if key in info:
                import numpy as np
                array = np.asarray(info[key])
                ids.update(int(i) for i in (np.nonzero(array)[-1] if array.ndim == 2 else array))
    return ids


def annotation_source(dataset_cfg: dict) -> str:
    """Describe where a dataset reads its annotations, for messages."""
    return str(dataset_cfg.get('ann_file') or dataset_cfg.get('data_root') or dataset_cfg)


def label_names(dataset) -> list[str]:
    """The distinct string labels of a dataset's annotations (ActivityNet segments), sorted."""
    names = set()
    for info in data_infos(dataset):
        for ann in info.get('annotations', ()) if isinstance(info.get('annotations'), list) else ():
            if isinstance(ann, dict) and isinstance(ann.get('label'), str):
                names.add(ann['label'])
    return sorted(names)


def check_classes(report: SanityReport, model_cfg: dict, dataset, dataset_cfg: dict,
                  config_classes=None) -> None:
    """Class count in the model vs classes in the data set's metainfo (or the config's `classes`) and labels."""
    counts = dict(find_class_counts(model_cfg))
    classes = (dataset.metainfo or {}).get('classes') if hasattr(dataset, 'metainfo') else None
    classes = classes or config_classes or label_names(dataset) or None
    ids = label_ids(dataset)
    if ids and min(ids) < 0:
        report.add('class ids', False,
                   f'{annotation_source(dataset_cfg)} uses class id {min(ids)}: training needs ids 0..N-1 '
                   '(-1 marks an unlabelled sample, for inference lists only), and a negative id stops '
                   'training in the loss. Fix or delete those lines (labels are 0-based).')
        return
    if not counts:
        report.add('class count', True, 'the model has no class count (e.g. BMN proposals)')
        return
    for path, count in counts.items():
        background = 1 if ('roi_head' in path or 'num_action_classes' in path) else 0  # + background
        if classes and count != len(classes) + background and count != len(classes):
            report.add('class count', False,
                       f'{path}={count}, but the data set has {len(classes)} classes '
                       f'({", ".join(map(str, classes[:6]))}{"..." if len(classes) > 6 else ""}) '
                       f'from {annotation_source(dataset_cfg)}. Set {path}={len(classes)}, or pass '
                       'metainfo=dict(classes=...) to every dataloader\'s dataset.')
        elif ids and max(ids) >= count:
            report.add('class count', False,
                       f'{path}={count}, but {annotation_source(dataset_cfg)} uses class id '
                       f'{max(ids)}. Set {path}={max(ids) + 1} or fix the labels.')
        else:
            report.add('class count', True, f'{path}={count} fits the data set')


def check_class_names(report: SanityReport, dataset, dataset_cfg: dict, split: str) -> None:
    """The config's class names are the categories of a COCO annotation file (mmdet)."""
    import json
    ann_file = str(getattr(dataset, 'ann_file', '') or '')
    classes = (dataset.metainfo or {}).get('classes') if hasattr(dataset, 'metainfo') else None
    if not ann_file.endswith('.json') or not classes:
        return
    with open(ann_file) as f:
        in_file = [c['name'] for c in json.load(f).get('categories', [])]
    if not in_file:
        return
    missing = [c for c in classes if c not in in_file]
    if missing:
        report.add(f'{split} class names', False,
                   f'metainfo classes {", ".join(missing)} are not categories of '
                   f'{annotation_source(dataset_cfg)} (it has {", ".join(in_file)}): their boxes are '
                   'dropped silently. Use the file\'s names in metainfo=dict(classes=...).')
    else:
        report.add(f'{split} class names', True, 'all metainfo classes are in the annotation file')


def _box_problem(instance: dict, info: dict) -> str | None:
    x1, y1, x2, y2 = instance.get('bbox', (0, 0, 1, 1))
    if instance.get('ignore_flag'):
        return None
    if not (x2 > x1 and y2 > y1):
        return 'zero or negative size'
    width, height = info.get('width'), info.get('height')
    if width and height and (x1 < -1 or y1 < -1 or x2 > width + 1 or y2 > height + 1):
        return f'outside the {width}x{height} image'
    return None


def check_annotations(report: SanityReport, dataset, dataset_cfg: dict, split: str) -> None:
    """The annotation file holds samples, and their boxes lie inside their images."""
    if len(dataset) == 0:
        report.add(f'{split} annotations', False,
                   f'{annotation_source(dataset_cfg)} gives 0 samples: check ann_file, data_root '
                   'and data_prefix in the config, that the file is not empty, and (detection) '
                   'that its category names are the config\'s classes.')
        return
    bad = [(info.get('img_path', '?'), why) for info in data_infos(dataset)
           for instance in info.get('instances', ()) if (why := _box_problem(instance, info))]
    if bad:
        report.add(f'{split} annotations', False,
                   f'{len(bad)} boxes are wrong, the first in {bad[0][0]} ({bad[0][1]}): fix '
                   f'{annotation_source(dataset_cfg)} (boxes x1 < x2, y1 < y2, inside the image).')
    else:
        report.add(f'{split} annotations', True, f'{len(dataset)} samples')


def check_rawframes(report: SanityReport, dataset_cfg: dict, split: str, shown: int = 3) -> None:
    """A rawframe list's folders and frame counts match the frames on disk (else training dies mid-epoch)."""
    from pathlib import Path

    from .data.rawframes import check_rawframe_list
    if dataset_cfg.get('type') != 'RawframeDataset' or not dataset_cfg.get('ann_file'):
        return
    ann_file = Path(dataset_cfg['ann_file'])
    root = dataset_cfg.get('data_root')
    if not ann_file.is_absolute() and root:
        ann_file = Path(root) / ann_file
    prefix = (dataset_cfg.get('data_prefix') or {}).get('img', root or '')
    tmpl = dataset_cfg.get('filename_tmpl', 'img_{:05}.jpg').replace('{:05}', '{:05d}')
    problems = check_rawframe_list(ann_file, prefix, with_offset=bool(dataset_cfg.get('with_offset')),
                                   filename_tmpl=tmpl)
    if problems:
        report.add(f'{split} rawframes', False,
                   f'{len(problems)} line(s) of the list do not match the frames on disk: '
                   + '; '.join(problems[:shown]) + ('; ...' if len(problems) > shown else '')
                   + '. Extract the missing videos (data_scripts/extract_rawframes.py) and rebuild the '
                   'list with the counts on disk (data_scripts/build_file_lists.py --frames ...).')
    else:
        report.add(f'{split} rawframes', True, f'every folder of {ann_file.name} has its frames')


def _sample_key(info: dict) -> tuple | None:
    """What identifies a recognition sample: its video or frame folder (and clip offset), else None."""
    name = info.get('frame_dir') or info.get('filename')
    return None if name is None else (str(name), info.get('offset'))


def check_split_lists(report: SanityReport, datasets: dict) -> None:
    """A recognition list names each clip once, and no clip is in both the train and the val list."""
    keys = {}
    for split, (dataset, dataset_cfg) in datasets.items():
        seen, twice = set(), []
        for info in data_infos(dataset):
            key = _sample_key(info)
            if key is None:
                return  # not a video / rawframe list (detection, AVA, ActivityNet)
            line = (key, info.get('total_frames'), str(info.get('label')))
            (twice.append(key[0]) if line in seen else seen.add(line))
        keys[split] = {k for k, _, _ in seen}
        if twice:
            report.add(f'{split} list', False,
                       f'{annotation_source(dataset_cfg)} lists {twice[0]} twice'
                       + (f' ({len(twice)} lines are repeats)' if len(twice) > 1 else '')
                       + ': a repeated line weighs that clip double. Delete the repeated lines.')
    if 'train' in keys and 'val' in keys:
        shared = sorted(keys['train'] & keys['val'])
        if shared:
            report.add('train / val lists', False,
                       f'{shared[0][0]} is in both the train list ({annotation_source(datasets["train"][1])}) '
                       f'and the val list ({annotation_source(datasets["val"][1])})'
                       + (f', with {len(shared) - 1} more clips' if len(shared) > 1 else '')
                       + ': validation would measure memory, not recognition. Delete them from one list.')


def annotation_file_problem(dataset_cfg: dict) -> str | None:
    """Say what is wrong with a dataset's annotation file before building it (None if fine)."""
    import json
    from pathlib import Path
    ann_file = dataset_cfg.get('ann_file')
    if not ann_file:
        return None
    path = Path(ann_file)
    if not path.is_absolute() and dataset_cfg.get('data_root'):
        path = Path(dataset_cfg['data_root']) / path
    if not path.exists():
        return f'{path} does not exist: generate or download the data first (see data_scripts/).'
    if path.stat().st_size == 0:
        return f'{path} is empty (0 samples): regenerate it.'
    with open(path, 'rb') as f:
        if f.read(3) == b'\xef\xbb\xbf':
            return (f'{path} starts with a UTF-8 byte-order mark (BOM), which mmaction reads as part of '
                    'the first field: save it as UTF-8 without BOM (in Python: '
                    'p.write_text(p.read_text(encoding="utf-8-sig"))).')
    if path.suffix == '.json':
        content = json.loads(path.read_text())
        if not content or (isinstance(content, dict) and content.get('annotations') == []):
            return f'{path} holds 0 samples (no annotations): regenerate it or fix the converter.'
    return None


def _build(cfg, key: str):
    from mmengine.registry import DATASETS, DefaultScope, init_default_scope
    init_default_scope(cfg.get('default_scope', 'mmengine'))
    dataset_cfg = copy.deepcopy(cfg[key]['dataset'])
    return DATASETS.build(dataset_cfg), dataset_cfg


def one_batch(cfg, dataset, size: int = 2):
    """Collate the first `size` samples of a built dataset the way its dataloader would."""
    from mmengine.dataset import pseudo_collate
    from mmengine.registry import FUNCTIONS
    collate_cfg = cfg.train_dataloader.get('collate_fn', dict(type='pseudo_collate'))
    collate = FUNCTIONS.get(collate_cfg['type']) if collate_cfg else pseudo_collate
    return collate([dataset[i] for i in range(min(size, len(dataset)))])


def check_forward(report: SanityReport, model, batch) -> float | None:
    """One batch goes through the data preprocessor and the model's loss; return the loss."""
    try:
        model.train()
        data = model.data_preprocessor(batch, True)
        loss, _ = model.parse_losses(model(**data, mode='loss'))
    except Exception as err:
        report.add('pipeline -> model', False,
                   f'one training batch fails in the model: {type(err).__name__}: {err}'[:400]
                   + ' Check that the pipeline\'s output shapes match the model\'s input '
                   '(clip_len, num_clips, image scale, feature size).')
        return None
    loss = float(loss.detach())
    ok = math.isfinite(loss)
    report.add('pipeline -> model', ok, f'loss of one batch = {loss:.4f}' if ok else
               'the loss of one batch is not finite: lower the learning rate or check the inputs')
    return loss if ok else None


def check_overfit(report: SanityReport, model, batch, steps: int = 30, lr: float = 1e-3) -> None:
    """A fresh model can drive the loss of one batch down (if not, training cannot work)."""
    import torch
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    model.train()
    first = last = None
    for _ in range(steps):
        data = model.data_preprocessor(batch, True)
        loss, _ = model.parse_losses(model(**data, mode='loss'))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        first = float(loss.detach()) if first is None else first
        last = float(loss.detach())
    ok = last < 0.7 * first
    report.add('overfit one batch', ok,
               f'loss {first:.4f} -> {last:.4f} in {steps} steps' + (
                   '' if ok else ': the model cannot fit even one batch; check that labels and '
                   'targets reach the loss (class ids, box format) and that nothing is frozen.'))


def run(config, *, overfit: bool = False, overfit_steps: int = 30) -> SanityReport:
    """Run the sanity checks on a course config name, config file or Config; return the report."""
    import torch
    from mmengine.config import Config
    from mmengine.registry import MODELS

    from .configs import load_config
    cfg = config if isinstance(config, Config) else load_config(config)
    report = SanityReport()
    datasets = {}
    for key, split in (('train_dataloader', 'train'), ('val_dataloader', 'val')):
        if cfg.get(key):
            problem = annotation_file_problem(cfg[key]['dataset'])
            if problem:
                report.add(f'{split} annotations', False, problem)
                continue
            try:
                datasets[split] = _build(cfg, key)
            except Exception as err:
                report.add(f'{split} annotations', False,
                           f'the {split} dataset cannot be built: {type(err).__name__}: {err}'[:400])
                continue
            check_annotations(report, *datasets[split], split)
            check_class_names(report, *datasets[split], split)
            check_rawframes(report, datasets[split][1], split)
    if 'train' not in datasets or len(datasets['train'][0]) == 0:
        return report
    check_split_lists(report, datasets)
    if not all(f.ok for f in report.findings if f.check.endswith('rawframes')):
        return report  # one batch would read the missing frames and fail inside mmcv
    dataset, dataset_cfg = datasets['train']
    check_classes(report, cfg.model, dataset, dataset_cfg, cfg.get('classes'))
    torch.manual_seed(0)
    model = MODELS.build(copy.deepcopy(cfg.model))
    batch = one_batch(cfg, dataset)
    if check_forward(report, model, batch) is not None and overfit:
        check_overfit(report, model, batch, steps=overfit_steps)
    return report
