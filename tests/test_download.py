"""course_lib.download against a local HTTP server: resume, checksums, 404, offline, caching."""
import hashlib
import http.server
import socket
import threading
import time

import pytest

from course_lib.download import ChecksumError, DownloadError, RemoteFile, download

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
    good = RemoteFile(f'{server}/model_20201217-{SHA[:8]}.pth')
    assert good.sha256_prefix == SHA[:8]
    assert download(good, tmp_path, progress=False).exists()
    with pytest.raises(ChecksumError, match='its name says 16378594'):
        download(RemoteFile(f'{server}/model_20201217-16378594.pth'), tmp_path, progress=False)


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
