# ATSS with a MobileNetV2 backbone on BCCD-like blood smears: the smoke profile (lesson 06).
# OTX's object-detection tutorial trains a MobileNetV2-ATSS on BCCD; this is the same detector family, built from
# mmdet's own ATSS config, sized for 2 CPU cores: 160 x 128 images, a from-scratch MobileNetV2
# (no pretrained weights offline), a 64-channel FPN at strides 8-32 whose anchors (16, 32, 64 px)
# match the cells (platelets ~10 px, red cells ~22 px, white cells ~34 px).
#   python -m course_lib.train atss_mobilenetv2_fpn_bccd_smoke
_base_ = 'mmdet::atss/atss_r50_fpn_1x_coco.py'

custom_imports = dict(imports=['course_lib'], allow_failed_imports=False)
data_root = '{{$COURSE_DATA_DIR:data}}/blood_cells/'
classes = ('Platelets', 'RBC', 'WBC')
metainfo = dict(classes=classes, palette=[(60, 180, 75), (230, 25, 75), (0, 130, 200)])
image_size = (160, 128)  # (width, height)
max_epochs = 8

model = dict(
    data_preprocessor=dict(pad_size_divisor=32),
    backbone=dict(
        _delete_=True,
        type='MobileNetV2',
        widen_factor=1.0,
        out_indices=(2, 4, 6),  # strides 8, 16, 32 with 32, 96, 320 channels
        norm_cfg=dict(type='BN', requires_grad=True),
        init_cfg=None),  # Kaiming from scratch: no pretrained weights offline
    neck=dict(in_channels=[32, 96, 320], out_channels=64, start_level=0,
              add_extra_convs=False, num_outs=3),
    bbox_head=dict(
        num_classes=len(classes),
        in_channels=64,
        feat_channels=64,
        stacked_convs=2,
        anchor_generator=dict(octave_base_scale=2, strides=[8, 16, 32])),
    test_cfg=dict(score_thr=0.05, max_per_img=100))

train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadAnnotations', with_bbox=True),
    dict(type='Resize', scale=image_size, keep_ratio=True),
    dict(type='RandomFlip', prob=0.5, direction=['horizontal', 'vertical']),
    dict(type='PackDetInputs'),
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=image_size, keep_ratio=True),  # mmdet needs scale_factor
    dict(type='LoadAnnotations', with_bbox=True),
    dict(type='PackDetInputs',
         meta_keys=('img_id', 'img_path', 'ori_shape', 'img_shape', 'scale_factor')),
]


def _split(name, pipeline, test_mode):
    return dict(type='CocoDataset', data_root=data_root, metainfo=metainfo,
                ann_file=f'{name}/_annotations.coco.json', data_prefix=dict(img=f'{name}/'),
                filter_cfg=None if test_mode else dict(filter_empty_gt=True, min_size=8),
                test_mode=test_mode, pipeline=pipeline)


train_dataloader = dict(batch_size=8, num_workers=0, persistent_workers=False,
                        dataset=_split('train', train_pipeline, False))
val_dataloader = dict(batch_size=8, num_workers=0, persistent_workers=False,
                      dataset=_split('valid', test_pipeline, True))
test_dataloader = dict(batch_size=8, num_workers=0, persistent_workers=False,
                       dataset=_split('test', test_pipeline, True))
val_evaluator = dict(type='CocoMetric', ann_file=data_root + 'valid/_annotations.coco.json',
                     metric='bbox', classwise=True)
test_evaluator = dict(type='CocoMetric', ann_file=data_root + 'test/_annotations.coco.json',
                      metric='bbox', classwise=True)

train_cfg = dict(max_epochs=max_epochs, val_interval=4)
optim_wrapper = dict(
    _delete_=True, type='OptimWrapper',
    optimizer=dict(type='AdamW', lr=2e-3, weight_decay=0.05),
    clip_grad=dict(max_norm=10, norm_type=2))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.01, by_epoch=False, begin=0, end=60),
    dict(type='CosineAnnealingLR', by_epoch=True, begin=0, end=max_epochs, T_max=max_epochs,
         eta_min=1e-5),
]
default_hooks = dict(
    logger=dict(type='LoggerHook', interval=10),  # 240 iterations: 24 loss points
    checkpoint=dict(type='CheckpointHook', interval=1, max_keep_ckpts=1))
custom_hooks = [dict(type='TqdmProgressHook')]
randomness = dict(seed=0)
