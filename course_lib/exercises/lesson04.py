"""Checkers for lesson 04's exercises (BMN proposals: AR@AN by hand, the sampling mask, feature spans)."""
from __future__ import annotations

import math

from .registry import exercise, whole

GT_04_1 = [20.0, 40.0]
PROPOSALS_04_1 = [([18.0, 40.0], 0.9), ([20.0, 41.0], 0.6), ([0.0, 60.0], 0.3)]
VIDEO_04_3 = dict(duration_second=150.0, duration_frame=4500, feature_frame=4480,
                  annotations=[{'segment': [30.0, 75.0], 'label': 'Surfing'}])


def ar_at_1_04_1() -> float:
    """AR@1 of exercise 04.1, computed with mmaction's function (via course_lib.metrics)."""
    from ..metrics.proposals import ar_an_curve
    annotations = {'v_x': {'annotations': [{'segment': GT_04_1, 'label': 'x'}]}}
    proposals = {'v_x': [{'segment': seg, 'score': score} for seg, score in PROPOSALS_04_1]}
    return ar_an_curve(annotations, proposals).at(1)


@exercise('04.1', 'A video has one ground-truth segment [20 s, 40 s]. BMN proposes [18, 40] (score '
          '0.9), [20, 41] (0.6) and [0, 60] (0.3). What is this video\'s AR@1 (recall with its one '
          'best proposal, averaged over tIoU 0.5, 0.55, ..., 0.95)?', starter=1.0,
          shape='a number between 0 and 1')
def ar_at_1(answer) -> str | None:
    """Right when the answer is the mean over 10 thresholds of whether the top proposal matches."""
    value = float(answer)
    if math.isclose(value, ar_at_1_04_1(), abs_tol=1e-6):
        return None
    if math.isclose(value, 1.0):
        return ('at the strictest threshold a proposal must overlap almost perfectly: is the best one that '
                'close? Compute its tIoU = intersection / union first.')
    if math.isclose(value, 20 / 22, abs_tol=0.01) or math.isclose(value, 20 / 21, abs_tol=0.01):
        return 'that is a tIoU, not a recall: count the thresholds (out of 10) the top proposal reaches.'
    return ('take the best-scored proposal only, compute its tIoU with the ground truth, and count '
            'for how many of the 10 thresholds 0.5, 0.55, ..., 0.95 it is at least the threshold.')


@exercise('04.2', 'How many numbers does BMN\'s fixed sampling mask (`sample_mask`) hold for '
          'temporal_dim=100 and num_samples=16? Predict it from the shapes, then build the model.',
          starter=0,
          shape='a whole number')
def mask_size(answer) -> str | None:
    """Right when the answer is temporal_dim x (num_samples x temporal_dim x temporal_dim)."""
    t, n = 100, 16
    value = whole(answer)
    if value == t * n * t * t:
        return None
    if value == 32_000_000:
        return 'that is the mask of the model-zoo BMN (num_samples=32); this one has num_samples=16.'
    if value in (n * t * t, t * t, t * n * t):
        return 'the mask has a row for every input step: count its rows too.'
    return ('print bmn.sample_mask.shape for the full-size BMN of section 3 and work out which of its '
            'dimensions come from temporal_dim and which from num_samples.')


@exercise('04.3', 'A video lasts 150 s (4500 frames); its features cover its first 4480 frames, '
          'rescaled to 100 steps. Between which feature positions (start, end) does the annotated '
          'segment [30 s, 75 s] lie, as mmaction\'s GenerateLocalizationLabels computes them? '
          '(two numbers, 0..100, to 0.1)', starter=(20.0, 50.0),
          shape='a tuple of two numbers (start, end)')
def feature_span(answer) -> str | None:
    """Right when the answer divides by the span the features cover, not by the whole duration."""
    from ..data.activitynet import segments_in_steps
    start, end = (float(x) for x in answer)
    expected = segments_in_steps(VIDEO_04_3, 100)[0]
    if abs(start - expected[0]) <= 0.1 and abs(end - expected[1]) <= 0.1:
        return None
    if abs(start - 20.0) <= 0.05 and abs(end - 50.0) <= 0.05:
        return ('you divided by the whole 150 s, but the features cover only feature_frame / '
                'duration_frame of it: how many seconds is that?')
    return ('positions = seconds / (feature_frame / duration_frame x duration_second) x 100: the '
            '100 steps span the frames the features were computed on.')
