"""Evaluating one detector checkpoint at several input sizes (lesson 06, section 7)."""
import pytest
import torch

from course_lib.data import bccd, coco, voc
from course_lib.metrics import resolution
from course_lib.metrics import threshold as th
from course_lib.train import load_config

CONFIG = 'atss_mobilenetv2_fpn_bccd_smoke'
STEMS = {'train': ['BloodImage_00001'], 'valid': ['BloodImage_00000', 'BloodImage_00003'],
         'test': ['BloodImage_00004']}


@pytest.fixture()
def small_bccd(tmp_path, monkeypatch):
    """Four real BCCD images as train / valid / test, where the smoke config reads its data."""
    monkeypatch.setenv('COURSE_DATA_DIR', str(tmp_path))
    voc.voc_to_coco(bccd.SHIPPED_BCCD, tmp_path / 'bccd', splits=STEMS, progress=False)
    return tmp_path / 'bccd', load_config(CONFIG, work_dir_=str(tmp_path / 'work'))


def test_resized_changes_only_the_evaluation_pipelines(small_bccd):
    _, cfg = small_bccd
    before = [dict(s) for s in cfg.train_dataloader.dataset.pipeline]
    small = resolution.resized(cfg, (160, 120))
    for loader in (small.val_dataloader, small.test_dataloader):
        assert [s['scale'] for s in loader.dataset.pipeline if s['type'] == 'Resize'] == [(160, 120)]
    assert [dict(s) for s in small.train_dataloader.dataset.pipeline] == before
    assert resolution.resize_scale(cfg, 640, 480) == pytest.approx(cfg.image_size[0] / 640)
    assert resolution.resize_scale(small, 640, 480) == pytest.approx(0.25)  # the copy, not cfg
    with pytest.raises(ValueError, match=r'\(width, height\)'):
        resolution.resized(cfg, (160,))
    cfg.val_dataloader.dataset.pipeline = [s for s in cfg.val_dataloader.dataset.pipeline
                                           if s['type'] != 'Resize']
    with pytest.raises(ValueError, match='Resize'):
        resolution.resized(cfg, (160, 120))


def test_mean_sizes_follow_the_input_scale(small_bccd):
    root, cfg = small_bccd
    ann = root / 'valid' / coco.ANNOTATION_FILE
    full = {row['split']: row for row in coco.summarize(root)}['valid']
    at_input = resolution.mean_sizes_at_input(cfg, ann, cfg.classes)
    quarter = resolution.mean_sizes_at_input(resolution.resized(cfg, (160, 120)), ann, cfg.classes)
    for name in cfg.classes:
        assert at_input[name] == pytest.approx(full[f'{name} size (px)'] * cfg.image_size[0] / 640, abs=0.1)
        assert quarter[name] == pytest.approx(full[f'{name} size (px)'] / 4, abs=0.1)


def test_ap_at_sizes_evaluates_each_size_on_the_split(small_bccd, monkeypatch):
    """A stand-in 'detector' that returns the ground truth scores AP 1; each size reaches the model."""
    root, cfg = small_bccd
    from mmdet.apis import init_detector
    checkpoint = root.parent / 'random.pth'
    torch.save({'state_dict': init_detector(cfg, device='cpu').state_dict()}, checkpoint)
    ids, gts = th.coco_ground_truth(root / 'valid' / coco.ANNOTATION_FILE, cfg.classes)
    truth = {i: th.ImageBoxes(g.boxes, g.labels, [0.9] * len(g.labels)) for i, g in zip(ids, gts)}
    seen = []

    def perfect(model, loader, progress=True):
        seen.append(sorted({tuple(s.img_shape) for batch in loader for s in batch['data_samples']}))
        return truth

    monkeypatch.setattr(th, 'collect_predictions', perfect)
    rows = resolution.ap_at_sizes(cfg, checkpoint, [(320, 240), (160, 120)], split='val', progress=False)
    assert seen == [[(240, 320)], [(120, 160)]]  # (h, w) of the resized images
    assert [r['input (w x h)'] for r in rows] == ['320 x 240', '160 x 120']
    assert all(r[f'{c} AP@0.5'] == 1.0 for r in rows for c in cfg.classes)
    assert rows[1]['Platelets size (px)'] == pytest.approx(rows[0]['Platelets size (px)'] / 2, abs=0.1)
    with pytest.raises(ValueError, match="'val' or 'test'"):
        resolution.ap_at_sizes(cfg, checkpoint, [(160, 120)], split='train')
