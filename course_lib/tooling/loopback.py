"""The dry run's loopback HTTP server: a folder served at 127.0.0.1 (Google Drive's confirmation page
emulated for /download) and the hub's entries pointed at it, so the course downloads as it would online."""
from __future__ import annotations

import contextlib
import dataclasses
import functools
import http.server
import threading
import urllib.parse
from pathlib import Path
from typing import Iterator

from .. import fetch as dl


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
