"""The trained models lesson 08 exports: data and checkpoints of lessons 03, 04 and 06, made again
(in the smoke profile) when missing, so the lesson also runs alone on a fresh checkout."""
from __future__ import annotations

from pathlib import Path

from ..profile import data_dir, work_dir

RECOGNIZER = 'r2plus1d_r18_motion_smoke'
DETECTOR = 'atss_mobilenetv2_fpn_bccd_smoke'
BMN = 'bmn_1xb4-400x32-2e_activitynet-synthetic_smoke'


def prepare_data(config: str) -> Path:
    """Make sure a smoke config's synthetic data set is on disk (skipped when already there)."""
    if config == RECOGNIZER:
        from ..data import splits
        from ..data.rawframes import extract_rawframes
        from ..data.synthetic.motion_clips import MotionSetSpec, generate_motion_clips
        root = data_dir() / 'motion_clips'
        generate_motion_clips(root, MotionSetSpec(seed=0))
        extract_rawframes(root / 'videos', root / 'rawframes', progress=False)
        split = splits.read_ucf101_split(root / 'annotations', split=1, name='motion')
        splits.write_split_lists(split, root / 'lists', frames_root=root / 'rawframes')
        return root
    if config == DETECTOR:
        from ..data.synthetic.blood_cells import generate_blood_cells
        return generate_blood_cells(data_dir() / 'blood_cells', progress=False)
    if config == BMN:
        from ..data.synthetic import anet_features
        return anet_features.prepare_synthetic(progress=False).root
    raise ValueError(f'No data recipe for {config!r}: use one of {RECOGNIZER}, {DETECTOR}, {BMN}.')


def trained_checkpoint(config: str) -> Path:
    """The checkpoint an earlier lesson trained for `config`; trains it (smoke) when missing."""
    from ..train import last_checkpoint, train
    checkpoint = last_checkpoint(work_dir(config))
    if checkpoint is None:
        prepare_data(config)
        print(f'{config}: no checkpoint from the earlier lesson, training it now (smoke profile)')
        train(config)
        checkpoint = last_checkpoint(work_dir(config))
    return checkpoint
