"""Facts about the machine a measurement ran on: CPU model, usable cores and the CPU flags that
matter for INT8 / bf16 (`instruction_sets`: whether the CPU has int8 dot-product instructions), the
load average, and the versions of the packages the numbers depend on.
Standard library only (next to `hardware.py`, which decides what `make setup` installs)."""
from __future__ import annotations

import os
import platform
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

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


# ---- the instruction sets INT8 speed depends on --------------------------------------------------

@dataclass(frozen=True)
class InstructionSets:
    """The CPU's vector and matrix instruction sets that decide what INT8 inference gains."""

    avx2: bool = False
    avx512f: bool = False
    avx512_vnni: bool = False
    avx_vnni: bool = False
    amx_int8: bool = False
    amx_bf16: bool = False
    known: bool = True  # False where the CPU flags could not be read (no /proc/cpuinfo)

    @property
    def int8_dot_product(self) -> bool:
        """True when the CPU has int8 dot-product instructions (AVX-512 VNNI, AVX-VNNI or AMX-INT8)."""
        return self.avx512_vnni or self.avx_vnni or self.amx_int8

    @property
    def int8_instructions(self) -> str:
        """The int8 dot-product instruction sets present, e.g. 'AVX-512 VNNI', or 'none'."""
        names = [name for name, field in _INT8_NAMES if getattr(self, field)]
        return ', '.join(names) or 'none'

    def describe(self) -> str:
        """One line: each instruction set yes / no, then whether int8 dot products are available."""
        if not self.known:
            return 'CPU flags unknown (no /proc/cpuinfo): int8 dot-product instructions unknown'
        sets = ', '.join(f'{name} {"yes" if getattr(self, field) else "no"}'
                         for name, field in _NAMES)
        return f'{sets} -> int8 dot-product instructions: {self.int8_instructions}'


_NAMES = (('AVX2', 'avx2'), ('AVX-512F', 'avx512f'), ('AVX-512 VNNI', 'avx512_vnni'),
          ('AVX-VNNI', 'avx_vnni'), ('AMX-INT8', 'amx_int8'), ('AMX-BF16', 'amx_bf16'))
_INT8_NAMES = (('AVX-512 VNNI', 'avx512_vnni'), ('AVX-VNNI', 'avx_vnni'), ('AMX-INT8', 'amx_int8'))


def instruction_sets(flags: Mapping[str, bool] | str | None = None,
                     cpuinfo: str | os.PathLike = '/proc/cpuinfo') -> InstructionSets:
    """The instruction sets of this CPU (read from `cpuinfo`), of a `flags` line of /proc/cpuinfo,
    or of a record's `{'avx2': True, ...}` flags (`cpu_info()['flags']`)."""
    if flags is None:
        try:
            text = Path(cpuinfo).read_text()
        except OSError:
            return InstructionSets(known=False)
        line = next((value for key, _, value in (ln.partition(':') for ln in text.splitlines())
                     if key.strip() == 'flags'), None)
        if line is None:
            return InstructionSets(known=False)
        flags = line
    present = set(flags.split()) if isinstance(flags, str) else {f for f, on in flags.items() if on}
    return InstructionSets(**{field: field in present for _, field in _NAMES})
