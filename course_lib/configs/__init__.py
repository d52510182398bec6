"""Course configs: which config each lesson uses in each profile (one table), and loading them.

    from course_lib import configs
    configs.for_lesson('06', 'detector')          # the config name in the active profile
    cfg = configs.load_config(configs.for_lesson('03', 'recognizer'), {'train_cfg.max_epochs': 3})
    configs.differences(base.to_dict(), cfg.to_dict())  # every resolved key that differs

The config files here are mmengine configs that inherit the installed packages' own configs
(`_base_ = 'mmaction::...'` / `'mmdet::...'`); each smoke config is a small version of its full one.
"""
from __future__ import annotations

import logging
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

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
    LessonConfig('05', 'raw-video', 'bmn_cls_1xb4-128x32-10e_motion-untrimmed_smoke', None,
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


def differences(old: Any, new: Any, path: str = '', ignore: Sequence[str] = ()) -> list[str]:
    """Every key path where two resolved configs (nested dicts / lists) differ, keys in `ignore` skipped."""
    if isinstance(old, dict) and isinstance(new, dict):
        out = []
        for key in sorted((set(old) | set(new)) - set(ignore), key=str):
            where = f'{path}.{key}' if path else str(key)
            if key not in old:
                out.append(f'{where}: added {new[key]!r}')
            elif key not in new:
                out.append(f'{where}: removed (was {old[key]!r})')
            else:
                out += differences(old[key], new[key], where, ignore)
        return out
    if isinstance(old, (list, tuple)) and isinstance(new, (list, tuple)) and type(old) is type(new) \
            and len(old) == len(new):
        return [d for i, (a, b) in enumerate(zip(old, new))
                for d in differences(a, b, f'{path}[{i}]', ignore)]
    return [] if old == new and type(old) is type(new) else [f'{path}: {old!r} -> {new!r}']


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


def _bases(path: Path) -> list[str]:
    """The `_base_` file names a config file states (a string or a list of them), as written."""
    import ast
    try:
        tree = ast.parse(path.read_text(encoding='utf-8'))
    except (SyntaxError, UnicodeDecodeError, OSError):
        return []  # mmengine reports it, with the line
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == '_base_' for t in node.targets):
            try:
                value = ast.literal_eval(node.value)
            except ValueError:
                return []
            return [value] if isinstance(value, str) else [v for v in value if isinstance(v, str)]
    return []


def _with_course_bases(path: Path) -> Path | None:
    """A config outside the course's folder whose relative `_base_` names a course config (a copied
    config): a temporary view where those bases resolve (the file beside the course's configs), or
    None when its bases resolve as they are. A base found nowhere: ConfigError saying what to write."""
    from ..errors import ConfigError
    if path.parent == CONFIG_DIR:
        return None
    missing = [b for b in _bases(path) if '::' not in b and not (path.parent / b).is_file()]
    if not missing:
        return None
    unknown = [b for b in missing if os.path.isabs(b) or not (CONFIG_DIR / b).resolve().is_file()
               or (CONFIG_DIR / b).resolve().parent != CONFIG_DIR]
    if unknown:
        raise ConfigError(
            f'{path}: _base_ = {unknown[0]!r} is not found, neither beside the config ({path.parent}) nor '
            'among the course\'s configs. Write in the file either a course config by name, e.g. '
            f'_base_ = \'./{names()[0]}.py\' (python -m course_lib.train --list shows them), an installed '
            "package's config (_base_ = 'mmaction::recognition/...'), or the path of an existing config "
            f'file (absolute, or relative to {path.parent}).')
    view = Path(tempfile.mkdtemp(prefix='course_config_'))
    for course_file in CONFIG_DIR.glob('*.py'):
        (view / course_file.name).symlink_to(course_file)
    (view / path.name).unlink(missing_ok=True)
    shutil.copyfile(path, view / path.name)
    return view / path.name


def _check_work_dir(path: Path) -> None:
    """Refuse a work dir that is a file, or under one (checkpoints and logs are written in it)."""
    from ..errors import ConfigError
    for part in [*reversed(path.parents), path]:
        if part.exists() and not part.is_dir():
            raise ConfigError(f'--work-dir {path}: {part} is a file, not a folder; training writes its '
                              'checkpoints and logs into a folder. Give a folder path (a new one is made).')


def load_config(config: str | os.PathLike, cfg_options: dict | None = None,
                work_dir_: str | os.PathLike | None = None, *, early_stop: int | None = None,
                lr_patience: int | None = None) -> Config:
    """Load a config with `--cfg-options`-style overrides and the course's defaults filled in.

    A copy of a course config kept elsewhere loads as it is: a relative `_base_` that is not beside
    it is looked up among the course's configs. `early_stop` / `lr_patience`: see
    `add_plateau_options` (None, the default, adds nothing)."""
    export_data_dir()  # read by configs' data_root (`{{$COURSE_DATA_DIR:data}}`)
    path = config_path(config)
    logger = MMLogger.get_current_instance()
    level = logger.level
    logger.setLevel(logging.WARNING)  # Config.fromfile logs each `{{$COURSE_DATA_DIR}}` it fills in
    view = _with_course_bases(path)
    try:
        from ..errors import ConfigError, boundary
        with boundary(f'{path}: mmengine could not load this config', 'Fix the line it names (or '
                      'start again from the course\'s config of that name).', ConfigError):
            cfg = Config.fromfile(str(view or path))
        if view is not None:
            object.__setattr__(cfg, '_filename', str(path))  # the user's file, not its loading view
    finally:
        logger.setLevel(level)
        if view is not None:
            shutil.rmtree(view.parent, ignore_errors=True)  # the temporary folder this call made
    from ..cfg_options import cfg_options as check_options, schedule
    if cfg_options:
        check_options(cfg, cfg_options, path.name)  # unknown keys, variables the file already used
        cfg.merge_from_dict(cfg_options)
    schedule(cfg, path.name)  # a step that covers no epoch ends training in mmengine's scheduler
    if not _settings.is_smoke():
        from ..dryrun import cap_config
        cap_config(cfg)  # the full profile's dry run in CI (course_lib/dryrun.py); a learner: nothing
    from ..zoo import fetch_config_files
    fetch_config_files(cfg)  # full profile: the checkpoints this config (after overrides) still names
    if work_dir_ is not None:
        _check_work_dir(Path(work_dir_).expanduser())
        work_dir_ = Path(work_dir_).expanduser()
    cfg.work_dir = str(work_dir_ or cfg.get('work_dir') or work_dir(path.stem))
    return add_plateau_options(cfg, early_stop=early_stop, lr_patience=lr_patience)


# The metric a validation evaluator reports that the plateau options watch (all: higher is better).
MAIN_METRIC = {'CocoMetric': 'coco/bbox_mAP', 'CourseCocoMetric': 'coco/bbox_mAP', 'AccMetric': 'acc/top1',
               'AVAMetric': 'mAP/overall',
               'ANetMetric': 'auc'}


def validation_metric(cfg: Config) -> tuple[str, str]:
    """The validation metric a config's training can watch, and its rule ('greater' or 'less').

    The checkpoint hook's `save_best` when the config names one, else the main metric of its first
    validation evaluator (MAIN_METRIC).
    """
    from ..errors import ConfigError
    checkpoint = (cfg.get('default_hooks') or {}).get('checkpoint') or {}
    best = checkpoint.get('save_best')
    if isinstance(best, str) and best != 'auto':
        return best, checkpoint.get('rule') or 'greater'
    evaluators = cfg.get('val_evaluator')
    first = evaluators[0] if isinstance(evaluators, (list, tuple)) and evaluators else evaluators
    kind = first.get('type') if hasattr(first, 'get') else None
    if kind in MAIN_METRIC and cfg.get('val_dataloader') and cfg.get('val_cfg') is not None:
        return MAIN_METRIC[kind], 'greater'
    raise ConfigError(f'{cfg.filename}: no validation metric to watch (val_evaluator type {kind!r}; '
                      f'known: {", ".join(MAIN_METRIC)}). Early stopping and a learning rate on '
                      'plateau need a validation loop: give the config a val_dataloader, val_cfg and '
                      'one of those evaluators, or set default_hooks.checkpoint.save_best to its metric.')


def add_plateau_options(cfg: Config, early_stop: int | None = None, lr_patience: int | None = None,
                        lr_factor: float = 0.1, monitor: tuple[str, str] | None = None) -> Config:
    """Add early stopping and / or a learning-rate reduction on a plateau of the validation metric.

    `early_stop`: mmengine's `EarlyStoppingHook` ends training after that many validations without
    an improvement. `lr_patience`: mmengine's `ReduceOnPlateauLR` multiplies the rate by `lr_factor`
    after more than that many validations without one (on top of the config's own schedule).
    Validations happen every `train_cfg.val_interval` epochs. None (the default) changes nothing.
    `monitor`: (metric, 'greater' or 'less'), default `validation_metric(cfg)`.
    """
    if early_stop is None and lr_patience is None:
        return cfg
    from ..validate import positive
    from . import _parts
    monitor, rule = monitor or validation_metric(cfg)
    if early_stop is not None:
        positive('early_stop', early_stop)
        cfg.custom_hooks = [*(cfg.get('custom_hooks') or []), _parts.early_stopping(monitor, early_stop, rule)]
    if lr_patience is not None:
        positive('lr_patience', lr_patience, zero=True)
        positive('lr_factor', lr_factor, whole=False)
        if lr_factor >= 1:
            from ..errors import ConfigError
            raise ConfigError(f'lr_factor={lr_factor!r}: must be below 1 (the rate is multiplied by it).')
        schedule = cfg.get('param_scheduler') or []
        schedule = [schedule] if hasattr(schedule, 'keys') else list(schedule)
        cfg.param_scheduler = [*schedule, _parts.plateau_lr(monitor, lr_patience, rule, lr_factor)]
    return cfg
