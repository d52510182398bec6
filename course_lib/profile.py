"""The one switch between the fast offline `smoke` profile and the real `full` profile.

`COURSE_PROFILE` (smoke | full) and `COURSE_DATA_DIR` are read here and nowhere else.
"""
from __future__ import annotations

import datetime as _dt
import html
import importlib.metadata
import os
from dataclasses import dataclass
from pathlib import Path

from .errors import EnvironmentVariableError

PROFILES = ('smoke', 'full')
REPO_ROOT = Path(__file__).resolve().parents[1]

PROFILE_TEXT = {
    'smoke': ('offline, on generated or shipped data, with small models trained from scratch; '
              'each lesson runs in 1 to 5 minutes on 2 CPU cores. Pretrained checkpoints are not '
              'downloaded: where a lesson would use one, it says that its weights are random.'),
    'full': ('real data sets and pretrained checkpoints downloaded from the internet, full-size '
             'models and schedules; sized for a GPU (hours, not minutes, on a CPU).'),
}
SWITCH_HINT = ('Switch with `COURSE_PROFILE=full make lab` (or `smoke`), or set '
               "`os.environ['COURSE_PROFILE']` before `import course_lib`.")
VERIFIED_PACKAGES = ('torch', 'mmengine', 'mmcv', 'mmaction2', 'mmdet', 'openvino', 'nncf')
VERIFIED_ON = '2026-11-23'


class ProfileError(EnvironmentVariableError):
    """COURSE_PROFILE holds a value other than smoke or full."""


def profile() -> str:
    """Return the active profile name, `smoke` unless COURSE_PROFILE says `full`."""
    value = os.environ.get('COURSE_PROFILE', 'smoke').strip().lower() or 'smoke'
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
    return _folder('COURSE_CACHE_DIR', None if os.environ.get('COURSE_CACHE_DIR') else data_dir() / 'cache')


def _folder(variable: str, default: Path | None) -> Path:
    """The folder an environment variable names (or the default), created; a clear error if unusable."""
    value = os.environ.get(variable)
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
    value = os.environ.get('COURSE_TLS_UNVERIFIED_HOSTS', '')
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


def verified_with() -> dict[str, str]:
    """Return the installed versions of the packages the course was verified with."""
    versions = {}
    for name in VERIFIED_PACKAGES:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = 'missing'
    return versions


@dataclass
class Banner:
    """The profile banner shown at the top of every lesson."""

    lesson: str
    minutes_smoke: float
    minutes_full: str

    def lines(self) -> list[str]:
        """Return the banner as plain text lines."""
        name = profile()
        stamp = ', '.join(f'{k} {v}' for k, v in verified_with().items())
        time = (f'about {self.minutes_smoke:g} min on 2 CPU cores' if name == 'smoke'
                else self.minutes_full)
        from .dryrun import active
        dry = active()
        lines = [f'{self.lesson} | profile: {name.upper()} ({time})',
                 f'This profile runs {PROFILE_TEXT[name]}',
                 SWITCH_HINT,
                 f'Data: {data_dir()}',
                 f'Verified on {VERIFIED_ON} with {stamp}; today is {_dt.date.today()}.']
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
        head, *rest = (html.escape(line) for line in self.lines())
        body = '<br>'.join(rest)
        return (f'<div style="background:{color};padding:8px 12px;border-radius:6px">'
                f'<b>{head}</b><br>{body}</div>')


def banner(lesson: str, minutes_smoke: float = 3, minutes_full: str = 'GPU: see the lesson') -> Banner:
    """Return the profile banner for a lesson (display it as a cell's last line)."""
    return Banner(lesson, minutes_smoke, minutes_full)
