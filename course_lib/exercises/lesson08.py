"""Checkers for lesson 08's exercises (parity error, FP32 layers after accuracy control, budgets)."""
from __future__ import annotations

import logging

import numpy as np

from ..output import quiet
from .registry import exercise


def _absolute_error(reference, candidate) -> float:
    """The lesson's starting point: the plain max abs error, blind to the output's scale."""
    return float(np.abs(np.asarray(reference) - np.asarray(candidate)).max())


@exercise('08.1', 'Write relative_error(reference, candidate) -> float: the max abs difference '
          'divided by the scale of the reference output (its max abs value).',
          starter=_absolute_error)
def relative_error(answer) -> str | None:
    """Right when it matches the definition on outputs of very different scales."""
    if not callable(answer):
        return 'answer with the function itself, not with a number.'
    rng = np.random.default_rng(8)
    for scale in (1e3, 1.0, 1e-3):
        ref = rng.standard_normal((4, 6)) * scale
        got = ref + rng.standard_normal(ref.shape) * scale * 1e-5
        expected = np.abs(ref - got).max() / np.abs(ref).max()
        value = float(answer(ref, got))
        if not np.isclose(value, expected, rtol=1e-6):
            if np.isclose(value, np.abs(ref - got).max(), rtol=1e-6) and scale != 1.0:
                return ('on logits of size ~1000 a difference of 0.01 is tiny, on scores of '
                        'size ~0.001 it is huge: divide by the reference\'s largest magnitude.')
            return 'compare with the definition: max |reference - candidate| / max |reference|.'
    return None


def _tiny_quantized(ignored: int):
    """A 3-layer MLP quantized by NNCF with its `ignored`-th MatMul left in FP32."""
    import nncf
    import openvino as ov
    import torch
    from torch import nn
    torch.manual_seed(0)
    net = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 16), nn.ReLU(),
                        nn.Linear(16, 3)).eval()
    model = ov.convert_model(net, example_input=torch.zeros(1, 8))
    names = [op.get_friendly_name() for op in model.get_ordered_ops()
             if op.get_type_name() == 'MatMul']
    data = [np.random.default_rng(i).standard_normal((1, 8)).astype(np.float32) for i in range(20)]
    # no INFO lines and no (empty, in a notebook) progress bars in the learner's check output
    with quiet(stdout=False, level=logging.ERROR, loggers=('nncf',)):
        quantized = nncf.quantize(model, nncf.Dataset(data), subset_size=20,
                                  ignored_scope=nncf.IgnoredScope(names=[names[ignored]]))
    return quantized, {names[ignored]}


@exercise('08.2', 'Write fp32_layers(model) -> set of the friendly names of the MatMul / Convolution '
          'operations of a quantized ov.Model that still run in floating point (no FakeQuantize '
          'on their input).', starter=lambda model: set())
def fp32_layers(answer) -> str | None:
    """Right when it finds the layer NNCF was told to leave alone, in two different models."""
    if not callable(answer):
        return 'answer with the function itself; the notebook calls it on the INT8 models.'
    for ignored in (1, 2):
        model, expected = _tiny_quantized(ignored)
        got = set(answer(model))
        if got == expected:
            continue
        if not got:
            return ('your function found no FP32 layer. Walk model.get_ops(); for MatMul / '
                    'Convolution ops look at op.input_value(0).get_node().get_type_name().')
        if len(got) > len(expected):
            return ('too many layers: a layer whose input comes from a FakeQuantize runs in INT8; '
                    'skip it.')
        return 'not the right layers: report op.get_friendly_name() of the unquantized ones.'
    return None


@exercise('08.3', 'Give the keyword arguments of nncf.quantize_with_accuracy_control (max_drop and '
          'drop_type) for a budget of half a point of top-1, where top-1 is a fraction in [0, 1].',
          starter={'max_drop': 0.5},
          shape='a dict of keyword arguments, e.g. {"max_drop": ..., "drop_type": ...}')
def half_point_budget(answer) -> str | None:
    """Right for an absolute drop of 0.005 (drop_type ABSOLUTE is the default)."""
    import nncf
    if not isinstance(answer, dict) or 'max_drop' not in answer:
        return "answer with a dict such as {'max_drop': ..., 'drop_type': nncf.DropType....}."
    drop_type = answer.get('drop_type', nncf.DropType.ABSOLUTE)
    if drop_type != nncf.DropType.ABSOLUTE:
        return ('a RELATIVE drop is a fraction of the FP32 metric, which changes from model to '
                'model; a budget in points of top-1 is an ABSOLUTE drop.')
    if not np.isclose(float(answer['max_drop']), 0.005):
        return ('the metric is a fraction (0.99, not 99 %): one point of top-1 is 0.01 of it. '
                'How much is half a point?')
    return None
