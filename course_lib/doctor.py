"""`python -m course_lib doctor`: what is installed, whether it works, and the fix for each failure."""
from __future__ import annotations

import html
import os
import socket
import sys
import tempfile
from dataclasses import dataclass
from typing import Callable

from .machine import versions
from .settings import data_dir, profile, setting, write_stamp

SETUP_FIX = 'Run `make setup` in the repository, then restart the kernel.'
REQUIRED_MODULES = {  # (registry owner, type name) that the lessons build by name
    'mmaction': ('BMN', 'Recognizer3D'),
    'mmdet': ('ATSS', 'MobileNetV2', 'FastRCNN'),  # mmaction's AVA configs use mmdet's FastRCNN
}


@dataclass
class Check:
    """One row of the doctor's table."""

    name: str
    ok: bool
    detail: str
    fix: str = ''
    required: bool = True
    skipped: bool = False

    @property
    def status(self) -> str:
        """OK, FAIL, WARN for an optional check that failed, or SKIP for one not run."""
        if self.skipped:
            return 'SKIP'
        return 'OK' if self.ok else ('FAIL' if self.required else 'WARN')


def check_python() -> Check:
    """Python 3.11 is the version the course is verified on."""
    version = '.'.join(map(str, sys.version_info[:3]))
    return Check('python', sys.version_info[:2] == (3, 11), version,
                 'Use Python 3.11 (`PYTHON=python3.11 make setup`).', required=False)


def check_torch() -> Check:
    """torch imports and is the CPU build the course pins."""
    import torch
    detail = f'{torch.__version__}, CUDA available: {torch.cuda.is_available()}'
    return Check('torch', torch.__version__.startswith('2.13'), detail, SETUP_FIX)


def check_mmcv_ops() -> Check:
    """mmcv has its compiled ops (a wheel built without them fails here)."""
    import torch
    from mmcv.ops import nms
    boxes = torch.tensor([[0., 0., 10., 10.], [1., 1., 10., 10.], [20., 20., 30., 30.]])
    _, keep = nms(boxes, torch.tensor([0.9, 0.8, 0.7]), iou_threshold=0.5)
    ok = keep.tolist() == [0, 2]
    return Check('mmcv ops (nms)', ok, f'mmcv {versions(("mmcv",))["mmcv"]}, nms kept {keep.tolist()}',
                 'mmcv was built without ops: delete the cached wheel '
                 '(~/.cache/video-course/wheels) and run `make setup`.')


def check_gpu(gpu_found: Callable[[], object] | None = None) -> Check:
    """With an NVIDIA GPU: torch sees it and mmcv's ops (NMS, RoIAlign) run on CUDA tensors."""
    import torch

    from .hardware import detect_gpu
    gpu = (gpu_found or detect_gpu)()
    fix_wheel = ('mmcv lacks CUDA ops: delete the cached mmcv wheel (~/.cache/video-course/wheels) '
                 'and run `make setup` (it compiles them when it finds the GPU and nvcc).')
    if gpu is None:
        return Check('GPU (CUDA)', True, 'no NVIDIA GPU: everything runs on the CPU', required=False)
    if not torch.cuda.is_available():
        return Check('GPU (CUDA)', False, f'{gpu.name} found, but torch {torch.__version__} '
                     'cannot use it', 'Run `make setup` again: it installs the CUDA build of torch '
                     'when it finds an NVIDIA GPU (its message says what is missing).',
                     required=profile() == 'full')
    from mmcv.ops import nms, roi_align
    boxes = torch.tensor([[0., 0., 10., 10.], [1., 1., 10., 10.], [20., 20., 30., 30.]],
                         device='cuda')
    try:
        _, keep = nms(boxes, torch.tensor([0.9, 0.8, 0.7], device='cuda'), iou_threshold=0.5)
        feats = torch.arange(16., device='cuda').reshape(1, 1, 4, 4)
        pooled = roi_align(feats, torch.tensor([[0., 0., 0., 3., 3.]], device='cuda'), (1, 1),
                           1.0, 0, 'avg', True)
    except (RuntimeError, NotImplementedError) as err:
        return Check('GPU (CUDA)', False, f'{torch.cuda.get_device_name(0)}: {err}'[:200],
                     fix_wheel, required=profile() == 'full')
    ok = keep.cpu().tolist() == [0, 2] and pooled.shape == (1, 1, 1, 1)
    return Check('GPU (CUDA)', ok, f'{torch.cuda.get_device_name(0)}, CUDA {torch.version.cuda}, '
                 f'mmcv nms + roi_align on CUDA tensors {"ok" if ok else "WRONG"}', fix_wheel,
                 required=profile() == 'full')


def check_registries() -> Check:
    """mmaction.models and mmdet.models import and hold what the lessons build by name."""
    import mmaction.models  # noqa: F401
    import mmdet.models  # noqa: F401
    from mmaction.registry import MODELS as ACTION_MODELS
    from mmdet.registry import MODELS as DET_MODELS

    from . import models as course_models
    registries = {'mmaction': ACTION_MODELS, 'mmdet': DET_MODELS}
    wanted = {scope: list(names) for scope, names in REQUIRED_MODULES.items()}
    wanted['mmaction'] += list(course_models.REGISTERED)
    missing = [f'{scope}.{name}' for scope, names in wanted.items() for name in names
               if registries[scope].get(name) is None]
    count = sum(len(v) for v in wanted.values())
    detail = f'missing: {", ".join(missing)}' if missing else f'{count} model types found'
    return Check('model registries', not missing, detail,
                 'Import course_lib before building models (configs: custom_imports = '
                 "dict(imports=['course_lib'])); if mmaction/mmdet are missing, run `make setup`.")


def check_openvino() -> Check:
    """OpenVINO imports and sees a device."""
    import openvino as ov
    devices = ov.Core().available_devices
    return Check('openvino', bool(devices), f'{ov.__version__}, devices: {", ".join(devices)}',
                 SETUP_FIX)


def check_nncf() -> Check:
    """NNCF imports."""
    import nncf
    return Check('nncf', True, nncf.__version__, SETUP_FIX)


def check_video_io() -> Check:
    """moviepy finds an ffmpeg binary to write videos."""
    import imageio_ffmpeg
    exe = imageio_ffmpeg.get_ffmpeg_exe()
    return Check('video writing (ffmpeg)', os.path.exists(exe), exe, SETUP_FIX)


def check_environment() -> Check:
    """COURSE_PROFILE, COURSE_DATA_DIR and COURSE_CACHE_DIR hold usable values."""
    from .validate import environment
    problems = environment()
    if problems:
        return Check('environment variables', False, '; '.join(what for _, what, _ in problems),
                     ' '.join(fix for _, _, fix in problems))
    return Check('environment variables', True,
                 f'COURSE_PROFILE={setting("COURSE_PROFILE") or "smoke (default)"}')


def check_data_dir() -> Check:
    """COURSE_DATA_DIR exists and is writable."""
    from .errors import CourseError
    try:
        path = data_dir()
        with tempfile.NamedTemporaryFile(dir=path):
            pass
    except (CourseError, OSError) as err:
        return Check('data dir writable', False, str(err).split('. ')[0],
                     'Set COURSE_DATA_DIR to a folder you can write to (export '
                     'COURSE_DATA_DIR=$HOME/course-data), or unset it (default: data/ in the repository).')
    return Check('data dir writable', True, str(path),
                 'Set COURSE_DATA_DIR to a folder you can write to.')


NETWORK: bool | None = None  # connect in check_network? None: only in the full profile


def check_network(host: str | None = None, port: int | None = None,
                  timeout: float = 3, connect: bool | None = None) -> Check:
    """Whether the model zoo answers (only when asked, or in the full profile); offline is fine for smoke.

    Default host: the one the course hub downloads its checkpoints from (download.openmmlab.com).
    """
    if host is None:
        import urllib.parse

        from .fetch import HUB
        url = urllib.parse.urlparse(HUB['x3d_s_k400'].url)
        host, port = url.hostname, port or url.port or (443 if url.scheme == 'https' else 80)
    port = port or 443
    needed = _profile_or_none() == 'full'
    connect = connect if connect is not None else NETWORK if NETWORK is not None else needed
    if not connect:
        return Check('network (model zoo)', False, 'not checked: the doctor opens no connection unless '
                     'asked (python -m course_lib doctor --network)', required=False, skipped=True)
    try:
        socket.create_connection((host, port), timeout=timeout).close()
        ok, detail = True, f'{host} reachable'
    except OSError as err:
        ok, detail = False, f'{host} unreachable ({err.__class__.__name__}): offline'
    return Check('network (model zoo)', ok, detail,
                 'The full profile downloads data and checkpoints; offline, use '
                 'COURSE_PROFILE=smoke or pre-fill COURSE_CACHE_DIR.', required=needed)


def _profile_or_none() -> str | None:
    """The active profile, or None when COURSE_PROFILE is invalid (the environment row says so)."""
    from .errors import CourseError
    try:
        return profile()
    except CourseError:
        return None


CHECKS: list[Callable[[], Check]] = [
    check_python, check_environment, check_torch, check_mmcv_ops, check_gpu, check_registries,
    check_openvino, check_nncf, check_video_io, check_data_dir, check_network]


def _run(check: Callable[[], Check]) -> Check:
    from .errors import CourseError
    try:
        return check()
    except Exception as err:  # a check that crashes is a failed check, with its error shown
        name = check.__name__.removeprefix('check_').replace('_', ' ')
        doc = (check.__doc__ or '').strip()
        fix = str(err) if isinstance(err, CourseError) else f'{doc} {SETUP_FIX}'.strip()
        return Check(name, False, f'{type(err).__name__}: {err}'[:200], fix)


def _required(check: Check) -> str:
    """The doctor table's 'required' cell: 'yes', or 'no' (the check may fail: WARN, not FAIL)."""
    return 'yes' if check.required else 'no'


@dataclass
class Report:
    """All checks; prints as a text table, shows as an HTML table in a notebook."""

    checks: list[Check]

    @property
    def ok(self) -> bool:
        """True when every required check passed."""
        return all(c.ok or not c.required for c in self.checks)

    def __str__(self) -> str:
        width = max(len(c.name) for c in self.checks)
        rows = [f'{"check":<{width}}  status  required  detail']
        for c in self.checks:
            rows.append(f'{c.name:<{width}}  {c.status:<6}  {_required(c):<8}  {c.detail}')
            if not c.ok and c.fix:
                rows.append(f'{"":<{width}}  {"":<6}  {"":<8}  fix: {c.fix}')
        rows.append('All required checks passed.' if self.ok else 'Some required checks FAILED.')
        return '\n'.join(rows)

    def _repr_html_(self) -> str:
        colors = {'OK': '#1a7f37', 'WARN': '#9a6700', 'FAIL': '#cf222e', 'SKIP': '#57606a'}
        cells = ''.join(
            f'<tr><td>{html.escape(c.name)}</td><td style="color:{colors[c.status]}">'
            f'<b>{c.status}</b></td><td>{_required(c)}</td><td>{html.escape(c.detail)}</td>'
            f'<td>{html.escape(c.fix if not c.ok else "")}</td></tr>' for c in self.checks)
        verdict = 'All required checks passed.' if self.ok else 'Some required checks FAILED.'
        return ('<table class="course-doctor"><tr><th>check</th><th>status</th><th>required</th><th>detail</th>'
                f'<th>fix</th></tr>{cells}</table><p>{verdict}</p>')


def run_checks(network: bool | None = None) -> Report:
    """Run every check and return the report; the network check only if asked (default: full profile)."""
    global NETWORK
    saved, NETWORK = NETWORK, network
    try:
        return Report([_run(check) for check in CHECKS])
    finally:
        NETWORK = saved


def main(network: bool | None = None, stamp: bool = False) -> int:
    """Print the report; return 0 if every required check passed, else 1 (`stamp`: record the versions if 0)."""
    report = run_checks(network)
    print(report)
    if stamp and report.ok:
        print(f'Recorded the verified versions in {write_stamp()}.')
    elif stamp:
        print('Not stamped: a required check failed.')
    return 0 if report.ok else 1
