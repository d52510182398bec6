# R(2+1)D-34 fine-tuned from Kinetics-400 on HMDB51 split 1 (lesson 03, full profile, as an R(2+1)D reproduction does).
# Prepare the data and the checkpoint first: python data_scripts/prepare_action_dataset.py --dataset hmdb51
# Inherits mmaction2's own 8x8x1 R(2+1)D config; only what changes is written here.
_base_ = 'mmaction::recognition/r2plus1d/r2plus1d_r34_8xb8-8x8x1-180e_kinetics400-rgb.py'

import course_lib.configs._parts as _parts  # noqa: E402 (after _base_: mmengine; a module: not a key)
from course_lib.zoo import hub_path as _hub_path  # noqa: E402
custom_imports = dict(imports=['course_lib'], allow_failed_imports=False)

data_root = '{{$COURSE_DATA_DIR:data}}/hmdb51'
# the Kinetics-400 checkpoint (hub 'r2plus1d_r34_k400'): its verified file in the course cache
load_from = _hub_path('r2plus1d_r34_k400')
max_epochs, batch_size = 30, 8

model = dict(cls_head=dict(num_classes=51, dropout_ratio=0.5))  # a new 51-way classifier

train_pipeline, val_pipeline, test_pipeline, video_pipeline = _parts.recognition_pipelines(
    clip_len=8, frame_interval=8, short_side=256, crop_size=224)
train_dataloader, val_dataloader, test_dataloader = _parts.rawframe_loaders(
    data_root, 'hmdb51', (train_pipeline, val_pipeline, test_pipeline), batch_size=batch_size,
    test_batch_size=1, num_workers=4)

test_evaluator = [dict(type='AccMetric'), dict(type='ConfusionMatrix', num_classes=51)]
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=max_epochs, val_begin=1, val_interval=5)
# fine-tuning: a tenth of the from-scratch learning rate (0.01 for 64 clips a step), scaled linearly
optim_wrapper = dict(optimizer=dict(type='SGD', lr=0.001 * batch_size / 8, momentum=0.9,
                                    weight_decay=1e-4))
param_scheduler = [dict(type='CosineAnnealingLR', T_max=max_epochs, eta_min=0, by_epoch=True)]
default_hooks = dict(logger=dict(interval=50), checkpoint=dict(interval=5, max_keep_ckpts=2))
custom_hooks = [dict(type='TqdmProgressHook')]
