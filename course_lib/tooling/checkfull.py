"""`make check-full`: an offline dry run of the full profile, proving it works the first time online.

    python -m course_lib.checkfull            # every full config; exit 1 if any stage fails
    python -m course_lib.checkfull --only x3d_s_ucf101_full

For every full config of the course (course_lib.configs.TABLE):
1. checkpoint: a FAKE checkpoint with the architecture the config starts from (the model-zoo
   config's model where the wheel ships it, else the backbone module `init_cfg` loads into; random
   weights, real key names) is served from a loopback HTTP server (127.0.0.1) under its real URL
   path. Its sha256 cannot carry the real prefix, so the hub's verification refuses it: the dry run
   shows that, then accepts it through a test-only switch (`download.accept_fixtures`, reached by no
   entry point of the course), loads the config in the full profile (which fetches the file through
   `course_lib.download`, as online) and checks the checkpoint's keys against the model through the
   config's own path (`load_from` / `init_cfg`): only a deliberately replaced head may differ.
2. data: miniature copies of the real data set in its real layout (course_lib.data.fixtures) are
   served under the real file names, and the course's data script prepares them as it would the
   real download; the files the config reads must then exist.
3. train + eval: one training iteration and one single-clip evaluation with mmengine's Runner,
   starting from the fake checkpoint through the config's path.
Lesson 02's demo checkpoints (no full config) go through step 1 with the lesson's own loaders.
Nothing here ran on a GPU, and the numbers it trains are meaningless (random weights, random pixels).
"""
from __future__ import annotations

import argparse
import contextlib
import dataclasses
import functools
import http.server
import io
import math
import os
import runpy
import shutil
import sys
import tempfile
import threading
import time
import urllib.parse
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

import importlib

from ..profile import REPO_ROOT

dl = importlib.import_module('course_lib.download')  # the module (course_lib.download is the function)

SCRIPTS = REPO_ROOT / 'data_scripts'
# the course's shipped copy of BCCD (a VOC folder), else the project's reference zip of it
BCCD_SOURCES = (REPO_ROOT / 'datasets' / 'bccd', Path('/work/shared/data/BCCD_Dataset-master.zip'))


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


@dataclass
class Result:
    """One stage of one config."""

    config: str
    stage: str
    ok: bool
    detail: str
    seconds: float = 0.0


class DryRunError(RuntimeError):
    """A stage of the dry run found the full profile broken."""


# --- a loopback server that stops by itself ---
class _Handler(http.server.SimpleHTTPRequestHandler):
    """Serves a folder; /download answers as Google Drive does for large files (a confirmation
    page first, the file once the form's uuid comes back)."""

    drive_file: Path | None = None

    def log_message(self, *args) -> None:
        pass

    def do_GET(self) -> None:
        url = urllib.parse.urlparse(self.path)
        if url.path == '/download' and self.drive_file is not None:
            query = urllib.parse.parse_qs(url.query)
            if 'uuid' not in query:
                page = (b'<!DOCTYPE html><html><head><title>Google Drive - Virus scan warning'
                        b'</title></head><body><form id="download-form" action="/download" '
                        b'method="get"><input type="hidden" name="id" value="'
                        + query.get('id', [''])[0].encode() + b'"><input type="hidden" '
                        b'name="export" value="download"><input type="hidden" name="confirm" '
                        b'value="t"><input type="hidden" name="uuid" value="dry-run"></form>'
                        b'</body></html>')
                self.send_response(200)
                self.send_header('Content-Type', 'text/html; charset=utf-8')
                self.send_header('Content-Length', str(len(page)))
                self.end_headers()
                self.wfile.write(page)
                return
            self.path = '/' + self.drive_file.name
        else:
            self.path = url.path
        super().do_GET()


@contextlib.contextmanager
def loopback_server(folder: Path, drive_file: str | None = None,
                    lifetime: float = 1200) -> Iterator[str]:
    """Serve folder at http://127.0.0.1:<port> until the block ends (or lifetime seconds pass)."""
    handler = functools.partial(type('Handler', (_Handler,), {
        'drive_file': folder / drive_file if drive_file else None}), directory=str(folder))
    httpd = http.server.ThreadingHTTPServer(('127.0.0.1', 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    timer = threading.Timer(lifetime, httpd.shutdown)
    timer.daemon = True
    timer.start()
    try:
        yield f'http://127.0.0.1:{httpd.server_address[1]}'
    finally:
        timer.cancel()
        httpd.shutdown()
        httpd.server_close()


def served_path(remote: dl.RemoteFile) -> str:
    """The path (and query) a hub file has on its real host, which the loopback server mirrors."""
    url = urllib.parse.urlparse(remote.url)
    return url.path + (f'?{url.query}' if url.query else '')


@contextlib.contextmanager
def redirected_hub(base_url: str) -> Iterator[None]:
    """Point every hub entry at the loopback server (same paths, no mirrors) inside the block."""
    saved = dict(dl.HUB)
    try:
        for name, remote in saved.items():
            dl.HUB[name] = dataclasses.replace(remote, url=base_url + served_path(remote),
                                               mirrors=())
        yield
    finally:
        dl.HUB.clear()
        dl.HUB.update(saved)


@contextlib.contextmanager
def full_profile(root: Path) -> Iterator[None]:
    """COURSE_PROFILE=full with data and cache under root, inside the block."""
    keys = ('COURSE_PROFILE', 'COURSE_DATA_DIR', 'COURSE_CACHE_DIR', 'TQDM_DISABLE')
    saved = {k: os.environ.get(k) for k in keys}
    os.environ.update(COURSE_PROFILE='full', COURSE_DATA_DIR=str(root / 'data'),
                      COURSE_CACHE_DIR=str(root / 'cache'), TQDM_DISABLE='1')
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


# --- 1. checkpoints ---
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
        cfg = load_config(config, work_dir_=dl.cache_dir().parent / 'work' / config)
        return 'no pretrained checkpoint (trained from scratch, as mmaction2\'s recipe)', cfg
    with full_profile_smoke_view():  # the config's file names, without fetching yet
        offline_cfg = load_config(config, work_dir_=dl.cache_dir().parent / 'work' / config)
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
        cfg = load_config(config, work_dir_=dl.cache_dir().parent / 'work' / config)
    built = _build(cfg.model, cfg.get('default_scope', 'mmaction'))
    return f'{refused}; accepted by the test switch; {check_config_checkpoint(config, cfg, built)}', cfg


@contextlib.contextmanager
def full_profile_smoke_view() -> Iterator[None]:
    """Load a config's file names without downloading (the smoke profile's hub_path)."""
    before = os.environ.get('COURSE_PROFILE')
    os.environ['COURSE_PROFILE'] = 'smoke'
    try:
        yield
    finally:
        os.environ['COURSE_PROFILE'] = before or 'smoke'


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


# --- 2. data ---
def _script(name: str, argv: list[str]) -> None:
    """Run a data script's main(argv) with the fixtures accepted; its output only on failure."""
    main = runpy.run_path(str(SCRIPTS / name), run_name='course_dry_run')['main']
    out = io.StringIO()
    try:
        with dl.accept_fixtures(), contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
            code = main(argv)
    except SystemExit as err:
        code = err.code
    except Exception as err:
        raise type(err)(f'{err}\n  (data_scripts/{name} said: {out.getvalue()[-400:]!r})') from err
    if code not in (None, 0):
        raise DryRunError(f'data_scripts/{name} {" ".join(argv)} exited with {code}: '
                          f'{out.getvalue()[-400:]}')


def refused_without_switch(names: list[str]) -> str:
    """Download each hub name as a user would: miniature fixtures must be refused (size floor)."""
    refused = []
    for name in names:
        try:
            dl.download(name, progress=False)
        except dl.DownloadError as err:
            if not isinstance(err, dl.ChecksumError) and not isinstance(err.__cause__,
                                                                          dl.ChecksumError):
                raise
            refused.append(dl.HUB[name].filename)
        else:
            raise DryRunError(f'the miniature {dl.HUB[name].filename} passed verification without '
                              'the test switch: its size floor is missing or broken')
    return f'size floors refused the miniatures ({", ".join(refused)}), then accepted by the switch'


def place(files: dict[str, Path], served: Path) -> None:
    """Move fixture files to the paths their hub entries have on the real hosts (the served tree)."""
    for name, path in files.items():
        remote = dl.HUB[name]
        if urllib.parse.urlparse(remote.url).path == '/download':  # Google Drive: see _Handler
            target = served / remote.filename
        else:
            target = served / urllib.parse.urlparse(remote.url).path.lstrip('/')
        target.parent.mkdir(parents=True, exist_ok=True)
        if path != target:
            shutil.move(path, target)


def bccd_source() -> Path | None:
    """The shipped BCCD archive the BCCD fixture takes its real images from (None: not found)."""
    return next((p for p in BCCD_SOURCES if (p / 'ImageSets').is_dir() or p.is_file()), None)


def _staging(served: Path) -> Path:
    path = served.parent / 'staging'
    path.mkdir(parents=True, exist_ok=True)
    return path


def _serve(files: dict[str, Path], served: Path) -> str:
    """Serve fixture files where their hosts have them; a user's download must refuse them (size floor)."""
    place(files, served)
    return refused_without_switch(list(files))


# what each action set's fixture archives are, and what prepare_action_dataset.py makes of them
_ACTION_ARCHIVES = {
    'ucf101': 'UCF101.rar (a zip inside: no rar writer here) + split zip -> rawframes + lists',
    'hmdb51': 'hmdb51_org.rar of per-class archives + test_train_splits.rar (zips inside) -> lists',
}


def _data_action(dataset: str, served: Path, data: Path) -> str:
    from . import fixtures
    refused = _serve(getattr(fixtures, dataset)(_staging(served)), served)
    _script('prepare_action_dataset.py', ['--dataset', dataset, '--root', str(data / dataset),
                                          '--no-checkpoint', '--short-side', '64'])
    return f'{_ACTION_ARCHIVES[dataset]}; {refused}'


def _data_activitynet(served: Path, data: Path) -> str:
    from . import fixtures
    if (data / 'ActivityNet' / 'anet_anno_train.json').exists():
        return 'prepared for the previous config'
    refused = _serve(fixtures.activitynet(_staging(served)), served)
    _script('prepare_activitynet.py', ['--profile', 'full'])
    return (f'BSN json + video_info_new.csv + csv_mean_100.zip (through the Drive confirmation '
            f'page) -> splits; {refused}')


def _data_bccd(served: Path, data: Path) -> str:
    from . import fixtures
    source = bccd_source()
    if source is None:
        raise DryRunError('no shipped BCCD copy found (looked at '
                          f'{", ".join(map(str, BCCD_SOURCES))})')
    refused = _serve(fixtures.bccd(_staging(served), source, per_split={'train': 2, 'val': 1, 'test': 1}),
                     served)
    force_download = ['--github'] if "'--github'" in (SCRIPTS / 'prepare_bccd.py').read_text() else []
    _script('prepare_bccd.py', ['--out', str(data / 'bccd'), *force_download])
    return f'master.zip with 4 real BCCD images from {source.name} -> COCO splits; {refused}'


def _data_jhmdb(served: Path, data: Path) -> str:
    from . import fixtures
    pkl, frames = fixtures.jhmdb(_staging(served) / 'jhmdb_by_hand', num_frames=20, train_clips=1)
    _script('prepare_jhmdb_ava.py', ['--gt-pkl', str(pkl), '--frames', str(frames),
                                     '--root', str(data / 'jhmdb_ava'), '--keyframe-step', '10',
                                     '--no-detector'])
    return 'JHMDB-GT.pkl + Frames/ (downloaded by hand in the real course) -> AVA files'


DATA: dict[str, Callable[[Path, Path], str]] = {
    'x3d_s_ucf101_full': functools.partial(_data_action, 'ucf101'),
    'r2plus1d_r34_hmdb51_full': functools.partial(_data_action, 'hmdb51'),
    'bmn_2xb8-400x100-9e_activitynet-feature_full': _data_activitynet,
    'bmn_cls_2xb8-400x100-9e_activitynet-feature_full': _data_activitynet,
    'atss_mobilenetv2_fpn_bccd_full': _data_bccd,
    'slowonly_k400-pre-r50_8xb8-8x2x1-20e_jhmdb-ava_full': _data_jhmdb,
    'x3d_s_k400-pre_8xb8-8x2x1-20e_jhmdb-ava_full': _data_jhmdb,
}


def expected_files(cfg) -> list[Path]:
    """The annotation files and data folders a config's train and val loaders read."""
    out = []
    for key in ('train_dataloader', 'val_dataloader'):
        dataset = cfg[key].dataset
        out.append(Path(dataset.ann_file) if Path(dataset.ann_file).is_absolute()
                   else Path(dataset.get('data_root', '')) / dataset.ann_file)
        for folder in (dataset.get('data_prefix') or {}).values():
            out.append(Path(folder) if Path(folder).is_absolute()
                       else Path(dataset.get('data_root', '')) / folder)
    return out


# --- 3. one training iteration and one single-clip evaluation ---
def dry_run_options(cfg, work_dir: Path) -> None:
    """Shrink a full config's schedule to one iteration and one evaluation (in place)."""
    for key in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        if cfg.get(key):
            cfg[key].num_workers, cfg[key].persistent_workers = 0, False
    cfg.train_dataloader.batch_size = 64  # every miniature training sample in one batch
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


def run(configs: list[str] | None = None, root: Path | None = None,
        stages: tuple[str, ...] = ('checkpoint', 'data', 'train'),
        demos: bool | None = None) -> list[Result]:
    """Run the dry run for the full configs (default: all of the course's, and lesson 02's demo
    checkpoints); return the results."""
    demos = configs is None if demos is None else demos
    from ..configs import TABLE
    known = [row.full for row in TABLE if row.full]
    configs = configs or list(dict.fromkeys(known))
    missing = [c for c in configs if c not in START or c not in DATA]
    results = [Result(c, 'setup', False, 'full config without a dry-run entry (START / DATA in '
                      'course_lib/checkfull.py)') for c in missing]
    owned = root is None
    root = Path(tempfile.mkdtemp(prefix='course-check-full-')) if owned else Path(root)
    served = root / 'served'
    served.mkdir(parents=True, exist_ok=True)
    try:
        with loopback_server(served, drive_file='csv_mean_100.zip') as base, \
                redirected_hub(base), full_profile(root), warnings.catch_warnings():
            # upstream deprecation notices, and metrics of random weights over empty classes
            warnings.simplefilter('ignore', (UserWarning, DeprecationWarning, RuntimeWarning))
            for config in [c for c in configs if c not in missing]:
                cfg = None
                for stage in stages:
                    start = time.process_time()
                    try:
                        if stage == 'checkpoint':
                            detail, cfg = stage_checkpoint(config, served)
                        elif stage == 'data':
                            detail = DATA[config](served, root / 'data')
                            if cfg is None:  # data only: the config's file names, no fetching
                                from ..configs import load_config
                                with full_profile_smoke_view():
                                    cfg = load_config(config, work_dir_=root / 'work' / config)
                            absent = [p for p in expected_files(cfg) if not p.exists()]
                            if absent:
                                raise DryRunError(f'the data script did not write what the config '
                                                  f'reads: {", ".join(map(str, absent[:3]))}')
                        else:
                            detail = stage_train_eval(config, cfg)
                        ok = True
                    except Exception as err:  # a failed stage is reported; later ones are skipped
                        detail, ok = f'{type(err).__name__}: {err}', False
                    results.append(Result(config, stage, ok, detail, time.process_time() - start))
                    if not ok:
                        break
            if demos:
                for name in DEMOS:
                    start = time.process_time()
                    try:
                        detail, ok = stage_demo_checkpoint(name, served), True
                    except Exception as err:
                        detail, ok = f'{type(err).__name__}: {err}', False
                    results.append(Result(f'lesson 02 demo: {name}', 'checkpoint', ok, detail,
                                          time.process_time() - start))
    finally:
        if owned:
            shutil.rmtree(root, ignore_errors=True)
    return results


def report(results: list[Result]) -> str:
    """The results as a plain table."""
    lines = []
    for r in results:
        lines.append(f'{"OK  " if r.ok else "FAIL"} {r.config:52s} {r.stage:10s} {r.seconds:6.1f}s '
                     f'{r.detail}')
    failed = sum(not r.ok for r in results)
    lines.append(f'{len(results) - failed} stage(s) passed, {failed} failed (CPU seconds of this '
                 'process; nothing here ran on a GPU; weights and pixels are random).')
    return '\n'.join(lines)


def main(argv: list[str] | None = None) -> int:
    """Command line entry point (see the module docstring)."""
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--only', nargs='+', help='full config names (default: all)')
    parser.add_argument('--keep', type=Path, help='work in this folder and keep it')
    args = parser.parse_args(argv)
    results = run(args.only, args.keep)
    print(report(results))
    return 0 if results and all(r.ok for r in results) else 1


if __name__ == '__main__':
    sys.exit(main())
