"""The course's settings: the `smoke` / `full` profile, the data and cache folders, the banner.

Every `COURSE_*` environment variable of the library is read here and nowhere else (`SETTINGS`),
except those that belong to one tool: COURSE_DEBUG (`errors.run_cli`) and COURSE_GPU / COURSE_DEVICE
(`hardware`, which `make setup` runs by path before the course is installed). Code that needs other
values for a while uses `temporary_environment`, which restores the environment exactly.
"""
from __future__ import annotations

import contextlib
import datetime as _dt
import html
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from .errors import EnvironmentVariableError
from .machine import PACKAGES, versions

PROFILES = ('smoke', 'full')
REPO_ROOT = Path(__file__).resolve().parents[1]

PROFILE_TEXT = {
    'smoke': ('offline, on generated or shipped data, with small models trained from scratch; '
              'each lesson runs in 1 to 6 minutes on 2 CPU cores. Pretrained checkpoints are not '
              'downloaded: where a lesson would use one, it says that its weights are random.'),
    'full': ('real data sets and pretrained checkpoints downloaded from the internet, full-size '
             'models and schedules; sized for a GPU (hours, not minutes, on a CPU).'),
}
SWITCH_HINT = ('Switch with `COURSE_PROFILE=full make lab` (or `smoke`), or set '
               "`os.environ['COURSE_PROFILE']` before `import course_lib`.")
SETTINGS = {  # the course's settings: variable -> what it holds
    'COURSE_PROFILE': 'smoke (default) or full',
    'COURSE_DATA_DIR': 'where data and runs go (default: data/ in the repository)',
    'COURSE_CACHE_DIR': 'the download cache (default: <data dir>/cache)',
    'COURSE_TLS_UNVERIFIED_HOSTS': 'hosts whose broken TLS chain the user accepts (downloads are still verified)',
}
STAMP = Path(__file__).with_name('verified.json')  # written by `make stamp` after the checks pass
STAMP_COMMAND = 'make stamp (make test, then python -m course_lib doctor --stamp)'


def setting(name: str) -> str | None:
    """The raw value of a course setting (a `SETTINGS` key), None when unset."""
    if name not in SETTINGS:
        raise KeyError(f'{name} is not a course setting; add it to SETTINGS')  # a programming error
    return os.environ.get(name)


@contextlib.contextmanager
def temporary_environment(**values: str | None) -> Iterator[None]:
    """Set environment variables (None: unset) inside the block; restore each exactly after it."""
    saved = {k: os.environ.get(k) for k in values}
    try:
        for k, v in values.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def export_data_dir() -> Path:
    """Put the data dir in COURSE_DATA_DIR, where configs' `{{$COURSE_DATA_DIR:data}}` read it.

    Configs expand no `~` and resolve nothing, so the value set is the folder the scripts use
    (COURSE_DATA_DIR expanded and absolute, or the default)."""
    path = data_dir()
    os.environ['COURSE_DATA_DIR'] = str(path)
    return path


class ProfileError(EnvironmentVariableError):
    """COURSE_PROFILE holds a value other than smoke or full."""


def profile() -> str:
    """Return the active profile name, `smoke` unless COURSE_PROFILE says `full`."""
    value = (setting('COURSE_PROFILE') or 'smoke').strip().lower() or 'smoke'
    if value not in PROFILES:
        raise ProfileError(f'COURSE_PROFILE={value!r} is not a profile; use one of {PROFILES}: '
                           'export COURSE_PROFILE=smoke (or full), or unset it (default: smoke).')
    return value


def profile_text(name: str | None = None) -> str:
    """Return what a profile (default: the active one) runs, in one sentence."""
    return PROFILE_TEXT[name or profile()]


def is_smoke() -> bool:
    """True in the fast offline profile."""
    return profile() == 'smoke'


def data_dir() -> Path:
    """Return COURSE_DATA_DIR (default `data/` in the repo), created if missing."""
    return _folder('COURSE_DATA_DIR', REPO_ROOT / 'data')


def cache_dir() -> Path:
    """Return the download cache (COURSE_CACHE_DIR, default <data dir>/cache), created if missing."""
    return _folder('COURSE_CACHE_DIR', None if setting('COURSE_CACHE_DIR') else data_dir() / 'cache')


def _folder(variable: str, default: Path | None) -> Path:
    """The folder an environment variable names (or the default), created; a clear error if unusable."""
    value = setting(variable)
    path = Path(value or default).expanduser().resolve()
    try:
        path.mkdir(parents=True, exist_ok=True)
        if not os.access(path, os.W_OK | os.X_OK):
            raise PermissionError(f'{path} is read-only for you')
    except OSError as err:
        why = 'it is a file, not a folder' if path.is_file() else (err.strerror or str(err))
        name = f'{variable}={value}' if value else f'{path} (the default of {variable})'
        raise EnvironmentVariableError(
            f'{name}: cannot use it as a course folder ({why}). Set {variable} to a folder you can '
            f'write to (e.g. export {variable}=$HOME/course-data), or unset it.') from err
    return path


def tls_unverified_hosts() -> frozenset[str]:
    """Hosts whose TLS certificate chain the user accepted unverified (COURSE_TLS_UNVERIFIED_HOSTS).

    The one opt-in for a host with a broken chain (UCF101's); what arrives is still verified.
    """
    value = setting('COURSE_TLS_UNVERIFIED_HOSTS') or ''
    return frozenset(h.strip().lower() for h in value.replace(',', ' ').split() if h.strip())


def device() -> str:
    """Return 'cuda' in the full profile when torch sees a GPU, else 'cpu'."""
    if is_smoke():
        return 'cpu'
    import torch
    return 'cuda' if torch.cuda.is_available() else 'cpu'


def work_dir(name: str) -> Path:
    """Return <data dir>/work_dirs/<name>/<profile>, where a lesson's runs write."""
    path = data_dir() / 'work_dirs' / name / profile()
    path.mkdir(parents=True, exist_ok=True)
    return path


def verified() -> dict:
    """The recorded stamp: {'date', 'command', 'versions'} of the last run of the checks ({} if none)."""
    try:
        return json.loads(STAMP.read_text())
    except (OSError, ValueError):
        return {}


def write_stamp(command: str = STAMP_COMMAND, path: Path | None = None) -> Path:
    """Record today's date, the command that ran the checks and the installed versions (after they passed)."""
    stamp = {'date': _dt.date.today().isoformat(), 'command': command, 'versions': versions(PACKAGES)}
    path = path or STAMP
    path.write_text(json.dumps(stamp, indent=1) + '\n')
    return path


def verification_lines(stamp: dict | None = None, installed: dict[str, str] | None = None) -> list[str]:
    """What was verified, when, by which command and with which versions; what is installed now, if different."""
    stamp = verified() if stamp is None else stamp
    installed = versions(PACKAGES) if installed is None else installed
    if not stamp.get('versions'):
        return ['Not verified yet (no stamp: run `make stamp`); installed: '
                + ', '.join(f'{k} {v}' for k, v in installed.items()) + '.']
    was = stamp['versions']
    lines = [f'Verified on {stamp.get("date", "?")} by `{stamp.get("command", "?")}` with '
             + ', '.join(f'{k} {v}' for k, v in was.items()) + '.']
    differ = [f'{k} {installed.get(k, "not installed")} (verified: {v})'
              for k, v in was.items() if installed.get(k, 'not installed') != v]
    differ += [f'{k} {v} (not in the stamp)' for k, v in installed.items() if k not in was]
    lines.append('Installed now: the same versions.' if not differ else
                 'Installed now DIFFERS from what was verified: ' + ', '.join(differ) + '.')
    return lines


def code_to_html(text: str) -> str:
    """Escape text for HTML and turn its `code` spans (Markdown's backticks) into <code> elements."""
    parts = text.split('`')
    if len(parts) % 2 == 0:  # an unpaired backtick: show it as a character, not as markup
        parts = text.replace('`', "'").split('`')
    return ''.join(f'<code>{html.escape(part)}</code>' if i % 2 else html.escape(part)
                   for i, part in enumerate(parts))


@dataclass
class Banner:
    """The profile banner shown at the top of every lesson."""

    lesson: str
    minutes_smoke: float
    minutes_full: str

    def lines(self) -> list[str]:
        """Return the banner as plain text lines."""
        name = profile()
        time = (f'about {self.minutes_smoke:g} min on 2 CPU cores' if name == 'smoke'
                else self.minutes_full)
        from .dryrun import active
        dry = active()
        lines = [f'{self.lesson} | profile: {name.upper()} ({time})',
                 f'This profile runs {PROFILE_TEXT[name]}',
                 SWITCH_HINT,
                 f'Data: {data_dir()}',
                 *verification_lines()]
        if dry is not None:
            lines.insert(1, 'DRY RUN (the course\'s CI): a loopback mirror of the downloads, FAKE '
                            'checkpoints (random weights), miniature data sets, capped work '
                            f'({dry.iterations} training iterations, {dry.eval_samples} evaluation '
                            f'samples, input size {dry.input_size or "real"}); numbers mean nothing.')
        return lines

    def __str__(self) -> str:
        return '\n'.join(self.lines())

    def _repr_html_(self) -> str:
        color = '#e8f4ea' if profile() == 'smoke' else '#fdf1e0'
        head, *rest = (code_to_html(line) for line in self.lines())
        body = '<br>'.join(rest)
        return (f'<div style="background:{color};padding:8px 12px;border-radius:6px">'
                f'<b>{head}</b><br>{body}</div>')


def banner(lesson: str, minutes_smoke: float = 3, minutes_full: str = 'GPU: see the lesson') -> Banner:
    """Return the profile banner for a lesson (display it as a cell's last line)."""
    return Banner(lesson, minutes_smoke, minutes_full)
