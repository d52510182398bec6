"""BMN, smoke profile: mmaction2's ActivityNet config, shrunk to 32 feature steps and 2 epochs.

Data: synthetic ActivityNet-format features (400 channels x 32 steps), made by
`python data_scripts/prepare_activitynet.py --profile smoke`. Everything not set here is mmaction2's
`localization/bmn/bmn_2xb8-400x100-9e_activitynet-feature.py`. Used in lesson 04.
"""
_base_ = 'mmaction::localization/bmn/bmn_2xb8-400x100-9e_activitynet-feature.py'
from course_lib.profile import work_dir as _course_work_dir  # noqa: E402 (after _base_: mmengine)
custom_imports = dict(imports=['course_lib'], allow_failed_imports=False)

temporal_dim = 32
data_root = '{{$COURSE_DATA_DIR:data}}/activitynet_synthetic_t32'
work_dir = str(_course_work_dir('{{fileBasenameNoExtension}}'))

# 32 steps (ActivityNet: 100) and 8 sample points per proposal (32): 2.1 M parameters instead of
# 37 M, ~1.5 s per training step of 4 videos on 2 CPU cores
model = dict(temporal_dim=temporal_dim, num_samples=8)

_loader = dict(num_workers=0, persistent_workers=False)  # 2 CPU cores: load in the main process
train_dataloader = dict(batch_size=4, **_loader, dataset=dict(  # 50 steps per epoch instead of 25
    ann_file=f'{data_root}/anet_anno_train.json', data_prefix=dict(video=f'{data_root}/csv_mean_32')))
val_dataloader = dict(**_loader, dataset=dict(
    ann_file=f'{data_root}/anet_anno_val.json', data_prefix=dict(video=f'{data_root}/csv_mean_32')))
test_dataloader = val_dataloader  # as in mmaction2: the validation set is the test set

max_epochs = 2
# no validation while training (it would cost ~10 s per pass): evaluate once with --test afterwards
train_cfg = dict(max_epochs=max_epochs, val_begin=max_epochs + 1)
param_scheduler = [dict(type='MultiStepLR', begin=0, end=max_epochs, by_epoch=True,
                        milestones=[max_epochs], gamma=0.1)]
test_evaluator = dict(type='ANetMetric', metric_type='AR@AN',
                      dump_config=dict(out=f'{work_dir}/results.json', output_format='json'))
val_evaluator = test_evaluator

default_hooks = dict(logger=dict(interval=5), checkpoint=dict(save_best=None))
custom_hooks = [dict(type='TqdmProgressHook')]
randomness = dict(seed=0)
