"""course_lib.video.stream: a file served as a real-time stream on 127.0.0.1, always stopped."""
import socket
import time

import cv2
import numpy as np
import pytest

from course_lib.errors import InputError
from course_lib.video.stream import serve_file_as_stream
from course_lib.video import VideoReadError, write_video

from .live_fakes import bar_clip, bar_position

pytestmark = pytest.mark.timeout(120)


@pytest.fixture(scope='module')
def clip(tmp_path_factory):
    """2 s at 25 fps: a bar moving right on red."""
    return write_video(tmp_path_factory.mktemp('stream') / 'bars.mp4', bar_clip(50), fps=25)


def read_all(url: str, limit: int = 500) -> list[np.ndarray]:
    cap = cv2.VideoCapture(url, cv2.CAP_FFMPEG, [cv2.CAP_PROP_OPEN_TIMEOUT_MSEC, 10000,
                                                  cv2.CAP_PROP_READ_TIMEOUT_MSEC, 10000])
    assert cap.isOpened(), url
    frames = []
    while len(frames) < limit:
        ok, frame = cap.read()
        if not ok:
            break
        frames.append(cv2.cvtColor(frame, cv2.COLOR_BGR2RGB))
    cap.release()
    return frames


def refuses(url: str) -> bool:
    port = int(url.split(':')[2].split('/')[0])
    with socket.socket() as s:
        return s.connect_ex(('127.0.0.1', port)) != 0


def test_http_stream_sends_the_file_in_order_in_real_time_then_ends(clip):
    with serve_file_as_stream(clip, seconds=10) as url:
        assert url.startswith('http://127.0.0.1:')
        t0 = time.monotonic()
        frames = read_all(url)
        elapsed = time.monotonic() - t0
    assert 45 <= len(frames) <= 50  # the whole 50-frame file (a decoder may hold back the last few)
    assert elapsed > 1.2  # 2 s of video sent in real time, not as fast as the loopback allows
    positions = [bar_position(f) for f in frames]
    assert positions == sorted(positions) and positions[0] == 4  # in order, from the first frame
    assert frames[0][24, 40, 0] > 150 and frames[0][24, 40, 2] < 80  # red stays red (RGB)
    assert refuses(url)  # closed: nothing listens any more


def test_each_client_gets_the_stream_from_the_start_and_close_kills_the_senders(clip):
    stream = serve_file_as_stream(clip, seconds=10)
    try:
        first = read_all(stream.url, limit=5)
        second = read_all(stream.url, limit=5)
        assert bar_position(first[0]) == bar_position(second[0]) == 4
        cap = cv2.VideoCapture(stream.url, cv2.CAP_FFMPEG)  # a reader still connected at close
        assert cap.read()[0]
        senders = list(stream._processes)
        assert senders, 'a connected reader has its ffmpeg sender'
    finally:
        stream.close()
    assert all(p.poll() is not None for p in senders)  # killed, not left running
    assert not stream._processes
    cap.release()
    with pytest.raises(InputError, match='closed'):
        stream.start_process('pipe:1')


def test_seconds_bounds_a_looping_stream(clip, tmp_path):
    short = write_video(tmp_path / 'short.mp4', bar_clip(10), fps=25)  # 0.4 s
    with serve_file_as_stream(short, seconds=1.2, loop=True) as url:
        frames = read_all(url)
    assert 20 <= len(frames) <= 31  # the 10 frames about three times, then the end (1.2 s at 25 fps)


def test_width_scales_the_stream_in_proportion(clip):
    with serve_file_as_stream(clip, seconds=1, width=33) as url:
        frames = read_all(url, limit=3)
    assert frames[0].shape == (24, 32, 3)  # 64x48 -> width 32 (even), height 24 in proportion


def test_udp_stream_reaches_a_reader_on_loopback(clip):
    with serve_file_as_stream(clip, seconds=4, protocol='udp', loop=True) as url:
        assert url.startswith('udp://127.0.0.1:')
        frames = read_all(url, limit=10)
    assert len(frames) == 10 and frames[0].shape == (48, 64, 3)


def test_bad_arguments_name_the_input(tmp_path, clip):
    with pytest.raises(VideoReadError, match='missing.mp4'):
        serve_file_as_stream(tmp_path / 'missing.mp4')
    with pytest.raises(InputError, match="'rtsp'"):
        serve_file_as_stream(clip, protocol='rtsp')
    with pytest.raises(InputError, match='loop=True needs seconds'):
        serve_file_as_stream(clip, seconds=None, loop=True)
    with pytest.raises(InputError, match='positive'):
        serve_file_as_stream(clip, seconds=0)
    with pytest.raises(InputError, match='width=0'):
        serve_file_as_stream(clip, width=0)
