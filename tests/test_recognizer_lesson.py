"""Lesson 03's configs, inference on a video and a rawframe folder, and training under torchrun."""
import os
import socket
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

import course_lib as cl
from course_lib.data.rawframes import rawframe_input
from course_lib.data.splits import Split, write_split_lists
from course_lib.data.synthetic.motion_clips import MOTIONS, MotionSetSpec, build_motion_set
from course_lib.configs import load_config
from course_lib.train import last_checkpoint

REPO = Path(__file__).resolve().parents[1]
SMOKE = ('r2plus1d_r18_motion_smoke', 'x3d_s_motion_smoke')
TINY = MotionSetSpec(train_per_class=2, val_per_class=1, size=32)


@pytest.fixture(scope='module')
def tiny_set(tmp_path_factory):
    """A 6-class motion set with 2 training and 1 validation clip per class, in a temporary data dir."""
    data = tmp_path_factory.mktemp('data')
    build_motion_set(data / 'motion_clips', TINY, progress=False)
    return data


def build_model(config: str, work: Path):
    from mmaction.registry import MODELS
    from mmengine.registry import init_default_scope
    init_default_scope('mmaction')
    return MODELS.build(load_config(config, work_dir_=work).model)


@pytest.mark.parametrize('config,backbone', zip(SMOKE, ('ResNet2Plus1d', 'X3D')))
def test_smoke_models_are_small_registry_models(config, backbone, tmp_path):
    torch.manual_seed(0)
    model = build_model(config, tmp_path).eval()
    assert type(model.backbone).__name__ == backbone
    assert sum(p.numel() for p in model.parameters()) < 2.5e6
    with torch.no_grad():
        scores, _ = model.extract_feat(torch.rand(2, 1, 3, 8, 32, 32) * 255, stage='head')
    assert tuple(scores.shape) == (2, len(MOTIONS))


def test_smoke_training_never_flips_left_and_right(tmp_path):
    cfg = load_config('r2plus1d_r18_motion_smoke', work_dir_=tmp_path)
    kinds = [step['type'] for step in cfg.train_dataloader.dataset.pipeline]
    assert 'Flip' not in kinds and kinds[:2] == ['SampleFrames', 'RawFrameDecode']
    assert cfg.classes == list(MOTIONS) and cfg.model.cls_head.num_classes == len(MOTIONS)


@pytest.mark.parametrize('config,dataset,classes,hub', [
    ('r2plus1d_r34_hmdb51_full', 'hmdb51', 51, 'r2plus1d_r34_k400'),
    ('x3d_s_ucf101_full', 'ucf101', 101, 'x3d_s_k400')])
def test_full_configs_fine_tune_zoo_checkpoints_on_the_lists_we_write(config, dataset, classes,
                                                                      hub, tmp_path):
    cfg = load_config(config, work_dir_=tmp_path / 'work')
    assert cfg.model.cls_head.num_classes == classes
    remote = cl.HUB[hub]
    assert Path(cfg.load_from).name == remote.filename and remote.sha256_prefix
    written = write_split_lists(Split(dataset, 1, ['a'], [], []), tmp_path,
                                frames_root=tmp_path)
    assert Path(cfg.train_dataloader.dataset.ann_file).name == written['train_rawframes'].name
    assert Path(cfg.test_dataloader.dataset.ann_file).name == written['test_rawframes'].name


def test_inference_on_a_video_and_on_its_rawframes_agrees(tiny_set, monkeypatch, tmp_path):
    from mmaction.apis import inference_recognizer, init_recognizer
    from mmengine.dataset import Compose
    monkeypatch.setenv('COURSE_DATA_DIR', str(tiny_set))
    torch.manual_seed(0)
    cfg = load_config('r2plus1d_r18_motion_smoke', work_dir_=tmp_path)
    model = init_recognizer(cfg, None, device='cpu')  # random weights: only agreement is tested
    root = tiny_set / 'motion_clips'
    video = inference_recognizer(model, str(root / 'videos/Rotate/v_Rotate_g01_c01.mp4'),
                                 Compose(cfg.video_pipeline))
    frames = inference_recognizer(model, rawframe_input(root / 'rawframes/Rotate/v_Rotate_g01_c01'))
    a, b = video.pred_score.numpy(), frames.pred_score.numpy()
    assert a.shape == (6,) and a.sum() == pytest.approx(1, abs=1e-4)
    assert np.abs(a - b).max() < 0.02  # same frames, decoded from MPEG-4 or read from JPEG


def free_port() -> int:
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_two_process_torchrun_training_on_cpu(tiny_set, tmp_path):
    work = tmp_path / 'work'
    env = dict(os.environ, COURSE_DATA_DIR=str(tiny_set), COURSE_PROFILE='smoke',
               OMP_NUM_THREADS='1')
    cmd = [str(Path(sys.executable).with_name('torchrun')), '--nproc_per_node=2',
           f'--master_port={free_port()}', '-m', 'course_lib.train', 'r2plus1d_r18_motion_smoke',
           '--launcher', 'pytorch', '--work-dir', str(work), '--log-level', 'INFO',
           '--cfg-options', 'train_cfg.max_epochs=2', 'train_dataloader.batch_size=2',
           'val_dataloader.batch_size=2']
    done = subprocess.run(cmd, env=env, cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    checkpoint = torch.load(last_checkpoint(work), map_location='cpu', weights_only=False)
    # 2 epochs (the cosine step begins at epoch 1), 12 training clips, 2 a step on each of 2 processes:
    # 3 steps an epoch (one process would take 6)
    assert checkpoint['meta']['epoch'] == 2 and checkpoint['meta']['iter'] == 6
    log = next(work.glob('*/*.log')).read_text()
    assert 'Distributed training: True' in log
