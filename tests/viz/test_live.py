"""course_lib.viz.live: frames in a widget from a background thread, a Stop button, a summary."""
import cv2
import numpy as np
import pytest

from course_lib.errors import InputError, LiveSourceError
from course_lib.viz.live import LiveSession

from ..video.live_fakes import FakeCapture, factory

pytestmark = pytest.mark.timeout(120)


def identity(frame, recent):
    return frame.image


def test_frames_reach_the_image_widget_and_wait_returns_the_summary():
    session = LiveSession(0, identity, capture=factory(FakeCapture(frames=20, fps=50))).start()
    summary = session.wait(30)
    assert summary.stopped == 'end of stream' and summary.received == 20
    assert session.frames_shown == summary.processed >= 1
    shown = cv2.imdecode(np.frombuffer(session.image.value, np.uint8), cv2.IMREAD_COLOR)
    assert shown.shape == (48, 64, 3)
    assert session.button.disabled and 'done' in session.status.value
    assert 'end of stream' in repr(session)


def test_the_stop_button_ends_an_endless_run():
    session = LiveSession('udp://127.0.0.1:5004', identity, capture=factory(FakeCapture(frames=None, fps=25))).start()
    with pytest.raises(TimeoutError, match='still going'):
        session.wait(0.5)
    session.button.click()
    summary = session.wait(30)
    assert summary.stopped == 'Stop button' and summary.processed >= 1


def test_a_wrong_source_fails_in_the_cell_and_an_open_error_in_wait():
    with pytest.raises(InputError, match='neither a camera index'):
        LiveSession('clip.mp4', identity)
    session = LiveSession(3, identity, capture=factory(FakeCapture(opened=False))).start()
    with pytest.raises(LiveSourceError, match='camera 3 could not be opened'):
        session.wait(30)
    assert session.status.value.startswith('error: camera 3')
