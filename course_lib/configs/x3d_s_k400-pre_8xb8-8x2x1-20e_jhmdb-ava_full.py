# X3D-S + Fast R-CNN-style RoI head on JHMDB in AVA format: the full profile's X3D detector (lesson 07).
# The model of OpenVINO Training Extensions' action-detection tutorial (X3D_FAST_RCNN, frame-mAP
# 0.5376 on its 5% JHMDB subset) built from mmaction2's own parts, through this config only: the
# course's SlowOnly JHMDB config (same data, pipelines, schedule and AVARoIHead with
# SingleRoIExtractor3D + BBoxHeadAVA) with mmaction's `X3D` backbone in place of SlowOnly.
# Backbone: X3D-S from its Kinetics-400 checkpoint (course_lib.zoo 'x3d_s_k400'; cached by
# course_lib.fetch), loaded like the SlowOnly recipe loads its own: the whole-model `init_cfg`
# (its `backbone.*` keys; the recognizer's `cls_head.*` is left out).
#   python -m course_lib.train x3d_s_k400-pre_8xb8-8x2x1-20e_jhmdb-ava_full
_base_ = './slowonly_k400-pre-r50_8xb8-8x2x1-20e_jhmdb-ava_full.py'

from course_lib.zoo import hub_path as _hub_path  # noqa: E402 (after _base_: mmengine)

model = dict(
    # X3D-S on Kinetics-400 (hub 'x3d_s_k400'): its verified file in the course cache
    init_cfg=dict(type='Pretrained', checkpoint=_hub_path('x3d_s_k400')),
    # X3D-S (gamma_b 2.25, gamma_d 2.2: mmaction::_base_/models/x3d.py); no stride in the last stage,
    # so the RoI features come from a stride-16 map, as in mmaction's AVA recipes
    backbone=dict(_delete_=True, type='mmaction.X3D', gamma_w=1, gamma_b=2.25, gamma_d=2.2,
                  spatial_strides=(2, 2, 2, 1)),
    roi_head=dict(bbox_roi_extractor=dict(featmap_stride=16),
                  bbox_head=dict(in_channels=432)))  # X3D-S's conv5: 192 x 2.25 channels
