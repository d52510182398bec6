"""Tiny models for the export tests: built from the course configs, random weights, exported once."""
import pytest
import torch

import course_lib  # noqa: F401
from course_lib.export import convert


@pytest.fixture(scope='session')
def recognizer(tmp_path_factory):
    """The smoke R(2+1)D (2 M parameters, random weights) and its IR for 8 x 32 x 32 clips."""
    torch.manual_seed(0)
    model = convert.build_model(convert_cfg('r2plus1d_r18_motion_smoke'))
    xml = convert.export_recognizer(model, tmp_path_factory.mktemp('ir') / 'rec.xml')
    return model, xml


@pytest.fixture(scope='session')
def detector(tmp_path_factory):
    """The smoke ATSS (random weights, every box kept: score_thr 0) and its IR for 128 x 160."""
    torch.manual_seed(0)
    cfg = convert_cfg('atss_mobilenetv2_fpn_bccd_smoke',
                      {'model.test_cfg.score_thr': 0.0, 'model.test_cfg.max_per_img': 20})
    model = convert.build_model(cfg)
    xml = convert.export_detector(model, tmp_path_factory.mktemp('ir') / 'det.xml')
    return model, xml


@pytest.fixture(scope='session')
def bmn(tmp_path_factory):
    """The smoke BMN (400 x 32, random weights) and its IR."""
    torch.manual_seed(0)
    model = convert.build_model(convert_cfg('bmn_1xb4-400x32-2e_activitynet-synthetic_smoke'))
    xml = convert.export_bmn(model, tmp_path_factory.mktemp('ir') / 'bmn.xml')
    return model, xml


def convert_cfg(name, options=None):
    from course_lib.configs import load_config
    return load_config(name, options, work_dir_='/tmp/course_export_tests')
