"""mmaction data transforms the course adds: action class labels for temporal localization.

mmaction's `GenerateLocalizationLabels` turns each annotated segment into `gt_bbox` (start, end as
fractions of the feature span) and drops its label. `GenerateLocalizationClassLabels` does the same
and also writes `gt_label`, the index of each segment's class, so that a model can learn classes:

    dict(type='GenerateLocalizationClassLabels', classes=['Long jump', 'Surfing', ...])
    dict(type='PackLocalizationInputs', keys=('gt_bbox', 'gt_label'), meta_keys=('video_name',))

`PackLocalizationInputs` puts both in the sample's `gt_instances` (one row per segment).
Used in lesson 05.
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Sequence

import numpy as np
from mmaction.datasets.transforms import GenerateLocalizationLabels
from mmaction.registry import TRANSFORMS

from ..errors import InputError, MissingFileError, UnknownNameError


def class_list(classes: Sequence[str] | str | os.PathLike) -> list[str]:
    """Return class names in index order: a list as given, or read from a .txt or annotation .json."""
    if not isinstance(classes, (str, os.PathLike)):
        names = [str(c) for c in classes]
    else:
        path = Path(classes)
        if not path.is_file():
            raise MissingFileError(f'No class file {path}: give the class names as a list, a .txt '
                                    'file with one name per line, or an annotation .json file '
                                    '(prepare the data first: data_scripts/prepare_activitynet.py).')
        if path.suffix == '.json':  # mmaction's {video: info} or the challenge's {"database": ...}
            data = json.loads(path.read_text())
            videos = data.get('database', data)
            names = sorted({a['label'] for v in videos.values() for a in v['annotations']})
        else:
            names = [line.strip() for line in path.read_text().splitlines() if line.strip()]
    if not names or len(set(names)) != len(names):
        raise InputError(f'Class names must be a non-empty list without repeats, got {names[:10]}.')
    return names


@TRANSFORMS.register_module()
class GenerateLocalizationClassLabels(GenerateLocalizationLabels):
    """mmaction's GenerateLocalizationLabels plus `gt_label`: each segment's class index.

    Required keys: "duration_frame", "duration_second", "feature_frame", "annotations";
    added keys: "gt_bbox" (N, 2) and "gt_label" (N,) int64.

    Args:
        classes (Sequence[str] | str): Class names in index order, or a file naming them
            (see `class_list`).
    """

    def __init__(self, classes: Sequence[str] | str) -> None:
        self.classes = class_list(classes)
        self.index = {name: i for i, name in enumerate(self.classes)}

    def transform(self, results: dict) -> dict:
        """Add gt_bbox (as mmaction does) and gt_label."""
        results = super().transform(results)
        labels = []
        for i, ann in enumerate(results['annotations']):
            if ann.get('label') not in self.index:
                raise UnknownNameError(f'Video {results.get("video_name", "?")}, annotation {i}: label '
                               f'{ann.get("label")!r} is not one of the {len(self.classes)} classes '
                               f'given to GenerateLocalizationClassLabels ({self.classes[:5]}...). '
                               'Add it to `classes` in the config.')
            labels.append(self.index[ann['label']])
        results['gt_label'] = np.array(labels, dtype=np.int64)
        return results

    def __repr__(self) -> str:
        return f'{self.__class__.__name__}(classes={len(self.classes)} names)'
