"""course_lib.video.live_writer: a real-time H.264 file written frame by frame, named only once complete."""
import numpy as np
import pytest

from course_lib.errors import InputError
from course_lib.video.live_writer import LiveVideoWriter
from course_lib.video import read_frames


def solid(value: int, h: int = 32, w: int = 48) -> np.ndarray:
    return np.full((h, w, 3), value, np.uint8)


def test_each_frame_is_shown_until_the_next_one_s_time(tmp_path):
    path = tmp_path / 'out' / 'live.mp4'
    writer = LiveVideoWriter(path, fps=10)
    for value, t in ((40, 0.0), (120, 0.5), (220, 1.0)):
        writer.write(solid(value), t)
    assert not path.exists()  # not named until complete
    assert writer.close(1.5) == path
    frames, fps = read_frames(path)
    assert fps == pytest.approx(10)
    levels = frames.reshape(len(frames), -1).mean(axis=1)
    assert len(frames) == 15  # 0.5 s of each frame at 10 fps
    assert np.all(np.abs(levels[:5] - 40) < 8) and np.all(np.abs(levels[5:10] - 120) < 8)
    assert np.all(np.abs(levels[10:] - 220) < 8)
    assert sorted(p.name for p in path.parent.iterdir()) == ['live.mp4']


def test_frames_faster_than_the_rate_are_each_kept_once_and_sizes_made_even(tmp_path):
    writer = LiveVideoWriter(tmp_path / 'fast.mp4', fps=5)
    for i in range(4):
        writer.write(solid(60 * i, 31, 45), 0.01 * i)
    frames, _ = read_frames(writer.close(0.04))
    assert len(frames) == 4 and frames.shape[1:3] == (30, 44)


def test_no_frame_writes_no_file_and_bad_paths_are_refused(tmp_path):
    writer = LiveVideoWriter(tmp_path / 'none.mp4')
    assert writer.close(3.0) is None and not list(tmp_path.iterdir())
    with pytest.raises(InputError, match=r'live\.avi.*\.mp4'):
        LiveVideoWriter(tmp_path / 'live.avi')
    with pytest.raises(InputError, match='is a folder'):
        LiveVideoWriter(_folder(tmp_path))
    with pytest.raises(InputError, match='fps=0'):
        LiveVideoWriter(tmp_path / 'x.mp4', fps=0)


def _folder(tmp_path):
    folder = tmp_path / 'videos.mp4'
    folder.mkdir()
    return folder
