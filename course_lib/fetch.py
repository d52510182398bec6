"""Resumable, verified, cached downloads with a progress bar, and the hub of known files.

Verification uses what is known about a file: a full sha256 from its publisher, else the
8-hex-digit sha256 prefix OpenMMLab puts at the end of checkpoint names (`..._20201217-16378594.pth`),
else its type (checked from its first bytes: a zip, a rar, a torch checkpoint, JSON, text) and its
size (exact where published, else a floor). The sha256 computed from every download is recorded
beside it (`<file>.sha256`), so later copies are checked against it.

An HTML page where a file was expected (a login wall, an error page, a quota notice) is refused
and nothing is kept; Google Drive's "can't scan this file for viruses" page is followed to the
file. A hub entry lists its sources in order (the publisher first, then mirrors); each is tried
and verified the same way, and when every one fails the message lists why and says how to put the
file in place by hand.
"""
from __future__ import annotations

import contextlib
import hashlib
import html.parser
import http.client
import re
import shutil
import ssl
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from tqdm.auto import tqdm

from .settings import cache_dir, tls_unverified_hosts

CHUNK = 1 << 20
OPENMMLAB_HASH = re.compile(r'-([0-9a-f]{8})\.(?:pth|pt|pkl|zip)$')
TLS_OPT_IN = 'COURSE_TLS_UNVERIFIED_HOSTS'

# What a file's first bytes must look like, per kind (None: anything that is not an HTML page).
MAGIC: dict[str, tuple[bytes, ...] | None] = {
    'zip': (b'PK\x03\x04', b'PK\x05\x06'),
    'rar': (b'Rar!\x1a\x07',),
    'pth': (b'PK\x03\x04', b'\x80'),  # torch's zip format, or a legacy pickle
    'pkl': (b'\x80',),
    'json': (b'{', b'['),
    'csv': None, 'txt': None,  # text: UTF-8 without NUL bytes
    'bin': None,  # unknown type: only "not an HTML page" is checked
}
TEXT_KINDS = ('csv', 'txt')
KIND_OF_SUFFIX = {'.zip': 'zip', '.rar': 'rar', '.pth': 'pth', '.pt': 'pth', '.pkl': 'pkl',
                  '.json': 'json', '.csv': 'csv', '.txt': 'txt'}


class DownloadError(RuntimeError):
    """A file could not be downloaded; the message says where to put it by hand."""


class ChecksumError(DownloadError):
    """A downloaded or cached file does not match what is known about it."""


class WrongContentError(DownloadError):
    """A server sent something else (an HTML page, another file type) than the file expected."""


@dataclass(frozen=True)
class RemoteFile:
    """A file on the internet, where else it is mirrored, and what is known about it."""

    url: str
    sha256: str | None = None
    size: int | None = None
    note: str = ''
    save_as: str | None = None  # for URLs whose path does not end in the file's name
    kind: str | None = None  # zip, rar, pth, pkl, json, csv, txt; default: from the file name
    min_size: int | None = None  # a floor where no size is published (catches error pages)
    mirrors: tuple[str, ...] = ()  # tried in order after url, each verified the same way
    manual: str = ''  # how to get the file by hand when every source fails
    tls_chain_broken: bool = False  # the publisher's TLS chain is known to be incomplete

    @property
    def filename(self) -> str:
        """The file name to save as: save_as, else the last part of the URL's path."""
        return self.save_as or Path(urllib.parse.urlparse(self.url).path).name

    @property
    def sha256_prefix(self) -> str | None:
        """The sha256 prefix OpenMMLab encodes in a checkpoint's file name, if any."""
        match = OPENMMLAB_HASH.search(self.filename)
        return match.group(1) if match else None

    @property
    def file_kind(self) -> str:
        """The expected type: kind, else guessed from the file name's suffix (else 'bin')."""
        return self.kind or KIND_OF_SUFFIX.get(Path(self.filename).suffix.lower(), 'bin')

    @property
    def sources(self) -> tuple[str, ...]:
        """Every URL to try, in order: the publisher's, then the mirrors."""
        return (self.url, *self.mirrors)

    @property
    def verification(self) -> str:
        """How an arriving copy is verified, in words ('' if it cannot be)."""
        if self.sha256:
            return 'published sha256'
        if self.sha256_prefix:
            return f'sha256 prefix {self.sha256_prefix} from the file name'
        if self.file_kind in MAGIC and self.file_kind != 'bin' and (self.size or self.min_size):
            size = f'{self.size} bytes' if self.size else f'at least {self.min_size} bytes'
            return f'{self.file_kind} file type + {size}; sha256 recorded at first download'
        return ''


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


def _looks_like_html(head: bytes) -> bool:
    text = head.lstrip(b'\xef\xbb\xbf \t\r\n').lower()
    return text.startswith((b'<!doctype html', b'<html', b'<head', b'<!--')) or b'<html' in text[:512]


def check_type(path: Path, remote: RemoteFile, origin: str = '') -> None:
    """Raise WrongContentError unless the file's first bytes fit remote's kind (never HTML)."""
    with open(path, 'rb') as f:
        head = f.read(1024)
    kind = remote.file_kind
    source = origin or remote.url
    if _looks_like_html(head) and kind != 'html':
        title = re.search(rb'<title[^>]*>(.*?)</title>', head, re.I | re.S)
        said = f' titled {title.group(1).decode("utf-8", "replace").strip()[:80]!r}' if title else ''
        raise WrongContentError(
            f'{source} sent an HTML page{said} where the {kind} file {remote.filename} was expected '
            '(a login, quota or error page). Nothing was kept. Open that address in a browser: if '
            'it asks you to sign in or confirm, download the file there and copy it to '
            f'{cache_dir() / remote.filename} (it is verified before use).')
    if kind in TEXT_KINDS:
        try:
            head[:-4].decode('utf-8')
            text = b'\x00' not in head
        except UnicodeDecodeError:
            text = False
        if not text:
            raise WrongContentError(
                f'{source} sent binary data where the text file {remote.filename} was expected. '
                f'Nothing was kept. Download it by hand and copy it to '
                f'{cache_dir() / remote.filename}.')
    magic = MAGIC.get(kind)
    if kind == 'rar' and _ACCEPT_FIXTURES:  # the dry run's stand-ins: zips (no rar writer here)
        magic = magic + MAGIC['zip']
    if magic and not head.lstrip(b' \t\r\n' if kind == 'json' else b'').startswith(magic):
        raise WrongContentError(
            f'{source} sent {len(head) and head[:8]!r}... which is not a {kind} file '
            f'({remote.filename} was expected). Nothing was kept. The source may have changed: '
            f'download the file by hand and copy it to {cache_dir() / remote.filename}.')


def verify(path: Path, remote: RemoteFile, origin: str = '') -> str:
    """Check a file against what is known about it; return its sha256 or raise ChecksumError."""
    path = Path(path)
    source = origin or remote.url
    size = path.stat().st_size
    if remote.size is not None and size != remote.size:
        raise ChecksumError(f'{path} has {size} bytes, expected {remote.size} '
                            f'(from {source}). Delete it and download again.')
    if remote.min_size is not None and size < remote.min_size and not _ACCEPT_FIXTURES:
        raise ChecksumError(f'{path} has {size} bytes, fewer than the {remote.min_size} the real '
                            f'{remote.filename} has at least (from {source}). Delete it and '
                            'download again.')
    check_type(path, remote, source)
    actual = sha256sum(path)
    expected = remote.sha256 or _recorded_sha256(path)
    if expected and actual != expected.lower():
        raise ChecksumError(f'{path} has sha256 {actual}, expected {expected} (from {source}). '
                            'Delete it and download again.')
    prefix = remote.sha256_prefix
    if prefix and not actual.startswith(prefix) and not _ACCEPT_FIXTURES:
        raise ChecksumError(f'{path} has sha256 {actual[:8]}..., but its name says {prefix} '
                            f'(from {source}). Delete it and download again.')
    return actual


# --- a switch for the offline dry run of the full profile (course_lib/tooling/, make check-full) only ---
# Fake checkpoints with real key names cannot carry the real sha256 prefix, and miniature data
# fixtures are below the real files' size floors (and are zips where the real archive is a rar:
# there is no rar writer). No environment variable, argument or config
# reaches this: only `accept_fixtures()` in the dry run and its tests. Type checks (no HTML, the
# right kind of file) and recorded hashes still apply inside it.
_ACCEPT_FIXTURES = False


@contextlib.contextmanager
def accept_fixtures() -> Iterator[None]:
    """TESTS ONLY: accept fakes whose sha256 is not their name's prefix, files below a floor, zips
    standing in for rars."""
    global _ACCEPT_FIXTURES
    before, _ACCEPT_FIXTURES = _ACCEPT_FIXTURES, True
    try:
        yield
    finally:
        _ACCEPT_FIXTURES = before


def _manual_steps(remote: RemoteFile, dest: Path) -> str:
    steps = remote.manual or (f'download {remote.url} in a browser (or from any mirror you '
                              'trust)')
    return (f'By hand: {steps}, then copy the file to\n  {dest}\n(it is verified before use). '
            'If this machine is offline, run the lesson in the offline profile: '
            'COURSE_PROFILE=smoke.')


def _offline_message(remote: RemoteFile, dest: Path, reason: object) -> str:
    return (f'Could not download {remote.url} ({reason}).\n'
            f'Expected file: {dest}\n'
            'If this machine is offline, download the file elsewhere and copy it to that path '
            '(it is verified before use), or run the lesson in the offline profile: '
            'COURSE_PROFILE=smoke.')


def ssl_context(host: str = '') -> ssl.SSLContext:
    """TLS that trusts the system's store and certifi's; unverified only for opted-in hosts."""
    if host and host in tls_unverified_hosts():
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE  # the file is still verified (type, size, sha256)
        return context
    context = ssl.create_default_context()
    try:
        import certifi
        context.load_verify_locations(certifi.where())
    except (ImportError, OSError):  # no certifi: the system's store alone
        pass
    return context


class _ConfirmForm(html.parser.HTMLParser):
    """Finds Google Drive's large-file confirmation form (id="download-form") and its inputs."""

    def __init__(self) -> None:
        super().__init__()
        self.action: str | None = None
        self.inputs: dict[str, str] = {}
        self.href: str | None = None
        self._inside = False

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attrs = dict(attrs)
        if tag == 'form' and attrs.get('id') == 'download-form':
            self.action, self._inside = attrs.get('action'), True
        elif tag == 'input' and self._inside and attrs.get('name'):
            self.inputs[attrs['name']] = attrs.get('value') or ''
        elif tag == 'a' and 'confirm=' in (attrs.get('href') or '') and self.href is None:
            self.href = attrs['href']

    def handle_endtag(self, tag: str) -> None:
        if tag == 'form':
            self._inside = False


def confirmation_url(page: str, base_url: str) -> str | None:
    """Return the file's URL from Google Drive's "can't scan for viruses" page, else None."""
    form = _ConfirmForm()
    form.feed(page)
    if form.action and 'confirm' in form.inputs:
        action = urllib.parse.urljoin(base_url, form.action)
        return f'{action}?{urllib.parse.urlencode(form.inputs)}'
    if form.href:
        return urllib.parse.urljoin(base_url, html.unescape(form.href))
    return None


def _open(url: str, start: int, timeout: float):
    request = urllib.request.Request(url, headers={'User-Agent': 'video-course'})
    if start:
        request.add_header('Range', f'bytes={start}-')
    host = urllib.parse.urlparse(url).hostname or ''
    context = ssl_context(host) if url.startswith('https:') else None
    return urllib.request.urlopen(request, timeout=timeout, context=context)


def _fetch(remote: RemoteFile, url: str, part: Path, timeout: float, progress: bool,
           hops: int = 2) -> None:
    """Stream url into part, resuming from part's current size; follow a confirmation page."""
    start = part.stat().st_size if part.exists() else 0
    with _open(url, start, timeout) as response:
        ctype = (response.headers.get('Content-Type') or '').split(';')[0].strip().lower()
        if ctype == 'text/html' and remote.file_kind != 'html':
            page = response.read(2 << 20).decode('utf-8', 'replace')
            follow = confirmation_url(page, response.geturl()) if hops else None
            if follow:
                part.unlink(missing_ok=True)  # a part from the page, not from the file
                return _fetch(remote, follow, part, timeout, progress, hops - 1)
            title = re.search(r'<title[^>]*>(.*?)</title>', page, re.I | re.S)
            said = f' titled {title.group(1).strip()[:80]!r}' if title else ''
            raise WrongContentError(
                f'{url} sent an HTML page{said} (Content-Type: text/html) where the '
                f'{remote.file_kind} file {remote.filename} was expected: a login, quota or error '
                'page. Nothing was kept.')
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
        raise DownloadError(f'{url} ended after {part.stat().st_size} of {total} bytes; '
                            f'run again to resume from {part}.')


def _tls_hint(remote: RemoteFile, url: str, err: BaseException) -> str:
    host = urllib.parse.urlparse(url).hostname
    known = (' This host is known to send an incomplete certificate chain (mmaction2\'s own '
             'download script passes --no-check-certificate).') if remote.tls_chain_broken else ''
    return (f'TLS certificate of {host} could not be verified ({err}).{known} To accept this '
            f'host anyway, set {TLS_OPT_IN}={host} and run again: the file is still checked '
            '(type, size, sha256) before it is kept.')


def _try_source(remote: RemoteFile, url: str, part: Path, timeout: float, progress: bool) -> str:
    """Fetch and verify one source into part; return the sha256, or raise DownloadError."""
    try:
        _fetch(remote, url, part, timeout, progress)
    except urllib.error.HTTPError as err:
        if err.code == 416:  # range past the end: the part is complete or stale; start over
            part.unlink(missing_ok=True)
            _fetch(remote, url, part, timeout, progress)
        else:
            raise DownloadError(f'HTTP {err.code} {err.reason}') from err
    except http.client.IncompleteRead as err:
        raise DownloadError(f'{url} was cut off after {part.stat().st_size} bytes; '
                            f'run again to resume from {part}.') from err
    except WrongContentError:
        part.unlink(missing_ok=True)
        raise
    except urllib.error.URLError as err:
        reason = err.reason
        if isinstance(reason, ssl.SSLCertVerificationError):
            raise DownloadError(_tls_hint(remote, url, reason)) from err
        raise DownloadError(str(reason)) from err
    except ssl.SSLCertVerificationError as err:
        raise DownloadError(_tls_hint(remote, url, err)) from err
    except OSError as err:
        raise DownloadError(str(err)) from err
    try:
        return verify(part, remote, url)
    except DownloadError:
        part.unlink(missing_ok=True)  # refused: nothing kept, nothing recorded
        raise


def download(what: str | RemoteFile, dest_dir: Path | None = None, *, timeout: float = 10,
             progress: bool = True) -> Path:
    """Download a hub name, URL or RemoteFile into dest_dir (default: the cache); return its path."""
    remote = HUB[what] if isinstance(what, str) and what in HUB else what
    if isinstance(remote, str):
        remote = RemoteFile(remote)
    dest = Path(dest_dir or cache_dir()) / remote.filename
    if dest.exists():
        verify(dest, remote, str(dest))
        return dest
    dest.parent.mkdir(parents=True, exist_ok=True)
    part = dest.with_name(dest.name + '.part')
    failures = []
    for url in remote.sources:
        try:
            digest = _try_source(remote, url, part, timeout, progress)
        except (WrongContentError, ChecksumError) as err:
            failures.append((url, err))
            continue
        except DownloadError as err:
            if 'resume from' in str(err):  # cut off mid-way: keep the part, let the user rerun
                raise
            failures.append((url, err))
            continue
        shutil.move(part, dest)
        dest.with_name(dest.name + '.sha256').write_text(f'{digest}  {dest.name}\n')
        return dest
    if len(failures) == 1 and not remote.manual:
        url, err = failures[0]
        if isinstance(err, (WrongContentError, ChecksumError)):
            raise type(err)(str(err)) from err
        raise DownloadError(_offline_message(remote, dest, err)) from err
    tried = '\n'.join(f'  {i}. {url}: {err}' for i, (url, err) in enumerate(failures, 1))
    raise DownloadError(f'No source of {remote.filename} worked ({len(failures)} tried):\n{tried}\n'
                        + _manual_steps(remote, dest)) from failures[-1][1]
