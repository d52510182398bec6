"""course_lib.export.benchmark: interleaved timing of several runtimes on the same inputs."""
import numpy as np

from course_lib.export import benchmark


def test_measure_counts_the_batch_of_the_first_input_when_a_model_takes_several():
    calls = []
    runners = {'a': lambda x: calls.append(('a', x)), 'b': lambda x: calls.append(('b', x))}
    clip, boxes = np.zeros((1, 3, 8, 4, 4)), np.zeros((3, 4))
    timings = benchmark.measure(runners, (clip, boxes), warmup=1, repeats=3)
    assert timings['a'].batch == 1 and len(timings['b'].times_ms) == 3  # one clip, not 2 inputs
    assert [name for name, _ in calls[2:]] == ['a', 'b'] * 3  # interleaved after the warm-up
    assert all(x[0] is clip and x[1] is boxes for _, x in calls)  # every runtime, the same inputs
    assert benchmark.measure(runners, np.zeros((4, 2)), warmup=0, repeats=1)['a'].batch == 4
