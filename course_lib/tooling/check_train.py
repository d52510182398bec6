"""The dry run's last stage: one training iteration and one single-clip evaluation with mmengine's
Runner, starting from the fake checkpoint through the config's path."""
from __future__ import annotations

import math
from pathlib import Path

from .dry_run import DryRunError


def dry_run_options(cfg, work_dir: Path) -> None:
    """Shrink a full config's schedule to one iteration and one evaluation (in place)."""
    for key in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        if cfg.get(key):
            cfg[key].num_workers, cfg[key].persistent_workers = 0, False
    cfg.train_dataloader.batch_size = 8  # one step of 8 samples (51 HMDB51 clips at 224 px in one: > 24 GB)
    if not {'dataset', 'datasets'} & set(cfg.train_dataloader.dataset):  # not a dataset wrapper
        cfg.train_dataloader.dataset.indices = 8  # mmengine's BaseDataset: the first 8 samples only
    cfg.train_dataloader.drop_last = False  # (BMN's recipe drops incomplete batches)
    cfg.train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=1, val_begin=1, val_interval=1)
    cfg.default_hooks.checkpoint = dict(type='CheckpointHook', interval=-1, save_last=False)
    cfg.default_hooks.logger = dict(type='LoggerHook', interval=1000)
    cfg.custom_hooks = []
    cfg.param_scheduler = []
    cfg.work_dir = str(work_dir)


def stage_train_eval(config: str, cfg) -> str:
    """Train one iteration and evaluate once with the Runner; return the losses and metrics seen."""
    from ..output import quiet
    from ..train import build_runner
    dry_run_options(cfg, Path(cfg.work_dir))
    with quiet():
        runner = build_runner(cfg, resume=False, log_level='ERROR')
        runner.train()
    scalars = runner.message_hub.log_scalars
    loss = scalars.get('train/loss')
    if loss is None or not math.isfinite(loss.current()):
        seen = {k: v.current() for k, v in scalars.items() if k.startswith('train/')}
        raise DryRunError(f'{config}: no finite training loss after one iteration ({seen})')
    iters = runner.iter
    metrics = sorted(k for k in scalars if k.startswith('val/') and k not in ('val/time',
                                                                             'val/data_time'))
    if iters != 1 or not metrics:
        raise DryRunError(f'{config}: ran {iters} training iterations and evaluated '
                          f'{metrics or "nothing"}; expected 1 and a metric')
    shown = ', '.join(metrics[:3]) + (' ...' if len(metrics) > 3 else '')
    return f'1 iteration (loss {loss.current():.3g}), evaluation wrote {shown}'
