"""Deployment-scale benchmark: the run and its record, for the full profile's architectures at the
input sizes of their full configs.

Lesson 08's own benchmark times the smoke models (8 x 32 x 32 clips), whose ratios say little about
the model a user deploys. This benchmark builds the **full-profile** architectures from the course's
full configs with **random weights** (speed only, no accuracy; `deploy_models`) and times each one
in **latency** and **throughput** mode (`deploy_timing`) for PyTorch eager FP32, OpenVINO FP32 and
OpenVINO INT8, with a cross-check by OpenVINO's benchmark_app (`benchmark_app`) and the machine's
facts (`course_lib.machine`).

This module runs it and keeps its record: `run_deployment_benchmark` returns a JSON-able record
(machine, versions, tables, bars); `write_record` saves it as `docs/benchmarks/deployment_<date>.md`
and `.json`, `latest_record` reads the newest back (lesson 08 shows it), `measure_live` times one
deployment-size model within a lesson's budget and `bench_rows` a lesson's own models side by side.
Which speed bars are asserted depends on the CPU (`int8_speed`). Run by `scripts/benchmark_export.py --deployment`
(`make benchmark-deployment`).
"""
from __future__ import annotations

import datetime as _dt
import json
import os
import re
import time
from pathlib import Path
from typing import Callable, Iterable, Mapping, Sequence

import torch

from ..complexity import model_complexity
from ..errors import FileFormatError, InputError, MissingFileError
from ..machine import InstructionSets, cpu_info, instruction_sets, load_average, versions
from ..output import quiet
from . import benchmark, convert, int8_speed, quantize
from .benchmark_app import benchmark_app_latency
from .deploy_models import KEYS, Prepared, first_input, model_spec, prepare
from .deploy_timing import Throughput, measure_latency, measure_throughput
from .parity import DEFAULT_THREADS

RUNTIMES = ('PyTorch FP32', 'OpenVINO FP32', 'OpenVINO INT8')
RECORD_DIR = Path(__file__).resolve().parents[2] / 'docs' / 'benchmarks'
WEIGHTS_LABEL = ('random weights (PyTorch default initialisation, seed 0; no checkpoint downloaded): '
                 'speed and size only, no accuracy')
# The bars of issue 19, checked on the recognizer in latency mode.
BARS = (('recognizer', 'OpenVINO INT8', 'PyTorch FP32', 4.0),
        ('recognizer', 'OpenVINO INT8', 'OpenVINO FP32', 1.8))


# ---- bars ----------------------------------------------------------------------------------------

def check_bars(models: Sequence[Mapping], cpu: InstructionSets | None = None) -> list[dict]:
    """Issue 19's bars on a record's models: recognizer INT8 >= 4x eager and >= 1.8x OpenVINO FP32
    in latency mode (median), asserted only on a CPU with int8 dot-product instructions (`cpu`,
    default this one's) and reported elsewhere; the recognizer's INT8 IR at most
    `int8_speed.SIZE_RATIO_MAX` of its FP32 IR; a throughput number > 0 for every runtime of every
    model. `passed` is None for a bar whose model the run left out, or a reported one."""
    cpu = instruction_sets() if cpu is None else cpu
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
        out.append(int8_speed.speed_bar(f'{model["label"]} {runtime} is {value:.2f}x faster than '
                                        f'{baseline} in latency mode', value, minimum, cpu))
    if 'recognizer' in by_key:
        sizes = by_key['recognizer']['size_mb']
        out.append(int8_speed.size_bar(by_key['recognizer']['label'], sizes['OpenVINO INT8'],
                                       sizes['OpenVINO FP32']))
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
        app = benchmark_app_latency(prepared.xml_int8, first_input(prepared.inputs).shape)
        entry = next(m for m in record['models'] if m['key'] == cross_check)
        record['benchmark_app'] = dict(app, model=f'{prepared.spec.label} OpenVINO INT8',
                                       ours_median_ms=entry['latency_ms']['OpenVINO INT8']['median'])
    record['load_average_end'] = load_average()
    record['total_seconds'] = round(time.perf_counter() - start, 1)
    record['bars'] = check_bars(record['models'], instruction_sets(record['machine']['flags']))
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
    lines += [f'- {int8_speed.verdict(b)}: {b["text"]}' for b in record['bars']]
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
        raise MissingFileError(f'No {kind} benchmark record in {directory}: run '
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
    cpu = instruction_sets(machine['flags'])
    return (f'Recorded {record["date"]} on {machine["model"]} ({machine["cores"]} cores; int8 '
            f'dot-product instructions: {cpu.int8_instructions}), load average '
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


def bench_rows(case, runners: Mapping[str, Callable], sizes_mb: Sequence[float],
               metrics: Sequence[float], warmup: int = 3, repeats: int = 8,
               threads: int | None = DEFAULT_THREADS) -> list[benchmark.BenchRow]:
    """Time `runners` side by side on `case.bench_input` (`benchmark.measure`) and return one row per
    runtime with its size, metric and the network's GFLOPs and parameters (lesson 08, section 7).

    `case`: a `cases` case (its `name`, `net`, `bench_input`, `metric_name`); `sizes_mb` and
    `metrics` are in the order of `runners`."""
    if not len(runners) == len(sizes_mb) == len(metrics):
        raise InputError(f'{len(runners)} runners, {len(sizes_mb)} sizes and {len(metrics)} metrics: '
                         'give one size and one metric per runner, in the same order.')
    timings = benchmark.measure(runners, case.bench_input, warmup=warmup, repeats=repeats,
                                threads=threads)
    inputs = case.bench_input if isinstance(case.bench_input, tuple) else (case.bench_input,)
    with quiet():
        size = model_complexity(case.net, *(torch.from_numpy(a) for a in inputs))
    return [benchmark.BenchRow(case.name, runtime, timings[runtime], mb, case.metric_name, metric,
                               size.gflops, size.params_m)
            for runtime, mb, metric in zip(runners, sizes_mb, metrics)]
