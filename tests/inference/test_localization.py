"""course_lib.inference.localization: windows, features and rescaling are right; every input kind
(video file, frame folder, array) reaches the same pipeline; the feature set is ActivityNet-format.

The learning bar of the two-stage pipeline (segments found with tIoU >= 0.5) is asserted by lesson
05's last cells, which CI executes: the chain is trained once there.
"""
import numpy as np
import pytest
import torch

import course_lib  # noqa: F401
from course_lib.data.synthetic.untrimmed_motion import UntrimmedSpec, render_untrimmed, video_info
from course_lib.inference import localization as loc
from course_lib.video import load_frames
from course_lib.segments import Segment

REC, BMN = 'r2plus1d_r18_motion_smoke', 'bmn_cls_1xb4-128x32-10e_motion-untrimmed_smoke'


@pytest.fixture(scope='module')
def recognizer():
    from mmaction.registry import MODELS
    from mmaction.utils import register_all_modules

    from course_lib.configs import load_config
    register_all_modules()
    torch.manual_seed(0)
    model = MODELS.build(load_config(REC).model)
    return model.eval()


def test_windows_are_centred_every_stride_frames_and_stay_inside_the_video():
    windows = loc.Windows(clip_len=8, frame_interval=2, stride=4)
    rows = windows.indices(100)
    assert rows.shape == (25, 8)
    assert (np.diff(rows[5]) == 2).all()  # an inner window: 8 frames, 2 apart
    assert abs(rows[5].mean() - (5 * 4 + 2)) <= 1  # centred on its step
    assert rows.min() == 0 and rows.max() == 99


def test_windows_read_the_recognizer_config():
    from course_lib.configs import load_config
    assert loc.Windows.from_config(load_config(REC)) == loc.Windows(8, 2, 4, 32)


def test_rescaling_keeps_a_linear_signal_and_is_the_identity_at_the_same_length():
    x = np.random.default_rng(0).standard_normal((32, 5)).astype(np.float32)
    assert np.allclose(loc.rescale_features(x, 32), x)
    n, t = 40, 32
    centres = (np.arange(n) + 0.5) / n
    line = np.stack([3 * centres + 1, -centres], axis=1)
    out = loc.rescale_features(line, t)
    want = (np.arange(t) + 0.5) / t
    inner = (want >= centres[0]) & (want <= centres[-1])
    assert out.shape == (t, 2)
    assert np.allclose(out[inner, 0], 3 * want[inner] + 1, atol=1e-5)
    with pytest.raises(ValueError, match='windows, channels'):
        loc.rescale_features(np.zeros(10), 8)


def test_clip_features_equal_mmactions_own_preprocessing_and_backbone(recognizer):
    from mmaction.structures import ActionDataSample
    rng = np.random.default_rng(1)
    frames = rng.integers(0, 255, (40, 32, 32, 3), dtype=np.uint8)
    windows = loc.Windows(8, 2, 4, 32)
    feats = loc.clip_features(recognizer, frames, windows)
    assert feats.shape == (10, 128)
    row = windows.indices(40)[3]
    clip = torch.from_numpy(frames[row]).permute(3, 0, 1, 2).float()[None]  # 1 view, C, T, H, W
    data = recognizer.data_preprocessor({'inputs': [clip], 'data_samples': [ActionDataSample()]})
    with torch.no_grad():
        direct = recognizer.extract_feat(data['inputs'], stage='backbone')[0].mean(dim=(2, 3, 4))
    assert np.allclose(feats[3], direct[0].numpy(), atol=1e-4)
    assert not np.allclose(feats[3], feats[6], atol=1e-3)  # windows see different frames


@pytest.fixture(scope='module')
def untrimmed_video(tmp_path_factory):
    from course_lib.data.rawframes import extract_rawframes
    from course_lib.video import write_video
    spec = UntrimmedSpec(min_frames=48, max_frames=48, min_action=16, max_action=16, max_actions=1)
    frames, actions = render_untrimmed(np.random.default_rng(3), spec)
    root = tmp_path_factory.mktemp('untrimmed')
    path = write_video(root / 'videos' / 'demo.mp4', frames, spec.fps, codec='mp4v')
    extract_rawframes(root / 'videos', root / 'rawframes', progress=False)
    return frames, path, root / 'rawframes' / 'demo', spec


def test_a_video_file_a_frame_folder_and_an_array_give_the_same_frames(untrimmed_video):
    rgb, path, folder, spec = untrimmed_video
    from_file, fps = load_frames(path)
    from_folder, _ = load_frames(folder, fps=spec.fps)
    from_array, _ = load_frames(rgb, fps=spec.fps)
    assert fps == spec.fps and from_file.shape == from_folder.shape == rgb.shape
    assert np.abs(from_file.astype(int) - rgb).mean() < 12  # MPEG-4 is lossy, not different
    assert np.abs(from_folder.astype(int) - from_file).mean() < 6  # JPEGs of the decoded frames
    assert from_array is rgb
    with pytest.raises(ValueError, match='fps'):
        load_frames(rgb)
    with pytest.raises(ValueError, match='extract_rawframes'):  # course_lib.errors.InputError
        load_frames(folder.parent.parent)  # a folder with no frames in it


def test_detector_runs_on_every_input_kind(untrimmed_video, recognizer):
    from mmaction.registry import MODELS

    from course_lib.configs import load_config
    rgb, path, folder, spec = untrimmed_video
    cfg = load_config(BMN)
    torch.manual_seed(0)
    detector = loc.TemporalActionDetector(recognizer, MODELS.build(cfg.model).eval(), cfg.classes,
                                          loc.Windows(8, 2, 4, 32))
    results = [detector(path), detector(folder, fps=spec.fps), detector(rgb, fps=spec.fps)]
    for result in results:
        assert result.duration == pytest.approx(48 / spec.fps)
        assert result.features.shape == (32, 128)
        scores = [s.score for s in result.segments]
        assert scores == sorted(scores, reverse=True) and len(scores) > 0
        assert all(0 <= s.start < s.end <= result.duration + 1e-6 for s in result.segments)
        assert {s.label for s in result.segments} <= set(cfg.classes)


def test_top_k_recall_compares_bmns_on_the_same_features(untrimmed_video, recognizer):
    from mmaction.registry import MODELS

    from course_lib.configs import load_config
    _, path, _, _ = untrimmed_video
    cfg = load_config(BMN)
    windows = loc.Windows(8, 2, 4, 32)
    chains = {}
    for seed in (0, 1):
        torch.manual_seed(seed)
        chains[seed] = loc.TemporalActionDetector(recognizer, MODELS.build(cfg.model).eval(),
                                                  cfg.classes, windows)
    best = chains[0](path).top(1)[0]
    gt = [{'segment': [best.start, best.end], 'label': best.label}]
    recall = loc.top_k_recall(chains, path.parent, {'demo': {'annotations': gt}}, k=3)
    assert recall[0] == (1.0, 1.0)  # its own best segment, class included
    other = chains[1](path).top(3)
    want = (loc.segment_recall([best], other), loc.segment_recall([best], other, same_label=True))
    assert recall[1] == want
    stranger = loc.TemporalActionDetector(MODELS.build(load_config(REC).model).eval(),
                                          chains[0].bmn, cfg.classes, windows)
    with pytest.raises(ValueError, match='share the recognizer'):
        loc.top_k_recall({'a': chains[0], 'b': stranger}, path.parent, {})


def test_segment_recall_counts_gt_segments_matched_at_the_tiou():
    gt = [Segment(0, 10, 'a'), Segment(20, 30, 'b')]
    assert loc.segment_recall(gt, [Segment(1, 10, 'a')]) == 0.5
    assert loc.segment_recall(gt, [Segment(1, 10, 'b'), Segment(20, 29, 'b')]) == 1.0
    assert loc.segment_recall(gt, [Segment(1, 10, 'b'), Segment(20, 29, 'b')], same_label=True) == 0.5
    assert loc.segment_recall(gt, [Segment(5, 25, 'a')]) == 0.0


def test_untrimmed_videos_move_only_inside_their_actions():
    spec = UntrimmedSpec()
    frames, actions = render_untrimmed(np.random.default_rng(0), spec)
    assert len(frames) % 16 == 0 and spec.min_frames <= len(frames) <= spec.max_frames
    assert 1 <= len(actions) <= spec.max_actions
    inside = np.zeros(len(frames), bool)
    for start, end, label in actions:
        assert spec.min_action <= end - start <= spec.max_action and 0 <= label < len(spec.classes)
        assert not inside[start:end].any()  # disjoint
        inside[start:end] = True
    assert not inside[:8].any() and not inside[-8:].any()  # still at both ends
    info = video_info(len(frames), actions, spec)
    assert info['duration_second'] == len(frames) / spec.fps
    assert info['annotations'][0]['segment'] == [actions[0][0] / 8.0, actions[0][1] / 8.0]


def test_feature_set_is_activitynet_format_and_not_rebuilt(tmp_path, recognizer):
    from course_lib.data.activitynet import validate_dataset
    spec = UntrimmedSpec(num_train=3, num_test=2, min_frames=48, max_frames=64)
    root = loc.build_feature_set(tmp_path / 'set', recognizer, spec, source='random', progress=False)
    report = validate_dataset(root, 'csv_mean_32', temporal_dim=32, feat_dim=128,
                              splits=('train', 'test'), progress=False)
    assert report.videos == {'train': 3, 'test': 2}
    assert len(list((root / 'videos').glob('*.mp4'))) == 2
    before = (root / 'csv_mean_32' / 'v_untrimmed_train_0000.csv').stat().st_mtime_ns
    loc.build_feature_set(tmp_path / 'set', recognizer, spec, source='random', progress=False)
    assert (root / 'csv_mean_32' / 'v_untrimmed_train_0000.csv').stat().st_mtime_ns == before


def test_recognize_takes_a_video_file_a_frame_folder_and_an_array(untrimmed_video):
    """The recognizer entry point: the same frames give the same scores whatever the input kind."""
    from mmaction.apis import init_recognizer

    from course_lib.inference.recognition import recognize
    from course_lib.configs import load_config
    rgb, path, folder, spec = untrimmed_video
    cfg = load_config(REC)
    torch.manual_seed(0)
    model = init_recognizer(cfg, None, device='cpu')
    from_folder = recognize(model, folder, k=6)
    decoded, _ = load_frames(folder)
    from_array = recognize(model, decoded, k=6)
    from_file = recognize(model, path, k=6)
    assert from_folder.labels[0] in cfg.classes and len(from_folder.labels) == 6
    assert np.allclose(from_folder.all_scores, from_array.all_scores, atol=1e-5)  # same pixels
    assert np.allclose(from_file.all_scores, from_folder.all_scores, atol=0.05)  # MPEG-4 vs JPEG
    assert not np.allclose(from_file.all_scores, recognize(model, rgb[::-1].copy(), k=6).all_scores,
                           atol=1e-4)  # the video backwards is another input
    from course_lib.video import VideoReadError
    with pytest.raises(VideoReadError, match='missing.mp4'):
        recognize(model, path.with_name('missing.mp4'))


def test_recognize_runs_an_openvino_ir_like_the_pytorch_model(untrimmed_video, tmp_path):
    from mmaction.apis import init_recognizer

    from course_lib.export.convert import export_recognizer
    from course_lib.inference.recognition import IRRecognizer, recognize
    from course_lib.configs import load_config
    rgb, path, folder, spec = untrimmed_video
    cfg = load_config(REC)
    torch.manual_seed(0)
    model = init_recognizer(cfg, None, device='cpu')
    ir = IRRecognizer(export_recognizer(model, tmp_path / 'rec.xml'), cfg)
    for video in (path, folder, rgb):
        on_torch, on_ir = recognize(model, video, k=3), recognize(ir, video, k=3)
        assert np.allclose(on_torch.all_scores, on_ir.all_scores, atol=1e-4)
        assert on_torch.labels == on_ir.labels
    with pytest.raises(FileNotFoundError, match='lesson 08'):
        IRRecognizer(tmp_path / 'missing.xml', cfg)
