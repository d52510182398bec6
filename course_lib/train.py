"""Train and test any course config with mmengine's Runner: the course's `tools/train.py`.

    python -m course_lib.train atss_mobilenetv2_fpn_bccd_smoke --cfg-options train_cfg.max_epochs=3
    python -m course_lib.train atss_mobilenetv2_fpn_bccd_smoke --test           # evaluate the last checkpoint
    python -m course_lib.train atss_mobilenetv2_fpn_bccd_smoke --overfit-check  # sanity checks + one-batch overfit
    python -m course_lib.train atss_mobilenetv2_fpn_bccd_smoke --early-stop 5 --lr-patience 3
    torchrun --nproc_per_node=2 -m course_lib.train atss_mobilenetv2_fpn_bccd_smoke --launcher pytorch

    python -m course_lib.train --list    # which config each lesson uses in each profile

The names are those of course_lib.configs.TABLE (course_lib/configs/__init__.py); in Python,
`course_lib.configs.for_lesson('06', 'detector')` gives the one of the active profile.

Training first runs the sanity checks of course_lib.sanity (class counts, annotation files, one
batch through the model; --skip-sanity to skip). Runs resume from the last checkpoint in their work
dir, so an interrupted run continues and a finished run is not repeated. The same config runs under torchrun (gloo on CPU, NCCL on GPU).

--early-stop N ends training after N validations without an improvement of the config's validation
metric (mmengine's EarlyStoppingHook); --lr-patience N multiplies the learning rate by --lr-factor
after more than N such validations (mmengine's ReduceOnPlateauLR, on top of the config's schedule).
Both are off by default: the configs' own schedules stay as they are. In Python:
`train(load_config(CONFIG, early_stop=5, lr_patience=3))` (course_lib.configs.add_plateau_options).
"""
from __future__ import annotations

import argparse
import contextlib
import logging
import os
from pathlib import Path

from mmengine.config import Config, DictAction
from mmengine.runner import Runner

from . import configs
from .configs import CONFIG_DIR, config_path, load_config  # noqa: F401  (re-exported)
from .errors import MissingFileError
from .output import quiet as quiet_output
from .validate import fraction, non_negative_int, positive_int


def _use_gloo_without_cuda(cfg: Config) -> None:
    import torch
    if not torch.cuda.is_available():
        cfg.setdefault('env_cfg', {}).setdefault('dist_cfg', {})['backend'] = 'gloo'
        if cfg.get('launcher', 'none') != 'none':  # DDP takes no device_ids for a CPU model
            wrapper = cfg.get('model_wrapper_cfg') or dict(type='MMDistributedDataParallel')
            cfg.model_wrapper_cfg = dict(wrapper, device_ids=None)


def build_runner(config: str | os.PathLike | Config, *, cfg_options: dict | None = None,
                 work_dir_: str | os.PathLike | None = None, resume: bool = True,
                 launcher: str = 'none', log_level: str = 'WARNING',
                 replaced_prefixes: tuple[str, ...] | None = None) -> Runner:
    """Build an mmengine Runner for a course config; resumes from the work dir's last checkpoint.

    The checkpoint it will load (the last one, or `load_from`) must fit the model
    (course_lib.checkpoints); only a `load_from` start may differ in the classifier the config
    replaces (`replaced_prefixes`, default course_lib.checkpoints.pretrained_head).
    """
    cfg = config if isinstance(config, Config) else load_config(config, cfg_options, work_dir_)
    cfg.launcher = launcher
    if resume and last_checkpoint(cfg.work_dir) is not None:
        cfg.resume, cfg.load_from = True, None  # continue this run, not the pretrained start
    else:
        cfg.resume = False  # a fresh run (from cfg.load_from, e.g. a pretrained checkpoint, if set)
    cfg.log_level = log_level
    _use_gloo_without_cuda(cfg)
    runner = Runner.from_cfg(cfg)
    _check_start(runner, cfg, replaced_prefixes)
    return runner


def _check_start(runner: Runner, cfg: Config, replaced_prefixes: tuple[str, ...] | None) -> None:
    """Refuse a checkpoint to resume or start from that is unreadable or of another model."""
    from .checkpoints import CheckpointMismatchError, check_checkpoint_keys, pretrained_head
    source = last_checkpoint(cfg.work_dir) if cfg.resume else cfg.get('load_from')
    if not source or str(source).startswith(('http://', 'https://')):
        return  # nothing to load, or a URL mmengine downloads itself
    model = getattr(runner.model, 'module', runner.model)
    if replaced_prefixes is None:
        replaced_prefixes = () if cfg.resume else pretrained_head(cfg, model)
    try:
        check_checkpoint_keys(model, source, replaced_prefixes)
    except CheckpointMismatchError as err:
        if not cfg.resume:
            raise
        raise CheckpointMismatchError(
            f'{err} (It is the last checkpoint of {cfg.work_dir}, which training resumes from: '
            'delete that work dir, or train again from the start with --no-resume / resume=False.)') from err


def train(config: str | os.PathLike | Config, quiet: bool = False, **kwargs) -> Runner:
    """Train a config to the end (or continue an interrupted run); return the Runner.

    `quiet=True` hides log lines and printed tables (the progress bar stays).
    """
    with quiet_output() if quiet else contextlib.nullcontext():
        runner = build_runner(config, **kwargs)
        runner.train()
    return runner


def last_checkpoint(work_dir_: str | os.PathLike) -> Path | None:
    """Return the checkpoint named in a work dir's `last_checkpoint` file, if any."""
    marker = Path(work_dir_) / 'last_checkpoint'
    if not marker.exists():
        return None
    path = Path(marker.read_text().strip())
    return path if path.exists() else None


def test(config: str | os.PathLike | Config, checkpoint: str | os.PathLike | None = None,
         quiet: bool = False, **kwargs) -> dict:
    """Evaluate a checkpoint (default: the work dir's last) on the test split; return metrics.

    `quiet=True` hides log lines and printed tables (e.g. pycocotools' and AVAMetric's).
    """
    cfg = config if isinstance(config, Config) else load_config(
        config, kwargs.pop('cfg_options', None), kwargs.pop('work_dir_', None))
    checkpoint = checkpoint or last_checkpoint(cfg.work_dir)
    if checkpoint is None:
        raise MissingFileError(f'No checkpoint in {cfg.work_dir}: train first '
                                f'(python -m course_lib.train {cfg.filename}).')
    cfg.load_from = str(checkpoint)
    with quiet_output() if quiet else contextlib.nullcontext():
        runner = build_runner(cfg, resume=False, replaced_prefixes=(), **kwargs)
        return runner.test()


def main(argv: list[str] | None = None) -> None:
    """Command line entry point (see the module docstring)."""
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('config', nargs='?',
                        help=f"course config name (e.g. {configs.for_lesson('06', 'detector', 'smoke')}; "
                        'see --list) or a config file')
    parser.add_argument('--list', action='store_true',
                        help='print which config each lesson uses in each profile, and exit')
    parser.add_argument('--work-dir', help='where checkpoints and logs go '
                        '(default: $COURSE_DATA_DIR/work_dirs/<config>/<profile>)')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction, default={},
                        help='override config keys, e.g. train_cfg.max_epochs=3 model.type=X')
    parser.add_argument('--no-resume', action='store_true',
                        help='start from scratch even if the work dir has a checkpoint')
    parser.add_argument('--test', nargs='?', const='last', metavar='CHECKPOINT',
                        help='evaluate CHECKPOINT (default: the last one) instead of training')
    parser.add_argument('--launcher', choices=['none', 'pytorch', 'slurm', 'mpi'], default='none',
                        help='`pytorch` under torchrun')
    parser.add_argument('--skip-sanity', action='store_true',
                        help='do not run the sanity checks (course_lib.sanity) before training')
    parser.add_argument('--overfit-check', action='store_true',
                        help='also check that the model can overfit one batch before training')
    parser.add_argument('--early-stop', type=positive_int, metavar='PATIENCE',
                        help='stop after PATIENCE validations without an improvement of the validation '
                        'metric (mmengine EarlyStoppingHook; default: off)')
    parser.add_argument('--lr-patience', type=non_negative_int, metavar='N',
                        help='multiply the learning rate by --lr-factor after more than N validations '
                        'without an improvement (mmengine ReduceOnPlateauLR; default: off)')
    parser.add_argument('--lr-factor', type=fraction, default=0.1,
                        help='the factor of --lr-patience (default 0.1)')
    parser.add_argument('--log-level', default='INFO')
    args = parser.parse_args(argv)
    if args.list:
        print(configs.table_text())
        return
    if args.config is None:
        parser.error('give a config name (see --list) or a config file')
    logging.getLogger('mmengine').setLevel(args.log_level)
    common = dict(cfg_options=args.cfg_options, work_dir_=args.work_dir,
                  launcher=args.launcher, log_level=args.log_level)
    plateau = dict(early_stop=args.early_stop, lr_patience=args.lr_patience, lr_factor=args.lr_factor)
    if args.test:
        checkpoint = None if args.test == 'last' else args.test
        print(test(args.config, checkpoint, **common))
    else:
        if not args.skip_sanity and os.environ.get('RANK', '0') == '0':
            from . import sanity
            report = sanity.run(load_config(args.config, args.cfg_options, args.work_dir),
                                overfit=args.overfit_check)
            print(report)
            report.raise_if_failed()
        cfg = configs.add_plateau_options(
            load_config(args.config, args.cfg_options, args.work_dir), **plateau)
        train(cfg, resume=not args.no_resume, launcher=args.launcher, log_level=args.log_level)


if __name__ == '__main__':
    import sys

    from .errors import run_cli
    sys.exit(run_cli(main))
