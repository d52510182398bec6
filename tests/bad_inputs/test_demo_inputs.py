"""The demo command refuses bad input with one message naming the input and the fix, exit status 1:
a missing or unreadable video, an image given to a task that needs motion, an IR or a package of
another task, an output of the wrong kind, a zoo model offline."""
from __future__ import annotations

import json

import numpy as np
import pytest

from course_lib.demo.__main__ import main
from course_lib.errors import run_cli

from ..demo.conftest import demo_models, random_models  # noqa: F401 (fixtures)


def fails(argv, capsys) -> str:
    """Run the demo; it must exit 1 with one line on stderr (and the --debug hint): return that line."""
    assert run_cli(main, argv) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 2 and err[0].startswith('error: ') and '--debug' in err[1], err
    return err[0]


@pytest.fixture(scope='module')
def files(tmp_path_factory):
    import cv2
    root = tmp_path_factory.mktemp('bad')
    cv2.imwrite(str(root / 'still.png'), np.full((48, 64, 3), 90, np.uint8))
    (root / 'broken.mp4').write_bytes(b'\x00 not a video' * 100)
    from course_lib.video import write_video
    write_video(root / 'good.mp4', np.zeros((20, 48, 64, 3), np.uint8), fps=10, codec='mp4v')
    return root


def test_a_missing_video(files, capsys):
    line = fails(['recognize', str(files / 'nope.mp4')], capsys)
    assert str(files / 'nope.mp4') in line and 'Check the path' in line


def test_an_unreadable_video(files, demo_models, capsys):
    line = fails(['localize', str(files / 'broken.mp4')], capsys)
    assert str(files / 'broken.mp4') in line and 'ffmpeg -i IN -c:v libx264 OUT.mp4' in line


@pytest.mark.parametrize('task', ['recognize', 'localize', 'actions'])
def test_an_image_given_to_a_task_that_needs_motion(task, files, demo_models, capsys):
    line = fails([task, str(files / 'still.png')], capsys)
    assert 'still.png is an image; this task takes a video file, a folder of frames' in line


def _ir(path, shape):
    """A tiny OpenVINO IR with one input of `shape` (rank 4: like an image detector; 5: a recognizer)."""
    import openvino as ov
    import torch
    model = ov.convert_model(torch.nn.Identity(), example_input=torch.zeros(shape))
    ov.save_model(model, str(path))
    return path


def test_an_ir_of_another_task(files, tmp_path, capsys):
    good = str(files / 'good.mp4')
    image_ir = _ir(tmp_path / 'detector.xml', (1, 3, 32, 32))
    line = fails(['recognize', good, '--ir', str(image_ir)], capsys)
    assert str(image_ir) in line and 'an image detector' in line and 'not of a recognizer' in line
    clip_ir = _ir(tmp_path / 'recognizer.xml', (1, 3, 8, 32, 32))
    line = fails(['actions', good, '--ir', str(clip_ir)], capsys)
    assert 'is an IR of a recognizer' in line and f'python -m course_lib.demo recognize INPUT --ir {clip_ir}' in line
    (tmp_path / 'lonely.xml').write_text('<net/>')
    line = fails(['recognize', good, '--ir', str(tmp_path / 'lonely.xml')], capsys)
    assert 'lonely.bin are missing' in line


def test_a_package_of_another_task(files, tmp_path, capsys):
    good = str(files / 'good.mp4')
    (tmp_path / 'config.json').write_text(json.dumps({'task': 'detector', 'model': 'model.xml'}))
    (tmp_path / 'labels.txt').write_text('cell\n')
    line = fails(['recognize', good, '--package', str(tmp_path)], capsys)
    assert 'is a detector package' in line and 'python -m course_lib.demo objects INPUT --package' in line
    line = fails(['objects', good, '--package', str(tmp_path / 'nothing')], capsys)
    assert 'is not a deploy package' in line and 'python -m course_lib.export.package' in line


def test_an_output_of_the_wrong_kind_writes_nothing(files, tmp_path, demo_models, capsys):
    line = fails(['recognize', str(files / 'still.png'), '--out', str(tmp_path / 'o' / 'video.avi')], capsys)
    assert 'video.avi' in line and '.mp4' in line
    assert not (tmp_path / 'o').exists()


def test_a_zoo_model_offline(files, monkeypatch, capsys):
    monkeypatch.setenv('COURSE_PROFILE', 'smoke')
    line = fails(['recognize', str(files / 'good.mp4'), '--zoo'], capsys)
    assert 'COURSE_PROFILE=full' in line
