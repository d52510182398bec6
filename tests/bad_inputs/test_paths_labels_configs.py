"""Paths as users write them, labels and splits, and a config of one's own.

`COURSE_DATA_DIR='~/cd'` (or relative) reaches configs as the scripts see it; a URL is refused with
the download step; spaces are refused up front by the list builder (mmaction's lists split on them)
and work everywhere else. Negative class ids, a clip in two lists, a repeated line, an id or a class
listed twice in classInd.txt are named; the official ActivityNet JSON is read. A copied course
config loads (and trains) as the original; whole-number keys and a work dir that is a file are refused.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

from course_lib.errors import ConfigError, InputError

from .conftest import RECOGNIZER, moving_square

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize('value', ['~/cd', 'rel data'])
def test_configs_see_the_data_dir_the_scripts_see(tmp_path, monkeypatch, value):
    from course_lib.configs import load_config
    from course_lib.settings import data_dir
    monkeypatch.setenv('HOME', str(tmp_path / 'home'))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv('COURSE_DATA_DIR', value)
    expected = data_dir()
    root = str(load_config(RECOGNIZER).train_dataloader.dataset.ann_file)
    assert root.startswith(str(expected) + '/') and '~' not in root and os.path.isabs(root)


@pytest.mark.parametrize('url', ['https://example.com/clip.mp4', 'http://example.com/a.mp4', 'rtsp://cam/live'])
def test_a_url_is_refused_with_the_download_step(url):
    from course_lib.video import load_frames
    with pytest.raises(InputError) as err:
        load_frames(url)
    assert 'is a URL' in str(err.value) and 'curl' in str(err.value) and 'relative' not in str(err.value)


def test_tilde_spaces_and_accents_in_a_video_path(recognizer, tmp_path, monkeypatch):
    from course_lib.inference.recognition import recognize
    model, cfg, _ = recognizer
    folder = tmp_path / 'mes vidéos' / 'été 1'
    folder.mkdir(parents=True)
    writer = cv2.VideoWriter(str(folder / 'clip 1.mp4'), cv2.VideoWriter_fourcc(*'mp4v'), 8, (48, 48))
    for f in moving_square(24):
        writer.write(f[..., ::-1].copy())
    writer.release()
    monkeypatch.setenv('HOME', str(tmp_path))
    by_tilde = recognize(model, '~/mes vidéos/été 1/clip 1.mp4', list(cfg.classes))
    direct = recognize(model, folder / 'clip 1.mp4', list(cfg.classes))
    assert by_tilde.labels == direct.labels and len(direct.labels) == 5


def test_the_list_builder_refuses_spaces_before_writing_anything(tmp_path):
    from course_lib.data.splits import Split, write_split_lists
    from course_lib.data.annotation_lists import VideoEntry
    split = Split('mine', 1, ['Jumping Jack', 'Run'], [VideoEntry('Jumping Jack/clip 1.mp4', 0),
                                                      VideoEntry('Run/r.mp4', 1)], [])
    with pytest.raises(InputError, match='spaces') as err:
        write_split_lists(split, tmp_path / 'lists')
    assert 'Jumping Jack/clip 1.mp4' in str(err.value) and 'separate their fields by spaces' in str(err.value)
    assert not (tmp_path / 'lists').exists()


# ---- labels and splits ----------------------------------------------------------------------------------

def _sanity(tmp_path: Path, train: str, val: str = 'v3 16 1\n'):
    from course_lib import sanity
    from course_lib.configs import load_config
    for v in ('v0', 'v1', 'v2', 'v3'):
        (tmp_path / 'frames' / v).mkdir(parents=True, exist_ok=True)
        for i in range(1, 17):
            cv2.imwrite(str(tmp_path / 'frames' / v / f'img_{i:05d}.jpg'), np.zeros((32, 32, 3), np.uint8))
    (tmp_path / 'train.txt').write_text(train)
    (tmp_path / 'val.txt').write_text(val)
    cfg = load_config(RECOGNIZER)
    for key, name in (('train_dataloader', 'train.txt'), ('val_dataloader', 'val.txt'), ('test_dataloader', 'val.txt')):
        cfg[key].dataset.ann_file = str(tmp_path / name)
        cfg[key].dataset.data_prefix = dict(img=str(tmp_path / 'frames'))
    return sanity.run(cfg)


@pytest.mark.parametrize('train, words', [
    ('v0 16 0\nv1 16 -2\nv2 16 1\n', ['class id -2', 'train.txt']),
    ('v0 16 0\nv1 16 -1\nv2 16 1\n', ['class id -1', 'unlabelled']),
    ('v0 16 0\nv1 16 1\nv3 16 1\n', ['v3 is in both', 'val.txt']),
    ('v0 16 0\nv1 16 1\nv1 16 1\n', ['v1 twice', 'train.txt']),
])
def test_sanity_names_label_and_split_mistakes(tmp_path, train, words):
    report = _sanity(tmp_path, train)
    failed = ' '.join(f.message for f in report.findings if not f.ok)
    assert not report.ok and all(w in failed for w in words), str(report)


def test_sanity_passes_a_clean_split(tmp_path):
    report = _sanity(tmp_path, 'v0 16 0\nv1 16 1\nv2 16 2\n')
    assert report.ok, str(report)


def _ucf(tmp_path: Path, class_ind: str, train: str, test: str):
    from course_lib.data.splits import read_ucf101_split
    (tmp_path / 'classInd.txt').write_text(class_ind)
    (tmp_path / 'trainlist01.txt').write_text(train)
    (tmp_path / 'testlist01.txt').write_text(test)
    return read_ucf101_split(tmp_path, 1)


@pytest.mark.parametrize('class_ind, train, test, words', [
    ('1 Jump\n2 Run\n2 Wave\n', 'Jump/a.avi 1\n', 'Run/b.avi\n', ['classInd.txt, line 3', 'id 2 is listed twice']),
    ('1 Jump\n2 Run\n3 Jump\n', 'Jump/a.avi 1\n', 'Run/b.avi\n', ['classInd.txt, line 3', 'Jump is listed twice']),
    ('1 Jump\n2 Run\n', 'Jump/a.avi 1\nRun/b.avi 2\n', 'Run/b.avi\n', ['Run/b.avi is in both', 'testlist01.txt']),
    ('1 Jump\n2 Run\n', 'Jump/a.avi 1\nJump/a.avi 1\n', 'Run/b.avi\n', ['trainlist01.txt, line 2', 'twice']),
])
def test_ucf101_split_mistakes_name_the_file(tmp_path, class_ind, train, test, words):
    from course_lib.data.annotation_lists import AnnotationError
    with pytest.raises(AnnotationError) as err:
        _ucf(tmp_path, class_ind, train, test)
    assert all(w in str(err.value) for w in words), str(err.value)


def test_the_official_activitynet_json_is_read(tmp_path):
    from course_lib.data import activitynet
    path = tmp_path / 'activity_net.v1-3.min.json'
    path.write_text(json.dumps({'version': 'VERSION 1.3', 'taxonomy': [], 'database': {
        'abc': {'subset': 'training', 'duration': 20.0, 'annotations': [{'segment': [2.0, 8.5], 'label': 'Long jump'}]},
        'tst': {'subset': 'testing', 'duration': 9.0, 'annotations': []}}}))
    db = activitynet.read_annotations(path)
    assert list(db) == ['v_abc'] and db['v_abc']['duration_second'] == 20.0
    assert db['v_abc']['annotations'] == [{'segment': [2.0, 8.5], 'label': 'Long jump'}]
    assert db['v_abc']['duration_frame'] == db['v_abc']['feature_frame'] == 600


# ---- a config of one's own ------------------------------------------------------------------------------

@pytest.mark.parametrize('name', [RECOGNIZER, 'x3d_s_ucf101_full', 'bmn_cls_1xb2-400x32-1e_activitynet-synthetic_smoke'])
def test_a_copied_course_config_loads_as_the_original(tmp_path, name):
    from course_lib.configs import config_path, load_config
    copy = tmp_path / 'my configs' / f'my_{name}.py'
    copy.parent.mkdir()
    copy.write_text(config_path(name).read_text())
    mine, theirs = load_config(copy), load_config(name)
    for key in ('model', 'train_dataloader', 'param_scheduler', 'train_cfg', 'optim_wrapper'):
        assert mine[key] == theirs[key], key
    assert mine.filename == str(copy) and Path(mine.work_dir).parent.name == f'my_{name}' != Path(theirs.work_dir).parent.name


def test_a_base_found_nowhere_says_what_to_write(tmp_path):
    from course_lib.configs import load_config
    (tmp_path / 'mine.py').write_text("_base_ = './gone.py'\n")
    with pytest.raises(ConfigError) as err:
        load_config(tmp_path / 'mine.py')
    assert "_base_ = './gone.py'" in str(err.value) and f"_base_ = './{RECOGNIZER}" not in str(err.value)
    assert "mmaction::" in str(err.value) and '--list' in str(err.value)


@pytest.mark.parametrize('option, value', [('train_cfg.max_epochs', 1.5), ('train_dataloader.batch_size', 2.0),
                                           ('model.cls_head.num_classes', 4.5)])
def test_whole_number_keys_refuse_fractions(option, value):
    from course_lib.configs import load_config
    with pytest.raises(ConfigError, match='whole number'):
        load_config(RECOGNIZER, {option: value})


def test_a_work_dir_that_is_a_file_is_refused(tmp_path):
    from course_lib.configs import load_config
    (tmp_path / 'file').write_text('x')
    for work_dir in (tmp_path / 'file', tmp_path / 'file' / 'sub'):
        with pytest.raises(ConfigError, match='--work-dir .*file is a file'):
            load_config(RECOGNIZER, work_dir_=work_dir)


def test_a_copied_config_made_one_epoch_long_builds_its_schedule(tmp_path):
    from mmengine.registry import PARAM_SCHEDULERS  # noqa: F401  (the scheduler types exist)
    from course_lib.configs import config_path, load_config
    text = config_path(RECOGNIZER).read_text()
    assert 'max_epochs, batch_size, base_lr = 10,' in text
    (tmp_path / 'short.py').write_text(text.replace('max_epochs, batch_size, base_lr = 10,',
                                                    'max_epochs, batch_size, base_lr = 1,'))
    cfg = load_config(tmp_path / 'short.py')
    assert [s['type'] for s in cfg.param_scheduler] == ['LinearLR'] and cfg.train_cfg.max_epochs == 1


def test_a_schedule_step_that_covers_nothing_names_param_scheduler(tmp_path):
    from course_lib.configs import load_config
    (tmp_path / 'bad.py').write_text(
        f"_base_ = './{RECOGNIZER}.py'\n"
        "param_scheduler = [dict(type='CosineAnnealingLR', T_max=1, by_epoch=True, begin=3, end=3)]\n")
    with pytest.raises(ConfigError, match=r'param_scheduler\[0\] .* covers no epoch'):
        load_config(tmp_path / 'bad.py')


def test_hmdb51_a_video_listed_twice_is_named(tmp_path):
    from course_lib.data.annotation_lists import AnnotationError
    from course_lib.data.splits import read_hmdb51_split
    (tmp_path / 'jump_test_split1.txt').write_text('a.avi 1\nb.avi 2\n')
    (tmp_path / 'run_test_split1.txt').write_text('c.avi 1\na.avi 2\n')
    with pytest.raises(AnnotationError, match=r'run_test_split1.txt, line 2: a.avi is listed twice \(also jump_test_split1.txt, line 1\)'):
        read_hmdb51_split(tmp_path, 1)
    (tmp_path / 'run_test_split1.txt').write_text('c.avi 1\nd.avi 2\n')
    assert read_hmdb51_split(tmp_path, 1).counts() == {'train': 2, 'test': 2}
