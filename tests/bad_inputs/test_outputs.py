"""Nothing the user owns is lost, and write errors are not read errors.

An output folder holding files the course did not write is refused by name (a package folder, its
zip, a frame folder, a synthetic set's root, a lists folder); a full or read-only disk and a file
where a folder goes are named as such (injected: CI runs as root, where permissions do not block).
"""
from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

from course_lib import _outputs
from course_lib.errors import OutputExistsError, WriteError, message, writing

from .conftest import moving_square

ROOT = Path(__file__).resolve().parents[2]


def _video(path: Path, n: int = 6) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*'mp4v'), 8, (48, 48))
    for f in moving_square(n):
        writer.write(f[..., ::-1].copy())
    writer.release()
    return path


# ---- the package folder -------------------------------------------------------------------------

def test_package_folder_of_the_user_is_refused_and_kept(tmp_path):
    from course_lib.export import package
    out = tmp_path / 'pkg'
    out.mkdir()
    (out / 'config.json').write_text('{"mine": 1}')
    (out / 'notes.txt').write_text('mine')
    with pytest.raises(OutputExistsError, match='not a package folder') as err:
        package._prepare_folder(out)
    assert str(out) in str(err.value)
    assert (out / 'config.json').read_text() == '{"mine": 1}' and (out / 'notes.txt').read_text() == 'mine'


def test_a_users_zip_beside_the_package_is_refused(tmp_path):
    from course_lib.export import package
    (tmp_path / 'pkg.zip').write_text('my archive')
    with pytest.raises(OutputExistsError, match='pkg.zip'):
        package._prepare_folder(tmp_path / 'pkg')
    assert (tmp_path / 'pkg.zip').read_text() == 'my archive'


def test_a_rebuilt_package_replaces_only_what_the_course_wrote(tmp_path):
    from course_lib.export import package
    out = tmp_path / 'pkg'
    package._prepare_folder(out)
    _outputs.record(out, package.FILES)
    for name in package.FILES:
        (out / name).write_text('old ' + name)
    package._zip(out)
    (out / 'notes.txt').write_text('added by the user')
    package._prepare_folder(out)  # a rebuild: the course's files go, the user's stay
    assert (out / 'notes.txt').read_text() == 'added by the user'
    assert not any((out / name).exists() for name in package.FILES)
    (out / 'model.xml').write_text('new')
    assert package._check_folder(out) == out  # its zip was recorded too: replaceable


def test_package_force_writes_beside_but_never_deletes(tmp_path):
    from course_lib.export import package
    out = tmp_path / 'pkg'
    out.mkdir()
    (out / 'notes.txt').write_text('mine')
    (out / 'labels.txt').write_text('an old package of mine')
    package._prepare_folder(out, force=True)
    assert (out / 'notes.txt').read_text() == 'mine'


def test_package_out_under_a_file_names_the_file(tmp_path):
    from course_lib.export import package
    (tmp_path / 'a_file').write_text('x')
    with pytest.raises(WriteError, match='a_file is a file, not a folder'):
        package._prepare_folder(tmp_path / 'a_file' / 'pkg')


# ---- frame folders, synthetic sets, lists ---------------------------------------------------------

def test_extraction_never_replaces_a_folder_holding_the_users_files(tmp_path):
    from course_lib.data.rawframes import extract_rawframes
    _video(tmp_path / 'videos' / 'c0' / 'v0.mp4')
    target = tmp_path / 'frames' / 'c0' / 'v0'
    target.mkdir(parents=True)
    (target / 'notes.txt').write_text('mine')
    cv2.imwrite(str(target / 'img_00001.jpg'), moving_square(1)[0])  # an incomplete folder
    with pytest.raises(OutputExistsError, match='notes.txt'):
        extract_rawframes(tmp_path / 'videos', tmp_path / 'frames', progress=False)
    assert (target / 'notes.txt').read_text() == 'mine'


def test_synthetic_activitynet_refuses_a_root_with_the_users_features(tmp_path):
    from course_lib.data.synthetic.anet_features import SyntheticAnetSpec, generate_anet_features
    spec = SyntheticAnetSpec(num_train=2, num_val=1, num_test=1)
    (tmp_path / spec.feature_dir).mkdir()
    (tmp_path / spec.feature_dir / 'v_mine.csv').write_text('f0\n1\n')
    with pytest.raises(OutputExistsError, match=spec.feature_dir):
        generate_anet_features(tmp_path, spec, progress=False)
    assert (tmp_path / spec.feature_dir / 'v_mine.csv').read_text() == 'f0\n1\n'


def _split(tmp_path: Path):
    from course_lib.data import splits
    for c in ('a', 'b'):
        for i in range(2):
            _video(tmp_path / 'videos' / c / f'{c}{i}.mp4', 4)
    return splits.split_class_folders(tmp_path / 'videos', 0.5)


def test_lists_refuse_the_users_classes_txt_and_rewrite_their_own(tmp_path):
    from course_lib.data import splits
    split = _split(tmp_path)
    out = tmp_path / 'lists'
    out.mkdir()
    (out / 'classes.txt').write_text('my classes\n')
    with pytest.raises(OutputExistsError, match='classes.txt'):
        splits.write_split_lists(split, out)
    assert (out / 'classes.txt').read_text() == 'my classes\n'
    written = splits.write_split_lists(split, out, force=True)
    assert written['classes'].read_text() == 'a\nb\n'
    splits.write_split_lists(split, out)  # recorded now: a rerun replaces its own files


def test_a_clip_list_is_never_converted_onto_itself(tmp_path):
    from course_lib.data.annotation_lists import clips_to_rawframe_list
    from course_lib.errors import InputError
    clips = tmp_path / 'train.txt'
    clips.write_text('c0/v0 1 0 120 10 40 30\n')
    with pytest.raises(InputError, match='clip list itself'):
        clips_to_rawframe_list(clips, tmp_path / '.' / 'train.txt')
    assert clips.read_text() == 'c0/v0 1 0 120 10 40 30\n'


# ---- write errors ----------------------------------------------------------------------------------

@pytest.mark.parametrize('code, cause', [(errno.ENOSPC, 'no space'), (errno.EROFS, 'read-only'),
                                         (errno.EACCES, 'read-only')])
def test_a_failed_frame_write_names_the_folder_and_leaves_nothing_done(tmp_path, monkeypatch, code, cause):
    from course_lib.data.rawframes import extract_rawframes

    def fail(self, data):
        raise OSError(code, os.strerror(code), str(self))
    _video(tmp_path / 'videos' / 'c0' / 'v0.mp4')
    monkeypatch.setattr(Path, 'write_bytes', fail)
    with pytest.raises(WriteError) as err:
        extract_rawframes(tmp_path / 'videos', tmp_path / 'frames', progress=False)
    assert cause in str(err.value) and str(tmp_path / 'frames' / 'c0') in str(err.value)
    assert 'decode' not in str(err.value)
    monkeypatch.undo()
    assert not (tmp_path / 'frames' / 'c0' / 'v0').exists()  # nothing a rerun would skip
    report = extract_rawframes(tmp_path / 'videos', tmp_path / 'frames', progress=False)
    assert [f.status for f in report.folders] == ['extracted'] and report.folders[0].num_frames == 6


def test_a_full_disk_while_writing_lists_is_named(tmp_path, monkeypatch):
    from course_lib.data import splits
    split = _split(tmp_path)

    def fail(self, *args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(self))
    monkeypatch.setattr(Path, 'write_text', fail)
    with pytest.raises(WriteError, match='no space left') as err:
        splits.write_split_lists(split, tmp_path / 'lists')
    assert str(tmp_path / 'lists') in str(err.value)


def test_frames_root_under_a_file_exits_1_naming_it(tmp_path):
    (tmp_path / 'plain').write_text('x')
    _video(tmp_path / 'videos' / 'c0' / 'v0.mp4')
    proc = subprocess.run([sys.executable, str(ROOT / 'data_scripts' / 'extract_rawframes.py'),
                           str(tmp_path / 'videos'), str(tmp_path / 'plain' / 'frames')],
                          capture_output=True, text=True, timeout=240, env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert proc.returncode == 1 and 'plain is a file, not a folder' in proc.stderr, proc.stderr
    assert 'decode' not in proc.stderr.lower() and 'Traceback' not in proc.stderr


@pytest.mark.parametrize('code, words', [(errno.ENOSPC, 'no space'), (errno.EROFS, 'read-only'),
                                          (errno.ENOTDIR, 'not a folder')])
def test_a_scripts_write_error_is_a_course_message_not_a_report_request(tmp_path, code, words):
    err = OSError(code, os.strerror(code), str(tmp_path / 'out' / 'x.txt'))
    text = message(err)
    assert words in text and str(tmp_path / 'out') in text and 'report' not in text
    with pytest.raises(WriteError, match=words):
        with writing(tmp_path / 'out'):
            raise err


def test_the_record_names_only_what_was_written(tmp_path):
    _outputs.record(tmp_path, ['a.txt'])
    _outputs.record(tmp_path, ['b.txt'])
    assert _outputs.written(tmp_path) == {'a.txt', 'b.txt'}
    assert json.loads((tmp_path / _outputs.RECORD).read_text()) == ['a.txt', 'b.txt']
    (tmp_path / 'c.txt').write_text('mine')
    _outputs.claim([tmp_path / 'a.txt', tmp_path / 'b.txt'])  # recorded: may be replaced
    with pytest.raises(OutputExistsError, match='c.txt'):
        _outputs.claim([tmp_path / 'c.txt'])
    _outputs.claim([tmp_path / 'c.txt'], same={str(tmp_path / 'c.txt'): 'mine'})  # same content: nothing lost


def test_ava_to_cvat_never_replaces_the_users_annotations(tmp_path):
    from course_lib.data import cvat
    frames = tmp_path / 'rawframes' / 'vid1'
    frames.mkdir(parents=True)
    for i in range(1, 61):
        cv2.imwrite(str(frames / f'img_{i:05d}.jpg'), np.zeros((32, 32, 3), np.uint8))
    (tmp_path / 'labels.txt').write_text('1: wave\n')
    (tmp_path / 'ann.csv').write_text('vid1,0901,0.1,0.1,0.5,0.5,1,0\n')
    mine = tmp_path / 'cvat' / 'vid1' / cvat.ANNOTATION_FILE
    mine.parent.mkdir(parents=True)
    mine.write_text('<annotations>my own work</annotations>')
    args = (tmp_path / 'ann.csv', tmp_path / 'labels.txt', tmp_path / 'rawframes', tmp_path / 'cvat')
    with pytest.raises(OutputExistsError, match=cvat.ANNOTATION_FILE):
        cvat.ava_to_cvat(*args, copy_frames=False)
    assert mine.read_text() == '<annotations>my own work</annotations>'
    mine.unlink()
    cvat.ava_to_cvat(*args, copy_frames=False)
    cvat.ava_to_cvat(*args, copy_frames=False)  # its own output: a rerun replaces it
    assert 'wave' in mine.read_text()
