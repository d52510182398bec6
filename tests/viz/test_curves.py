"""Training curves: a loss identical to another is named in the legend, not drawn over it."""
import json

import matplotlib

matplotlib.use('Agg')

import matplotlib.pyplot as plt  # noqa: E402

from course_lib.viz.curves import plot_training  # noqa: E402


def write_scalars(work_dir, records):
    path = work_dir / '20260101_000000' / 'vis_data' / 'scalars.json'
    path.parent.mkdir(parents=True)
    path.write_text('\n'.join(json.dumps(r) for r in records))


def test_identical_losses_share_one_line(tmp_path):
    # lesson 07: the detector's only loss term is its total loss
    write_scalars(tmp_path, [{'step': i, 'loss': 1 / i, 'loss_action_cls': 1 / i, 'loss_x': 2 / i}
                             for i in range(1, 5)])
    ax = plot_training(tmp_path, loss_keys=('loss', 'loss_action_cls', 'loss_x'))[0]
    assert [line.get_label() for line in ax.lines] == ['loss = loss_action_cls', 'loss_x']
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ['loss = loss_action_cls', 'loss_x']
    plt.close('all')
