"""Timing a prepared deployment model in each runtime: latency (one request, batch 1, interleaved
repeats, median) and throughput (OpenVINO's THROUGHPUT hint with an AsyncInferQueue of the optimal
size; PyTorch eager on a batch), all with the same thread count."""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable

import numpy as np
import torch

from . import benchmark
from .deploy_models import Prepared, first_input, static_model
from .parity import DEFAULT_THREADS, compile_ir


def measure_latency(prepared: Prepared, repeats: int = 5, warmup: int = 1,
                    threads: int = DEFAULT_THREADS) -> dict[str, benchmark.Timing]:
    """Latency of one request (batch 1) in each runtime: `benchmark.measure` (interleaved, median)."""
    shape = first_input(prepared.inputs).shape
    runners = {'PyTorch FP32': prepared.make_torch_runner(prepared.net)}
    for runtime, xml in (('OpenVINO FP32', prepared.xml_fp32), ('OpenVINO INT8', prepared.xml_int8)):
        runners[runtime] = prepared.make_ov_runner(
            compile_ir(static_model(xml, shape), threads=threads, hint='LATENCY'))
    return benchmark.measure(runners, prepared.inputs, warmup=warmup, repeats=repeats,
                             threads=threads)


@dataclass
class Throughput:
    """Items per second of one runtime in throughput mode, and how they were obtained."""

    runtime: str
    items: int
    seconds: float
    how: str
    requests: int = 1
    streams: int | None = None
    hint: str | None = None

    @property
    def items_per_s(self) -> float:
        """Items processed per second of wall time."""
        return self.items / self.seconds if self.seconds > 0 else 0.0


def _property_name(value) -> str:
    return getattr(value, 'name', None) or str(value).split('.')[-1]


def ov_throughput(model, inputs, seconds: float = 10.0, threads: int | None = DEFAULT_THREADS,
                  runtime: str = 'OpenVINO') -> Throughput:
    """Items / s of an IR with PERFORMANCE_HINT=THROUGHPUT and an AsyncInferQueue of the optimal size.

    Requests are started as fast as the queue takes them (`start_async` waits for a free one) for
    `seconds` (at least two rounds of requests); every started item has finished when the clock stops.
    """
    import openvino as ov
    compiled = compile_ir(model, threads=threads, hint='THROUGHPUT')
    requests = int(compiled.get_property('OPTIMAL_NUMBER_OF_INFER_REQUESTS'))
    queue = ov.AsyncInferQueue(compiled, requests)
    data = [np.ascontiguousarray(a, dtype=np.float32)
            for a in (inputs if isinstance(inputs, tuple) else (inputs,))]
    for _ in range(requests):  # warm-up: every request once
        queue.start_async(data)
    queue.wait_all()
    count, start = 0, time.perf_counter()
    while count < 2 * requests or time.perf_counter() - start < seconds:
        queue.start_async(data)
        count += 1
    queue.wait_all()
    elapsed = time.perf_counter() - start
    batch = len(data[0])
    return Throughput(runtime, count * batch, elapsed,
                      f'{requests} asynchronous requests of {batch} item(s), THROUGHPUT hint',
                      requests, int(compiled.get_property('NUM_STREAMS')),
                      _property_name(compiled.get_property('PERFORMANCE_HINT')))


def torch_throughput(run: Callable, inputs, items_per_call: int, seconds: float = 10.0,
                     threads: int = DEFAULT_THREADS, how: str = '') -> Throughput:
    """Items / s of a PyTorch runner called repeatedly on `inputs` (after one warm-up call)."""
    previous = torch.get_num_threads()
    torch.set_num_threads(threads)
    try:
        run(inputs)
        calls, start = 0, time.perf_counter()
        while calls < 1 or time.perf_counter() - start < seconds:
            run(inputs)
            calls += 1
        elapsed = time.perf_counter() - start
    finally:
        torch.set_num_threads(previous)
    return Throughput('PyTorch FP32', calls * items_per_call, elapsed, how)


def measure_throughput(prepared: Prepared, seconds: float = 10.0, eager_batch: int = 2,
                       threads: int = DEFAULT_THREADS) -> dict[str, Throughput]:
    """Throughput mode in each runtime: OpenVINO asynchronous requests, PyTorch eager on a batch."""
    if prepared.batchable:
        how = f'one call on a batch of {eager_batch} items'
        eager = torch_throughput(prepared.make_torch_runner(prepared.net), prepared.batch(eager_batch),
                                 eager_batch, seconds, threads, how)
    else:
        eager = torch_throughput(prepared.make_torch_runner(prepared.net), prepared.inputs, 1,
                                 seconds, threads, 'items one after the other (one clip per call)')
    out = {'PyTorch FP32': eager}
    shape = first_input(prepared.inputs).shape
    for runtime, xml in (('OpenVINO FP32', prepared.xml_fp32), ('OpenVINO INT8', prepared.xml_int8)):
        out[runtime] = ov_throughput(static_model(xml, shape), prepared.inputs, seconds, threads,
                                     runtime)
    return out
