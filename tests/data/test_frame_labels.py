"""course_lib.data.frame_labels: MS-TCN per-frame labels, runs, clear errors."""
import pytest

from course_lib.data import frame_labels as fl


def test_round_trip_exact_text_and_runs(tmp_path):
    mapping = fl.write_mapping(tmp_path / 'mapping.txt', ['background', 'take_bowl', 'pour'])
    assert mapping.read_text() == '0 background\n1 take_bowl\n2 pour\n'
    labels = ['background'] * 3 + ['take_bowl'] * 2 + ['pour'] + ['background']
    path = fl.write_frame_labels(tmp_path / 'groundTruth' / 'v.txt', labels)
    classes = fl.read_mapping(mapping)
    assert fl.read_frame_labels(path, classes) == labels
    assert fl.to_segments(labels) == [(0, 3, 'background'), (3, 5, 'take_bowl'), (5, 6, 'pour'),
                                      (6, 7, 'background')]


def test_errors_name_file_and_line(tmp_path):
    gt = tmp_path / 'v.txt'
    gt.write_text('pour\npour\n\npour\n')
    with pytest.raises(fl.FrameLabelError, match=r'v\.txt, line 3: empty line'):
        fl.read_frame_labels(gt)
    gt.write_text('pour\nstir\n')
    with pytest.raises(fl.FrameLabelError, match=r"line 2: 'stir' is not in the mapping"):
        fl.read_frame_labels(gt, ['pour'])
    mapping = tmp_path / 'mapping.txt'
    mapping.write_text('0 pour\n2 stir\n')
    with pytest.raises(fl.FrameLabelError, match=r'mapping\.txt, line 2: .*id 1'):
        fl.read_mapping(mapping)
    with pytest.raises(fl.FrameLabelError, match='one word'):
        fl.write_frame_labels(gt, ['take bowl'])
