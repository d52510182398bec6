"""Resumable, verified, cached downloads with a progress bar, and the hub of known files.

Verification uses what is known about a file: a full sha256 from its publisher, else the
8-hex-digit sha256 prefix OpenMMLab puts at the end of checkpoint names (`..._20201217-16378594.pth`),
else its size. The sha256 computed from every download is recorded beside it (`<file>.sha256`), so
later copies are checked against it.
"""
from __future__ import annotations

import hashlib
import http.client
import re
import shutil
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from tqdm.auto import tqdm

from .profile import cache_dir

CHUNK = 1 << 20
OPENMMLAB_HASH = re.compile(r'-([0-9a-f]{8})\.(?:pth|pt|pkl|zip)$')


class DownloadError(RuntimeError):
    """A file could not be downloaded; the message says where to put it by hand."""


class ChecksumError(DownloadError):
    """A downloaded or cached file does not match what is known about it."""


@dataclass(frozen=True)
class RemoteFile:
    """A file on the internet and what is known about it."""

    url: str
    sha256: str | None = None
    size: int | None = None
    note: str = ''
    save_as: str | None = None  # for URLs whose path does not end in the file's name

    @property
    def filename(self) -> str:
        """The file name to save as: save_as, else the last part of the URL's path."""
        return self.save_as or Path(urllib.parse.urlparse(self.url).path).name

    @property
    def sha256_prefix(self) -> str | None:
        """The sha256 prefix OpenMMLab encodes in a checkpoint's file name, if any."""
        match = OPENMMLAB_HASH.search(self.filename)
        return match.group(1) if match else None


HUB: dict[str, RemoteFile] = {}


def register(name: str, remote: RemoteFile) -> RemoteFile:
    """Add a named file to the hub (lessons register their checkpoints and data here)."""
    HUB[name] = remote
    return remote


def sha256sum(path: Path) -> str:
    """Return the hex sha256 of a file."""
    digest = hashlib.sha256()
    with open(path, 'rb') as f:
        for block in iter(lambda: f.read(CHUNK), b''):
            digest.update(block)
    return digest.hexdigest()


def _recorded_sha256(path: Path) -> str | None:
    record = path.with_name(path.name + '.sha256')
    return record.read_text().split()[0] if record.exists() else None


def verify(path: Path, remote: RemoteFile) -> str:
    """Check a file against what is known about it; return its sha256 or raise ChecksumError."""
    path = Path(path)
    if remote.size is not None and path.stat().st_size != remote.size:
        raise ChecksumError(f'{path} has {path.stat().st_size} bytes, expected {remote.size} '
                            f'(from {remote.url}). Delete it and download again.')
    actual = sha256sum(path)
    expected = remote.sha256 or _recorded_sha256(path)
    if expected and actual != expected.lower():
        raise ChecksumError(f'{path} has sha256 {actual}, expected {expected} (from {remote.url}). '
                            'Delete it and download again.')
    prefix = remote.sha256_prefix
    if prefix and not actual.startswith(prefix):
        raise ChecksumError(f'{path} has sha256 {actual[:8]}..., but its name says {prefix} '
                            f'(from {remote.url}). Delete it and download again.')
    return actual


def _offline_message(remote: RemoteFile, dest: Path, reason: object) -> str:
    return (f'Could not download {remote.url} ({reason}).\n'
            f'Expected file: {dest}\n'
            'If this machine is offline, download the file elsewhere and copy it to that path '
            '(it is verified before use), or run the lesson in the offline profile: '
            'COURSE_PROFILE=smoke.')


def _fetch(remote: RemoteFile, part: Path, timeout: float, progress: bool) -> None:
    """Stream remote into part, resuming from part's current size."""
    start = part.stat().st_size if part.exists() else 0
    request = urllib.request.Request(remote.url, headers={'User-Agent': 'video-course'})
    if start:
        request.add_header('Range', f'bytes={start}-')
    with urllib.request.urlopen(request, timeout=timeout) as response:
        if start and response.status != 206:  # server ignored the range: start over
            start = 0
        length = response.headers.get('Content-Length')
        total = start + int(length) if length is not None else remote.size
        mode = 'ab' if start else 'wb'
        with open(part, mode) as f, tqdm(total=total, initial=start, unit='B', unit_scale=True,
                                         desc=remote.filename, disable=not progress) as bar:
            for block in iter(lambda: response.read(CHUNK), b''):
                f.write(block)
                bar.update(len(block))
    if total is not None and part.stat().st_size < total:
        raise DownloadError(f'{remote.url} ended after {part.stat().st_size} of {total} bytes; '
                            f'run again to resume from {part}.')


def download(what: str | RemoteFile, dest_dir: Path | None = None, *, timeout: float = 10,
             progress: bool = True) -> Path:
    """Download a hub name, URL or RemoteFile into dest_dir (default: the cache); return its path."""
    remote = HUB[what] if isinstance(what, str) and what in HUB else what
    if isinstance(remote, str):
        remote = RemoteFile(remote)
    dest = Path(dest_dir or cache_dir()) / remote.filename
    if dest.exists():
        verify(dest, remote)
        return dest
    dest.parent.mkdir(parents=True, exist_ok=True)
    part = dest.with_name(dest.name + '.part')
    try:
        _fetch(remote, part, timeout, progress)
    except urllib.error.HTTPError as err:
        if err.code == 416:  # range past the end: the part is complete or stale; start over
            part.unlink(missing_ok=True)
            return download(remote, dest_dir, timeout=timeout, progress=progress)
        raise DownloadError(_offline_message(remote, dest, f'HTTP {err.code} {err.reason}')) from err
    except http.client.IncompleteRead as err:
        raise DownloadError(f'{remote.url} was cut off after {part.stat().st_size} bytes; '
                            f'run again to resume from {part}.') from err
    except (urllib.error.URLError, OSError) as err:
        reason = getattr(err, 'reason', err)
        raise DownloadError(_offline_message(remote, dest, reason)) from err
    try:
        digest = verify(part, remote)
    except ChecksumError:
        part.unlink()
        raise
    shutil.move(part, dest)
    dest.with_name(dest.name + '.sha256').write_text(f'{digest}  {dest.name}\n')
    return dest
