"""Numbers that cannot be right (negative sizes, fractions outside [0, 1], frame rates <= 0) are refused
by the command-line scripts' argparse types before anything runs."""
from __future__ import annotations

import argparse
import importlib.util
from pathlib import Path

import numpy as np
import pytest

from course_lib import validate
from course_lib.errors import InputError

SCRIPTS = Path(__file__).resolve().parents[2] / 'data_scripts'


@pytest.mark.parametrize('kind, bad, good', [
    (validate.positive_int, ['0', '-8', '2.5', 'ten', ''], [('1', 1), ('64', 64)]),
    (validate.non_negative_int, ['-1', '1.5', 'x'], [('0', 0), ('7', 7)]),
    (validate.positive_float, ['0', '-30', 'nan', 'inf', 'x'], [('29.97', 29.97)]),
    (validate.fraction, ['-0.1', '1.5', 'nan', 'half'], [('0', 0.0), ('0.2', 0.2), ('1', 1.0)]),
], ids=lambda v: getattr(v, '__name__', None))
def test_argparse_types(kind, bad, good):
    for text in bad:
        with pytest.raises(argparse.ArgumentTypeError):
            kind(text)
    for text, value in good:
        assert kind(text) == value


def _main(script: str):
    spec = importlib.util.spec_from_file_location(script, SCRIPTS / f'{script}.py')
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.main


CASES = [
    ('generate_motion_clips', ['--size', '-8'], '--size'),
    ('generate_motion_clips', ['--frames', '0'], '--frames'),
    ('generate_motion_clips', ['--train-per-class', '-1'], '--train-per-class'),
    ('build_file_lists', ['folders', 'x', '--out', 'y', '--val-fraction', '1.5'], '--val-fraction'),
    ('extract_rawframes', ['v', 'f', '--short-side', '-10'], '--short-side'),
    ('extract_rawframes', ['v', 'f', '--workers', '0'], '--workers'),
    ('convert_ava_cvat', ['ava2cvat', '--ann', 'a', '--labels', 'l', '--frames', 'f', '--out', 'o',
                          '--fps', '0'], '--fps'),
    ('convert_ava_cvat', ['cvat2ava', '--cvat', 'c', '--labels', 'l', '--ann', 'a',
                          '--timestamp-start', '-900'], '--timestamp-start'),
    ('generate_blood_cells', ['--train', '-3'], '--train'),
    ('prepare_activitynet', ['--profile', 'smoke', '--temporal-dim', '0'], '--temporal-dim'),
    ('prepare_activitynet', ['--profile', 'smoke', '--feat-dim', '-400'], '--feat-dim'),
    ('generate_ava_actions', ['--seconds', '0'], '--seconds'),
    ('prepare_jhmdb_ava', ['--gt-pkl', 'x', '--frames', 'F', '--keyframe-step', '0'], '--keyframe-step'),
    ('prepare_action_dataset', ['--dataset', 'ucf101', '--short-side', '-256'], '--short-side'),
    ('prepare_action_dataset', ['--dataset', 'hmdb51', '--workers', '-2'], '--workers'),
    ('build_untrimmed_features', ['--stride', '0'], '--stride'),
]


@pytest.mark.parametrize('script, argv, option', CASES, ids=[f'{c[0]} {" ".join(c[1][-2:])}' for c in CASES])
def test_scripts_refuse_impossible_numbers(script, argv, option, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as done:
        _main(script)(argv)
    err = capsys.readouterr().err
    assert done.value.code == 2  # argparse's usage error: nothing ran
    assert f'argument {option}' in err and 'must be' in err
    assert not any(tmp_path.iterdir())  # and nothing was written


@pytest.mark.parametrize('name, value, kwargs', [
    ('size', -8, {}), ('size', 0, {}), ('size', 2.5, {}), ('size', True, {}),
    ('fps', 0.0, {'whole': False}), ('stride', -1, {'zero': True}),
])
def test_positive_parameters(name, value, kwargs):
    with pytest.raises(InputError, match=f'{name}={value!r}: must be a'):
        validate.positive(name, value, **kwargs)


def test_library_parameters_out_of_range(recognizer):
    from course_lib.inference.localization import Windows, segment_recall
    from course_lib.inference.recognition import recognize
    from course_lib.inference.spatiotemporal import SpatioTemporalDetector
    with pytest.raises(InputError, match='k=-1: must be a whole number > 0'):
        recognize(recognizer[0], np.zeros((8, 32, 32, 3), np.uint8), list(recognizer[1].classes), k=-1)
    with pytest.raises(InputError, match='stride=0'):
        Windows(stride=0)
    with pytest.raises(InputError, match='tiou=1.5: must be a number between 0 and 1'):
        segment_recall([], [], tiou=1.5)
    with pytest.raises(InputError, match='stepsize=0'):
        SpatioTemporalDetector(None, None, None, {}, stepsize=0)
    with pytest.raises(InputError, match='action_thr=5'):
        SpatioTemporalDetector(None, None, None, {}, action_thr=5)
