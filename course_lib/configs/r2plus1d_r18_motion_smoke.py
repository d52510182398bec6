# R(2+1)D-18, width 16, trained from scratch on the synthetic motion clips (lesson 03, smoke profile).
# The full config (R(2+1)D-34 fine-tuned on HMDB51) made small; only what changes is written here.
# The full config's variables (data_root, max_epochs, batch_size, the pipelines) were resolved there,
# so the loaders, evaluators and schedule that use them are restated with the smoke values.
_base_ = './r2plus1d_r34_hmdb51_full.py'

data_root = '{{$COURSE_DATA_DIR:data}}/motion_clips'
load_from = None  # from scratch: no Kinetics checkpoint offline
classes = ['MoveLeft', 'MoveRight', 'MoveUp', 'MoveDown', 'Grow', 'Rotate']
clip_len, frame_interval, input_size = 8, 2, 32
max_epochs, batch_size, base_lr = 10, 16, 3e-3

model = dict(
    backbone=dict(depth=18, base_channels=16,  # a 2 M-parameter R(2+1)D-18 (the zoo's R34 has 63 M)
                  norm_cfg=dict(type='BN3d', requires_grad=True, eps=1e-3)),  # SyncBN needs CUDA
    cls_head=dict(num_classes=len(classes), in_channels=16 * 8, dropout_ratio=0.2),
    data_preprocessor=dict(mean=[127.5] * 3, std=[64.0] * 3))

# No Flip: a left-right flip turns MoveLeft into MoveRight.
train_pipeline = [
    dict(type='SampleFrames', clip_len=clip_len, frame_interval=frame_interval, num_clips=1),
    dict(type='RawFrameDecode'),
    dict(type='Resize', scale=(input_size, input_size), keep_ratio=False),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackActionInputs')]
val_pipeline = [
    dict(type='SampleFrames', clip_len=clip_len, frame_interval=frame_interval, num_clips=1,
         test_mode=True),
    dict(type='RawFrameDecode'),
    dict(type='Resize', scale=(input_size, input_size), keep_ratio=False),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackActionInputs')]
test_pipeline = val_pipeline
# The same model on a video file: decode with OpenCV instead of reading JPEG folders.
video_pipeline = [dict(type='OpenCVInit'), *val_pipeline[:1], dict(type='OpenCVDecode'),
                  *val_pipeline[2:]]


def _loader(split, pipeline, shuffle):
    return dict(
        batch_size=batch_size, num_workers=0, persistent_workers=False,
        sampler=dict(type='DefaultSampler', shuffle=shuffle),
        dataset=dict(_delete_=True, type='RawframeDataset',
                     ann_file=f'{data_root}/lists/motion_{split}_split_1_rawframes.txt',
                     data_prefix=dict(img=f'{data_root}/rawframes'),
                     pipeline=pipeline, test_mode=not shuffle))


train_dataloader = _loader('train', train_pipeline, True)
val_dataloader = _loader('test', val_pipeline, False)
test_dataloader = _loader('test', test_pipeline, False)
del _loader

val_evaluator = dict(type='AccMetric')
test_evaluator = [dict(type='AccMetric'), dict(type='ConfusionMatrix', num_classes=len(classes))]

train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=max_epochs, val_begin=1, val_interval=1)
optim_wrapper = dict(_delete_=True, optimizer=dict(type='AdamW', lr=base_lr, weight_decay=0.05),
                     clip_grad=dict(max_norm=40, norm_type=2))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.1, by_epoch=True, begin=0, end=1, convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', T_max=max_epochs - 1, eta_min=0, by_epoch=True, begin=1,
         end=max_epochs, convert_to_iter_based=True)]

default_hooks = dict(checkpoint=dict(interval=max_epochs, save_best=None, max_keep_ckpts=1))
randomness = dict(seed=0, deterministic=False)
