"""Top-k bars stay visible: a random model's scores (~1/400) get a zoomed axis that says so."""
import matplotlib

matplotlib.use('Agg')

import matplotlib.pyplot as plt  # noqa: E402

from course_lib.viz.classification import plot_topk  # noqa: E402


def test_confident_scores_use_the_unit_axis():
    ax = plot_topk(['a', 'b'], [0.8, 0.1])
    assert ax.get_xlim() == (0.0, 1.0) and ax.get_xlabel() == 'score'
    assert [t.get_text() for t in ax.texts] == ['0.80', '0.10']
    plt.close('all')


def test_tiny_scores_get_a_zoomed_axis_and_four_digits():
    ax = plot_topk(['a', 'b', 'c'], [0.0031, 0.0029, 0.0027])
    left, right = ax.get_xlim()
    assert left == 0 and 0.0031 < right < 0.005  # the longest bar spans most of the axis
    assert 'zoomed' in ax.get_xlabel() and 'not 0 to 1' in ax.get_xlabel()
    assert [t.get_text() for t in ax.texts] == ['0.0031', '0.0029', '0.0027']
    plt.close('all')
