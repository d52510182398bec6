"""course_lib.format_examples: the lesson-01 figures are drawn from files the course's readers parse,
and mmaction's own datasets read those same files."""
import matplotlib

matplotlib.use('Agg')

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from course_lib.data import activitynet, annotation_lists, ava, frame_labels, spotting  # noqa: E402
from course_lib.video import VideoReadError, load_frames  # noqa: E402
from course_lib import format_examples as tasks  # noqa: E402


@pytest.fixture(scope='module')
def files(tmp_path_factory):
    return tasks.write_examples(tmp_path_factory.mktemp('tasks'))


@pytest.fixture(scope='module')
def frames():
    return load_frames(tasks.example_video(), short_side=36)


def test_readers_parse_the_hand_labels_back(files):
    from course_lib.inference.recognition import kinetics400_classes
    entry = annotation_lists.read_video_list(files.video_list)[0]
    assert (entry.path, kinetics400_classes()[entry.label]) == ('bigbuckbunny.mp4', 'stretching arm')
    raw = annotation_lists.read_rawframe_list(files.rawframe_list)[0]
    assert raw.total_frames == tasks.NUM_FRAMES == len(list((files.rawframes / raw.frame_dir).glob('*.jpg')))
    info = activitynet.read_annotations(files.anet_annotations)['v_bigbuckbunny']
    assert [(a['segment'][0], a['segment'][1], a['label']) for a in info['annotations']] == [
        (s, e, c) for s, e, c in tasks.SEGMENTS]
    feats = activitynet.read_features(files.anet_features / 'v_bigbuckbunny.csv')
    assert feats.shape == (16, 24) and np.allclose(feats.reshape(16, 3, 8).sum(-1), 1, atol=1e-4)
    labels = ava.read_label_map(files.ava_label_map)
    rows = ava.read_csv(files.ava_csv, labels)
    assert len(rows) == 7 and {labels[r.action_id] for r in rows if r.timestamp == 3} == {'stretch', 'yawn'}
    assert len(ava.read_proposals(files.ava_proposals)['bigbuckbunny,0001']) == 2
    classes = frame_labels.read_mapping(files.seg_mapping)
    per_frame = frame_labels.read_frame_labels(files.seg_ground_truth, classes)
    assert len(per_frame) == tasks.NUM_FRAMES and per_frame[70] == 'yawn'
    video, events = spotting.read_events(files.spotting)
    assert [(e.time, e.label) for e in events] == tasks.EVENTS


def test_mmaction_datasets_read_the_same_files(files):
    import course_lib  # noqa: F401
    from mmaction.datasets import ActivityNetDataset, AVADataset, RawframeDataset, VideoDataset
    video = VideoDataset(str(files.video_list), [], data_prefix=dict(video=str(files.videos)))
    assert video.get_data_info(0)['filename'] == str(files.videos / 'bigbuckbunny.mp4')
    assert video.get_data_info(0)['label'] == 333
    raw = RawframeDataset(str(files.rawframe_list), [], data_prefix=dict(img=str(files.rawframes)))
    assert raw.get_data_info(0)['total_frames'] == 132
    anet = ActivityNetDataset(str(files.anet_annotations), [],
                              data_prefix=dict(video=str(files.anet_features)))
    assert anet.get_data_info(0)['video_name'] == 'v_bigbuckbunny'
    st = AVADataset(str(files.ava_csv), [], label_file=str(files.ava_label_map), num_classes=7,
                    proposal_file=str(files.ava_proposals), data_prefix=dict(img=''))
    third = st.get_data_info(2)
    assert third['img_key'] == 'bigbuckbunny,0003'
    assert np.flatnonzero(third['gt_labels'][0]).tolist() == [3, 4]  # stretch, yawn


def test_figures_draw_what_the_files_say(files, frames):
    frames, fps = frames
    info = activitynet.read_annotations(files.anet_annotations)['v_bigbuckbunny']
    segs = [(a['segment'][0], a['segment'][1], a['label']) for a in info['annotations']]
    band = tasks.plot_localization(frames, fps, segs).axes[1]
    bars = sorted((round(p.get_x(), 2), round(p.get_x() + p.get_width(), 2))
                  for p in band.patches)
    assert bars == sorted((s, e) for s, e, _ in segs)
    assert len({p.get_y() for p in band.patches}) == 2  # stretch overlaps yawn: a second row
    classes = frame_labels.read_mapping(files.seg_mapping)
    per_frame = frame_labels.read_frame_labels(files.seg_ground_truth, classes)
    strip = tasks.plot_segmentation(frames, fps, per_frame, classes).axes[1].images[0]
    assert strip.get_array().ravel().tolist() == [classes.index(x) for x in per_frame]
    _, events = spotting.read_events(files.spotting)
    band = tasks.plot_spotting(frames, fps, [(e.time, e.label) for e in events]).axes[1]
    assert [line.get_xdata()[0] for line in band.lines] == [e.time for e in events]
    matplotlib.pyplot.close('all')


def test_spatiotemporal_figure_draws_the_boxes_on_keyframes(frames):
    frames, fps = frames
    h, w = frames.shape[1:3]
    box = (0.25, 0.25, 0.75, 0.75)
    fig = tasks.plot_spatiotemporal(frames, fps, {2: [(box, ['stretch'], 0)]})
    shown = fig.axes[0].images[0].get_array()
    assert shown.shape == frames[50].shape
    x1 = int(box[0] * w)
    assert not np.array_equal(shown[:, x1], frames[50][:, x1])  # the box's left edge is drawn
    matplotlib.pyplot.close('all')


def test_overlapping_segments_get_rows():
    assert tasks._rows([(0, 2, 'a'), (1, 3, 'b'), (2, 4, 'c'), (3.5, 5, 'd')]) == [0, 1, 0, 1]
    assert tasks._rows([(0, 3, 'a'), (1, 3, 'b'), (2.5, 5, 'c')]) == [0, 1, 2]


def test_a_malformed_annotation_file_gives_a_clear_error(files, tmp_path):
    bad = tmp_path / 'ava_example.csv'
    lines = files.ava_csv.read_text().splitlines()
    lines[3] = lines[3].replace('0.120', '120')  # a pixel coordinate slipped in
    bad.write_text('\n'.join(lines))
    with pytest.raises(ava.AVAFormatError, match=r'ava_example\.csv, line 4: .*not normalised'):
        ava.read_csv(bad)
    bad = tmp_path / 'bigbuckbunny.txt'
    bad.write_text(files.seg_ground_truth.read_text().replace('yawn\n', 'yawning\n', 1))
    with pytest.raises(frame_labels.FrameLabelError, match=r"line 69: 'yawning' is not in"):
        frame_labels.read_frame_labels(bad, frame_labels.read_mapping(files.seg_mapping))
    with pytest.raises(VideoReadError, match='not found'):
        load_frames(tmp_path / 'missing.mp4')
