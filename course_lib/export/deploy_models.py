"""The deployment-scale benchmark's models: which full-profile architectures it times, at which input
size (read from their full configs), and each one prepared to time: built with random weights
(seed 0, nothing downloaded), exported to an FP32 IR and quantized to INT8 (`nncf.quantize` on
random inputs of the right shape)."""
from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

import numpy as np
import torch
from torch import nn

from ..configs import config_path, for_lesson
from ..errors import FileFormatError, InputError
from ..output import quiet
from ..settings import data_dir, export_data_dir
from . import convert, quantize

# JHMDB's frames are 320 x 240: the spatio-temporal detector's val pipeline resizes the short side,
# so the long side follows this aspect ratio (width / height).
STDET_FRAME_ASPECT = 320 / 240
STDET_PERSONS = 3  # person boxes per keyframe (from a person detector in deployment)


@dataclass(frozen=True)
class DeploymentModel:
    """One architecture of the benchmark: its row in the config table and where its input size is read."""

    key: str        # name on the command line (the smoke benchmark's names, plus 'x3d')
    label: str
    lesson: str
    role: str
    kind: str       # 'recognizer', 'detector', 'bmn' or 'stdet'
    pipeline: str   # the config's pipeline that gives the input size ('model' for BMN)
    note: str


MODELS: tuple[DeploymentModel, ...] = (
    DeploymentModel('recognizer', 'R(2+1)D-34', '03', 'recognizer', 'recognizer', 'val_pipeline',
                    'one view (CenterCrop) as the val and video pipelines feed it; its test '
                    'protocol runs 10 clips x 3 crops of 256'),
    DeploymentModel('x3d', 'X3D-S', '03', 'recognizer-x3d', 'recognizer', 'test_pipeline',
                    'one view of the test pipeline (ThreeCrop size, mmaction\'s X3D-S test set-up; '
                    'the course validates at CenterCrop 160 while fine-tuning)'),
    DeploymentModel('detector', 'ATSS-MobileNetV2', '06', 'detector', 'detector', 'test_pipeline',
                    'the test Resize scale, padded to the data preprocessor\'s size divisor'),
    DeploymentModel('BMN', 'BMN', '04', 'bmn', 'bmn', 'model',
                    'feature channels x temporal scale of the model config'),
    DeploymentModel('stdet', 'SlowOnly-R50 + RoI head', '07', 'detector', 'stdet', 'val_pipeline',
                    f'clip of the val pipeline, short side resized, {STDET_PERSONS} person boxes; '
                    'width from JHMDB\'s 4:3 frames'),
)
KEYS = tuple(m.key for m in MODELS)


def model_spec(key: str) -> DeploymentModel:
    """The benchmark's entry for a model key ('recognizer', 'x3d', 'detector', 'BMN', 'stdet')."""
    for spec in MODELS:
        if spec.key == key:
            return spec
    raise InputError(f'No deployment benchmark model {key!r}: choose from {", ".join(KEYS)}.')


def full_config(spec: DeploymentModel):
    """The model's full-profile config, read as is (nothing fetched: the weights stay random)."""
    from mmengine.config import Config
    export_data_dir()  # read by the configs' data_root
    # Config.fromfile, not configs.load_config: in the full profile that one downloads the
    # checkpoints the config names, which a random-weight speed benchmark does not use.
    with quiet(stdout=False, level=logging.WARNING):  # one INFO line per `{{$COURSE_DATA_DIR}}`
        return Config.fromfile(str(config_path(for_lesson(spec.lesson, spec.role, profile='full'))))


def _steps(cfg, pipeline: str) -> dict:
    steps = cfg.get(pipeline) or []
    return {s['type']: s for s in steps}


def input_shape(spec: DeploymentModel, cfg) -> tuple[int, ...]:
    """One inference's input size, read from the pipeline the spec names (its note says which): (T, H, W)
    for recognizers and the spatio-temporal detector, (H, W) for the detector, (channels, steps) for BMN."""
    if spec.kind == 'bmn':
        return int(cfg.model.feat_dim), int(cfg.model.temporal_dim)
    steps = _steps(cfg, spec.pipeline)
    if spec.kind == 'recognizer':
        crop = next((steps[t]['crop_size'] for t in ('CenterCrop', 'ThreeCrop', 'TenCrop')
                     if t in steps), None)
        if 'SampleFrames' not in steps or crop is None:
            raise FileFormatError(f'{cfg.filename}: its {spec.pipeline} has no SampleFrames or crop '
                                  'step, so the benchmark cannot tell the input size.')
        h, w = (crop, crop) if isinstance(crop, int) else (crop[1], crop[0])
        return int(steps['SampleFrames']['clip_len']), int(h), int(w)
    if spec.kind == 'detector':
        width, height = steps['Resize']['scale']
        divisor = int(cfg.model.data_preprocessor.get('pad_size_divisor', 1))
        return tuple(int(np.ceil(s / divisor) * divisor) for s in (height, width))
    if spec.kind == 'stdet':
        short = int(steps['Resize']['scale'][1])
        return (int(steps['SampleAVAFrames']['clip_len']), short,
                int(round(short * STDET_FRAME_ASPECT)))
    raise InputError(f'Unknown model kind {spec.kind!r}.')


@dataclass
class Prepared:
    """One architecture ready to time: its PyTorch network, inputs and both IRs."""

    spec: DeploymentModel
    config: str
    shape: tuple
    net: nn.Module
    inputs: object                  # what the runners take (an array, or (clip, boxes))
    xml_fp32: Path
    xml_int8: Path
    calibration_items: int
    make_torch_runner: Callable
    make_ov_runner: Callable
    seconds: dict = field(default_factory=dict)   # time spent building, exporting, quantizing

    @property
    def batchable(self) -> bool:
        """Whether the network takes several items in one call (the spatio-temporal IR takes one clip)."""
        return self.spec.kind != 'stdet'

    def batch(self, n: int):
        """The inputs repeated n times along the batch axis."""
        return np.repeat(self.inputs, n, axis=0)

    def torch_inputs(self) -> tuple[torch.Tensor, ...]:
        """The inputs as tensors (for the complexity count)."""
        items = self.inputs if isinstance(self.inputs, tuple) else (self.inputs,)
        return tuple(torch.from_numpy(np.asarray(a, np.float32)) for a in items)


def _random_inputs(spec: DeploymentModel, shape: tuple, rng: np.random.Generator):
    """Random inputs of the network's kind: clips in 0..255, normalised images, features, boxes."""
    if spec.kind == 'recognizer':
        return (rng.random((1, 3, *shape)) * 255).astype(np.float32)
    if spec.kind == 'detector':
        return rng.standard_normal((1, 3, *shape)).astype(np.float32)
    if spec.kind == 'bmn':
        return rng.random((1, *shape)).astype(np.float32)
    t, h, w = shape
    clip = (rng.random((1, 3, t, h, w)) * 255).astype(np.float32)
    x1 = rng.uniform(0, w * 0.6, STDET_PERSONS)
    y1 = rng.uniform(0, h * 0.3, STDET_PERSONS)
    boxes = np.stack([x1, y1, x1 + rng.uniform(0.2, 0.4, STDET_PERSONS) * w,
                      y1 + rng.uniform(0.5, 0.7, STDET_PERSONS) * h], 1).astype(np.float32)
    return clip, boxes


def deployment_dir() -> Path:
    """Where the benchmark writes its IRs (<data dir>/export/deployment)."""
    path = data_dir() / 'export' / 'deployment'
    path.mkdir(parents=True, exist_ok=True)
    return path


def prepare(key: str, calibration_items: int = 10, out_dir: str | os.PathLike | None = None,
            seed: int = 0) -> Prepared:
    """Build a full-profile architecture with random weights, export FP32 IR, quantize it to INT8."""
    import openvino as ov

    from . import stdet, tasks
    if calibration_items < 1:
        raise InputError(f'calibration_items={calibration_items}: nncf.quantize needs at least one '
                         'item; use 10-30.')
    spec = model_spec(key)
    out = Path(out_dir) if out_dir else deployment_dir()
    seconds, start = {}, time.perf_counter()
    cfg = full_config(spec)
    shape = input_shape(spec, cfg)
    torch.manual_seed(seed)
    with quiet():
        model = convert.build_model(cfg)  # no checkpoint: random weights
    rng = np.random.default_rng(seed)
    inputs = _random_inputs(spec, shape, rng)
    xml = out / f'{spec.key}_fp32.xml'
    with quiet():
        if spec.kind == 'recognizer':
            net = convert.RecognizerNet(model).eval()
            convert.export_recognizer(model, xml, clip_shape=(3, *shape), seed=seed)
        elif spec.kind == 'detector':
            net = convert.DetectorNet(model).eval()
            convert.export_detector(model, xml, image_shape=(3, *shape), seed=seed)
        elif spec.kind == 'bmn':
            net = convert.BMNNet(model).eval()
            convert.export_bmn(model, xml, seed=seed)
        else:
            net = stdet.STDetNet(model).eval()
            labels = {i: name for i, name in enumerate(cfg.get('classes', ()), 1)}
            stdet.export_stdet(model, cfg, xml, labels, clip_shape=(3, *shape), seed=seed)
    seconds['build and export'] = time.perf_counter() - start
    start = time.perf_counter()
    calibration = [_random_inputs(spec, shape, rng) for _ in range(calibration_items)]
    int8 = quantize.quantize_int8(xml, calibration)
    xml_int8 = out / f'{spec.key}_int8.xml'
    ov.save_model(int8, str(xml_int8))
    seconds['quantize'] = time.perf_counter() - start
    runners = (stdet.torch_runner, stdet.ov_runner) if spec.kind == 'stdet' else \
        (tasks.torch_runner, tasks.ov_runner)
    return Prepared(spec, for_lesson(spec.lesson, spec.role, profile='full'), shape, net, inputs,
                    xml, xml_int8, calibration_items, *runners, seconds=seconds)


def static_model(xml: str | os.PathLike, first_input_shape: Sequence[int]):
    """Read an IR and fix its first input's shape (batch included): what benchmark_app's -shape does."""
    import openvino as ov
    model = ov.Core().read_model(str(xml))
    model.reshape({model.inputs[0]: ov.PartialShape([int(s) for s in first_input_shape])})
    return model


def first_input(inputs) -> np.ndarray:
    """The first input of a network's inputs (the clip of a (clip, boxes) pair)."""
    return inputs[0] if isinstance(inputs, tuple) else inputs
