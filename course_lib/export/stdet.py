"""Export lesson 07's spatio-temporal action detector to OpenVINO IR, and score it with frame-mAP.

What goes into the IR (`STDetNet`): normalisation, the 3D backbone, the RoI feature extraction
(mmaction's `SingleRoIExtractor3D`: temporal average, then RoIAlign as OpenVINO's own `ROIAlign`
op, see course_lib.export.roi_align) and the head (`BBoxHeadAVA`: pooling, linear, sigmoid):

    clip (1, 3, T, H, W) RGB 0..255, person boxes (N, 4) pixels  ->  action scores (N, num_classes)

Outside, in Python and shared by PyTorch and OpenVINO: sampling the clip around a keyframe (the
config's val pipeline), the person boxes (proposals) and the normalised output boxes that
mmaction's AVAMetric reads. Frame-mAP@0.5 is `metrics.ava_frame_map.frame_ap` (mmaction's own matching). The IR keeps
the classes and clip sampling in its runtime info for the torch-free `standalone_demo`. Used in
lesson 08 and scripts/benchmark_export.py.
"""
from __future__ import annotations

import copy
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Mapping, Sequence

import numpy as np
import torch
from torch import nn

from ..data import ava
from ..errors import MissingFileError
from ..metrics.ava_frame_map import frame_ap
from ..output import quiet
from ..standalone_demo import RT_SECTION

Inputs = tuple  # (clip (1, 3, T, H, W) float32, boxes (N, 4) float32 pixels)


class STDetNet(nn.Module):
    """An AVA detector as one function: (clip 0..255, person boxes in pixels) -> action scores."""

    def __init__(self, detector: nn.Module):
        super().__init__()
        head = detector.roi_head
        self.backbone, self.roi_extractor, self.bbox_head = \
            detector.backbone, head.bbox_roi_extractor, head.bbox_head
        pre = detector.data_preprocessor
        self.register_buffer('mean', pre.mean.detach().reshape(1, -1, 1, 1, 1).float().clone())
        self.register_buffer('std', pre.std.detach().reshape(1, -1, 1, 1, 1).float().clone())
        self.multilabel = bool(getattr(self.bbox_head, 'multilabel', True))

    def forward(self, clip: torch.Tensor, boxes: torch.Tensor) -> torch.Tensor:
        """Backbone, RoIAlign of each box (batch index 0), head, sigmoid (softmax if single-label)."""
        features = self.backbone((clip - self.mean) / self.std)
        rois = torch.cat([torch.zeros_like(boxes[:, :1]), boxes], dim=1)
        roi_features, _ = self.roi_extractor(features, rois)
        logits = self.bbox_head(roi_features)
        return logits.sigmoid() if self.multilabel else logits.softmax(-1)


def class_names(label_map: Mapping[int, str], num_classes: int) -> list[str]:
    """Names by score column: 0 is the background, then each label id's name (its id if unnamed)."""
    return ['background'] + [label_map.get(i, str(i)) for i in range(1, num_classes)]


def export_stdet(model: nn.Module, cfg, xml_path: str | os.PathLike,
                 label_map: Mapping[int, str], clip_shape: Sequence[int] | None = None,
                 seed: int = 0, roi_align_op: bool = True) -> Path:
    """Export STDetNet with a real ROIAlign node; clip size fixed, box count dynamic; settings in rt_info.

    `roi_align_op=False` converts without the extensions, to show what goes wrong: mmcv's RoIAlign
    output for the example boxes is stored as a constant.
    """
    import openvino as ov

    from . import roi_align
    clip_len, interval = ava.clip_sampling(cfg)
    shape = list(clip_shape or (3, clip_len, 64, 96))
    gen = torch.Generator().manual_seed(seed)
    example = (torch.rand(1, *shape, generator=gen) * 255,
               torch.tensor([[4.0, 6.0, 30.0, 50.0], [40.0, 3.0, 70.0, 60.0]]))
    net = STDetNet(copy.deepcopy(model)).eval()  # the converter patches modules: keep `model` clean
    with torch.no_grad():
        ov_model = ov.convert_model(net, example_input=example,
                                    extension=roi_align.extensions(net) if roi_align_op else None,
                                    input=[ov.PartialShape([1, *shape]), ov.PartialShape([-1, 4])])
    names = class_names(label_map, net.bbox_head.num_classes)
    for key, value in (('classes', '\t'.join(names)), ('clip_len', clip_len),
                       ('frame_interval', interval), ('short_side', short_side(cfg) or 0)):
        ov_model.set_rt_info(str(value), [RT_SECTION, key])
    xml_path = Path(xml_path)
    xml_path.parent.mkdir(parents=True, exist_ok=True)
    ov.save_model(ov_model, str(xml_path), compress_to_fp16=False)
    return xml_path


def short_side(cfg) -> int | None:
    """The short side the val pipeline resizes frames to (`Resize` with scale (-1, S)); None if none."""
    pipeline = cfg.val_dataloader.dataset.pipeline  # the loader's: the one the dry run caps
    for step in pipeline:
        if step['type'] == 'Resize' and tuple(step.get('scale', ()))[:1] == (-1,):
            return int(step['scale'][1])
    return None


def op_types(xml_or_model) -> set[str]:
    """The operation types of an IR (to check that ROIAlign is there and nothing else replaced it)."""
    import openvino as ov
    model = ov.Core().read_model(str(xml_or_model)) if isinstance(xml_or_model, (str, os.PathLike)) \
        else xml_or_model
    return {op.get_type_name() for op in model.get_ops()}


# ---- runners: (clip, boxes) -> [scores] --------------------------------------------------------

def torch_runner(net: nn.Module) -> Callable[[Inputs], list]:
    """STDetNet as a runner: numpy (clip, boxes) in, [scores] out."""
    def run(inputs: Inputs) -> list:
        clip, boxes = (torch.from_numpy(np.ascontiguousarray(a, dtype=np.float32)) for a in inputs)
        with torch.no_grad():
            return [net(clip, boxes).numpy()]
    return run


def ov_runner(compiled) -> Callable[[Inputs], list]:
    """A compiled STDetNet IR as a runner (same call as torch_runner)."""
    request = compiled.create_infer_request()

    def run(inputs: Inputs) -> list:
        result = request.infer([np.ascontiguousarray(a, dtype=np.float32) for a in inputs])
        return [np.array(result[compiled.outputs[0]])]
    return run


# ---- data and frame-mAP --------------------------------------------------------------------

@dataclass
class Keyframe:
    """One keyframe as the model sees it: the clip, the person boxes, and where it belongs."""

    clip: np.ndarray        # (1, 3, T, H, W) float32 RGB 0..255, after the val pipeline
    boxes: np.ndarray       # (N, 4) float32 proposals in pixels of the clip
    video_id: str
    timestamp: int
    img_shape: tuple[int, int]

    @property
    def inputs(self) -> Inputs:
        """What a runner takes."""
        return self.clip, self.boxes


def keyframe_stream(cfg, split: str = 'val', limit: int | None = None,
                    proposal_file: str | os.PathLike | None = None):
    """The keyframes of a split (or `limit` spread over it) through the config's val pipeline, as a
    `tasks.Stream`: each Keyframe is made when the stream is iterated (none kept in memory)."""
    from mmengine.registry import init_default_scope

    from mmaction.registry import DATASETS

    from .tasks import Stream, spread_indices
    loader = cfg.train_dataloader if split == 'train' else cfg.val_dataloader
    dataset_cfg = copy.deepcopy(dict(loader.dataset))
    dataset_cfg.update(pipeline=copy.deepcopy(cfg.val_dataloader.dataset.pipeline), test_mode=True)
    if proposal_file is not None:
        dataset_cfg['proposal_file'] = str(proposal_file)
    init_default_scope('mmaction')
    with quiet():  # AVADataset logs its frame counts
        dataset = DATASETS.build(dataset_cfg)

    def make(i: int) -> Keyframe:
        with quiet():  # mmengine warns about FileClient
            item = dataset[i]
        sample = item['data_samples']
        clip = item['inputs'].float().numpy()
        return Keyframe(clip.reshape(1, *clip.shape[-4:]),
                        sample.proposals.bboxes.float().numpy().reshape(-1, 4),
                        sample.metainfo['video_id'], int(sample.metainfo['timestamp']),
                        tuple(sample.metainfo['img_shape']))
    return Stream(make, spread_indices(len(dataset), limit))


def video_proposals(cfg, split: str = 'val', video: int = 0) -> tuple[Path, dict[int, np.ndarray]]:
    """One video of a split (its frame folder) and the person boxes of its keyframes, in pixels with
    their scores ((N, 5)), from the config's own annotation and proposal files (mmaction's AVADataset):
    what a person detector would give, in every profile. Keys: 0-based frame indices (AVA's rule)."""
    import cv2
    from mmengine.registry import init_default_scope

    from mmaction.registry import DATASETS
    loader = cfg.train_dataloader if split == 'train' else cfg.val_dataloader
    init_default_scope('mmaction')
    with quiet():
        dataset = DATASETS.build(dict(copy.deepcopy(dict(loader.dataset)), pipeline=[], test_mode=True))
    infos = [dataset.get_data_info(i) for i in range(len(dataset))]
    videos = sorted({info['video_id'] for info in infos})
    if not videos:
        raise MissingFileError(f'{loader.dataset.ann_file}: no keyframe in the {split} split.')
    chosen = [info for info in infos if info['video_id'] == videos[video % len(videos)]]
    frame_dir = Path(chosen[0]['frame_dir'])
    first = sorted(p for p in frame_dir.iterdir() if p.suffix.lower() in ('.jpg', '.jpeg', '.png'))[0]
    h, w = cv2.imread(str(first)).shape[:2]
    boxes = {}
    for info in chosen:
        props = np.asarray(info['proposals'], np.float32).reshape(-1, 4) * np.float32([w, h, w, h])
        scores = np.asarray(info.get('scores', np.ones(len(props))), np.float32).reshape(-1, 1)
        key = int(info['fps'] * (info['timestamp'] - info['timestamp_start']))
        boxes[key] = np.concatenate([props, scores], 1)
    return frame_dir, dict(sorted(boxes.items()))


def keyframe_samples(cfg, split: str = 'val', limit: int | None = None,
                     proposal_file: str | os.PathLike | None = None) -> list[Keyframe]:
    """Every keyframe of a split (or `limit` spread over it), in memory (small splits; else stream)."""
    return list(keyframe_stream(cfg, split, limit, proposal_file))


def keyframe_detections(run: Callable[[Inputs], list], item: Keyframe,
                        action_thr: float = 0.002) -> list[ava.AVADetection]:
    """Score one keyframe's boxes; boxes normalised by the clip size, as BBoxHeadAVA returns them."""
    scores = run(item.inputs)[0]
    h, w = item.img_shape
    norm = item.boxes / np.array([w, h, w, h], np.float32)
    return [ava.AVADetection(item.video_id, item.timestamp, tuple(float(v) for v in box), action_id,
                             float(row[action_id]))
            for box, row in zip(norm, scores) for action_id in range(1, len(row))
            if row[action_id] > action_thr]


def frame_map(run: Callable[[Inputs], list], items: Iterable[Keyframe],
              gt_rows: Sequence[ava.AVARow], label_map: Mapping[int, str]
              ) -> tuple[float, dict[int, float]]:
    """Frame-mAP@0.5 (and AP per class) of a runner over keyframes (a list or a stream, each read
    once), against their true rows only."""
    keys, found = set(), []
    for item in items:
        keys.add(ava.img_key(item.video_id, item.timestamp))
        found.extend(keyframe_detections(run, item))
    per_class = frame_ap([r for r in gt_rows if r.img_key in keys], found, label_map)
    return (float(np.mean(list(per_class.values()))) if per_class else 0.0), per_class


def frame_map_validation_fn(gt_rows: Sequence[ava.AVARow], label_map: Mapping[int, str]) -> Callable:
    """NNCF validation function: items are Keyframes (streamed); returns frame-mAP@0.5 on them."""
    def validate(compiled, items: Iterable[Keyframe]) -> float:
        return frame_map(ov_runner(compiled), items, gt_rows, label_map)[0]
    return validate
