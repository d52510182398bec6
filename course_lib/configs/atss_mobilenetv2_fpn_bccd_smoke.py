# ATSS-MobileNetV2 on the real BCCD, sized for 2 CPU cores: the smoke profile of lesson 06.
# The full config (same data, same detector family as OTX's object-detection tutorial) made small:
# a from-scratch MobileNetV2 (no pretrained weights offline), a 64-channel FPN at strides 8-32, and
# images at half size (320 x 240). There a platelet is ~20 px, a red cell ~50 px, a white cell ~90 px
# wide, so anchors of 20 / 40 / 80 px (stride x octave_base_scale 2.5) fit all three; at quarter size
# (160 x 120) a platelet is ~10 px and this detector finds none. Training sees random 160 x 128 crops
# of the half-size images: the cost of a quarter-size image per step, with the objects at half size.
#   python -m course_lib.train atss_mobilenetv2_fpn_bccd_smoke
_base_ = './atss_mobilenetv2_fpn_bccd_full.py'

image_size = (320, 240)  # (width, height) of the whole images the model is evaluated on
crop_size = (128, 160)   # (height, width) of the training crops
max_epochs = 16

model = dict(
    backbone=dict(init_cfg=None),  # Kaiming from scratch: no pretrained weights offline
    neck=dict(add_extra_convs=False, num_outs=3),
    bbox_head=dict(stacked_convs=2,
                   anchor_generator=dict(octave_base_scale=2.5, strides=[8, 16, 32])))

import course_lib.configs._parts as _parts  # noqa: E402 (below what lesson 06 prints)

train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadAnnotations', with_bbox=True),
    dict(type='Resize', scale=image_size, keep_ratio=True),
    dict(type='RandomCrop', crop_size=crop_size, allow_negative_crop=False),
    dict(type='RandomFlip', prob=[0.25, 0.25, 0.25], direction=['horizontal', 'vertical', 'diagonal']),
    dict(type='PackDetInputs'),
]
test_pipeline = _parts.detection_test_pipeline(image_size)
train_dataloader = dict(batch_size=8, num_workers=0, persistent_workers=False,
                        dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(batch_size=8, num_workers=0, persistent_workers=False,
                      dataset=dict(pipeline=test_pipeline))
test_dataloader = dict(batch_size=8, num_workers=0, persistent_workers=False,
                       dataset=dict(pipeline=test_pipeline))

train_cfg = dict(max_epochs=max_epochs, val_interval=4)
optim_wrapper = dict(
    _delete_=True, type='OptimWrapper',
    optimizer=dict(type='AdamW', lr=2e-3, weight_decay=0.05),
    clip_grad=dict(max_norm=10, norm_type=2))
param_scheduler = _parts.iter_warmup_cosine(max_epochs, warmup_iters=60, start_factor=0.01)
default_hooks = dict(
    logger=dict(type='LoggerHook', interval=10),
    checkpoint=dict(type='CheckpointHook', interval=1, max_keep_ckpts=1, save_best=None))
