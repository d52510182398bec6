"""`make check-full`: an offline dry run of the full profile, proving it works the first time online.

    python -m course_lib.tooling.checkfull            # every full config; exit 1 if any stage fails
    python -m course_lib.tooling.checkfull --only x3d_s_ucf101_full

For every full config of the course (course_lib.configs.TABLE):
1. checkpoint: a FAKE checkpoint with the architecture the config starts from (the model-zoo
   config's model where the wheel ships it, else the backbone module `init_cfg` loads into; random
   weights, real key names) is served from a loopback HTTP server (127.0.0.1) under its real URL
   path. Its sha256 cannot carry the real prefix, so the hub's verification refuses it: the dry run
   shows that, then accepts it through a test-only switch (`fetch.accept_fixtures`, reached by no
   entry point of the course), loads the config in the full profile (which fetches the file through
   `course_lib.fetch`, as online) and checks the checkpoint's keys against the model through the
   config's own path (`load_from` / `init_cfg`): only a deliberately replaced head may differ
   (`check_checkpoints`, its `START` table).
2. data: miniature copies of the real data set in its real layout (`fixtures`) are
   served under the real file names, and the course's data script prepares them as it would the
   real download; the files the config reads must then exist (`check_data`, its `DATA` table).
3. train + eval: one training iteration and one single-clip evaluation with mmengine's Runner,
   starting from the fake checkpoint through the config's path (`check_train`).
The server (with Google Drive's confirmation page) is `loopback`; this module runs the stages.
Lesson 02's demo checkpoints (no full config) go through step 1 with the lesson's own loaders.
Nothing here ran on a GPU, and the numbers it trains are meaningless (random weights, random pixels).
"""
from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

from ..errors import run_cli
from .check_checkpoints import DEMOS, START, stage_checkpoint, stage_demo_checkpoint
from .check_data import DATA, expected_files
from .check_train import stage_train_eval
from .dry_run import DryRunError, full_profile, full_profile_smoke_view
from .loopback import loopback_server, redirected_hub


@dataclass
class Result:
    """One stage of one config."""

    config: str
    stage: str
    ok: bool
    detail: str
    seconds: float = 0.0


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
    results = [Result(c, 'setup', False, 'full config without a dry-run entry (START in '
                      'course_lib/tooling/check_checkpoints.py, DATA in course_lib/tooling/check_data.py)')
               for c in missing]
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
                                    cfg = load_config(config, work_dir_=root / 'work' / Path(config).stem)
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
    sys.exit(run_cli(main))
