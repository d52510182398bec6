"""course_lib._util: atomic writes leave the old file or the whole new one; spec records; JSON lines."""
import numpy as np
import pytest

from course_lib._util import (atomic_path, is_finite_number, json_key_line, resize_short_side,
                              same_spec, write_text_atomic)


def test_an_interrupted_write_keeps_the_old_file_and_leaves_no_part(tmp_path):
    path = write_text_atomic(tmp_path / 'sub' / 'a.txt', 'old')
    with pytest.raises(RuntimeError):
        with atomic_path(path) as part:
            part.write_text('half')
            raise RuntimeError('interrupted')
    assert path.read_text() == 'old' and sorted(p.name for p in path.parent.iterdir()) == ['a.txt']
    write_text_atomic(path, 'new')
    assert path.read_text() == 'new'


def test_a_folder_is_replaced_whole_and_suffixes_can_be_kept(tmp_path):
    target = tmp_path / 'frames'
    target.mkdir()
    (target / 'stale.jpg').write_text('x')
    with atomic_path(target) as part:
        part.mkdir()
        (part / 'img_00001.jpg').write_text('y')
    assert [p.name for p in target.iterdir()] == ['img_00001.jpg']
    with atomic_path(tmp_path / 'clip.mp4', keep_suffix=True) as part:
        assert part.name == 'clip.part.mp4'  # encoders pick the container from the suffix
        part.write_bytes(b'v')
    assert (tmp_path / 'clip.mp4').read_bytes() == b'v'


def test_same_spec_tells_done_missing_and_other_apart(tmp_path):
    record = tmp_path / 'spec.json'
    assert same_spec(record, {'size': (64, 64)}) is False
    record.write_text('{"size": [64, 64]}')
    assert same_spec(record, {'size': (64, 64)}) is True  # tuples are stored as lists
    assert same_spec(record, {'size': (32, 32)}) is False
    with pytest.raises(ValueError, match=f'{tmp_path} holds a motion set made with another spec'):
        same_spec(record, {'size': (32, 32)}, refuse='a motion set')


def test_json_key_line_and_numbers():
    text = '{\n "a": 1,\n "b": {"c": 2}\n}'
    assert [json_key_line(text, k) for k in ('a', 'b', 'c', 'd')] == [2, 3, 3, None]
    assert json_key_line(None, 'a') is None
    assert [is_finite_number(x) for x in (1, 2.5, True, float('nan'), '3')] == [
        True, True, False, False, False]


def test_resize_short_side():
    image = np.zeros((48, 64, 3), np.uint8)
    assert resize_short_side(image, 24).shape == (24, 32, 3)
    assert resize_short_side(image, None) is image and resize_short_side(image, 48) is image
