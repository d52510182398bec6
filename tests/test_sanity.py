"""The sanity kit fires on each classic mistake and stays quiet on the lessons' own configs."""
import copy
import json

import pytest

import course_lib as cl
from course_lib import sanity
from course_lib.data import bccd
from course_lib.configs import load_config

ATSS = 'atss_mobilenetv2_fpn_bccd_smoke'


@pytest.fixture(scope='module')
def blood_cells(tmp_path_factory):
    """A data dir holding lesson 06's data: the shipped BCCD, converted to COCO."""
    root = tmp_path_factory.mktemp('data')
    bccd.prepare_bccd(root / 'bccd', progress=False)
    return root


@pytest.fixture()
def atss_cfg(blood_cells, monkeypatch):
    monkeypatch.setenv('COURSE_DATA_DIR', str(blood_cells))
    return load_config(ATSS, work_dir_=str(blood_cells / 'work'))


def failures(report):
    return {f.check: f.message for f in report.findings if not f.ok}


def test_quiet_on_the_lesson_config(atss_cfg):
    report = sanity.run(atss_cfg)
    assert report.ok, str(report)
    assert {f.check for f in report.findings} >= {'train annotations', 'class count',
                                                   'pipeline -> model', 'train class names'}


def test_wrong_num_classes(atss_cfg):
    atss_cfg.merge_from_dict({'model.bbox_head.num_classes': 80})
    message = failures(sanity.run(atss_cfg))['class count']
    assert 'model.bbox_head.num_classes=80' in message and '3 classes' in message
    assert 'num_classes=3' in message  # the fix
    with pytest.raises(sanity.SanityError, match='--skip-sanity'):
        sanity.run(atss_cfg).raise_if_failed()


def test_class_name_mismatch(atss_cfg):
    metainfo = dict(classes=('RBC', 'WBC', 'Platelet'))  # the file says 'Platelets'
    for key in ('train_dataloader', 'val_dataloader'):
        atss_cfg[key]['dataset']['metainfo'] = metainfo
    message = failures(sanity.run(atss_cfg))['train class names']
    assert 'Platelet ' in message and 'Platelets' in message


def _write_coco(path, images, annotations, categories):
    path.write_text(json.dumps(dict(images=images, annotations=annotations,
                                    categories=categories)))


def test_empty_annotation_file(atss_cfg, blood_cells, tmp_path):
    source = json.loads((blood_cells / 'bccd' / 'train' / '_annotations.coco.json')
                        .read_text())
    empty = tmp_path / 'empty.json'
    _write_coco(empty, source['images'], [], source['categories'])
    atss_cfg.train_dataloader.dataset.ann_file = str(empty)
    message = failures(sanity.run(atss_cfg))['train annotations']
    assert '0 samples' in message and 'empty.json' in message
    atss_cfg.train_dataloader.dataset.ann_file = str(tmp_path / 'missing.json')
    assert 'does not exist' in failures(sanity.run(atss_cfg))['train annotations']


def test_boxes_out_of_range(atss_cfg, blood_cells, tmp_path):
    source = json.loads((blood_cells / 'bccd' / 'train' / '_annotations.coco.json')
                        .read_text())
    broken = copy.deepcopy(source)
    first = broken['annotations'][0]
    image = next(i for i in broken['images'] if i['id'] == first['image_id'])
    first['bbox'] = [image['width'] - 5, 2, 40, 10]  # runs 35 px past the right edge
    path = tmp_path / 'broken.json'
    _write_coco(path, broken['images'], broken['annotations'], broken['categories'])
    atss_cfg.train_dataloader.dataset.ann_file = str(path)
    atss_cfg.train_dataloader.dataset.data_prefix = dict(
        img=str(blood_cells / 'bccd' / 'train') + '/')
    message = failures(sanity.run(atss_cfg))['train annotations']
    assert 'outside the' in message and image['file_name'] in message


def test_overfit_one_batch_lowers_the_loss(atss_cfg):
    report = sanity.run(atss_cfg, overfit=True, overfit_steps=8)
    finding = next(f for f in report.findings if f.check == 'overfit one batch')
    assert finding.ok, finding.message
    first, last = (float(x) for x in finding.message.split(' in ')[0].split()[1::2])
    assert last < 0.7 * first


def test_broken_pipeline_is_reported(atss_cfg):
    atss_cfg.model.backbone.out_indices = (1,)  # FPN now gets fewer feature maps than it expects
    message = failures(sanity.run(atss_cfg))['pipeline -> model']
    assert 'fails in the model' in message


def test_class_counts_are_found_with_their_paths():
    model = dict(type='X', roi_head=dict(bbox_head=dict(num_classes=7)),
                 heads=[dict(num_action_classes=5)])
    assert dict(sanity.find_class_counts(model)) == {
        'model.roi_head.bbox_head.num_classes': 7, 'model.heads[0].num_action_classes': 5}


def test_train_command_runs_the_sanity_kit_first(atss_cfg, blood_cells, monkeypatch, capsys):
    from course_lib import train
    monkeypatch.setenv('COURSE_DATA_DIR', str(blood_cells))
    trained = []
    monkeypatch.setattr(train, 'train', lambda *a, **k: trained.append(a))
    with pytest.raises(sanity.SanityError, match='num_classes=80'):
        train.main([ATSS, '--cfg-options', 'model.bbox_head.num_classes=80',
                    '--work-dir', str(blood_cells / 'w')])
    assert not trained
    train.main([ATSS, '--skip-sanity', '--cfg-options', 'model.bbox_head.num_classes=80'])
    assert len(trained) == 1
