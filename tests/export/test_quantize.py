"""INT8 with NNCF on a tiny classifier whose inputs lie on its decision boundaries: plain
quantization flips predictions, accuracy control puts layers back in FP32 until the drop fits."""
import pytest
import torch
from torch import nn

from course_lib.export import quantize
from course_lib.export.convert import to_ir
from course_lib.export.parity import compile_ir


@pytest.fixture(scope='module')
def knife_edge(tmp_path_factory):
    """A 2-layer MLP, 200 inputs whose top-2 logits differ by < 2 %, labelled with its FP32 argmax."""
    torch.manual_seed(0)
    net = nn.Sequential(nn.Linear(16, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(),
                        nn.Linear(64, 4)).eval()
    x = torch.randn(20000, 16)
    with torch.no_grad():
        logits = net(x)
    top2 = logits.topk(2).values
    margin = (top2[:, 0] - top2[:, 1]) / logits.abs().max(1).values
    keep = margin.argsort()[:200]
    inputs, labels = x[keep].numpy(), logits[keep].argmax(1).numpy()
    xml = to_ir(net, x[:1], tmp_path_factory.mktemp('ir') / 'mlp.xml')
    validation = [(inputs[i:i + 1], int(labels[i])) for i in range(len(inputs))]
    calibration = [x[i:i + 1].numpy() for i in range(1000, 1100)]
    return xml, calibration, validation


def _top1(model, validation):
    return quantize.top1_validation_fn(compile_ir(model), validation)[0]


def test_plain_int8_quantizes_every_layer_and_costs_accuracy_here(knife_edge):
    xml, calibration, validation = knife_edge
    assert _top1(xml, validation) == 1.0  # the labels are the FP32 model's own predictions
    int8 = quantize.quantize_int8(xml, calibration)
    assert quantize.fake_quantize_count(xml) == 0
    assert quantize.fake_quantize_count(int8) >= 3  # at least the three MatMuls' inputs
    assert _top1(int8, validation) < 0.97  # knife-edge inputs: INT8 flips more than 3 %


def test_accuracy_control_returns_a_model_within_the_drop(knife_edge):
    xml, calibration, validation = knife_edge
    plain = quantize.quantize_int8(xml, calibration)
    controlled = quantize.quantize_with_accuracy_control(xml, calibration, validation,
                                                         quantize.top1_validation_fn, max_drop=0.03)
    assert _top1(controlled, validation) >= 1.0 - 0.03
    # it got there by keeping some layers in floating point, not by luck
    assert 0 <= quantize.fake_quantize_count(controlled) < quantize.fake_quantize_count(plain)


def test_bad_inputs_are_explained(tmp_path):
    with pytest.raises(ValueError, match='calibration set is empty'):
        quantize.quantize_int8(tmp_path / 'missing.xml', [])
    with pytest.raises(FileNotFoundError, match='export the model first'):
        quantize.read_model(tmp_path / 'missing.xml')
