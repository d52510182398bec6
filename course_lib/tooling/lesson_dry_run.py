"""The lessons' full-profile dry run: every lesson executed with COURSE_PROFILE=full, offline.

`make notebooks-full` (the pytest plugin tests/full_dry_run.py) uses this module:

1. `DryRunSession` builds a loopback mirror of the course hub in a fresh temporary folder: a FAKE
   checkpoint for every hub checkpoint (random weights, real key names) and the miniature copies
   of the data sets in their real published layouts (course_lib.tooling.fixtures), served under their
   real paths by course_lib.tooling.loopback's server (with its Google Drive emulator), alive for
   the whole run. JHMDB, which a learner downloads by hand, is prepared the way the lesson says
   (data_scripts/prepare_jhmdb_ava.py). The lessons then download and prepare everything else
   themselves, through the course's own code, as online.
2. It writes a ticket (`dry-run-ticket.json`: the mirror's URL and the caps of course_lib.dryrun)
   into that temporary folder, outside the repository, and sets COURSE_PROFILE=full and the data
   and cache folders for the kernels.
3. Before a lesson's first cell, the plugin runs `enter_dry_run(<ticket path>)` in the lesson's
   kernel through the kernel client (it is not a cell of the lesson). That redirects the hub to
   the mirror, accepts the fixtures (fetch.accept_fixtures: fakes whose sha256 is not their
   name's prefix, miniatures below the size floors) and sets the caps.

Why checksum verification stays closed to learners: nothing a learner sets reaches the switch.
There is no environment variable for it; the ticket only exists in the harness's temporary folder
while the harness runs (it is deleted with the mirror), it must lie outside the repository, and its
mirror must be a live server on 127.0.0.1. A learner's kernel never calls `enter_dry_run`.
"""
from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import shutil
import tempfile
import urllib.parse
import urllib.request
from pathlib import Path

from .. import dryrun
from ..settings import REPO_ROOT, temporary_environment
from . import check_checkpoints, check_data, dry_run, loopback
from .loopback import dl

TICKET_NAME = 'dry-run-ticket.json'
HARNESS = 'course full-profile dry run (tests/full_dry_run.py)'
# every hub checkpoint: the config whose model made it (None: the backbone a full config loads)
CHECKPOINT_SOURCES = {
    'x3d_s_k400': 'x3d_s_ucf101_full',
    'r2plus1d_r34_k400': 'r2plus1d_r34_hmdb51_full',
    'slowonly_r50_k400': 'slowonly_k400-pre-r50_8xb8-8x2x1-20e_jhmdb-ava_full',
    'mobilenet_v2_imagenet_mmdet': 'atss_mobilenetv2_fpn_bccd_full',
}


class DryRunTicketError(RuntimeError):
    """A ticket that is not the running harness's (missing, inside the repo, or its mirror is not live)."""


def write_fake_checkpoints(served: Path) -> list[str]:
    """Write a fake checkpoint (random weights, real key names) for every hub checkpoint; their names."""
    from mmengine.config import Config

    from ..configs import load_config
    from ..inference import installed_config
    written = []
    with dry_run.full_profile_smoke_view():
        for name, config in CHECKPOINT_SOURCES.items():
            cfg = load_config(config, work_dir_=served.parent / 'work' / config)
            model = check_checkpoints.start_architecture(config, cfg)
            check_checkpoints.write_fake_checkpoint(model, served / loopback.served_path(dl.HUB[name]).lstrip('/'))
            written.append(name)
    for name, zoo_config in check_checkpoints.DEMOS.items():
        zoo = Config.fromfile(str(installed_config(zoo_config)))
        zoo.model.pop('init_cfg', None)
        zoo.model.backbone.pop('init_cfg', None)
        zoo.model.backbone.pop('pretrained', None)
        scope = 'mmdet' if zoo_config.startswith('mmdet::') else 'mmaction'
        check_checkpoints.write_fake_checkpoint(check_checkpoints._build(zoo.model, scope),
                                        served / loopback.served_path(dl.HUB[name]).lstrip('/'))
        written.append(name)
    return written


def write_data_fixtures(served: Path, data: Path) -> list[str]:
    """Serve every hub data file's miniature; prepare JHMDB (downloaded by hand) into data/jhmdb_ava."""
    from . import fixtures
    staging = served.parent / 'staging'
    staging.mkdir(parents=True, exist_ok=True)
    files = {**fixtures.ucf101(staging), **fixtures.hmdb51(staging), **fixtures.activitynet(staging)}
    source = check_data.bccd_source()
    if source is not None:
        files.update(fixtures.bccd(staging, source))
    check_data.place(files, served)
    check_data._data_jhmdb(served, data)  # the learner's by-hand step, as lesson 07 describes it
    return sorted(files) + ['jhmdb (by hand)']


def write_ticket(root: Path, mirror: str, run: dryrun.DryRun) -> Path:
    """Write the ticket the kernels enter the dry run with (in root, outside the repository)."""
    ticket = Path(root) / TICKET_NAME
    caps = dataclasses.asdict(dataclasses.replace(run, mirror=mirror))
    ticket.write_text(json.dumps({'harness': HARNESS, 'caps': caps}, indent=1))
    return ticket


def enter_dry_run(ticket: str | os.PathLike) -> dryrun.DryRun:
    """In a lesson's kernel (run by the harness, not by the lesson): redirect the hub to the mirror,
    accept its fixtures and set the caps; the ticket must be the live harness's."""
    path = Path(ticket).resolve()
    if not path.is_file() or path.name != TICKET_NAME:
        raise DryRunTicketError(f'{path}: no dry-run ticket there (only the test harness writes one).')
    if REPO_ROOT in path.parents:
        raise DryRunTicketError(f'{path}: a dry-run ticket inside the repository is refused.')
    content = json.loads(path.read_text())
    if content.get('harness') != HARNESS:
        raise DryRunTicketError(f'{path}: not written by the dry-run harness.')
    run = dryrun.from_dict(content['caps'])
    mirror = urllib.parse.urlparse(run.mirror)
    if mirror.hostname != '127.0.0.1':
        raise DryRunTicketError(f'{path}: the mirror {run.mirror} is not a loopback server.')
    try:
        with urllib.request.urlopen(run.mirror + '/', timeout=5):
            pass
    except OSError as err:
        raise DryRunTicketError(f'{path}: the mirror {run.mirror} does not answer ({err}).') from err
    for name, remote in list(dl.HUB.items()):
        dl.HUB[name] = dataclasses.replace(remote, url=run.mirror + loopback.served_path(remote),
                                           mirrors=())
    _KEPT.enter_context(dl.accept_fixtures())  # for the rest of this kernel's life
    dryrun._set_active(run)
    return run


_KEPT = contextlib.ExitStack()


def peak_memory_mb() -> float:
    """Peak resident memory of this process and of its finished children, in MB (Linux)."""
    import resource
    return max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
               resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024


class DryRunSession:
    """The harness's side: mirror, fixtures, ticket and environment for a run of lessons."""

    def __init__(self, run: dryrun.DryRun | None = None, root: Path | None = None) -> None:
        self.run = run or dryrun.DryRun()
        self.owned = root is None
        self.root = Path(root) if root else Path(tempfile.mkdtemp(prefix='course-full-lessons-'))
        self.served = self.root / 'served'
        self.ticket: Path | None = None
        self._stack = contextlib.ExitStack()

    def environment(self) -> dict[str, str]:
        """What the kernels inherit: the full profile, with data and downloads under the root."""
        return {'COURSE_PROFILE': 'full', 'COURSE_DATA_DIR': str(self.root / 'data'),
                'COURSE_CACHE_DIR': str(self.root / 'cache')}

    def start(self, lifetime: float = 6 * 3600) -> Path:
        """Build the mirror, start its server, write the ticket and set the environment; the ticket."""
        self.served.mkdir(parents=True, exist_ok=True)
        with dry_run.full_profile(self.root):
            write_fake_checkpoints(self.served)
            write_data_fixtures(self.served, self.root / 'data')
        base = self._stack.enter_context(
            loopback.loopback_server(self.served, drive_file='csv_mean_100.zip', lifetime=lifetime))
        self.ticket = write_ticket(self.root, base, self.run)
        self._stack.enter_context(temporary_environment(**self.environment()))  # restored by close()
        return self.ticket

    def kernel_preamble(self) -> str:
        """The line the harness runs in each lesson's kernel before its first cell."""
        return (f'import course_lib.tooling.lesson_dry_run as _dry_run; '
                f'_dry_run.enter_dry_run({str(self.ticket)!r}); del _dry_run')

    def close(self) -> None:
        """Stop the mirror, restore the environment and delete the root (when this session made it)."""
        self._stack.close()
        if self.owned:
            shutil.rmtree(self.root, ignore_errors=True)
