"""model_complexity counts what the model zoos count: multiply-adds of 3D convolutions included."""
import pytest
import torch

from course_lib.complexity import model_complexity, count_parameters
from course_lib.errors import InputError


def test_conv3d_counted_by_hand():
    # 8 output channels x (4 x 8 x 8) output positions, each 3 input channels x 3^3 kernel taps
    conv = torch.nn.Conv3d(3, 8, 3, padding=1, bias=False)
    c = model_complexity(conv, torch.zeros(1, 3, 4, 8, 8))
    assert c.gflops * 1e9 == pytest.approx(8 * 4 * 8 * 8 * 3 * 27)
    assert c.params == 8 * 3 * 27


def test_parameter_count_by_hand_and_shared_weights_once():
    linear = torch.nn.Linear(3, 5)
    assert count_parameters(linear) == 3 * 5 + 5
    tied = torch.nn.Sequential(linear, torch.nn.ReLU(), torch.nn.Linear(5, 3), linear)
    assert tied(torch.zeros(2, 3)).shape == (2, 5)  # the same module twice: its parameters count once
    assert count_parameters(tied) == (3 * 5 + 5) + (5 * 3 + 3)


def test_batch_scales_flops_not_parameters():
    net = torch.nn.Sequential(torch.nn.Conv3d(3, 4, 1), torch.nn.Flatten(), torch.nn.Linear(4 * 2 * 4 * 4, 5))
    one = model_complexity(net, torch.zeros(1, 3, 2, 4, 4))
    two = model_complexity(net, torch.zeros(2, 3, 2, 4, 4))
    assert two.gflops == pytest.approx(2 * one.gflops)
    assert two.params == one.params == (3 * 4 + 4) + (4 * 2 * 4 * 4 * 5 + 5)


def test_openmmlab_recognizer_in_tensor_mode():
    from mmaction.registry import MODELS
    from mmaction.utils import register_all_modules
    register_all_modules()
    model = MODELS.build(dict(
        type='Recognizer3D',
        backbone=dict(type='ResNet3dSlowOnly', depth=18, pretrained=None, in_channels=3,
                      base_channels=8, num_stages=2, out_indices=(1,), stage_blocks=(1, 1),
                      spatial_strides=(1, 2), temporal_strides=(1, 1), dilations=(1, 1),
                      conv1_stride_t=1, pool1_stride_t=1, inflate=(0, 0), with_pool2=False),
        cls_head=dict(type='I3DHead', num_classes=3, in_channels=16),
        data_preprocessor=dict(type='ActionDataPreprocessor', format_shape='NCTHW')))
    small = model_complexity(model, torch.zeros(1, 1, 3, 4, 32, 32))
    large = model_complexity(model, torch.zeros(1, 1, 3, 8, 32, 32))
    assert small.gflops > 0 and small.params > 0
    assert large.gflops == pytest.approx(2 * small.gflops, rel=0.05)  # twice the frames, twice the work


def test_inputs_are_required():
    with pytest.raises(InputError, match='example input'):
        model_complexity(torch.nn.Linear(2, 2))


def test_a_config_is_built_and_counted():
    from course_lib.complexity import complexity_of_config
    from course_lib.configs import load_config
    name = 'r2plus1d_r18_motion_smoke'
    cfg = load_config(name)
    c8 = complexity_of_config(name, (1, 1, 3, 8, 32, 32))
    c16 = complexity_of_config(cfg, (1, 1, 3, 16, 32, 32))
    assert c8.params == c16.params > 0
    assert c16.gflops == pytest.approx(2 * c8.gflops, rel=0.05)  # twice the frames, twice the work
    with pytest.raises(InputError, match='input_shape'):
        complexity_of_config(name, (1, 0, 3))


def test_the_model_keeps_its_mode():
    from mmengine.model import BaseModel

    class Tiny(BaseModel):
        def __init__(self):
            super().__init__()
            self.conv = torch.nn.Conv2d(3, 4, 1)

        def forward(self, inputs, data_samples=None, mode='tensor'):
            return self.conv(inputs)

    model = Tiny().eval()
    model_complexity(model, torch.zeros(1, 3, 4, 4))
    assert not model.training and not model.conv.training  # counted models stay in eval mode
    model.train()
    model_complexity(model, torch.zeros(1, 3, 4, 4))
    assert model.training


def test_count_parameters_counts_by_hand_shared_once_and_trainable():
    from course_lib.complexity import count_parameters
    linear = torch.nn.Linear(4, 3)
    net = torch.nn.Sequential(torch.nn.Conv3d(3, 2, 1), linear, linear)  # the Linear is shared
    assert count_parameters(net) == (3 * 2 + 2) + (4 * 3 + 3)
    linear.requires_grad_(False)
    assert count_parameters(net, trainable_only=True) == 3 * 2 + 2
    assert count_parameters(net) == model_complexity(net[0], torch.zeros(1, 3, 1, 1, 1)).params + 4 * 3 + 3
    with pytest.raises(InputError, match='torch.nn.Module'):
        count_parameters({'weight': torch.zeros(3)})
