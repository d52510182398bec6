"""Detection plots: GT vs prediction panels count errors right; PR and F1 plots show the right numbers."""
import matplotlib

matplotlib.use('Agg')

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from course_lib.metrics import threshold as th  # noqa: E402
from course_lib.metrics.threshold import ImageBoxes  # noqa: E402
from course_lib.viz import detection as vdet  # noqa: E402

CLASSES = ('Platelets', 'RBC', 'WBC')


def test_gt_vs_pred_panels_count_correct_false_and_missed():
    image = np.full((40, 60, 3), 230, np.uint8)
    gt = ImageBoxes([[5, 5, 15, 15], [30, 10, 50, 30], [2, 25, 10, 35]], [1, 2, 0])
    pred = ImageBoxes([[5, 5, 15, 15],      # RBC on the RBC: correct
                       [30, 10, 50, 30],    # RBC on the WBC: wrong class -> false, WBC missed
                       [2, 25, 10, 35]],    # platelet, but below the threshold -> platelet missed
                      [1, 1, 0], [0.9, 0.6, 0.2])
    fig = vdet.plot_gt_vs_pred([image], [gt], [pred], CLASSES, threshold=0.5, scale=2)
    left, right = fig.axes[:2]
    assert left.get_title() == 'image 0: ground truth (3 cells)'
    assert right.get_title() == 'predictions >= 0.50: 1 correct, 1 false, 2 missed'
    drawn = right.get_images()[0].get_array()
    assert drawn.shape[:2] == (80, 120)  # upscaled twice
    # the correct RBC box is drawn in the RBC colour on the scaled image (top edge at y=10)
    assert tuple(drawn[10, 20]) == vdet.class_colors(CLASSES)[1]
    # the missed platelet (no kept box on it) is drawn in the missed colour: left edge at x=4
    assert tuple(drawn[65, 4]) == vdet.MISSED_COLOR != tuple(drawn[65, 30])
    matplotlib.pyplot.close(fig)


def test_pr_curves_legend_shows_each_class_ap():
    gts = [ImageBoxes([[0, 0, 10, 10], [20, 0, 30, 10]], [0, 1])]
    dets = [ImageBoxes([[0, 0, 10, 10], [50, 50, 60, 60], [20, 0, 30, 10]], [0, 1, 1],
                       [0.9, 0.8, 0.7])]
    m = th.match_detections(gts, dets, num_classes=3)
    ax = vdet.plot_pr_curves(m, CLASSES)
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    ap_rbc = th.pr_curve(m, 1)[2]
    assert ap_rbc == pytest.approx(0.5)  # the FP comes first: precision 1/2 at full recall
    assert labels == ['Platelets (AP@0.5 = 1.000)', 'RBC (AP@0.5 = 0.500)', 'WBC (AP@0.5 = nan)']
    matplotlib.pyplot.close(ax.figure)


def test_f1_plot_marks_chosen_and_fixed_thresholds():
    thresholds = np.linspace(0, 1, 11)
    f1 = np.array([0.5, 0.6, 0.7, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.0])
    curve = th.F1Curve(thresholds, f1, f1, f1, f1, f1, f1)
    ax = vdet.plot_f1_curve(curve, best=0.3, fixed=0.5)
    assert "chosen 0.300 (F1 0.777)" in [t.get_text() for t in vdet.plot_f1_curve(
        curve, best=0.3, best_f1=0.777).get_legend().get_texts()]
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert 'chosen 0.300 (F1 0.800)' in labels and 'fixed 0.5 (F1 0.600)' in labels
    vertical = [line.get_xdata()[0] for line in ax.get_lines() if len(set(line.get_xdata())) == 1]
    assert vertical == [0.3, 0.5]
    matplotlib.pyplot.close(ax.figure)


def test_markdown_table():
    table = vdet.markdown_table([{'class': 'RBC', 'AP': 0.9}, {'class': 'WBC', 'AP': 0.8}])
    assert table.data.splitlines() == ['| class | AP |', '|---|---|', '| RBC | 0.9 |', '| WBC | 0.8 |']
