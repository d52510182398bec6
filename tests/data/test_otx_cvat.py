"""course_lib.data.otx_cvat: the OTX 1.x action-detection layout, both ways, and its errors by line."""
import importlib.util
import pickle
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

from course_lib.data import ava, cvat, cvat_folders, otx_cvat
from course_lib.data.synthetic.otx_clip import write_otx_clip
from course_lib.jobs import otx_ava

FIXTURE = Path(__file__).resolve().parents[1] / 'fixtures' / 'otx_jhmdb'
SCRIPTS = Path(__file__).resolve().parents[2] / 'data_scripts'


def _script(name):
    spec = importlib.util.spec_from_file_location(name, SCRIPTS / f'{name}.py')
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _start_script(name, *args) -> subprocess.Popen:
    """Start a data script as a learner does (in the background: its interpreter mostly imports the
    course, while the test goes on in process); _failed_in_one_line(process) collects it."""
    return subprocess.Popen([sys.executable, str(SCRIPTS / f'{name}.py'), *map(str, args)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _failed_in_one_line(process: subprocess.Popen) -> str:
    """Wait for a started script; check it failed in one line without a traceback; its stderr."""
    try:
        _, stderr = process.communicate(timeout=300)
    except subprocess.TimeoutExpired:
        process.kill()
        raise
    done = subprocess.CompletedProcess(process.args, process.returncode, '', stderr)
    assert done.returncode != 0 and 'Traceback' not in done.stderr
    assert done.stderr.strip().count('\n') == 0, done.stderr
    return done.stderr


def _otx_xml(tracks, size=10, width=24, height=24, labels=('EmptyFrame', 'wave', 'walk', '3')):
    """An annotations.xml as OTX writes it (meta block of 12 + labels lines), then the tracks."""
    names = ''.join(f'<label><name>{n}</name><attributes></attributes></label>' for n in labels)
    return ("<?xml version='1.0' encoding='UTF-8'?>\n<annotations>\n<version>1.1</version>\n"
            f'<meta><task><id>0</id><name>v0</name><size>{size}</size>\n'
            '<mode>interpolation</mode><start_frame>0</start_frame>\n'
            f'<stop_frame>{size - 1}</stop_frame>\n<labels>{names}</labels>\n'
            f'<original_size><width>{width}</width><height>{height}</height></original_size>\n'
            '</task></meta>\n' + ''.join(
                f'<track id="{tid}" label="{label}">\n<box frame="{frame}" outside="0" occluded="0" '
                f'xtl="{x1}" ytl="{y1}" xbr="{x2}" ybr="{y2}" z_order="0" label="{label}"></box>\n'
                '</track>\n' for tid, label, frame, (x1, y1, x2, y2) in tracks)
            + '</annotations>\n')


def _clip(split_root, name, tracks, images=(), **kw):
    """Write a clip folder: annotations.xml, and images/frame_NNNNNN.png for the given frames."""
    folder = Path(split_root) / name
    folder.mkdir(parents=True, exist_ok=True)
    (folder / cvat.ANNOTATION_FILE).write_text(_otx_xml(tracks, **kw))
    if images:
        (folder / 'images').mkdir(exist_ok=True)
    for frame in images:
        cv2.imwrite(str(folder / 'images' / f'frame_{frame:06d}.png'),
                    np.full((24, 24, 3), 20 * frame, np.uint8))
    return folder / cvat.ANNOTATION_FILE


EMPTY = (0, 0, 0, 0)
LABELS = {1: 'wave', 2: 'walk', 3: 'jump'}
# the line of track k's <box> in _otx_xml: 9 meta lines, then 3 lines per track
BOX_LINE = lambda k: 10 + 3 * k + 1  # noqa: E731


@pytest.fixture
def tutorial_split(tmp_path):
    """Two clips covering the layout's features, and a train.pkl."""
    split = tmp_path / 'otx' / 'train'
    # clip a: normalised; zero-padded frames; one person waving + walking on frame 2 (two tracks,
    # same box); two persons on frame 3 with the same track id 0; frame 12 outside stop_frame 9;
    # label "3" is an id of the label map; EmptyFrame on frames 0, 1; images for frames 0-3, 12
    _clip(split, 'clip_a', [(0, 'EmptyFrame', '00', EMPTY), (0, 'EmptyFrame', '01', EMPTY),
                            (0, 'wave', '02', (0.1, 0.2, 0.5, 0.9)),
                            (0, 'walk', '02', (0.1, 0.2, 0.5, 0.9)),
                            (0, 'walk', '03', (0.6, 0.1, 0.95, 0.8)),
                            (0, '3', '03', (0.05, 0.1, 0.3, 0.7)),
                            (0, 'wave', '12', (0.25, 0.25, 0.75, 0.75))], images=(0, 1, 2, 3, 12))
    # clip b: pixel boxes in a 32 x 24 frame, annotation-only (no images/)
    _clip(split, 'clip_b', [(0, 'walk', '1', (8, 0, 24, 24)), (0, 'EmptyFrame', '2', EMPTY)],
          width=32)
    with open(tmp_path / 'otx' / 'train.pkl', 'wb') as f:
        pickle.dump({'clip_a,0002': np.array([[0.1, 0.2, 0.5, 0.9, 0.97]]),
                     'clip_a,3': np.array([[0.6, 0.1, 0.95, 0.8, 0.9], [0.05, 0.1, 0.3, 0.7, 0.8]]),
                     'clip_b,0001': np.array([[0.25, 0.0, 0.75, 1.0]]),
                     'other_video,0001': np.array([[0.1, 0.1, 0.2, 0.2, 0.5]])}, f)
    return split


def test_every_feature_of_the_tutorial_layout_converts_to_ava_rows(tutorial_split, tmp_path):
    labels = ava.write_label_map(tmp_path / 'labels.pbtxt', LABELS)
    done = cvat_folders.cvat_folder_to_ava(tutorial_split, tmp_path / 'ava' / 'train.csv', labels,
                                           tmp_path / 'rawframes', fps=1, timestamp_start=0)
    assert done.rows == [
        ava.AVARow('clip_a', 2, (0.1, 0.2, 0.5, 0.9), 1, 0),  # one person, two actions
        ava.AVARow('clip_a', 2, (0.1, 0.2, 0.5, 0.9), 2, 0),
        ava.AVARow('clip_a', 3, (0.6, 0.1, 0.95, 0.8), 2, 0),  # ids all 0: numbered per frame
        ava.AVARow('clip_a', 3, (0.05, 0.1, 0.3, 0.7), 3, 1),  # label "3" is id 3 (jump)
        ava.AVARow('clip_a', 12, (0.25, 0.25, 0.75, 0.75), 1, 0),  # past stop_frame: kept
        ava.AVARow('clip_b', 1, (0.25, 0.0, 0.75, 1.0), 2, 0)]  # pixels / (32, 24)
    # EmptyFrame frames 0, 1 of clip_a and 2 of clip_b gave no row; the CSV is AVA's
    assert ava.read_csv(tmp_path / 'ava' / 'train.csv', LABELS) == done.rows
    # rawframes: img_{f+1} is frame f; frames 4..11, missing from images/, repeat frame 3
    frames = sorted(p.name for p in (tmp_path / 'rawframes' / 'clip_a').iterdir())
    assert frames == [f'img_{k:05d}.jpg' for k in range(1, 14)]
    means = [int(cv2.imread(str(tmp_path / 'rawframes' / 'clip_a' / f)).mean()) for f in frames]
    assert [round(m / 20) for m in means] == [0, 1, 2, 3] + [3] * 8 + [12]
    assert done.without_images == ['clip_b'] and not (tmp_path / 'rawframes' / 'clip_b').exists()
    # proposals: keys of this split's clips, frame -> second, zero-padded or not
    props = ava.read_proposals(done.proposals_file)
    assert done.proposals_file.name == 'ava_dense_proposals_train.pkl'
    assert sorted(props) == ['clip_a,0002', 'clip_a,0003', 'clip_b,0001']
    assert props['clip_a,0003'].shape == (2, 5) and props['clip_b,0001'].shape == (1, 4)


def test_layout_is_detected_from_the_xml(tutorial_split, tmp_path):
    assert cvat_folders.layout_of(tutorial_split / 'clip_a' / cvat.ANNOTATION_FILE) == 'otx'
    course = cvat.CvatVideo('c', 100, 50, 4, ['wave'], [cvat.CvatTrack(0, 'person', [
        cvat.CvatBox(0, 10, 10, 30, 40, attributes={'wave': 'true'})])])
    path = cvat.write_cvat_video(tmp_path / 'course' / 'c' / cvat.ANNOTATION_FILE, course)
    assert cvat_folders.layout_of(path) == 'cvat'
    rows = cvat_folders.cvat_folder_to_ava(tmp_path / 'course', tmp_path / 'c.csv',
                                           ava.write_label_map(tmp_path / 'l.txt', {1: 'wave'}, 'txt'),
                                           fps=4).rows
    assert rows == [ava.AVARow('c', 900, (0.1, 0.2, 0.3, 0.8), 1, 0)]
    with pytest.raises(ValueError, match=r'person tracks with action attributes: pass the label map'):
        cvat_folders.cvat_folder_to_ava(tmp_path / 'course', tmp_path / 'c.csv', fps=4)


def test_label_map_is_built_as_otx_numbers_labels(tutorial_split, tmp_path):
    done = cvat_folders.otx_to_ava(tutorial_split, tmp_path / 'a.csv')  # no --labels
    # OTX sorts the label names (EmptyFrame left out) and numbers them from 1
    assert done.label_map == {1: '3', 2: 'walk', 3: 'wave'}
    assert ava.read_label_map(done.label_file) == done.label_map
    assert {r.action_id for r in done.rows if r.timestamp == 2} == {2, 3}
    clip = otx_cvat.read_otx_clip(tutorial_split / 'clip_a' / cvat.ANNOTATION_FILE)
    assert otx_cvat.otx_label_map([clip]) == {1: '3', 2: 'walk', 3: 'wave'}
    numeric = otx_cvat.OtxClip(clip.path, 24, 24, [], [], ['2', '10'], False)
    assert otx_cvat.otx_label_map([numeric]) == {2: '2', 10: '10'}  # numeric labels keep their id


ROWS = [ava.AVARow('vid_a', 901, (0.1, 0.2, 0.5, 0.9), 1, 0),
        ava.AVARow('vid_a', 901, (0.1, 0.2, 0.5, 0.9), 3, 0),  # two actions at once
        ava.AVARow('vid_a', 901, (0.6, 0.1, 0.95, 0.8), 2, 3),  # person ids need not be 0, 1
        ava.AVARow('vid_a', 903, (0.123, 0.257, 0.519, 0.903), 1, 0),  # second 902: no one
        ava.AVARow('vid_b', 900, (0.0, 0.0, 1.0, 1.0), 2, 5)]


@pytest.fixture
def ava_set(tmp_path):
    """AVA CSV, label map, proposals and rawframes (vid_a 40 x 32, vid_b 32 x 24; 8 frames each)."""
    for video, (w, h) in {'vid_a': (40, 32), 'vid_b': (32, 24)}.items():
        folder = tmp_path / 'rawframes' / video
        folder.mkdir(parents=True)
        for k in range(1, 9):
            cv2.imwrite(str(folder / f'img_{k:05d}.jpg'), np.full((h, w, 3), 25 * k, np.uint8))
    csv = ava.write_csv(tmp_path / 'ava_val.csv', ROWS, LABELS)
    labels = ava.write_label_map(tmp_path / 'labels.pbtxt', LABELS)
    props = ava.write_proposals(tmp_path / 'props.pkl', {
        'vid_a,0901': np.array([[0.1, 0.2, 0.5, 0.9, 0.9]]), 'vid_a,0902': np.zeros((0, 5)),
        'vid_b,0900': np.array([[0.0, 0.0, 1.0, 1.0, 0.7]]),
        'vid_a,0950': np.array([[0.1, 0.1, 0.2, 0.2, 0.5]])})  # past the video's end: dropped
    return csv, labels, props


def test_ava_to_otx_to_ava_round_trips_exactly(ava_set, tmp_path):
    csv, labels, props = ava_set
    fps, t0 = 2, 900
    xmls = cvat_folders.ava_to_otx(csv, labels, tmp_path / 'rawframes', tmp_path / 'otx' / 'test',
                                   fps, t0, props)
    assert [p.parent.name for p in xmls] == ['vid_a', 'vid_b']
    assert (tmp_path / 'otx' / 'test.pkl').is_file()  # next to the split folder, as OTX reads it
    clip = otx_cvat.read_otx_clip(xmls[0])
    assert clip.frames == list(range(8)) and not clip.pixel_boxes  # every frame has a track
    assert [p.frame for p in clip.persons] == [2, 2, 6]  # seconds 901, 903 at 2 fps from 900
    assert clip.persons[0].actions == ('wave', 'jump')
    text = xmls[0].read_text()
    assert text.count('label="EmptyFrame"') == 2 * 6  # frames 0, 1, 3, 4, 5, 7 (track + box)
    assert (tmp_path / 'otx' / 'test' / 'vid_a' / 'images' / 'frame_000007.png').is_file()
    done = cvat_folders.otx_to_ava(tmp_path / 'otx' / 'test', tmp_path / 'back' / 'ava_val.csv', labels,
                                   tmp_path / 'frames_back', fps=fps, timestamp_start=t0)
    assert done.rows == ROWS
    assert (tmp_path / 'back' / 'ava_val.csv').read_text() == csv.read_text()  # byte for byte
    back, sent = ava.read_proposals(done.proposals_file), ava.read_proposals(props)
    assert sorted(back) == ['vid_a,0901', 'vid_a,0902', 'vid_b,0900']
    assert all(np.array_equal(back[k], sent[k]) for k in back)
    frame = cv2.imread(str(tmp_path / 'frames_back' / 'vid_a' / 'img_00008.jpg'))
    assert frame.shape == (32, 40, 3) and abs(int(frame.mean()) - 200) <= 2  # frame 8 kept its place


def test_one_based_sets_get_a_first_rawframe_and_annotation_only_copies_none(tmp_path):
    """OTX's converter names frames after 1-based rawframes: frame_000000.png does not exist."""
    _clip(tmp_path / 's', 'c', [(0, 'wave', 1, (0.1, 0.1, 0.5, 0.5)), (0, 'EmptyFrame', 2, EMPTY)],
          images=(1, 2))
    done = cvat_folders.otx_to_ava(tmp_path / 's', tmp_path / 'a.csv',
                                   ava.write_label_map(tmp_path / 'l.pbtxt', LABELS), tmp_path / 'f')
    assert [r.timestamp for r in done.rows] == [1]  # frame 1 is second 1, rawframe img_00002
    means = [int(cv2.imread(str(tmp_path / 'f' / 'c' / f'img_{k:05d}.jpg')).mean()) for k in (1, 2, 3)]
    assert [round(m / 20) for m in means] == [1, 1, 2]  # img_00001 repeats frame 1
    out = cvat_folders.ava_to_otx(tmp_path / 'a.csv', tmp_path / 'l.pbtxt', tmp_path / 'f',
                                  tmp_path / 'bare', copy_frames=False)
    assert not (out[0].parent / 'images').exists()
    assert cvat_folders.otx_to_ava(tmp_path / 'bare', tmp_path / 'b.csv', tmp_path / 'l.pbtxt',
                                   tmp_path / 'f2').without_images == ['c']


def test_otx_to_ava_to_otx_keeps_the_annotations(tutorial_split, tmp_path):
    labels = ava.write_label_map(tmp_path / 'labels.pbtxt', LABELS)
    first = cvat_folders.otx_to_ava(tutorial_split, tmp_path / 'a.csv', labels, tmp_path / 'frames')
    # clip_b has no frames, so only clip_a goes back to OTX
    clip_a = [r for r in first.rows if r.video_id == 'clip_a']
    ava.write_csv(tmp_path / 'a_only.csv', clip_a, LABELS)
    cvat_folders.ava_to_otx(tmp_path / 'a_only.csv', labels, tmp_path / 'frames', tmp_path / 'again')
    again = cvat_folders.otx_to_ava(tmp_path / 'again', tmp_path / 'b.csv', labels)
    assert again.rows == clip_a


def test_checked_in_fixture_is_what_write_otx_clip_writes(tmp_path):
    for split in ('train', 'test'):
        made = write_otx_clip(tmp_path, split, seed=0, index=int(split == 'test'))
        kept = FIXTURE / split / made.parent.name / cvat.ANNOTATION_FILE
        assert kept.read_text() == made.read_text(), f'regenerate {FIXTURE} with write_otx_clip'
        for png in sorted((made.parent / 'images').iterdir()):
            ours = cv2.imread(str(png)).astype(int)
            assert np.abs(ours - cv2.imread(str(kept.parent / 'images' / png.name))).mean() < 1
        ours, theirs = (otx_cvat.read_otx_proposals(r / f'{split}.pkl') for r in (tmp_path, FIXTURE))
        assert ours.keys() == theirs.keys() and all(np.array_equal(ours[k], theirs[k]) for k in ours)


def test_fixture_has_the_tutorial_layout_and_converts(tmp_path):
    clips = sorted(FIXTURE.glob('*/*/annotations.xml'))
    assert [p.parent.parent.name for p in clips] == ['test', 'train']
    assert (FIXTURE / 'train.pkl').is_file() and (FIXTURE / 'test.pkl').is_file()
    clip = otx_cvat.read_otx_clip(clips[1])
    assert clip.frames == list(range(8)) and [p.frame for p in clip.persons][0] == 1
    assert not clip.persons_at(0) and not clip.persons_at(7)  # EmptyFrame frames
    assert sorted(otx_cvat.image_files(clips[1].parent)) == list(range(8))
    assert clip.image(3).shape == (64, 96, 3)
    done = cvat_folders.cvat_folder_to_ava(FIXTURE / 'train', tmp_path / 'ava_train.csv',
                                           frames_root=tmp_path / 'rawframes', fps=1, timestamp_start=0)
    assert sorted({r.timestamp for r in done.rows}) == [1, 2, 3, 4, 5, 6]  # frame f -> second f
    assert sorted(ava.read_proposals(done.proposals_file)) == sorted(
        {r.img_key for r in done.rows})
    assert len(list((tmp_path / 'rawframes' / clip.name).glob('img_*.jpg'))) == 8


def test_prepare_otx_ava_writes_the_lesson_07_files(tmp_path):
    root = tmp_path / 'jhmdb_ava'
    sources = otx_ava.prepare_otx_ava(FIXTURE, root, LABELS)
    assert sources == {'train': 'train.pkl', 'val': 'test.pkl'}
    from course_lib.data.synthetic import ava_actions
    data = ava_actions.existing_set(root)  # what lesson 07's full profile opens
    rows = ava.read_csv(data.csv('val'), LABELS)
    assert rows and min(r.timestamp for r in rows) == 2  # frame 1 -> second 2 (timestamp_start=1)
    first = rows[0]
    img = cv2.imread(str(data.rawframes / first.video_id / f'img_{first.timestamp:05d}.jpg'))
    clip = otx_cvat.read_otx_clip(next((FIXTURE / 'test').glob('*/annotations.xml')))
    assert np.abs(img.astype(int) - clip.image(first.timestamp - 1)[..., ::-1]).mean() < 3


# ----------------------------------------------------------------------------------------------
# malformed files


def test_bad_xml_names_file_and_line(tmp_path):
    path = _clip(tmp_path, 'c', [(0, 'wave', 0, (0.1, 0.1, 0.5, 0.5))])
    path.write_text(path.read_text().replace('</track>', '</trak>', 1))
    with pytest.raises(cvat.CVATFormatError, match=r'c/annotations\.xml, line 12: not well-formed'):
        otx_cvat.read_otx_clip(path)


def test_box_neither_normalised_nor_inside_the_frame_in_pixels(tmp_path):
    path = _clip(tmp_path, 'c', [(0, 'walk', 1, (6, 0, 18, 24)), (0, 'wave', 2, (4, 2, 500, 20))])
    with pytest.raises(cvat.CVATFormatError, match=rf'line {BOX_LINE(1)}: box \(4, 2, 500, 20\) is '
                                                   r'neither normalised .* 24 x 24 frame'):
        otx_cvat.read_otx_clip(path)
    path = _clip(tmp_path, 'c', [(0, 'walk', 1, (6, 0, 18, 24)), (0, 'wave', 2, (0.1, 0.1, 0.5, 0.5))])
    with pytest.raises(cvat.CVATFormatError, match=rf'line {BOX_LINE(1)}: .*looks normalised, but '
                                                   rf'line {BOX_LINE(0)} has pixels'):
        otx_cvat.read_otx_clip(path)
    path = _clip(tmp_path, 'c', [(0, 'wave', 2, (0.5, 0.1, 0.2, 0.5))])
    with pytest.raises(cvat.CVATFormatError, match=rf'line {BOX_LINE(0)}: .*x1 < x2'):
        otx_cvat.read_otx_clip(path)


def test_track_with_an_unknown_label(tmp_path):
    path = _clip(tmp_path / 's', 'c', [(0, 'EmptyFrame', 0, EMPTY), (0, 'dance', 1, (0.1, 0.1, 0.5, 0.5))],
                 labels=('EmptyFrame', 'dance'))
    with pytest.raises(cvat.CVATFormatError, match=rf'line {BOX_LINE(1)}: track label "dance" is '
                                                   r'neither a name nor an id of the label map'):
        cvat_folders.otx_to_ava(tmp_path / 's', tmp_path / 'a.csv',
                                ava.write_label_map(tmp_path / 'l.pbtxt', LABELS))
    path.write_text(path.read_text().replace('<name>dance</name>', '<name>wave</name>'))
    with pytest.raises(cvat.CVATFormatError, match=r'line 13: track label "dance" is not declared'):
        otx_cvat.read_otx_clip(path)


def test_proposal_pickles_of_the_wrong_shape(tmp_path):
    path = tmp_path / 'train.pkl'
    for content, why in [([1, 2], r'train\.pkl: proposals are a dict .* got list'),
                         ({'clip': np.zeros((1, 5))}, r"train\.pkl: key 'clip' is not \"video,frame\""),
                         ({'c,0001': np.zeros((2, 3))}, r"key 'c,0001': .*\(N, 4\) or \(N, 5\) .*"
                                                        r'shape \(2, 3\)'),
                         ({'c,1': np.array([[10, 10, 20, 20, 0.9]])}, r"key 'c,1': .*not normalised"),
                         ({'c,1': np.array([[0.1, 0.1, 0.2, 0.2, 3]])}, r'scores must lie in')]:
        with open(path, 'wb') as f:
            pickle.dump(content, f)
        with pytest.raises(ava.AVAFormatError, match=why):
            otx_cvat.read_otx_proposals(path)
    path.write_bytes(b'not a pickle')
    with pytest.raises(ava.AVAFormatError, match=r'train\.pkl: not a readable pickle'):
        otx_cvat.read_otx_proposals(path)


def test_proposals_of_another_split_are_refused(tutorial_split, tmp_path):
    with open(tutorial_split.parent / 'train.pkl', 'wb') as f:
        pickle.dump({'not_here,0001': np.array([[0.1, 0.1, 0.2, 0.2, 0.5]])}, f)
    with pytest.raises(ava.AVAFormatError, match=r'train\.pkl: none of its keys names a clip folder'):
        cvat_folders.otx_to_ava(tutorial_split, tmp_path / 'a.csv')


def test_frames_that_are_not_whole_seconds_say_how_to_convert(tutorial_split, tmp_path):
    with pytest.raises(cvat.CVATFormatError, match=r'clip_a/annotations\.xml, line \d+: frame 3 is '
                                                   r'not a whole second at fps=2.*--fps 1 '
                                                   r'--timestamp-start 0'):
        cvat_folders.otx_to_ava(tutorial_split, tmp_path / 'a.csv', fps=2, timestamp_start=0)


def test_a_box_on_a_frame_without_image_is_refused(tmp_path):
    _clip(tmp_path / 's', 'c', [(0, 'wave', 0, (0.1, 0.1, 0.5, 0.5)), (0, 'wave', 5, (0.1, 0.1, 0.5, 0.5))],
          images=(0, 1))
    with pytest.raises(cvat.CVATFormatError, match=rf'line {BOX_LINE(1)}: frame 5 has a box but '
                                                   r'images/frame_000005\.png is missing'):
        cvat_folders.otx_to_ava(tmp_path / 's', tmp_path / 'a.csv', frames_root=tmp_path / 'f')


def test_a_folder_mixing_layouts_or_a_data_set_root_is_explained(tutorial_split, tmp_path):
    course = cvat.CvatVideo('c', 100, 50, 4, ['wave'], [cvat.CvatTrack(0, 'person', [
        cvat.CvatBox(0, 10, 10, 30, 40, attributes={'wave': 'true'})])])
    cvat.write_cvat_video(tutorial_split / 'course_clip' / cvat.ANNOTATION_FILE, course)
    with pytest.raises(cvat.CVATFormatError, match='mixes two layouts'):
        cvat_folders.cvat_folder_to_ava(tutorial_split, tmp_path / 'a.csv', fps=1, timestamp_start=0)
    with pytest.raises(FileNotFoundError, match=r"It holds \['train'\]: pass one split folder"):
        cvat_folders.cvat_folder_to_ava(tutorial_split.parent, tmp_path / 'a.csv')


# ----------------------------------------------------------------------------------------------
# the scripts


def test_convert_script_both_ways_and_one_line_errors(tmp_path, capsys):
    # the default --fps 30 on this layout: one line, the file and line, the fix; no traceback
    failing = _start_script('convert_ava_cvat', 'cvat2ava', '--cvat', FIXTURE / 'train', '--ann',
                            tmp_path / 'b.csv')
    main = _script('convert_ava_cvat').main
    assert main(['cvat2ava', '--cvat', str(FIXTURE / 'train'), '--ann', str(tmp_path / 'a.csv'),
                 '--frames', str(tmp_path / 'rawframes'), '--fps', '1', '--timestamp-start', '0']) == 0
    out = capsys.readouterr().out
    assert 'AVA rows in' in out and 'ava_dense_proposals_train.pkl' in out
    assert main(['ava2cvat', '--layout', 'otx', '--ann', str(tmp_path / 'a.csv'), '--labels',
                 str(tmp_path / 'ava_action_list.pbtxt'), '--frames', str(tmp_path / 'rawframes'),
                 '--proposals', str(tmp_path / 'ava_dense_proposals_train.pkl'),
                 '--out', str(tmp_path / 'otx' / 'train'), '--fps', '1', '--timestamp-start', '0']) == 0
    assert (tmp_path / 'otx' / 'train.pkl').is_file()
    err = _failed_in_one_line(failing)
    assert 'annotations.xml, line' in err and '--fps 1' in err


def test_prepare_jhmdb_script_reads_the_otx_subset(tmp_path):
    failing = _start_script('prepare_jhmdb_ava', '--otx', tmp_path / 'nowhere', '--root', tmp_path / 'j2')
    main = _script('prepare_jhmdb_ava').main
    assert main(['--otx', str(FIXTURE), '--root', str(tmp_path / 'jhmdb')]) == 0
    labels = ava.read_label_map(tmp_path / 'jhmdb' / 'annotations' / 'ava_action_list.pbtxt')
    assert len(labels) == 21 and labels[21] == 'wave'  # JHMDB's ids, whatever the subset holds
    rows = ava.read_csv(tmp_path / 'jhmdb' / 'annotations' / 'ava_train.csv', labels)
    assert rows and {labels[r.action_id] for r in rows} <= {'wave', 'walk', 'jump'}
    err = _failed_in_one_line(failing)
    assert 'nowhere' in err
