"""Which torch and mmcv builds this machine needs: an NVIDIA GPU (by its driver) or the CPU.

`make setup` runs this file by path before anything is installed, so it uses the standard library
only and imports nothing from course_lib:

    python course_lib/hardware.py plan --torch 2.13.0     # prints shell variables for setup.sh

A GPU is detected from its driver (`nvidia-smi`, or /proc/driver/nvidia/gpus), never from `nvcc`:
a CUDA compiler without a GPU (a build machine) is a CPU machine. With a GPU, torch's CUDA build is
the newest one the driver supports, and mmcv is compiled with CUDA ops, which needs `nvcc`; without
it the plan falls back to the CPU build and says what to install. Every decision is a pure function
of what was detected (tests/test_hardware.py simulates the hardware).
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

# CUDA builds published for each torch version on https://download.pytorch.org/whl/<tag>.
# Not checkable offline: when torch is re-pinned, compare with that index (pip then fails loudly
# on a tag that does not exist, naming the index).
TORCH_CUDA_BUILDS = {'2.13': ('cu126', 'cu128', 'cu130')}
TORCH_INDEX = 'https://download.pytorch.org/whl/{tag}'


@dataclass(frozen=True)
class Gpu:
    """An NVIDIA GPU as its driver reports it."""

    name: str
    driver_cuda: tuple[int, int] | None  # the newest CUDA the driver runs ("CUDA Version" line)
    compute_capability: str | None = None  # e.g. '8.6', for TORCH_CUDA_ARCH_LIST


@dataclass(frozen=True)
class Plan:
    """What setup.sh installs."""

    device: str  # 'cuda' or 'cpu'
    torch_index_url: str | None  # None: the CPU build (found on disk or PyPI)
    cuda_tag: str | None  # e.g. 'cu126'
    mmcv_cuda_ops: bool
    cuda_arch: str | None
    message: str

    def shell(self) -> str:
        """The plan as shell assignments for `eval` in setup.sh."""
        values = {'COURSE_DEVICE': self.device, 'PLAN_TORCH_INDEX_URL': self.torch_index_url or '',
                  'PLAN_CUDA_TAG': self.cuda_tag or '', 'PLAN_MMCV_CUDA': int(self.mmcv_cuda_ops),
                  'PLAN_CUDA_ARCH': self.cuda_arch or ''}
        return '\n'.join(f"{k}='{v}'" for k, v in values.items())


def parse_nvidia_smi(header: str, query: str = '') -> Gpu | None:
    """Read `nvidia-smi` (its header) and `--query-gpu=name,compute_cap` output; None if no GPU."""
    names = [line.split(',')[0].strip() for line in query.strip().splitlines() if line.strip()]
    caps = [line.split(',')[1].strip() for line in query.strip().splitlines()
            if line.count(',') >= 1]
    version = re.search(r'CUDA Version:\s*(\d+)\.(\d+)', header)
    if not names and not version:
        return None
    return Gpu(names[0] if names else 'NVIDIA GPU',
               (int(version[1]), int(version[2])) if version else None,
               caps[0] if caps and re.fullmatch(r'\d+\.\d+', caps[0]) else None)


def detect_gpu(run=subprocess.run, proc: Path = Path('/proc/driver/nvidia/gpus')) -> Gpu | None:
    """Return the first NVIDIA GPU its driver reports, or None (nvcc alone is not a GPU)."""
    if os.environ.get('COURSE_GPU', '').lower() == 'none':  # force the CPU build
        return None
    if shutil.which('nvidia-smi'):
        try:
            header = run(['nvidia-smi'], capture_output=True, text=True, timeout=30).stdout
            query = run(['nvidia-smi', '--query-gpu=name,compute_cap', '--format=csv,noheader'],
                        capture_output=True, text=True, timeout=30).stdout
        except (OSError, subprocess.SubprocessError):
            header = query = ''
        gpu = parse_nvidia_smi(header, query)
        if gpu:
            return gpu
    if proc.is_dir() and any(proc.iterdir()):  # a driver without nvidia-smi on PATH
        return Gpu('NVIDIA GPU (from /proc/driver/nvidia)', None)
    return None


def nvcc_version(run=subprocess.run) -> tuple[int, int] | None:
    """Return the CUDA compiler's version (nvcc on PATH or in $CUDA_HOME/bin), or None."""
    nvcc = shutil.which('nvcc') or (os.path.join(os.environ['CUDA_HOME'], 'bin', 'nvcc')
                                   if os.environ.get('CUDA_HOME') else None)
    if not nvcc or not os.path.exists(nvcc):
        return None
    try:
        out = run([nvcc, '--version'], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.search(r'release (\d+)\.(\d+)', out)
    return (int(match[1]), int(match[2])) if match else None


def _tag_version(tag: str) -> tuple[int, int]:
    digits = tag[2:]
    return int(digits[:-1]), int(digits[-1])


def plan(gpu: Gpu | None, nvcc: tuple[int, int] | None, torch_version: str) -> Plan:
    """Decide the torch build and mmcv's ops from the detected GPU and CUDA compiler."""
    cpu = dict(device='cpu', torch_index_url=None, cuda_tag=None, mmcv_cuda_ops=False,
               cuda_arch=None)
    if gpu is None:
        return Plan(**cpu, message='No NVIDIA GPU found (driver): installing the CPU build.')
    builds = TORCH_CUDA_BUILDS.get('.'.join(torch_version.split('.')[:2]), ())
    if not builds:
        return Plan(**cpu, message=f'{gpu.name} found, but the course lists no CUDA build of torch '
                    f'{torch_version} (course_lib/hardware.py TORCH_CUDA_BUILDS): CPU build.')
    usable = [t for t in builds if gpu.driver_cuda is None or _tag_version(t) <= gpu.driver_cuda]
    if nvcc is not None:  # mmcv's CUDA ops must be compiled with the CUDA major torch was built with
        usable = [t for t in usable if _tag_version(t)[0] == nvcc[0]] or usable
    if not usable:
        driver = '.'.join(map(str, gpu.driver_cuda))
        return Plan(**cpu, message=f'{gpu.name} found, but its driver runs CUDA {driver} and torch '
                    f'{torch_version} is built for {", ".join(builds)}: update the NVIDIA driver, '
                    'then run `make setup` again. Installing the CPU build for now.')
    tag = usable[-1]
    cuda = '.'.join(map(str, _tag_version(tag)))
    if nvcc is None:
        return Plan(**cpu, message=(
            f'{gpu.name} found, but no CUDA compiler (nvcc): mmcv\'s CUDA ops (NMS, RoIAlign) cannot '
            f'be compiled. Install the CUDA {cuda} toolkit (e.g. `conda install -c nvidia '
            f'cuda-nvcc={cuda}` or NVIDIA\'s cuda-toolkit-{cuda.replace(".", "-")} package), make '
            '`nvcc` reachable (PATH or CUDA_HOME), and run `make setup` again. Installing the CPU '
            'build for now.'))
    if _tag_version(tag)[0] != nvcc[0]:
        return Plan(**cpu, message=(
            f'{gpu.name} found, but nvcc is CUDA {nvcc[0]}.{nvcc[1]} while torch {torch_version} '
            f'can use {tag}: install the CUDA {cuda} toolkit and run `make setup` again. '
            'Installing the CPU build for now.'))
    return Plan('cuda', TORCH_INDEX.format(tag=tag), tag, True, gpu.compute_capability,
                f'{gpu.name} found (driver CUDA {".".join(map(str, gpu.driver_cuda or ("?",)))}, '
                f'nvcc {nvcc[0]}.{nvcc[1]}): torch {torch_version}+{tag}, mmcv compiled with CUDA ops.')


def main(argv: list[str] | None = None) -> int:
    """`plan --torch VERSION`: print the plan as shell variables (its message on stderr)."""
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('command', choices=['plan'])
    parser.add_argument('--torch', required=True, help='the pinned torch version')
    args = parser.parse_args(argv)
    decided = plan(detect_gpu(), nvcc_version(), args.torch)
    print(decided.message, file=sys.stderr)
    print(decided.shell())
    return 0


if __name__ == '__main__':
    sys.exit(main())
