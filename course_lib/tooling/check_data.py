"""The dry run's data stage: miniature copies of each full config's data set (`tooling.fixtures`)
served under the real file names, refused by the size floors, then prepared by the course's data
script as the real download would be; the files the config reads must then exist."""
from __future__ import annotations

import contextlib
import functools
import io
import runpy
import shutil
import urllib.parse
from pathlib import Path
from typing import Callable

from .. import fetch as dl
from ..settings import REPO_ROOT
from .dry_run import DryRunError


SCRIPTS = REPO_ROOT / 'data_scripts'
# the course's shipped copy of BCCD (a VOC folder), the source of the BCCD fixture's real images
BCCD_SOURCES = (REPO_ROOT / 'datasets' / 'bccd',)


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
    """Download each hub name as a user would: miniature fixtures must be refused (size floor or type)."""
    refused = []
    for name in names:
        try:
            dl.download(name, progress=False)
        except dl.DownloadError as err:  # refused by its size floor, or (a zip named .rar) its type
            refusals = (dl.ChecksumError, dl.WrongContentError)
            if not isinstance(err, refusals) and not isinstance(err.__cause__, refusals):
                raise
            refused.append(dl.HUB[name].filename)
        else:
            raise DryRunError(f'the miniature {dl.HUB[name].filename} passed verification without '
                              'the test switch: its size floor is missing or broken')
    return f'size floors or type checks refused the miniatures ({", ".join(refused)}), then accepted by the switch'


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
    # --github: download as a user without the shipped copy would (an unknown option fails loudly)
    _script('prepare_bccd.py', ['--out', str(data / 'bccd'), '--github'])
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
