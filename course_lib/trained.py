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
from .errors import MissingFileError
from .settings import REPO_ROOT, data_dir, work_dir
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
    if checkpoint is None:
        return None
    finished = f'epoch_{configs.load_config(config).train_cfg.max_epochs}.pth'  # the dry run's cap in CI
    return checkpoint if checkpoint.name == finished else None


def _not_trained_error(config: str) -> MissingFileError:
    """The error for a full-profile model no earlier run finished: which lesson and command make it."""
    lessons = sorted({row.lesson for row in configs.TABLE if config in (row.smoke, row.full)})
    notebooks = ', '.join(p.name for lesson in lessons
                          for p in sorted((REPO_ROOT / 'notebooks').glob(f'{lesson}_*.ipynb')))
    made_by = f'lesson {" or ".join(lessons)} ({notebooks}) trains it' if lessons else 'no lesson trains it'
    return MissingFileError(
        f'{config}: no finished training run in {work_dir(config)} ({made_by}). The course trains only '
        f'its smoke models on demand (a full-profile model is hours of GPU time): run that lesson first, '
        f'or `python -m course_lib.train {config}` (an interrupted run resumes).')


def trained_checkpoint(config: str, quiet: bool = True) -> Path:
    """The checkpoint an earlier lesson trained for `config`; trains (or finishes) a smoke one when missing.

    A full-profile config (any config without a smoke data recipe) is never trained here: a missing
    run raises MissingFileError naming the lesson and the command. `quiet=False` shows the training log.
    """
    checkpoint = finished_checkpoint(config)
    smoke = {configs.for_lesson(lesson, role, 'smoke'): recipe for (lesson, role), recipe in RECIPES.items()}
    if checkpoint is None and config not in smoke:
        raise _not_trained_error(config)
    if checkpoint is None:  # an interrupted run resumes
        smoke[config]()
        print(f'{config}: no checkpoint from the earlier lesson, training it now (smoke profile)')
        train(config, quiet=quiet)
        checkpoint = last_checkpoint(work_dir(config))
    return checkpoint
