"""Export to IR: FP32 weights kept, dynamic batch, the network's outputs only (no NMS inside)."""
import numpy as np
import openvino as ov
import torch

from course_lib.export import convert


def _ops(xml):
    return [op.get_type_name() for op in ov.Core().read_model(str(xml)).get_ops()]


def test_recognizer_ir_keeps_fp32_weights_and_takes_any_batch(recognizer):
    model, xml = recognizer
    assert xml.exists() and xml.with_suffix('.bin').exists()
    # FP16 compression (save_model's default) would make the .bin about half the weights' size
    weights_mb = convert.torch_size_mb(convert.RecognizerNet(model))
    assert 0.9 * weights_mb <= xml.with_suffix('.bin').stat().st_size / 1e6 <= 1.1 * weights_mb
    compiled = ov.Core().compile_model(str(xml), 'CPU')
    out = compiled(np.zeros((3, 3, 8, 32, 32), np.float32))[0]
    assert out.shape == (3, model.cls_head.num_classes)


def test_recognizer_ir_includes_normalisation(recognizer):
    model, _ = recognizer
    net = convert.RecognizerNet(model)
    clip = torch.full((1, 3, 8, 32, 32), 127.5)  # the config's mean: normalises to zero
    with torch.no_grad():
        expected = model.cls_head(model.backbone(torch.zeros_like(clip)))
        assert torch.allclose(net(clip), expected, atol=1e-6)


def test_detector_ir_is_the_network_only(detector):
    model, xml = detector
    ops = _ops(xml)
    assert not {'NonMaxSuppression', 'NMSRotated', 'MulticlassNms'} & set(ops)
    outputs = ov.Core().read_model(str(xml)).outputs
    strides = model.bbox_head.prior_generator.strides  # cls, bbox, centerness per level
    assert len(outputs) == 3 * len(strides)
    shapes = [tuple(o.get_partial_shape().to_shape())[1:] if o.get_partial_shape().is_static
              else tuple(d.get_length() for d in list(o.get_partial_shape())[1:]) for o in outputs]
    channels = [3] * 3 + [4] * 3 + [1] * 3
    assert shapes == [(c, 128 // s[1], 160 // s[0]) for c, s in zip(channels, strides * 3)]


def test_split_detector_outputs_groups_by_kind():
    flat = [np.full((1, 1), i) for i in range(6)]
    cls, box = convert.split_detector_outputs(flat, 3)
    assert [int(t) for t in cls] == [0, 1, 2] and [int(t) for t in box] == [3, 4, 5]


def test_bmn_ir_outputs_confidence_map_start_end(bmn):
    model, xml = bmn
    compiled = ov.Core().compile_model(str(xml), 'CPU')
    out = compiled(np.zeros((2, model.feat_dim, model.tscale), np.float32))
    t = model.tscale
    assert [tuple(out[o].shape) for o in compiled.outputs] == [(2, 2, t, t), (2, t), (2, t)]


def test_sizes_on_disk(tmp_path):
    (tmp_path / 'a.xml').write_bytes(b'x' * 1000)
    (tmp_path / 'a.bin').write_bytes(b'x' * 3000)
    assert convert.ir_size_mb(tmp_path / 'a.xml') == 0.004
    assert convert.torch_size_mb(torch.nn.Linear(10, 10)) == 110 * 4 / 1e6
