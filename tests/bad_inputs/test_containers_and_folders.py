"""Video containers, and partial or linked folders.

A file is held to what an array of the same frames is (a 2-frame file is refused as the 2-frame array
is); a raw H.264 stream named `.mp4` (no container, no frame count) is decoded, not handed to a
decoder that needs the count. A frame folder missing its last frames is not "done"; linked class
folders are followed, a link to a missing file is refused by name, a link back up is not followed twice.
"""
from __future__ import annotations

import subprocess
from pathlib import Path

import cv2
import numpy as np
import pytest

from course_lib.errors import FileFormatError, InputError
from course_lib import validate

from .conftest import moving_square


def _mp4v(path: Path, n: int, suffix_codec: str = 'mp4v') -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*suffix_codec), 8, (48, 48))
    for f in moving_square(n):
        writer.write(f[..., ::-1].copy())
    writer.release()
    return path


def _raw_h264(path: Path, n: int) -> Path:
    import imageio_ffmpeg
    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), '-y', '-loglevel', 'error', '-f', 'rawvideo',
                    '-pix_fmt', 'rgb24', '-s', '48x48', '-r', '8', '-i', '-', '-c:v', 'libx264', '-pix_fmt',
                    'yuv420p', '-f', 'h264', str(path)], input=moving_square(n).tobytes(), check=True)
    return path


@pytest.mark.parametrize('n, codec, name', [(2, 'mp4v', 'two.mp4'), (1, 'mp4v', 'one.mp4'), (3, 'MJPG', 'three.avi')])
def test_a_short_file_is_refused_like_the_same_frames_as_an_array(recognizer, tmp_path, n, codec, name):
    from course_lib.inference.recognition import recognize
    model, cfg, _ = recognizer
    path = _mp4v(tmp_path / name, n, codec)
    with pytest.raises(InputError, match=f'{n} frame') as from_file:
        recognize(model, path, list(cfg.classes))
    with pytest.raises(InputError, match=f'{n} frame'):
        recognize(model, moving_square(n), list(cfg.classes))
    assert str(path) in str(from_file.value)


def test_a_raw_h264_stream_named_mp4_scores_as_its_frames(recognizer, tmp_path):
    from course_lib.inference.recognition import recognize
    from course_lib.video import read_frames
    model, cfg, _ = recognizer
    path = _raw_h264(tmp_path / 'stream.mp4', 24)
    frames = read_frames(path)[0]
    assert len(frames) == 24
    got = recognize(model, path, list(cfg.classes))
    assert np.allclose(got.all_scores, recognize(model, frames, list(cfg.classes)).all_scores, atol=1e-4)
    with pytest.raises(InputError, match='2 frames'):
        recognize(model, _raw_h264(tmp_path / 'short.mp4', 2), list(cfg.classes))


def test_empty_cut_and_image_files_are_named(tmp_path):
    (tmp_path / 'empty.mp4').write_bytes(b'')
    with pytest.raises(FileFormatError, match='empty.mp4.*0 bytes'):
        validate.video_input(tmp_path / 'empty.mp4')
    whole = _mp4v(tmp_path / 'whole.mp4', 24).read_bytes()
    (tmp_path / 'half.mp4').write_bytes(whole[:len(whole) // 2])
    with pytest.raises(FileFormatError, match='half.mp4'):
        validate.video_input(tmp_path / 'half.mp4')
    cv2.imwrite(str(tmp_path / 'photo.jpg'), moving_square(1)[0])
    with pytest.raises(InputError, match='photo.jpg is an image'):
        validate.video_input(tmp_path / 'photo.jpg')


# ---- partial and linked folders ---------------------------------------------------------------------

def test_an_interrupted_copy_is_extracted_again(tmp_path):
    from course_lib.data.rawframes import extract_rawframes
    _mp4v(tmp_path / 'videos' / 'c0' / 'v0.mp4', 24)
    target = tmp_path / 'frames' / 'c0' / 'v0'
    target.mkdir(parents=True)
    for i in range(1, 11):
        cv2.imwrite(str(target / f'img_{i:05d}.jpg'), moving_square(1)[0])
    report = extract_rawframes(tmp_path / 'videos', tmp_path / 'frames', progress=False)
    assert [(f.status, f.num_frames) for f in report.folders] == [('extracted', 24)]
    again = extract_rawframes(tmp_path / 'videos', tmp_path / 'frames', progress=False)
    assert [(f.status, f.num_frames) for f in again.folders] == [('skipped', 24)]
    (target / 'img_00024.jpg').unlink()  # frames lost after extraction: its record says 24
    third = extract_rawframes(tmp_path / 'videos', tmp_path / 'frames', progress=False)
    assert [(f.status, f.num_frames) for f in third.folders] == [('extracted', 24)]


def test_lists_leave_out_an_incomplete_frame_folder_by_name(tmp_path, capsys):
    from course_lib.data import splits
    from course_lib.data.rawframes import extract_rawframes
    for c in ('a', 'b'):
        for i in range(2):
            _mp4v(tmp_path / 'videos' / c / f'{c}{i}.mp4', 12)
    extract_rawframes(tmp_path / 'videos', tmp_path / 'frames', progress=False)
    for i in range(7, 13):
        (tmp_path / 'frames' / 'b' / 'b1' / f'img_{i:05d}.jpg').unlink()
    split = splits.split_class_folders(tmp_path / 'videos', 0.5)
    written = splits.write_split_lists(split, tmp_path / 'lists', tmp_path / 'frames')
    listed = (written['train_rawframes'].read_text() + written['test_rawframes'].read_text())
    assert 'b/b1 ' not in listed and 'a/a0 12 0' in listed
    assert 'b/b1 (incomplete' in capsys.readouterr().out


def _classes_with_link(tmp_path: Path) -> Path:
    videos = tmp_path / 'videos'
    for c, folder in (('a', videos), ('b', tmp_path / 'elsewhere')):
        for i in range(2):
            _mp4v(folder / c / f'{c}{i}.mp4', 4)
    (videos / 'b').symlink_to(tmp_path / 'elsewhere' / 'b', target_is_directory=True)
    return videos


def test_a_linked_class_folder_is_extracted_and_listed(tmp_path):
    from course_lib.data import splits
    from course_lib.data.rawframes import extract_rawframes
    videos = _classes_with_link(tmp_path)
    report = extract_rawframes(videos, tmp_path / 'frames', progress=False)
    assert sorted(f.video for f in report.folders) == ['a/a0.mp4', 'a/a1.mp4', 'b/b0.mp4', 'b/b1.mp4']
    split = splits.split_class_folders(videos, 0.5)
    assert split.classes == ['a', 'b'] and sum(split.counts().values()) == 4


def test_a_broken_link_is_refused_by_name_and_a_loop_is_walked_once(tmp_path):
    from course_lib.data import splits
    from course_lib.data.rawframes import find_videos
    videos = _classes_with_link(tmp_path)
    (videos / 'a' / 'again').symlink_to(videos, target_is_directory=True)
    assert len(splits.split_class_folders(videos, 0.5).train) + len(splits.split_class_folders(videos, 0.5).test) == 4
    (videos / 'a' / 'gone.mp4').symlink_to(tmp_path / 'missing.mp4')
    with pytest.raises(InputError, match='gone.mp4 is a link to a missing file'):
        find_videos(videos)
