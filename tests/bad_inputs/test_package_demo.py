"""The deploy package's demo.py (torch-free) ends bad input in one line naming the file, exit 1.

A package is built here from a tiny OpenVINO model (mean of the clip -> 4 scores), with the demo
copied beside it as `python -m course_lib.export.package` does: frames of two sizes, an unreadable
frame, a cut or empty model.bin, a config.json with a syntax error or without a key; a trailing blank
line (or a BOM and CRLF) in labels.txt is no class.
"""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

from .conftest import moving_square

ROOT = Path(__file__).resolve().parents[2]
LABELS = 'jump\nrun\nwave\nsit\n'


def _package(folder: Path, labels: str = LABELS, config: dict | None = None) -> Path:
    import openvino as ov
    import openvino.opset13 as ops
    folder.mkdir(parents=True, exist_ok=True)
    demo = next(p for p in (ROOT / 'course_lib' / 'standalone_demo.py',
                           ROOT / 'course_lib' / 'export' / 'standalone_demo.py') if p.is_file())
    shutil.copyfile(demo, folder / 'demo.py')
    if (demo.parent / 'frame_source.py').is_file():  # the demo's video source, shipped beside it
        shutil.copyfile(demo.parent / 'frame_source.py', folder / 'frame_source.py')
    clip = ops.parameter([1, 3, 8, 32, 32], np.float32, name='clip')
    mean = ops.reduce_mean(clip, np.array([2, 3, 4], np.int64), keep_dims=False)
    logits = ops.matmul(mean, ops.constant(np.arange(12, dtype=np.float32).reshape(3, 4) / 100), False, False)
    ov.save_model(ov.Model([logits], [clip], 'tiny'), folder / 'model.xml', compress_to_fp16=False)
    (folder / 'config.json').write_text(json.dumps(config or {
        'task': 'recognizer', 'model': 'model.xml', 'clip_len': 8, 'frame_interval': 2}, indent=1))
    (folder / 'labels.txt').write_text(labels, newline='')
    return folder


def _frames(folder: Path, sizes: bool = False, text_at: int | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i, frame in enumerate(moving_square(24), start=1):
        cv2.imwrite(str(folder / f'img_{i:05d}.jpg'), cv2.resize(frame, (64, 64)) if sizes and i > 12 else frame)
    if text_at:
        (folder / f'img_{text_at:05d}.jpg').write_text('not an image')
    return folder


def _demo(package: Path, video: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(package / 'demo.py'), str(video)], capture_output=True,
                          text=True, timeout=300)


def _one_line_error(proc, *words) -> None:
    lines = proc.stderr.strip().splitlines()
    assert proc.returncode == 1 and len(lines) == 1, proc.stderr
    assert 'Traceback' not in proc.stderr and all(w in lines[0] for w in words), lines[0]


def test_a_good_package_answers_and_blank_or_bom_labels_are_no_classes(tmp_path):
    video = _frames(tmp_path / 'frames')
    for labels in (LABELS, LABELS + '\n\n', '\ufeffjump\r\nrun\r\nwave\r\nsit\r\n'):
        package = _package(tmp_path / f'pkg{len(labels)}', labels)
        proc = _demo(package, video)
        assert proc.returncode == 0, proc.stderr
        assert 'top-5 of 4 actions' in proc.stdout and '\ufeff' not in proc.stdout
        assert [line.split()[0] for line in proc.stdout.splitlines()[1:5]] == ['sit', 'wave', 'run', 'jump']


def test_frames_of_two_sizes_and_an_unreadable_frame_are_named(tmp_path):
    package = _package(tmp_path / 'pkg')
    _one_line_error(_demo(package, _frames(tmp_path / 'sizes', sizes=True)), 'img_00013.jpg', 'one size')
    _one_line_error(_demo(package, _frames(tmp_path / 'text', text_at=5)), 'img_00005.jpg', 'not an image')


@pytest.mark.parametrize('cut', ['half', 'empty'])
def test_a_cut_model_bin_is_named(tmp_path, cut):
    package = _package(tmp_path / 'pkg')
    data = (package / 'model.bin').read_bytes()
    (package / 'model.bin').write_bytes(data[:len(data) // 2] if cut == 'half' else b'')
    _one_line_error(_demo(package, _frames(tmp_path / 'frames')), 'model.bin', 'copy the package again')


@pytest.mark.parametrize('edit, words', [
    (lambda text: text.replace('"clip_len": 8,', '"clip_len": 8,,'), ['config.json, line 4', 'not valid JSON']),
    (lambda text: text.replace('"clip_len": 8,', ''), ['config.json', '"clip_len" is missing']),
    (lambda text: text.replace('recognizer', 'segmenter'), ['config.json', "task 'segmenter'"]),
])
def test_a_broken_config_json_is_named(tmp_path, edit, words):
    package = _package(tmp_path / 'pkg')
    (package / 'config.json').write_text(edit((package / 'config.json').read_text()))
    _one_line_error(_demo(package, _frames(tmp_path / 'frames')), *words)
