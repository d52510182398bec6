"""course_lib.data.cvat: CVAT video XML, AVA -> CVAT -> AVA without loss, clear errors by line."""
import cv2
import numpy as np
import pytest

from course_lib.data import ava, cvat

LABELS = {1: 'wave', 2: 'walk', 5: 'talk to (a person)'}
FPS, T0 = 4, 900
# Canonical order (video, second, person, action). vid_b's person 0 skips second 902: a gap.
ROWS = [ava.AVARow('vid_a', 901, (0.1, 0.2, 0.5, 0.9), 1, 0),
        ava.AVARow('vid_a', 901, (0.1, 0.2, 0.5, 0.9), 5, 0),  # two actions at once
        ava.AVARow('vid_a', 901, (0.6, 0.1, 0.95, 0.8), 2, 3),
        ava.AVARow('vid_a', 902, (0.123, 0.257, 0.519, 0.903), 1, 0),
        ava.AVARow('vid_b', 901, (0.0, 0.0, 1.0, 1.0), 2, 0),
        ava.AVARow('vid_b', 903, (0.333, 0.001, 0.667, 0.999), 2, 0)]


@pytest.fixture
def ava_set(tmp_path):
    """An AVA CSV, label map and rawframes (vid_a 96 x 64, vid_b 80 x 48; 16 frames each)."""
    for video, (w, h) in {'vid_a': (96, 64), 'vid_b': (80, 48)}.items():
        folder = tmp_path / 'rawframes' / video
        folder.mkdir(parents=True)
        for k in range(1, 17):
            cv2.imwrite(str(folder / f'img_{k:05d}.jpg'), np.full((h, w, 3), 10 * k, np.uint8))
    csv = ava.write_csv(tmp_path / 'ava_val.csv', ROWS, LABELS)
    labels = ava.write_label_map(tmp_path / 'labels.pbtxt', LABELS)
    return tmp_path, csv, labels


def test_ava_to_cvat_to_ava_round_trips_exactly(ava_set, tmp_path):
    root, csv, labels = ava_set
    xmls = cvat.ava_to_cvat(csv, labels, root / 'rawframes', root / 'cvat', fps=FPS, timestamp_start=T0)
    assert [p.parent.name for p in xmls] == ['vid_a', 'vid_b']
    assert len(list((root / 'cvat' / 'vid_a' / 'images').glob('frame_*.jpg'))) == 16
    rows = cvat.cvat_to_ava(root / 'cvat', labels, root / 'back.csv', root / 'frames_back',
                            fps=FPS, timestamp_start=T0)
    assert rows == ROWS
    assert (root / 'back.csv').read_text() == csv.read_text()  # byte for byte
    back = cv2.imread(str(root / 'frames_back' / 'vid_a' / 'img_00016.jpg'))
    assert back.shape == (64, 96, 3) and abs(int(back.mean()) - 160) <= 2  # frame 16 kept its place


def test_cvat_xml_holds_pixels_actions_and_track_ends(ava_set):
    root, csv, labels = ava_set
    cvat.ava_to_cvat(csv, labels, root / 'rawframes', root / 'cvat', fps=FPS, timestamp_start=T0)
    video = cvat.read_cvat_video(root / 'cvat' / 'vid_a' / cvat.ANNOTATION_FILE)
    assert (video.width, video.height, video.size) == (96, 64, 16)
    assert video.actions == ['wave', 'walk', 'talk to (a person)']
    person0 = video.tracks[0]
    first = person0.boxes[0]
    assert first.frame == 4 and (first.xtl, first.ytl, first.xbr, first.ybr) == (9.6, 12.8, 48.0, 57.6)
    assert first.actions() == ['wave', 'talk to (a person)']
    assert [b.frame for b in person0.boxes] == [4, 8, 9] and person0.boxes[-1].outside
    gap = cvat.read_cvat_video(root / 'cvat' / 'vid_b' / cvat.ANNOTATION_FILE).tracks[0]
    # second 901 (frame 4), ended at frame 5 because AVA has no box at 902, back at 903 (frame 12)
    assert [(b.frame, b.outside) for b in gap.boxes] == [(4, False), (5, True), (12, False),
                                                         (13, True)]


def test_cvat_interpolates_between_keyframes(tmp_path):
    video = cvat.CvatVideo('clip', 100, 50, 12, ['wave'], [cvat.CvatTrack(7, 'person', [
        cvat.CvatBox(0, 10, 10, 30, 40, attributes={'wave': 'true'}),
        cvat.CvatBox(8, 50, 10, 70, 40, attributes={'wave': 'true'}),
        cvat.CvatBox(9, 50, 10, 70, 40, outside=True)])])
    path = cvat.write_cvat_video(tmp_path / 'clip' / cvat.ANNOTATION_FILE, video)
    rows = cvat.cvat_to_ava_rows(cvat.read_cvat_video(path), {1: 'wave'}, fps=4)
    assert [(r.timestamp, r.box, r.person_id) for r in rows] == [
        (900, (0.1, 0.2, 0.3, 0.8), 7),
        (901, (0.3, 0.2, 0.5, 0.8), 7),  # frame 4: halfway between the keyframes at 0 and 8
        (902, (0.5, 0.2, 0.7, 0.8), 7)]  # frame 8; frame 12 is past the end of the track


def _write(tmp_path, boxes_xml, labels_extra=''):
    path = tmp_path / 'c' / cvat.ANNOTATION_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        '<?xml version="1.0" encoding="utf-8"?>\n<annotations>\n<meta><task><name>c</name>\n'
        '<size>8</size>\n<labels><label><name>person</name><attributes>\n'
        '<attribute><name>wave</name></attribute>\n</attributes></label></labels>\n'
        '<original_size><width>100</width><height>50</height></original_size></task></meta>\n'
        '<track id="0" label="person">\n' + boxes_xml + '</track>\n</annotations>\n')
    return path


def test_bad_cvat_files_name_file_line_and_fix(tmp_path):
    path = _write(tmp_path, '<box frame="0" xtl="10" ytl="5" xbr="30" ybr="45"></box>\n'
                  '<box frame="4" xtl="80" ytl="5" xbr="120" ybr="45"></box>\n')
    with pytest.raises(cvat.CVATFormatError, match=r'annotations\.xml, line 11: .*not inside the '
                                                   r'100 x 50 frame'):
        cvat.read_cvat_video(path)
    path = _write(tmp_path, '<box frame="0" xtl="10" ytl="5" xbr="30" ybr="45">\n'
                  '<attribute name="jump">true</attribute></box>\n')
    with pytest.raises(cvat.CVATFormatError, match=r'line 11: attribute "jump" is not declared'):
        cvat.read_cvat_video(path)
    path = _write(tmp_path, '<box frame="x" xtl="10" ytl="5" xbr="30" ybr="45"></box>\n')
    with pytest.raises(cvat.CVATFormatError, match=r'line 10: frame="x" is not a whole number'):
        cvat.read_cvat_video(path)
    path.write_text('<annotations>\n<meta>\n</annotations>\n')
    with pytest.raises(cvat.CVATFormatError, match=r'line 3: not well-formed XML'):
        cvat.read_cvat_video(path)


def test_action_missing_from_label_map_names_the_box_line(tmp_path):
    path = _write(tmp_path, '<box frame="0" xtl="10" ytl="5" xbr="30" ybr="45">\n'
                  '<attribute name="wave">true</attribute></box>\n')
    with pytest.raises(cvat.CVATFormatError, match=r'line 10: action "wave" is not in the label map'):
        cvat.cvat_to_ava_rows(cvat.read_cvat_video(path), {1: 'walk'}, fps=4, path=path)


def test_malformed_ava_csv_stops_the_conversion_at_its_line(ava_set):
    root, csv, labels = ava_set
    csv.write_text(csv.read_text() + 'vid_a,0903,0.1,0.2,1.5,0.9,1,0\n')  # x2 > 1: pixels?
    with pytest.raises(ava.AVAFormatError, match=r'ava_val\.csv, line 7: .*not normalised'):
        cvat.ava_to_cvat(csv, labels, root / 'rawframes', root / 'cvat', fps=FPS)
    csv.write_text('vid_a,0903,0.1,0.2,0.5\n')
    with pytest.raises(ava.AVAFormatError, match=r'line 1: .*5 comma-separated fields'):
        cvat.ava_to_cvat(csv, labels, root / 'rawframes', root / 'cvat', fps=FPS)


def test_one_person_with_two_boxes_on_a_keyframe_is_refused():
    rows = [ava.AVARow('v', 901, (0.1, 0.1, 0.2, 0.2), 1, 0),
            ava.AVARow('v', 901, (0.5, 0.5, 0.6, 0.6), 2, 0)]
    with pytest.raises(ValueError, match='already has the box .* own person_id'):
        cvat.ava_rows_to_cvat(rows, LABELS, {'v': (10, 10, 8)}, fps=FPS)
