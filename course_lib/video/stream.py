"""A video file served as a live stream on the loopback address: a camera stand-in for lessons and tests.

`serve_file_as_stream(path, seconds=4)` starts a small HTTP server on 127.0.0.1 (a free port) and
returns a `LoopbackStream` whose `url` (`http://127.0.0.1:PORT/stream.ts`) any stream reader opens,
OpenCV's included. Each client that connects gets the file from its start, encoded by the ffmpeg
binary of `imageio-ffmpeg` as MPEG-TS **in real time** (`-re`: a 25 fps file sends 25 frames a second,
as a camera would), for at most `seconds`; `loop=True` repeats the file until then; `width` scales it
(a camera's size rather than a film's). With
`protocol='udp'` ffmpeg sends to `udp://127.0.0.1:PORT` at once instead, listener or not (frames sent
before a reader listens are lost, as on a real UDP stream).

Only the loopback address is used, every duration is bounded, and `close()` (or leaving the `with`
block) stops the server and kills every ffmpeg process it started.
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import threading
import weakref
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from ..errors import InputError
from . import read_frames

HOST = '127.0.0.1'
PROTOCOLS = ('http', 'udp')
CHUNK = 64 * 1024


def ffmpeg_exe() -> str:
    """The ffmpeg binary that imageio-ffmpeg ships (a course dependency), else one on the PATH."""
    try:
        import imageio_ffmpeg
        return imageio_ffmpeg.get_ffmpeg_exe()
    except (ImportError, RuntimeError):
        found = shutil.which('ffmpeg')
        if found:
            return found
    raise InputError('No ffmpeg binary: the package imageio-ffmpeg is missing from this environment '
                     '(it is a course dependency). Run `make setup` again, or install ffmpeg.')


def ffmpeg_command(path: Path, seconds: float | None, loop: bool, realtime: bool, output: str,
                   width: int | None = None) -> list[str]:
    """The ffmpeg command line that sends a file as MPEG-TS to output ('pipe:1' or a udp:// URL)."""
    cmd = [ffmpeg_exe(), '-hide_banner', '-loglevel', 'error', '-nostdin']
    cmd += ['-re'] if realtime else []
    cmd += ['-stream_loop', '-1'] if loop else []
    cmd += ['-i', str(path)]
    cmd += ['-t', f'{seconds:g}'] if seconds else []
    # MPEG-4 Part 2: cheap to encode, any frame rate, a keyframe every 12 frames so that a reader
    # joining late starts within half a second; even sizes for the 4:2:0 chroma.
    scale = f'scale={width - width % 2}:-2' if width else 'scale=trunc(iw/2)*2:trunc(ih/2)*2'
    cmd += ['-an', '-vf', scale, '-c:v', 'mpeg4', '-q:v', '4', '-g', '12',
            '-f', 'mpegts', output]
    return cmd


def free_port(kind: int = socket.SOCK_STREAM) -> int:
    """A port of the loopback address that is free now (TCP or UDP)."""
    with socket.socket(socket.AF_INET, kind) as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


class LoopbackStream:
    """A file served as a real-time stream on 127.0.0.1 (see the module docstring); `url`, `close()`."""

    def __init__(self, path: str | os.PathLike, seconds: float | None = 10.0, protocol: str = 'http',
                 loop: bool = False, realtime: bool = True, width: int | None = None) -> None:
        """Start serving path (checked: a video OpenCV decodes) for at most `seconds` per client;
        `width`: frames scaled to that many pixels wide (the height in proportion)."""
        self.path = Path(path)
        if protocol not in PROTOCOLS:
            raise InputError(f'protocol={protocol!r}: the loopback stream speaks one of {PROTOCOLS}.')
        if seconds is not None and not seconds > 0:
            raise InputError(f'seconds={seconds!r}: give a positive duration (or None for the whole file).')
        if loop and not seconds:
            raise InputError('loop=True needs seconds=...: a looping stream must end by itself.')
        if width is not None and not (isinstance(width, int) and width >= 2):
            raise InputError(f'width={width!r}: give the stream\'s width in pixels (a whole number >= 2).')
        read_frames(self.path, max_frames=1)  # a missing or undecodable file: VideoReadError naming it
        self.seconds, self.protocol = seconds, protocol
        self._command = lambda output: ffmpeg_command(self.path, seconds, loop, realtime, output, width)
        self._processes: set[subprocess.Popen] = set()
        self._lock = threading.Lock()
        self._closed = False
        self._server: ThreadingHTTPServer | None = None
        if protocol == 'http':
            self._server = _server(self)
            self.url = f'http://{HOST}:{self._server.server_address[1]}/stream.ts'
            threading.Thread(target=self._server.serve_forever, kwargs=dict(poll_interval=0.1),
                             name='loopback-stream', daemon=True).start()
        else:
            self.url = f'udp://{HOST}:{free_port(socket.SOCK_DGRAM)}'
            self.start_process(f'{self.url}?pkt_size=1316')
        self._finalizer = weakref.finalize(self, _stop, self._server, self._processes, self._lock)

    def start_process(self, output: str) -> subprocess.Popen:
        """Start one ffmpeg sender (own session: a Ctrl-C in the terminal does not reach it)."""
        with self._lock:
            if self._closed:
                raise InputError(f'{self.url}: this loopback stream was closed; serve the file again.')
            process = subprocess.Popen(self._command(output), stdin=subprocess.DEVNULL,
                                       stdout=subprocess.PIPE if output == 'pipe:1' else subprocess.DEVNULL,
                                       stderr=subprocess.DEVNULL, start_new_session=True)
            self._processes.add(process)
        return process

    def finished(self, process: subprocess.Popen) -> None:
        """Stop one sender and forget it."""
        _kill(process)
        with self._lock:
            self._processes.discard(process)

    def close(self) -> None:
        """Stop the server and kill every ffmpeg process it started."""
        with self._lock:
            self._closed = True
        self._finalizer()

    def __enter__(self) -> str:
        return self.url

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        return f'LoopbackStream({self.path.name!r} at {self.url}, {self.seconds} s)'


def serve_file_as_stream(path: str | os.PathLike, seconds: float | None = 10.0, protocol: str = 'http',
                         loop: bool = False, realtime: bool = True, width: int | None = None) -> LoopbackStream:
    """Serve a video file as a real-time stream on 127.0.0.1; use as `with ... as url:` or `.url`/`.close()`."""
    return LoopbackStream(path, seconds, protocol, loop, realtime, width)


def _server(stream: LoopbackStream) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802  (http.server's name)
            try:
                process = stream.start_process('pipe:1')
            except InputError:
                self.send_error(410, 'stream closed')
                return
            try:
                self.send_response(200)
                self.send_header('Content-Type', 'video/mp2t')
                self.send_header('Connection', 'close')
                self.end_headers()
                while chunk := process.stdout.read1(CHUNK):
                    self.wfile.write(chunk)
                    self.wfile.flush()
            except (OSError, ValueError):
                pass  # the reader went away, or close() killed the sender
            finally:
                stream.finished(process)

        def log_message(self, *args) -> None:
            pass  # no request log in lessons

    server = ThreadingHTTPServer((HOST, 0), Handler)
    server.daemon_threads = True
    return server


def _kill(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.kill()
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:  # pragma: no cover  (a killed process always ends)
        pass
    if process.stdout:
        process.stdout.close()


def _stop(server: ThreadingHTTPServer | None, processes: set, lock: threading.Lock) -> None:
    if server is not None:
        server.shutdown()
        server.server_close()
    with lock:
        running = list(processes)
        processes.clear()
    for process in running:
        _kill(process)
