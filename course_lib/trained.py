"""The models earlier lessons trained, made again when missing: their data and their checkpoints.

Lesson 05 reuses lesson 03's recognizer and lesson 08 exports the models of lessons 03, 04, 06 and 07.
Run alone on a fresh checkout, those lessons find no checkpoint: `trained_checkpoint(config)` then
makes the smoke config's data set (generated for lessons 03-05; for lesson 06 the real BCCD that ships
with the course, converted to COCO as lesson 06 does) and trains it (1-3 minutes on 2 CPU cores). A full-profile
model is hours of GPU time, so it is never trained behind the learner's back: the error says how to.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from . import configs
from .data.synthetic import anet_features
from .data import bccd
from .data.synthetic.ava_actions import generate_ava_actions
from .data.synthetic.motion_clips import MotionSetSpec, build_motion_set
from .settings import data_dir, work_dir
from .train import last_checkpoint, train


def _motion_clips() -> Path:
    root = data_dir() / 'motion_clips'
    build_motion_set(root, MotionSetSpec(seed=0), progress=False)  # videos, rawframes, lists
    return root


def _bccd() -> Path:
    root = data_dir() / 'bccd'
    bccd.prepare_bccd(root, progress=False)  # the shipped real BCCD -> COCO, as in lesson 06
    return root


def _anet_synthetic() -> Path:
    return anet_features.prepare_synthetic(progress=False).root


def _ava_actions() -> Path:
    return generate_ava_actions(data_dir() / 'ava_actions', progress=False).root


# (lesson, role) of the configs table -> the recipe of its smoke data set
RECIPES: dict[tuple[str, str], Callable[[], Path]] = {
    ('03', 'recognizer'): _motion_clips, ('03', 'recognizer-x3d'): _motion_clips,
    ('04', 'bmn'): _anet_synthetic, ('05', 'bmn-cls'): _anet_synthetic, ('06', 'detector'): _bccd,
    ('07', 'detector'): _ava_actions}


def _recipe(config: str) -> Callable[[], Path]:
    for (lesson, role), recipe in RECIPES.items():
        if configs.for_lesson(lesson, role, 'smoke') == config:
            return recipe
    known = sorted(configs.for_lesson(lesson, role, 'smoke') for lesson, role in RECIPES)
    raise configs.ConfigNotFoundError(
        f'{config!r} has no trained checkpoint and the course cannot make its data here: train it '
        f'first (python -m course_lib.train {config}). Made on demand: {", ".join(known)}.')


def prepare_data(config: str) -> Path:
    """Make sure a smoke config's synthetic data set is on disk (skipped when already there)."""
    return _recipe(config)()


def finished_checkpoint(config: str) -> Path | None:
    """The last checkpoint of `config`'s finished training run in the data dir, or None (none, or interrupted)."""
    checkpoint = last_checkpoint(work_dir(config))
    finished = f'epoch_{configs.load_config(config).train_cfg.max_epochs}.pth'
    return checkpoint if checkpoint is not None and checkpoint.name == finished else None


def trained_checkpoint(config: str, quiet: bool = True) -> Path:
    """The checkpoint an earlier lesson trained for `config`; trains (or finishes) a smoke one when missing.

    `quiet=False` shows the training log instead of the progress bar alone.
    """
    checkpoint = finished_checkpoint(config)
    if checkpoint is None:  # an interrupted run resumes
        recipe = _recipe(config)
        recipe()
        print(f'{config}: no checkpoint from the earlier lesson, training it now (smoke profile)')
        train(config, quiet=quiet)
        checkpoint = last_checkpoint(work_dir(config))
    return checkpoint
