"""Data and metrics of the exported tasks, the same for PyTorch and OpenVINO.

A *runner* (type `ArrayFn`; not mmengine's Runner) is any function `inputs (np.ndarray) -> list of
np.ndarray outputs`: `torch_runner(net)` and `ov_runner(compiled)` make one from a PyTorch module
and from a compiled IR. Each metric below takes a runner, so the PyTorch model, the FP32 IR and the
INT8 IR are scored by one code path (the post-processing is mmdet's / mmaction's own). Used in
lesson 08.
"""
from __future__ import annotations

import copy
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Sequence

import numpy as np
import torch
from mmaction.registry import DATASETS as MMACTION_DATASETS
from mmdet.registry import DATASETS as MMDET_DATASETS
from mmengine.dataset import pseudo_collate
from mmengine.evaluator import Evaluator
from mmengine.registry import init_default_scope
from torch import nn
from tqdm.auto import tqdm

from ..output import quiet
from .convert import split_detector_outputs

ArrayFn = Callable[[np.ndarray], list]  # a runner: numpy inputs -> list of numpy outputs


def torch_runner(net: nn.Module) -> ArrayFn:
    """Wrap a module (one or several outputs) as a runner: numpy in, list of numpy out."""
    def run(inputs: np.ndarray) -> list:
        with torch.no_grad():
            out = net(torch.from_numpy(np.ascontiguousarray(inputs, dtype=np.float32)))
        out = out if isinstance(out, (tuple, list)) else (out,)
        return [o.numpy() for o in out]
    return run


def ov_runner(compiled) -> ArrayFn:
    """Wrap an `ov.CompiledModel` as a runner (outputs in the model's output order)."""
    request = compiled.create_infer_request()

    def run(inputs: np.ndarray) -> list:
        result = request.infer([np.ascontiguousarray(inputs, dtype=np.float32)])
        return [np.array(result[out]) for out in compiled.outputs]
    return run


def _build_dataset(cfg, dataset_cfg: dict):  # pipelines: the loaders' (the dry run caps those)
    """Build a dataset from the config's registry scope (mmaction or mmdet)."""
    scope = cfg.get('default_scope', 'mmaction')
    init_default_scope(scope)
    registry = MMDET_DATASETS if scope == 'mmdet' else MMACTION_DATASETS
    return registry.build(copy.deepcopy(dataset_cfg))


def spread_indices(n: int, limit: int | None) -> list[int]:
    """`limit` indices spread evenly over range(n) (all of them when limit is None)."""
    if limit is None or limit >= n:
        return list(range(n))
    return sorted({int(i) for i in np.linspace(0, n - 1, limit)})


class Stream:
    """A subset of a data set whose items are made one at a time while it is iterated (none kept).

    Sized and iterable again and again, so `nncf.Dataset(stream)` calibrates and validates from it
    while memory holds one item, whatever the split's size: the calibration and accuracy-control sets
    of lesson 08. `make(index)` makes the item at a data set index."""

    def __init__(self, make: Callable[[int], object], indices: Sequence[int]):
        self.make, self.indices = make, [int(i) for i in indices]

    def __len__(self) -> int:
        return len(self.indices)

    def __iter__(self):
        return (self.make(i) for i in self.indices)

    def __getitem__(self, position: int):
        return self.make(self.indices[position])

    def map(self, fn: Callable) -> 'Stream':
        """The same items passed through fn (still made one at a time)."""
        make = self.make
        return Stream(lambda i: fn(make(i)), self.indices)

    def spread(self, limit: int | None) -> 'Stream':
        """`limit` of these items spread evenly (all of them when limit is None)."""
        return Stream(self.make, [self.indices[j] for j in spread_indices(len(self), limit)])


# ---- recognizer ------------------------------------------------------------------------------

def recognizer_stream(cfg, split: str = 'val', limit: int | None = None) -> Stream:
    """A split's (clip (1, 3, T, H, W) float 0..255, label) items through the val pipeline, made lazily."""
    loader = cfg.train_dataloader if split == 'train' else cfg.val_dataloader
    dataset_cfg = dict(loader.dataset, pipeline=cfg.val_dataloader.dataset.pipeline, test_mode=True)
    dataset = _build_dataset(cfg, dataset_cfg)

    def make(i: int) -> tuple[np.ndarray, int]:
        item = dataset[i]
        return item['inputs'].float().numpy()[:1], int(item['data_samples'].gt_label.item())
    return Stream(make, spread_indices(len(dataset), limit))


def recognizer_clips(cfg, split: str = 'val', limit: int | None = None
                     ) -> tuple[np.ndarray, np.ndarray]:
    """Clips (N, 3, T, H, W, float 0..255) and labels of a split, all in memory (small splits only)."""
    items = list(tqdm(recognizer_stream(cfg, split, limit), desc=f'{split} clips', leave=False))
    return np.concatenate([c for c, _ in items]), np.array([y for _, y in items])


def recognizer_test_video(cfg) -> tuple[os.PathLike, int, list[str]]:
    """The last test video of a recognizer config's data set, its label and the class names.

    From the data set's own files beside the config's test list (course_lib.data.splits writes
    `lists/classes.txt` and `<set>_test_split_<n>_videos.txt` beside the rawframe lists, and the
    videos under `videos/`), so the same call serves every profile.
    """
    ann_file = Path(cfg.test_dataloader.dataset.ann_file)
    videos = ann_file.with_name(ann_file.name.replace('_rawframes.txt', '_videos.txt'))
    classes = (ann_file.parent / 'classes.txt').read_text().splitlines()
    video, label = videos.read_text().splitlines()[-1].rsplit(maxsplit=1)
    return ann_file.parent.parent / 'videos' / video, int(label), classes


def top1_items(run: ArrayFn, items: Iterable, batch_size: int = 16) -> tuple[float, list[float]]:
    """top1 over (clip (1, 3, T, H, W), label) items read one batch at a time (e.g. a Stream)."""
    correct, clips, labels = [], [], []
    for clip, label in items:
        clips.append(clip)
        labels.append(label)
        if len(clips) == batch_size:
            correct += top1(run, np.concatenate(clips), np.array(labels), batch_size)[1]
            clips, labels = [], []
    if clips:
        correct += top1(run, np.concatenate(clips), np.array(labels), batch_size)[1]
    return (float(np.mean(correct)) if correct else 0.0), correct


def top1(run: ArrayFn, clips: np.ndarray, labels: np.ndarray, batch_size: int = 16
         ) -> tuple[float, list[float]]:
    """Top-1 accuracy of a runner on clips, and the 0/1 correctness of each clip."""
    correct = []
    for start in range(0, len(clips), batch_size):
        logits = run(clips[start:start + batch_size])[0]
        correct += (logits.argmax(1) == labels[start:start + batch_size]).astype(float).tolist()
    return float(np.mean(correct)), correct


# ---- detector --------------------------------------------------------------------------------

@dataclass
class DetectionSet:
    """A split's model inputs with their data samples, made when read (a Stream: memory holds one
    image whatever the split's size), and the evaluator config and metainfo its metric needs."""

    items: 'Stream'                                   # (image (1, 3, H, W) float32, [DetDataSample])
    evaluator_cfg: dict = field(default_factory=dict)
    metainfo: dict = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self):
        return iter(self.items)

    def __getitem__(self, position: int) -> tuple:
        return self.items[position]


def detection_set(model: nn.Module, cfg, split: str = 'val', limit: int | None = None
                  ) -> DetectionSet:
    """A split (or `limit` images spread over it) through the config's test pipeline and the model's
    data preprocessor, each image made when read."""
    loader = {'train': cfg.train_dataloader, 'val': cfg.val_dataloader,
              'test': cfg.test_dataloader}[split]
    dataset_cfg = dict(loader.dataset, pipeline=cfg.test_dataloader.dataset.pipeline, test_mode=True,
                       filter_cfg=None)
    dataset = _build_dataset(cfg, dataset_cfg)
    evaluator_cfg = dict(cfg.test_evaluator if split == 'test' else cfg.val_evaluator)
    if split == 'train':
        evaluator_cfg['ann_file'] = os.path.join(dataset.data_root, dataset.ann_file) \
            if not os.path.isabs(dataset.ann_file) else dataset.ann_file

    def make(i: int) -> tuple:
        with torch.no_grad():
            data = model.data_preprocessor(pseudo_collate([dataset[i]]), False)
        return data['inputs'].float().numpy(), data['data_samples']
    return DetectionSet(Stream(make, spread_indices(len(dataset), limit)), evaluator_cfg,
                        dict(dataset.metainfo))


def detection_inputs(model: nn.Module, cfg, split: str = 'train', limit: int | None = None) -> Stream:
    """A split's model inputs (1, 3, H, W) through the test pipeline and data preprocessor, made lazily."""
    loader = {'train': cfg.train_dataloader, 'val': cfg.val_dataloader,
              'test': cfg.test_dataloader}[split]
    dataset = _build_dataset(cfg, dict(loader.dataset, pipeline=cfg.test_dataloader.dataset.pipeline,
                                       test_mode=True, filter_cfg=None))

    def make(i: int) -> np.ndarray:
        with torch.no_grad():
            return model.data_preprocessor(pseudo_collate([dataset[i]]), False)['inputs'].float().numpy()
    return Stream(make, spread_indices(len(dataset), limit))


def detection_test_image(cfg) -> Path:
    """The first image of a detector config's test split, from its own COCO annotation file (so the
    same call serves every profile)."""
    import json

    from ..errors import MissingFileError
    dataset = cfg.test_dataloader.dataset
    root = Path(dataset.get('data_root') or '')
    ann_file = root / dataset.ann_file
    if not ann_file.is_file():
        raise MissingFileError(f'{ann_file} does not exist: prepare the data set first (lesson 06).')
    images = json.loads(ann_file.read_text()).get('images') or []
    if not images:
        raise MissingFileError(f'{ann_file} lists no image: prepare the data set again (lesson 06).')
    return root / dataset.get('data_prefix', {}).get('img', '') / images[0]['file_name']


def detect(model: nn.Module, run: ArrayFn, image: np.ndarray, samples: list) -> list:
    """Run the network through `run`, then mmdet's own decoding + NMS (`bbox_head.predict_by_feat`)."""
    head = model.bbox_head
    num_levels = len(head.prior_generator.strides)
    groups = split_detector_outputs(run(image), num_levels)
    with torch.no_grad():
        results = head.predict_by_feat(*groups, batch_img_metas=[s.metainfo for s in samples],
                                       cfg=head.test_cfg, rescale=True)
    return model.add_pred_to_datasample(copy.deepcopy(samples), results)


def detection_map(model: nn.Module, run: ArrayFn, data: DetectionSet,
                  key: str = 'coco/bbox_mAP_50', items: Iterable | None = None) -> tuple[float, dict]:
    """COCO metrics (mmdet's CocoMetric from the config) of a runner over a split (or over `items`, a
    part of it: NNCF's accuracy control); returns (metrics[key], all). Reads each image once."""
    count = 0
    with quiet():
        evaluator = Evaluator(copy.deepcopy(data.evaluator_cfg))
        evaluator.dataset_meta = data.metainfo
        for image, samples in (data if items is None else items):
            evaluator.process(detect(model, run, image, samples))
            count += 1
        metrics = evaluator.evaluate(count)
    return float(metrics[key]), metrics


# ---- BMN ---------------------------------------------------------------------------------------

class _WithForward:
    """BMN seen through another `_forward` (e.g. an IR): every other attribute is the model's."""

    def __init__(self, bmn: nn.Module, forward: Callable):
        self._bmn, self._forward = bmn, forward

    def __getattr__(self, name):
        return getattr(self._bmn, name)


def bmn_proposals(bmn: nn.Module, run: ArrayFn, features: np.ndarray, samples: list) -> list:
    """Proposals of one video: the network through `run`, then mmaction's own `BMN.predict`."""
    def forward(x):
        return tuple(torch.from_numpy(o) for o in run(x.numpy()))
    return type(bmn).predict(_WithForward(bmn, forward), torch.from_numpy(features), samples)


def bmn_inputs(cfg, split: str = 'train', limit: int | None = None) -> Stream:
    """A split's features (1, C, T) through the val pipeline, made lazily (BMN's calibration set)."""
    loader = cfg.train_dataloader if split == 'train' else cfg.val_dataloader
    dataset = _build_dataset(cfg, dict(loader.dataset, pipeline=cfg.val_dataloader.dataset.pipeline,
                                       test_mode=True))
    return Stream(lambda i: dataset[i]['inputs'].float().numpy()[None], spread_indices(len(dataset), limit))


def bmn_set(cfg, limit: int | None = None) -> Stream:
    """Validation videos' features (1, C, T) with their data samples, each made when read."""
    dataset = _build_dataset(cfg, cfg.val_dataloader.dataset)

    def make(i: int) -> tuple[np.ndarray, list]:
        item = dataset[i]
        return item['inputs'].float().numpy()[None], [item['data_samples']]
    return Stream(make, spread_indices(len(dataset), limit))


def proposal_recall(bmn: nn.Module, run: ArrayFn, items: Iterable, cfg, out_dir: os.PathLike,
                    key: str = 'AR@100') -> tuple[float, dict]:
    """mmaction's ANetMetric (AR@AN, AUC) of a runner on BMN validation items."""
    metric_cfg = dict(cfg.val_evaluator)
    metric_cfg['dump_config'] = dict(out=str(os.path.join(out_dir, 'proposals.json')),
                                     output_format='json')
    os.makedirs(out_dir, exist_ok=True)
    count = 0
    with quiet():
        evaluator = Evaluator(metric_cfg)
        for features, samples in items:  # each video read once (a Stream: made when read)
            evaluator.process(bmn_proposals(bmn, run, features, samples),
                              data_batch={'data_samples': samples})
            count += 1
        metrics = evaluator.evaluate(count)
    return float(metrics[key]), metrics
