"""course_lib.video.live: what counts as live input, opening with a timeout, a feed of the latest frames."""
import socket
import threading
import time

import numpy as np
import pytest

from course_lib.errors import InputError, LiveSourceError
from course_lib.video.live import FrameFeed, describe, live_source, open_capture, to_rgb
from course_lib.video.stream import free_port

from .live_fakes import FakeCapture, factory, index_of

pytestmark = pytest.mark.timeout(120)


@pytest.mark.parametrize('value, expected', [
    ('0', 0), (2, 2), (np.int64(1), 1), (' 1 ', 1), ('/dev/video3', 3),
    ('rtsp://cam.local:554/live', 'rtsp://cam.local:554/live'), ('HTTP://127.0.0.1:8080/s.ts', 'HTTP://127.0.0.1:8080/s.ts'),
    ('udp://127.0.0.1:5000', 'udp://127.0.0.1:5000'),
    ('clip.mp4', None), ('data/0', None), ('file:///tmp/x.mp4', None), (True, None), (None, None),
])
def test_live_source_names_cameras_and_stream_urls_only(value, expected):
    assert live_source(value) == expected


@pytest.mark.parametrize('value, match', [
    (-1, 'start at 0'), ('rtsp://', 'needs a host'), ('http://:8080/x', 'needs a host'),
    ('rtsp://cam:99999/live', 'port'),
])
def test_malformed_live_input_is_refused_with_the_fix(value, match):
    with pytest.raises(InputError, match=match):
        live_source(value)


def test_a_camera_that_does_not_open_names_it_and_where_it_must_be():
    fake = FakeCapture(opened=False)
    with pytest.raises(LiveSourceError, match=r'camera 7 could not be opened.*machine that runs Python.*/dev/video'):
        open_capture(7, factory=factory(fake))
    assert fake.released.is_set()


def test_a_backend_that_never_answers_times_out_naming_the_input():
    never = threading.Event()

    def hangs(source, open_timeout, read_timeout):
        never.wait(30)

    t0 = time.monotonic()
    with pytest.raises(LiveSourceError, match=r'rtsp://10\.0\.0\.9/cam did not open within 0\.2 s'):
        open_capture('rtsp://10.0.0.9/cam', open_timeout=0.2, factory=hangs)
    assert time.monotonic() - t0 < 10  # bounded: the timeout plus a grace of 2 s
    never.set()


def test_a_capture_that_opens_after_the_timeout_is_released():
    late, fake = threading.Event(), FakeCapture()

    def slow(source, open_timeout, read_timeout):
        late.wait(30)
        return fake

    with pytest.raises(LiveSourceError, match='did not open within'):
        open_capture(1, open_timeout=0.1, factory=slow)
    late.set()
    assert fake.released.wait(10)  # not left holding the camera


def test_an_error_while_opening_becomes_the_course_error_with_its_cause():
    def broken(source, open_timeout, read_timeout):
        raise OSError('device busy')

    with pytest.raises(LiveSourceError, match='camera 0 could not be opened .OSError: device busy') as info:
        open_capture(0, factory=broken)
    assert isinstance(info.value.__cause__, OSError)


def test_opencv_on_a_port_where_nothing_listens_fails_fast_with_the_url():
    url = f'http://127.0.0.1:{free_port()}/stream.ts'
    with pytest.raises(LiveSourceError, match=url.replace('.', r'\.') + '.*Check that the stream is running'):
        open_capture(url, open_timeout=3, read_timeout=3)


def test_opencv_on_a_server_that_never_sends_times_out():
    """A server that accepts the connection and sends nothing: OpenCV's own open timeout ends it."""
    server = socket.socket()
    server.bind(('127.0.0.1', 0))
    server.listen()
    url = f'http://127.0.0.1:{server.getsockname()[1]}/stream.ts'
    t0 = time.monotonic()
    try:
        with pytest.raises(LiveSourceError, match=url.replace('.', r'\.')):
            open_capture(url, open_timeout=1, read_timeout=1)
    finally:
        server.close()
    assert time.monotonic() - t0 < 15


def test_feed_returns_the_newest_frame_with_the_kept_ones_and_counts_the_rest_as_dropped():
    fake = FakeCapture(frames=30, fps=0)  # as fast as read: everything arrives before we look
    feed = FrameFeed(fake, 0, history=4).start()
    feed._thread.join(10)
    newest, recent = feed.next()
    assert newest.index == 29 and index_of(newest.image) == 29
    assert [f.index for f in recent] == [26, 27, 28, 29]
    assert [f.time for f in recent] == sorted(f.time for f in recent)
    assert feed.received == 30 and feed.taken == 1 and feed.dropped == 29
    assert feed.next() is None and feed.ended == 'end of stream'
    feed.close()
    assert fake.released.is_set()


def test_feed_frames_are_rgb():
    bgr = np.zeros((2, 2, 3), np.uint8)
    bgr[..., 0] = 255  # blue in OpenCV's order
    assert to_rgb(bgr)[0, 0].tolist() == [0, 0, 255]
    assert to_rgb(np.full((2, 2), 7, np.uint8)).shape == (2, 2, 3)


def test_a_source_that_opens_but_never_sends_raises_after_the_read_timeout():
    fake = FakeCapture(stall_after=0)
    feed = FrameFeed(fake, 'udp://127.0.0.1:9', read_timeout=0.3).start()
    t0 = time.monotonic()
    with pytest.raises(LiveSourceError, match=r'udp://127\.0\.0\.1:9 opened but (sent no frame|ended before)'):
        while feed.next(0.05) is None:
            assert time.monotonic() - t0 < 10
    feed.close()


def test_a_source_that_stops_sending_ends_the_feed_as_stalled():
    fake = FakeCapture(stall_after=3, fps=0, stall_seconds=1.5)
    feed = FrameFeed(fake, describe(1), read_timeout=0.3).start()
    got, t0 = [], time.monotonic()
    while (item := feed.next(0.05)) is not None or feed.ended is None:
        if item:
            got.append(item[0].index)
        assert time.monotonic() - t0 < 10
    assert feed.ended == 'stalled' and got and got[-1] == 2
    feed.close()
    assert fake.released.is_set()


def test_history_must_be_a_whole_number():
    with pytest.raises(InputError, match='history=0'):
        FrameFeed(FakeCapture(), 0, history=0)
