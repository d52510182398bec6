"""course_lib.demo.live_steps: each task as a live step, on a small model with random weights."""
import numpy as np

from course_lib.demo.live_steps import (MIN_SHORT_SIDE, actions_task, detection_task, draw_lines, enlarged,
                                       recognition_task)
from course_lib.video import Frame


def frames(n: int, h: int = 48, w: int = 64) -> list[Frame]:
    rng = np.random.default_rng(0)
    return [Frame(i, i / 25, rng.integers(0, 255, (h, w, 3), dtype=np.uint8)) for i in range(n)]


def changed_rows(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.flatnonzero(np.any(a != b, axis=(1, 2)))


def test_recognition_reads_the_clip_of_its_config_and_writes_the_top_classes():
    from mmaction.apis import init_recognizer

    import course_lib  # noqa: F401  (registrations)
    from course_lib.configs import load_config
    cfg = load_config('r2plus1d_r18_motion_smoke')  # clips of 8 frames, one every 1
    model = init_recognizer(cfg, None, device='cpu')
    task = recognition_task(model, list(cfg.classes), k=2)
    clip_len = next(s for s in cfg.test_dataloader.dataset.pipeline if s['type'] == 'SampleFrames')
    assert task.history == clip_len['clip_len'] * clip_len['frame_interval']
    seen = frames(task.history)
    early = task.step(seen[2], seen[:3])  # not a whole clip yet: says so, no model call
    full = task.step(seen[-1], seen)
    big = enlarged(seen[-1].image)[0]
    assert early.shape == full.shape == big.shape == (256, 341, 3)  # a 48 x 64 frame, drawn on enlarged
    rows = changed_rows(full, big)
    assert rows.min() == 0 and rows.max() < 60  # two lines of text at the top, the rest untouched


def test_detection_draws_the_boxes_above_the_threshold_only():
    calls = []

    def detect(image_bgr):
        calls.append(image_bgr.copy())
        return (np.array([[4, 4, 20, 20], [30, 30, 60, 44]], np.float32), np.array([0.9, 0.2]),
                np.array([1, 0]))

    task = detection_task(detect, ['cell', 'platelet'], threshold=0.5)
    frame = Frame(0, 0.0, np.full((300, 400, 3), (200, 10, 10), np.uint8))
    out = task.step(frame, [frame])
    assert task.history == 1 and out.shape == frame.image.shape  # large enough: not enlarged
    assert calls[0][0, 0].tolist() == [10, 10, 200]  # the detector gets BGR, as OpenCV reads
    assert np.any(out[8:21, 4] != frame.image[8:21, 4])  # the kept box's left edge (below its label)
    assert np.array_equal(out[40, 55], frame.image[40, 55])  # the box under the threshold: not drawn
    small = Frame(1, 0.1, np.full((48, 64, 3), (200, 10, 10), np.uint8))
    drawn = task.step(small, [small])
    assert drawn.shape == (256, 341, 3)  # enlarged; the box follows: its left edge at x = 4 x 5.33
    assert np.any(drawn[60:100, 21] != drawn[60:100, 40])


def test_actions_score_the_persons_of_the_keyframe_with_the_clip_around_it():
    from course_lib.inference.spatiotemporal import clip_indices
    seen = frames(20)

    class Model:  # the interface of an exported action detector (score_keyframe)
        def __init__(self):
            self.calls = []

        def score_keyframe(self, clip, key, boxes):
            idx = clip_indices(key, 4, 4)
            assert idx.min() >= 0 and idx.max() < len(clip), 'the clip leaves the frames given'
            self.calls.append((len(clip), key, boxes.copy()))
            return np.tile(np.array([[0.0, 0.9, 0.1]]), (len(boxes), 1))

    model = Model()
    task = actions_task(model, clip_len=4, frame_interval=4,
                        persons=lambda image: np.array([[5, 5, 30, 40, 0.99]]), labels={1: 'stand', 2: 'sit'})
    assert task.history == 13  # frames -4, 0, 4, 8 around the keyframe: 13 frames
    recent = seen[-13:]
    out = task.step(recent[-1], recent)
    assert model.calls[0][:2] == (13, 4)  # the keyframe has its clip's 8 later frames after it
    assert out.shape == (256, 341, 3) and not np.array_equal(out, enlarged(recent[4].image)[0])
    early = task.step(seen[5], seen[:6])  # not a whole clip yet: says so, no model call
    assert len(model.calls) == 1 and not np.array_equal(early, enlarged(seen[5].image)[0])
    none = actions_task(model, 4, 4, persons=lambda image: np.zeros((0, 5)), labels={1: 'stand'})
    assert not np.array_equal(none.step(recent[-1], recent), enlarged(recent[4].image)[0])  # 'no person'
    assert len(model.calls) == 1  # no person: the action model is not run


def test_actions_on_the_pytorch_path_take_a_clip_that_fits(monkeypatch):
    """predict_actions refuses a clip that leaves the frames: the live window must hold it."""
    from course_lib.inference import spatiotemporal
    calls = []
    monkeypatch.setattr(spatiotemporal, 'predict_actions', lambda model, frames, persons, clip_len, interval,
                        short_side, progress: calls.append((len(frames), list(persons))) or
                        [spatiotemporal.KeyframeActions(list(persons)[0], np.zeros((0, 4)), np.zeros((0, 3)))])
    task = actions_task(object(), 8, 2, persons=lambda image: np.array([[1, 1, 9, 9]]), labels={1: 'a'})
    recent = frames(task.history)
    task.step(recent[-1], recent)
    (length, (key,)), = calls
    idx = spatiotemporal.clip_indices(key, 8, 2)
    assert length == task.history == 15 and idx.min() == 0 and idx.max() == length - 1


def test_small_frames_are_enlarged_to_the_minimum_short_side_only():
    assert enlarged(np.zeros((64, 96, 3), np.uint8))[0].shape == (MIN_SHORT_SIDE, 384, 3)
    big = np.zeros((300, 400, 3), np.uint8)
    assert enlarged(big)[0] is big and enlarged(big)[1] == 1.0


def test_draw_lines_darkens_a_band_at_the_top():
    image = np.full((60, 80, 3), 200, np.uint8)
    out = draw_lines(image, ['a', 'b'])
    assert out[-1].tolist() == image[-1].tolist() and out[1, -1].max() < 100
