"""How big a model is: GFLOPs of one forward pass and parameters, counted by mmengine's analysis.

mmengine's `FlopAnalyzer` (fvcore's counter) traces the model and counts one multiply-add as one
FLOP, the convention of the OpenMMLab model zoos' tables (3D convolutions included:
tests/test_complexity.py checks the count of a Conv3d by hand). OpenMMLab models are called in
their `mode='tensor'` path, the network without pre- and post-processing.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

import torch
from mmengine.analysis import FlopAnalyzer
from mmengine.model import BaseModel

from .errors import InputError


@dataclass(frozen=True)
class Complexity:
    """GFLOPs of one forward pass (multiply-adds, the model zoos' convention) and parameters."""

    gflops: float
    params: int

    @property
    def params_m(self) -> float:
        """Parameters in millions."""
        return self.params / 1e6

    def __str__(self) -> str:
        return f'{self.gflops:.3g} GFLOPs, {self.params_m:.3g} M parameters'


class _TensorForward(torch.nn.Module):
    """Calls an OpenMMLab model in its `mode='tensor'` path so that a tracer sees only tensors."""

    def __init__(self, model: BaseModel) -> None:
        super().__init__()
        self.model = model

    def forward(self, *inputs: torch.Tensor):
        return self.model(*inputs, mode='tensor')


def model_complexity(model: torch.nn.Module, *inputs: torch.Tensor) -> Complexity:
    """GFLOPs of `model` on `inputs` (batch included, as given) and its number of parameters."""
    if not inputs or not all(isinstance(x, torch.Tensor) for x in inputs):
        raise InputError('model_complexity needs example input tensors, e.g. '
                         'model_complexity(model, torch.zeros(1, 1, 3, 8, 112, 112)) for a recognizer.')
    net = _TensorForward(model) if isinstance(model, BaseModel) else model
    was_training = model.training  # the model's own mode (a new wrapper would say training)
    net.eval()
    try:
        with torch.no_grad():
            analyzer = FlopAnalyzer(net, inputs)
            analyzer.unsupported_ops_warnings(False).uncalled_modules_warnings(False)
            flops = analyzer.total()
    finally:
        model.train(was_training)
    return Complexity(gflops=flops / 1e9, params=count_parameters(model))


def count_parameters(model: torch.nn.Module, trainable_only: bool = False) -> int:
    """The number of parameters of a model (each shared tensor once); `trainable_only`: those with requires_grad."""
    if not isinstance(model, torch.nn.Module):
        raise InputError(f'count_parameters needs a torch.nn.Module (e.g. MODELS.build(cfg.model)); '
                         f'got {type(model).__name__}.')
    return sum(p.numel() for p in model.parameters() if p.requires_grad or not trainable_only)


def complexity_of_config(config: Any, input_shape: Sequence[int]) -> Complexity:
    """GFLOPs and parameters of a config's model (built with random weights) on one zero input.

    `config` is a course config name or a loaded config; `input_shape` includes the batch, as the
    model's `mode='tensor'` path takes it: (1, views, C, T, H, W) for a recognizer, (1, C, H, W)
    for an image detector.
    """
    from mmengine.registry import MODELS, DefaultScope

    from .configs import load_config
    cfg = load_config(config) if isinstance(config, str) else config
    if not input_shape or not all(isinstance(n, int) and n > 0 for n in input_shape):
        raise InputError(f'input_shape must be positive whole numbers, batch first; got {input_shape!r}.')
    with DefaultScope.overwrite_default_scope(cfg.get('default_scope', 'mmaction')):
        model = MODELS.build(cfg.model)
    return model_complexity(model, torch.zeros(*input_shape))
