"""Every workaround for a broken upstream release, in one place, one line of why each.

`import course_lib` applies them all before anything imports mmaction, mmdet or mmengine.
Each fix has a test in tests/test_compat.py that fails if the fix stops working, and a
"still broken upstream" test that fails once a pinned release no longer needs it.
"""
from __future__ import annotations

import importlib.util
import sys
import types
from pathlib import Path

APPLIED: list[str] = []


def _mmaction_package_dir() -> Path | None:
    """Return the installed mmaction package folder without importing it."""
    spec = importlib.util.find_spec('mmaction')
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(list(spec.submodule_search_locations)[0])


def stub_missing_drn() -> None:
    """mmaction2 1.2.0's wheel lacks models/localizers/drn, so `import mmaction.models` fails (#2714)."""
    pkg = _mmaction_package_dir()
    if pkg is None or (pkg / 'models' / 'localizers' / 'drn').is_dir():
        return
    name = 'mmaction.models.localizers.drn'
    if name in sys.modules:
        return

    class DRN:  # noqa: D401 - placeholder with the real class's name
        """Placeholder: DRN's code is missing from the mmaction2 1.2.0 wheel (upstream #2714)."""

        def __init__(self, *args, **kwargs):
            raise ImportError('DRN is missing from the mmaction2 1.2.0 wheel (upstream issue #2714); '
                              'install mmaction2 from source to use it.')

    package = types.ModuleType(name)
    package.__path__ = []  # a package, so `from .drn.drn import DRN` resolves
    module = types.ModuleType(name + '.drn')
    module.DRN = DRN
    package.drn = module
    sys.modules[name] = package
    sys.modules[name + '.drn'] = module
    APPLIED.append('mmaction2 drn stub')


def provide_importlib_metadata() -> None:
    """mmaction2 1.2.0 imports `importlib_metadata` without declaring it; fall back to the stdlib."""
    try:
        import importlib_metadata  # noqa: F401
        return
    except ImportError:
        import importlib.metadata as stdlib_metadata
    sys.modules['importlib_metadata'] = stdlib_metadata
    APPLIED.append('importlib_metadata alias')


def restore_numpy_trapz() -> None:
    """NumPy 2 deprecates (2.4 removes) `np.trapz`, which mmaction's AR@AN / AUC metric calls."""
    import numpy as np
    if hasattr(np, 'trapezoid'):
        np.trapz = np.trapezoid
        APPLIED.append('numpy.trapz -> numpy.trapezoid')


def restore_numpy_nan_alias() -> None:
    """NumPy 2 removed `np.NAN`, which mmaction's AVA metric returns for an action without ground truth."""
    import numpy as np
    if not hasattr(np, 'NAN'):
        np.NAN = np.nan
        APPLIED.append('numpy.NAN -> numpy.nan')


def load_from_trusted_local(filename: str, map_location=None):
    """torch.load with weights_only=False: mmengine checkpoints hold more than tensors."""
    import os.path as osp

    import torch
    filename = osp.expanduser(filename)
    if not osp.isfile(filename):
        raise FileNotFoundError(f'{filename} can not be found.')
    return torch.load(filename, map_location=map_location, weights_only=False)


def load_from_trusted_http(filename: str, map_location=None, model_dir=None, progress=True):
    """Download to torch's hub cache, then load it as a trusted checkpoint."""
    import torch
    return torch.hub.load_state_dict_from_url(
        filename, model_dir=model_dir, map_location=map_location, progress=progress,
        weights_only=False)


def allow_mmengine_checkpoints() -> None:
    """torch >= 2.6 loads with weights_only=True, which breaks mmengine load/resume (mmengine #1655).

    The fix is scoped to mmengine's checkpoint loader (not every torch.load): only load checkpoints
    you trust, such as your own runs and files whose hash course_lib.fetch verified.
    """
    from mmengine.runner.checkpoint import CheckpointLoader
    CheckpointLoader.register_scheme(prefixes='', loader=load_from_trusted_local, force=True)
    CheckpointLoader.register_scheme(prefixes=('http://', 'https://'), loader=load_from_trusted_http,
                                     force=True)
    APPLIED.append('mmengine trusted checkpoint loading')


def _init_dist_pytorch_cpu(backend: str = 'gloo', init_backend: str = 'torch', **kwargs) -> None:
    """mmengine's _init_dist_pytorch without torch.cuda.set_device (for CPU-only torch)."""
    import torch.distributed as torch_dist
    from mmengine.dist import utils as dist_utils
    if init_backend != 'torch':
        return dist_utils._init_dist_pytorch_original(backend, init_backend=init_backend, **kwargs)
    torch_dist.init_process_group(backend=backend, **kwargs)


def allow_cpu_torchrun() -> None:
    """mmengine's init_dist calls torch.cuda.set_device, which CPU-only torch lacks: torchrun crashes."""
    import torch
    if torch.cuda.is_available():
        return
    from mmengine.dist import utils as dist_utils
    if not hasattr(dist_utils, '_init_dist_pytorch_original'):
        dist_utils._init_dist_pytorch_original = dist_utils._init_dist_pytorch
        dist_utils._init_dist_pytorch = _init_dist_pytorch_cpu
    APPLIED.append('mmengine torchrun on CPU (no cuda.set_device)')


_FORMATTED: dict[tuple, tuple] = {}


def format_each_config_once() -> None:
    """mmengine's Config.pretty_text runs yapf over the whole config at every call (the Runner's
    config dump, the visualizer, each checkpoint's meta): seconds to minutes of CPU for a long config,
    the same text each time. Remember yapf's result per input text (the output is unchanged)."""
    from mmengine.config import config as mm_config
    if getattr(mm_config.FormatCode, 'course_cached', False):
        return
    original = mm_config.FormatCode

    def format_code(text, style_config=None, **kwargs):
        key = (text, repr(style_config), repr(sorted(kwargs.items())))
        if key not in _FORMATTED:
            if len(_FORMATTED) >= 32:  # a few configs per kernel; never grow without bound
                _FORMATTED.clear()
            _FORMATTED[key] = original(text, style_config=style_config, **kwargs)
        return _FORMATTED[key]

    format_code.course_cached = True
    mm_config.FormatCode = format_code
    APPLIED.append('mmengine config text formatted once per content (yapf)')


def quiet_pkg_resources_warning() -> None:
    """Hide setuptools' pkg_resources deprecation warning, raised by `import mmengine` on every run."""
    import warnings
    # mmengine 0.10.7 (utils/package_utils.py) imports pkg_resources, which setuptools >= 80.9 deprecates.
    warnings.filterwarnings('ignore', message='pkg_resources is deprecated', category=UserWarning)
    APPLIED.append('pkg_resources deprecation warning of mmengine hidden')


def nncf_torch_native_quantizers() -> None:
    """NNCF 3.4 compiles a C++ extension (g++) at the first PyTorch fake quantization: 1-3 min, under a
    60 s timeout that fails on a busy 2-core machine and leaves a lock file that hangs the next run.
    Use NNCF's own torch-native reference functions instead (same math, no compiler, no torch.compile).
    Applied by course_lib.export.qat before quantization-aware training (not at import: nncf.torch is slow to import)."""
    from nncf.torch.quantization.extensions import QuantizedFunctionsCPU
    from nncf.torch.quantization.reference import torch_executor

    class TorchNativeQuantize:  # the extension's namespace: Quantize_forward / Quantize_backward
        Quantize_forward = staticmethod(torch_executor.forward)
        Quantize_backward = staticmethod(torch_executor.backward)

    if QuantizedFunctionsCPU._loaded_namespace is None:
        QuantizedFunctionsCPU._loaded_namespace = TorchNativeQuantize
        APPLIED.append('NNCF torch-native fake quantization (no C++ extension build)')


# Upstream log records (mmengine's print_log) a learner cannot act on: (pattern, one line of why).
KNOWN_LOG_RECORDS = (
    (r'^"FileClient" will be deprecated in future',
     "mmaction 1.2's transforms (RawFrameDecode, OpenCVInit, ...) still build mmengine's FileClient"),
    (r'^"HardDiskBackend" is the alias of "LocalBackend"',
     'FileClient("disk"), which those transforms use, builds the deprecated alias'),
    (r'^The prefix is not set in metric class ANetMetric\.$',
     "mmaction's ANetMetric has no default_prefix; the lessons read its keys (auc, AR@N) as they are"),
    (r'is skipped since its requires_grad=False$',
     "BMN's sampling mask is a fixed parameter: mmengine's optimizer builder notes it at each build"),
)
# Upstream Python warnings a learner cannot act on: (message regex, category, module regex, why).
KNOWN_WARNINGS = (
    (r'DeprecationWarning: (`num_anchors`|anchor_generator) is deprecated', UserWarning,
     r'mmdet\.models\.dense_heads\.anchor_head',
     "mmdet's ATSSHead reads its own deprecated num_anchors; tracing it for export reads anchor_generator"),
    (r'Converting a tensor to a Python boolean might cause the trace to be incorrect',
     'torch.jit.TracerWarning', r'torch\.nn\.functional',
     "group_norm's batch-size check is a Python `if` on shapes: tracing ATSS's GroupNorm head warns"),
    (r'.* instance named of .* has been created, the method `get_instance` should not accept',
     UserWarning, r'mmengine\.utils\.manager',
     "each Runner passes its arguments to the visualizer's get_instance, also the second in a process"),
    (r'Converting a tensor to a Python boolean might cause the trace to be incorrect',
     'torch.jit.TracerWarning', r'mmcv\.ops\.roi_align',
     "mmcv's RoIAlign checks the RoI shape with a Python assert: exporting lesson 07's detector traces it"),
    (r'Mean of empty slice', RuntimeWarning, r'mmaction\.evaluation\.functional\.ava_utils',
     "mmaction's AVA summary averages AVA's category groups, empty for a label map with few classes"),
)


class KnownUpstreamRecords:
    """A logging filter that drops the records of KNOWN_LOG_RECORDS (and lets everything else through)."""

    def __init__(self) -> None:
        import re
        self.patterns = [re.compile(pattern) for pattern, _ in KNOWN_LOG_RECORDS]

    def filter(self, record) -> bool:
        """False for a known upstream notice."""
        message = record.getMessage()
        return not any(p.search(message) for p in self.patterns)


KNOWN_RECORDS_FILTER = KnownUpstreamRecords()


def filter_known_warnings() -> None:
    """Ignore the upstream Python warnings of KNOWN_WARNINGS, each only from the module that raises it."""
    import warnings

    import torch
    for message, category, module, _ in KNOWN_WARNINGS:
        category = torch.jit.TracerWarning if category == 'torch.jit.TracerWarning' else category
        warnings.filterwarnings('ignore', message=message, category=category, module=module)


def filter_known_log_records() -> None:
    """Drop the upstream notices of KNOWN_LOG_RECORDS from every MMLogger, also those made later."""
    from mmengine.logging import MMLogger
    if not getattr(MMLogger.__init__, 'course_filter', False):
        original = MMLogger.__init__

        def __init__(self, *args, **kwargs):
            original(self, *args, **kwargs)
            self.addFilter(KNOWN_RECORDS_FILTER)
        __init__.course_filter = True
        MMLogger.__init__ = __init__
    for logger in list(MMLogger._instance_dict.values()):
        logger.addFilter(KNOWN_RECORDS_FILTER)


def quiet_ffmpeg_decoder_errors() -> None:
    """OpenCV's FFmpeg prints decoder errors ("moov atom not found") to the process' stderr, outside
    Python; course_lib.video raises VideoReadError naming the file instead (OpenCV reads this
    variable when it first opens a video; a value set by the user is kept)."""
    import os
    os.environ.setdefault('OPENCV_FFMPEG_LOGLEVEL', '-8')  # AV_LOG_QUIET


def quiet_known_upstream_notices() -> None:
    """Hide the upstream warnings and log notices a lesson cannot act on (KNOWN_*), listed once here."""
    filter_known_warnings()
    filter_known_log_records()
    quiet_ffmpeg_decoder_errors()
    APPLIED.append('known upstream warnings and notices hidden')


def apply_all() -> list[str]:
    """Apply every fix once; return the names of those applied."""
    if not APPLIED:
        quiet_pkg_resources_warning()
        stub_missing_drn()
        provide_importlib_metadata()
        restore_numpy_trapz()
        restore_numpy_nan_alias()
        allow_mmengine_checkpoints()
        allow_cpu_torchrun()
        format_each_config_once()
        quiet_known_upstream_notices()
    return list(APPLIED)
