"""BMN, smoke profile: lesson 04's full config, shrunk to 32 feature steps and 2 epochs.

Data: synthetic ActivityNet-format features (400 channels x 32 steps), made by
`python data_scripts/prepare_activitynet.py --profile smoke`. Everything not set here is the full
config's, i.e. mmaction2's `localization/bmn/bmn_2xb8-400x100-9e_activitynet-feature.py`. The full
config's paths and work dir were resolved there, so the loaders and evaluators are restated.
Used in lesson 04.
"""
_base_ = './bmn_2xb8-400x100-9e_activitynet-feature_full.py'
from course_lib.settings import work_dir as _course_work_dir  # noqa: E402 (after _base_: mmengine)

temporal_dim = 32
data_root = '{{$COURSE_DATA_DIR:data}}/activitynet_synthetic_t32'
features = f'{data_root}/csv_mean_32'
work_dir = str(_course_work_dir('{{fileBasenameNoExtension}}'))

# 32 steps (ActivityNet: 100) and 8 sample points per proposal (32): 2.1 M parameters instead of
# 37 M, ~1.5 s per training step of 4 videos on 2 CPU cores
model = dict(temporal_dim=temporal_dim, num_samples=8)

_loader = dict(num_workers=0, persistent_workers=False)  # 2 CPU cores: load in the main process
train_dataloader = dict(batch_size=4, **_loader, dataset=dict(  # 50 steps per epoch instead of 25
    ann_file=f'{data_root}/anet_anno_train.json', data_prefix=dict(video=features)))
val_dataloader = dict(**_loader, dataset=dict(
    ann_file=f'{data_root}/anet_anno_val.json', data_prefix=dict(video=features)))
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
randomness = dict(seed=0)
