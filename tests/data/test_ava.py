"""course_lib.data.ava: exact AVA text, round trips, mmaction reads what we write, clear errors."""
import pickle

import numpy as np
import pytest

from course_lib.data import ava
from course_lib.errors import InputError

ROWS = [ava.AVARow('vid_a', 902, (0.1, 0.2, 0.5, 0.9), 12, 0),
        ava.AVARow('vid_a', 902, (0.1, 0.2, 0.5, 0.9), 15, 0),  # same person, second action
        ava.AVARow('vid_a', 903, (0.55, 0.1, 0.95, 0.8), 80, 3)]
LABELS = {12: 'stand', 15: 'answer phone', 80: 'watch (a person)'}


def test_csv_text_is_avas_and_round_trips(tmp_path):
    path = ava.write_csv(tmp_path / 'a.csv', ROWS, LABELS)
    assert path.read_text().splitlines()[0] == 'vid_a,0902,0.100,0.200,0.500,0.900,12,0'
    assert ava.read_csv(path, LABELS) == ROWS


def test_group_by_keyframe_merges_actions_of_one_box():
    groups = ava.group_by_keyframe(ROWS)
    assert list(groups) == ['vid_a,0902', 'vid_a,0903']
    assert groups['vid_a,0902'] == [((0.1, 0.2, 0.5, 0.9), [12, 15], 0)]
    assert groups['vid_a,0903'] == [((0.55, 0.1, 0.95, 0.8), [80], 3)]


def test_mmaction_ava_dataset_reads_our_files(tmp_path):
    import course_lib  # noqa: F401
    from mmaction.datasets import AVADataset
    from mmaction.evaluation import read_labelmap
    csv = ava.write_csv(tmp_path / 'a.csv', ROWS)
    label_file = ava.write_label_map(tmp_path / 'labels.pbtxt', LABELS)
    proposals = ava.write_proposals(tmp_path / 'p.pkl', {
        'vid_a,0902': np.array([[0.1, 0.2, 0.5, 0.9, 0.95], [0.0, 0.0, 0.2, 0.2, 0.3]])})
    labelmap, ids = read_labelmap(open(label_file))
    assert ids == set(LABELS) and {x['id']: x['name'] for x in labelmap} == LABELS
    data = AVADataset(str(csv), pipeline=[], label_file=str(label_file),
                      proposal_file=str(proposals), data_prefix=dict(img=str(tmp_path)))
    first = data.get_data_info(0)
    assert first['img_key'] == 'vid_a,0902'
    np.testing.assert_allclose(first['gt_bboxes'], [[0.1, 0.2, 0.5, 0.9]])
    assert np.flatnonzero(first['gt_labels'][0]).tolist() == [12, 15]  # multi-hot over 81
    np.testing.assert_allclose(first['proposals'], [[0.1, 0.2, 0.5, 0.9]])  # 0.3 < 0.9 dropped


def test_label_map_both_formats_and_the_shipped_ava_map(tmp_path):
    for fmt in ('pbtxt', 'txt'):
        path = ava.write_label_map(tmp_path / f'l.{fmt}', LABELS, fmt=fmt)
        assert ava.read_label_map(path) == LABELS
    shipped = ava.read_label_map()
    assert len(shipped) == 60 and min(shipped) == 1 and max(shipped) == 80
    assert shipped[15] == 'answer phone' and shipped[80] == 'watch (a person)'


def test_malformed_rows_name_file_line_and_fix(tmp_path):
    bad = tmp_path / 'bad.csv'
    bad.write_text('vid_a,0902,0.1,0.2,0.5,0.9,12,0\nvid_a,0903,12,30,200,190,12,0\n')
    with pytest.raises(ava.AVAFormatError, match=r'bad\.csv, line 2: .*not normalised'):
        ava.read_csv(bad)
    bad.write_text('vid_a,0902,0.1,0.2,0.5,0.9,12\n')
    with pytest.raises(ava.AVAFormatError, match=r'line 1: .*7 comma-separated fields, expected 8'):
        ava.read_csv(bad)
    bad.write_text('vid_a,0902,0.5,0.2,0.1,0.9,12,0\n')
    with pytest.raises(ava.AVAFormatError, match='x1 < x2'):
        ava.read_csv(bad)
    bad.write_text('vid_a,0902,0.1,0.2,0.5,0.9,99,0\n')
    with pytest.raises(ava.AVAFormatError, match='99 is not in the label map'):
        ava.read_csv(bad, LABELS)
    with pytest.raises(ava.AVAFormatError, match='row 1'):
        ava.write_csv(tmp_path / 'w.csv', [ava.AVARow('v', 1, (0.1, 0.1, 0.2, 0.2), 0, 0)])


def test_malformed_label_maps(tmp_path):
    bad = tmp_path / 'l.txt'
    bad.write_text('1: stand\nsit\n')
    with pytest.raises(ava.AVAFormatError, match=r'l\.txt, line 2: .*`id: name`'):
        ava.read_label_map(bad)
    bad.write_text('1: stand\n1: sit\n')
    with pytest.raises(ava.AVAFormatError, match='line 2: id 1 appears twice'):
        ava.read_label_map(bad)
    bad = tmp_path / 'l.pbtxt'
    bad.write_text('item {\n  name: "stand"\n  id: 12\n}\nitem {\n  name: "sit"\n}\n')
    with pytest.raises(ava.AVAFormatError, match=r'l\.pbtxt, line 5: an item needs'):
        ava.read_label_map(bad)


def test_proposals_validated_on_write_and_read(tmp_path):
    with pytest.raises(ava.AVAFormatError, match='not normalised'):
        ava.write_proposals(tmp_path / 'p.pkl', {'v,0902': np.array([[10, 20, 100, 200, 0.9]])})
    with pytest.raises(ava.AVAFormatError, match='"video_id,TTTT"'):
        ava.write_proposals(tmp_path / 'p.pkl', {'v,902': np.array([[0.1, 0.1, 0.2, 0.2]])})
    raw = tmp_path / 'raw.pkl'
    raw.write_bytes(pickle.dumps({'v,0902': np.zeros((2, 3))}))
    with pytest.raises(ava.AVAFormatError, match=r"raw\.pkl, key 'v,0902'.*shape \(2, 3\)"):
        ava.read_proposals(raw)
    raw.write_bytes(b'not a pickle')
    with pytest.raises(ava.AVAFormatError, match='not a readable pickle'):
        ava.read_proposals(raw)


def test_the_video_rate_is_the_frames_rate_not_the_timestamps_where_they_count_frames():
    from course_lib.configs import for_lesson, config_path
    from mmengine.config import Config
    rates = {profile: ava.video_rate(Config.fromfile(str(config_path(for_lesson('07', 'detector', profile)))))
             for profile in ('smoke', 'full')}
    assert rates == {'smoke': 8.0, 'full': 30.0}  # JHMDB: timestamps are frames (fps=1), videos 30 fps


def test_the_keyframe_step_is_the_smallest_keyframe_gap_in_frames():
    rows = [ava.AVARow(v, t, (0.1, 0.1, 0.5, 0.5), 1) for v, t in
            [('a', 1), ('a', 6), ('a', 11), ('a', 11), ('b', 3), ('b', 13)]]
    assert ava.keyframe_step(rows, fps=1) == 5  # JHMDB's layout: a keyframe every 5th frame
    seconds = [ava.AVARow('v', t, (0.1, 0.1, 0.5, 0.5), 2) for t in (902, 903, 905)]
    assert ava.keyframe_step(seconds, fps=8) == 8  # one keyframe a second at 8 fps
    with pytest.raises(InputError, match='two keyframes'):
        ava.keyframe_step(rows[:1], fps=1)
