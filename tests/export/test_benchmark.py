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
