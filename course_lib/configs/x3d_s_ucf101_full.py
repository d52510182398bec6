# X3D-S fine-tuned from Kinetics-400 on UCF101 split 1 (lesson 03, full profile, as in OTX's action-recognition models).
# Prepare the data and the checkpoint first: python data_scripts/prepare_action_dataset.py --dataset ucf101
# Inherits mmaction2's own X3D-S config (which ships a test set-up only); training is added here.
_base_ = 'mmaction::recognition/x3d/x3d_s_13x6x1_facebook-kinetics400-rgb.py'

import course_lib.configs._parts as _parts  # noqa: E402 (after _base_: mmengine; a module: not a key)
from course_lib.zoo import hub_path as _hub_path  # noqa: E402
custom_imports = dict(imports=['course_lib'], allow_failed_imports=False)

data_root = '{{$COURSE_DATA_DIR:data}}/ucf101'
# the Kinetics-400 checkpoint (hub 'x3d_s_k400'): its verified file in the course cache
load_from = _hub_path('x3d_s_k400')
max_epochs, batch_size = 30, 16

model = dict(cls_head=dict(num_classes=101))  # a new 101-way classifier

train_pipeline, val_pipeline, test_pipeline, video_pipeline = _parts.recognition_pipelines(
    clip_len=13, frame_interval=6, short_side=182, crop_size=160)
# mmaction's X3D-S config has a test loader only: the train and val loaders are new
train_dataloader, val_dataloader, test_dataloader = _parts.rawframe_loaders(
    data_root, 'ucf101', (train_pipeline, val_pipeline, test_pipeline), batch_size=batch_size,
    test_batch_size=1, num_workers=4, replace=('test', ))

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
