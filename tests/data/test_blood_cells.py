"""The synthetic blood-smear generator: layout, valid COCO, learnable cues, reproducible, reruns skip."""
import json

import numpy as np
import pytest

from course_lib.data import coco
from course_lib.data.synthetic.blood_cells import BloodCellSpec, generate_blood_cells, render_image

SPEC = BloodCellSpec(num_train=4, num_valid=2, num_test=2, seed=5)


@pytest.fixture(scope='module')
def blood_cells(tmp_path_factory):
    return generate_blood_cells(tmp_path_factory.mktemp('bc') / 'blood_cells', SPEC, progress=False)


def test_roboflow_layout_valid_coco_and_counts(blood_cells):
    for split, n in SPEC.counts().items():
        ann_file = blood_cells / split / coco.ANNOTATION_FILE
        assert coco.validate_coco(ann_file) == []
        data = coco.load_coco(ann_file)
        assert len(data['images']) == n
        assert [c['name'] for c in data['categories']] == list(coco.BCCD_CLASSES)
        assert min(a['id'] for a in data['annotations']) == 1
        for image in data['images']:
            labels = [a['category_id'] for a in data['annotations'] if a['image_id'] == image['id']]
            rbc, wbc, plt_ = (labels.count(i) for i in (2, 3, 1))
            assert 4 <= rbc <= SPEC.rbc_count[1]  # placement may give up on a few in a crowd
            assert wbc <= SPEC.wbc_count[1] and plt_ <= SPEC.platelet_count[1]


def test_classes_differ_in_size_and_colour():
    """The cues a detector can learn: white cells are big and lilac, platelets small and dark."""
    rng = np.random.default_rng(0)
    size = {name: [] for name in coco.BCCD_CLASSES}
    colour = {name: [] for name in coco.BCCD_CLASSES}
    for _ in range(12):
        image, objects = render_image(rng, BloodCellSpec())
        for name, (x, y, w, h) in objects:
            if x > 0 and y > 0 and x + w < image.shape[1] and y + h < image.shape[0]:
                size[name].append(np.sqrt(w * h))
                cx, cy = int(x + w / 2), int(y + h / 2)
                r = max(1, int(min(w, h) / 6))
                colour[name].append(image[cy - r:cy + r + 1, cx - r:cx + r + 1].reshape(-1, 3).mean(0))
    mean_size = {k: np.mean(v) for k, v in size.items()}
    assert mean_size['Platelets'] < 14 < mean_size['RBC'] < 27 < mean_size['WBC']
    rgb = {k: np.mean(v, axis=0) for k, v in colour.items()}
    assert rgb['RBC'][0] > rgb['RBC'][2] + 30            # red cells are red
    assert rgb['WBC'][2] > rgb['WBC'][0]                 # white cells' nuclei are purple-blue
    assert rgb['Platelets'][2] > rgb['Platelets'][1] + 40  # platelets are violet ...
    assert rgb['Platelets'].sum() < rgb['RBC'].sum() - 50  # ... and darker than red cells


def test_boxes_are_tight_around_the_drawn_cells():
    rng = np.random.default_rng(1)
    image, objects = render_image(rng, BloodCellSpec(rbc_count=(1, 1), wbc_count=(0, 0),
                                                     platelet_count=(0, 0)))
    (name, (x, y, w, h)), = objects
    background = np.median(image.reshape(-1, 3), axis=0)
    diff = np.abs(image.astype(float) - background).sum(axis=2) > 60
    ys, xs = np.nonzero(diff)
    assert name == 'RBC'
    assert abs(xs.min() - x) <= 2 and abs(xs.max() + 1 - (x + w)) <= 2
    assert abs(ys.min() - y) <= 2 and abs(ys.max() + 1 - (y + h)) <= 2


def test_reproducible_and_reruns_skip(blood_cells, tmp_path):
    ann_file = blood_cells / 'train' / coco.ANNOTATION_FILE
    stamp = ann_file.stat().st_mtime_ns
    generate_blood_cells(blood_cells, SPEC, progress=False)
    assert ann_file.stat().st_mtime_ns == stamp  # same spec: nothing rewritten
    again = generate_blood_cells(tmp_path / 'again', SPEC, progress=False)
    assert json.loads((again / 'train' / coco.ANNOTATION_FILE).read_text()) == \
        json.loads(ann_file.read_text())
    other = generate_blood_cells(tmp_path / 'other', BloodCellSpec(num_train=4, num_valid=2,
                                                                   num_test=2, seed=6),
                                 progress=False)
    assert json.loads((other / 'train' / coco.ANNOTATION_FILE).read_text()) != \
        json.loads(ann_file.read_text())


def test_generated_set_loads_in_mmdet_with_the_lesson_config(blood_cells, monkeypatch):
    """The lesson's dataset config reads the generated files (BCCD's layout), boxes and labels included."""
    import course_lib.train as cltrain
    from mmdet.registry import DATASETS
    from mmengine.registry import init_default_scope

    from course_lib.metrics.resolution import resize_scale
    monkeypatch.setenv('COURSE_DATA_DIR', str(blood_cells.parent))
    cfg = cltrain.load_config('atss_mobilenetv2_fpn_bccd_smoke')
    cfg.val_dataloader.dataset.data_root = f'{blood_cells}/'  # the lesson itself reads the real BCCD
    init_default_scope('mmdet')
    dataset = DATASETS.build(cfg.val_dataloader.dataset)
    assert len(dataset) == SPEC.num_valid
    sample = dataset[0]
    data = coco.load_coco(blood_cells / 'valid' / coco.ANNOTATION_FILE)
    n_boxes = sum(a['image_id'] == data['images'][0]['id'] for a in data['annotations'])
    scale = resize_scale(cfg, SPEC.width, SPEC.height)  # the test pipeline's keep-ratio Resize
    assert sample['inputs'].shape == (3, round(SPEC.height * scale), round(SPEC.width * scale))
    assert len(sample['data_samples'].gt_instances) == n_boxes
    assert sample['data_samples'].scale_factor == pytest.approx((scale, scale), rel=0.01)
