"""BMN with action classes (BMNwActionCls), full profile: lesson 04's full BMN config plus a class head.

Data: the real ActivityNet 1.3 rescaled features (400 x 100) and annotations, made by
`python data_scripts/prepare_activitynet.py --profile full`; the 200 action classes are read
(sorted) from the training annotations. Sized for GPUs (~6 h; `torchrun --nproc_per_node=2 -m
course_lib.train <this config> --launcher pytorch`). Used in lesson 05.
"""
_base_ = './bmn_2xb8-400x100-9e_activitynet-feature_full.py'
from course_lib.settings import work_dir as _course_work_dir  # noqa: E402 (after _base_: mmengine)
custom_imports = dict(imports=['course_lib'], allow_failed_imports=False)

data_root = '{{$COURSE_DATA_DIR:data}}/ActivityNet'
work_dir = str(_course_work_dir('{{fileBasenameNoExtension}}'))
classes = f'{data_root}/anet_anno_train.json'  # 200 labels, sorted; background = 200

model = dict(type='BMNwActionCls', num_action_classes=201, loss_action_cls_weight=1.0)

_load = dict(type='LoadLocalizationFeature')
_labels = dict(type='GenerateLocalizationClassLabels', classes=classes)
train_pipeline = [_load, _labels, dict(type='PackLocalizationInputs', keys=('gt_bbox', 'gt_label'),
                                       meta_keys=('video_name', ))]
test_pipeline = [_load, dict(type='PackLocalizationInputs', keys=('gt_bbox', ),
                             meta_keys=('video_name', 'duration_second', 'duration_frame',
                                        'annotations', 'feature_frame'))]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=test_pipeline))
test_dataloader = val_dataloader  # as in mmaction2: the validation set is the test set

test_evaluator = [
    dict(type='ANetMetric', metric_type='AR@AN',
         dump_config=dict(out=f'{work_dir}/proposals.json', output_format='json')),
    dict(type='ActivityNetDetectionMetric', classes=classes, out=f'{work_dir}/detections.json')]
val_evaluator = test_evaluator
