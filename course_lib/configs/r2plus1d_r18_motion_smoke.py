# R(2+1)D-18, width 16, trained from scratch on the synthetic motion clips (lesson 03, smoke profile).
# The full config (R(2+1)D-34 fine-tuned on HMDB51) made small; only what changes is written here.
# The full config's variables (data_root, max_epochs, batch_size, the pipelines) were resolved there,
# so the loaders, evaluators and schedule that use them are restated with the smoke values.
_base_ = './r2plus1d_r34_hmdb51_full.py'
import course_lib.configs._parts as _parts  # noqa: E402 (after _base_: mmengine; a module: not a key)

data_root = '{{$COURSE_DATA_DIR:data}}/motion_clips'
load_from = None  # from scratch: no Kinetics checkpoint offline
classes = ['MoveLeft', 'MoveRight', 'MoveUp', 'MoveDown', 'Grow', 'Rotate']
clip_len, frame_interval, input_size = 8, 2, 32
max_epochs, batch_size, base_lr = 10, 16, 3e-3

model = dict(
    backbone=dict(depth=18, base_channels=16,  # a 2 M-parameter R(2+1)D-18 (the zoo's R34 has 63 M)
                  norm_cfg=dict(type='BN3d', requires_grad=True, eps=1e-3)),  # SyncBN needs CUDA
    cls_head=dict(num_classes=len(classes), in_channels=16 * 8, dropout_ratio=0.2),
    data_preprocessor=dict(mean=[127.5] * 3, std=[64.0] * 3))

# No Flip: a left-right flip turns MoveLeft into MoveRight.
train_pipeline = [
    dict(type='SampleFrames', clip_len=clip_len, frame_interval=frame_interval, num_clips=1),
    dict(type='RawFrameDecode'),
    dict(type='Resize', scale=(input_size, input_size), keep_ratio=False),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackActionInputs')]
val_pipeline = [
    dict(type='SampleFrames', clip_len=clip_len, frame_interval=frame_interval, num_clips=1,
         test_mode=True),
    dict(type='RawFrameDecode'),
    dict(type='Resize', scale=(input_size, input_size), keep_ratio=False),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackActionInputs')]
test_pipeline = val_pipeline
video_pipeline = _parts.video_file_pipeline(val_pipeline)  # the same model on a video file
train_dataloader, val_dataloader, test_dataloader = _parts.rawframe_loaders(
    data_root, 'motion', (train_pipeline, val_pipeline, test_pipeline), batch_size=batch_size,
    test_batch_size=batch_size, num_workers=0)

val_evaluator = dict(type='AccMetric')
test_evaluator = [dict(type='AccMetric'), dict(type='ConfusionMatrix', num_classes=len(classes))]

train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=max_epochs, val_begin=1, val_interval=1)
optim_wrapper, param_scheduler = _parts.adamw_warmup_cosine(base_lr, max_epochs)

default_hooks = dict(checkpoint=dict(interval=max_epochs, save_best=None, max_keep_ckpts=1))
randomness = dict(seed=0, deterministic=False)
