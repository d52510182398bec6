"""Peak memory of every demo task does not grow with the video's length: a 5x longer video stays
within 1.5x of the short one's peak (Python and NumPy allocations, tracemalloc, random weights,
small frames). Holding the whole video (what `load_frames` does) fails this bound: checked too."""
from __future__ import annotations

import tracemalloc

import pytest

from course_lib.demo.__main__ import main
from course_lib.video import VideoSource, VideoWriter, load_frames

from .conftest import moving_box

SHORT, LONG = 48, 240
H, W = 120, 160  # frames large enough that a held frame shows beside Python's own caches


@pytest.fixture(scope='module')
def videos(tmp_path_factory):
    root = tmp_path_factory.mktemp('lengths')
    paths = {}
    for count in (SHORT, LONG):
        with VideoWriter(root / f'{count}.mp4', fps=24, codec='mp4v') as writer:
            for start in range(0, count, 24):  # written a second at a time
                for frame in moving_box(min(24, count - start), H, W, seed=start):
                    writer.write(frame)
        paths[count] = root / f'{count}.mp4'
    return paths


def peak(call) -> int:
    """Peak bytes traced by tracemalloc while call() runs."""
    tracemalloc.start()
    try:
        call()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


TASK_OPTIONS = {'recognize': [], 'localize': [], 'objects': [],
                'actions': ['--short-side', '120', '--predict-stepsize', '8', '--output-stepsize', '4']}


@pytest.mark.parametrize('task', list(TASK_OPTIONS))
def test_peak_memory_is_flat_in_the_video_length(task, videos, demo_models, tmp_path, capsys):
    peaks = {}
    for run, count in enumerate((SHORT, LONG, SHORT)):  # the first run imports and caches: not counted
        out, js = tmp_path / f'{run}' / 'out.mp4', tmp_path / f'{run}' / 'out.json'
        argv = [task, str(videos[count]), '--out', str(out), '--json', str(js), '--no-progress',
                *TASK_OPTIONS[task]]
        peaks[count] = peak(lambda: main(argv))
        written = VideoSource(out)
        if task in ('recognize', 'localize', 'objects'):  # every input frame, annotated
            assert len(written) == count and written.size == (H, W)
        assert js.is_file() and not list(out.parent.glob('*.part*'))
    assert peaks[LONG] <= 1.5 * peaks[SHORT], peaks


def test_the_bound_catches_a_video_held_whole(videos):
    load_frames(videos[SHORT])  # imports and caches
    peaks = {count: peak(lambda p=path: load_frames(p)) for count, path in videos.items()}
    assert peaks[LONG] > 1.5 * peaks[SHORT], peaks
