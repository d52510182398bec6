"""Pieces that several course configs build the same way, as functions of the values each config sets.

A config calls them with its own values, e.g. `train_pipeline, val_pipeline, test_pipeline,
video_pipeline = _parts.recognition_pipelines(clip_len=8, frame_interval=8, short_side=256,
crop_size=224)` after `import course_lib.configs._parts as _parts`. Functions, not a shared `_base_`
file: mmengine resolves a base config's variables in the base, so a base file holding these pieces
would keep the base's clip length or data root (CONTRIBUTING.md, *Configs*). mmengine leaves
imported modules and functions out of the resolved config. Not a config itself: `names()` skips `_*.py`.
"""
from __future__ import annotations


def _sample_frames(clip_len: int, frame_interval: int, **options) -> dict:
    return dict(type='SampleFrames', clip_len=clip_len, frame_interval=frame_interval, **options)


def _format_and_pack() -> list[dict]:
    return [dict(type='FormatShape', input_format='NCTHW'), dict(type='PackActionInputs')]


def recognition_pipelines(clip_len: int, frame_interval: int, short_side: int,
                          crop_size: int) -> tuple[list, list, list, list]:
    """Train, val, test and video-file pipelines of mmaction's rawframe recognition recipes at these sizes.

    Train: resize the short side, a random resized crop scaled to `crop_size`, flip. Val: one clip,
    centre crop. Test: 10 clips x three crops of `short_side` (mmaction's test protocol). Video: the
    val pipeline on a video file.
    """
    def opening(**options) -> list[dict]:
        return [_sample_frames(clip_len, frame_interval, **options), dict(type='RawFrameDecode'),
                dict(type='Resize', scale=(-1, short_side))]

    train = [*opening(num_clips=1), dict(type='RandomResizedCrop'),
             dict(type='Resize', scale=(crop_size, crop_size), keep_ratio=False),
             dict(type='Flip', flip_ratio=0.5), *_format_and_pack()]
    val = [*opening(num_clips=1, test_mode=True), dict(type='CenterCrop', crop_size=crop_size),
           *_format_and_pack()]
    test = [*opening(num_clips=10, test_mode=True), dict(type='ThreeCrop', crop_size=short_side),
            *_format_and_pack()]
    return train, val, test, video_file_pipeline(val)


def video_file_pipeline(pipeline: list) -> list:
    """The same steps on a video file: OpenCV decodes it instead of reading the JPEG folder."""
    return [dict(type='OpenCVInit'), pipeline[0], dict(type='OpenCVDecode'), *pipeline[2:]]


def rawframe_loaders(data_root: str, list_name: str, pipelines: tuple[list, list, list], *,
                     batch_size: int, test_batch_size: int, num_workers: int,
                     replace: tuple[str, ...] = ('train', 'val', 'test')) -> tuple[dict, dict, dict]:
    """Train, val and test loaders of a RawframeDataset (rawframes and split-1 lists under `data_root`).

    The lists are `<data_root>/lists/<list_name>_<split>_split_1_rawframes.txt`; val and test read the
    test split (split 1 of UCF101 / HMDB51 has no other). `replace`: the loaders whose dataset
    replaces the base config's (`_delete_`); only those the base config has, else mmengine passes
    `_delete_` on to the dataset (found by make check-full).
    """
    def loader(role: str, split: str, pipeline: list, batch: int) -> dict:
        return dict(
            batch_size=batch, num_workers=num_workers, persistent_workers=num_workers > 0,
            sampler=dict(type='DefaultSampler', shuffle=role == 'train'),
            dataset=dict(**({'_delete_': True} if role in replace else {}), type='RawframeDataset',
                         ann_file=f'{data_root}/lists/{list_name}_{split}_split_1_rawframes.txt',
                         data_prefix=dict(img=f'{data_root}/rawframes'),
                         pipeline=pipeline, test_mode=role != 'train'))

    train, val, test = pipelines
    return (loader('train', 'train', train, batch_size), loader('val', 'test', val, batch_size),
            loader('test', 'test', test, test_batch_size))


def adamw_warmup_cosine(lr: float, max_epochs: int) -> tuple[dict, list]:
    """The course's from-scratch schedule: AdamW, one warm-up epoch, then a cosine to 0 (per iteration).

    Returns `optim_wrapper` (replacing the base config's optimizer whole) and `param_scheduler`.
    """
    optim_wrapper = dict(_delete_=True, optimizer=dict(type='AdamW', lr=lr, weight_decay=0.05),
                         clip_grad=dict(max_norm=40, norm_type=2))
    param_scheduler = [
        dict(type='LinearLR', start_factor=0.1, by_epoch=True, begin=0, end=1, convert_to_iter_based=True),
        dict(type='CosineAnnealingLR', T_max=max_epochs - 1, eta_min=0, by_epoch=True, begin=1,
             end=max_epochs, convert_to_iter_based=True)]
    if max_epochs < 2:  # one epoch (a copied config made short): the warm-up alone, no cosine after it
        param_scheduler = param_scheduler[:1]
    return optim_wrapper, param_scheduler


def iter_warmup_cosine(max_epochs: int, warmup_iters: int, start_factor: float,
                       eta_min: float = 1e-5) -> list:
    """mmdet's usual schedule: a linear warm-up over the first iterations, a cosine over all epochs."""
    return [
        dict(type='LinearLR', start_factor=start_factor, by_epoch=False, begin=0, end=warmup_iters),
        dict(type='CosineAnnealingLR', by_epoch=True, begin=0, end=max_epochs, T_max=max_epochs,
             eta_min=eta_min),
    ]


def ava_files(anno_root: str, split: str) -> dict:
    """An AVA-format split's annotation, excluded-timestamps and person-proposal files (AVADataset keys)."""
    return dict(ann_file=f'{anno_root}/ava_{split}.csv',
                exclude_file=f'{anno_root}/ava_{split}_excluded_timestamps.csv',
                proposal_file=f'{anno_root}/ava_dense_proposals_{split}.pkl')


def ava_metric(anno_root: str, num_classes: int) -> dict:
    """mmaction's AVA frame-mAP (IoU 0.5) on the val split of an AVA-format set ('mAP/overall')."""
    return dict(type='AVAMetric', ann_file=f'{anno_root}/ava_val.csv',
                label_file=f'{anno_root}/ava_action_list.pbtxt',
                exclude_file=f'{anno_root}/ava_val_excluded_timestamps.csv', num_classes=num_classes)


def detection_test_pipeline(image_size: tuple[int, int]) -> list:
    """mmdet's test pipeline at `image_size` (width, height), keeping the ratio; boxes read for evaluation."""
    return [
        dict(type='LoadImageFromFile'),
        dict(type='Resize', scale=image_size, keep_ratio=True),
        dict(type='LoadAnnotations', with_bbox=True),
        dict(type='PackDetInputs',
             meta_keys=('img_id', 'img_path', 'ori_shape', 'img_shape', 'scale_factor')),
    ]


def early_stopping(monitor: str, patience: int, rule: str = 'greater', min_delta: float = 1e-4) -> dict:
    """mmengine's `EarlyStoppingHook`: stop training when `monitor` has not improved for `patience` validations.

    `min_delta`: the smallest change that counts as an improvement. mmengine's default, 0.1, is ten
    points of a metric in 0..1; and with 0 an unchanged score would count as one (the hook compares
    `best + min_delta > score`), so a flat metric would never stop the run. `strict`: a missing
    metric is an error, not a silent no-op.
    """
    return dict(type='EarlyStoppingHook', monitor=monitor, rule=rule, patience=patience,
                min_delta=min_delta, strict=True)


def plateau_lr(monitor: str, patience: int, rule: str = 'greater', factor: float = 0.1) -> dict:
    """mmengine's `ReduceOnPlateauLR`: multiply the learning rate by `factor` when `monitor` has not
    improved for more than `patience` validations (stepped after each validation, by epoch)."""
    return dict(type='ReduceOnPlateauLR', monitor=monitor, rule=rule, patience=patience, factor=factor,
                by_epoch=True)
