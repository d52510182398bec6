"""BMN, full profile: mmaction2's model-zoo config on the real ActivityNet features, unchanged.

Data: `python data_scripts/prepare_activitynet.py --profile full` (annotations + csv_mean_100
features, 100 steps x 400 channels). Only paths, logging and the progress bar differ from mmaction2's
`localization/bmn/bmn_2xb8-400x100-9e_activitynet-feature.py`: 9 epochs, batch 8 per GPU on 2 GPUs
(`torchrun --nproc_per_node=2 -m course_lib.train <this config> --launcher pytorch`). Model zoo:
AUC 67.25, AR@100 75.29. Used in lesson 04.
"""
_base_ = 'mmaction::localization/bmn/bmn_2xb8-400x100-9e_activitynet-feature.py'
from course_lib.settings import work_dir as _course_work_dir  # noqa: E402 (after _base_: mmengine)
custom_imports = dict(imports=['course_lib'], allow_failed_imports=False)

data_root = '{{$COURSE_DATA_DIR:data}}/ActivityNet'
features = f'{data_root}/activitynet_feature_cuhk/csv_mean_100'
work_dir = str(_course_work_dir('{{fileBasenameNoExtension}}'))

train_dataloader = dict(dataset=dict(ann_file=f'{data_root}/anet_anno_train.json',
                                     data_prefix=dict(video=features)))
val_dataloader = dict(dataset=dict(ann_file=f'{data_root}/anet_anno_val.json',
                                   data_prefix=dict(video=features)))
test_dataloader = val_dataloader  # as in mmaction2: the validation set is the test set

test_evaluator = dict(type='ANetMetric', metric_type='AR@AN',
                      dump_config=dict(out=f'{work_dir}/results.json', output_format='json'))
val_evaluator = test_evaluator

default_hooks = dict(logger=dict(interval=50))
custom_hooks = [dict(type='TqdmProgressHook')]
