"""course_lib.inference.spatiotemporal: keyframe sampling as the demo does it; the AVA model
(random weights, small input) scores exactly the boxes a known detector gives; the video plays."""
import numpy as np
import pytest

from course_lib.inference import spatiotemporal as st

BOXES = np.array([[4.0, 6.0, 40.0, 60.0, 0.99], [44.0, 2.0, 76.0, 58.0, 0.95]])


def test_keyframes_and_clips_follow_the_demo():
    # demo_spatiotemporal_det.py: timestamps = arange(window // 2, n + 1 - window // 2, step), 1-based
    assert st.keyframes(120, 8, 8, 16) == [31, 47, 63, 79]
    assert st.keyframes(120, 8, 8, 8)[-1] == 87
    assert st.keyframes(63, 8, 8, 8) == []  # a 64-frame window does not fit
    clip = st.clip_indices(31, 8, 8)
    assert clip.tolist() == [7, 15, 23, 31, 39, 47, 55, 63]  # keyframe is the 4th of 8
    assert st.clip_indices(87, 8, 8).max() == 119


def test_top_labels_and_abbreviations():
    pred = st.KeyframeActions(0, np.zeros((2, 4)), np.array([[0.9, 0.2, 0.7, 0.6],
                                                            [0.1, 0.4, 0.3, 0.2]]))
    names = {1: 'stand', 2: 'sit', 3: 'take (an object) from (a person)'}
    assert pred.top(names, thr=0.5) == [[('sit', 0.7), ('take (an object) from (a person)', 0.6)],
                                        []]  # id 0 (background) is never a label
    assert st.abbrev('take (an object) from (a person)') == 'take ... from ...'


@pytest.fixture(scope='module')
def tiny_model():
    import torch
    torch.manual_seed(0)
    import course_lib  # noqa: F401
    return st.load_ava_model(None, cfg_options={'model.backbone.depth': 50})


def _video(n=72, h=64, w=80):
    rng = np.random.default_rng(0)
    frames = np.zeros((n, h, w, 3), np.uint8)
    frames[:, :, :42] = rng.integers(0, 255, (n, h, 42, 3))  # busy left half, dark right half
    return frames


def test_actions_are_assigned_to_exactly_the_detected_boxes(tiny_model, tmp_path):
    from course_lib.data.ava import read_label_map
    from course_lib.video import read_frames
    model, cfg = tiny_model
    frames = _video()
    calls = []

    def detector(frame):
        calls.append(frame)
        return BOXES

    result = st.run_demo(frames, detector, model, cfg, read_label_map(), tmp_path / 'st.mp4',
                         stepsize=8, output_stepsize=2, short_side=None, action_thr=0.0)
    keys = st.keyframes(len(frames), 8, 8, 8)
    assert [p.frame for p in result.predictions] == keys == [31, 39]
    assert len(calls) == 2 and all(np.array_equal(c, frames[k]) for c, k in zip(calls, keys))
    for pred in result.predictions:
        # boxes come back from the model's RoI head (normalised there), in the order given
        np.testing.assert_allclose(pred.boxes, BOXES[:, :4], atol=1e-3)
        assert pred.scores.shape == (2, 81)
        assert ((pred.scores >= 0) & (pred.scores <= 1)).all()
        assert not np.allclose(pred.scores[0], pred.scores[1])  # each box gets its own features
    back, _ = read_frames(result.video)
    assert result.frame_size == (288, 360)  # upscaled so labels are readable
    assert back.shape == (len(range(27, 43, 2)), 288, 360, 3)  # keyframes 31, 39 +- 4, every 2nd
    noted = st.run_demo(frames, detector, model, cfg, read_label_map(), tmp_path / 'noted.mp4',
                        stepsize=8, output_stepsize=2, short_side=None, action_thr=0.0,
                        note='RANDOM weights')
    marked, _ = read_frames(noted.video)  # the note is burned into the bottom band of every frame
    assert marked.shape == back.shape
    bottom = np.abs(marked[:, -14:].astype(float) - back[:, -14:]).mean()
    above = np.abs(marked[:, :-24].astype(float) - back[:, :-24]).mean()
    assert bottom > 10 * max(above, 1.0), (bottom, above)


def test_missing_frames_for_a_clip_are_refused(tiny_model):
    model, _ = tiny_model
    with pytest.raises(ValueError, match='leaves the 40-frame video'):
        st.predict_actions(model, _video(40), {20: BOXES}, 8, 8, short_side=None, progress=False)


def test_the_detector_takes_a_file_a_frame_folder_and_an_array(tiny_model, tmp_path):
    """The spatio-temporal entry point: same keyframes and boxes whatever the input kind."""
    from course_lib.data.ava import read_label_map
    from course_lib.data.rawframes import extract_rawframes
    from course_lib.video import read_frames, write_video
    model, cfg = tiny_model
    frames = _video()
    path = write_video(tmp_path / 'videos' / 'clip.mp4', frames, fps=25)
    extract_rawframes(tmp_path / 'videos', tmp_path / 'frames', progress=False)
    detector = st.SpatioTemporalDetector(model, cfg, lambda frame: BOXES, read_label_map(),
                                         stepsize=8, short_side=None, action_thr=0.0)
    results = [detector(v, progress=False) for v in (path, tmp_path / 'frames' / 'clip', frames)]
    for result in results:
        assert [p.frame for p in result.predictions] == [31, 39]
        for pred in result.predictions:
            np.testing.assert_allclose(pred.boxes, BOXES[:, :4], atol=1e-3)
    np.testing.assert_allclose(results[1].predictions[0].scores, results[0].predictions[0].scores,
                               atol=0.05)  # JPEG frames of the decoded MPEG-4
    plain = results[2].actions(read_label_map(), thr=0.0, k=2)
    assert sorted(plain) == [31, 39] and len(plain[31]) == 2
    box, labels = plain[31][0]
    assert box == pytest.approx(tuple(BOXES[0, :4]), abs=1e-3) and len(labels) == 2
    assert all(name in read_label_map().values() for name, _ in labels)
    video = detector.show(frames, results[2], tmp_path / 'shown.mp4')
    assert len(read_frames(video)[0]) == len(range(27, 43, 4))


def test_draw_outcome_shows_the_true_and_the_scored_box_and_says_what_each_is():
    from course_lib.metrics.person_outcomes import PersonOutcome
    frame = np.zeros((64, 96, 3), np.uint8)
    outcome = PersonOutcome('v', 901, (0.1, 0.1, 0.4, 0.9), (1,), 0.7, (0.15, 0.1, 0.45, 0.9),
                            {1: 0.3, 2: 0.6})
    image = st.draw_outcome(frame, outcome, {1: 'wave', 2: 'walk'}, scale=2)
    assert image.shape[1] == 192 and image.shape[0] > 128  # upscaled, with a text band below
    top = image[:128]
    assert ((top[..., 1] > 150) & (top[..., 0] < 100)).any()  # the green true box
    assert ((top[..., 0] > 200) & (top[..., 1] < 100)).any()  # the red scored box
    missed = PersonOutcome('v', 901, (0.1, 0.1, 0.4, 0.9), (1,), 0.0, None, {})
    assert st.draw_outcome(frame, missed, {1: 'wave'}, scale=2).shape[0] < image.shape[0]  # 1 line


def test_render_writes_the_note_on_every_frame():
    frames = np.zeros((16, 64, 96, 3), np.uint8)
    pred = [st.KeyframeActions(7, np.array([[4.0, 6.0, 40.0, 60.0]]), np.array([[0, 0.9]]))]
    plain = st.render(frames, pred, {1: 'wave'}, stepsize=8, min_short_side=64)
    noted = st.render(frames, pred, {1: 'wave'}, stepsize=8, min_short_side=64, note='synthetic')
    assert len(plain) == len(noted) > 0
    assert all((n[-12:] != p[-12:]).any() for n, p in zip(noted, plain))  # text in the bottom band


def test_ground_truth_labels_are_drawn_without_a_score():
    frame = np.zeros((64, 96, 3), np.uint8)
    box = np.array([[10, 10, 80, 60]], float)
    named = st.draw_actions(frame, box, [[('wave', None)]], scale=3)
    scored = st.draw_actions(frame, box, [[('wave', 0.5)]], scale=3)
    label = np.array(st.LABEL_COLORS[0])
    width = lambda img: int((img == label).all(axis=-1).any(axis=0).sum())  # noqa: E731
    assert 0 < width(named) < width(scored)  # 'wave' alone is shorter than 'wave: 0.50'
