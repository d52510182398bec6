"""The trained models lesson 08 exports: data and checkpoints of lessons 03, 04, 06 and 07, made again
(in the smoke profile) when missing, so the lesson also runs alone on a fresh checkout."""
from __future__ import annotations

from pathlib import Path

from ..profile import data_dir, work_dir

RECOGNIZER = 'r2plus1d_r18_motion_smoke'
DETECTOR = 'atss_mobilenetv2_fpn_bccd_smoke'
BMN = 'bmn_1xb4-400x32-2e_activitynet-synthetic_smoke'
STDET = 'slowonly_r18_8xb8-8x2x1-6e_ava-synthetic_smoke'  # lesson 07's spatio-temporal detector


def prepare_data(config: str) -> Path:
    """Make sure a smoke config's synthetic data set is on disk (skipped when already there)."""
    if config == RECOGNIZER:
        from ..data.synthetic.motion_clips import MotionSetSpec, build_motion_set
        root = data_dir() / 'motion_clips'
        build_motion_set(root, MotionSetSpec(seed=0), progress=False)  # videos, rawframes, lists
        return root
    if config == DETECTOR:
        from ..data.synthetic.blood_cells import generate_blood_cells
        return generate_blood_cells(data_dir() / 'blood_cells', progress=False)
    if config == BMN:
        from ..data.synthetic import anet_features
        return anet_features.prepare_synthetic(progress=False).root
    if config == STDET:
        from ..data.synthetic.ava_actions import generate_ava_actions
        return generate_ava_actions(data_dir() / 'ava_actions', progress=False).root
    raise ValueError(f'No data recipe for {config!r}: use one of {RECOGNIZER}, {DETECTOR}, {BMN}, '
                     f'{STDET}.')


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
