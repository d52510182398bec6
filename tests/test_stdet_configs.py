"""The spatio-temporal detector configs (lesson 07): RoI features read where the backbone put them,
and the X3D + Fast R-CNN config builds and can fit one batch."""
import pytest
import torch

import course_lib  # noqa: F401
from course_lib import configs

AVA_CONFIGS = [name for name in configs.names() if 'ava' in name]


def _model(name):
    from course_lib.export.convert import build_model
    cfg = configs.load_config(name, work_dir_='/tmp/course_stdet_config_tests')
    cfg.model.init_cfg = None  # the full configs' Kinetics checkpoints are not here offline
    return build_model(cfg), cfg


@pytest.mark.parametrize('name', AVA_CONFIGS)
def test_roi_extractor_stride_is_the_backbone_stride(name):
    model, _ = _model(name)
    features = model.backbone(torch.zeros(1, 3, 8, 64, 96))
    features = features[0] if isinstance(features, tuple) else features
    stride = 64 / features.shape[-2]
    assert features.shape[-1] == 96 / stride  # the same stride in x and y
    assert model.roi_head.bbox_roi_extractor.featmap_stride == stride, \
        f'{name}: RoIAlign scales boxes by 1/{model.roi_head.bbox_roi_extractor.featmap_stride}, ' \
        f'but the backbone has stride {stride}'


def test_x3d_detector_is_x3d_under_the_ava_roi_head_in_both_profiles():
    for profile in ('smoke', 'full'):
        model, _ = _model(configs.for_lesson('07', 'detector-x3d', profile))
        assert type(model.backbone).__name__ == 'X3D'
        assert type(model.roi_head).__name__ == 'AVARoIHead'
        assert type(model.roi_head.bbox_roi_extractor).__name__ == 'SingleRoIExtractor3D'
        assert type(model.roi_head.bbox_head).__name__ == 'BBoxHeadAVA'
        assert model.roi_head.bbox_head.fc_cls.in_features == model.backbone.feat_dim
    full = configs.load_config(configs.for_lesson('07', 'detector-x3d', 'full'))
    assert full.model.init_cfg.checkpoint.endswith(
        course_lib.HUB['x3d_s_k400'].url.rsplit('/', 1)[-1])  # X3D-S from its Kinetics-400 checkpoint
    assert (full.model.backbone.gamma_b, full.model.backbone.gamma_d) == (2.25, 2.2)  # X3D-S


def test_x3d_detector_overfits_one_batch(tmp_path):
    """A loss on one repeated batch that falls well below its start (a broken head cannot)."""
    from course_lib.data.synthetic import ava_actions
    from course_lib.sanity import _build, one_batch
    spec = ava_actions.AVASetSpec(train_videos=4, val_videos=1, seconds=3)
    ava_actions.generate_ava_actions(tmp_path / 'ava_actions', spec, progress=False)
    import os
    os.environ['COURSE_DATA_DIR'] = str(tmp_path)
    try:
        cfg = configs.load_config(configs.for_lesson('07', 'detector-x3d', 'smoke'),
                                  work_dir_=str(tmp_path / 'work'))
    finally:
        os.environ.pop('COURSE_DATA_DIR')
    dataset, _ = _build(cfg, 'train_dataloader')
    batch = one_batch(cfg, dataset, size=4)
    torch.manual_seed(0)
    from course_lib.export.convert import build_model
    model = build_model(cfg).train()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    losses = []
    for _ in range(10):  # Adam at 1e-3 brings it below 0.3 of the start in about 5 steps
        data = model.data_preprocessor(batch, True)
        loss, _ = model.parse_losses(model(**data, mode='loss'))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(float(loss.detach()))
    assert losses[-1] < 0.3 * losses[0], losses
