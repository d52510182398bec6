"""course_lib.video.live_run: newest frames through a step, drops counted, every way of stopping ends cleanly."""
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from course_lib.errors import InputError, LiveSourceError
from course_lib.video import read_frames
from course_lib.video.live_run import RateMeter, draw_rate, run_live

from .live_fakes import FakeCapture, factory, index_of

pytestmark = pytest.mark.timeout(120)
REPO = Path(__file__).resolve().parents[2]


def recorder(delay: float = 0.0, seen: list | None = None):
    """A step that records (index, indexes of the kept frames) and waits `delay` seconds (a model)."""
    seen = [] if seen is None else seen

    def step(frame, recent):
        seen.append((frame.index, [f.index for f in recent], index_of(frame.image)))
        time.sleep(delay)
        return frame.image
    return step, seen


def test_a_slow_step_gets_the_newest_frames_and_the_rest_are_counted_dropped():
    step, seen = recorder(delay=0.05)
    summary = run_live(0, step, capture=factory(FakeCapture(frames=100, fps=200)))
    assert summary.stopped == 'end of stream' and summary.received == 100
    assert summary.processed == len(seen) >= 1 and summary.dropped == 100 - len(seen)
    assert summary.dropped > 0  # 20 frames a second processed from a 200 fps source
    indexes = [i for i, _, _ in seen]
    assert indexes == sorted(set(indexes))  # never a frame twice, never an older one
    assert all(i == carried for i, _, carried in seen)  # the image is the frame of that index


def test_the_kept_frames_end_at_the_newest_and_are_consecutive():
    step, seen = recorder()
    run_live('1', step, history=5, capture=factory(FakeCapture(frames=40, fps=100)))
    for index, recent, _ in seen:
        assert recent[-1] == index and recent == list(range(index - len(recent) + 1, index + 1))
        assert len(recent) == min(5, index + 1)


def test_short_side_shrinks_large_frames_as_they_arrive():
    sizes = []
    run_live(0, lambda frame, recent: sizes.append(frame.image.shape) or frame.image, short_side=24,
             capture=factory(FakeCapture(frames=5, fps=0, size=(48, 64))))
    assert sizes and set(sizes) == {(24, 32, 3)}


def test_max_seconds_and_the_stop_event_end_an_endless_source():
    step, _ = recorder()
    summary = run_live(0, step, max_seconds=0.5, capture=factory(FakeCapture(frames=None, fps=50)))
    assert summary.stopped == 'max-seconds' and 0.5 <= summary.seconds < 10 and summary.processed > 0
    stop = threading.Event()
    threading.Timer(0.4, stop.set).start()
    summary = run_live(0, step, stop=stop, capture=factory(FakeCapture(frames=None, fps=50)))
    assert summary.stopped == 'stop requested' and summary.seconds < 10


def test_the_written_video_has_the_rate_drawn_and_is_complete(tmp_path):
    out = tmp_path / 'live' / 'run.mp4'
    step, seen = recorder(delay=0.02)
    summary = run_live(0, step, out=out, capture=factory(FakeCapture(frames=25, fps=25)))
    assert summary.output == out and summary.output_frames >= len(seen)
    frames, fps = read_frames(out)
    assert fps == pytest.approx(25) and len(frames) == summary.output_frames
    assert frames.shape[1:3] == (48, 64)
    box, above = frames[-1, -4:, -20:].mean(), frames[-1, :20, :].mean(axis=(0, 1))
    assert box < 90 < above[2]  # the dark box of the rate (bottom right) on a frame that is blue (RGB)
    assert sorted(p.name for p in out.parent.iterdir()) == ['run.mp4']
    assert str(out) in str(summary) and 'dropped' in str(summary)


def test_draw_rate_and_the_meter():
    image = np.full((60, 200, 3), 255, np.uint8)
    drawn = draw_rate(image, 12.5, 3)
    assert drawn[-1, -1].tolist() == [0, 0, 0] and drawn[2, 2].tolist() == [255, 255, 255]
    assert image[-1, -1].tolist() == [255, 255, 255]  # the frame given is not drawn on
    meter = RateMeter(window=3)
    assert meter.tick(0.0) == 0.0
    assert [meter.tick(t) for t in (0.5, 1.0, 1.5)] == [2.0, 2.0, 2.0]


def test_a_source_that_stops_sending_ends_cleanly_with_a_message(tmp_path):
    step, _ = recorder()
    out = tmp_path / 'stalled.mp4'
    summary = run_live('rtsp://127.0.0.1:9/cam', step, out=out, read_timeout=0.3,
                       capture=factory(FakeCapture(frames=None, fps=0, stall_after=5, stall_seconds=1.5)))
    assert summary.stopped == 'stalled' and 'stopped sending' in summary.message
    assert summary.received == 5 and len(read_frames(out)[0]) >= 1


def test_a_source_that_never_sends_raises_and_writes_nothing(tmp_path):
    step, _ = recorder()
    out = tmp_path / 'never.mp4'
    with pytest.raises(LiveSourceError, match='camera 0 opened but'):
        run_live(0, step, out=out, read_timeout=0.3, capture=factory(FakeCapture(stall_after=0, stall_seconds=1.5)))
    assert not list(tmp_path.iterdir())


def test_input_that_is_not_live_is_refused_before_opening(tmp_path):
    step, _ = recorder()
    with pytest.raises(InputError, match=r"'clip\.mp4' is neither a camera index"):
        run_live('clip.mp4', step)
    with pytest.raises(InputError, match='max_seconds=0'):
        run_live(0, step, max_seconds=0)
    with pytest.raises(InputError, match=r'\.avi'):
        run_live(0, step, out=tmp_path / 'x.avi', capture=factory(FakeCapture()))


CHILD = textwrap.dedent('''
    from course_lib.video.live_run import run_live
    from tests.video.live_fakes import FakeCapture, factory

    def step(frame, recent):
        if frame.index >= 5:
            print('running', flush=True)
        return frame.image

    summary = run_live(0, step, out={out!r}, capture=factory(FakeCapture(frames=None, fps=25)))
    print(summary.stopped, summary.processed, flush=True)
''')


def test_ctrl_c_stops_the_run_and_the_file_is_complete_and_playable(tmp_path):
    out = tmp_path / 'interrupted.mp4'
    code = CHILD.format(out=str(out))
    env = dict(os.environ, PYTHONPATH=str(REPO))
    child = subprocess.Popen([sys.executable, '-c', code], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True, env=env, cwd=REPO)
    try:
        assert child.stdout.readline().strip() == 'running'
        child.send_signal(signal.SIGINT)
        stdout, stderr = child.communicate(timeout=60)
    finally:
        child.kill()
    assert child.returncode == 0, stderr
    stopped, processed = stdout.strip().splitlines()[-1].rsplit(' ', 1)
    assert stopped.endswith('Ctrl-C') and int(processed) >= 6
    frames, _ = read_frames(out)
    assert len(frames) >= 6 and frames.shape[1:3] == (48, 64)
    assert sorted(p.name for p in tmp_path.iterdir()) == ['interrupted.mp4']


def test_opencv_on_a_stream_that_stops_sending_ends_cleanly(tmp_path):
    """A real HTTP stream that sends half a file, then holds the connection open, silent."""
    import socket
    import subprocess as sp

    from course_lib.video.stream import ffmpeg_command
    from course_lib.video import write_video

    from .live_fakes import bar_clip
    clip = write_video(tmp_path / 'bars.mp4', bar_clip(50), fps=25)
    ts = tmp_path / 'bars.ts'
    sp.run(ffmpeg_command(clip, None, False, False, str(ts)), check=True, timeout=60)
    data = ts.read_bytes()
    server = socket.socket()
    server.bind(('127.0.0.1', 0))
    server.listen()
    release = threading.Event()

    def serve():
        conn, _ = server.accept()
        conn.recv(4096)
        conn.sendall(b'HTTP/1.1 200 OK\r\nContent-Type: video/mp2t\r\n\r\n' + data[:len(data) // 2])
        release.wait(30)  # silent, connection open
        conn.close()

    threading.Thread(target=serve, daemon=True).start()
    step, seen = recorder()
    url = f'http://127.0.0.1:{server.getsockname()[1]}/stream.ts'
    try:
        summary = run_live(url, step, open_timeout=5, read_timeout=1)
    finally:
        release.set()
        server.close()
    assert summary.stopped in ('stalled', 'end of stream') and summary.seconds < 20
    assert 5 <= summary.received < 50  # the frames of the half that came, not the whole file
