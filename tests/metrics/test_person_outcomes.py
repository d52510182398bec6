"""course_lib.metrics.person_outcomes: every true person is right, wrong or missed, for a reason."""
from course_lib.data.ava import AVADetection, AVARow
from course_lib.metrics import person_outcomes as po

LABELS = {1: 'wave', 2: 'walk', 3: 'jump'}
A, B = (0.1, 0.1, 0.4, 0.9), (0.6, 0.1, 0.9, 0.9)


def _dets(video, ts, box, scores):
    return [AVADetection(video, ts, box, a, s) for a, s in scores.items()]


def test_right_wrong_and_missed_persons():
    rows = [AVARow('v1', 901, A, 1, 0), AVARow('v1', 901, B, 2, 1), AVARow('v2', 901, A, 3, 0)]
    shifted = (0.3, 0.1, 0.6, 0.9)  # IoU with A = 0.1 / 0.5 = 0.2
    dets = (_dets('v1', 901, A, {1: 0.9, 2: 0.2, 3: 0.1})            # right: wave for the waver
            + _dets('v1', 901, B, {1: 0.7, 2: 0.3, 3: 0.1})          # wrong: wave for the walker
            + _dets('v2', 901, shifted, {1: 0.1, 2: 0.1, 3: 0.95}))  # missed: box too far off
    out = po.person_outcomes(rows, dets)
    assert [o.outcome for o in out] == [po.RIGHT, po.WRONG, po.MISSED]
    assert out[0].predicted == 1 and out[0].best_iou == 1.0
    assert out[1].predicted == 1 and out[1].true_actions == (2,)
    assert abs(out[2].best_iou - 0.2) < 1e-6
    assert 'walk' in out[1].reason(LABELS) and 'wave 0.70' in out[1].reason(LABELS)
    assert 'IoU 0.20 < 0.5' in out[2].reason(LABELS)
    assert po.per_video(out) == {'v1': (1, 2), 'v2': (0, 1)}


def test_a_person_without_any_box_is_missed_and_multilabel_counts_any_true_action():
    rows = [AVARow('v', 902, A, 1, 0), AVARow('v', 902, A, 2, 0), AVARow('w', 902, B, 1, 0)]
    out = po.person_outcomes(rows, _dets('v', 902, A, {1: 0.2, 2: 0.8}))
    assert [o.outcome for o in out] == [po.RIGHT, po.MISSED]  # walk is one of the person's actions
    assert out[1].best_iou == 0.0 and out[1].predicted is None


def test_pick_clips_prefers_a_perfect_video_showing_more_actions_and_a_wrong_action_first():
    rows = [AVARow('a', 901, A, 1, 0), AVARow('b', 901, A, 1, 0), AVARow('b', 901, B, 2, 1),
            AVARow('c', 901, A, 3, 0), AVARow('c', 902, A, 3, 0)]
    dets = (_dets('a', 901, A, {1: 0.9}) + _dets('b', 901, A, {1: 0.9})
            + _dets('b', 901, B, {2: 0.8}) + _dets('c', 902, A, {1: 0.6, 3: 0.3}))
    success, failure = po.pick_clips(po.person_outcomes(rows, dets), prefer=(1, 2, 3))
    assert success == 'b'  # a and b are both perfect; b shows wave and walk
    assert failure.video_id == 'c' and failure.timestamp == 902 and failure.outcome == po.WRONG
    assert po.pick_clips([]) == (None, None)
    only_wrong = po.person_outcomes(rows[-2:], dets)
    assert po.pick_clips(only_wrong)[0] == 'c'  # no perfect video: the best share (0 of 2 here)
