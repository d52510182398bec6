# SlowOnly + Fast R-CNN-style RoI head on the synthetic AVA-format set: the smoke profile (lesson 07).
# Inherits mmaction2's own AVA recipe (SlowOnly R50, 4x16x1, AVA v2.1) and makes it tiny for 2 CPU
# cores: a 3-stage ResNet3d-18 with 8 base channels (0.13 M parameters; every stage inflated and a
# temporal stem, so motion is seen from the pixels on), trained from scratch (no pretrained weights
# offline), 8 frames x 96 x 64 px, 3 action classes, 6 epochs. The RoI extractor's featmap_stride must
# be the backbone's stride (8 here): mmaction's default, 16, reads each box's features at half its
# coordinates, from the wrong place.
# It inherits the full config; what the full config built from its own variables (data_root,
# classes, clip sampling, max_epochs) is restated here with the smoke values.
#   python -m course_lib.train slowonly_r18_8xb8-8x2x1-6e_ava-synthetic_smoke
_base_ = './slowonly_k400-pre-r50_8xb8-8x2x1-20e_jhmdb-ava_full.py'

data_root = '{{$COURSE_DATA_DIR:data}}/ava_actions'
anno_root = f'{data_root}/annotations'
classes = ('wave', 'walk', 'jump')  # label-map ids 1, 2, 3; id 0 is the background class
clip_len, frame_interval, fps = 8, 2, 8  # a 2-second window around each keyframe
video_fps = fps  # the generated videos play at their timestamps' rate
max_epochs, batch_size, base_lr = 6, 8, 4e-3

model = dict(
    init_cfg=None,  # the recipe starts from a Kinetics checkpoint; offline we start from scratch
    backbone=dict(depth=18, base_channels=8, num_stages=3, out_indices=(2, ), inflate=(1, 1, 1),
                  conv1_kernel=(3, 7, 7),  # a temporal stem: frame differences from the first layer
                  spatial_strides=(1, 2, 1), dilations=(1, 1, 1), temporal_strides=(1, 1, 1),
                  # stride 8: a 12 x 8 feature map of 32 channels for 96 x 64 frames
                  norm_cfg=dict(type='BN3d', requires_grad=True)),
    roi_head=dict(
        bbox_roi_extractor=dict(output_size=4, featmap_stride=8),  # the backbone's stride (default 16)
        bbox_head=dict(in_channels=8 * 4, num_classes=len(classes) + 1, topk=(1, ),
                       dropout_ratio=0.2)),
    data_preprocessor=dict(mean=[127.5] * 3, std=[64.0] * 3),
    # Our proposals are noisy copies of the true boxes: count a proposal as that person at IoU 0.7
    # (AVA's recipe uses 0.9 with FAIR's precise person detector).
    train_cfg=dict(rcnn=dict(assigner=dict(pos_iou_thr=0.7, neg_iou_thr=0.7, min_pos_iou=0.7))))

dataset_settings = dict(_delete_=True,  # not merged into the full config's settings
                        type='AVADataset', label_file=f'{anno_root}/ava_action_list.pbtxt',
                        data_prefix=dict(img=f'{data_root}/rawframes'), fps=fps,
                        timestamp_start=900, timestamp_end=906, num_classes=len(classes) + 1)

train_pipeline = [
    dict(type='SampleAVAFrames', clip_len=clip_len, frame_interval=frame_interval),
    dict(type='RawFrameDecode'),
    dict(type='Flip', flip_ratio=0.5),  # waving, walking and jumping look the same mirrored
    dict(type='FormatShape', input_format='NCTHW', collapse=True),
    dict(type='PackActionInputs')]
val_pipeline = [
    dict(type='SampleAVAFrames', clip_len=clip_len, frame_interval=frame_interval, test_mode=True),
    dict(type='RawFrameDecode'),
    dict(type='FormatShape', input_format='NCTHW', collapse=True),
    dict(type='PackActionInputs')]

import course_lib.configs._parts as _parts  # noqa: E402 (below what lesson 07 prints)

train_dataloader = dict(
    batch_size=batch_size, num_workers=0, persistent_workers=False,
    dataset=dict(**dataset_settings, **_parts.ava_files(anno_root, 'train'), pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=1, num_workers=0, persistent_workers=False,  # the AVA RoI head tests one clip at a time
    dataset=dict(**dataset_settings, **_parts.ava_files(anno_root, 'val'), pipeline=val_pipeline,
                 test_mode=True))
test_dataloader = val_dataloader

# mmaction's AVA metric: frame-mAP at IoU 0.5 over the label map's classes ('mAP/overall').
val_evaluator = _parts.ava_metric(anno_root, num_classes=len(classes) + 1)
test_evaluator = val_evaluator

# No validation while training (the lesson evaluates once, after it): it would cost a third of an epoch.
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=max_epochs, val_begin=max_epochs + 1,
                 val_interval=1)
optim_wrapper, param_scheduler = _parts.adamw_warmup_cosine(base_lr, max_epochs)

default_hooks = dict(
    logger=dict(interval=10),  # 180 iterations: 18 loss points (printing is off in the lesson)
    checkpoint=dict(_delete_=True, type='CheckpointHook', interval=max_epochs, save_best='auto',
                    max_keep_ckpts=1))
randomness = dict(seed=0, deterministic=False)
