"""course_lib.inference.recognition and zoo weights: the label map is Kinetics-400's, the config's
own test pipeline makes the input shape the model expects, errors are clear, weights are verified."""
import ast
import hashlib
import importlib.util
import re
from pathlib import Path

import numpy as np
import pytest

from course_lib.inference import recognition as rec


def test_kinetics_names_match_an_independent_copy():
    names = rec.kinetics400_classes()
    # decord's wheel ships the same 400 classes (underscores for spaces) in the same order
    spec = importlib.util.find_spec('decord')
    if spec is None:
        pytest.skip('decord is not installed')
    source = (Path(spec.origin).parent / 'data' / 'kinetics' / 'kinetics400_action.py').read_text()
    theirs = ast.literal_eval(re.search(r'self\.classes = (\[.*?\])', source, re.S).group(1))
    norm = lambda s: re.sub(r'[^a-z0-9]', '', s.lower())  # noqa: E731
    assert [norm(x) for x in names] == [norm(x) for x in theirs]
    assert names[333] == 'stretching arm' and names[397] == 'yawning'


@pytest.fixture(scope='module')
def small_video(tmp_path_factory):
    from course_lib.video import write_video
    rng = np.random.default_rng(0)
    frames = rng.integers(0, 255, (90, 48, 64, 3), dtype=np.uint8)
    return write_video(tmp_path_factory.mktemp('rec') / 'clip.mp4', frames, fps=30)


def test_expected_shapes_come_from_the_config():
    import course_lib  # noqa: F401
    assert rec.expected_input_shape(rec.recognizer_config()) == (30, 3, 13, 182, 182)  # 10 x 3 crops
    fast = rec.recognizer_config(num_clips=1, center_crop=True)
    assert rec.expected_input_shape(fast) == (1, 3, 13, 182, 182)


def test_expected_shape_of_a_fixed_size_resize_without_crop():
    import copy

    from course_lib.configs import load_config
    cfg = load_config('r2plus1d_r18_motion_smoke')  # Resize to (32, 32), keep_ratio=False, no crop
    assert rec.expected_input_shape(cfg) == (1, 3, 8, 32, 32)
    wide = copy.deepcopy(cfg)
    resize = next(s for s in wide.test_dataloader.dataset.pipeline if s['type'] == 'Resize')
    resize['scale'] = (48, 32)  # (w, h)
    assert rec.expected_input_shape(wide) == (1, 3, 8, 32, 48)
    resize['keep_ratio'] = True  # the size now depends on the video
    with pytest.raises(ValueError, match='no one expected input shape'):
        rec.expected_input_shape(wide)


def test_preprocessing_gives_the_shape_the_model_expects_and_the_model_scores_400(small_video):
    import course_lib  # noqa: F401
    cfg = rec.recognizer_config(num_clips=1, center_crop=True)
    inputs = rec.pipeline_inputs(cfg, small_video)
    assert tuple(inputs.shape) == rec.expected_input_shape(cfg)
    model = rec.load_recognizer(None, cfg)
    result = rec.recognize(model, small_video, k=5)
    assert result.all_scores.shape == (400,)
    assert abs(result.all_scores.sum() - 1) < 1e-4  # average_clips='prob'
    assert result.scores == sorted(result.scores, reverse=True)
    assert set(result.labels) <= set(rec.kinetics400_classes())


def test_missing_and_corrupt_videos_give_clear_errors(tmp_path):
    from course_lib.video import VideoReadError
    with pytest.raises(VideoReadError, match='Video not found'):
        rec.recognize(None, tmp_path / 'nope.mp4')
    bad = tmp_path / 'bad.mp4'
    bad.write_bytes(b'\x00not a video' * 100)
    with pytest.raises(VideoReadError, match='corrupt'):
        rec.recognize(None, bad)


def test_zoo_weights_random_offline_and_verified_when_cached(tmp_path, monkeypatch):
    from course_lib.fetch import HUB, ChecksumError, RemoteFile
    from course_lib.inference import zoo_weights
    monkeypatch.setenv('COURSE_CACHE_DIR', str(tmp_path))
    monkeypatch.setenv('COURSE_PROFILE', 'smoke')
    offline = zoo_weights('x3d_s_k400')
    assert offline.checkpoint is None and 'RANDOM weights' in offline.note
    payload = b'\x80\x04pretend checkpoint'  # a pickle's first bytes: the type check passes
    prefix = hashlib.sha256(payload).hexdigest()[:8]
    monkeypatch.setitem(HUB, 'fake', RemoteFile(f'https://example.invalid/m_20200101-{prefix}.pth'))
    (tmp_path / f'm_20200101-{prefix}.pth').write_bytes(payload)
    cached = zoo_weights('fake')
    assert cached.pretrained and f'sha256 prefix {prefix} verified' in cached.note
    (tmp_path / f'm_20200101-{prefix}.pth').write_bytes(b'\x80\x04tampered')
    (tmp_path / f'm_20200101-{prefix}.pth.sha256').unlink(missing_ok=True)
    with pytest.raises(ChecksumError):
        zoo_weights('fake')


def test_the_zoo_urls_carry_hash_prefixes():
    import course_lib  # noqa: F401
    from course_lib.fetch import HUB
    assert HUB['x3d_s_k400'].sha256_prefix == '623825a0'
    assert HUB['ava_slowonly_r101'].sha256_prefix == '43f16877'  # the 1.x file of its metafile
    assert HUB['faster_rcnn_r50_coco'].sha256_prefix == 'a5d8aa15'


def test_a_file_scores_as_mmactions_own_video_decoder_scored_it(small_video):
    """Reading through the video source changes nothing on a constant-rate file: the same scores as
    mmaction's OpenCVInit / OpenCVDecode on the file name (the path recognize took before)."""
    import torch
    from mmaction.apis import inference_recognizer, init_recognizer
    from mmengine.dataset import Compose
    from mmengine.registry import DefaultScope

    from course_lib.configs import load_config
    cfg = load_config('r2plus1d_r18_motion_smoke')
    torch.manual_seed(0)
    model = init_recognizer(cfg, None, device='cpu')
    ours = rec.recognize(model, small_video, k=1).all_scores
    with DefaultScope.overwrite_default_scope('mmaction'):
        pipeline = Compose(rec.pipeline_for(cfg.test_dataloader.dataset.pipeline, 'video'))
        theirs = inference_recognizer(model, dict(filename=str(small_video), label=-1, start_index=0,
                                                  modality='RGB'), pipeline).pred_score.numpy()
    np.testing.assert_allclose(ours, theirs, atol=1e-6)
    assert np.abs(ours - ours.mean()).max() > 1e-4  # the scores depend on the frames


def test_clips_of_a_variable_rate_file_are_sampled_by_time(tmp_path):
    from course_lib.configs import load_config
    from course_lib.video import VideoSource

    from ..video.test_source import frame_number, vfr_video
    vfr_video(tmp_path / 'vfr.mp4')  # 2 s at 30 fps, then 10 s at 6 fps
    source = VideoSource(tmp_path / 'vfr.mp4')
    sample = rec.sampled_clips(load_config('r2plus1d_r18_motion_smoke'), source)  # one centred clip
    times = sample['times']
    assert np.allclose(np.diff(times), np.diff(times).mean(), atol=1 / 6 + 1e-3)  # evenly spaced in time
    assert times[0] > 2.0  # the middle of 12 s lies in the slow part; by frame index it would be frame ~60
    assert [frame_number(f) for f in sample['array']] == source.at_times(times).tolist()


def test_model_families_are_the_config_folders_of_a_task():
    from course_lib.errors import MissingFileError
    from course_lib.inference import installed_config, model_families
    families = model_families('recognition')
    assert {'x3d', 'tsn', 'r2plus1d'} <= set(families) and families == sorted(families)
    assert not any(f.startswith('_') for f in families)
    assert installed_config('mmaction::recognition/x3d/metafile.yml').parent.name in families
    assert 'bmn' in model_families('localization') and 'bmn' not in families
    with pytest.raises(MissingFileError, match="no configs for 'spotting'"):
        model_families('spotting')
