"""Videos of the wrong kind are refused with the fix (never scored), at every inference entry point."""
from __future__ import annotations

import numpy as np
import pytest

from course_lib import validate
from course_lib.errors import FileFormatError, InputError

from .conftest import moving_square

SQ = moving_square()

BAD_ARRAYS = [
    # (case, array, words the message must hold)
    ('float in [0, 1]', SQ.astype(np.float32) / 255, ['float32', '(frames * 255).round().astype(np.uint8)']),
    ('float64 in 0..255', SQ.astype(np.float64), ['float64', 'frames.round().astype(np.uint8)']),
    ('int64 in 0..255', SQ.astype(np.int64), ['int64', 'astype(np.uint8)']),
    ('float outside 0..255', SQ.astype(np.float32) * 4 - 100, ['outside 0..255']),
    ('NaN', np.full((4, 8, 8, 3), np.nan, np.float32), ['NaN']),
    ('bool', SQ > 0, ['bool', 'uint8']),
    ('0 frames', SQ[:0], ['0 frames']),
    ('grey (T, H, W)', SQ[..., 0], ['(frames, height, width, 3)', 'np.repeat']),
    ('RGBA', np.zeros((4, 8, 8, 4), np.uint8), ['(frames, height, width, 3)']),
    ('0-pixel frames', np.zeros((4, 0, 8, 3), np.uint8), ['hold no image']),
]


@pytest.mark.parametrize('case, frames, words', BAD_ARRAYS, ids=[c[0] for c in BAD_ARRAYS])
def test_bad_arrays_are_refused_with_the_conversion(case, frames, words):
    with pytest.raises(InputError) as err:
        validate.video_input(frames)
    for word in words:
        assert word in str(err.value)


@pytest.mark.parametrize('video, words', [
    ([np.zeros((8, 8, 3), np.uint8)] * 4, ['list of 4 items', 'np.stack(frames)']),
    ((1, 2), ['tuple']),
    (3, ['int']),
    (None, ['NoneType']),
    ({'frames': 1}, ['dict']),
], ids=['list of frames', 'tuple', 'int', 'None', 'dict'])
def test_values_that_are_no_video_are_refused(video, words):
    with pytest.raises(InputError) as err:
        validate.video_input(video)
    assert all(w in str(err.value) for w in words)
    assert 'a video file path, a folder of frames, or an RGB uint8 array' in str(err.value)


def test_too_few_frames_names_the_minimum():
    with pytest.raises(InputError, match='has 1 frame; the model needs at least 16'):
        validate.video_array(SQ[:1], min_frames=16)
    assert validate.video_array(SQ, min_frames=16) is SQ  # a right input passes unchanged


def test_frame_folders(tmp_path):
    import cv2
    png = tmp_path / 'png'
    png.mkdir()
    for i, f in enumerate(SQ[:5], start=1):
        cv2.imwrite(str(png / f'{i:05d}.png'), f)
    folder = validate.frame_folder(png)
    assert (folder.filename_tmpl, folder.start_index, len(folder)) == ('{:05d}.png', 1, 5)
    (png / '00003.png').write_text('not an image')  # a text file named like a frame
    with pytest.raises(FileFormatError, match='00003.png is not a readable image'):
        validate.frame_folder(png)
    empty = tmp_path / 'empty'
    empty.mkdir()
    with pytest.raises(InputError, match='holds no frames .* it is empty'):
        validate.frame_folder(empty)
    cvat = tmp_path / 'cvat'  # 0-based, 6 digits: another numbering mmaction can read
    cvat.mkdir()
    for i, f in enumerate(SQ[:3]):
        cv2.imwrite(str(cvat / f'frame_{i:06d}.jpg'), f)
    assert validate.frame_folder(cvat).filename_tmpl == 'frame_{:06d}.jpg'
    assert validate.frame_folder(cvat).start_index == 0


@pytest.mark.parametrize('value', [0, -8, float('nan'), float('inf'), 'fast', None])
def test_frame_rates_must_be_positive(value):
    with pytest.raises(InputError, match='frames per second > 0'):
        validate.fps(value)


def test_recognize_refuses_float_frames_and_scores_uint8(recognizer):
    from course_lib.inference.recognition import recognize
    model, cfg, _ = recognizer
    with pytest.raises(InputError, match=r'\(frames \* 255\)'):
        recognize(model, SQ.astype(np.float32) / 255, list(cfg.classes))
    with pytest.raises(InputError, match='1 frame; the model reads clips of 8 frames'):
        recognize(model, SQ[:1], list(cfg.classes))
    with pytest.raises(InputError, match='list'):
        recognize(model, list(SQ), list(cfg.classes))
    assert recognize(model, SQ, list(cfg.classes)).all_scores.shape == (6,)


def test_recognize_reads_a_folder_of_png_frames_like_the_array(recognizer, tmp_path):
    """A valid frame folder named 00001.png... is read (not 'extract it again'), with the same scores."""
    import cv2

    from course_lib.inference.recognition import recognize
    model, cfg, _ = recognizer
    for i, f in enumerate(SQ, start=1):
        cv2.imwrite(str(tmp_path / f'{i:05d}.png'), f[..., ::-1])
    ref = recognize(model, SQ, list(cfg.classes)).all_scores
    assert np.allclose(recognize(model, tmp_path, list(cfg.classes)).all_scores, ref, atol=1e-5)
    (tmp_path / '00002.png').rename(tmp_path / 'x.png')  # not numbered any more: read in name order
    assert recognize(model, tmp_path, list(cfg.classes)).all_scores.shape == ref.shape


def test_localization_refuses_float_and_short_videos(recognizer, bmn_checkpoint):
    from course_lib.inference.localization import TemporalActionDetector
    _, _, rec_ckpt = recognizer
    det = TemporalActionDetector.from_configs('r2plus1d_r18_motion_smoke', rec_ckpt,
                                              'bmn_cls_1xb4-128x32-10e_motion-untrimmed_smoke',
                                              bmn_checkpoint)
    frames = moving_square(48)
    with pytest.raises(InputError, match=r'\(frames \* 255\)'):
        det(frames.astype(np.float32) / 255, fps=8)
    with pytest.raises(InputError, match='1 frame; the model needs at least 16'):
        det(frames[:1], fps=8)
    with pytest.raises(InputError, match='frames per second'):
        det(frames, fps=-8)
    assert det(frames, fps=8).duration == pytest.approx(6.0)


def test_spatiotemporal_refuses_float_frames():
    from course_lib.inference.spatiotemporal import predict_actions
    with pytest.raises(InputError, match=r'\(frames \* 255\)'):
        predict_actions(None, SQ.astype(np.float32) / 255, {8: np.zeros((1, 4))}, 8, 2)
