"""course_lib.data.splits on small files written in the official UCF101 and HMDB51 formats."""
import pytest

from course_lib.data.annotation_lists import (AnnotationError, RawframeEntry, VideoEntry,
                                              read_rawframe_list, read_video_list)
from course_lib.data.splits import read_hmdb51_split, read_ucf101_split, write_split_lists

# UCF101TrainTestSplits-RecognitionTask.zip, cut down: CRLF line ends as in the official files.
CLASS_IND = '1 ApplyEyeMakeup\r\n2 Archery\r\n3 HandstandPushups\r\n'
TRAINLIST = ('ApplyEyeMakeup/v_ApplyEyeMakeup_g08_c01.avi 1\r\n'
             'ApplyEyeMakeup/v_ApplyEyeMakeup_g08_c02.avi 1\r\n'
             'Archery/v_Archery_g08_c01.avi 2\r\n'
             'HandstandPushups/v_HandStandPushups_g08_c01.avi 3\r\n'
             'HandstandPushups/v_HandStandPushups_g09_c01.avi 3\r\n')
TESTLIST = ('ApplyEyeMakeup/v_ApplyEyeMakeup_g01_c01.avi\r\n'
            'Archery/v_Archery_g01_c01.avi\r\n'
            'Archery/v_Archery_g01_c02.avi\r\n')


@pytest.fixture()
def ucf101(tmp_path):
    root = tmp_path / 'ucfTrainTestlist'
    root.mkdir()
    (root / 'classInd.txt').write_text(CLASS_IND)
    (root / 'trainlist01.txt').write_text(TRAINLIST)
    (root / 'testlist01.txt').write_text(TESTLIST)
    return root


def hmdb51_files(root, split=1):
    """Three classes of testTrainMulti_7030_splits: 1 = train, 2 = test, 0 = unused (trailing spaces)."""
    root.mkdir(exist_ok=True)
    flags = {'brush_hair': '1 1 1 2 2 0', 'cartwheel': '1 1 2 0 0 0', 'wave': '1 2 2 2 0 1'}
    for name, values in flags.items():
        lines = [f'{name}_video_{i}.avi {flag} \n' for i, flag in enumerate(values.split())]
        (root / f'{name}_test_split{split}.txt').write_text(''.join(lines))
    (root / 'wave_test_split2.txt').write_text('wave_video_0.avi 2 \n')  # another split: ignored
    return root


def test_ucf101_counts_and_zero_based_labels(ucf101):
    split = read_ucf101_split(ucf101, 1)
    assert split.classes == ['ApplyEyeMakeup', 'Archery', 'HandstandPushups']
    assert split.counts() == {'train': 5, 'test': 3}
    assert [e.label for e in split.train] == [0, 0, 1, 2, 2]
    # the test list has no labels: they come from the folder name through classInd.txt
    assert split.test[2] == VideoEntry('Archery/v_Archery_g01_c02.avi', 1)


def test_ucf101_label_disagreeing_with_folder_names_the_line(ucf101):
    (ucf101 / 'trainlist01.txt').write_text(TRAINLIST + 'Archery/v_Archery_g09_c01.avi 1\r\n')
    with pytest.raises(AnnotationError, match=r'trainlist01\.txt, line 6: id 1 disagrees'):
        read_ucf101_split(ucf101, 1)


def test_hmdb51_flags_give_train_test_and_unused(tmp_path):
    split = read_hmdb51_split(hmdb51_files(tmp_path / 'splits'), 1)
    assert split.classes == ['brush_hair', 'cartwheel', 'wave']
    assert split.counts() == {'train': 3 + 2 + 2, 'test': 2 + 1 + 3}
    assert split.train[0] == VideoEntry('brush_hair/brush_hair_video_0.avi', 0)
    assert {e.path for e in split.test if e.label == 2} == {
        'wave/wave_video_1.avi', 'wave/wave_video_2.avi', 'wave/wave_video_3.avi'}
    assert read_hmdb51_split(tmp_path / 'splits', 2).counts() == {'train': 0, 'test': 1}


def test_hmdb51_bad_flag_names_file_and_line(tmp_path):
    root = hmdb51_files(tmp_path / 'splits')
    (root / 'cartwheel_test_split1.txt').write_text('a.avi 1\nb.avi 3\n')
    with pytest.raises(AnnotationError, match=r'cartwheel_test_split1\.txt, line 2'):
        read_hmdb51_split(root, 1)
    with pytest.raises(FileNotFoundError, match='prepare_action_dataset.py --dataset hmdb51'):
        read_hmdb51_split(tmp_path / 'nowhere', 1)


def test_write_split_lists_counts_extracted_frames(ucf101, tmp_path):
    frames = tmp_path / 'rawframes'
    for i, entry in enumerate(read_ucf101_split(ucf101).train[:3]):  # 2 of 5 not extracted
        folder = frames / entry.path[:-4]
        folder.mkdir(parents=True)
        for k in range(1, 4 + i + 1):
            (folder / f'img_{k:05d}.jpg').write_bytes(b'')
    written = write_split_lists(read_ucf101_split(ucf101), tmp_path / 'lists', frames)
    assert written['train_videos'].name == 'ucf101_train_split_1_videos.txt'
    assert len(read_video_list(written['train_videos'])) == 5
    assert read_rawframe_list(written['train_rawframes']) == [
        RawframeEntry('ApplyEyeMakeup/v_ApplyEyeMakeup_g08_c01', 4, 0),
        RawframeEntry('ApplyEyeMakeup/v_ApplyEyeMakeup_g08_c02', 5, 0),
        RawframeEntry('Archery/v_Archery_g08_c01', 6, 1)]
    assert read_rawframe_list(written['test_rawframes']) == []
    assert written['classes'].read_text().split() == ['ApplyEyeMakeup', 'Archery', 'HandstandPushups']


def test_a_set_in_ucf101_form_keeps_its_own_name_in_list_files(ucf101, tmp_path):
    split = read_ucf101_split(ucf101, 1, name='motion')
    assert split.dataset == 'motion' and split.counts() == {'train': 5, 'test': 3}
    written = write_split_lists(split, tmp_path / 'lists')
    assert written['test_videos'].name == 'motion_test_split_1_videos.txt'


def test_own_clips_in_class_folders_split_per_class(tmp_path):
    from course_lib.data.splits import split_class_folders
    for name, n in (('clap', 5), ('wave', 2), ('jump', 1)):
        (tmp_path / name).mkdir()
        for i in range(n):
            (tmp_path / name / f'{name}{i}.mp4').write_bytes(b'')
    split = split_class_folders(tmp_path, val_fraction=0.2, seed=0)
    assert split.classes == ['clap', 'jump', 'wave']
    held_out = {c: sum(e.label == i for e in split.test) for i, c in enumerate(split.classes)}
    assert held_out == {'clap': 1, 'jump': 0, 'wave': 1}  # at least one kept for training
    assert split.counts() == {'train': 6, 'test': 2}
    (tmp_path / 'loose.mp4').write_bytes(b'')
    with pytest.raises(AnnotationError, match='loose.mp4'):
        split_class_folders(tmp_path)


def test_prepare_ucf101_skips_downloads_when_files_are_there(tmp_path, monkeypatch):
    from course_lib.data import splits
    from course_lib.data.synthetic.motion_clips import MotionSetSpec, generate_motion_clips
    generate_motion_clips(tmp_path, MotionSetSpec(classes=('MoveUp', 'Grow'), train_per_class=2,
                                                  val_per_class=1, size=32, frames=4),
                          progress=False)
    monkeypatch.setattr(splits, 'download', lambda *a, **k: pytest.fail('tried to download'))
    written = splits.prepare_ucf101(tmp_path, short_side=None, progress=False)
    assert len(read_rawframe_list(written['train_rawframes'])) == 4
    assert read_rawframe_list(written['test_rawframes'])[0] == RawframeEntry(
        'MoveUp/v_MoveUp_g02_c01', 4, 0)


def test_the_official_archives_are_hub_entries_fetched_by_name(tmp_path, monkeypatch):
    from course_lib.data import splits
    from course_lib.fetch import HUB
    asked = []

    def offline(name, **kwargs):
        asked.append(name)
        raise OSError('offline')

    monkeypatch.setattr(splits, 'download', offline)
    for prepare in (splits.prepare_ucf101, splits.prepare_hmdb51):
        with pytest.raises(OSError):
            prepare(tmp_path / prepare.__name__, progress=False)
    assert asked == ['ucf101_splits', 'hmdb51_splits']
    for name in ('ucf101_splits', 'ucf101_videos', 'hmdb51_splits', 'hmdb51_videos'):
        # no published hash: download() records the sha256 of the first copy and checks later ones
        assert HUB[name].sha256 is None and HUB[name].url.startswith('http')
