"""Facts about the machine a measurement ran on: CPU model, usable cores and the CPU flags that
matter for INT8 / bf16, the load average, and the versions of the packages the numbers depend on.
Standard library only (next to `hardware.py`, which decides what `make setup` installs)."""
from __future__ import annotations

import os
import platform
from pathlib import Path

CPU_FLAGS = ('avx2', 'avx512f', 'avx512_vnni', 'avx_vnni', 'avx512_bf16', 'amx_tile', 'amx_int8',
             'amx_bf16')


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


def peak_memory_gb() -> float:
    """Peak resident memory of this process (a lesson's kernel) and of its finished children, in GB."""
    import resource  # Unix; ru_maxrss is in KB on Linux
    return max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
               resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024 ** 2


# the packages the course's results depend on: the banner's stamp, the doctor, the benchmark records
PACKAGES = ('torch', 'mmengine', 'mmcv', 'mmaction2', 'mmdet', 'openvino', 'nncf')


def versions(names: tuple[str, ...] = PACKAGES) -> dict[str, str]:
    """Installed versions of python and of the named packages ('not installed' for a missing one)."""
    import importlib.metadata as md
    out = {'python': platform.python_version()}
    for name in names:
        try:
            out[name] = md.version(name)
        except md.PackageNotFoundError:
            out[name] = 'not installed'
    return out
