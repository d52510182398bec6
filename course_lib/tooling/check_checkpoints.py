"""The dry run's checkpoint stage: a FAKE start checkpoint (random weights, real key names) served
under its real URL path, refused by the hub's verification, accepted by the test switch, then
checked against the model through the config's own path (`load_from` / `init_cfg`); lesson 02's
demo checkpoints through the lesson's loaders."""
from __future__ import annotations

import contextlib
import io
from dataclasses import dataclass
from pathlib import Path

from .. import fetch as dl
from .dry_run import DryRunError, full_profile_smoke_view
from .loopback import served_path


@dataclass(frozen=True)
class Start:
    """Where a full config's weights start: a hub checkpoint, loaded through load_from or init_cfg."""

    hub: str
    via: str  # 'load_from', 'init_cfg' (the model's) or 'backbone.init_cfg'
    architecture: str | None  # installed zoo config that made the checkpoint; None: the backbone
    replaced: tuple[str, ...] = ()  # the head the config replaces on purpose


START: dict[str, Start | None] = {  # None: trained from scratch, as mmaction2's recipe does
    'x3d_s_ucf101_full': Start(
        'x3d_s_k400', 'load_from',
        'mmaction::recognition/x3d/x3d_s_13x6x1_facebook-kinetics400-rgb.py', ('cls_head.fc2',)),
    'r2plus1d_r34_hmdb51_full': Start(
        'r2plus1d_r34_k400', 'load_from',
        'mmaction::recognition/r2plus1d/r2plus1d_r34_8xb8-8x8x1-180e_kinetics400-rgb.py',
        ('cls_head.fc_cls',)),
    'bmn_2xb8-400x100-9e_activitynet-feature_full': None,
    'bmn_cls_2xb8-400x100-9e_activitynet-feature_full': None,
    'atss_mobilenetv2_fpn_bccd_full': Start('mobilenet_v2_imagenet_mmdet', 'backbone.init_cfg', None),
    'slowonly_k400-pre-r50_8xb8-8x2x1-20e_jhmdb-ava_full': Start(
        'slowonly_r50_k400', 'init_cfg',
        'mmaction::recognition/slowonly/'
        'slowonly_imagenet-pretrained-r50_8xb16-4x16x1-steplr-150e_kinetics400-rgb.py',
        ('cls_head.', 'roi_head.')),  # a K400 recognizer's backbone into a Fast R-CNN detector
    'x3d_s_k400-pre_8xb8-8x2x1-20e_jhmdb-ava_full': Start(
        'x3d_s_k400', 'init_cfg', 'mmaction::recognition/x3d/x3d_s_13x6x1_facebook-kinetics400-rgb.py',
        ('cls_head.', 'roi_head.')),  # the same, with X3D-S (the action-detection tutorial's model)
}


def _build(model_cfg, scope: str):
    from mmengine.registry import DefaultScope
    from mmengine.registry import MODELS as ROOT
    with DefaultScope.overwrite_default_scope(scope):
        return ROOT.build(model_cfg)


def start_architecture(config: str, cfg) -> object:
    """Build the model a full config's checkpoint was made with (random weights, real key names)."""
    from mmengine.config import Config

    from ..inference import installed_config
    start = START[config]
    if start.architecture is None:  # the backbone module the config's init_cfg loads into
        backbone = dict(cfg.model.backbone)
        backbone.pop('init_cfg', None)
        return _build(backbone, cfg.get('default_scope', 'mmdet'))
    zoo = Config.fromfile(str(installed_config(start.architecture)))
    zoo.model.get('backbone', {}).pop('pretrained', None)
    zoo.model.pop('init_cfg', None)
    return _build(zoo.model, zoo.get('default_scope', 'mmaction'))


def write_fake_checkpoint(model, path: Path) -> Path:
    """Save model's random weights as an mmengine checkpoint (real key names), marked FAKE."""
    import torch
    path.parent.mkdir(parents=True, exist_ok=True)
    torch.save({'state_dict': model.state_dict(),
                'meta': {'note': 'FAKE: random weights with real key names (course dry run)'}}, path)
    return path


def _init_cfg(cfg, via: str):
    return cfg.model.init_cfg if via == 'init_cfg' else cfg.model.backbone.init_cfg


def check_config_checkpoint(config: str, cfg, model) -> str:
    """Check the config's own checkpoint path against its model; return what was checked."""
    from ..checkpoints import check_checkpoint_keys
    start = START[config]
    if start.via == 'load_from':
        path, module, prefix = cfg.load_from, model, ''
    else:
        init = _init_cfg(cfg, start.via)
        path = init.checkpoint
        module, prefix = (model, '') if start.via == 'init_cfg' else (model.backbone, '')
        if init.get('prefix'):
            raise DryRunError(f'{config}: init_cfg uses prefix={init.prefix!r}, which this dry run '
                              'does not model; extend check_config_checkpoint.')
    cache = dl.cache_dir()
    if Path(path).parent != cache or Path(path).name != dl.HUB[start.hub].filename:
        raise DryRunError(f'{config}: {start.via} is {path}, not the verified hub file '
                          f'{cache / dl.HUB[start.hub].filename}; use zoo.hub_path({start.hub!r}).')
    check_checkpoint_keys(module, path, replaced_prefixes=start.replaced, prefix=prefix)
    return f'{start.via} -> {Path(path).name}: keys match' + (
        f' (replaced on purpose: {", ".join(start.replaced)})' if start.replaced else '')


def stage_checkpoint(config: str, served: Path) -> tuple[str, object]:
    """Serve a fake start checkpoint, see verification refuse it, load the config, check keys."""
    from ..configs import load_config
    start = START[config]
    if start is None:
        cfg = load_config(config, work_dir_=dl.cache_dir().parent / 'work' / Path(config).stem)
        return 'no pretrained checkpoint (trained from scratch, as mmaction2\'s recipe)', cfg
    with full_profile_smoke_view():  # the config's file names, without fetching yet
        offline_cfg = load_config(config, work_dir_=dl.cache_dir().parent / 'work' / Path(config).stem)
    model = start_architecture(config, offline_cfg)
    remote = dl.HUB[start.hub]
    write_fake_checkpoint(model, served / served_path(remote).lstrip('/').split('?')[0])
    try:
        dl.download(start.hub, progress=False)
    except dl.ChecksumError as err:
        refused = f'verification refused the fake ({str(err).split(" (from")[0].split(", but ")[-1]})'
    else:
        raise DryRunError(f'{config}: a fake {remote.filename} passed verification; the sha256 '
                          'prefix check is broken.')
    with dl.accept_fixtures(), contextlib.redirect_stderr(io.StringIO()):  # no download bar
        cfg = load_config(config, work_dir_=dl.cache_dir().parent / 'work' / Path(config).stem)
    built = _build(cfg.model, cfg.get('default_scope', 'mmaction'))
    return f'{refused}; accepted by the test switch; {check_config_checkpoint(config, cfg, built)}', cfg


# lesson 02's demo checkpoints (no full config: the lesson loads them through its entry points)
DEMOS = {'ava_slowonly_r101': ('mmaction::detection/slowonly/'
                               'slowonly_kinetics400-pretrained-r101_8xb16-8x8x1-20e_ava21-rgb.py'),
         'faster_rcnn_r50_coco': 'mmdet::faster_rcnn/faster-rcnn_r50_fpn_2x_coco.py'}


def stage_demo_checkpoint(name: str, served: Path) -> str:
    """Serve a fake demo checkpoint, see it refused, then load it as lesson 02 does; check keys."""
    from mmengine.config import Config

    from ..checkpoints import check_checkpoint_keys
    from ..inference import installed_config, zoo_weights
    from ..inference.persons import MMDetPersonDetector
    from ..inference.spatiotemporal import load_ava_model
    from ..output import quiet
    zoo = Config.fromfile(str(installed_config(DEMOS[name])))
    zoo.model.pop('init_cfg', None)
    zoo.model.backbone.pop('init_cfg', None)
    zoo.model.backbone.pop('pretrained', None)
    scope = 'mmdet' if DEMOS[name].startswith('mmdet::') else 'mmaction'
    remote = dl.HUB[name]
    write_fake_checkpoint(_build(zoo.model, scope), served / served_path(remote).lstrip('/'))
    try:
        dl.download(name, progress=False)
    except dl.ChecksumError as err:
        refused = f'verification refused the fake ({str(err).split(" (from")[0].split(", but ")[-1]})'
    else:
        raise DryRunError(f'a fake {remote.filename} passed verification')
    with dl.accept_fixtures(), contextlib.redirect_stderr(io.StringIO()), quiet():
        weights = zoo_weights(name)  # the full profile: fetched from the (loopback) host
        model = (MMDetPersonDetector(str(weights.checkpoint)).model if scope == 'mmdet'
                 else load_ava_model(weights.checkpoint)[0])
    check_checkpoint_keys(model, weights.checkpoint)
    return f'{refused}; accepted by the test switch; lesson 02 loads {remote.filename}: keys match'
