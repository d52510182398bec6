"""Lesson 04's machinery: mmaction's AR@AN on a hand-worked case, resume, and torchrun (gloo)."""
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import course_lib  # noqa: F401  (compat fixes before mmaction)
from course_lib import train as T
from course_lib.data.synthetic import anet_features as synth

SMOKE = 'bmn_1xb4-400x32-2e_activitynet-synthetic_smoke'
FULL = 'bmn_2xb8-400x100-9e_activitynet-feature_full'
TINY = synth.SyntheticAnetSpec(num_train=8, num_val=2, num_test=0, temporal_dim=8, feat_dim=16)


# ---------------------------------------------------------------------------------------------
# AR@AN, worked by hand
#
# Video A: GT [10, 20]. Proposals [10, 20] (score 0.9, tIoU 1.0) and [0, 5] (0.1, tIoU 0).
# Video B: GT [0, 10].  Proposals [0, 7.2] (0.8, tIoU 0.72) and [0, 10] (0.5, tIoU 1.0).
# Thresholds 0.50, 0.55, ..., 0.95. With 2 proposals per video and max_avg_proposals=100, AR@1 keeps
# each video's best-scored proposal: A matches at all 10 thresholds, B at the 5 up to 0.70, so
# AR@1 = mean over thresholds of matched/2 = (10 + 5) / 20 = 0.75; from AR@2 on both match: 1.0.
# The AR-AN curve is (AN=1: 0.75), (AN=2..100: 1.0), so AUC = 100 * (0.875 + 98 * 1.0) / 100 = 98.875.

GT = {'v_A': [[10.0, 20.0, 'x']], 'v_B': [[0.0, 10.0, 'x']]}
PROPOSALS = {'v_A': [([10.0, 20.0], 0.9), ([0.0, 5.0], 0.1)],
             'v_B': [([0.0, 7.2], 0.8), ([0.0, 10.0], 0.5)]}


def test_average_recall_function_on_the_hand_case():
    from mmaction.evaluation import average_recall_at_avg_proposals
    gt = {k[2:]: np.array(v, dtype=object) for k, v in GT.items()}
    props = {k[2:]: np.array([[*seg, score] for seg, score in v]) for k, v in PROPOSALS.items()}
    recall, avg_recall, per_video, auc = average_recall_at_avg_proposals(
        gt, props, 4, max_avg_proposals=100, temporal_iou_thresholds=np.linspace(0.5, 0.95, 10))
    np.testing.assert_allclose(recall[:, 0], [1.0] * 5 + [0.5] * 5)  # B's 0.72 fails from 0.75
    assert avg_recall[0] == pytest.approx(0.75) and np.all(avg_recall[1:] == 1.0)
    np.testing.assert_allclose(per_video, np.arange(1, 101))
    assert auc == pytest.approx(98.875)


def test_anet_metric_on_the_hand_case(tmp_path):
    """The metric the configs use (ANetMetric) gives the same numbers from data samples."""
    from mmaction.evaluation import ANetMetric
    metric = ANetMetric(metric_type='AR@AN',
                        dump_config=dict(out=str(tmp_path / 'results.json'), output_format='json'))
    for name in GT:
        sample = {'video_name': name, 'annotations': [
            {'segment': g[:2], 'label': g[2]} for g in GT[name]]}

        class Sample:  # what ANetMetric reads from a data sample
            metainfo = sample
        predictions = [{'video_name': name, 'proposal_list': [
            {'segment': seg, 'score': score} for seg, score in PROPOSALS[name]]}]
        metric.process({'data_samples': [Sample()]}, predictions)
    results = metric.compute_metrics(metric.results)
    assert results['AR@1'] == pytest.approx(0.75)
    assert results['AR@5'] == results['AR@10'] == results['AR@100'] == pytest.approx(1.0)
    assert results['auc'] == pytest.approx(98.875)
    dumped = json.loads((tmp_path / 'results.json').read_text())['results']
    assert dumped['A'][0] == {'segment': [10.0, 20.0], 'score': 0.9}


def test_ar_an_curve_matches_the_hand_case_and_anet_metric(tmp_path):
    """course_lib's curve (for plotting) reads ANetMetric's results.json and agrees with it."""
    from course_lib.metrics.proposals import ar_an_curve, load_proposals
    annotations = {k: {'annotations': [{'segment': g[:2], 'label': g[2]} for g in v]}
                   for k, v in GT.items()}
    results = {'version': 'VERSION 1.3', 'external_data': {}, 'results': {
        k[2:]: [{'segment': seg, 'score': score} for seg, score in v] for k, v in PROPOSALS.items()}}
    (tmp_path / 'results.json').write_text(json.dumps(results))
    curve = ar_an_curve(annotations, load_proposals(tmp_path / 'results.json'))
    assert curve.summary() == pytest.approx(
        {'auc': 98.875, 'AR@1': 0.75, 'AR@5': 1.0, 'AR@10': 1.0, 'AR@100': 1.0})
    with pytest.raises(ValueError, match='1 annotated videos have no proposals'):
        ar_an_curve({**annotations, 'v_C': annotations['v_A']}, load_proposals(tmp_path / 'results.json'))


# ---------------------------------------------------------------------------------------------
# configs, resume and torchrun on a tiny data set and a tiny BMN

def tiny_options(root: Path, work_dir: Path) -> dict:
    """cfg-options that shrink the smoke config to 8 steps x 16 channels, 8 videos, batch 4."""
    options = {'model.temporal_dim': 8, 'model.num_samples': 4, 'model.feat_dim': 16,
               'model.hidden_dim_1d': 16, 'model.hidden_dim_2d': 16, 'model.hidden_dim_3d': 16,
               'train_dataloader.batch_size': 4, 'default_hooks.logger.interval': 1,
               'test_evaluator.dump_config.out': str(work_dir / 'results.json')}
    for loader, split in (('train', 'train'), ('val', 'val'), ('test', 'val')):
        options[f'{loader}_dataloader.dataset.ann_file'] = str(root / f'anet_anno_{split}.json')
        options[f'{loader}_dataloader.dataset.data_prefix.video'] = str(root / TINY.feature_dir)
    return options


@pytest.fixture()
def tiny(tmp_path, monkeypatch):
    """A tiny synthetic set and a private data dir (configs resolve their paths from it)."""
    monkeypatch.setenv('COURSE_DATA_DIR', str(tmp_path / 'data'))
    root = synth.generate_anet_features(tmp_path / 'anet', TINY, progress=False)
    return root, tmp_path / 'run'


def steps_logged(work_dir: Path) -> list[list[int]]:
    """Return the training steps each run in a work dir logged (one list per run, oldest first)."""
    runs = sorted(work_dir.glob('*/vis_data/scalars.json'))
    return [[json.loads(line)['step'] for line in p.read_text().splitlines() if 'loss' in line]
            for p in runs]


def test_configs_inherit_mmaction_bmn_and_stay_out_of_the_repo(tiny):
    smoke, full = T.load_config(SMOKE), T.load_config(FULL)
    data_dir = os.environ['COURSE_DATA_DIR']
    for cfg in (smoke, full):
        assert cfg.model.type == 'BMN' and cfg.test_evaluator.type == 'ANetMetric'
        assert cfg.work_dir.startswith(data_dir)
        assert cfg.test_evaluator.dump_config.out == f'{cfg.work_dir}/results.json'
        assert cfg.train_dataloader.dataset.ann_file.startswith(data_dir)
    assert (full.model.temporal_dim, full.model.num_samples, full.train_cfg.max_epochs) == (100, 32, 9)
    assert full.train_dataloader.batch_size == 8 and full.optim_wrapper.optimizer.lr == 1e-3
    assert (smoke.model.temporal_dim, smoke.model.num_samples, smoke.train_cfg.max_epochs) == (32, 8, 2)
    assert smoke.val_dataloader.batch_size == smoke.test_dataloader.batch_size == 1  # BMN predicts 1


def test_resume_continues_from_the_saved_epoch(tiny):
    root, work_dir = tiny
    options = tiny_options(root, work_dir)
    T.train(SMOKE, cfg_options={**options, 'train_cfg.max_epochs': 1}, work_dir_=work_dir)
    assert T.last_checkpoint(work_dir).name == 'epoch_1.pth'
    runner = T.train(SMOKE, cfg_options={**options, 'train_cfg.max_epochs': 2}, work_dir_=work_dir)
    assert (runner.epoch, runner.iter) == (2, 4)
    assert steps_logged(work_dir) == [[1, 2], [3, 4]]  # the second run started at step 3, not 1
    assert T.last_checkpoint(work_dir).name == 'epoch_2.pth'
    # a finished run is not repeated and its work dir is kept
    before = (work_dir / 'epoch_2.pth').stat().st_mtime_ns
    runner = T.train(SMOKE, cfg_options={**options, 'train_cfg.max_epochs': 2}, work_dir_=work_dir)
    assert runner.iter == 4 and (work_dir / 'epoch_1.pth').exists()
    assert (work_dir / 'epoch_2.pth').stat().st_mtime_ns == before
    assert [s for s in steps_logged(work_dir) if s] == [[1, 2], [3, 4]]  # no step trained again
    metrics = T.test(SMOKE, cfg_options=options, work_dir_=work_dir)
    assert set(metrics) == {'auc', 'AR@1', 'AR@5', 'AR@10', 'AR@100'}
    assert 0 <= metrics['AR@1'] <= metrics['AR@5'] <= metrics['AR@100'] <= 1


@pytest.mark.slow
@pytest.mark.skipif(shutil.which('torchrun', path=str(Path(sys.executable).parent)) is None,
                    reason='torchrun not installed')
def test_torchrun_two_processes_split_the_data(tiny):
    """Under torchrun (gloo) each of 2 processes sees half the videos: 8 / (2 x 4) = 1 step."""
    root, work_dir = tiny
    options = {**tiny_options(root, work_dir), 'train_cfg.max_epochs': 1}
    args = [f'{k}={v}' for k, v in options.items()]
    torchrun = str(Path(sys.executable).parent / 'torchrun')
    env = dict(os.environ, OMP_NUM_THREADS='1')
    done = subprocess.run(
        [torchrun, '--nproc_per_node=2', '--master_port=29517', '-m', 'course_lib.train', SMOKE,
         '--launcher', 'pytorch', '--work-dir', str(work_dir), '--cfg-options', *args],
        capture_output=True, text=True, timeout=600, env=env)
    assert done.returncode == 0, done.stderr[-3000:]
    log = next(work_dir.glob('*/*.log')).read_text()
    assert 'Distributed training: True' in log and 'GPU number: 2' in log  # mmengine: world size
    assert steps_logged(work_dir) == [[1]]
    assert T.last_checkpoint(work_dir).name == 'epoch_1.pth'
