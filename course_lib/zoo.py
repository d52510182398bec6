"""Pretrained checkpoints and data files the full profile downloads (the course's one hub).

Each entry is verified by `course_lib.download`: the sha256 prefix in OpenMMLab's file names, a
full sha256 where the publisher gives one, else the size. Never write down a hash that was not
computed from the file.
"""
from .download import RemoteFile, register

MMACTION = 'https://download.openmmlab.com/mmaction/v1.0'
MMDET = 'https://download.openmmlab.com/mmdetection'

# --- lesson 02: pretrained demos ---
# URLs from the metafiles / README shipped in the wheels (mmaction/.mim/configs/..., seed 002);
# each name ends in the first 8 hex digits of the file's sha256, which download() checks.
register('x3d_s_k400', RemoteFile(
    f'{MMACTION}/recognition/x3d/facebook/x3d_s_13x6x1_facebook-kinetics400-rgb_20201027-623825a0.pth',
    note='X3D-S on Kinetics-400 (converted from SlowFast), top-1 73.3; config '
         'mmaction::recognition/x3d/x3d_s_13x6x1_facebook-kinetics400-rgb.py (metafile.yml)'))
register('ava_slowonly_r101', RemoteFile(
    'https://download.openmmlab.com/mmaction/detection/ava/slowonly_omnisource_pretrained_r101_8x8x1'
    '_20e_ava_rgb/slowonly_omnisource_pretrained_r101_8x8x1_20e_ava_rgb_20201217-16378594.pth',
    note='SlowOnly R101 8x8 on AVA v2.1 (81 classes); seed 002 and mmaction2 demo README, config '
         'mmaction::detection/slowonly/slowonly_kinetics400-pretrained-r101_8xb16-8x8x1-20e_ava21-rgb.py'))
register('faster_rcnn_r50_coco', RemoteFile(
    f'{MMDET}/v2.0/faster_rcnn/faster_rcnn_r50_fpn_2x_coco/'
    'faster_rcnn_r50_fpn_2x_coco_bbox_mAP-0.384_20200504_210434-a5d8aa15.pth',
    note='Faster R-CNN R50-FPN 2x on COCO (box mAP 38.4), the person detector of mmaction2\'s '
         'spatio-temporal demo; config mmdet::faster_rcnn/faster-rcnn_r50_fpn_2x_coco.py'))

# --- lesson 03: recognizer fine-tuning ---
# X3D-S on Kinetics-400 is 'x3d_s_k400' above (lesson 02). URL from mmaction2 1.2.0's
# recognition/r2plus1d/metafile.yml; the name ends in the first 8 hex digits of its sha256.
register('r2plus1d_r34_k400', RemoteFile(
    f'{MMACTION}/recognition/r2plus1d/r2plus1d_r34_8xb8-8x8x1-180e_kinetics400-rgb/'
    'r2plus1d_r34_8xb8-8x8x1-180e_kinetics400-rgb_20220812-47cfe041.pth',
    note='R(2+1)D-34 8x8x1 on Kinetics-400 (top-1 69.8); lesson 03 fine-tunes it on HMDB51 split 1; '
         'config mmaction::recognition/r2plus1d/r2plus1d_r34_8xb8-8x8x1-180e_kinetics400-rgb.py'))

# UCF101 / HMDB51 and their official splits (course_lib.data.splits, data_scripts/prepare_action_dataset.py);
# sources of mmaction2's tools/data/{ucf101,hmdb51}/download_*.sh. No publisher hashes: the sha256
# computed at first download is recorded beside each file and later copies are checked against it.
register('ucf101_splits', RemoteFile(
    'https://www.crcv.ucf.edu/wp-content/uploads/2019/03/UCF101TrainTestSplits-RecognitionTask.zip',
    note='UCF101 official train/test splits (no published hash or size)'))
register('ucf101_videos', RemoteFile(
    'https://www.crcv.ucf.edu/datasets/human-actions/ucf101/UCF101.rar',
    note='UCF101 videos, 6.5 GB (no published hash or size)'))
register('hmdb51_splits', RemoteFile(
    'http://serre-lab.clps.brown.edu/wp-content/uploads/2013/10/test_train_splits.rar',
    note='HMDB51 official splits (no published hash or size)'))
register('hmdb51_videos', RemoteFile(
    'http://serre-lab.clps.brown.edu/wp-content/uploads/2013/10/hmdb51_org.rar',
    note='HMDB51 videos, 2 GB (no published hash or size)'))

# --- lesson 04-05: BMN ---
# Sources of mmaction2's tools/data/activitynet (download_feature_annotations.sh, download_features.sh).
# No publisher hashes: the sha256 computed at first download is recorded beside each file.
BSN_ANNOTATIONS = ('https://raw.githubusercontent.com/wzmsltw/BSN-boundary-sensitive-network/'
                   'master/data/activitynet_annotations')
register('anet_anno_action', RemoteFile(
    f'{BSN_ANNOTATIONS}/anet_anno_action.json',
    note='ActivityNet 1.3 annotations in BSN format (no published hash or size)'))
register('anet_video_info', RemoteFile(
    f'{BSN_ANNOTATIONS}/video_info_new.csv',
    note='per-video fps and train/val/test subset (no published hash or size)'))
register('anet_features_csv_mean_100', RemoteFile(
    'https://drive.usercontent.google.com/download?id=1ISemndlSDS2FtqQOKL0t3Cjj9yk2yznF'
    '&export=download&confirm=t', save_as='csv_mean_100.zip',
    note='csv_mean_100.zip: TSN features rescaled to 100 steps x 400 channels (BSN authors, Google '
         'Drive file 1ISemndlSDS2FtqQOKL0t3Cjj9yk2yznF); several GB; no published hash or size'))

# --- lesson 06: object detection ---
register('mobilenet_v2_imagenet_mmdet', RemoteFile(
    f'{MMDET}/v2.0/third_party/mobilenet_v2_batch256_imagenet-ff34753d.pth',
    note='ImageNet MobileNetV2 for mmdet backbones (open-mmlab://mmdet/mobilenet_v2); '
         'lesson 06 full profile (atss_mobilenetv2_fpn_bccd_full)'))
register('bccd_voc_github', RemoteFile(
    'https://github.com/Shenggan/BCCD_Dataset/archive/refs/heads/master.zip',
    note='BCCD in Pascal VOC (MIT licence), lesson 06 full profile. No published checksum: the '
         'sha256 of the first download is recorded beside it and later copies are checked.'))

# --- lesson 07: spatio-temporal detection ---
register('slowonly_r50_k400', RemoteFile(
    f'{MMACTION}/recognition/slowonly/slowonly_imagenet-pretrained-r50_8xb16-4x16x1-steplr-150e_kinetics400-rgb/'
    'slowonly_imagenet-pretrained-r50_8xb16-4x16x1-steplr-150e_kinetics400-rgb_20220901-e7b65fad.pth',
    note='SlowOnly R50 4x16x1 on Kinetics-400, the backbone start of mmaction2\'s AVA recipes; lesson 07 '
         'full profile (slowonly_k400-pre-r50_8xb8-8x2x1-20e_jhmdb-ava_full, via its init_cfg)'))
