"""BMN with action classes (BMNwActionCls), smoke profile: lesson 04's BMN config plus a class head.

The model, its label transform and its mAP metric live in course_lib and reach mmaction's
registries through `custom_imports`: no file of mmaction2 changes. Data: the synthetic
ActivityNet-format features of lesson 04 (400 channels x 32 steps, 5 action classes). Trained on
the train split; the test split (never seen in training) is held out for `--test`. One epoch at
batch 2 (100 steps, half the compute of lesson 04's 2 epochs at batch 4) leaves time in the lesson
for evaluation. Used in lesson 05.
"""
_base_ = './bmn_1xb4-400x32-2e_activitynet-synthetic_smoke.py'
import course_lib.data.synthetic.anet_features as _synthetic  # noqa: E402 (a module: not a config key)
from course_lib.settings import work_dir as _course_work_dir  # noqa: E402
custom_imports = dict(imports=['course_lib'], allow_failed_imports=False)

data_root = '{{$COURSE_DATA_DIR:data}}/activitynet_synthetic_t32'
work_dir = str(_course_work_dir('{{fileBasenameNoExtension}}'))
classes = list(_synthetic.SyntheticAnetSpec().classes())  # index order; background = len(classes)

model = dict(type='BMNwActionCls', num_action_classes=len(classes) + 1, loss_action_cls_weight=1.0)

_load = dict(type='LoadLocalizationFeature')
_labels = dict(type='GenerateLocalizationClassLabels', classes=classes)
train_pipeline = [_load, _labels, dict(type='PackLocalizationInputs', keys=('gt_bbox', 'gt_label'),
                                       meta_keys=('video_name', ))]
test_pipeline = [_load, dict(type='PackLocalizationInputs', keys=('gt_bbox', ),
                             meta_keys=('video_name', 'duration_second', 'duration_frame',
                                        'annotations', 'feature_frame'))]
val_dataloader = dict(dataset=dict(pipeline=test_pipeline))
test_dataloader = dict(dataset=dict(ann_file=f'{data_root}/anet_anno_test.json',
                                    pipeline=test_pipeline))

test_evaluator = [
    dict(type='ANetMetric', metric_type='AR@AN',
         dump_config=dict(out=f'{work_dir}/proposals.json', output_format='json')),
    dict(type='ActivityNetDetectionMetric', classes=classes, out=f'{work_dir}/detections.json')]
val_evaluator = test_evaluator

max_epochs = 1
train_dataloader = dict(batch_size=2, dataset=dict(pipeline=train_pipeline))
train_cfg = dict(max_epochs=max_epochs, val_begin=max_epochs + 1)  # no validation: `--test` once
param_scheduler = [dict(type='MultiStepLR', begin=0, end=max_epochs, by_epoch=True,
                        milestones=[max_epochs], gamma=0.1)]
