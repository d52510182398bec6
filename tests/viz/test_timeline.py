"""Timelines draw every segment where it belongs: GT on top, predictions by score, frames above."""
import matplotlib

matplotlib.use('Agg')

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.image import AxesImage  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402

from course_lib.viz import timeline as tl  # noqa: E402

GT = [{'segment': [10.0, 30.0], 'label': 'Surfing'}, {'segment': [50.0, 90.0], 'label': 'Long jump'}]
PRED = [{'segment': [12.0, 30.0], 'score': 0.4}, {'segment': [50.0, 88.0], 'score': 0.9},
        {'segment': [0.0, 99.0], 'score': 0.1}]


def bars(ax):
    """Return (y, start, width, color) of every bar, top row first."""
    rects = [p for p in ax.patches if isinstance(p, Rectangle)]
    return sorted((r.get_y() + r.get_height() / 2, r.get_x(), r.get_width(), r.get_facecolor())
                  for r in rects)


def test_gt_on_top_then_predictions_by_score():
    fig = tl.plot_timeline(100.0, GT, PRED, top_k=2)
    ax = fig.axes[0]
    drawn = bars(ax)
    # row 0: both GT segments; row 1: the 0.9 proposal; row 2: the 0.4 proposal; 0.1 dropped (top_k)
    assert [(y, x, w) for y, x, w, _ in drawn] == [(0, 10.0, 20.0), (0, 50.0, 40.0),
                                                  (1, 50.0, 38.0), (2, 12.0, 18.0)]
    ticks = [t.get_text() for t in ax.get_yticklabels()]
    assert ticks == ['ground truth', '#1  0.90', '#2  0.40']
    texts = [t.get_text() for t in ax.texts]
    assert 'Surfing' in texts and 'Long jump' in texts
    assert 'IoU 0.95' in texts and 'IoU 0.90' in texts  # 38/40 and 18/20 against their GT
    assert ax.get_xlim() == (0.0, 100.0)
    plt.close(fig)


def test_labels_share_colours_and_scores_set_opacity():
    pred = [{'segment': [10, 30], 'label': 'Surfing', 'score': 1.0},
            {'segment': [50, 90], 'label': 'Long jump', 'score': 0.0}]
    fig = tl.plot_timeline(100, GT, pred, min_score=None)
    drawn = {(y, x): c for y, x, _, c in bars(fig.axes[0])}
    gt_surf, pred_surf = drawn[(0, 10.0)], drawn[(1, 10.0)]
    gt_jump, pred_jump = drawn[(0, 50.0)], drawn[(2, 50.0)]
    assert gt_surf[:3] == pred_surf[:3] and gt_jump[:3] == pred_jump[:3] != gt_surf[:3]
    assert pred_surf[3] > pred_jump[3]  # higher score, more opaque
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert legend == ['Long jump', 'Surfing']
    plt.close(fig)


def test_min_score_and_instants():
    fig = tl.plot_timeline(10, [(4, 4, 'goal')], [(3, 5, 0.8), (1, 2, 0.05)], min_score=0.1)
    ax = fig.axes[0]
    assert [(y, x, w) for y, x, w, _ in bars(ax)] == [(1, 3.0, 2.0)]
    markers = [line.get_xydata().tolist() for line in ax.lines if line.get_marker() == 'v']
    assert markers == [[[4.0, 0.0]]]  # the instant drawn as a marker on the GT row
    plt.close(fig)


def test_frames_strip_spans_the_duration():
    frames = np.zeros((4, 8, 10, 3), np.uint8)
    frames[2] = 255
    fig = tl.plot_timeline(40.0, GT[:1], PRED[:1], strip=frames)
    strip_ax, ax = fig.axes[:2]
    image = next(a for a in strip_ax.get_children() if isinstance(a, AxesImage))
    assert image.get_array().shape == (8, 40, 3)  # four frames side by side
    assert image.get_extent()[:2] == [0.0, 40.0]
    assert strip_ax.get_xlim() == ax.get_xlim() == (0.0, 40.0)  # shared time axis
    plt.close(fig)


def test_feature_strip_and_bad_input():
    features = np.random.default_rng(0).standard_normal((16, 32))  # channels x time
    fig = tl.plot_timeline(64.0, GT[:1], strip=features)
    image = next(a for a in fig.axes[0].get_children() if isinstance(a, AxesImage))
    assert image.get_array().shape == (16, 32) and image.get_extent()[:2] == [0.0, 64.0]
    plt.close(fig)
    with pytest.raises(ValueError, match='duration must be a positive'):
        tl.plot_timeline(0, GT)
    with pytest.raises(ValueError, match='strip must be frames'):
        tl.plot_timeline(10, GT, strip=np.zeros(5))
    plt.close('all')


def test_predictions_without_ground_truth_show_labels_not_iou():
    pred = [{'segment': [0, 40], 'label': 'Surfing', 'score': 0.7}]
    fig = tl.plot_timeline(100, pred=pred)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.texts] == ['Surfing']
    assert [t.get_text() for t in ax.get_yticklabels()] == ['#1  0.70']
    plt.close(fig)


def test_overlapping_ground_truth_labels_stay_off_each_others_bars():
    # lesson 01: the yawn lies inside the stretch; 'stretch' must not be written over the yawn bar
    gt = [(1.76, 4.24, 'stretch'), (2.72, 4.20, 'yawn')]
    fig = tl.plot_timeline(5.3, gt, figsize=(20, 2))
    texts = {t.get_text(): t.get_position()[0] for t in fig.axes[0].texts}
    assert 1.76 <= texts['stretch'] <= 2.72  # in the part of the stretch that the yawn leaves free
    assert 2.72 <= texts['yawn'] <= 4.20
    plt.close(fig)


def test_classes_fix_colours_across_figures():
    classes = ['crawl_out', 'stand_up', 'stretch', 'yawn']
    one = tl.label_colors(['yawn'], classes)
    two = tl.label_colors(['stretch', 'yawn'], classes)
    assert one['yawn'] == two['yawn'] == plt.get_cmap('tab10')(3)
    assert tl.label_colors(['yawn'])['yawn'] != one['yawn']  # without classes: sorted order of the figure's labels
    fig = tl.plot_timeline(10, [(1, 2, 'yawn')], classes=classes)
    assert bars(fig.axes[0])[0][3][:3] == plt.get_cmap('tab10')(3)[:3]
    plt.close(fig)


def test_a_label_that_would_leave_the_axis_goes_before_its_bar():
    pred = [{'segment': [90, 99], 'label': 'Long jump', 'score': 0.9}]
    fig = tl.plot_timeline(100, GT, pred)
    text = next(t for t in fig.axes[0].texts if t.get_text().startswith('Long jump IoU'))
    assert text.get_ha() == 'right' and text.get_position()[0] < 90
    plt.close(fig)


def test_a_labelled_prediction_counts_only_its_own_class_as_a_match():
    # [52, 90] lies on the Long jump segment (IoU 38/40): labelled Surfing, it is no hit, and the row
    # says whose segment it overlaps; labelled Long jump, it shows the IoU bare
    pred = [{'segment': [52.0, 90.0], 'label': 'Surfing', 'score': 0.9},
            {'segment': [50.0, 90.0], 'label': 'Long jump', 'score': 0.8},
            {'segment': [10.0, 90.0], 'label': 'Surfing', 'score': 0.7}]
    fig = tl.plot_timeline(100.0, GT, pred, figsize=(30, 3))
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert 'Surfing IoU 0.95 with Long jump' in texts
    assert 'Long jump IoU 1.00' in texts
    assert 'Surfing IoU 0.25' in texts  # 20/80 with the Surfing segment, not 40/80 with Long jump
    plt.close(fig)
