"""Annotation values that cannot be right are refused (file, line, fix) or reported; a BOM is read right."""
from __future__ import annotations

import json

import numpy as np
import pytest

from course_lib.data import activitynet, ava, bccd, coco, cvat, voc
from course_lib.errors import FileFormatError

INFO = {'duration_second': 10.0, 'duration_frame': 300, 'feature_frame': 300}


def _anet(tmp_path, annotation: dict):
    path = tmp_path / 'anet_anno_train.json'
    path.write_text(json.dumps({'v_a': dict(INFO, annotations=[annotation])}, indent=1))
    return path


@pytest.mark.parametrize('annotation, words', [
    ({'segment': [2.0, 25.0], 'label': 'jump'}, ['beyond the video\'s duration_second 10', 'line 2']),
    ({'segment': [12.0, 13.0], 'label': 'jump'}, ['beyond']),
    ({'segment': [2.0, 5.0]}, ['no "label"', 'non-empty string']),
    ({'segment': [2.0, 5.0], 'label': ''}, ['"label" must be a string', "got ''"]),
    ({'segment': [2.0, 5.0], 'label': 3}, ['"label" must be a string', 'got 3']),
    ({'segment': [5.0, 2.0], 'label': 'jump'}, ['0 <= start <= end']),
    ({'segment': ['2', 5.0], 'label': 'jump'}, ['[start, end] in seconds']),
], ids=['end beyond', 'start beyond', 'no label', 'empty label', 'numeric label', 'reversed', 'text'])
def test_impossible_activitynet_annotations(tmp_path, annotation, words):
    with pytest.raises(activitynet.ActivityNetFormatError) as err:
        activitynet.read_annotations(_anet(tmp_path, annotation))
    assert str(tmp_path) in str(err.value) and "'v_a'" in str(err.value)
    for word in words:
        assert word in str(err.value)


def test_rounding_past_the_end_is_accepted(tmp_path):
    database = activitynet.read_annotations(_anet(tmp_path, {'segment': [2.0, 10.4], 'label': 'x'}))
    assert database['v_a']['annotations'][0]['segment'] == [2.0, 10.4]


def test_validate_dataset_refuses_segments_beyond_the_duration(tmp_path):
    (tmp_path / 'csv').mkdir()
    (tmp_path / 'csv' / 'v_a.csv').write_text('f0,f1\n1,2\n3,4\n')
    for split in ('train', 'val', 'test'):
        (tmp_path / f'anet_anno_{split}.json').write_text(json.dumps(
            {'v_a': dict(INFO, annotations=[{'segment': [2.0, 25.0], 'label': 'jump'}])}))
    with pytest.raises(activitynet.ActivityNetFormatError, match='duration'):
        activitynet.validate_dataset(tmp_path, 'csv', progress=False)


@pytest.mark.parametrize('row, cell', [('nan,1', 'column 1: nan'), ('1,inf', 'column 2: inf'),
                                       ('1,-inf', 'column 2: -inf')])
def test_features_must_be_finite(tmp_path, row, cell):
    path = tmp_path / 'v_a.csv'
    path.write_text(f'f0,f1\n1,2\n{row}\n')
    with pytest.raises(activitynet.ActivityNetFormatError) as err:
        activitynet.read_features(path)
    assert f'{path}, line 3, {cell}' in str(err.value) and 'recompute' in str(err.value)


def test_ava_csv_with_a_bom_reads_the_right_video_id(tmp_path):
    path = tmp_path / 'ava.csv'
    path.write_bytes('\ufeffvid1,0901,0.1,0.1,0.5,0.5,1,0\n'.encode())
    assert ava.read_csv(path)[0].video_id == 'vid1'
    labels = tmp_path / 'labels.txt'
    labels.write_bytes('\ufeff1: wave\n'.encode())
    assert ava.read_label_map(labels) == {1: 'wave'}


def test_not_utf8_names_the_line(tmp_path):
    path = tmp_path / 'ava.csv'
    path.write_bytes(b'vid1,0901,0.1,0.1,0.5,0.5,1,0\nvid\xe9,0902,0.1,0.1,0.5,0.5,1,0\n')
    with pytest.raises(FileFormatError, match='line 2: not UTF-8'):
        ava.read_csv(path)


def test_an_empty_ava_csv_converts_to_an_error_not_to_nothing(tmp_path):
    ann, labels = tmp_path / 'ann.csv', tmp_path / 'labels.txt'
    ann.write_text('')
    labels.write_text('1: wave\n')
    with pytest.raises(cvat.CVATFormatError, match='holds no annotation rows'):
        cvat.ava_to_cvat(ann, labels, tmp_path, tmp_path / 'out')
    assert not (tmp_path / 'out').exists()


def _voc(root, defect: str = ''):
    import cv2
    for d in ('Annotations', 'JPEGImages'):
        (root / d).mkdir(parents=True, exist_ok=True)
    cv2.imwrite(str(root / 'JPEGImages' / 'a.jpg'), np.full((120, 160, 3), 200, np.uint8))
    size = '<width>640</width><height>480</height>' if defect == 'size' else \
        '<width>160</width><height>120</height>'
    xmax = '6O' if defect == 'coord' else '60'
    (root / 'Annotations' / 'a.xml').write_text(
        f'<annotation>\n<filename>a.jpg</filename>\n<size>{size}</size>\n<object>\n<name>RBC</name>\n'
        f'<bndbox><xmin>10</xmin><ymin>10</ymin><xmax>{xmax}</xmax><ymax>50</ymax></bndbox>\n'
        '</object>\n</annotation>\n')
    if defect == 'text_jpg':
        (root / 'JPEGImages' / 'a.jpg').write_text('this is not an image')
    return root


def test_voc_non_numeric_coordinate_names_file_and_line(tmp_path):
    xml = _voc(tmp_path, 'coord') / 'Annotations' / 'a.xml'
    with pytest.raises(coco.CocoFormatError) as err:
        voc.read_voc(xml)
    assert f'{xml}:4: <xmax>6O</xmax> is not a number' in str(err.value)


def test_voc_size_disagreeing_with_the_image_uses_the_image_and_reports_it(tmp_path):
    problems = voc.voc_to_coco(_voc(tmp_path / 'voc', 'size'), tmp_path / 'out',
                               splits={'train': ['a']}, progress=False)
    assert any('<size> says 640x480 but a.jpg is 160x120' in str(p) for p in problems)
    image = json.loads((tmp_path / 'out' / 'train' / coco.ANNOTATION_FILE).read_text())['images'][0]
    assert (image['width'], image['height']) == (160, 120)


def test_a_text_file_named_jpg_is_not_converted(tmp_path):
    problems = voc.voc_to_coco(_voc(tmp_path / 'voc', 'text_jpg'), tmp_path / 'out',
                               splits={'train': ['a']}, progress=False)
    assert any('a.jpg is not a readable image' in str(p) for p in problems)
    assert json.loads((tmp_path / 'out' / 'train' / coco.ANNOTATION_FILE).read_text())['images'] == []


def test_validate_coco_checks_that_images_are_images_of_the_stated_size(tmp_path):
    import cv2
    cv2.imwrite(str(tmp_path / 'good.jpg'), np.zeros((30, 40, 3), np.uint8))
    (tmp_path / 'fake.jpg').write_text('hello')
    data = {'images': [{'id': 1, 'file_name': 'good.jpg', 'width': 80, 'height': 30},
                       {'id': 2, 'file_name': 'fake.jpg', 'width': 40, 'height': 30}],
            'annotations': [], 'categories': [{'id': 1, 'name': 'RBC'}]}
    (tmp_path / 'ann.json').write_text(json.dumps(data))
    text = '\n'.join(map(str, coco.validate_coco(tmp_path / 'ann.json')))
    assert 'good.jpg: the file says 80x30 but the image is 40x30' in text
    assert 'fake.jpg is not a readable image' in text


def test_prepare_bccd_strict_fails_on_the_rerun_as_on_the_first_run(tmp_path):
    voc = _voc(tmp_path / 'voc', 'text_jpg')
    (voc / 'ImageSets' / 'Main').mkdir(parents=True)
    for f in ('train.txt', 'val.txt', 'test.txt'):
        (voc / 'ImageSets' / 'Main' / f).write_text('a\n')
    first = bccd.prepare_bccd(tmp_path / 'out', voc=voc)
    rerun = bccd.prepare_bccd(tmp_path / 'out', voc=voc)
    assert first and [str(p) for p in rerun] == [str(p) for p in first]
    with pytest.raises(coco.CocoFormatError, match='a.jpg is not a readable image'):
        coco.raise_on_problems(rerun, 'BCCD')
