"""Each fix in course_lib.compat works, and the upstream breakage it covers is still there.

The `*_still_broken_upstream` tests fail once a pinned release no longer needs the fix: then
delete the fix (and the test) instead of carrying it.
"""
import subprocess
import sys
import textwrap

import numpy as np
import pytest
import torch
from torch import nn

import course_lib  # noqa: F401  (applies the fixes)


def run_python(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, '-c', textwrap.dedent(code)], capture_output=True,
                          text=True, timeout=300)


def test_mmaction_models_still_broken_upstream():
    result = run_python('import mmaction.models')
    assert result.returncode != 0 and 'drn' in result.stderr


def test_drn_stub_lets_mmaction_models_import_and_bmn_build():
    from mmaction.registry import MODELS
    model = MODELS.build(dict(
        type='BMN', temporal_dim=100, boundary_ratio=0.5, num_samples=32, num_samples_per_bin=3,
        feat_dim=400, soft_nms_alpha=0.4, soft_nms_low_threshold=0.5,
        soft_nms_high_threshold=0.9, post_process_top_k=100))
    params = sum(p.numel() for p in model.parameters())
    assert round(params / 1e6, 3) == 36.979  # the seed's and the model zoo's number
    from mmaction.models.localizers import DRN
    with pytest.raises(ImportError, match='2714'):
        DRN()


def test_importlib_metadata_alias_when_package_is_missing():
    result = run_python('''
        import sys
        class Block:
            def find_spec(self, name, path=None, target=None):
                if name == 'importlib_metadata':
                    raise ImportError('blocked for the test')
        sys.meta_path.insert(0, Block())
        import course_lib
        from mmaction.utils.dependency import satisfy_requirement
        print(sys.modules['importlib_metadata'].__name__)
    ''')
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().endswith('importlib.metadata')


def test_mmaction_anet_auc_works_without_np_trapz(monkeypatch):
    from mmaction.evaluation.functional import average_recall_at_avg_proposals
    monkeypatch.delattr(np, 'trapz')  # what NumPy >= 2.4 looks like
    course_lib.compat.restore_numpy_trapz()
    gt = {'v': np.array([[0.0, 10.0]])}
    proposals = {'v': np.array([[0.0, 10.0, 0.9], [20.0, 30.0, 0.1]])}
    recall, _, _, auc = average_recall_at_avg_proposals(
        gt, proposals, total_num_proposals=2, max_avg_proposals=2,
        temporal_iou_thresholds=np.array([0.5, 0.9]))
    assert recall.max() == 1.0 and 0 < auc <= 100


class Toy(nn.Module):
    """A one-parameter mmengine model that counts its training steps."""

    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.zeros(1))
        self.steps = 0

    def forward(self, x, mode='loss'):
        return {'loss': ((self.w - x.mean()) ** 2)}

    def train_step(self, data, optim_wrapper):
        self.steps += 1
        loss = self(data)["loss"]
        optim_wrapper.update_params(loss)
        return {'loss': loss}


def _runner(work_dir, max_epochs):
    from mmengine.runner import Runner
    return Runner(
        model=Toy(), work_dir=str(work_dir),
        train_dataloader=dict(dataset=[torch.ones(1)] * 4, batch_size=2,
                              sampler=dict(type='DefaultSampler', shuffle=False),
                              collate_fn=dict(type='default_collate')),
        optim_wrapper=dict(optimizer=dict(type='SGD', lr=0.1)),
        train_cfg=dict(by_epoch=True, max_epochs=max_epochs),
        default_hooks=dict(checkpoint=dict(type='CheckpointHook', interval=1),
                           logger=dict(type='LoggerHook', interval=100)),
        resume=True, log_level='WARNING')


def test_mmengine_checkpoints_still_need_trusted_loading_upstream(tmp_path):
    runner = _runner(tmp_path, max_epochs=1)
    runner.train()
    with pytest.raises(Exception, match='weights_only'):
        torch.load(tmp_path / 'epoch_1.pth')


def test_runner_resumes_from_its_checkpoint(tmp_path):
    _runner(tmp_path, max_epochs=1).train()
    runner = _runner(tmp_path, max_epochs=2)
    runner.train()
    assert runner.epoch == 2 and runner.iter == 4
    assert runner.model.steps == 2  # only epoch 2's steps ran: epoch 1 came from the checkpoint
    assert (tmp_path / 'epoch_2.pth').exists()


def test_mmengine_still_formats_the_whole_config_at_every_pretty_text_and_course_lib_once(monkeypatch):
    import yapf.yapflib.yapf_api
    from mmengine.config import Config
    from mmengine.config import config as mm_config
    calls = []

    def counting(text, **kwargs):
        calls.append(text)
        return real(text, **kwargs)

    real = yapf.yapflib.yapf_api.FormatCode
    cfg = Config(dict(model=dict(type='Net', depth=50), pipeline=[dict(type='Resize', scale=(8, 8))]))
    monkeypatch.setattr(mm_config, 'FormatCode', counting)  # upstream's own call, without the fix
    upstream = [cfg.pretty_text for _ in range(3)]
    assert len(calls) == 3  # still once per call upstream
    calls.clear()
    monkeypatch.setattr(mm_config, 'FormatCode', counting)
    course_lib.compat._FORMATTED.clear()
    course_lib.compat.format_each_config_once()
    assert [cfg.pretty_text for _ in range(3)] == upstream and len(calls) == 1  # same text, one yapf run
    cfg.model.depth = 101
    assert 'depth=101' in cfg.pretty_text and len(calls) == 2  # a changed config is formatted again


def test_mmengine_still_raises_the_pkg_resources_warning_and_course_lib_hides_it():
    def stderr_of(code):
        return subprocess.run([sys.executable, '-W', 'default', '-c', code], capture_output=True,
                              text=True, check=True).stderr
    check = 'from mmengine.utils import is_installed; is_installed("mmcv")'  # imports pkg_resources
    assert 'pkg_resources is deprecated' in stderr_of(check)
    assert 'pkg_resources' not in stderr_of(f'import course_lib; {check}')


def test_mmaction_ava_metric_still_uses_np_NAN_which_numpy_2_removed():
    import inspect

    from mmaction.evaluation.functional.ava_evaluation import metrics
    assert 'np.NAN' in inspect.getsource(metrics.compute_average_precision)
    assert run_python('import numpy; assert not hasattr(numpy, "NAN")').returncode == 0
    assert np.isnan(metrics.compute_average_precision(None, None))  # works with course_lib's alias


# ---- known upstream notices (compat.KNOWN_LOG_RECORDS, compat.KNOWN_WARNINGS) ----------------------

_LOGGER_NUMBER = iter(range(10 ** 6))


class _Records(__import__('logging').Handler):
    def __init__(self):
        super().__init__()
        self.messages = []

    def emit(self, record):
        self.messages.append(record.getMessage())


def _notices(trigger, filtered: bool) -> list:
    """Messages an MMLogger passes while `trigger` runs, with or without the course's filter."""
    from mmengine.logging import MMLogger
    from course_lib.compat import KNOWN_RECORDS_FILTER
    logger = MMLogger.get_instance(f'course_compat_test_{next(_LOGGER_NUMBER)}')  # a new current logger
    handler = _Records()
    logger.addHandler(handler)
    assert KNOWN_RECORDS_FILTER in logger.filters  # made after import course_lib: filtered too
    if not filtered:
        logger.removeFilter(KNOWN_RECORDS_FILTER)
    trigger()
    logger.removeHandler(handler)
    return handler.messages


def _file_client():
    from mmengine.fileio import FileClient
    FileClient('disk')


def _hard_disk_backend():
    from mmengine.fileio.file_client import HardDiskBackend  # what FileClient('disk') builds (once)
    HardDiskBackend()


def _anet_metric():
    from mmaction.evaluation.metrics import ANetMetric
    ANetMetric()


def _frozen_parameter_optimizer():
    from mmengine.optim import DefaultOptimWrapperConstructor
    model = nn.Sequential(nn.Linear(2, 2))
    model[0].bias.requires_grad = False
    DefaultOptimWrapperConstructor(dict(optimizer=dict(type='SGD', lr=0.1, weight_decay=1e-4)),
                                   dict(norm_decay_mult=0.0))(model)


def _other_notice():
    from mmengine.logging import print_log
    print_log('a notice the course does not know', logger='current', level=30)


@pytest.mark.parametrize('trigger, pattern', [
    (_file_client, '"FileClient" will be deprecated'), (_hard_disk_backend, '"HardDiskBackend" is the alias'),
    (_anet_metric, 'prefix is not set in metric class ANetMetric'),
    (_frozen_parameter_optimizer, 'is skipped since its requires_grad=False')])
def test_known_log_records_are_still_logged_upstream_and_hidden(trigger, pattern):
    assert any(pattern in m for m in _notices(trigger, filtered=False)), 'no longer logged: drop the filter'
    assert not any(pattern in m for m in _notices(trigger, filtered=True))


def test_other_log_records_still_pass():
    assert _notices(_other_notice, filtered=True) == ['a notice the course does not know']


def test_every_known_record_has_a_test_above():
    from course_lib.compat import KNOWN_LOG_RECORDS
    assert len(KNOWN_LOG_RECORDS) == 4


def _warned(trigger, filtered: bool) -> list:
    import warnings

    from course_lib.compat import filter_known_warnings
    with warnings.catch_warnings(record=True) as caught:
        warnings.resetwarnings()
        warnings.simplefilter('always')
        if filtered:
            filter_known_warnings()
        trigger()
    return [str(w.message) for w in caught]


def _anchor_head_num_anchors():
    _anchor_head()


def _anchor_head():
    from mmdet.models.dense_heads import ATSSHead
    from mmengine.registry import DefaultScope
    with DefaultScope.overwrite_default_scope('mmdet'):
        return ATSSHead(num_classes=3, in_channels=32, feat_channels=32, stacked_convs=1,
                 anchor_generator=dict(type='AnchorGenerator', ratios=[1.0], octave_base_scale=8,
                                       scales_per_octave=1, strides=[8]))


def _export_reads_anchor_generator():
    _anchor_head().anchor_generator


def _trace_group_norm():
    torch.jit.trace(nn.GroupNorm(2, 4).eval(), torch.rand(1, 4, 3, 3))


def _trace_mmcv_roi_align():
    from mmcv.ops import RoIAlign
    roi_align = RoIAlign((2, 2), 1.0, sampling_ratio=0, aligned=True)
    torch.jit.trace(lambda feats, rois: roi_align(feats, rois),
                    (torch.rand(1, 2, 4, 4), torch.tensor([[0.0, 0.0, 0.0, 2.0, 2.0]])))


def _second_get_instance():
    from mmengine.visualization import Visualizer
    Visualizer.get_instance('course_compat_test')
    Visualizer.get_instance('course_compat_test', vis_backends=None)


def _ava_summary_of_few_classes():
    """np.nanmean of an empty AVA category group, as mmaction's ava_utils.ava_eval computes it."""
    exec('np.nanmean([x for x in []])', {'__name__': 'mmaction.evaluation.functional.ava_utils', 'np': np})


def test_mmaction_ava_summary_still_averages_the_category_groups():
    import inspect

    from mmaction.evaluation.functional import ava_utils
    assert 'np.nanmean([x[2] for x in cls_AP if 14 < x[0] < 64])' in inspect.getsource(ava_utils.ava_eval)


@pytest.mark.parametrize('trigger, pattern', [
    (_anchor_head_num_anchors, '`num_anchors` is deprecated'),
    (_export_reads_anchor_generator, 'anchor_generator is deprecated'),
    (_trace_group_norm, 'Converting a tensor to a Python boolean'),
    (_trace_mmcv_roi_align, 'Converting a tensor to a Python boolean'),
    (_second_get_instance, 'the method `get_instance` should not accept'),
    (_ava_summary_of_few_classes, 'Mean of empty slice')])
def test_known_warnings_are_still_raised_upstream_and_hidden(trigger, pattern):
    assert any(pattern in m for m in _warned(trigger, filtered=False)), 'no longer raised: drop the filter'
    assert not any(pattern in m for m in _warned(trigger, filtered=True))


def test_known_warnings_are_hidden_only_where_upstream_raises_them():
    def elsewhere():
        np.nanmean([])  # this test module, not mmaction's: still shown
    assert any('Mean of empty slice' in m for m in _warned(elsewhere, filtered=True))


def test_every_known_warning_has_a_test_above():
    from course_lib.compat import KNOWN_WARNINGS
    assert len(KNOWN_WARNINGS) == 5  # the first covers two properties


def test_nncf_cpu_fake_quantization_still_compiles_a_cpp_extension_upstream():
    import inspect

    from nncf.torch.quantization.extensions import QuantizedFunctionsCPULoader
    assert 'cpp_extension.load' in inspect.getsource(QuantizedFunctionsCPULoader.load)


def test_nncf_fake_quantization_runs_torch_native_without_building_anything(monkeypatch):
    """After the fix, a quantizer's forward and backward never reach the compiler, and compute NNCF's
    reference math (round to the 255 levels of [-1, 1] here)."""
    import torch.utils.cpp_extension
    from nncf.torch.quantization.extensions import QuantizedFunctionsCPU
    from nncf.torch.quantization.quantize_functions import symmetric_quantize

    from course_lib import compat

    def no_build(*args, **kwargs):
        raise AssertionError('NNCF tried to compile its C++ extension')

    monkeypatch.setattr(torch.utils.cpp_extension, 'load', no_build)
    monkeypatch.setattr(QuantizedFunctionsCPU, '_loaded_namespace', None)
    compat.nncf_torch_native_quantizers()
    x = torch.tensor([-2.0, -0.5, 0.001, 0.3, 0.9999], requires_grad=True)
    y = symmetric_quantize(x, 256, -128, 127, torch.tensor(1.0), 1e-16)
    y.sum().backward()
    step = 1.0 / 127
    assert torch.allclose(y, torch.clamp(torch.round(x / step) * step, -128 * step, 1.0), atol=1e-6)
    assert x.grad.tolist() == [0.0, 1.0, 1.0, 1.0, 1.0]  # straight-through inside the range


def test_ffmpeg_decoder_errors_stay_out_of_stderr(tmp_path):
    """A corrupt MP4 gives VideoReadError, not FFmpeg's "moov atom not found" on the process' stderr."""
    import subprocess
    import sys
    broken = tmp_path / 'broken.mp4'
    broken.write_bytes(b'this is not a video' * 100)
    code = ('import sys, cv2\n'
            'if sys.argv[2] == "course": import course_lib.compat as c; c.quiet_ffmpeg_decoder_errors()\n'
            'cv2.VideoCapture(sys.argv[1]).read()\n')
    env = {k: v for k, v in __import__('os').environ.items() if k != 'OPENCV_FFMPEG_LOGLEVEL'}
    runs = {how: subprocess.run([sys.executable, '-c', code, str(broken), how], env=env,
                                capture_output=True, text=True) for how in ('plain', 'course')}
    assert 'moov atom not found' in runs['plain'].stderr, 'FFmpeg no longer prints it: drop the fix'
    assert 'moov atom' not in runs['course'].stderr
