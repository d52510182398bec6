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
