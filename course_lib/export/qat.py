"""Quantization-aware training (QAT) with NNCF, fine-tuned by mmengine's Runner.

Post-training quantization (`quantize.py`) takes the INT8 ranges from a calibration set and never
changes a weight. QAT starts at the same point — `nncf.quantize` on the *PyTorch* network inserts
quantizers whose ranges come from the calibration set — then trains the network with those
quantizers in its forward pass (straight-through gradients), so that the weights adapt to the
rounding and the ranges are trained too. Here the network is the exported part
(`convert.RecognizerNet` / `DetectorNet`, the same module the FP32 IR comes from), wrapped as an
mmengine model (`QATModel`: the loss and the predictions are the original head's), and the
fine-tune is a `Runner` with the config's training loader, a small learning rate and a fixed number
of iterations. `ov.convert_model` then turns the quantizers into FakeQuantize operations: an INT8 IR
like PTQ's, scored by the same metric. Used in lesson 08 (the recognizer) and

    python -m course_lib.export.qat detector --iters 300     (the lesson-06 ATSS on the real BCCD)

which prints post-training INT8 (plain and accuracy-controlled) against QAT for one model.
"""
from __future__ import annotations

import argparse
import copy
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

import numpy as np
import torch
from mmengine.model import BaseModel
from torch import nn

from ..errors import InputError, run_cli
from ..output import quiet
from ..settings import work_dir
from . import cases, convert, parity, quantize


class QATModel(BaseModel):
    """A quantized network as an mmengine model: `loss` and `predict` map its outputs to the
    original head's losses and predictions, so the Runner trains and evaluates it like the model."""

    def __init__(self, net: nn.Module, loss: Callable, predict: Callable | None,
                 data_preprocessor: dict | nn.Module, flatten_views: bool = False,
                 freeze_bn: bool = True) -> None:
        super().__init__(data_preprocessor=data_preprocessor)
        self.net = net
        self._loss, self._predict, self.flatten_views = loss, predict, flatten_views
        self.freeze_bn = freeze_bn

    def train(self, mode: bool = True) -> 'QATModel':
        """Train mode; BatchNorm keeps its trained statistics (`freeze_bn`): a short fine-tune on small
        batches would only add noise to them, and the quantizers' ranges were calibrated with them."""
        super().train(mode)
        if mode and self.freeze_bn:
            for module in self.modules():
                if isinstance(module, nn.modules.batchnorm._BatchNorm):
                    module.eval()
        return self

    def init_weights(self) -> None:
        """Nothing to initialise: the weights are the trained model's, the ranges the calibration's."""

    def forward(self, inputs: torch.Tensor, data_samples: list | None = None, mode: str = 'tensor'):
        """mode 'loss': dict of losses; 'predict': data samples with predictions; 'tensor': outputs."""
        if self.flatten_views:  # mmaction batches (N, views, C, T, H, W)
            inputs = inputs.flatten(0, 1)
        outputs = self.net(inputs)
        if mode == 'loss':
            return self._loss(outputs, data_samples)
        if mode == 'predict':
            return self._predict(outputs, data_samples)
        return outputs


def quantize_torch(net: nn.Module, calibration: Sequence[np.ndarray], subset_size: int | None = None
                   ) -> nn.Module:
    """`nncf.quantize` a PyTorch module (a copy) with numpy calibration inputs: the QAT start."""
    import nncf

    from ..compat import nncf_torch_native_quantizers
    nncf_torch_native_quantizers()
    size = quantize.calibration_count(calibration, subset_size)  # a list or a lazily made tasks.Stream
    dataset = nncf.Dataset(calibration, lambda x: torch.from_numpy(np.ascontiguousarray(x, np.float32)))
    with quiet(stdout=False, level=quantize.NNCF_LEVEL, loggers=('nncf',)):
        return nncf.quantize(copy.deepcopy(net).eval(), dataset, subset_size=size)


def recognizer_qat_model(case: cases.Case, net: nn.Module) -> QATModel:
    """The quantized RecognizerNet as an mmengine model: mmaction's head loss and predictions."""
    head = case.model.cls_head  # its loss_by_feat / predict_by_feat use no parameter of their own
    return QATModel(net, head.loss_by_feat, head.predict_by_feat,
                    dict(type='ActionDataPreprocessor', format_shape='NCTHW'), flatten_views=True)


def detector_qat_model(case: cases.Case, net: nn.Module) -> QATModel:
    """The quantized DetectorNet as an mmengine model: mmdet's head loss on its regrouped outputs."""
    from mmdet.models.utils import unpack_gt_instances
    head = case.model.bbox_head
    levels = len(head.prior_generator.strides)

    def regroup(outputs):  # DetectorNet's flat outputs -> per-kind lists, gradients kept
        return tuple(list(outputs[i:i + levels]) for i in range(0, len(outputs), levels))

    def loss(outputs, samples):
        gts, ignored, metas = unpack_gt_instances(samples)
        return head.loss_by_feat(*regroup(outputs), gts, metas, ignored)

    def predict(outputs, samples):
        groups = regroup(outputs)
        results = head.predict_by_feat(*groups, batch_img_metas=[s.metainfo for s in samples],
                                       cfg=head.test_cfg, rescale=True)
        return case.model.add_pred_to_datasample(samples, results)

    return QATModel(net, loss, predict, copy.deepcopy(case.model.data_preprocessor))


def finetune(model: QATModel, train_dataloader, iters: int, lr: float, work_dir_: str | Path,
             default_scope: str = 'mmaction', max_seconds: float | None = None,
             weight_decay: float = 0.0, seed: int = 0):
    """Fine-tune with mmengine's Runner for `iters` iterations (AdamW, constant lr), or fewer when
    `max_seconds` run out first (`runner.iter` says how many ran); return the Runner."""
    from mmengine.runner import Runner
    if iters < 1:
        raise InputError(f'iters={iters}: QAT needs at least one training iteration.')
    hooks = [dict(type='TqdmProgressHook', desc='QAT fine-tune')]
    if max_seconds:
        hooks.append(dict(type='TimeBudgetHook', seconds=max_seconds))
    model.train()
    runner = Runner(
        model=model, work_dir=str(work_dir_), train_dataloader=train_dataloader,
        train_cfg=dict(by_epoch=False, max_iters=iters, val_interval=iters + 1),
        optim_wrapper=dict(optimizer=dict(type='AdamW', lr=lr, weight_decay=weight_decay),
                           clip_grad=dict(max_norm=10, norm_type=2)),
        default_hooks=dict(checkpoint=None, logger=dict(type='LoggerHook', interval=50)),
        custom_hooks=hooks,
        default_scope=default_scope, randomness=dict(seed=seed), log_level='WARNING',
        visualizer=dict(type='Visualizer', vis_backends=[]))
    with quiet():
        runner.train()
    model.eval()
    return runner


def export_ir(net: nn.Module, example: torch.Tensor, xml: str | Path) -> Path:
    """Export a (fine-tuned) quantized network to an INT8 IR with `ov.convert_model`.

    While tracing, NNCF's quantizers emit placeholder operations that the converter maps to OpenVINO's
    FakeQuantize; torch.jit's trace check compares those placeholders with the eager quantizers and
    warns, and NNCF reads its levels with `.item()`. Both TracerWarnings are expected here and hidden;
    what the IR computes is checked against the PyTorch model afterwards (parity), not by the tracer.
    """
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter('ignore', torch.jit.TracerWarning)
        return convert.to_ir(net, example, xml)


@dataclass
class QATResult:
    """A QAT run: the fine-tuned quantized network, its INT8 IR and the time each step took."""

    net: nn.Module
    xml: Path
    iters: int
    seconds: dict = field(default_factory=dict)   # step -> seconds: quantize, fine-tune, export

    @property
    def total_seconds(self) -> float:
        """Wall time of the whole QAT run."""
        return float(sum(self.seconds.values()))


def quantization_aware_training(case: cases.Case, iters: int = 150, lr: float = 1e-4,
                                max_seconds: float | None = None, xml: str | Path | None = None,
                                train_dataloader=None) -> QATResult:
    """QAT of a lesson-08 case (recognizer or detector): nncf.quantize the exported network, fine-tune
    it through the Runner on the config's training split (`iters`, or fewer when `max_seconds` run
    out), export the INT8 IR next to the FP32 one."""
    from ..configs import load_config
    if case.name not in ('recognizer', 'detector'):
        raise InputError(f'QAT is wired for the recognizer and the detector, not {case.name!r}.')
    cfg = load_config(case.config)
    seconds = {}
    start = time.perf_counter()
    net = quantize_torch(case.net, case.calibration)
    seconds['quantize'] = time.perf_counter() - start
    build = recognizer_qat_model if case.name == 'recognizer' else detector_qat_model
    model = build(case, net)
    start = time.perf_counter()
    runner = finetune(model, train_dataloader or copy.deepcopy(cfg.train_dataloader), iters, lr,
                      work_dir(f'{case.config}_qat'), cfg.get('default_scope', 'mmaction'), max_seconds)
    seconds['fine-tune'] = time.perf_counter() - start
    start = time.perf_counter()
    xml = Path(xml or case.xml.with_name(f'{case.name}_qat_int8.xml'))
    example = torch.from_numpy(np.ascontiguousarray(case.fresh_inputs[0][:1], np.float32))
    export_ir(net, example, xml)
    seconds['export'] = time.perf_counter() - start
    return QATResult(net, xml, runner.iter, seconds)


@dataclass
class QuantRow:
    """One INT8 method: its metric, latency, time spent and FakeQuantize count."""

    method: str
    metric_name: str
    metric: float
    latency_ms: float
    seconds: float
    fake_quantize: int


def comparison_table(rows: Sequence[QuantRow], fp32_metric: float | None = None) -> str:
    """Markdown: method | metric | drop vs FP32 | median latency | time spent | FakeQuantize ops."""
    name = rows[0].metric_name if rows else 'metric'
    lines = [f'| method | {name} | drop (points) | median ms | time spent | FakeQuantize ops |',
             '|---|---|---|---|---|---|']
    if fp32_metric is not None:
        lines.append(f'| PyTorch FP32 (reference) | {fp32_metric:.3f} | - | - | - | - |')
    for r in rows:
        drop = f'{100 * (fp32_metric - r.metric):+.1f}' if fp32_metric is not None else '-'
        spent = f'{r.seconds:.0f} s' if r.seconds < 120 else f'{r.seconds / 60:.1f} min'
        lines.append(f'| {r.method} | {r.metric:.3f} | {drop} | {r.latency_ms:.2f} | {spent} | '
                     f'{r.fake_quantize} |')
    return '\n'.join(lines)


def quant_rows(case: cases.Case, models: dict, seconds: dict, repeats: int = 20) -> list[QuantRow]:
    """Score and time INT8 models of one case side by side ({method: IR path or ov.Model}, {method:
    seconds it took to make})."""
    from .benchmark import measure
    runners = {name: case.ov_run(parity.compile_ir(model)) for name, model in models.items()}
    timings = measure(runners, case.bench_input, warmup=3, repeats=repeats)
    return [QuantRow(name, case.metric_name, case.metric(runners[name]), timings[name].median_ms,
                     seconds[name], quantize.fake_quantize_count(models[name])) for name in models]


def compare(case: cases.Case, iters: int, lr: float, max_drop: float = 0.01,
            max_seconds: float | None = None) -> tuple[list[QuantRow], float]:
    """PTQ (plain and accuracy-controlled) and QAT of one case, measured side by side; rows and the
    PyTorch FP32 metric."""
    models, seconds = {}, {}
    start = time.perf_counter()
    models['PTQ: nncf.quantize'] = quantize.quantize_int8(case.xml, case.calibration)
    seconds['PTQ: nncf.quantize'] = time.perf_counter() - start
    start = time.perf_counter()
    models['PTQ + accuracy control'] = quantize.quantize_with_accuracy_control(
        case.xml, case.calibration, case.validation, case.validate, max_drop=max_drop)
    seconds['PTQ + accuracy control'] = time.perf_counter() - start
    result = quantization_aware_training(case, iters, lr, max_seconds)
    name = f'QAT: {result.iters} Runner iterations'
    models[name], seconds[name] = quantize.read_model(result.xml), result.total_seconds
    return quant_rows(case, models, seconds), case.metric(case.torch_run)


def main(argv: list[str] | None = None) -> None:
    """Command line: PTQ against QAT for the recognizer or the detector (see the module docstring)."""
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('task', choices=('recognizer', 'detector'))
    parser.add_argument('--iters', type=int, default=300, help='fine-tuning iterations (default 300)')
    parser.add_argument('--lr', type=float, default=1e-4, help='learning rate (default 1e-4)')
    parser.add_argument('--max-seconds', type=float, help='stop the fine-tune after this many seconds')
    args = parser.parse_args(argv)
    case = cases.recognizer_case() if args.task == 'recognizer' else cases.detector_case()
    rows, fp32 = compare(case, args.iters, args.lr, max_seconds=args.max_seconds)
    print(comparison_table(rows, fp32))


if __name__ == '__main__':
    sys.exit(run_cli(main))
