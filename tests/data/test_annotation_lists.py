"""course_lib.data.annotation_lists: round trips, line-numbered errors, seed 001's clip format."""
import pytest

from course_lib.data.annotation_lists import (AnnotationError, ClipEntry, RawframeEntry, VideoEntry,
                                              clips_to_rawframe_list, read_clip_list,
                                              read_rawframe_list, read_video_list,
                                              write_clip_list, write_rawframe_list,
                                              write_video_list)


def test_video_list_round_trip_and_exact_text(tmp_path):
    entries = [VideoEntry('a/x.mp4', 3), VideoEntry('b/y.avi', (1, 4)), VideoEntry('z.mp4')]
    path = write_video_list(tmp_path / 'v.txt', entries)
    assert path.read_text() == 'a/x.mp4 3\nb/y.avi 1 4\nz.mp4 -1\n'
    assert read_video_list(path) == entries


def test_rawframe_list_with_and_without_offset(tmp_path):
    plain = [RawframeEntry('a/x', 120, 2), RawframeEntry('b/y', 7, 0)]
    path = write_rawframe_list(tmp_path / 'r.txt', plain)
    assert path.read_text() == 'a/x 120 2\nb/y 7 0\n'
    assert read_rawframe_list(path) == plain
    offset = [RawframeEntry('a/x', 30, 1, offset=12)]
    path = write_rawframe_list(tmp_path / 'o.txt', offset)
    assert path.read_text() == 'a/x 12 30 1\n'
    assert read_rawframe_list(path, with_offset=True) == offset
    # Read without with_offset, the same line means 12 frames with two labels: mmaction's rule too.
    assert read_rawframe_list(path) == [RawframeEntry('a/x', 12, (30, 1))]


def test_mixed_offsets_are_refused(tmp_path):
    with pytest.raises(ValueError, match='with and without offset'):
        write_rawframe_list(tmp_path / 'm.txt', [RawframeEntry('a', 3, 0),
                                                 RawframeEntry('b', 3, 0, offset=1)])


def test_errors_name_file_and_line(tmp_path):
    bad = tmp_path / 'bad.txt'
    bad.write_text('a/x 10 1\n\nb/y ten 2\n')
    with pytest.raises(AnnotationError, match=r'bad\.txt, line 3: .*b/y ten 2'):
        read_rawframe_list(bad)
    bad.write_text('a.mp4 1\nb.mp4 one\n')
    with pytest.raises(AnnotationError, match=r'bad\.txt, line 2'):
        read_video_list(bad)
    with pytest.raises(FileNotFoundError, match='build_file_lists'):
        read_video_list(tmp_path / 'missing.txt')


def test_paths_with_spaces_are_refused(tmp_path):
    with pytest.raises(ValueError, match='whitespace'):
        write_video_list(tmp_path / 'v.txt', [VideoEntry('my video.mp4', 0)])


def test_clip_list_converts_to_the_frames_mmaction_reads(tmp_path):
    # Seed 001's dump_frames.py writes whole videos as `<dir> <label> 0 N 0 N <fps>`.
    clips = tmp_path / 'train.txt'
    clips.write_text('walk/v1 3 0 120 0 120 29.97\nrun/v2 1 0 200 50 80 25\n')
    entries = read_clip_list(clips)
    assert entries[1] == ClipEntry('run/v2', 1, 0, 200, 50, 80, 25.0)
    out = clips_to_rawframe_list(clips, tmp_path / 'raw.txt')
    assert out.read_text() == 'walk/v1 0 120 3\nrun/v2 50 30 1\n'
    # mmaction reads frame files offset + i + start_index(1): frames 51..80 = 0-based ids 50..79.
    write_clip_list(tmp_path / 'again.txt', entries)
    assert read_clip_list(tmp_path / 'again.txt') == entries


def test_clip_outside_its_video_is_an_error(tmp_path):
    clips = tmp_path / 'c.txt'
    clips.write_text('run/v2 1 0 100 90 120 25\n')
    with pytest.raises(AnnotationError, match=r'c\.txt, line 1'):
        read_clip_list(clips)
