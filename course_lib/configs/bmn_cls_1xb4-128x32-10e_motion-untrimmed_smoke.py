"""BMNwActionCls on features a recognizer computed from raw videos (lesson 05, two-stage pipeline).

Data: generated untrimmed videos of lesson 03's shapes (still stretches, then 1-3 motion actions),
turned into 128-channel features by lesson 03's R(2+1)D backbone, rescaled to 32 steps and written
in ActivityNet's on-disk format by `course_lib.inference.localization.build_feature_set`. Everything
else is lesson 05's smoke config (itself lesson 04's BMN config plus the class head), with a
narrower BMN (hidden sizes halved), trained 10 epochs (about a minute on 2 CPU cores): after 3, its
class head still called background almost everywhere and the lesson's showcase video got every class
wrong (held-out mAP@0.5 0.27 after 3 epochs, 0.56 after 10).
"""
_base_ = './bmn_cls_1xb2-400x32-1e_activitynet-synthetic_smoke.py'
from course_lib.data.synthetic.motion_clips import MOTIONS as _MOTIONS  # noqa: E402
from course_lib.settings import work_dir as _course_work_dir  # noqa: E402
custom_imports = dict(imports=['course_lib'], allow_failed_imports=False)

data_root = '{{$COURSE_DATA_DIR:data}}/motion_untrimmed'
work_dir = str(_course_work_dir('{{fileBasenameNoExtension}}'))
classes = list(_MOTIONS)

model = dict(feat_dim=128, num_action_classes=len(classes) + 1, hidden_dim_1d=128,
             hidden_dim_2d=64, hidden_dim_3d=256)

# lesson 05's train pipeline with this set's classes in its label step (a list is replaced whole);
# the test pipeline has no classes: lesson 05's is kept
_labels = dict(type='GenerateLocalizationClassLabels', classes=classes)
train_pipeline = [_base_._load, _labels, _base_.train_pipeline[-1]]
features = f'{data_root}/csv_mean_32'
_features = dict(video=features)
train_dataloader = dict(batch_size=4, dataset=dict(
    ann_file=f'{data_root}/anet_anno_train.json', data_prefix=_features, pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(ann_file=f'{data_root}/anet_anno_test.json', data_prefix=_features))
test_dataloader = val_dataloader

# lesson 05's evaluators, writing into this config's work dir and naming this set's classes
test_evaluator = [
    dict(_base_.test_evaluator[0],
         dump_config=dict(out=f'{work_dir}/proposals.json', output_format='json')),
    dict(_base_.test_evaluator[1], classes=classes, out=f'{work_dir}/detections.json')]
val_evaluator = test_evaluator

max_epochs = 10
train_cfg = dict(max_epochs=max_epochs, val_begin=max_epochs + 1)
param_scheduler = [dict(type='MultiStepLR', begin=0, end=max_epochs, by_epoch=True,
                        milestones=[max_epochs - 1], gamma=0.1)]
default_hooks = dict(checkpoint=dict(interval=max_epochs, max_keep_ckpts=1))
