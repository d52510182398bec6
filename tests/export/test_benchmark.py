"""benchmark.measure: every runner is timed with the same PyTorch thread count, restored afterwards."""
import numpy as np
import torch

from course_lib.export import benchmark


def _threads_seen(threads):
    seen = []
    timings = benchmark.measure({'a': lambda x: seen.append(torch.get_num_threads())},
                                np.zeros((3, 2)), warmup=1, repeats=4, threads=threads)
    return seen, timings


def test_measure_times_with_the_given_threads_and_restores_them():
    before = torch.get_num_threads()
    seen, timings = _threads_seen(before + 1)
    assert seen == [before + 1] * 5  # warm-up and repeats
    assert torch.get_num_threads() == before
    assert timings['a'].batch == 3 and len(timings['a'].times_ms) == 4


def test_measure_keeps_torch_threads_when_none():
    before = torch.get_num_threads()
    torch.set_num_threads(before + 1)
    try:
        seen, _ = _threads_seen(None)
    finally:
        torch.set_num_threads(before)
    assert seen == [before + 1] * 5


def test_measure_counts_the_batch_of_the_first_input_when_a_model_takes_several():
    calls = []
    runners = {'a': lambda x: calls.append(('a', x)), 'b': lambda x: calls.append(('b', x))}
    clip, boxes = np.zeros((1, 3, 8, 4, 4)), np.zeros((3, 4))
    timings = benchmark.measure(runners, (clip, boxes), warmup=1, repeats=3)
    assert timings['a'].batch == 1 and len(timings['b'].times_ms) == 3  # one clip, not 2 inputs
    assert [name for name, _ in calls[2:]] == ['a', 'b'] * 3  # interleaved after the warm-up
    assert all(x[0] is clip and x[1] is boxes for _, x in calls)  # every runtime, the same inputs
    assert benchmark.measure(runners, np.zeros((4, 2)), warmup=0, repeats=1)['a'].batch == 4


def _rows(**complexity):
    timing = benchmark.Timing('x', 1, [2.0, 2.0, 2.0])
    fast = benchmark.Timing('y', 1, [0.5, 0.5, 0.5])
    return [benchmark.BenchRow('recognizer', 'PyTorch FP32', timing, 8.0, 'top-1', 1.0, **complexity),
            benchmark.BenchRow('recognizer', 'OpenVINO INT8', fast, 2.0, 'top-1', 0.99, **complexity)]


def test_the_table_shows_complexity_columns_only_when_the_rows_have_them():
    plain = benchmark.benchmark_table(_rows())
    assert 'GFLOPs' not in plain and plain.splitlines()[2].count('|') == 10
    table = benchmark.benchmark_table(_rows(gflops=0.1234, params_m=2.345))
    header, rule, first, second = table.splitlines()
    assert header.count('|') == rule.count('|') == first.count('|') == 12
    assert '| 0.123 | 2.3 |' in first and '| 4.0x |' in second


def test_the_metric_axis_never_passes_one():
    import matplotlib
    matplotlib.use('Agg')
    (ax,) = benchmark.plot_accuracy_vs_speed(_rows())
    assert ax.get_ylim()[1] == 1.0 and ax.get_ylim()[0] < 0.99
