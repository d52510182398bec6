"""The spatio-temporal detector on OpenVINO: a real ROIAlign (nothing baked in), parity on clips and
boxes it was not traced with, INT8 within one frame-mAP point, and a torch-free deployment script."""
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

import course_lib  # noqa: F401
from course_lib import standalone_demo
from course_lib.export import parity, quantize, stdet
from course_lib.inference import spatiotemporal as st

from .conftest import convert_cfg

CONFIG = 'slowonly_r18_8xb8-8x2x1-6e_ava-synthetic_smoke'
LABELS = {1: 'wave', 2: 'walk', 3: 'jump'}


@pytest.fixture(scope='module')
def stdet_ir(tmp_path_factory):
    """Lesson 07's smoke detector (PyTorch's default init: random weights) and its IR for 8 x 64 x 96."""
    from course_lib.export.convert import build_model
    torch.manual_seed(0)
    cfg = convert_cfg(CONFIG)
    model = build_model(cfg)
    xml = stdet.export_stdet(model, cfg, tmp_path_factory.mktemp('ir') / 'stdet.xml', LABELS)
    return model, cfg, xml


def _clip(seed):
    return np.random.default_rng(seed).uniform(0, 255, (1, 3, 8, 64, 96)).astype(np.float32)


BOXES_A = np.array([[4, 6, 30, 50], [40, 3, 70, 60]], np.float32)           # the traced boxes
BOXES_B = np.array([[50, 10, 90, 62], [2, 2, 40, 40], [20, 15, 60, 55]], np.float32)


def test_ir_holds_openvinos_roialign_and_matches_pytorch_on_new_clips_and_boxes(stdet_ir):
    model, _, xml = stdet_ir
    ops = stdet.op_types(xml)
    assert 'ROIAlign' in ops and not any('Framework' in op or 'PythonOp' in op for op in ops)
    torch_run = stdet.torch_runner(stdet.STDetNet(model).eval())
    ir_run = stdet.ov_runner(parity.compile_ir(xml))
    inputs = [(_clip(1), BOXES_B), (_clip(2), BOXES_B[::-1].copy())]
    error = parity.compare(torch_run, ir_run, inputs)
    assert error.relative <= 1e-4 and error.scale > 0
    a, b = (ir_run(x)[0] for x in inputs)
    assert a.shape == (3, 4)
    # nothing baked in: the same box on another clip, another box on the same clip, score differently
    assert np.abs(a[0] - b[2]).max() > 1e-3
    assert np.abs(a - ir_run((_clip(1), BOXES_B + 3))[0]).max() > 1e-3


def test_a_plain_conversion_bakes_mmcvs_roialign_into_a_constant(stdet_ir, tmp_path):
    """Why the extension exists: without it the IR has no ROIAlign and ignores the boxes it is given."""
    model, cfg, _ = stdet_ir
    xml = stdet.export_stdet(model, cfg, tmp_path / 'plain.xml', LABELS, roi_align_op=False)
    assert 'ROIAlign' not in stdet.op_types(xml)
    ir_run = stdet.ov_runner(parity.compile_ir(xml))
    torch_run = stdet.torch_runner(stdet.STDetNet(model).eval())
    moved = BOXES_A + np.array([20, 5, 20, 5], np.float32)
    assert parity.compare(torch_run, ir_run, [(_clip(1), moved)]).relative > 1e-2


def test_standalone_keyframe_rules_are_the_course_rules():
    for n, clip_len, interval, step in [(48, 8, 2, 8), (120, 8, 8, 16), (63, 8, 8, 8), (40, 4, 3, 5)]:
        assert standalone_demo.keyframes(n, clip_len, interval, step) == \
            st.keyframes(n, clip_len, interval, step)
        for k in st.keyframes(n, clip_len, interval, step):
            assert standalone_demo.clip_indices(k, clip_len, interval).tolist() == \
                st.clip_indices(k, clip_len, interval).tolist()


def test_ir_settings_travel_with_the_ir(stdet_ir):
    _, _, xml = stdet_ir
    ir = standalone_demo.ActionDetectorIR(xml)
    assert ir.classes == ['background', 'wave', 'walk', 'jump']
    assert (ir.clip_len, ir.frame_interval, ir.short_side) == (8, 2, None)


def test_spatiotemporal_detector_takes_the_ir_and_scores_like_pytorch(stdet_ir):
    model, cfg, xml = stdet_ir
    frames = np.random.default_rng(3).integers(0, 255, (40, 64, 96, 3), dtype=np.uint8)
    boxes = np.array([[4, 6, 30, 50, 0.9], [50, 10, 90, 62, 0.8]])
    f32 = {'INFERENCE_PRECISION_HINT': 'f32'}  # the CPU's default may compute in bf16 (~3e-3 off)
    ir_detector = st.SpatioTemporalDetector(standalone_demo.ActionDetectorIR(xml, config=f32), None,
                                            lambda frame: boxes, LABELS, stepsize=8, short_side=None)
    pt_detector = st.SpatioTemporalDetector(model.eval(), cfg, lambda frame: boxes, LABELS,
                                            stepsize=8, short_side=None)
    got, ref = ir_detector(frames, progress=False), pt_detector(frames, progress=False)
    assert [p.frame for p in got.predictions] == [p.frame for p in ref.predictions] == [7, 15, 23, 31]
    for a, b in zip(got.predictions, ref.predictions):
        np.testing.assert_allclose(a.boxes, b.boxes, atol=1e-3)
        np.testing.assert_allclose(a.scores, b.scores, atol=1e-4)


def test_deployment_script_runs_the_ir_without_torch(stdet_ir, tmp_path):
    import cv2
    _, _, xml = stdet_ir
    frames = np.random.default_rng(4).integers(0, 255, (24, 64, 96, 3), dtype=np.uint8)
    folder = tmp_path / 'frames'
    folder.mkdir()
    for i, frame in enumerate(frames, start=1):
        cv2.imwrite(str(folder / f'img_{i:05d}.png'), frame[..., ::-1])  # lossless
    (tmp_path / 'boxes.json').write_text(json.dumps({'7': BOXES_B.tolist()}))
    script = Path(standalone_demo.__file__)
    check = ('import runpy, sys; sys.argv = sys.argv[1:]; runpy.run_path(sys.argv[0], '
             'run_name="__main__"); '
             'assert not {"torch", "mmcv", "mmengine", "course_lib"} & set(sys.modules), "imported"')
    env = {k: v for k, v in os.environ.items() if k != 'PYTHONPATH'}
    out = subprocess.run([sys.executable, '-c', check, str(script), 'detect', str(xml), str(folder),
                          '--boxes', str(tmp_path / 'boxes.json')], capture_output=True, text=True,
                         env=env, cwd=tmp_path, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    lines = [line for line in out.stdout.splitlines() if line.startswith('frame')]
    assert len(lines) == 3 and 'torch imported: False' in out.stdout
    scores = standalone_demo.ActionDetectorIR(xml).score_keyframe(frames, 7, BOXES_B)  # same defaults
    best = [f'{LABELS[int(np.argmax(r[1:])) + 1]} {r[1:].max():.2f}' for r in scores]
    assert [line.split('  ')[-1] for line in lines] == best  # the script's answer is the IR's


def test_int8_with_accuracy_control_keeps_frame_map_within_one_point(tmp_path):
    """A model fitted for a few steps on a tiny synthetic set, quantized with accuracy control."""
    from course_lib.data import ava
    from course_lib.data.synthetic import ava_actions
    from course_lib.export.convert import build_model
    from course_lib.sanity import _build, one_batch
    spec = ava_actions.AVASetSpec(train_videos=6, val_videos=3, seconds=4)
    ava_actions.generate_ava_actions(tmp_path / 'ava_actions', spec, progress=False)
    os.environ['COURSE_DATA_DIR'] = str(tmp_path)
    try:
        cfg = convert_cfg(CONFIG)
    finally:
        os.environ.pop('COURSE_DATA_DIR')
    torch.manual_seed(0)
    model = build_model(cfg).train()
    batch = one_batch(cfg, _build(cfg, 'train_dataloader')[0], size=8)
    optimizer = torch.optim.AdamW(model.parameters(), lr=4e-3)
    for _ in range(30):
        loss, _ = model.parse_losses(model(**model.data_preprocessor(batch, True), mode='loss'))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    model.eval()
    val, train = stdet.keyframe_stream(cfg, 'val'), stdet.keyframe_stream(cfg, 'train')
    rows = ava.read_csv(cfg.val_evaluator.ann_file, LABELS)
    xml = stdet.export_stdet(model, cfg, tmp_path / 'fp32.xml', LABELS)
    fp32 = stdet.frame_map(stdet.ov_runner(parity.compile_ir(xml)), val, rows, LABELS)[0]
    assert fp32 == stdet.frame_map(stdet.torch_runner(stdet.STDetNet(model)), val, rows, LABELS)[0]
    int8_model = quantize.quantize_with_accuracy_control(
        xml, train.map(lambda k: k.inputs), val, stdet.frame_map_validation_fn(rows, LABELS),
        max_drop=0.01)
    assert quantize.fake_quantize_count(int8_model) > 0
    int8 = stdet.frame_map(stdet.ov_runner(parity.compile_ir(int8_model)), val, rows, LABELS)[0]
    assert fp32 - int8 <= 0.01 + 1e-9, (fp32, int8)


def test_deployment_script_names_the_boxes_file_and_the_fix(tmp_path):
    bad = tmp_path / 'boxes.json'
    for text, message in [('{"7": [[10, 5, 4, 60]]}', "keyframe '7'"), ('[1, 2]', 'expected an object'),
                          ('{"x": [[1, 2, 3, 4]]}', "keyframe 'x'"), ('{', 'not a readable JSON')]:
        bad.write_text(text)
        with pytest.raises(SystemExit, match=message) as err:
            standalone_demo.read_boxes(bad)
        assert str(bad) in str(err.value)
    bad.write_text('{"3": [[1, 2, 30, 40]]}')
    assert standalone_demo.read_boxes(bad)[3].shape == (1, 4)


def test_video_proposals_are_the_data_sets_own_boxes_at_its_keyframes(tmp_path, monkeypatch):
    """Section 10's person boxes come from the config's annotation and proposal files (every profile):
    on the synthetic set they sit on the figures the frame-based detector finds, at AVA's keyframes."""
    import course_lib as cl
    from course_lib.configs import load_config
    from course_lib.data.synthetic import ava_actions
    monkeypatch.setenv('COURSE_DATA_DIR', str(tmp_path))
    ava_actions.generate_ava_actions(tmp_path / 'ava_actions', progress=False)
    cfg = load_config(CONFIG, work_dir_=str(tmp_path / 'work'))
    frame_dir, boxes = stdet.video_proposals(cfg)
    assert frame_dir.parent == tmp_path / 'ava_actions' / 'rawframes'
    fps, start = cfg.val_dataloader.dataset.fps, cfg.val_dataloader.dataset.timestamp_start
    rows = [line.split(',') for line in Path(cfg.val_dataloader.dataset.ann_file).read_text().splitlines()]
    assert sorted(boxes) == sorted({ava_actions.keyframe_index(int(r[1]), fps, start)
                                    for r in rows if r[0] == frame_dir.name})
    frames, _ = cl.video.load_frames(frame_dir)
    for key, found in boxes.items():
        figures = ava_actions.figure_boxes(frames[key])
        assert found.shape[1] == 5 and len(found) == len(figures)
        for box in found[:, :4]:  # each proposal lies on one figure (within a few pixels)
            assert np.abs(figures[:, :4] - box).max(1).min() < 8
