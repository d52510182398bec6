"""course_lib.video: one RGB convention from writing to reading, every input kind, whole files only."""
import numpy as np
import pytest

from course_lib.video import VideoReadError, input_kind, load_frames, read_frames, write_video


def red_left_blue_right(frames: int = 12, h: int = 48, w: int = 66) -> np.ndarray:
    """RGB clip: a red left half and a blue right half (a channel swap would show at once)."""
    clip = np.zeros((frames, h, w, 3), np.uint8)
    clip[:, :, : w // 2, 0] = 230
    clip[:, :, w // 2:, 2] = 230
    return clip


@pytest.mark.parametrize('codec', ['libx264', 'mp4v'])
def test_written_rgb_frames_read_back_as_rgb(tmp_path, codec):
    clip = red_left_blue_right()
    path = write_video(tmp_path / 'out' / 'clip.mp4', clip, fps=12, codec=codec)
    frames, fps = read_frames(path)
    assert fps == pytest.approx(12)
    assert len(frames) == len(clip) and frames.shape[1:3] == (48, 66)
    left, right = frames[:, :, :20].reshape(-1, 3).mean(0), frames[:, :, -20:].reshape(-1, 3).mean(0)
    assert left[0] > 180 and left[2] < 60  # red stays red
    assert right[2] > 180 and right[0] < 60  # blue stays blue
    assert [p.name for p in path.parent.iterdir()] == ['clip.mp4']  # no .part left behind


def test_h264_keeps_even_sizes_and_bad_input_writes_nothing(tmp_path):
    frames, _ = read_frames(write_video(tmp_path / 'odd.mp4', red_left_blue_right(4, 47, 65), 8))
    assert frames.shape[1:3] == (46, 64)  # yuv420p needs even sizes
    with pytest.raises(ValueError, match='RGB frames'):
        write_video(tmp_path / 'gray.mp4', np.zeros((4, 32, 32), np.uint8))
    with pytest.raises(ValueError, match='codec'):
        write_video(tmp_path / 'x.mp4', red_left_blue_right(), codec='h265')
    assert sorted(p.name for p in tmp_path.iterdir()) == ['odd.mp4']


def test_a_file_a_folder_and_an_array_load_alike_and_resize_to_a_short_side(tmp_path):
    import cv2
    clip = red_left_blue_right()
    folder = tmp_path / 'frames'
    folder.mkdir()
    for i, frame in enumerate(clip, start=1):
        cv2.imwrite(str(folder / f'img_{i:05d}.jpg'), cv2.cvtColor(frame, cv2.COLOR_RGB2BGR))
    path = write_video(tmp_path / 'clip.mp4', clip, fps=12, codec='mp4v')
    kinds = {input_kind(v): load_frames(v, fps=12) for v in (path, folder, clip)}
    assert set(kinds) == {'video', 'frames', 'array'}
    for frames, fps in kinds.values():
        assert frames.shape == clip.shape and fps == 12
        assert np.abs(frames.astype(int) - clip).mean() < 8  # lossy codecs, same picture
    small, _ = load_frames(path, short_side=24)
    assert small.shape == (12, 24, 33, 3)


def test_missing_empty_and_unreadable_inputs_say_what_is_wrong(tmp_path):
    with pytest.raises(VideoReadError, match='Video not found'):
        load_frames(tmp_path / 'missing.mp4')
    broken = tmp_path / 'broken.mp4'
    broken.write_bytes(b'not a video' * 50)
    with pytest.raises(VideoReadError, match='corrupt'):
        read_frames(broken)
    (tmp_path / 'empty').mkdir()
    with pytest.raises(ValueError, match='extract_rawframes'):  # course_lib.errors.InputError
        load_frames(tmp_path / 'empty')
    with pytest.raises(ValueError, match='fps'):
        load_frames(red_left_blue_right())
    with pytest.raises(ValueError, match=r'\(frames, height, width, 3\)'):
        load_frames(np.zeros((4, 8, 8)), fps=8)
