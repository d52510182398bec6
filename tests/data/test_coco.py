"""VOC -> COCO conversion on BCCD-layout fixtures, COCO validation, splits, loading in mmdet."""
import json
from pathlib import Path

import numpy as np
import pytest

from course_lib.data import bccd, coco, voc

# The real BCCD file layout (BCCD/Annotations/BloodImage_00000.xml), tabs and all.
HEAD = """<annotation>
\t<folder>JPEGImages</folder>
\t<filename>{filename}</filename>
\t<path>/home/pi/detection_dataset/JPEGImages/{filename}</path>
\t<source>
\t\t<database>Unknown</database>
\t</source>
\t<size>
\t\t<width>{width}</width>
\t\t<height>{height}</height>
\t\t<depth>3</depth>
\t</size>
\t<segmented>0</segmented>
"""
OBJECT = """\t<object>
\t\t<name>{name}</name>
\t\t<pose>Unspecified</pose>
\t\t<truncated>0</truncated>
\t\t<difficult>0</difficult>
\t\t<bndbox>
\t\t\t<xmin>{x1}</xmin>
\t\t\t<ymin>{y1}</ymin>
\t\t\t<xmax>{x2}</xmax>
\t\t\t<ymax>{y2}</ymax>
\t\t</bndbox>
\t</object>
"""


def voc_xml(filename, objects, width=64, height=48):
    body = ''.join(OBJECT.format(name=n, x1=a, y1=b, x2=c, y2=d) for n, (a, b, c, d) in objects)
    return HEAD.format(filename=filename, width=width, height=height) + body + '</annotation>\n'


def write_bccd(root: Path, records: dict, splits: dict | None = None) -> Path:
    """Write a tiny BCCD checkout: BCCD/{Annotations,JPEGImages,ImageSets/Main}."""
    import cv2
    voc = root / 'BCCD_Dataset-master' / 'BCCD'
    (voc / 'Annotations').mkdir(parents=True)
    (voc / 'JPEGImages').mkdir()
    for stem, objects in records.items():
        (voc / 'Annotations' / f'{stem}.xml').write_text(voc_xml(f'{stem}.jpg', objects))
        cv2.imwrite(str(voc / 'JPEGImages' / f'{stem}.jpg'), np.full((48, 64, 3), 200, np.uint8))
    if splits:
        (voc / 'ImageSets' / 'Main').mkdir(parents=True)
        for name, stems in splits.items():
            (voc / 'ImageSets' / 'Main' / name).write_text(''.join(s + '\n' for s in stems))
    return voc


RECORDS = {
    'BloodImage_00000': [('WBC', (10, 8, 40, 30)), ('RBC', (1, 1, 12, 11))],
    'BloodImage_00001': [('RBC', (50, 30, 70, 47)),        # 6 px past the right edge: clipped
                         ('Neutrophil', (5, 5, 15, 15)),   # unknown class: dropped
                         ('Platelets', (20, 20, 26, 25))],
    'BloodImage_00002': [('RBC', (100, 60, 120, 80)),      # wholly outside: dropped
                         ('RBC', (3, 4, 20, 21))],
    'BloodImage_00003': [('Platelets', (30, 30, 36, 37))],
}
SPLITS = {'train.txt': ['BloodImage_00000', 'BloodImage_00001'], 'val.txt': ['BloodImage_00002'],
          'test.txt': ['BloodImage_00003']}


def test_read_voc_gives_boxes_and_object_lines(tmp_path):
    path = tmp_path / 'BloodImage_00000.xml'
    path.write_text(voc_xml('BloodImage_00000.jpg', RECORDS['BloodImage_00000'], 640, 480))
    record = voc.read_voc(path)
    assert (record.filename, record.width, record.height) == ('BloodImage_00000.jpg', 640, 480)
    assert [o.name for o in record.objects] == ['WBC', 'RBC']
    assert record.objects[0].box == (10.0, 8.0, 40.0, 30.0)
    # <object> starts on line 14 in BCCD's files; each object takes 12 lines
    assert [o.line for o in record.objects] == [14, 26]


def test_voc_to_coco_uses_bccd_splits_and_reports_bad_records(tmp_path):
    write_bccd(tmp_path / 'src', RECORDS, SPLITS)
    problems = voc.voc_to_coco(tmp_path / 'src', tmp_path / 'out', progress=False)
    text = [str(p) for p in problems]
    assert len(problems) == 3, text
    outside = next(t for t in text if 'BloodImage_00001.xml:14' in t)
    assert 'outside the 64x48 image' in outside and 'clipped to (50.0, 30.0, 64.0, 47.0)' in outside
    unknown = next(t for t in text if 'BloodImage_00001.xml:26' in t)
    assert "unknown class 'Neutrophil'" in unknown and 'Platelets, RBC, WBC' in unknown
    dropped = next(t for t in text if 'BloodImage_00002.xml:14' in t)
    assert 'lies outside' in dropped and 'dropped' in dropped

    train = json.loads((tmp_path / 'out/train' / coco.ANNOTATION_FILE).read_text())
    assert [i['file_name'] for i in train['images']] == ['BloodImage_00000.jpg',
                                                        'BloodImage_00001.jpg']
    assert {c['name']: c['id'] for c in train['categories']} == {'Platelets': 1, 'RBC': 2, 'WBC': 3}
    boxes = [(a['image_id'], a['category_id'], a['bbox']) for a in train['annotations']]
    assert boxes == [(1, 3, [10.0, 8.0, 30.0, 22.0]), (1, 2, [1.0, 1.0, 11.0, 10.0]),
                     (2, 2, [50.0, 30.0, 14.0, 17.0]), (2, 1, [20.0, 20.0, 6.0, 5.0])]
    assert [a['id'] for a in train['annotations']] == [1, 2, 3, 4]  # COCOeval needs ids >= 1
    valid = json.loads((tmp_path / 'out/valid' / coco.ANNOTATION_FILE).read_text())
    assert [a['bbox'] for a in valid['annotations']] == [[3.0, 4.0, 17.0, 17.0]]
    assert (tmp_path / 'out/test/BloodImage_00003.jpg').exists()
    for split in coco.SPLITS:
        assert coco.validate_coco(tmp_path / 'out' / split / coco.ANNOTATION_FILE) == []


def test_in_the_dry_run_each_split_keeps_its_first_images(tmp_path):
    from course_lib import dryrun
    write_bccd(tmp_path / 'src', RECORDS, SPLITS)
    dryrun._set_active(dryrun.DryRun(split_samples=1))
    try:
        voc.voc_to_coco(tmp_path / 'src', tmp_path / 'out', progress=False)
    finally:
        dryrun._set_active(None)
    train = json.loads((tmp_path / 'out/train' / coco.ANNOTATION_FILE).read_text())
    assert [i['file_name'] for i in train['images']] == ['BloodImage_00000.jpg']  # of 00000, 00001
    assert not (tmp_path / 'out/train/BloodImage_00001.jpg').exists()
    for split in coco.SPLITS:
        assert coco.validate_coco(tmp_path / 'out' / split / coco.ANNOTATION_FILE) == []


def test_voc_to_coco_without_image_sets_splits_at_random(tmp_path):
    write_bccd(tmp_path / 'src', RECORDS)
    voc.voc_to_coco(tmp_path / 'src', tmp_path / 'out', progress=False)
    names = []
    for split in coco.SPLITS:
        data = json.loads((tmp_path / 'out' / split / coco.ANNOTATION_FILE).read_text())
        names += [i['file_name'] for i in data['images']]
    assert sorted(names) == sorted(f'{s}.jpg' for s in RECORDS)


def test_split_names_is_reproducible_disjoint_and_complete():
    names = [f'img{i:03d}' for i in range(100)]
    a, b = voc.split_names(names, seed=3), voc.split_names(names, seed=3)
    assert a == b and [len(a[s]) for s in coco.SPLITS] == [70, 15, 15]
    assert sorted(a['train'] + a['valid'] + a['test']) == names
    assert voc.split_names(names, seed=4)['test'] != a['test']
    with pytest.raises(ValueError, match='sum'):
        voc.split_names(names, (0.5, 0.2, 0.2))


def test_validate_coco_names_each_bad_record(tmp_path):
    import cv2
    for name in ('a.jpg', 'b.jpg'):
        cv2.imwrite(str(tmp_path / name), np.zeros((48, 64, 3), np.uint8))
    data = {
        'images': [{'id': 1, 'file_name': 'a.jpg', 'width': 64, 'height': 48},
                   {'id': 1, 'file_name': 'b.jpg', 'width': 64, 'height': 48},
                   {'id': 2, 'file_name': 'missing.jpg', 'width': 64, 'height': 48}],
        'categories': [{'id': 1, 'name': 'RBC'}, {'id': 2, 'name': 'Monocyte'}],
        'annotations': [
            {'id': 0, 'image_id': 1, 'category_id': 1, 'bbox': [1, 1, 5, 5]},
            {'id': 5, 'image_id': 2, 'category_id': 1, 'bbox': [60, 40, 20, 5]},
            {'id': 5, 'image_id': 2, 'category_id': 2, 'bbox': [1, 1, 5, 5]},
            {'id': 7, 'image_id': 9, 'category_id': 1, 'bbox': [1, 1, 5, 5]},
        ]}
    ann_file = tmp_path / coco.ANNOTATION_FILE
    ann_file.write_text(json.dumps(data))
    text = [str(p) for p in coco.validate_coco(ann_file)]
    assert any(t.startswith('b.jpg') and 'duplicate image id 1' in t for t in text)
    assert any(t.startswith('missing.jpg') and 'image file missing' in t for t in text)
    assert any("'Monocyte'" in t and 'not one of' in t for t in text)
    assert any(t.startswith('b.jpg') and 'annotation id 0' in t for t in text)
    assert any(t.startswith('missing.jpg') and 'duplicate annotation id 5' in t for t in text)
    assert any(t.startswith('missing.jpg') and '16 px outside the 64x48 image' in t for t in text)
    assert any('missing image id 9' in t for t in text)
    with pytest.raises(coco.CocoFormatError, match='problem'):
        coco.raise_on_problems(coco.validate_coco(ann_file), str(ann_file))


def test_check_box_tolerates_one_pixel_and_rejects_empty():
    assert coco.check_box((0, 0, 640.5, 480), 640, 480) == ((0.0, 0.0, 640.0, 480.0), None)
    box, message = coco.check_box((5, 5, 5, 9), 640, 480)
    assert box is None and 'empty box' in message


def test_converted_files_load_in_mmdet_coco_dataset(tmp_path):
    import course_lib  # noqa: F401  (registrations)
    from mmdet.datasets import CocoDataset
    write_bccd(tmp_path / 'src', RECORDS, SPLITS)
    voc.voc_to_coco(tmp_path / 'src', tmp_path / 'out', progress=False)
    dataset = CocoDataset(data_root=str(tmp_path / 'out'), ann_file='train/' + coco.ANNOTATION_FILE,
                          data_prefix=dict(img='train/'), metainfo=dict(classes=coco.BCCD_CLASSES),
                          pipeline=[], test_mode=False)
    assert len(dataset) == 2
    first = dataset[0]
    assert first['img_path'].endswith('train/BloodImage_00000.jpg')
    assert [i['bbox'] for i in first['instances']] == [[10.0, 8.0, 40.0, 30.0], [1.0, 1.0, 12.0, 11.0]]
    # labels are indices into classes: WBC=2, RBC=1
    assert [i['bbox_label'] for i in first['instances']] == [2, 1]
    assert [i['bbox_label'] for i in dataset[1]['instances']] == [1, 0]


def test_prepare_bccd_from_a_local_checkout_then_skips(tmp_path):
    write_bccd(tmp_path / 'src', RECORDS, SPLITS)
    problems = bccd.prepare_bccd(tmp_path / 'bccd', voc=tmp_path / 'src')
    assert len(problems) == 3
    report = (tmp_path / 'bccd' / 'problems.txt').read_text()
    assert "unknown class 'Neutrophil'" in report
    ann = tmp_path / 'bccd' / 'train' / coco.ANNOTATION_FILE
    stamp = ann.stat().st_mtime_ns
    again = bccd.prepare_bccd(tmp_path / 'bccd', voc=tmp_path / 'src')  # not redone, same report
    assert ann.stat().st_mtime_ns == stamp
    assert [str(p) for p in again] == [str(p) for p in problems]


def test_roboflow_export_is_imported_with_annotation_ids_from_one(tmp_path):
    import cv2
    export = tmp_path / 'export'
    for split in coco.SPLITS:
        (export / split).mkdir(parents=True)
        cv2.imwrite(str(export / split / 'x.jpg'), np.zeros((48, 64, 3), np.uint8))
        data = {'images': [{'id': 0, 'file_name': 'x.jpg', 'width': 64, 'height': 48}],
                # Roboflow's export: a 'cells' supercategory with id 0, ids counted from 0
                'categories': [{'id': 0, 'name': 'cells'}, {'id': 1, 'name': 'Platelets'},
                               {'id': 2, 'name': 'RBC'}, {'id': 3, 'name': 'WBC'}],
                'annotations': [{'id': 0, 'image_id': 0, 'category_id': 2, 'bbox': [1, 1, 9, 9]},
                                {'id': 1, 'image_id': 0, 'category_id': 3, 'bbox': [20, 5, 30, 30]}]}
        (export / split / coco.ANNOTATION_FILE).write_text(json.dumps(data))
    problems = bccd.prepare_bccd(tmp_path / 'bccd', coco_export=export)
    assert [p.message.split(':')[0] for p in problems] == ['annotation ids start at 0 (pycocotools '
                                                           'would miscount one match)'] * 3
    data = json.loads((tmp_path / 'bccd/valid' / coco.ANNOTATION_FILE).read_text())
    assert [a['id'] for a in data['annotations']] == [1, 2]
    assert (tmp_path / 'bccd/valid/x.jpg').exists()


# ---- the copy of BCCD shipped in datasets/bccd -------------------------------------------------

def test_shipped_bccd_converts_to_the_official_splits(tmp_path):
    """364 real images -> 205 / 87 / 72 (ImageSets/Main); the release's 2 point boxes are dropped."""
    assert bccd.shipped_bccd() == bccd.SHIPPED_BCCD
    assert (bccd.SHIPPED_BCCD / 'LICENSE').read_text().startswith('MIT License')
    assert 'Shenggan' in (bccd.SHIPPED_BCCD / 'README.md').read_text()  # the attribution
    problems = bccd.prepare_bccd(tmp_path / 'bccd', progress=False)
    assert sorted((Path(p.file).name, p.line is not None) for p in problems) == [
        ('BloodImage_00338.xml', True), ('BloodImage_00343.xml', True)]
    assert all('empty box' in p.message and 'dropped' in p.message for p in problems)
    rows = {row['split']: row for row in coco.summarize(tmp_path / 'bccd')}
    assert [rows[s]['images'] for s in coco.SPLITS] == [205, 87, 72]
    # the official test split's boxes (Roboflow's export of the same images has 76 / 819 / 72)
    assert [rows['test'][c] for c in coco.BCCD_CLASSES] == [69, 805, 71]
    assert [rows['train'][c] for c in coco.BCCD_CLASSES] == [209, 2381, 214]
    assert [rows['valid'][c] for c in coco.BCCD_CLASSES] == [83, 967, 87]
    files = [(s, image['file_name']) for s in coco.SPLITS for image in json.loads(
        (tmp_path / 'bccd' / s / coco.ANNOTATION_FILE).read_text())['images']]
    assert len({name for _, name in files}) == 364  # no image in two splits
    assert all((tmp_path / 'bccd' / s / name).is_file() for s, name in files)
    assert 35 < rows['train']['Platelets size (px)'] < 45 < 95 < rows['train']['RBC size (px)'] < 110


def test_an_incomplete_copy_is_not_used(tmp_path):
    write_bccd(tmp_path / 'src', RECORDS)  # no ImageSets/Main
    assert bccd.shipped_bccd(tmp_path / 'src' / 'BCCD_Dataset-master' / 'BCCD') is None
    assert bccd.shipped_bccd(tmp_path / 'nothing') is None
    voc = write_bccd(tmp_path / 'full', RECORDS, SPLITS)
    assert bccd.shipped_bccd(voc) == voc


def test_without_the_shipped_copy_it_downloads_and_says_how_to_restore(tmp_path, monkeypatch):
    from course_lib import fetch as download
    monkeypatch.setattr(bccd, 'shipped_bccd', lambda: None)
    fetched = []

    def offline(name, dest, **kwargs):
        fetched.append(name)
        raise download.DownloadError('Could not download https://github.com/... (offline)')

    monkeypatch.setattr(download, 'download', offline)
    with pytest.raises(download.DownloadError) as err:
        bccd.prepare_bccd(tmp_path / 'bccd', progress=False)
    assert fetched == ['bccd_voc_github']
    assert 'git checkout -- datasets/bccd' in str(err.value) and '(offline)' in str(err.value)
