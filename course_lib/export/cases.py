"""The models of lesson 08 as *cases*: model, exported IR, data, metric and NNCF hooks.

A case bundles what every step of the lesson needs for one model, so that parity, quantization and
the benchmark treat the recognizer, the detector, BMN and the spatio-temporal detector alike. Used in lesson 08 and
scripts/benchmark_export.py.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sized

import numpy as np
from torch import nn

from ..configs import for_lesson, load_config
from ..output import quiet
from ..settings import data_dir
from ..trained import trained_checkpoint
from . import convert, tasks


@dataclass
class Case:
    """One exported model with its data and its task metric (a function of a runner)."""

    name: str
    config: str
    checkpoint: Path
    model: nn.Module              # the mmaction / mmdet model (post-processing lives here)
    net: nn.Module                # the exported part, as PyTorch
    xml: Path                     # its FP32 IR
    metric_name: str
    metric: Callable[[Callable], float]     # runner -> metric on the validation split
    fresh_inputs: list            # inputs never used for tracing (parity)
    calibration: Sized = field(default_factory=list)  # training inputs for nncf.quantize (a Stream)
    validation: Sized = field(default_factory=list)   # items for quantize_with_accuracy_control
    validate: Callable | None = None                  # NNCF validation function
    bench_input: np.ndarray | None = None
    make_torch_runner: Callable = tasks.torch_runner   # module -> runner
    make_ov_runner: Callable = tasks.ov_runner         # compiled IR -> runner
    val_data: object = None       # the validation split as the metric reads it (packages, QAT)

    @property
    def torch_run(self) -> Callable:
        """The PyTorch eager runner of the exported part."""
        return self.make_torch_runner(self.net)

    def ov_run(self, compiled) -> Callable:
        """The runner of a compiled IR of this case (FP32 or INT8)."""
        return self.make_ov_runner(compiled)


def export_dir() -> Path:
    """Where lesson 08 writes its IRs (<data dir>/export)."""
    path = data_dir() / 'export'
    path.mkdir(parents=True, exist_ok=True)
    return path


def _trained(config: str | None, role: str):
    """The config (default: lesson 08's for `role` in the active profile) and its trained checkpoint."""
    config = config or for_lesson('08', role)
    return config, load_config(config), trained_checkpoint(config)


def subset_sizes(calibration_size: int, validation_size: int | None) -> tuple[int, int | None]:
    """The calibration and accuracy-control subset sizes a case uses: the given ones, or the dry run's
    caps when smaller (course_lib.dryrun; a learner's run: as given, None = the whole split)."""
    from ..dryrun import active, capped
    run = active()
    if validation_size is None and run is not None:
        validation_size = run.accuracy_control_samples
    elif validation_size is not None:
        validation_size = capped(validation_size, 'accuracy_control_samples')
    return capped(calibration_size, 'calibration_samples'), validation_size


def recognizer_case(config: str | None = None, calibration_size: int = 60,
                    validation_size: int | None = None, bench_batch: int = 1) -> Case:
    """The lesson-03 recognizer: top-1 on the validation clips, calibration on `calibration_size`
    training clips, accuracy control on `validation_size` validation clips (None: all); the clips
    stream from the data set (made when read), so memory does not grow with the split."""
    config, cfg, checkpoint = _trained(config, 'recognizer')
    calibration_size, validation_size = subset_sizes(calibration_size, validation_size)
    with quiet():  # mmengine's deprecation warnings while reading frames
        model = convert.build_model(cfg, checkpoint)
        val = tasks.recognizer_stream(cfg, 'val')
        train = tasks.recognizer_stream(cfg, 'train', limit=calibration_size)
        clips = np.concatenate([val[i][0] for i in range(min(len(val), max(4, bench_batch)))])
        fresh = [clips[:4], np.concatenate([train[i][0] for i in range(max(0, len(train) - 2), len(train))])]
    xml = convert.export_recognizer(model, export_dir() / 'recognizer_fp32.xml',
                                    clip_shape=clips.shape[1:])
    from .quantize import top1_validation_fn
    return Case('recognizer', config, checkpoint, model, convert.RecognizerNet(model).eval(), xml,
                'top-1', lambda run: tasks.top1_items(run, val)[0], fresh_inputs=fresh,
                calibration=train.map(lambda item: item[0]), validation=val.spread(validation_size),
                validate=top1_validation_fn, bench_input=clips[:bench_batch], val_data=val)


def detector_case(config: str | None = None, calibration_size: int = 60,
                  validation_size: int | None = None) -> Case:
    """The lesson-06 ATSS detector: mAP@0.5 on the validation images, mmdet's decoding + NMS;
    calibration streams `calibration_size` training images, accuracy control scores `validation_size`."""
    config, cfg, checkpoint = _trained(config, 'detector')
    calibration_size, validation_size = subset_sizes(calibration_size, validation_size)
    with quiet():
        model = convert.build_model(cfg, checkpoint)
        val = tasks.detection_set(model, cfg, 'val')  # streamed: each image made when read
        train = tasks.detection_inputs(model, cfg, 'train', limit=calibration_size)
        first_val, last_train = val[0][0], train[-1]
    xml = convert.export_detector(model, export_dir() / 'detector_fp32.xml',
                                  image_shape=first_val.shape[1:])
    from .quantize import detection_validation_fn
    return Case('detector', config, checkpoint, model, convert.DetectorNet(model).eval(), xml,
                'mAP@0.5', lambda run: tasks.detection_map(model, run, val)[0],
                fresh_inputs=[first_val, val[min(1, len(val) - 1)][0], last_train], calibration=train,
                validation=val.items.spread(validation_size),
                validate=detection_validation_fn(model, val), bench_input=first_val, val_data=val)


def bmn_case(config: str | None = None, calibration_size: int = 60) -> Case:
    """The lesson-04 BMN: AR@100 on the validation videos, mmaction's own BMN.predict; calibration
    streams `calibration_size` training videos' features."""
    config, cfg, checkpoint = _trained(config, 'bmn')
    calibration_size, _ = subset_sizes(calibration_size, None)
    with quiet():
        model = convert.build_model(cfg, checkpoint)
        items = tasks.bmn_set(cfg)  # streamed: each video's features made when read
        train = tasks.bmn_inputs(cfg, 'train', limit=calibration_size)
        first, last = items[0][0], items[-1][0]
    xml = convert.export_bmn(model, export_dir() / 'bmn_fp32.xml')
    out = export_dir() / 'bmn_results'
    return Case('BMN', config, checkpoint, model, convert.BMNNet(model).eval(), xml, 'AR@100',
                lambda run: tasks.proposal_recall(model, run, items, cfg, out)[0],
                fresh_inputs=[first, last], calibration=train, bench_input=first)


def stdet_case(config: str | None = None, calibration_size: int = 60,
               validation_size: int | None = None) -> Case:
    """The lesson-07 spatio-temporal detector: frame-mAP@0.5 on the validation keyframes (their own
    proposals), calibration streaming `calibration_size` training keyframes; inputs: (clip, boxes)."""
    from ..data import ava
    from . import stdet
    config, cfg, checkpoint = _trained(config, 'stdet')
    calibration_size, validation_size = subset_sizes(calibration_size, validation_size)
    labels = ava.read_label_map(cfg.dataset_settings.label_file)
    rows = ava.read_csv(cfg.val_evaluator.ann_file, labels)
    with quiet():
        model = convert.build_model(cfg, checkpoint)
    val = stdet.keyframe_stream(cfg, 'val')  # streamed: each keyframe's clip made when read
    train = stdet.keyframe_stream(cfg, 'train', limit=calibration_size)
    first_val = val[0]
    xml = stdet.export_stdet(model, cfg, export_dir() / 'stdet_fp32.xml', labels,
                             clip_shape=first_val.clip.shape[1:])
    return Case('stdet', config, checkpoint, model, stdet.STDetNet(model).eval(), xml,
                'frame-mAP@0.5', lambda run: stdet.frame_map(run, val, rows, labels)[0],
                fresh_inputs=[first_val.inputs, train[-1].inputs],  # other clips, other boxes
                calibration=train.map(lambda k: k.inputs), validation=val.spread(validation_size),
                validate=stdet.frame_map_validation_fn(rows, labels), bench_input=first_val.inputs,
                make_torch_runner=stdet.torch_runner, make_ov_runner=stdet.ov_runner)
