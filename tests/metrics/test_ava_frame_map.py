"""course_lib.metrics.ava_frame_map: frame AP per class equals mmaction's AVA evaluation on a generated set."""
import numpy as np
import pytest

from course_lib.data import ava
from course_lib.data.synthetic import ava_actions as aa
from course_lib.metrics import frame_ap

TINY = aa.AVASetSpec(train_videos=3, val_videos=2, width=64, height=48, seconds=4, fps=4)


@pytest.fixture(scope='module')
def tiny_set(tmp_path_factory):
    return aa.generate_ava_actions(tmp_path_factory.mktemp('ava'), TINY, progress=False)


def test_frame_ap_matches_mmaction_and_rewards_correct_detections(tiny_set, tmp_path):
    import course_lib  # noqa: F401
    from mmaction.evaluation.functional import ava_eval
    rows = ava.read_csv(tiny_set.csv('val'))
    perfect = [ava.AVADetection(r.video_id, r.timestamp, r.box, r.action_id, 0.9) for r in rows]
    assert frame_ap(rows, perfect, aa.ACTIONS) == {a: 1.0 for a in {r.action_id for r in rows}}
    rng = np.random.default_rng(0)
    present = sorted({r.action_id for r in rows})  # mmaction's ava_eval fails on a class without
    # ground truth under NumPy 2 (np.NAN), so guess only the actions the tiny split has
    mixed = [ava.AVADetection(r.video_id, r.timestamp, r.box, a, float(rng.random()))
             for r in rows for a in present]  # every action guessed with a random score
    ours = frame_ap(rows, mixed, aa.ACTIONS)
    assert 0 < np.mean(list(ours.values())) < 1
    result = tmp_path / 'result.csv'
    result.write_text(''.join(f'{d.video_id},{d.timestamp},{d.box[0]},{d.box[1]},{d.box[2]},'
                              f'{d.box[3]},{d.action_id},{d.score}\n' for d in mixed))
    theirs = ava_eval(str(result), 'mAP', str(tiny_set.label_map), str(tiny_set.csv('val')), None,
                      verbose=False)
    assert np.mean(list(ours.values())) == pytest.approx(theirs['overall'])
