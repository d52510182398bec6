"""Parity between a PyTorch module and its OpenVINO IR: output error and the task metric.

The check that catches the OTX action-detection tutorial's bug (an exported model scoring 0.0): run both on inputs that were
NOT used for tracing, compare every output relative to its scale, and compare the task metric on the
validation split, which must be identical. Used in lesson 08.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from ..errors import InputError, MissingFileError

DEFAULT_THREADS = 2


def compile_ir(model, precision: str | None = 'f32', threads: int | None = DEFAULT_THREADS,
               hint: str = 'LATENCY'):
    """Compile an IR path or ov.Model for the CPU; precision 'f32' disables bf16/fp16 shortcuts."""
    import openvino as ov
    core = ov.Core()
    if isinstance(model, (str, os.PathLike)):
        if not os.path.exists(model):
            raise MissingFileError(f'{model} does not exist: export the model first '
                                    '(course_lib.export.convert.export_*).')
        model = core.read_model(str(model))
    config = {'PERFORMANCE_HINT': hint}
    if precision:
        config['INFERENCE_PRECISION_HINT'] = precision
    if threads:
        config['INFERENCE_NUM_THREADS'] = str(threads)
    return core.compile_model(model, 'CPU', config)


@dataclass
class OutputError:
    """Largest error over all outputs: absolute, the reference's scale, and their ratio."""

    max_abs: float
    scale: float
    relative: float

    def __str__(self) -> str:
        return f'max |diff| {self.max_abs:.2e} on outputs of scale {self.scale:.2e} ' \
               f'(relative {self.relative:.2e})'


def output_error(reference: Sequence[np.ndarray], candidate: Sequence[np.ndarray]) -> OutputError:
    """Worst per-output max abs error divided by that output's max |reference| (its scale)."""
    if len(reference) != len(candidate):
        raise InputError(f'{len(reference)} reference outputs but {len(candidate)} to compare.')
    worst = OutputError(0.0, 1.0, 0.0)
    for ref, got in zip(reference, candidate):
        ref, got = np.asarray(ref, np.float64), np.asarray(got, np.float64)
        if ref.shape != got.shape:
            raise InputError(f'output shapes differ: {ref.shape} vs {got.shape}.')
        max_abs = float(np.abs(ref - got).max()) if ref.size else 0.0
        scale = max(float(np.abs(ref).max()) if ref.size else 0.0, 1e-12)
        if max_abs / scale >= worst.relative:
            worst = OutputError(max_abs, scale, max_abs / scale)
    return worst


def compare(torch_run, ir_run, inputs: Sequence[np.ndarray]) -> OutputError:
    """Run both runners on each input and return the worst relative output error."""
    errors = [output_error(torch_run(x), ir_run(x)) for x in inputs]
    return max(errors, key=lambda e: e.relative)


@dataclass
class ParityRow:
    """One model's parity: output error on fresh inputs and the metric in both runtimes."""

    model: str
    metric_name: str
    error: OutputError
    metric_torch: float
    metric_ir: float
    tolerance: float = 1e-4

    @property
    def passed(self) -> bool:
        """Error within tolerance and the metric identical (to 1e-9)."""
        return self.error.relative <= self.tolerance and \
            abs(self.metric_torch - self.metric_ir) <= 1e-9


def parity_table(rows: Sequence[ParityRow]) -> str:
    """A Markdown table of parity rows."""
    lines = ['| model | max abs error | output scale | relative | metric | PyTorch | IR FP32 | ok |',
             '|---|---|---|---|---|---|---|---|']
    for r in rows:
        lines.append(f'| {r.model} | {r.error.max_abs:.2e} | {r.error.scale:.2f} | '
                     f'{r.error.relative:.2e} | {r.metric_name} | {r.metric_torch:.4f} | '
                     f'{r.metric_ir:.4f} | {"yes" if r.passed else "NO"} |')
    return '\n'.join(lines)
