# ATSS with a MobileNetV2 backbone on the real BCCD set: the full profile of lesson 06, as in OTX's
# object-detection tutorial. Data: data_scripts/prepare_bccd.py (the copy shipped in datasets/bccd,
# VOC -> COCO in the Roboflow layout). Backbone: ImageNet-pretrained
# MobileNetV2 (hub entry 'mobilenet_v2_imagenet_mmdet', i.e. open-mmlab://mmdet/mobilenet_v2).
# Sized for a GPU: 992 x 736 inputs as OTX's MobileNetV2-ATSS, 5 FPN levels, 24 epochs.
#   python -m course_lib.train atss_mobilenetv2_fpn_bccd_full
_base_ = 'mmdet::atss/atss_r50_fpn_1x_coco.py'
from course_lib.zoo import hub_path as _hub_path  # noqa: E402 (after _base_: mmengine)

custom_imports = dict(imports=['course_lib'], allow_failed_imports=False)
data_root = '{{$COURSE_DATA_DIR:data}}/bccd/'
classes = ('Platelets', 'RBC', 'WBC')
metainfo = dict(classes=classes, palette=[(60, 180, 75), (230, 25, 75), (0, 130, 200)])
image_size = (992, 736)  # (width, height)
max_epochs = 24

model = dict(
    backbone=dict(
        _delete_=True,
        type='MobileNetV2',
        widen_factor=1.0,
        out_indices=(2, 4, 6),  # strides 8, 16, 32 with 32, 96, 320 channels
        norm_cfg=dict(type='BN', requires_grad=True),
        # open-mmlab://mmdet/mobilenet_v2, verified in the course cache (not torch.hub's)
        init_cfg=dict(type='Pretrained', checkpoint=_hub_path('mobilenet_v2_imagenet_mmdet'))),
    neck=dict(in_channels=[32, 96, 320], out_channels=64, start_level=0,
              add_extra_convs='on_output', num_outs=5),
    bbox_head=dict(num_classes=len(classes), in_channels=64, feat_channels=64),
    test_cfg=dict(score_thr=0.05, max_per_img=100))

import course_lib.configs._parts as _parts  # noqa: E402 (below what lesson 06 prints)

train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadAnnotations', with_bbox=True),
    dict(type='RandomResize', scale=[(896, 672), (1088, 800)], keep_ratio=True),
    dict(type='RandomFlip', prob=0.5, direction=['horizontal', 'vertical']),
    dict(type='PhotoMetricDistortion'),
    dict(type='PackDetInputs'),
]
test_pipeline = _parts.detection_test_pipeline(image_size)


def _split(name, pipeline, test_mode):
    return dict(type='CocoDataset', data_root=data_root, metainfo=metainfo,
                ann_file=f'{name}/_annotations.coco.json', data_prefix=dict(img=f'{name}/'),
                filter_cfg=None if test_mode else dict(filter_empty_gt=True, min_size=32),
                test_mode=test_mode, pipeline=pipeline)


train_dataloader = dict(batch_size=8, num_workers=4,
                        dataset=_split('train', train_pipeline, False))
val_dataloader = dict(batch_size=4, num_workers=2, dataset=_split('valid', test_pipeline, True))
test_dataloader = dict(batch_size=4, num_workers=2, dataset=_split('test', test_pipeline, True))
val_evaluator = dict(type='CourseCocoMetric', ann_file=data_root + 'valid/_annotations.coco.json',
                     metric='bbox', classwise=True)
test_evaluator = dict(type='CourseCocoMetric', ann_file=data_root + 'test/_annotations.coco.json',
                      metric='bbox', classwise=True)

train_cfg = dict(max_epochs=max_epochs, val_interval=2)
optim_wrapper = dict(optimizer=dict(type='SGD', lr=0.01, momentum=0.9, weight_decay=4e-5),
                     clip_grad=dict(max_norm=35, norm_type=2))
param_scheduler = _parts.iter_warmup_cosine(max_epochs, warmup_iters=500, start_factor=0.001)
default_hooks = dict(
    logger=dict(type='LoggerHook', interval=50),
    checkpoint=dict(type='CheckpointHook', interval=2, max_keep_ckpts=2,
                    save_best='coco/bbox_mAP', rule='greater'))
custom_hooks = [dict(type='TqdmProgressHook')]
randomness = dict(seed=0)
