"""Lesson 05 end to end on tiny data: the extension trains through course_lib.train, mmaction untouched."""
import base64
import hashlib
import importlib.metadata
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch

import course_lib.train as cltrain
from course_lib.data.synthetic.anet_features import SyntheticAnetSpec, generate_anet_features

ROOT = Path(__file__).resolve().parents[1]
LESSON04 = 'bmn_1xb4-400x32-2e_activitynet-synthetic_smoke'
LESSON05 = 'bmn_cls_1xb2-400x32-1e_activitynet-synthetic_smoke'
# shrink the network and the run: 8 training videos, 2 iterations of batch 4, 2 test videos
TINY = ['model.hidden_dim_1d=32', 'model.hidden_dim_2d=16', 'model.hidden_dim_3d=32',
        'train_cfg.max_epochs=1', 'train_dataloader.batch_size=4', 'default_hooks.logger.interval=1']


@pytest.fixture(scope='module')
def data_dir(tmp_path_factory):
    root = tmp_path_factory.mktemp('data')
    spec = SyntheticAnetSpec(num_train=8, num_val=2, num_test=2)
    generate_anet_features(root / 'activitynet_synthetic_t32', spec, progress=False)
    return root


def run_train(data_dir: Path, work_dir: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, COURSE_DATA_DIR=str(data_dir), COURSE_PROFILE='smoke')
    return subprocess.run([sys.executable, '-m', 'course_lib.train', *args, '--work-dir', str(work_dir),
                           '--log-level', 'WARNING'], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=600)


def test_no_file_of_mmaction2_is_changed_or_added():
    dist = importlib.metadata.distribution('mmaction2')
    checked = 0
    for entry in dist.files:
        if entry.hash is None:
            continue
        digest = hashlib.new(entry.hash.mode, Path(entry.locate()).read_bytes()).digest()
        assert base64.urlsafe_b64encode(digest).rstrip(b'=').decode() == entry.hash.value, entry
        checked += 1
    recorded = {Path(f.locate()).resolve() for f in dist.files}
    package = Path(dist.locate_file('mmaction'))
    added = [p for p in package.rglob('*.py') if p.resolve() not in recorded]
    assert checked > 500 and not added, added  # e.g. the seed's models/localizers/bmn_w_ac.py


@pytest.mark.slow
def test_lesson_04_config_with_model_type_override_trains_bmnwactioncls(data_dir, tmp_path):
    # num_action_classes must match the classes in the tiny set's annotations (the sanity kit checks it)
    done = run_train(data_dir, tmp_path, LESSON04, '--cfg-options', 'model.type=BMNwActionCls',
                     'model.num_action_classes=4', *TINY)
    assert done.returncode == 0, done.stderr[-3000:]
    state = torch.load(tmp_path / 'epoch_1.pth', map_location='cpu', weights_only=False)
    assert state['state_dict']['head_action_cls.weight'].shape == (4, 400, 1)
    assert state['meta']['iter'] == 2
    # lesson 04's pipeline has no class labels: the model trains BMN only, and says so
    assert 'action head is NOT trained' in done.stderr


@pytest.mark.slow
def test_lesson_05_config_trains_the_head_and_reports_map(data_dir, tmp_path):
    done = run_train(data_dir, tmp_path, LESSON05, '--cfg-options', *TINY)
    assert done.returncode == 0, done.stderr[-3000:]
    assert 'NOT trained' not in done.stderr
    scalars = [json.loads(line) for line in
               next(tmp_path.glob('*/vis_data/scalars.json')).read_text().splitlines()]
    assert all(s['loss_action_cls'] > 0 for s in scalars if 'loss' in s)
    assert any('loss_action_cls' in s for s in scalars)
    tested = run_train(data_dir, tmp_path, LESSON05, '--cfg-options', *TINY, '--test')
    assert tested.returncode == 0, tested.stderr[-3000:]
    metrics = tested.stdout.strip().splitlines()[-1]
    for key in ('AR@100', 'mAP@0.50', 'mAP@0.95', 'average_mAP'):
        assert f"'{key}'" in metrics, metrics


def test_the_full_config_builds_the_same_extension(tmp_path, monkeypatch):
    monkeypatch.setenv('COURSE_DATA_DIR', str(tmp_path))
    cfg = cltrain.load_config('bmn_cls_2xb8-400x100-9e_activitynet-feature_full')
    assert cfg.model.type == 'BMNwActionCls' and cfg.model.num_action_classes == 201
    assert cfg.train_dataloader.dataset.pipeline[1].type == 'GenerateLocalizationClassLabels'
    assert {e['type'] for e in cfg.test_evaluator} == {'ANetMetric', 'ActivityNetDetectionMetric'}
