# X3D + Fast R-CNN-style RoI head on the synthetic AVA-format set: the smoke X3D detector (lesson 07).
# The lesson-07 SlowOnly smoke config (data, pipelines, schedule, AVARoIHead) with mmaction's `X3D`
# backbone, shrunk like lesson 03's X3D (gamma_b = gamma_d = 1 instead of X3D-S's 2.25 / 2.2),
# trained from scratch. Strides (2, 2, 1, 1) after X3D's stride-2 stem give the SlowOnly's stride-8
# feature map (12 x 8 for 96 x 64 frames). Too slow to train inside the lesson on 2 CPU cores:
# scripts/compare_stdet.py trains it next to the SlowOnly and records the comparison.
#   python -m course_lib.train x3d_8xb8-8x2x1-6e_ava-synthetic_smoke
_base_ = './slowonly_r18_8xb8-8x2x1-6e_ava-synthetic_smoke.py'

model = dict(
    backbone=dict(_delete_=True, type='mmaction.X3D', gamma_w=1, gamma_b=1, gamma_d=1,
                  spatial_strides=(2, 2, 1, 1)),
    roi_head=dict(bbox_roi_extractor=dict(featmap_stride=8),
                  bbox_head=dict(in_channels=192)))  # X3D's conv5: 24 x 2**3 x gamma_b channels
