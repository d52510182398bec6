"""course_lib.segments: every way a segment is written reads as one Segment; tIoU by mmaction."""
import pytest

from course_lib.segments import Segment, temporal_iou, to_segment

GT = [{'segment': [10.0, 30.0], 'label': 'Surfing'}, {'segment': [50.0, 90.0], 'label': 'Long jump'}]
PRED = [{'segment': [12.0, 30.0], 'score': 0.4}, {'segment': [50.0, 88.0], 'score': 0.9}]


def test_to_segment_reads_dicts_and_tuples():
    assert to_segment(GT[0]) == Segment(10.0, 30.0, 'Surfing', None)
    assert to_segment(PRED[1]) == Segment(50.0, 88.0, None, 0.9)
    assert to_segment((1, 2, 'a', 0.5)) == Segment(1.0, 2.0, 'a', 0.5)
    assert to_segment((1, 2, 0.5)) == Segment(1.0, 2.0, None, 0.5)
    with pytest.raises(ValueError, match=r'pred\[3\]: segment \[5.0, 2.0\] must have start <= end'):
        to_segment((5, 2), 'pred[3]')
    with pytest.raises(ValueError, match='needs a "segment"'):
        to_segment({'start': 1, 'end': 2})


def test_temporal_iou():
    a, b = Segment(0, 10), Segment(5, 15)
    assert temporal_iou(a, b) == pytest.approx(5 / 15)
    assert temporal_iou(a, Segment(20, 30)) == 0.0
    assert temporal_iou(a, a) == 1.0
    assert temporal_iou(Segment(5, 5), Segment(5, 5)) == 0.0  # two instants: no union
