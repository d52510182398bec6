"""Parity of PyTorch and the FP32 IR on inputs other than the traced one, through shared post-processing."""
import numpy as np
import pytest
import torch
from mmdet.structures import DetDataSample
from mmaction.structures import ActionDataSample

from course_lib.export import convert, parity, tasks


def _fresh(shape, seed, scale=1.0):
    return (np.random.default_rng(seed).standard_normal(shape) * scale).astype(np.float32)


def test_output_error_is_relative_to_the_output_scale():
    err = parity.output_error([np.array([1.0, -4.0]), np.zeros(2)],
                              [np.array([1.1, -4.0]), np.zeros(2)])
    assert err.max_abs == pytest.approx(0.1) and err.scale == 4.0
    assert err.relative == pytest.approx(0.025)
    with pytest.raises(ValueError, match='shapes differ'):
        parity.output_error([np.zeros(2)], [np.zeros(3)])


def test_parity_row_needs_identical_metric():
    small = parity.OutputError(1e-6, 1.0, 1e-6)
    assert parity.ParityRow('m', 'top-1', small, 0.9, 0.9).passed
    assert not parity.ParityRow('m', 'top-1', small, 0.9, 0.8916).passed
    assert not parity.ParityRow('m', 'top-1', parity.OutputError(1e-3, 1, 1e-3), .9, .9).passed


def test_recognizer_parity_on_fresh_clips(recognizer):
    model, xml = recognizer
    ir = tasks.ov_runner(parity.compile_ir(xml))
    clips = np.random.default_rng(7).uniform(0, 255, (2, 3, 8, 32, 32)).astype(np.float32)
    err = parity.compare(tasks.torch_runner(convert.RecognizerNet(model)), ir, [clips])
    assert err.relative <= 1e-4 and err.scale > 0
    labels = np.array([0, 1])
    assert tasks.top1(ir, clips, labels) == tasks.top1(
        tasks.torch_runner(convert.RecognizerNet(model)), clips, labels)


def _det_sample(img_id):
    meta = dict(img_id=img_id, img_shape=(128, 160), ori_shape=(128, 160), pad_shape=(128, 160),
                scale_factor=(1.0, 1.0))
    return [DetDataSample(metainfo=meta)]


def test_detector_parity_and_different_images_give_different_boxes(detector):
    model, xml = detector
    torch_run = tasks.torch_runner(convert.DetectorNet(model))
    ir = tasks.ov_runner(parity.compile_ir(xml))
    images = [_fresh((1, 3, 128, 160), seed) for seed in (11, 12)]
    assert parity.compare(torch_run, ir, images).relative <= 1e-4
    boxes = []
    for i, image in enumerate(images):
        got = tasks.detect(model, ir, image, _det_sample(i))[0].pred_instances
        ref = tasks.detect(model, torch_run, image, _det_sample(i))[0].pred_instances
        assert len(got) == len(ref) > 0
        assert torch.allclose(got.bboxes, ref.bboxes, atol=1e-3)
        assert torch.equal(got.labels, ref.labels)
        boxes.append(got.bboxes)
    # nothing baked in: another image gives other boxes
    assert boxes[0].shape != boxes[1].shape or not torch.allclose(boxes[0], boxes[1], atol=1e-2)


def test_bmn_parity_and_same_proposals(bmn):
    model, xml = bmn
    torch_run, ir = tasks.torch_runner(convert.BMNNet(model)), tasks.ov_runner(parity.compile_ir(xml))
    features = _fresh((1, model.feat_dim, model.tscale), 21)
    assert parity.compare(torch_run, ir, [features]).relative <= 1e-4
    meta = dict(video_name='v_test', duration_second=100.0, duration_frame=3000,
                feature_frame=3000, annotations=[])
    samples = [ActionDataSample(metainfo=meta)]
    got = tasks.bmn_proposals(model, ir, features, samples)[0]['proposal_list']
    ref = tasks.bmn_proposals(model, torch_run, features, samples)[0]['proposal_list']
    assert len(got) == len(ref) > 0
    np.testing.assert_allclose([p['score'] for p in got], [p['score'] for p in ref], rtol=1e-3)
    np.testing.assert_allclose([p['segment'] for p in got], [p['segment'] for p in ref], atol=1e-6)
