"""course_lib.video.source: every input kind resolved once, frames read lazily with the decoder's times."""
from __future__ import annotations

import subprocess

import numpy as np
import pytest

from course_lib.errors import InputError
from course_lib.video import VideoReadError, VideoSource, write_video


def numbered(count: int, h: int = 48, w: int = 64) -> np.ndarray:
    """Frames that carry their index in 8 vertical stripes, white for a 1 bit (read back with
    `frame_number` after lossy coding; count <= 256)."""
    assert count <= 256
    frames = np.zeros((count, h, w, 3), np.uint8)
    for i in range(count):
        for bit in range(8):
            if i >> bit & 1:
                frames[i, :, bit * w // 8:(bit + 1) * w // 8] = 255
    return frames


def frame_number(image: np.ndarray) -> int:
    w = image.shape[1]
    return sum(1 << bit for bit in range(8)
               if image[:, bit * w // 8 + 2:(bit + 1) * w // 8 - 2].mean() > 128)


def vfr_video(path, fast: int = 60, slow: int = 60) -> None:
    """`fast` frames at 30 fps, then `slow` frames at 6 fps: 2 s + 10 s, with a 30 fps header rate."""
    import imageio_ffmpeg
    frames = numbered(fast + slow)
    pts = f"if(lt(N,{fast}),N,{fast}+(N-{fast})*5)"  # in the input's time base, 1/30 s: exact
    cmd = [imageio_ffmpeg.get_ffmpeg_exe(), '-v', 'error', '-y', '-f', 'rawvideo', '-pix_fmt', 'rgb24',
           '-s', '64x48', '-r', '30', '-i', '-', '-vf', f"setpts='{pts}'", '-fps_mode', 'vfr',
           '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-qp', '0', str(path)]
    subprocess.run(cmd, input=frames.tobytes(), check=True, timeout=60)


@pytest.fixture(scope='module')
def cfr(tmp_path_factory):
    return write_video(tmp_path_factory.mktemp('cfr') / 'cfr.mp4', numbered(24), fps=12)


def test_a_constant_rate_file_has_its_frames_times_and_rate(cfr):
    source = VideoSource(cfr)
    assert source.kind == 'video' and len(source) == 24 and source.size == (48, 64)
    assert np.allclose(source.timestamps, np.arange(24) / 12, atol=1e-3)
    assert source.duration == pytest.approx(2.0, abs=1e-3) and source.fps == pytest.approx(12, rel=1e-3)
    assert source.grid().tolist() == list(range(24))  # constant rate: the grid is the frames
    frames = list(source)
    assert [f.index for f in frames] == list(range(24))
    assert [frame_number(f.image) for f in frames] == list(range(24))


def test_a_variable_rate_file_reports_the_decoded_duration_and_samples_by_time(tmp_path):
    path = tmp_path / 'vfr.mp4'
    vfr_video(path)
    source = VideoSource(path)
    assert len(source) == 120
    assert source.duration == pytest.approx(12.0, abs=0.2)  # not 120 frames / 30 fps = 4 s
    times = source.timestamps
    assert times[59] == pytest.approx(59 / 30, abs=0.01) and times[61] == pytest.approx(2 + 1 / 6, abs=0.01)
    assert source.at_times([1.05, 2.55]).tolist() == [31, 63]  # 1/30 s, then 1/6 s per frame
    grid = source.grid()  # the frames shown at 120 times 0.1 s apart
    assert len(grid) == 120 and grid[-1] == 119 and (np.diff(grid) >= 0).all()
    assert 19 <= len(set(grid[grid < 60])) <= 21  # the fast part: about every third frame
    assert set(range(60, 120)) <= set(grid.tolist())  # the slow part: every frame, some twice
    assert [frame_number(f.image) for f in source.frames([30, 63, 63, 119])] == [30, 63, 63, 119]


def test_take_reads_any_order_and_frames_one_pass(cfr):
    source = VideoSource(cfr)
    clip = source.take([20, 3, 3, 0])
    assert [frame_number(f) for f in clip] == [20, 3, 3, 0]
    with pytest.raises(ValueError, match='non-decreasing'):
        list(source.frames([5, 2]))
    with pytest.raises(IndexError, match='outside'):
        list(source.frames([30]))


def test_a_folder_an_array_and_an_image_are_sources_too(tmp_path):
    import cv2
    clip = numbered(10)
    folder = tmp_path / 'frames'
    folder.mkdir()
    for i, frame in enumerate(clip, start=1):
        cv2.imwrite(str(folder / f'img_{i:05d}.png'), frame)
    image = folder / 'img_00004.png'
    from_folder, from_array = VideoSource(folder, fps=5), VideoSource(clip, fps=5)
    for source in (from_folder, from_array):
        assert len(source) == 10 and source.fps == 5 and source.duration == pytest.approx(2.0)
        assert [frame_number(f.image) for f in source] == list(range(10))
    single = VideoSource(image)
    assert single.kind == 'image' and len(single) == 1 and frame_number(next(iter(single)).image) == 3
    assert VideoSource(folder).fps == 30  # a folder without a rate: rawframe extraction's default


def test_bad_inputs_name_the_input_and_the_fix(tmp_path, cfr):
    with pytest.raises(VideoReadError, match='Video not found'):
        VideoSource(tmp_path / 'missing.mp4')
    broken = tmp_path / 'broken.mp4'
    broken.write_bytes(b'not a video' * 50)
    with pytest.raises(VideoReadError, match='broken.mp4'):
        VideoSource(broken)
    png = tmp_path / 'still.png'
    import cv2
    cv2.imwrite(str(png), numbered(1)[0])
    with pytest.raises(InputError, match='still.png is an image; this task takes a video file'):
        VideoSource(png, kinds=('video', 'frames', 'array'))
    with pytest.raises(InputError, match='at least 30'):
        VideoSource(cfr, min_frames=30)
    with pytest.raises(InputError, match='fps='):
        VideoSource(numbered(4))


def test_sliding_windows_hold_at_most_their_size(cfr):
    from course_lib.video import sliding_windows
    windows = list(sliding_windows(VideoSource(cfr), size=8, step=4))
    assert [[f.index for f in w][0] for w in windows] == [0, 4, 8, 12, 16]
    assert all(len(w) == 8 for w in windows)
