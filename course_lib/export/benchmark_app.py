"""The cross-check with OpenVINO's own benchmark_app: run it on an IR with the latency hint and read
its median latency and throughput back from its report."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Sequence

from ..machine import cpu_info


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
