"""The synthetic AVA-format set: actions really move as named, files are AVA's, mmaction reads them."""
import numpy as np
import pytest

from course_lib.data import ava
from course_lib.data.synthetic import ava_actions as aa

TINY = aa.AVASetSpec(train_videos=3, val_videos=2, width=64, height=48, seconds=4, fps=4)


def _track(action_id, seed, spec=aa.AVASetSpec()):
    rng = np.random.default_rng(seed)
    return aa._figure(action_id, rng, spec.frames, spec.fps, spec.width, spec.height,
                      (0, spec.width))


@pytest.mark.parametrize('seed', range(5))
def test_each_action_moves_as_its_name_says(seed):
    wave, walk, jump = (_track(a, seed) for a in (1, 2, 3))
    assert np.ptp(wave.x) == 0 and np.ptp(wave.y) == 0  # the body stays ...
    assert max(np.ptp(wave.arm_l), np.ptp(wave.arm_r)) > 1.0  # ... and one arm swings (radians)
    assert np.ptp(walk.x) > 15 and np.ptp(walk.y) == 0 and np.ptp(walk.legs) > 0.5
    assert np.ptp(jump.y) > 5 and np.ptp(jump.x) == 0
    assert np.sum(jump.y > jump.y.max() - 1.5) >= 2  # it lands on the ground more than once


def test_a_single_frame_does_not_tell_the_action():
    """Static poses are drawn from one distribution for every action (motion is the only cue)."""
    first = {a: np.array([[f.arm_l[0], f.arm_r[0], abs(f.legs[0])] for f in
                          (_track(a, s) for s in range(60))]) for a in (1, 2, 3)}
    means = np.array([first[a].mean(axis=0) for a in (1, 2, 3)])
    assert np.all(np.ptp(means, axis=0) < 0.45)  # class means of each pose angle stay close


def test_boxes_follow_the_figure():
    walk = _track(2, 0)
    spec = aa.AVASetSpec()
    b0, b1 = walk.box(0, spec.width, spec.height), walk.box(spec.fps, spec.width, spec.height)
    assert ava.check_box(b0) is None and b0 != b1
    centre = (b1[0] + b1[2]) / 2 * spec.width
    assert abs(centre - walk.x[spec.fps]) < 4


def test_jitter_and_degrade_proposals():
    rng = np.random.default_rng(0)
    boxes = np.array([[0.1, 0.2, 0.4, 0.9], [0.5, 0.1, 0.9, 0.7]] * 50)
    noisy = aa.jitter_boxes(boxes, rng, 0.04)
    assert all(ava.check_box(b) is None for b in noisy)
    iou = _iou(boxes, noisy)
    assert 0.75 < iou.mean() < 0.97 and iou.min() > 0.5
    props = {f'v,{900 + i:04d}': np.array([[0.1, 0.2, 0.4, 0.9, 1.0], [0.5, 0.1, 0.9, 0.7, 1.0]])
             for i in range(200)}
    half = aa.degrade_proposals(props, miss=0.5, seed=1)
    kept = sum(len(v) for v in half.values())
    assert 160 < kept < 240 and all(len(v) for v in half.values())
    assert aa.degrade_proposals(props) == {k: pytest.approx(v) for k, v in props.items()} or \
        all(np.array_equal(props[k], v) for k, v in aa.degrade_proposals(props).items())


def _iou(a, b):
    x1, y1 = np.maximum(a[:, 0], b[:, 0]), np.maximum(a[:, 1], b[:, 1])
    x2, y2 = np.minimum(a[:, 2], b[:, 2]), np.minimum(a[:, 3], b[:, 3])
    inter = np.clip(x2 - x1, 0, None) * np.clip(y2 - y1, 0, None)
    area = lambda z: (z[:, 2] - z[:, 0]) * (z[:, 3] - z[:, 1])  # noqa: E731
    return inter / (area(a) + area(b) - inter)


@pytest.fixture(scope='module')
def tiny_set(tmp_path_factory):
    return aa.generate_ava_actions(tmp_path_factory.mktemp('ava') / 'ava_actions', TINY,
                                   progress=False)


def test_generated_files_are_ava(tiny_set):
    labels = ava.read_label_map(tiny_set.label_map)
    assert labels == aa.ACTIONS
    for split, videos in (('train', 3), ('val', 2)):
        rows = ava.read_csv(tiny_set.csv(split), labels)
        assert {r.video_id for r in rows} == {f'{split}_{i:03d}' for i in range(videos)}
        assert {r.timestamp for r in rows} == {901, 902, 903}
        props = ava.read_proposals(tiny_set.proposals(split))
        assert set(props) == {r.img_key for r in rows}
        for key, persons in ava.group_by_keyframe(rows).items():
            assert len(props[key]) == len(persons)
            gt = np.array([b for b, _, _ in persons])
            best = np.array([_iou(np.repeat(g[None], len(props[key]), 0), props[key][:, :4]).max()
                             for g in gt])
            assert best.min() > 0.5  # noisy, but each person has its proposal
        assert tiny_set.excluded(split).read_text() == ''
    assert len(list((tiny_set.rawframes / 'val_001').glob('img_*.jpg'))) == TINY.frames
    gt_props = ava.read_proposals(tiny_set.gt_proposals)
    rows = ava.read_csv(tiny_set.csv('val'))
    assert all(np.allclose(gt_props[r.img_key][:, 4], 1) for r in rows)


def test_rerun_skips_and_another_spec_is_refused(tiny_set):
    before = tiny_set.csv('train').stat().st_mtime_ns
    aa.generate_ava_actions(tiny_set.root, TINY, progress=False)
    assert tiny_set.csv('train').stat().st_mtime_ns == before
    with pytest.raises(ValueError, match='another spec'):
        aa.generate_ava_actions(tiny_set.root, aa.AVASetSpec(seed=1), progress=False)


def test_mmaction_ava_dataset_loads_the_set_and_samples_the_keyframe(tiny_set):
    import course_lib  # noqa: F401
    from mmaction.datasets import AVADataset
    from mmaction.utils import register_all_modules
    register_all_modules()  # mmaction's transforms by their names, as a config's default_scope
    pipeline = [dict(type='SampleAVAFrames', clip_len=4, frame_interval=1, test_mode=True),
                dict(type='RawFrameDecode'),
                dict(type='FormatShape', input_format='NCTHW', collapse=True),
                dict(type='PackActionInputs')]
    data = AVADataset(str(tiny_set.csv('val')), pipeline, label_file=str(tiny_set.label_map),
                      exclude_file=str(tiny_set.excluded('val')),
                      proposal_file=str(tiny_set.proposals('val')),
                      data_prefix=dict(img=str(tiny_set.rawframes)), fps=TINY.fps,
                      timestamp_start=aa.TIMESTAMP_START,
                      timestamp_end=aa.TIMESTAMP_START + TINY.seconds, num_classes=4,
                      test_mode=True)
    rows = ava.read_csv(tiny_set.csv('val'))
    assert len(data) == len({r.img_key for r in rows})  # one sample per keyframe
    info = data.get_data_info(0)
    assert info['img_key'] == 'val_000,0901' and info['gt_labels'].shape[1] == 4
    sample = data[0]
    assert tuple(sample['inputs'].shape) == (3, 4, TINY.height, TINY.width)
    frames = tiny_set.frames('val_000')
    # the clip is the files around the keyframe (second 901 = frame 4, 0-based); mmaction adds
    # start_index twice, so the clip's middle element (index clip_len // 2) is one frame later
    centre = aa.keyframe_index(901, TINY.fps) + 1
    clip = sample['inputs'].numpy().transpose(1, 2, 3, 0)[:, :, :, ::-1]  # BGR -> RGB
    diffs = [np.abs(clip[2].astype(int) - frames[k].astype(int)).mean() for k in range(len(frames))]
    assert int(np.argmin(diffs)) == centre
    gt_boxes = sample['data_samples'].gt_instances.bboxes.numpy()
    assert gt_boxes.max() > 1  # pixels now: mmaction scaled the normalised boxes to the frame


def test_act_jhmdb_tubes_become_ava_rows():
    """ACT's JHMDB-GT.pkl layout -> AVA rows (frames as timestamps, every k-th frame)."""
    tube = np.array([[f, 10 + f, 20, 49 + f, 99] for f in range(1, 11)], dtype=float)
    gt = {'labels': ['brush_hair', 'catch'], 'resolution': {'catch/clip_a': (120, 160)},
          'gttubes': {'catch/clip_a': {1: [tube]}}}
    rows = ava.act_gt_to_ava_rows(gt, ['catch/clip_a'], keyframe_step=5)
    assert [(r.timestamp, r.action_id, r.person_id) for r in rows] == [(5, 2, 0), (10, 2, 0)]
    assert rows[0].box == (0.094, 0.167, 0.344, 0.833)  # (15, 20, 54 + 1, 99 + 1) / (160, 120)
    with pytest.raises(ava.AVAFormatError, match='no tubes'):
        ava.act_gt_to_ava_rows(gt, ['catch/clip_b'])


def test_figure_boxes_find_every_annotated_figure(tmp_path):
    """The synthetic world's person detector: one box per figure, overlapping its annotation."""
    from course_lib.metrics.person_outcomes import _iou
    spec = aa.AVASetSpec(train_videos=1, val_videos=4, seconds=3)
    data = aa.generate_ava_actions(tmp_path / 'set', spec, progress=False)
    rows = ava.read_csv(data.csv('val'), aa.ACTIONS)
    size = np.array([spec.width, spec.height] * 2)
    for key, persons in ava.group_by_keyframe(rows).items():
        video_id, ts = key.split(',')
        boxes = aa.figure_boxes(data.frames(video_id)[aa.keyframe_index(int(ts), spec.fps)])
        assert boxes.shape == (len(persons), 5)
        for box, _, _ in persons:
            assert _iou(np.array(box) * size, boxes[:, :4]).max() >= 0.6
    assert aa.figure_boxes(np.full((64, 96, 3), 40, np.uint8)).shape == (0, 5)  # background only


@pytest.mark.parametrize('seed', range(6))
def test_a_switching_figure_changes_action_once_between_keyframes(seed):
    spec = aa.AVASetSpec(switch=1.0)
    _, figures = aa.make_video(np.random.default_rng(seed), spec)
    for fig in figures:
        changes = np.flatnonzero(np.diff(fig.actions)) + 1
        assert len(changes) == 1 and fig.action_at(0) != fig.action_at(spec.frames - 1)
        second = changes[0] / spec.fps
        assert 1 < second < spec.seconds - 1 and abs(second - round(second)) >= 0.1  # between keyframes
        at = changes[0]
        assert abs(fig.x[at] - fig.x[at - 1]) < 3 and abs(fig.y[at] - fig.y[at - 1]) < 9  # no teleport
    _, still = aa.make_video(np.random.default_rng(seed), aa.AVASetSpec(switch=0.0))
    assert all(f.actions is None and f.action_at(5) == f.action_id for f in still)


def test_switching_persons_get_the_action_of_each_keyframe(tmp_path):
    spec = aa.AVASetSpec(train_videos=1, val_videos=3, switch=1.0)
    rows = ava.read_csv(aa.generate_ava_actions(tmp_path / 'set', spec, progress=False).csv('val'))
    tracks = {}
    for r in rows:
        tracks.setdefault((r.video_id, r.person_id), []).append((r.timestamp, r.action_id))
    for track in tracks.values():
        actions = [a for _, a in sorted(track)]
        assert len(set(actions)) == 2  # one change ...
        assert sum(a != b for a, b in zip(actions, actions[1:])) == 1  # ... once, in keyframe order


@pytest.mark.parametrize('seed', range(5))
def test_look_alike_motions_are_smaller_than_the_action(seed):
    spec = aa.AVASetSpec()
    track = lambda a: aa._figure(a, np.random.default_rng(seed), spec.frames, spec.fps, spec.width,  # noqa: E731
                                 spec.height, (0, spec.width), look_alike=1.0)
    wave, walk, jump = (track(a) for a in (1, 2, 3))
    wave_swing = max(np.ptp(wave.arm_l), np.ptp(wave.arm_r))
    for other in (walk, jump):  # an arm swings, less than a wave's
        assert 0.4 < max(np.ptp(other.arm_l), np.ptp(other.arm_r)) <= 1.0 < wave_swing
    for other in (wave, jump):  # steps on the spot: legs move, the body does not slide
        assert np.ptp(other.legs) > 0.3 and np.ptp(other.x) == 0
