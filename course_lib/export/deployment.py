"""Deployment-scale benchmark: the full profile's architectures at the input sizes of their full configs.

Lesson 08's own benchmark times the smoke models (8 x 32 x 32 clips), whose ratios say little about
the model a user deploys. This module builds the **full-profile** architectures from the course's
full configs (config table, profile 'full') with **random weights** (PyTorch's default
initialisation, seed 0: nothing is downloaded, so speed only, no accuracy) and times each one

* in **latency** mode: one request, batch 1, `benchmark.measure` (warm-up, interleaved repeats,
  median; the same thread count for every runtime);
* in **throughput** mode: OpenVINO with `PERFORMANCE_HINT=THROUGHPUT` and an `AsyncInferQueue` of
  the compiled model's `OPTIMAL_NUMBER_OF_INFER_REQUESTS` (items / s over a fixed time); PyTorch
  eager as one call on a batch of N items (the spatio-temporal detector: N clips one after the
  other, its IR takes one clip),

for PyTorch eager FP32, OpenVINO FP32 (`INFERENCE_PRECISION_HINT=f32`: no bf16 shortcut on CPUs that
have one) and OpenVINO INT8 (`nncf.quantize` calibrated on a few random inputs of the right shape).
The IRs come from `convert` / `stdet` (RoIAlign as OpenVINO's ROIAlign), INT8 from `quantize`.
`run_deployment_benchmark` returns a JSON-able record (machine, versions, tables, bars);
`write_record` saves it as `docs/benchmarks/deployment_<date>.md` and `.json`, `latest_record` reads
the newest back (lesson 08 shows it), `measure_live` times one deployment-size model within a
lesson's budget. Run by `scripts/benchmark_export.py --deployment` (`make benchmark-deployment`).
"""
from __future__ import annotations

import datetime as _dt
import json
import logging
import os
import platform
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Mapping, Sequence

import numpy as np
import torch
from torch import nn

from ..complexity import model_complexity
from ..configs import config_path, for_lesson
from ..errors import FileFormatError, InputError
from ..output import quiet
from ..profile import data_dir
from . import benchmark, convert, quantize
from .parity import DEFAULT_THREADS, compile_ir

RUNTIMES = ('PyTorch FP32', 'OpenVINO FP32', 'OpenVINO INT8')
RECORD_DIR = Path(__file__).resolve().parents[2] / 'docs' / 'benchmarks'
WEIGHTS_LABEL = ('random weights (PyTorch default initialisation, seed 0; no checkpoint downloaded): '
                 'speed and size only, no accuracy')
CPU_FLAGS = ('avx2', 'avx512f', 'avx512_vnni', 'avx_vnni', 'avx512_bf16', 'amx_tile', 'amx_int8',
             'amx_bf16')
# The bars of issue 19, checked on the recognizer in latency mode.
BARS = (('recognizer', 'OpenVINO INT8', 'PyTorch FP32', 4.0),
        ('recognizer', 'OpenVINO INT8', 'OpenVINO FP32', 1.8))
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
    os.environ.setdefault('COURSE_DATA_DIR', str(data_dir()))  # read by the configs' data_root
    # Config.fromfile, not configs.load_config: in the full profile that one downloads the
    # checkpoints the config names, which a random-weight speed benchmark does not use.
    with quiet(stdout=False, level=logging.WARNING):  # one INFO line per `{{$COURSE_DATA_DIR}}`
        return Config.fromfile(str(config_path(for_lesson(spec.lesson, spec.role, profile='full'))))


def _steps(cfg, pipeline: str) -> dict:
    steps = cfg.get(pipeline) or []
    return {s['type']: s for s in steps}


def input_shape(spec: DeploymentModel, cfg) -> tuple[int, ...]:
    """The input size the full config tests at: (T, H, W) for recognizers and the spatio-temporal
    detector, (H, W) for the detector, (channels, temporal scale) for BMN; read from the config."""
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


# ---- preparing one model: network, example inputs, FP32 and INT8 IRs -----------------------------

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


def _first(inputs) -> np.ndarray:
    return inputs[0] if isinstance(inputs, tuple) else inputs


# ---- latency and throughput -----------------------------------------------------------------------

def measure_latency(prepared: Prepared, repeats: int = 5, warmup: int = 1,
                    threads: int = DEFAULT_THREADS) -> dict[str, benchmark.Timing]:
    """Latency of one request (batch 1) in each runtime: `benchmark.measure` (interleaved, median)."""
    shape = _first(prepared.inputs).shape
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
    shape = _first(prepared.inputs).shape
    for runtime, xml in (('OpenVINO FP32', prepared.xml_fp32), ('OpenVINO INT8', prepared.xml_int8)):
        out[runtime] = ov_throughput(static_model(xml, shape), prepared.inputs, seconds, threads,
                                     runtime)
    return out


# ---- benchmark_app cross-check ---------------------------------------------------------------------

def benchmark_app_path() -> str | None:
    """OpenVINO's benchmark_app next to this Python (the openvino wheel installs it), or on PATH."""
    local = Path(sys.executable).parent / 'benchmark_app'
    return str(local) if local.exists() else shutil.which('benchmark_app')


def parse_benchmark_app(text: str) -> dict[str, float]:
    """The median latency (ms) and throughput (FPS) from benchmark_app's report."""
    out = {}
    latency = re.search(r'Latency:\s*(?:\[ INFO \])?\s*Median:\s*([\d.]+)\s*ms', text)
    if latency:
        out['median_ms'] = float(latency.group(1))
    fps = re.search(r'Throughput:\s*([\d.]+)\s*FPS', text)
    if fps:
        out['fps'] = float(fps.group(1))
    return out


def benchmark_app_latency(xml: str | os.PathLike, shape: Sequence[int], seconds: int = 15) -> dict:
    """Run benchmark_app on an IR with the latency hint (f32 inference precision, one request).

    benchmark_app refuses -nthreads together with a hint, so it uses every core the hint gives it
    (`cores` in the result: on a 2-core machine, the benchmark's own 2 threads).
    """
    exe = benchmark_app_path()
    shape_arg = '[' + ','.join(str(int(s)) for s in shape) + ']'
    command = [exe or 'benchmark_app', '-m', str(xml), '-d', 'CPU', '-hint', 'latency',
               '-infer_precision', 'f32', '-shape', shape_arg, '-t', str(seconds)]
    shown = [Path(xml).name if part == str(xml) else part for part in command[1:]]  # no local paths
    record = {'command': 'benchmark_app ' + ' '.join(shown), 'cores': cpu_info()['cores']}
    if exe is None:
        return dict(record, error='benchmark_app is not installed next to this Python or on PATH')
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 300)
    parsed = parse_benchmark_app(done.stdout)
    if done.returncode or 'median_ms' not in parsed:
        tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
        return dict(record, error=f'exit {done.returncode}: ' + ' | '.join(tail))
    return dict(record, **parsed)


# ---- the machine ---------------------------------------------------------------------------------

def cpu_info(cpuinfo: str | os.PathLike = '/proc/cpuinfo') -> dict:
    """CPU model name, usable cores, and which of the flags that matter for INT8 / bf16 it has."""
    model, flags = platform.processor() or platform.machine(), set()
    try:
        text = Path(cpuinfo).read_text()
    except OSError:
        text = ''
    for line in text.splitlines():
        key, _, value = line.partition(':')
        if key.strip() == 'model name' and value.strip():
            model = value.strip()
        elif key.strip() == 'flags' and not flags:
            flags = set(value.split())
    cores = len(os.sched_getaffinity(0)) if hasattr(os, 'sched_getaffinity') else os.cpu_count()
    return {'model': model, 'cores': int(cores or 1), 'flags': {f: f in flags for f in CPU_FLAGS}}


def load_average() -> list[float]:
    """The 1, 5 and 15-minute load averages (empty where the OS has none)."""
    try:
        return [round(v, 2) for v in os.getloadavg()]
    except (OSError, AttributeError):
        return []


def versions() -> dict[str, str]:
    """Versions of the packages the numbers depend on."""
    import importlib.metadata as md
    out = {'python': platform.python_version()}
    for name in ('torch', 'openvino', 'nncf', 'mmaction2', 'mmdet', 'mmcv', 'mmengine'):
        try:
            out[name] = md.version(name)
        except md.PackageNotFoundError:
            out[name] = 'not installed'
    return out


# ---- bars ----------------------------------------------------------------------------------------

def check_bars(models: Sequence[Mapping]) -> list[dict]:
    """Issue 19's bars on a record's models: recognizer INT8 >= 4x eager and >= 1.8x OpenVINO FP32
    in latency mode (median), and a throughput number > 0 for every runtime of every model.
    `passed` is None for a bar whose model the run left out."""
    out = []
    by_key = {m['key']: m for m in models}
    for key, runtime, baseline, minimum in BARS:
        model = by_key.get(key)
        if model is None:  # a run of other models only: the bar is not checked (None), not failed
            out.append({'text': f'{model_spec(key).label} {runtime} vs {baseline}: not measured in '
                                f'this run (>= {minimum}x)',
                        'value': None, 'threshold': minimum, 'passed': None})
            continue
        latency = model['latency_ms']
        value = latency[baseline]['median'] / latency[runtime]['median']
        out.append({'text': f'{model["label"]} {runtime} is {value:.2f}x faster than {baseline} '
                            f'in latency mode (>= {minimum}x)',
                    'value': round(value, 3), 'threshold': minimum, 'passed': value >= minimum})
    for model in models:
        missing = [r for r in RUNTIMES
                   if not (model.get('throughput', {}).get(r, {}).get('items_per_s') or 0) > 0]
        out.append({'text': f'{model["label"]}: throughput for every runtime'
                            + (f' (missing: {", ".join(missing)})' if missing else ''),
                    'value': len(RUNTIMES) - len(missing), 'threshold': len(RUNTIMES),
                    'passed': not missing})
    return out


# ---- one run -------------------------------------------------------------------------------------

def model_entry(prepared: Prepared, latency: Mapping[str, benchmark.Timing],
                throughput: Mapping[str, Throughput]) -> dict:
    """One model's part of the record: input, complexity, sizes, latency and throughput."""
    with quiet():
        size = model_complexity(prepared.net, *prepared.torch_inputs())
    spec = prepared.spec
    input_text = ' x '.join(str(s) for s in prepared.shape)
    if spec.kind == 'stdet':
        input_text += f' clip + {len(prepared.inputs[1])} person boxes'
    return {
        'key': spec.key, 'label': spec.label, 'config': prepared.config, 'kind': spec.kind,
        'input': input_text, 'input_shapes': [list(a.shape) for a in (
            prepared.inputs if isinstance(prepared.inputs, tuple) else (prepared.inputs,))],
        'input_note': spec.note, 'gflops': round(size.gflops, 3), 'params': size.params,
        'size_mb': {'PyTorch FP32': round(convert.torch_size_mb(prepared.net), 2),
                    'OpenVINO FP32': round(convert.ir_size_mb(prepared.xml_fp32), 2),
                    'OpenVINO INT8': round(convert.ir_size_mb(prepared.xml_int8), 2)},
        'calibration_items': prepared.calibration_items,
        'fake_quantize_ops': quantize.fake_quantize_count(prepared.xml_int8),
        'latency_ms': {name: {'median': round(t.median_ms, 2), 'iqr': round(t.iqr_ms, 2),
                              'repeats': len(t.times_ms)} for name, t in latency.items()},
        'throughput': {name: {'items_per_s': round(t.items_per_s, 3), 'items': t.items,
                              'seconds': round(t.seconds, 2), 'how': t.how, 'requests': t.requests,
                              'streams': t.streams, 'hint': t.hint}
                       for name, t in throughput.items()},
        'seconds': {k: round(v, 1) for k, v in prepared.seconds.items()},
    }


def run_deployment_benchmark(keys: Iterable[str] = KEYS, repeats: int = 5, warmup: int = 1,
                             calibration_items: int = 10, throughput_seconds: float = 10.0,
                             eager_batch: int = 2, threads: int = DEFAULT_THREADS,
                             cross_check: str | None = 'recognizer', command: str = '',
                             progress: Callable[[str], None] = print) -> dict:
    """Measure every chosen model in latency and throughput mode; return the record (bars included)."""
    keys = list(dict.fromkeys(keys))
    for key in keys:
        model_spec(key)
    for name, value in (('repeats', repeats), ('eager_batch', eager_batch), ('threads', threads)):
        if value < 1:
            raise InputError(f'{name}={value}: must be >= 1.')
    now = _dt.datetime.now(_dt.timezone.utc)
    record = {
        'kind': 'deployment', 'date': now.strftime('%Y-%m-%d'), 'time_utc': now.strftime('%H:%M'),
        'command': command, 'weights': WEIGHTS_LABEL, 'machine': cpu_info(),
        'load_average_start': load_average(), 'versions': versions(),
        'settings': {'threads': threads, 'latency_repeats': repeats, 'warmup': warmup,
                     'calibration': f'{calibration_items} random inputs of the right shape '
                                    '(nncf.quantize defaults)',
                     'calibration_items': calibration_items,
                     'throughput_seconds': throughput_seconds, 'eager_batch': eager_batch,
                     'inference_precision': 'f32 (INFERENCE_PRECISION_HINT=f32 for FP32 and INT8 IRs)',
                     'omp_wait_policy': os.environ.get('OMP_WAIT_POLICY', 'unset')},
        'models': []}
    start = time.perf_counter()
    cross_checked = None
    for key in keys:
        progress(f'== {model_spec(key).label}: build (random weights), export, quantize '
                 f'({calibration_items} random calibration items)')
        prepared = prepare(key, calibration_items)
        progress(f'   input {prepared.shape}; latency ({repeats} repeats, {threads} threads)')
        clock = time.perf_counter()
        latency = measure_latency(prepared, repeats, warmup, threads)
        prepared.seconds['latency'] = time.perf_counter() - clock
        progress('   ' + ', '.join(f'{k} {t.median_ms:.1f} ms' for k, t in latency.items()))
        clock = time.perf_counter()
        throughput = measure_throughput(prepared, throughput_seconds, eager_batch, threads)
        prepared.seconds['throughput'] = time.perf_counter() - clock
        progress('   throughput ' + ', '.join(f'{k} {t.items_per_s:.2f}/s'
                                              for k, t in throughput.items()))
        record['models'].append(model_entry(prepared, latency, throughput))
        if key == cross_check:
            cross_checked = prepared
        del prepared
    if cross_checked is not None:
        prepared = cross_checked
        progress(f'== benchmark_app cross-check: {prepared.spec.label} INT8, latency hint')
        app = benchmark_app_latency(prepared.xml_int8, _first(prepared.inputs).shape)
        entry = next(m for m in record['models'] if m['key'] == cross_check)
        record['benchmark_app'] = dict(app, model=f'{prepared.spec.label} OpenVINO INT8',
                                       ours_median_ms=entry['latency_ms']['OpenVINO INT8']['median'])
    record['load_average_end'] = load_average()
    record['total_seconds'] = round(time.perf_counter() - start, 1)
    record['bars'] = check_bars(record['models'])
    record['passed'] = all(b['passed'] is not False for b in record['bars'])
    record['complete'] = set(keys) == set(KEYS)
    return record


# ---- the record ----------------------------------------------------------------------------------

def _fmt(value: float) -> str:
    return f'{value:.1f}' if value >= 10 else f'{value:.2f}'


def record_markdown(record: Mapping) -> str:
    """The record as a Markdown page: machine, versions, command, then the tables and the bars."""
    machine = record['machine']
    flags = ', '.join(f'{f} {"yes" if v else "no"}' for f, v in machine['flags'].items())
    v = record['versions']
    settings = record['settings']
    lines = [
        f'# Deployment-scale benchmark, {record["date"]}', '',
        f'Recorded {record["date"]} {record.get("time_utc", "")} UTC by `{record["command"]}` on '
        f'{machine["model"]}, {machine["cores"]} cores (CPU flags: {flags}); load average '
        f'{"/".join(str(x) for x in record["load_average_start"])} at the start and '
        f'{"/".join(str(x) for x in record.get("load_average_end", []))} at the end (1/5/15 min; '
        'other jobs may share the CPU). torch ' + v.get('torch', '?') + ', openvino '
        + v.get('openvino', '?') + ', nncf ' + v.get('nncf', '?') + '. '
        f'Total {record.get("total_seconds", 0) / 60:.1f} min.', '',
        f'**Weights: {record["weights"]}.** Architectures and input sizes come from the course\'s '
        'full configs (profile `full` of the config table); INT8 is `nncf.quantize` calibrated on '
        f'{settings["calibration"]}. All runtimes use {settings["threads"]} threads; OpenVINO compiles '
        f'with {settings["inference_precision"]}. GFLOPs: `course_lib.complexity` (mmengine\'s '
        'FlopAnalyzer, one multiply-add = one FLOP) at the input shown; accuracy is measured on the '
        'trained smoke models (`make benchmark-export`, lesson 08), not here.', '',
        '## Latency (one request, batch 1)', '', *latency_lines(record),
        '', '## Throughput (items / s)', '', *throughput_lines(record)]
    lines += ['', '## Sizes and inputs', '',
              '| model | config | PyTorch FP32 MB | IR FP32 MB | IR INT8 MB | FakeQuantize ops | '
              'input size read from |', '|---|---|---|---|---|---|---|']
    for m in record['models']:
        s = m['size_mb']
        lines.append(f'| {m["label"]} | `{m["config"]}` | {s["PyTorch FP32"]:.1f} | '
                     f'{s["OpenVINO FP32"]:.1f} | {s["OpenVINO INT8"]:.1f} | {m["fake_quantize_ops"]} | '
                     f'{m["input_note"]} |')
    app = record.get('benchmark_app')
    if app:
        lines += ['', '## Cross-check with benchmark_app', '']
        if 'median_ms' in app:
            lines.append(f'{app["model"]}, latency hint: benchmark_app median {app["median_ms"]:.1f} ms '
                         f'(its own threads: every one of the {app.get("cores", "?")} cores), this '
                         f'benchmark {app["ours_median_ms"]:.1f} ms (`{app["command"]}`; measured '
                         'after the models, so the load may differ).')
        else:
            lines.append(f'{app["model"]}: benchmark_app did not run ({app.get("error")}).')
    lines += ['', '## Bars', '']
    verdict = {True: 'PASS', False: 'FAIL', None: 'NOT CHECKED'}
    lines += [f'- {verdict[b["passed"]]}: {b["text"]}' for b in record['bars']]
    return '\n'.join(lines) + '\n'


def latency_lines(record: Mapping) -> list[str]:
    """The record's latency table (Markdown lines), with the INT8 speed-ups."""
    settings = record['settings']
    lines = [f'Median of {settings["latency_repeats"]} interleaved repeats after {settings["warmup"]} '
             'warm-up call(s) (IQR in brackets), in ms; speed-ups of OpenVINO INT8.', '',
             '| model | input | GFLOPs | params (M) | PyTorch FP32 | OpenVINO FP32 | OpenVINO INT8 | '
             'INT8 vs eager | INT8 vs OV FP32 |', '|---|---|---|---|---|---|---|---|---|']
    for m in record['models']:
        lat = m['latency_ms']
        cells = [f'{_fmt(lat[r]["median"])} ({_fmt(lat[r]["iqr"])})' for r in RUNTIMES]
        int8 = lat['OpenVINO INT8']['median']
        lines.append(f'| {m["label"]} | {m["input"]} | {m["gflops"]:.1f} | {m["params"] / 1e6:.2f} | '
                     + ' | '.join(cells) + f' | {lat["PyTorch FP32"]["median"] / int8:.2f}x | '
                     f'{lat["OpenVINO FP32"]["median"] / int8:.2f}x |')
    return lines


def throughput_lines(record: Mapping) -> list[str]:
    """The record's throughput table (Markdown lines): items per second of every runtime."""
    settings = record['settings']
    lines = [f'OpenVINO: `PERFORMANCE_HINT=THROUGHPUT`, an `AsyncInferQueue` of the compiled model\'s '
             f'optimal number of requests, run for {settings["throughput_seconds"]} s. PyTorch eager: '
             f'one call on a batch of {settings["eager_batch"]} items, repeated for the same time (the '
             'spatio-temporal detector: one clip per call, one after the other).', '',
             '| model | PyTorch FP32 | OpenVINO FP32 | OpenVINO INT8 | OpenVINO requests / streams |',
             '|---|---|---|---|---|']
    for m in record['models']:
        tp = m['throughput']
        ov = tp['OpenVINO INT8']
        lines.append(f'| {m["label"]} | ' + ' | '.join(_fmt(tp[r]['items_per_s']) for r in RUNTIMES)
                     + f' | {ov["requests"]} / {ov["streams"]} |')
    return lines


def record_tables(record: Mapping) -> str:
    """The record's latency and throughput tables as Markdown (for a lesson, under its caption)."""
    return '\n'.join(['**Latency** (one request, batch 1)', '', *latency_lines(record), '',
                      '**Throughput** (items / s)', '', *throughput_lines(record)]) + '\n'


def speedups_vs_record(live: Sequence[benchmark.BenchRow], record: Mapping, key: str = 'x3d') -> str:
    """One line setting the INT8 speed-ups of a live run beside the record's for the same model."""
    entry = next((m for m in record['models'] if m['key'] == key), None)
    if entry is None:
        raise InputError(f'The record of {record["date"]} has no model {key!r}; it has '
                         f'{[m["key"] for m in record["models"]]}.')
    now = {r.runtime: r.timing.median_ms for r in live}
    then = {r: entry['latency_ms'][r]['median'] for r in RUNTIMES}
    ratio = {name: (t['PyTorch FP32'] / t['OpenVINO INT8'], t['OpenVINO FP32'] / t['OpenVINO INT8'])
             for name, t in (('now', now), ('record', then))}
    return (f'{entry["label"]}, OpenVINO INT8 vs PyTorch eager: {ratio["now"][0]:.2f}x now, '
            f'{ratio["record"][0]:.2f}x in the record; vs OpenVINO FP32: '
            f'{ratio["now"][1]:.2f}x now, {ratio["record"][1]:.2f}x in the record.')


def write_record(record: Mapping, directory: str | os.PathLike | None = None) -> tuple[Path, Path]:
    """Save the record as `<kind>_<date>.md` and `.json` (a rerun the same day replaces them)."""
    directory = Path(directory) if directory else RECORD_DIR
    directory.mkdir(parents=True, exist_ok=True)
    stem = f'{record["kind"]}_{record["date"]}'
    md, js = directory / f'{stem}.md', directory / f'{stem}.json'
    js.write_text(json.dumps(record, indent=1) + '\n')
    md.write_text(record_markdown(record))
    return md, js


def latest_record(kind: str = 'deployment', directory: str | os.PathLike | None = None
                  ) -> tuple[Path, dict]:
    """The newest `<kind>_<YYYY-MM-DD>.json` record (path, contents) in docs/benchmarks/."""
    directory = Path(directory) if directory else RECORD_DIR
    found = sorted(p for p in directory.glob(f'{kind}_*.json')
                   if re.fullmatch(rf'{re.escape(kind)}_\d{{4}}-\d{{2}}-\d{{2}}', p.stem))
    if not found:
        raise FileNotFoundError(f'No {kind} benchmark record in {directory}: run '
                                f'`make benchmark-{kind}` (scripts/benchmark_export.py --{kind}).')
    path = found[-1]
    try:
        record = json.loads(path.read_text())
    except json.JSONDecodeError as err:
        raise FileFormatError(f'{path}: not valid JSON ({err}); rerun `make benchmark-{kind}`.') from err
    if record.get('kind') != kind or 'machine' not in record or 'date' not in record:
        raise FileFormatError(f'{path}: not a {kind} benchmark record (no kind / date / machine); '
                              f'rerun `make benchmark-{kind}`.')
    return path, record


def record_caption(record: Mapping) -> str:
    """One line naming a record's date, machine, load and weights (for a lesson to print above it)."""
    machine = record['machine']
    return (f'Recorded {record["date"]} on {machine["model"]} ({machine["cores"]} cores), load average '
            f'{record["load_average_start"][0] if record["load_average_start"] else "?"} at the start; '
            f'{record["weights"]}.')


# ---- one model live (lesson 08) ------------------------------------------------------------------

def measure_live(key: str = 'x3d', repeats: int = 7, calibration_items: int = 8,
                 threads: int = DEFAULT_THREADS) -> list[benchmark.BenchRow]:
    """Build, export, quantize and time one deployment-size model now (X3D-S: about a minute on
    2 cores); rows for `benchmark.benchmark_table` (metric: none, the weights are random)."""
    prepared = prepare(key, calibration_items)
    timings = measure_latency(prepared, repeats=repeats, warmup=1, threads=threads)
    sizes = {'PyTorch FP32': convert.torch_size_mb(prepared.net),
             'OpenVINO FP32': convert.ir_size_mb(prepared.xml_fp32),
             'OpenVINO INT8': convert.ir_size_mb(prepared.xml_int8)}
    name = f'{prepared.spec.label} {" x ".join(str(s) for s in prepared.shape)}'
    with quiet():
        size = model_complexity(prepared.net, *prepared.torch_inputs())
    return [benchmark.BenchRow(name, runtime, timing, sizes[runtime], 'random weights', float('nan'),
                               gflops=size.gflops, params_m=size.params_m)
            for runtime, timing in timings.items()]


__all__ = ['BARS', 'KEYS', 'MODELS', 'DeploymentModel', 'Prepared', 'Throughput', 'benchmark_app_latency',
           'check_bars', 'cpu_info', 'full_config', 'input_shape', 'latest_record', 'measure_latency',
           'measure_live', 'measure_throughput', 'model_spec', 'ov_throughput', 'parse_benchmark_app',
           'prepare', 'record_caption', 'record_markdown', 'record_tables', 'speedups_vs_record', 'run_deployment_benchmark', 'write_record']
