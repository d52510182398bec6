"""Course configs: which config each lesson uses in each profile (one table), and loading them.

    from course_lib import configs
    configs.for_lesson('06', 'detector')          # the config name in the active profile
    cfg = configs.load_config(configs.for_lesson('03', 'recognizer'), {'train_cfg.max_epochs': 3})

The config files here are mmengine configs that inherit the installed packages' own configs
(`_base_ = 'mmaction::...'` / `'mmdet::...'`); each smoke config is a small version of its full one.
"""
from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path

from mmengine.config import Config
from mmengine.logging import MMLogger

from .. import settings as _settings
from ..settings import export_data_dir, work_dir

CONFIG_DIR = Path(__file__).resolve().parent


@dataclass(frozen=True)
class LessonConfig:
    """One row of the table: the configs a lesson uses for one model (role), per profile."""

    lesson: str
    role: str
    smoke: str
    full: str | None  # None: the full profile describes this step but has no config of its own
    what: str

    def name(self, profile_name: str) -> str | None:
        """The config name for a profile (`smoke` or `full`)."""
        return self.smoke if profile_name == 'smoke' else self.full


TABLE: tuple[LessonConfig, ...] = (
    LessonConfig('03', 'recognizer', 'r2plus1d_r18_motion_smoke', 'r2plus1d_r34_hmdb51_full',
                 'R(2+1)D action recognizer (smoke: R18 on motion clips; full: R34 on HMDB51)'),
    LessonConfig('03', 'recognizer-x3d', 'x3d_s_motion_smoke', 'x3d_s_ucf101_full',
                 'X3D-S action recognizer (smoke: on motion clips; full: on UCF101)'),
    LessonConfig('04', 'bmn', 'bmn_1xb4-400x32-2e_activitynet-synthetic_smoke',
                 'bmn_2xb8-400x100-9e_activitynet-feature_full',
                 'BMN temporal proposals on ActivityNet-format features'),
    LessonConfig('05', 'bmn-cls', 'bmn_cls_1xb2-400x32-1e_activitynet-synthetic_smoke',
                 'bmn_cls_2xb8-400x100-9e_activitynet-feature_full',
                 'BMN with an action-class head (BMNwActionCls) on ActivityNet-format features'),
    LessonConfig('05', 'raw-video', 'bmn_cls_1xb4-128x32-3e_motion-untrimmed_smoke', None,
                 'BMNwActionCls on recognizer features of untrimmed videos (two-stage pipeline)'),
    LessonConfig('06', 'detector', 'atss_mobilenetv2_fpn_bccd_smoke', 'atss_mobilenetv2_fpn_bccd_full',
                 'ATSS blood-cell detector (BCCD)'),
    LessonConfig('07', 'detector', 'slowonly_r18_8xb8-8x2x1-6e_ava-synthetic_smoke',
                 'slowonly_k400-pre-r50_8xb8-8x2x1-20e_jhmdb-ava_full',
                 'SlowOnly + Fast R-CNN RoI head, spatio-temporal action detector (AVA format)'),
    LessonConfig('07', 'detector-x3d', 'x3d_8xb8-8x2x1-6e_ava-synthetic_smoke',
                 'x3d_s_k400-pre_8xb8-8x2x1-20e_jhmdb-ava_full',
                 'X3D + Fast R-CNN RoI head (OTX tutorial\'s X3D_FAST_RCNN), spatio-temporal action '
                 'detector; smoke: trained by scripts/compare_stdet.py, not in the lesson'),
)
# Lesson 08 exports the models of earlier lessons: its roles point at their rows.
EXPORTS = {'recognizer': ('03', 'recognizer'), 'bmn': ('04', 'bmn'), 'detector': ('06', 'detector'),
           'stdet': ('07', 'detector')}


class ConfigNotFoundError(FileNotFoundError):
    """A config name or lesson role that the course does not have."""


def _row(lesson: str, role: str | None) -> LessonConfig:
    lesson = f'{int(lesson):02d}' if str(lesson).isdigit() else str(lesson)
    if lesson == '08' and role in EXPORTS:
        lesson, role = EXPORTS[role]
    rows = [r for r in TABLE if r.lesson == lesson]
    if role is None and len(rows) == 1:
        return rows[0]
    for row in rows:
        if row.role == role:
            return row
    roles = sorted({r.role for r in rows} | (set(EXPORTS) if lesson == '08' else set()))
    known = f'its roles are {roles}' if roles else f'lessons with configs: {sorted({r.lesson for r in TABLE})}'
    raise ConfigNotFoundError(f'Lesson {lesson} has no config for role {role!r}; {known}.')


def for_lesson(lesson: str, role: str | None = None, profile: str | None = None) -> str:
    """Return the config name lesson `lesson` uses for `role` in a profile (default: the active one)."""
    row, profile_name = _row(lesson, role), profile or _settings.profile()
    name = row.name(profile_name)
    if name is None:
        raise ConfigNotFoundError(
            f'Lesson {row.lesson} ({row.role}) has no {profile_name} config: the lesson describes that '
            f'step and runs it in smoke only ({row.smoke}).')
    return name


def names() -> list[str]:
    """Every config a user can name (files in this folder, without `.py`; `_*.py` are shared bases)."""
    return sorted(p.stem for p in CONFIG_DIR.glob('*.py') if not p.stem.startswith('_'))


def table_text() -> str:
    """The table as aligned text: lesson, role, smoke config, full config (`--list` of the CLI)."""
    rows = [('lesson', 'role', 'smoke', 'full')] + [
        (r.lesson, r.role, r.smoke, r.full or '(smoke only)') for r in TABLE]
    rows += [('08', role, f'= lesson {lesson} {own}', '') for role, (lesson, own) in EXPORTS.items()]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    return '\n'.join('  '.join(cell.ljust(w) for cell, w in zip(row, widths + [0])).rstrip()
                     for row in rows)


def config_path(config: str | os.PathLike) -> Path:
    """Resolve a course config name (`atss_mobilenetv2_fpn_bccd_smoke`) or a path to a config file."""
    path = Path(config)
    if path.suffix == '.py' and path.exists():
        return path.resolve()
    candidate = CONFIG_DIR / f'{path.stem}.py'
    if path.stem in names() and candidate.exists():
        return candidate
    raise ConfigNotFoundError(f'No config {str(config)!r}: not a file, and not one of the course configs '
                              f'in {CONFIG_DIR} ({", ".join(names())}).')


def load_config(config: str | os.PathLike, cfg_options: dict | None = None,
                work_dir_: str | os.PathLike | None = None) -> Config:
    """Load a config with `--cfg-options`-style overrides and the course's defaults filled in."""
    export_data_dir()  # read by configs' data_root
    path = config_path(config)
    logger = MMLogger.get_current_instance()
    level = logger.level
    logger.setLevel(logging.WARNING)  # Config.fromfile logs each `{{$COURSE_DATA_DIR}}` it fills in
    try:
        from ..errors import ConfigError, boundary
        with boundary(f'{path}: mmengine could not load this config', 'Fix the line it names (or '
                      'start again from the course\'s config of that name).', ConfigError):
            cfg = Config.fromfile(str(path))
    finally:
        logger.setLevel(level)
    if cfg_options:
        from ..cfg_options import cfg_options as check_options
        check_options(cfg, cfg_options, path.name)  # unknown keys, variables the file already used
        cfg.merge_from_dict(cfg_options)
    from ..zoo import fetch_config_files
    fetch_config_files(cfg)  # full profile: the checkpoints this config (after overrides) still names
    cfg.work_dir = str(work_dir_ or cfg.get('work_dir') or work_dir(path.stem))
    return cfg
