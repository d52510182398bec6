"""Lesson 08's demos run on a file of the data set's own test split, found from the config in every
profile (tasks.recognizer_test_video, tasks.detection_test_image)."""
import json

import pytest
from mmengine.config import ConfigDict

from course_lib.errors import MissingFileError
from course_lib.export import tasks


def _detector_cfg(root):
    return ConfigDict(test_dataloader=dict(dataset=dict(
        data_root=str(root) + '/', ann_file='test/_annotations.coco.json', data_prefix=dict(img='test/'))))


def test_the_detection_test_image_is_the_first_of_the_configs_test_annotations(tmp_path):
    (tmp_path / 'test').mkdir()
    (tmp_path / 'test/_annotations.coco.json').write_text(json.dumps(
        {'images': [{'id': 3, 'file_name': 'b.jpg'}, {'id': 1, 'file_name': 'a.jpg'}]}))
    assert tasks.detection_test_image(_detector_cfg(tmp_path)) == tmp_path / 'test' / 'b.jpg'


def test_a_missing_or_empty_test_split_names_its_file_and_the_lesson(tmp_path):
    with pytest.raises(MissingFileError, match=r'_annotations\.coco\.json does not exist.*lesson 06'):
        tasks.detection_test_image(_detector_cfg(tmp_path))
    (tmp_path / 'test').mkdir()
    (tmp_path / 'test/_annotations.coco.json').write_text('{"images": []}')
    with pytest.raises(MissingFileError, match='lists no image'):
        tasks.detection_test_image(_detector_cfg(tmp_path))


def test_the_recognizer_test_video_is_the_last_of_the_test_list(tmp_path):
    lists = tmp_path / 'lists'
    lists.mkdir()
    (lists / 'classes.txt').write_text('run\nwave\n')
    (lists / 'set_test_split_1_videos.txt').write_text('run/x.avi 0\nwave/y.avi 1\n')
    cfg = ConfigDict(test_dataloader=dict(dataset=dict(ann_file=str(lists / 'set_test_split_1_rawframes.txt'))))
    assert tasks.recognizer_test_video(cfg) == (tmp_path / 'videos' / 'wave/y.avi', 1, ['run', 'wave'])
