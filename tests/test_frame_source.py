"""course_lib.frame_source, the deploy package's copy of the video source, reads what
course_lib.video.VideoSource reads: the same frames, times, duration and time grid on the same inputs."""
from __future__ import annotations

import numpy as np
import pytest

from course_lib.frame_source import FrameSource, Mp4Out
from course_lib.video import VideoSource, write_video

from .video.test_source import numbered, vfr_video


@pytest.fixture(scope='module')
def inputs(tmp_path_factory):
    import cv2
    root = tmp_path_factory.mktemp('inputs')
    folder = root / 'frames'
    folder.mkdir()
    for i, frame in enumerate(numbered(9), start=1):
        cv2.imwrite(str(folder / f'img_{i:05d}.png'), frame)
    vfr_video(root / 'vfr.mp4', fast=12, slow=12)
    return {'constant-rate mp4v': write_video(root / 'cfr.mp4', numbered(20), fps=10, codec='mp4v'),
            'constant-rate H.264': write_video(root / 'h264.mp4', numbered(20), fps=25),
            'variable-rate H.264': root / 'vfr.mp4', 'frame folder': folder,
            'image': folder / 'img_00003.png'}


@pytest.mark.parametrize('name', ['constant-rate mp4v', 'constant-rate H.264', 'variable-rate H.264',
                                  'frame folder', 'image'])
def test_the_package_copy_reads_what_the_course_reads(inputs, name):
    course, package = VideoSource(inputs[name]), FrameSource(inputs[name])
    assert package.kind == course.kind and len(package) == len(course)
    np.testing.assert_allclose(package.times, course.timestamps, atol=1e-9)
    assert package.duration == pytest.approx(course.duration) and package.fps == pytest.approx(course.fps)
    assert package.grid().tolist() == course.grid().tolist()
    ours = list(package.frames())
    for (index, seconds, image), frame in zip(ours, course, strict=True):
        assert index == frame.index and seconds == pytest.approx(frame.time)
        assert np.array_equal(image, frame.image)
    picks = [len(course) - 1, 0, 0]
    assert np.array_equal(package.take(picks), course.take(picks))


def test_the_package_copy_refuses_what_it_cannot_read(tmp_path):
    with pytest.raises(SystemExit, match='no such video file'):
        FrameSource(tmp_path / 'missing.mp4')
    (tmp_path / 'empty').mkdir()
    with pytest.raises(SystemExit, match='without frame images'):
        FrameSource(tmp_path / 'empty')
    broken = tmp_path / 'broken.mp4'
    broken.write_bytes(b'not a video' * 50)
    with pytest.raises(SystemExit, match=r'no frame could be decoded\. Give a video file, an image \(\.jpg.*ffmpeg'):
        FrameSource(broken)


def test_mp4_out_appears_only_when_complete(tmp_path):
    out = Mp4Out(tmp_path / 'new' / 'video.mp4', 5)
    for frame in numbered(4):
        out.write(frame)
    assert [p.name for p in (tmp_path / 'new').iterdir()] == ['video.part.mp4']
    out.close()
    assert [p.name for p in (tmp_path / 'new').iterdir()] == ['video.mp4']
    assert len(VideoSource(tmp_path / 'new' / 'video.mp4')) == 4
