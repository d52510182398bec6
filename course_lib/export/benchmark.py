"""Latency and throughput of PyTorch eager FP32, OpenVINO FP32 and OpenVINO INT8, side by side.

All runners get the same input array. The repeats are interleaved (A, B, C, A, B, C, ...) so that a
busy neighbour on a shared CPU slows every runtime alike; each runtime is warmed up first and the
median is reported. Used in lesson 08 and scripts/benchmark_export.py.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable, Mapping, Sequence

import numpy as np
import torch

from ..errors import InputError
from .parity import DEFAULT_THREADS


@dataclass
class Timing:
    """Median (and spread) of one runtime's latency on a batch of `batch` items."""

    name: str
    batch: int
    times_ms: list

    @property
    def median_ms(self) -> float:
        """Median latency of one call, in ms."""
        return float(np.median(self.times_ms))

    @property
    def iqr_ms(self) -> float:
        """Inter-quartile range of the latency, in ms."""
        return float(np.subtract(*np.percentile(self.times_ms, [75, 25])))

    @property
    def throughput(self) -> float:
        """Items per second at the median latency."""
        return self.batch / (self.median_ms / 1000)


def duration(seconds: int) -> int:
    """A benchmark's duration in seconds (`benchmark_app -t`): as given, capped in CI's dry run."""
    from ..dryrun import active
    run = active()
    return int(seconds) if run is None else max(1, min(int(seconds), round(run.benchmark_seconds)))


def measure(runners: Mapping[str, Callable], inputs: np.ndarray | tuple, warmup: int = 3,
            repeats: int = 10, threads: int | None = DEFAULT_THREADS) -> dict[str, Timing]:
    """Time each runner on the same inputs: warm-up, then interleaved repeats; median per runner.

    `threads`: PyTorch's thread count while timing, the same as the IRs compile with
    (parity.DEFAULT_THREADS), so that every runtime gets the same cores; None keeps torch's own.
    """
    if repeats < 1:
        raise InputError('repeats must be >= 1.')
    from ..dryrun import capped
    warmup, repeats = capped(warmup, 'benchmark_repeats'), capped(repeats, 'benchmark_repeats')
    previous = torch.get_num_threads()
    torch.set_num_threads(threads or previous)
    try:
        for run in runners.values():
            for _ in range(warmup):
                run(inputs)
        batch = len(inputs[0]) if isinstance(inputs, tuple) else len(inputs)  # several inputs: the first's
        timings = {name: Timing(name, batch, []) for name in runners}
        for _ in range(repeats):
            for name, run in runners.items():
                start = time.perf_counter()
                run(inputs)
                timings[name].times_ms.append((time.perf_counter() - start) * 1000)
    finally:
        torch.set_num_threads(previous)
    return timings


@dataclass
class BenchRow:
    """One runtime of one model: speed, size on disk and task metric."""

    model: str
    runtime: str
    timing: Timing
    size_mb: float
    metric_name: str
    metric: float
    gflops: float | None = None     # of one forward pass on the timed input (course_lib.complexity)
    params_m: float | None = None   # parameters of the exported network, millions


def speedups(rows: Sequence[BenchRow], baseline: str) -> dict[str, float]:
    """Median-latency speed-up of each row over the row whose runtime is `baseline`."""
    base = next(r for r in rows if r.runtime == baseline).timing.median_ms
    return {r.runtime: base / r.timing.median_ms for r in rows}


def benchmark_table(rows: Sequence[BenchRow], baseline: str = 'PyTorch FP32') -> str:
    """A Markdown table: latency, throughput, speed-up over `baseline` (per model), size, GFLOPs /
    parameters when the rows have them, metric (NaN: the metric's name alone, e.g. 'random weights')."""
    complexity = any(r.gflops is not None for r in rows)
    extra = ' GFLOPs | params M |' if complexity else ''
    lines = ['| model | runtime | batch | median ms | IQR ms | items/s | speed-up | size MB |' + extra
             + ' metric |', '|---' * (9 + 2 * complexity) + '|']
    for model in dict.fromkeys(r.model for r in rows):
        group = [r for r in rows if r.model == model]
        ups = speedups(group, baseline) if any(r.runtime == baseline for r in group) else {}
        for r in group:
            up = f'{ups[r.runtime]:.1f}x' if r.runtime in ups else '-'
            metric = r.metric_name if np.isnan(r.metric) else f'{r.metric_name} {r.metric:.3f}'
            sizes = (f' {_num(r.gflops, 3)} | {_num(r.params_m, 2)} |' if complexity else '')
            lines.append(f'| {model} | {r.runtime} | {r.timing.batch} | {r.timing.median_ms:.1f} | '
                         f'{r.timing.iqr_ms:.1f} | {r.timing.throughput:.0f} | {up} | '
                         f'{r.size_mb:.2f} |{sizes} {metric} |')
    return '\n'.join(lines)


def _num(value: float | None, digits: int) -> str:
    return '-' if value is None else f'{value:.{digits}g}'


def plot_accuracy_vs_speed(rows: Sequence[BenchRow], ax=None):
    """Scatter of metric against throughput, one marker per runtime, one panel per model."""
    import matplotlib.pyplot as plt
    models = list(dict.fromkeys(r.model for r in rows))
    if ax is None:
        _, axes = plt.subplots(1, len(models), figsize=(4.6 * len(models), 3.4), squeeze=False)
        axes = axes[0]
    else:
        axes = [ax] * len(models)
    markers = {'PyTorch FP32': 'o', 'OpenVINO FP32': 's', 'OpenVINO INT8': '^'}
    for ax_, model in zip(axes, models):
        for r in (r for r in rows if r.model == model):
            ax_.scatter(r.timing.throughput, r.metric, s=60 + 8 * r.size_mb, clip_on=False,
                        marker=markers.get(r.runtime, 'D'), label=f'{r.runtime} ({r.size_mb:.1f} MB)')
        ax_.set_xscale('log')
        ax_.set_xlabel('throughput (items / s, log scale)')
        ax_.set_ylabel(next(r.metric_name for r in rows if r.model == model))
        ax_.set_title(model, fontsize=10)
        ax_.legend(fontsize=8, loc='lower right')
        ax_.grid(alpha=.3)
        values = [r.metric for r in rows if r.model == model]
        ax_.set_ylim(max(0.0, min(values) - 0.05), min(1.0, max(values) + 0.03))  # a metric ends at 1
        ax_.spines['top'].set_visible(False)  # markers at 1.0 sit on the edge, drawn unclipped
    plt.tight_layout()
    return axes
