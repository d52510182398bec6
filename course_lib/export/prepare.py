"""The trained models lesson 08 exports: data and checkpoints of lessons 03, 04 and 06, made again
(in the smoke profile) when missing, so the lesson also runs alone on a fresh checkout.

Lessons 03 and 04 learn from generated data; lesson 06's detector learns from the real BCCD that
ships with the course (datasets/bccd, converted to COCO as lesson 06 does)."""
from __future__ import annotations

from pathlib import Path

from ..profile import data_dir, work_dir

RECOGNIZER = 'r2plus1d_r18_motion_smoke'
DETECTOR = 'atss_mobilenetv2_fpn_bccd_smoke'
BMN = 'bmn_1xb4-400x32-2e_activitynet-synthetic_smoke'


def prepare_data(config: str) -> Path:
    """Make sure a smoke config's data set is on disk (skipped when already there); return its root."""
    if config == RECOGNIZER:
        from ..data.synthetic.motion_clips import MotionSetSpec, build_motion_set
        root = data_dir() / 'motion_clips'
        build_motion_set(root, MotionSetSpec(seed=0), progress=False)  # videos, rawframes, lists
        return root
    if config == DETECTOR:
        from ..data import coco
        root = data_dir() / 'bccd'
        coco.prepare_bccd(root, progress=False)  # the shipped real BCCD -> COCO, as in lesson 06
        return root
    if config == BMN:
        from ..data.synthetic import anet_features
        return anet_features.prepare_synthetic(progress=False).root
    raise ValueError(f'No data recipe for {config!r}: use one of {RECOGNIZER}, {DETECTOR}, {BMN}.')


def trained_checkpoint(config: str) -> Path:
    """The checkpoint an earlier lesson trained for `config`; trains (or finishes) it in smoke when missing."""
    from ..train import last_checkpoint, load_config, train
    checkpoint = last_checkpoint(work_dir(config))
    finished = f'epoch_{load_config(config).train_cfg.max_epochs}.pth'
    if checkpoint is None or checkpoint.name != finished:  # an interrupted run resumes
        prepare_data(config)
        print(f'{config}: no checkpoint from the earlier lesson, training it now (smoke profile)')
        train(config)
        checkpoint = last_checkpoint(work_dir(config))
    return checkpoint
