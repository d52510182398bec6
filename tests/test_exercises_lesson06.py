"""Lesson 06's anchor and resolution exercises recognise the likely mistakes (on the real BCCD)."""
import math
import sys
from pathlib import Path

import pytest

import course_lib as cl

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # solutions/ is not installed
from solutions import lesson06  # noqa: E402


@pytest.fixture(autouse=True)
def isolated_data(monkeypatch, tmp_path):
    monkeypatch.setenv('COURSE_DATA_DIR', str(tmp_path))
    monkeypatch.setenv('COURSE_PROFILE', 'smoke')


def test_levels_of_sizes_in_original_pixels_get_the_resize_hint(capsys):
    cfg = cl.configs.load_config(cl.configs.for_lesson('06', 'detector'))
    anchors = cfg.model.bbox_head.anchor_generator
    factor = cfg.image_size[0] / 640
    assert factor != 1  # the smoke detector sees BCCD resized
    right = lesson06.solve_06_2()
    assert len(set(right.values())) > 1  # the classes sit on different levels: a real choice
    sizes = lesson06._mean_sizes(*lesson06._data_and_config())
    unscaled = {name: min(anchors.strides, key=lambda s: abs(math.log(size / factor / (s * anchors.octave_base_scale))))
                for name, size in sizes.items()}
    assert unscaled != right  # the forgotten resize changes the answer ...
    assert not cl.check('06.2', unscaled)
    assert 'original 640 x 480 pixels' in capsys.readouterr().out  # ... and the hint says why
    as_anchors = {name: stride * anchors.octave_base_scale for name, stride in right.items()}
    assert not cl.check('06.2', as_anchors)
    assert 'anchor sizes' in capsys.readouterr().out
    assert cl.check('06.2', right)


def test_half_size_needs_every_pipeline_and_the_anchor(capsys):
    cfg = cl.configs.load_config(cl.configs.for_lesson('06', 'detector'))
    half = tuple(v // 2 for v in cfg.image_size)
    assert not cl.check('06.3', {'image_size': half})  # the pipelines copied the old value
    assert 'Setting image_size alone changes nothing' in capsys.readouterr().out
    options = lesson06.solve_06_3()
    sizes_only = {k: v for k, v in options.items() if 'anchor' not in k}
    assert not cl.check('06.3', sizes_only)
    assert 'anchors did not change' in capsys.readouterr().out
    no_test = {k: v for k, v in options.items() if not k.startswith('test_dataloader')}
    assert not cl.check('06.3', no_test)
    assert "test_dataloader's pipeline still resizes" in capsys.readouterr().out
    assert cl.check('06.3', options)
