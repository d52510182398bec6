# SlowOnly R50 (Kinetics-400 pretrained) + RoI head on JHMDB in AVA format: the full profile (lesson 07).
# mmaction2's AVA v2.1 recipe, unchanged model, with JHMDB's 21 classes. OTX's action-detection tutorial trains X3D + Fast
# R-CNN on a 5% JHMDB subset (CVAT format) and reports frame-mAP 0.5376.
# Data: data_scripts/prepare_jhmdb_ava.py (ACT's JHMDB-GT.pkl + frames -> AVA files; person
# proposals from mmdet's COCO Faster R-CNN). JHMDB clips are ~40 frames, so timestamps count frames
# (mmaction's fps=1 mode, as its MultiSports config) and every 5th frame is a keyframe.
# Backbone: the recipe's init_cfg, mmaction's SlowOnly R50 K400 checkpoint (sha256 prefix e7b65fad).
#   python -m course_lib.train slowonly_k400-pre-r50_8xb8-8x2x1-20e_jhmdb-ava_full
_base_ = 'mmaction::detection/slowonly/slowonly_kinetics400-pretrained-r50_8xb16-4x16x1-20e_ava21-rgb.py'
from course_lib.zoo import hub_path as _hub_path  # noqa: E402 (after _base_: mmengine)

custom_imports = dict(imports=['course_lib'], allow_failed_imports=False)

data_root = '{{$COURSE_DATA_DIR:data}}/jhmdb_ava'
anno_root = f'{data_root}/annotations'
classes = ('brush_hair', 'catch', 'clap', 'climb_stairs', 'golf', 'jump', 'kick_ball', 'pick',
           'pour', 'pullup', 'push', 'run', 'shoot_ball', 'shoot_bow', 'shoot_gun', 'sit', 'stand',
           'swing_baseball', 'throw', 'walk', 'wave')
# 8 x 2 (a 16-frame span), not the 4 x 16 (64 frames) of the K400 pretraining and of mmaction2's AVA
# recipe: JHMDB clips are ~40 frames long, so a 64-frame span would mostly repeat edge frames. The
# weights' shapes do not depend on the clip length (make check-full loads them into this model).
clip_len, frame_interval, fps = 8, 2, 1  # fps=1: a timestamp is a frame number
video_fps = 30  # the rate JHMDB's frames play at (HMDB51's 30 fps videos); course_lib.data.ava.video_rate
max_epochs, batch_size = 20, 8

model = dict(
    # the recipe's K400 SlowOnly (hub 'slowonly_r50_k400'): its verified file in the course cache
    init_cfg=dict(type='Pretrained', checkpoint=_hub_path('slowonly_r50_k400')),
    roi_head=dict(bbox_head=dict(num_classes=len(classes) + 1, topk=(1, 5))),
    train_cfg=dict(rcnn=dict(assigner=dict(pos_iou_thr=0.7, neg_iou_thr=0.7, min_pos_iou=0.7))))

dataset_settings = dict(type='AVADataset', label_file=f'{anno_root}/ava_action_list.pbtxt',
                        data_prefix=dict(img=f'{data_root}/rawframes'), fps=fps,
                        timestamp_start=1, timestamp_end=41, num_classes=len(classes) + 1,
                        person_det_score_thr=0.5)

train_pipeline = [
    dict(type='SampleAVAFrames', clip_len=clip_len, frame_interval=frame_interval),
    dict(type='RawFrameDecode'),
    dict(type='RandomRescale', scale_range=(256, 320)),
    dict(type='RandomCrop', size=256),
    dict(type='Flip', flip_ratio=0.5),
    dict(type='FormatShape', input_format='NCTHW', collapse=True),
    dict(type='PackActionInputs')]
val_pipeline = [
    dict(type='SampleAVAFrames', clip_len=clip_len, frame_interval=frame_interval, test_mode=True),
    dict(type='RawFrameDecode'),
    dict(type='Resize', scale=(-1, 256)),
    dict(type='FormatShape', input_format='NCTHW', collapse=True),
    dict(type='PackActionInputs')]

import course_lib.configs._parts as _parts  # noqa: E402 (below what lesson 07 prints)

train_dataloader = dict(
    batch_size=batch_size, num_workers=4,
    dataset=dict(_delete_=True, **dataset_settings, **_parts.ava_files(anno_root, 'train'),
                 pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=1, num_workers=2,
    dataset=dict(_delete_=True, **dataset_settings, **_parts.ava_files(anno_root, 'val'),
                 pipeline=val_pipeline, test_mode=True))
test_dataloader = val_dataloader

val_evaluator = _parts.ava_metric(anno_root, num_classes=len(classes) + 1)
test_evaluator = val_evaluator

train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=max_epochs, val_begin=1, val_interval=2)
optim_wrapper = dict(optimizer=dict(type='SGD', lr=0.05, momentum=0.9, weight_decay=1e-5),
                     clip_grad=dict(max_norm=40, norm_type=2))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.1, by_epoch=True, begin=0, end=2),
    dict(type='CosineAnnealingLR', T_max=max_epochs - 2, eta_min=0, by_epoch=True, begin=2,
         end=max_epochs)]
default_hooks = dict(logger=dict(interval=50),
                     checkpoint=dict(interval=2, max_keep_ckpts=2, save_best='mAP/overall',
                                     rule='greater'))
custom_hooks = [dict(type='TqdmProgressHook')]
randomness = dict(seed=0)
