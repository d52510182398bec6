# X3D-S fine-tuned from Kinetics-400 on UCF101 split 1 (lesson 03, full profile, as in OTX's action-recognition models).
# Prepare the data and the checkpoint first: python data_scripts/prepare_action_dataset.py --dataset ucf101
# Inherits mmaction2's own X3D-S config (which ships a test set-up only); training is added here.
_base_ = 'mmaction::recognition/x3d/x3d_s_13x6x1_facebook-kinetics400-rgb.py'

from course_lib.zoo import hub_path as _hub_path  # noqa: E402 (after _base_: mmengine)
custom_imports = dict(imports=['course_lib'], allow_failed_imports=False)

data_root = '{{$COURSE_DATA_DIR:data}}/ucf101'
# the Kinetics-400 checkpoint (hub 'x3d_s_k400'): its verified file in the course cache
load_from = _hub_path('x3d_s_k400')
max_epochs, batch_size = 30, 16

model = dict(cls_head=dict(num_classes=101))  # a new 101-way classifier

train_pipeline = [
    dict(type='SampleFrames', clip_len=13, frame_interval=6, num_clips=1),
    dict(type='RawFrameDecode'),
    dict(type='Resize', scale=(-1, 182)),
    dict(type='RandomResizedCrop'),
    dict(type='Resize', scale=(160, 160), keep_ratio=False),
    dict(type='Flip', flip_ratio=0.5),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackActionInputs')]
val_pipeline = [
    dict(type='SampleFrames', clip_len=13, frame_interval=6, num_clips=1, test_mode=True),
    dict(type='RawFrameDecode'),
    dict(type='Resize', scale=(-1, 182)),
    dict(type='CenterCrop', crop_size=160),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackActionInputs')]
test_pipeline = [
    dict(type='SampleFrames', clip_len=13, frame_interval=6, num_clips=10, test_mode=True),
    dict(type='RawFrameDecode'),
    dict(type='Resize', scale=(-1, 182)),
    dict(type='ThreeCrop', crop_size=182),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackActionInputs')]
video_pipeline = [dict(type='OpenCVInit'), val_pipeline[0], dict(type='OpenCVDecode'),
                  *val_pipeline[2:]]


def _loader(split, pipeline, train, batch, replace=False):
    # _delete_ only where the base config has this loader (its test one): elsewhere mmengine would
    # pass `_delete_` on to the dataset (found by make check-full)
    return dict(
        batch_size=batch, num_workers=4, persistent_workers=True,
        sampler=dict(type='DefaultSampler', shuffle=train),
        dataset=dict(**({'_delete_': True} if replace else {}), type='RawframeDataset',
                     ann_file=f'{data_root}/lists/ucf101_{split}_split_1_rawframes.txt',
                     data_prefix=dict(img=f'{data_root}/rawframes'),
                     pipeline=pipeline, test_mode=not train))


train_dataloader = _loader('train', train_pipeline, True, batch_size)
val_dataloader = _loader('test', val_pipeline, False, batch_size)
test_dataloader = _loader('test', test_pipeline, False, 1, replace=True)
del _loader

val_evaluator = dict(type='AccMetric')
test_evaluator = [dict(type='AccMetric'), dict(type='ConfusionMatrix', num_classes=101)]
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=max_epochs, val_begin=1, val_interval=5)
val_cfg = dict(type='ValLoop')
optim_wrapper = dict(optimizer=dict(type='SGD', lr=0.005 * batch_size / 16, momentum=0.9,
                                    weight_decay=5e-5),
                     clip_grad=dict(max_norm=40, norm_type=2))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.1, by_epoch=True, begin=0, end=2, convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', T_max=max_epochs - 2, eta_min=0, by_epoch=True, begin=2,
         end=max_epochs)]
default_hooks = dict(logger=dict(interval=50), checkpoint=dict(interval=5, max_keep_ckpts=2))
custom_hooks = [dict(type='TqdmProgressHook')]
