"""course_lib.fetch against a local HTTP server: resume, checksums, 404, offline, caching."""
import hashlib
import http.server
import socket
import ssl as ssl_module
import threading
import time

import pytest

from course_lib.fetch import (ChecksumError, DownloadError, RemoteFile, WrongContentError,
                                 confirmation_url, download, ssl_context)

PAYLOAD = bytes(range(256)) * 4096  # 1 MiB
SHA = hashlib.sha256(PAYLOAD).hexdigest()


class Handler(http.server.BaseHTTPRequestHandler):
    """Serves PAYLOAD with Range support; /cut sends half and drops; counts GETs."""

    requests: list[str] = []
    cut_once = True

    def log_message(self, *args):
        pass

    def do_GET(self):
        Handler.requests.append(self.path)
        name = self.path.rsplit('/', 1)[-1]
        if name.startswith('missing'):
            self.send_error(404, 'Not Found')
            return
        start = 0
        if 'Range' in self.headers:
            start = int(self.headers['Range'].split('=')[1].split('-')[0])
            self.send_response(206)
            self.send_header('Content-Range', f'bytes {start}-{len(PAYLOAD) - 1}/{len(PAYLOAD)}')
        else:
            self.send_response(200)
        body = PAYLOAD[start:]
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        if name.startswith('cut') and Handler.cut_once and start == 0:
            Handler.cut_once = False
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        self.wfile.write(body)


@pytest.fixture()
def server():
    Handler.requests = []
    Handler.cut_once = True
    httpd = http.server.ThreadingHTTPServer(('127.0.0.1', 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f'http://127.0.0.1:{httpd.server_address[1]}'
    httpd.shutdown()


def test_downloads_verifies_records_and_caches(server, tmp_path):
    remote = RemoteFile(f'{server}/file.bin', sha256=SHA)
    path = download(remote, tmp_path, progress=False)
    assert path.read_bytes() == PAYLOAD
    assert (tmp_path / 'file.bin.sha256').read_text().split()[0] == SHA
    assert not (tmp_path / 'file.bin.part').exists()
    download(remote, tmp_path, progress=False)
    assert Handler.requests == ['/file.bin']  # the second call was served from the cache


def test_interrupted_download_resumes_from_part(server, tmp_path):
    remote = RemoteFile(f'{server}/cut.bin', size=len(PAYLOAD))
    with pytest.raises(DownloadError, match='resume'):
        download(remote, tmp_path, progress=False)
    part = tmp_path / 'cut.bin.part'
    assert 0 < part.stat().st_size < len(PAYLOAD)
    path = download(remote, tmp_path, progress=False)
    assert path.read_bytes() == PAYLOAD
    assert len(Handler.requests) == 2  # the second request asked only for the rest


def test_bad_checksum_is_refused_and_removed(server, tmp_path):
    remote = RemoteFile(f'{server}/file.bin', sha256='0' * 64)
    with pytest.raises(ChecksumError, match='expected 0000'):
        download(remote, tmp_path, progress=False)
    assert not list(tmp_path.iterdir())


def test_openmmlab_hash_prefix_in_name_is_checked(server, tmp_path):
    good = RemoteFile(f'{server}/model_20201217-{SHA[:8]}.pth', kind='bin')  # PAYLOAD: no pickle
    assert good.sha256_prefix == SHA[:8]
    assert download(good, tmp_path, progress=False).exists()
    with pytest.raises(ChecksumError, match='its name says 16378594'):
        download(RemoteFile(f'{server}/model_20201217-16378594.pth', kind='bin'), tmp_path,
                 progress=False)


def test_recorded_sha256_catches_a_corrupted_copy(server, tmp_path):
    remote = RemoteFile(f'{server}/file.bin', size=len(PAYLOAD))
    path = download(remote, tmp_path, progress=False)
    path.write_bytes(PAYLOAD[:-1] + b'\x00')
    with pytest.raises(ChecksumError):
        download(remote, tmp_path, progress=False)


def test_404_names_url_and_expected_path(server, tmp_path):
    with pytest.raises(DownloadError) as err:
        download(f'{server}/missing.pth', tmp_path, progress=False)
    assert 'HTTP 404' in str(err.value) and str(tmp_path / 'missing.pth') in str(err.value)


def test_offline_fails_fast_with_instructions(tmp_path):
    with socket.socket() as s:  # a port nobody listens on
        s.bind(('127.0.0.1', 0))
        port = s.getsockname()[1]
    start = time.monotonic()
    with pytest.raises(DownloadError) as err:
        download(f'http://127.0.0.1:{port}/weights.pth', tmp_path, progress=False)
    assert time.monotonic() - start < 5
    message = str(err.value)
    assert 'weights.pth' in message and 'copy it to that path' in message
    assert 'COURSE_PROFILE=smoke' in message


def test_unresolvable_host_fails_fast(tmp_path):
    start = time.monotonic()
    with pytest.raises(DownloadError, match='Could not download'):
        download('http://no-such-host.invalid/x.pth', tmp_path, progress=False, timeout=3)
    assert time.monotonic() - start < 15


# --- what a server sends instead of the file: HTML pages, other types, confirmation pages ---
ZIP_BYTES = b'PK\x03\x04' + bytes(2000)
LOGIN_PAGE = (b'<!DOCTYPE html><html><head><title>Sign in - Example</title></head>'
              b'<body>please log in</body></html>')
DRIVE_PAGE = b'''<!DOCTYPE html><html><head><title>Google Drive - Virus scan warning</title></head>
<body><p>Google Drive can't scan this file for viruses.</p>
<form id="download-form" action="/download" method="get">
<input type="submit" value="Download anyway"/>
<input type="hidden" name="id" value="1ABC"><input type="hidden" name="export" value="download">
<input type="hidden" name="confirm" value="t"><input type="hidden" name="uuid" value="u-1">
</form></body></html>'''


class PageHandler(http.server.BaseHTTPRequestHandler):
    """/login.zip: an HTML login page; /disguised.zip: HTML sent as octet-stream; /drive: the
    confirmation page whose form leads to /download?...confirm=t; /notzip.zip: random bytes."""

    requests: list[str] = []

    def log_message(self, *args):
        pass

    def _send(self, body: bytes, ctype: str) -> None:
        self.send_response(200)
        self.send_header('Content-Type', ctype)
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        PageHandler.requests.append(self.path)
        path = self.path.split('?')[0]
        if path.endswith('login.zip'):
            self._send(LOGIN_PAGE, 'text/html; charset=utf-8')
        elif path.endswith('disguised.zip'):
            self._send(LOGIN_PAGE, 'application/octet-stream')
        elif path.endswith('drive'):
            self._send(DRIVE_PAGE, 'text/html; charset=utf-8')
        elif path == '/download' and 'confirm=t' in self.path and 'id=1ABC' in self.path:
            self._send(ZIP_BYTES, 'application/octet-stream')
        elif path.endswith('notzip.zip'):
            self._send(PAYLOAD[:4096], 'application/zip')
        elif path.endswith('good.zip'):
            self._send(ZIP_BYTES, 'application/zip')
        else:
            self.send_error(404, 'Not Found')


@pytest.fixture()
def pages():
    PageHandler.requests = []
    httpd = http.server.ThreadingHTTPServer(('127.0.0.1', 0), PageHandler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f'http://127.0.0.1:{httpd.server_address[1]}'
    httpd.shutdown()


@pytest.mark.parametrize('name', ['login.zip', 'disguised.zip'])
def test_an_html_page_is_refused_and_nothing_is_kept_or_recorded(pages, tmp_path, name):
    with pytest.raises(WrongContentError) as err:
        download(RemoteFile(f'{pages}/{name}'), tmp_path, progress=False)
    message = str(err.value)
    assert 'HTML page' in message and "'Sign in - Example'" in message  # what the server sent
    assert 'Nothing was kept' in message and name in message
    assert list(tmp_path.iterdir()) == []  # no file, no .part, no .sha256


def test_a_file_of_another_type_is_refused(pages, tmp_path):
    with pytest.raises(WrongContentError, match='not a zip file'):
        download(RemoteFile(f'{pages}/notzip.zip'), tmp_path, progress=False)
    assert list(tmp_path.iterdir()) == []


def test_google_drive_confirmation_page_is_followed_to_the_file(pages, tmp_path):
    remote = RemoteFile(f'{pages}/drive', save_as='csv_mean_100.zip', min_size=100)
    path = download(remote, tmp_path, progress=False)
    assert path.read_bytes() == ZIP_BYTES
    assert PageHandler.requests[0] == '/drive'
    assert PageHandler.requests[1].startswith('/download?') and 'uuid=u-1' in PageHandler.requests[1]


def test_confirmation_url_reads_the_form_and_ignores_other_pages():
    url = confirmation_url(DRIVE_PAGE.decode(), 'https://drive.usercontent.google.com/download?id=1')
    assert url == ('https://drive.usercontent.google.com/download?'
                   'id=1ABC&export=download&confirm=t&uuid=u-1')
    assert confirmation_url(LOGIN_PAGE.decode(), 'https://example.org/') is None


def test_sources_are_tried_in_order_until_one_verifies(pages, tmp_path):
    remote = RemoteFile(f'{pages}/missing.zip', mirrors=(f'{pages}/login.zip', f'{pages}/good.zip'))
    path = download(remote, tmp_path, progress=False)
    assert path.read_bytes() == ZIP_BYTES and path.name == 'missing.zip'
    assert [p.split('?')[0] for p in PageHandler.requests] == ['/missing.zip', '/login.zip',
                                                               '/good.zip']


def test_an_exhausted_source_list_names_each_failure_and_the_manual_steps(pages, tmp_path):
    remote = RemoteFile(f'{pages}/missing.zip', mirrors=(f'{pages}/login.zip',),
                        manual='ask your teacher for missing.zip')
    with pytest.raises(DownloadError) as err:
        download(remote, tmp_path, progress=False)
    message = str(err.value)
    assert 'No source of missing.zip worked (2 tried)' in message
    assert 'HTTP 404' in message and 'HTML page' in message
    assert 'ask your teacher for missing.zip' in message and str(tmp_path / 'missing.zip') in message
    assert list(tmp_path.iterdir()) == []


def test_verification_words_exist_only_where_something_is_checked():
    assert RemoteFile('https://x/a_20201217-16378594.pth').verification.startswith('sha256 prefix')
    assert RemoteFile('https://x/a.zip', sha256='0' * 64).verification == 'published sha256'
    assert 'zip file type' in RemoteFile('https://x/a.zip', min_size=10).verification
    assert RemoteFile('https://x/a.zip').verification == ''  # no size: nothing to check it by
    assert RemoteFile('https://x/a.bin', min_size=10).verification == ''  # no type to check


# --- TLS: the system's and certifi's trust stores; one opt-in per host, content still verified ---
@pytest.fixture()
def https_server(tmp_path_factory):
    import ssl
    import subprocess
    folder = tmp_path_factory.mktemp('tls')
    key, cert = folder / 'key.pem', folder / 'cert.pem'
    subprocess.run(['openssl', 'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1',
                    '-subj', '/CN=localhost', '-keyout', str(key), '-out', str(cert)],
                   check=True, capture_output=True)
    httpd = http.server.ThreadingHTTPServer(('127.0.0.1', 0), PageHandler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f'https://localhost:{httpd.server_address[1]}'
    httpd.shutdown()


def test_an_unverifiable_certificate_fails_with_the_opt_in_and_the_opt_in_still_verifies(
        https_server, tmp_path, monkeypatch):
    monkeypatch.delenv('COURSE_TLS_UNVERIFIED_HOSTS', raising=False)
    remote = RemoteFile(f'{https_server}/good.zip', tls_chain_broken=True)
    with pytest.raises(DownloadError) as err:
        download(remote, tmp_path, progress=False)
    assert 'COURSE_TLS_UNVERIFIED_HOSTS=localhost' in str(err.value)
    assert 'incomplete certificate chain' in str(err.value)
    monkeypatch.setenv('COURSE_TLS_UNVERIFIED_HOSTS', 'localhost')
    with pytest.raises(WrongContentError):  # accepted TLS, but an HTML page is still refused
        download(RemoteFile(f'{https_server}/login.zip'), tmp_path, progress=False)
    assert download(remote, tmp_path, progress=False).read_bytes() == ZIP_BYTES
    monkeypatch.setenv('COURSE_TLS_UNVERIFIED_HOSTS', 'other.example.org')
    assert ssl_context('localhost').verify_mode == ssl_module.CERT_REQUIRED
