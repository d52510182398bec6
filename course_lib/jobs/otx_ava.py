"""A whole OTX 1.x action-detection set (train/ + test/ + their proposal pickles) as the AVA-format set
lesson 07 trains on: a data-preparation job of the full profile (`data_scripts/prepare_jhmdb_ava.py --otx`)."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Mapping

import numpy as np

from .._util import write_text_atomic
from ..data import ava
from ..data.cvat import IMAGES_DIR
from ..data.cvat_folders import clip_paths, otx_to_ava
from ..data.otx_cvat import image_files, otx_label_map, read_otx_clip, split_proposals
from ..errors import MissingFileError


def prepare_otx_ava(otx_root: str | os.PathLike, root: str | os.PathLike,
                    label_map: Mapping[int, str] | None = None, fps: int = 1,
                    timestamp_start: int = 1) -> dict[str, str]:
    """Write an OTX set (train/, test/ and their .pkl) as an AVA-format set under root (lesson 07's shape).

    root gets rawframes/, annotations/ava_{train,val}.csv (val from test/), the label map (given,
    or built as OTX does), empty exclusion files, ava_dense_proposals_{train,val}.pkl from
    train.pkl / test.pkl (the true boxes when a pickle is missing) and ava_val_gt_proposals.pkl.
    With fps=1, timestamp_start=1, frame f is second f + 1 and img_{f+1:05d}.jpg, as in the ACT
    path. Returns where each split's proposals came from.
    """
    otx_root, root = Path(otx_root), Path(root)
    val = next((otx_root / s for s in ('test', 'val') if (otx_root / s).is_dir()), otx_root / 'test')
    splits = {'train': otx_root / 'train', 'val': val}
    paths = {subset: clip_paths(folder) for subset, folder in splits.items()}
    for subset, clips in paths.items():
        bare = [p.parent.name for p in clips if not image_files(p.parent)]
        if bare:
            raise MissingFileError(f'{splits[subset]}: {len(bare)} clip(s) have no {IMAGES_DIR}/ '
                                    f'(e.g. {bare[0]}), an annotation-only copy; training needs the '
                                    'frames: use the full download.')
    ann = root / 'annotations'
    if label_map is None:
        label_map = otx_label_map(read_otx_clip(p) for clips in paths.values() for p in clips)
    label_file = ava.write_label_map(ann / 'ava_action_list.pbtxt', label_map)
    sources = {}
    for subset, folder in splits.items():
        target = ann / f'ava_dense_proposals_{subset}.pkl'
        result = otx_to_ava(folder, ann / f'ava_{subset}.csv', label_file, root / 'rawframes',
                            target, fps, timestamp_start)
        truth = {key: np.array([list(box) + [1.0] for box, _, _ in persons])
                 for key, persons in ava.group_by_keyframe(result.rows).items()}
        if result.proposals_file is None:
            ava.write_proposals(target, truth)
        sources[subset] = split_proposals(folder).name if result.proposals_file else 'true boxes'
        write_text_atomic(ann / f'ava_{subset}_excluded_timestamps.csv', '')
        if subset == 'val':
            ava.write_proposals(ann / 'ava_val_gt_proposals.pkl', truth)
    return sources
