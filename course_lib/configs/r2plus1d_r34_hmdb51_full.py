# R(2+1)D-34 fine-tuned from Kinetics-400 on HMDB51 split 1 (lesson 03, full profile, as an R(2+1)D reproduction does).
# Prepare the data and the checkpoint first: python data_scripts/prepare_action_dataset.py --dataset hmdb51
# Inherits mmaction2's own 8x8x1 R(2+1)D config; only what changes is written here.
_base_ = 'mmaction::recognition/r2plus1d/r2plus1d_r34_8xb8-8x8x1-180e_kinetics400-rgb.py'

from course_lib.zoo import hub_path as _hub_path  # noqa: E402 (after _base_: mmengine)
custom_imports = dict(imports=['course_lib'], allow_failed_imports=False)

data_root = '{{$COURSE_DATA_DIR:data}}/hmdb51'
# the Kinetics-400 checkpoint (hub 'r2plus1d_r34_k400'): its verified file in the course cache
load_from = _hub_path('r2plus1d_r34_k400')
max_epochs, batch_size = 30, 8

model = dict(cls_head=dict(num_classes=51, dropout_ratio=0.5))  # a new 51-way classifier

train_pipeline = [
    dict(type='SampleFrames', clip_len=8, frame_interval=8, num_clips=1),
    dict(type='RawFrameDecode'),
    dict(type='Resize', scale=(-1, 256)),
    dict(type='RandomResizedCrop'),
    dict(type='Resize', scale=(224, 224), keep_ratio=False),
    dict(type='Flip', flip_ratio=0.5),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackActionInputs')]
val_pipeline = [
    dict(type='SampleFrames', clip_len=8, frame_interval=8, num_clips=1, test_mode=True),
    dict(type='RawFrameDecode'),
    dict(type='Resize', scale=(-1, 256)),
    dict(type='CenterCrop', crop_size=224),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackActionInputs')]
test_pipeline = [
    dict(type='SampleFrames', clip_len=8, frame_interval=8, num_clips=10, test_mode=True),
    dict(type='RawFrameDecode'),
    dict(type='Resize', scale=(-1, 256)),
    dict(type='ThreeCrop', crop_size=256),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackActionInputs')]
video_pipeline = [dict(type='OpenCVInit'), val_pipeline[0], dict(type='OpenCVDecode'),
                  *val_pipeline[2:]]


def _loader(split, pipeline, train, batch):
    return dict(
        batch_size=batch, num_workers=4, persistent_workers=True,
        sampler=dict(type='DefaultSampler', shuffle=train),
        dataset=dict(_delete_=True, type='RawframeDataset',
                     ann_file=f'{data_root}/lists/hmdb51_{split}_split_1_rawframes.txt',
                     data_prefix=dict(img=f'{data_root}/rawframes'),
                     pipeline=pipeline, test_mode=not train))


train_dataloader = _loader('train', train_pipeline, True, batch_size)
val_dataloader = _loader('test', val_pipeline, False, batch_size)
test_dataloader = _loader('test', test_pipeline, False, 1)
del _loader

test_evaluator = [dict(type='AccMetric'), dict(type='ConfusionMatrix', num_classes=51)]
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=max_epochs, val_begin=1, val_interval=5)
# fine-tuning: a tenth of the from-scratch learning rate (0.01 for 64 clips a step), scaled linearly
optim_wrapper = dict(optimizer=dict(type='SGD', lr=0.001 * batch_size / 8, momentum=0.9,
                                    weight_decay=1e-4))
param_scheduler = [dict(type='CosineAnnealingLR', T_max=max_epochs, eta_min=0, by_epoch=True)]
default_hooks = dict(logger=dict(interval=50), checkpoint=dict(interval=5, max_keep_ckpts=2))
custom_hooks = [dict(type='TqdmProgressHook')]
