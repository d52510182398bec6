"""Checkers for lesson 05's exercises (BMN with action classes, detection mAP)."""
from __future__ import annotations

import math

from ..configs import for_lesson, load_config
from .registry import exercise, whole

BMN_SMOKE = for_lesson('04', 'bmn', 'smoke')  # 05.3 starts from lesson 04's smoke config
VIDEO_120S = dict(duration_second=120.0, duration_frame=3600, feature_frame=3600)


@exercise('05.1', 'A video lasts 120 s (3600 frames, features over all of them) and BMN has 32 '
          'temporal positions. Which feature positions (first, stop) does the proposal '
          '[30 s, 60 s] cover? (stop is exclusive, as in a Python slice)', starter=(30, 60),
          shape='a tuple of two whole numbers (first, stop)')
def proposal_positions(answer) -> str | None:
    """Right when the answer is the slice of positions that BMNwActionCls averages over."""
    from ..models.bmn_cls import segment_positions
    first, stop = (whole(x) for x in answer)
    if (first, stop) == (30, 60):
        return ('those are the seconds themselves: positions 30..60 do not exist when there are '
                '32 of them (the bug of "Lesson 10"). Convert seconds to a fraction of the video.')
    if (first, stop) == segment_positions([30, 60], VIDEO_120S, 32):
        return None
    if stop - first != 8:
        return '30 s out of 120 s is a quarter of the video: how many of 32 positions is that?'
    return 'the length is right; where does 30 s fall on 32 positions?'


@exercise('05.2', 'One class, two ground-truth segments (one in video a, one in video b). Ranked '
          'predictions: an exact hit in a (score 0.9), the same segment in a again (0.8), an exact '
          'hit in b (0.7). What is the AP at tIoU 0.5, following ActivityNet\'s protocol?',
          starter=1.0,
          shape='a number between 0 and 1')
def duplicate_ap(answer) -> str | None:
    """Right when the answer is the interpolated AP with the duplicate counted as a false positive."""
    from ..metrics import activitynet_detection_map
    truth = {'database': {v: {'annotations': [{'segment': [0, 10], 'label': 'x'}]} for v in 'ab'}}
    preds = {'results': {'a': [{'segment': [0, 10], 'label': 'x', 'score': s} for s in (.9, .8)],
                         'b': [{'segment': [0, 10], 'label': 'x', 'score': .7}]}}
    expected = activitynet_detection_map(truth, preds, [0.5])['mAP@0.50']
    answer = float(answer)
    if math.isclose(answer, expected, abs_tol=0.01):
        return None
    if math.isclose(answer, 1.0):
        return ('a ground-truth segment can be matched once: the second prediction of the same '
                'segment is a false positive, and it ranks above the hit in video b.')
    if math.isclose(answer, 2 / 3, abs_tol=0.01):
        return ('that is the precision after the last prediction; AP is the area under the '
                'interpolated precision-recall curve (recall steps 0 -> 0.5 -> 1).')
    return ('write precision and recall after each prediction in score order, make precision '
            'non-increasing from the right, and sum precision x recall step.')


@exercise('05.3', f'Give the --cfg-options, as a dict, that turn lesson 04\'s config {BMN_SMOKE} '
          'into a BMN with classes for its 5 synthetic action classes.', starter={},
          shape='a dict of cfg-options {"dotted.config.key": value}')
def cfg_options(answer: dict) -> str | None:
    """Right when the options give a BMNwActionCls with 5 classes + background that builds."""
    from mmaction.registry import MODELS
    cfg = load_config(BMN_SMOKE, dict(answer))
    if cfg.model.get('type') != 'BMNwActionCls':
        return 'which key of the config names the model class, and what is the new class called?'
    if cfg.model.get('num_action_classes', 201) != 6:
        return ('the default class count is ActivityNet\'s (200 + 1); count the synthetic classes '
                'and remember the background.')
    model = MODELS.build(cfg.model)
    if model.tscale != 32:
        return 'keep lesson 04\'s temporal_dim: only the model type and the class count change.'
    return None
