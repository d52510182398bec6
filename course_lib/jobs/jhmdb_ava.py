"""JHMDB as an AVA-format data set, with person proposals from mmdet's COCO person detector.

A data-preparation job (full profile of lesson 07, `data_scripts/prepare_jhmdb_ava.py`): it reads
ACT's JHMDB ground truth and frames, writes them in the format `course_lib.data.ava` reads, and runs
a person detector (`course_lib.inference.persons.MMDetPersonDetector`) on every keyframe for the
proposals the model classifies at test time.
"""
from __future__ import annotations

import os
import pickle
import shutil
from pathlib import Path

import cv2
import numpy as np
from tqdm.auto import tqdm

from .._util import write_text_atomic
from ..data.ava import (JHMDB_FRAMES, act_gt_to_ava_rows, group_by_keyframe, write_csv,
                        write_label_map, write_proposals)
from ..errors import MissingFileError
from ..inference.persons import MMDetPersonDetector


def prepare_jhmdb_ava(gt_pkl: str | os.PathLike, frames_dir: str | os.PathLike,
                      root: str | os.PathLike, split: int = 1, keyframe_step: int = 5,
                      person_checkpoint: str | os.PathLike | None = None,
                      progress: bool = True) -> Path:
    """Write JHMDB as an AVA-format set under root (frames, CSVs, label map, proposals); return root.

    `gt_pkl` and `frames_dir` are ACT's `JHMDB-GT.pkl` and `Frames/<class>/<clip>/00001.png`
    (mmaction2's tools/data/jhmdb README says where to download them). Person proposals come from
    mmdet's COCO Faster R-CNN (`person_checkpoint`, hub entry 'faster_rcnn_r50_coco'); without it,
    from the true boxes (a perfect detector: say so when you report numbers). Reruns skip frames.
    """
    root, frames_dir = Path(root), Path(frames_dir)
    with open(gt_pkl, 'rb') as f:
        gt = pickle.load(f, encoding='latin1')
    labels = {i + 1: name for i, name in enumerate(gt['labels'])}
    ann = root / 'annotations'
    write_label_map(ann / 'ava_action_list.pbtxt', labels)
    detector = None
    if person_checkpoint is not None:
        detector = MMDetPersonDetector(str(person_checkpoint), score_thr=0.5)
    for subset, videos in (('train', gt['train_videos'][split - 1]),
                           ('val', gt['test_videos'][split - 1])):
        rows = act_gt_to_ava_rows(gt, videos, keyframe_step)
        write_csv(ann / f'ava_{subset}.csv', rows, labels)
        write_text_atomic(ann / f'ava_{subset}_excluded_timestamps.csv', '')
        gt_props = {k: np.array([list(b) + [1.0] for b, _, _ in persons])
                    for k, persons in group_by_keyframe(rows).items()}
        props: dict[str, np.ndarray] = {}
        for video in tqdm(videos, desc=f'JHMDB {subset}', disable=not progress):
            src = sorted((frames_dir / video).glob('*.png')) + sorted((frames_dir / video).glob('*.jpg'))
            if not src:
                raise MissingFileError(f'No frames in {frames_dir / video}: unpack ACT\'s JHMDB '
                                        'Frames there (00001.png, ...).')
            out = root / 'rawframes' / video
            out.mkdir(parents=True, exist_ok=True)
            for k, path in enumerate(src, start=1):
                dst = out / f'img_{k:05d}.jpg'
                if not dst.exists():
                    cv2.imwrite(str(dst), cv2.imread(str(path)))
            # mmaction's AVADataset samples frames up to timestamp_end (the clip length of the
            # longest clip, JHMDB_FRAMES), not to each clip's end: repeat the last frame, as its
            # clamping would at a clip's end (a shorter clip otherwise fails with a missing file)
            for k in range(len(src) + 1, JHMDB_FRAMES + 1):
                if not (out / f'img_{k:05d}.jpg').exists():
                    shutil.copyfile(out / f'img_{len(src):05d}.jpg', out / f'img_{k:05d}.jpg')
            if detector is not None:
                height, width = gt['resolution'][video]
                for key in [k for k in gt_props if k.split(',')[0] == video]:
                    frame = cv2.imread(str(out / f'img_{int(key.split(",")[1]):05d}.jpg'))[..., ::-1]
                    boxes = detector(frame)
                    if len(boxes):
                        boxes[:, [0, 2]] /= width
                        boxes[:, [1, 3]] /= height
                        boxes[:, :4] = np.clip(boxes[:, :4], 0, 1)
                        props[key] = boxes
        write_proposals(ann / f'ava_dense_proposals_{subset}.pkl', props if detector else gt_props)
        if subset == 'val':
            write_proposals(ann / 'ava_val_gt_proposals.pkl', gt_props)
    return root
