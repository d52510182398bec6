"""Peak memory of every demo task on a short and a long video (default 30 s and 8 min at 320x240, 30 fps).

    python scripts/benchmark_video_memory.py [--seconds 30 480] [--size 320x240] [--tasks recognize ...]

Each (task, length) runs `python -m course_lib.demo TASK VIDEO --out ... --json ...` in a subprocess
of its own, with the smoke configs' models at RANDOM weights (no lesson is trained; memory does not
depend on the weights), and reports that process's peak resident memory (ru_maxrss) and wall time.
The videos are generated once under COURSE_DATA_DIR/benchmark_video_memory/. Not part of `make test`
(minutes per task on a CPU); tests/demo/test_memory.py checks the same bound on small inputs.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

TASKS = ('recognize', 'localize', 'actions', 'objects')


def make_video(path: Path, seconds: int, size: tuple[int, int], fps: int = 30) -> Path:
    """A video of a box moving over a gradient (cheap to encode), written frame by frame; kept."""
    import numpy as np

    from course_lib.video import VideoWriter
    if path.is_file():
        return path
    w, h = size
    base = np.zeros((h, w, 3), np.uint8)
    base[..., 0] = np.linspace(0, 120, w, dtype=np.uint8)[None]
    base[..., 2] = np.linspace(0, 120, h, dtype=np.uint8)[:, None]
    with VideoWriter(path, fps, codec='mp4v') as writer:
        for t in range(seconds * fps):
            frame = base.copy()
            x = (t * 3) % (w - h // 3)
            frame[h // 3: 2 * h // 3, x:x + h // 3] = (230, 200, 40)
            writer.write(frame)
    return path


def worker(task: str, video: str, out_dir: str) -> None:
    """Run one task on one video with random-weight models; print peak memory (MB) and seconds."""
    from course_lib.demo import models
    from course_lib.demo.__main__ import main
    built = models.random_models()
    for name, value in models.resolvers(built).items():
        setattr(models, name, value)
    start = time.perf_counter()
    extra = ['--short-side', '240'] if task == 'actions' else []
    main([task, video, '--out', str(Path(out_dir) / f'{task}.mp4'), '--json',
          str(Path(out_dir) / f'{task}.json'), '--force', '--no-progress', *extra])
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux
    print(json.dumps({'peak_mb': round(peak_mb, 1), 'seconds': round(time.perf_counter() - start, 1)}))


def main(argv: list[str]) -> int:
    """Generate the videos, run each task on each in its own process, print the table."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--seconds', type=int, nargs=2, default=[30, 480], metavar=('SHORT', 'LONG'))
    parser.add_argument('--size', default='320x240', help='WxH of the generated videos')
    parser.add_argument('--tasks', nargs='+', choices=TASKS, default=list(TASKS))
    parser.add_argument('--worker', nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        worker(*args.worker)
        return 0
    from course_lib.settings import data_dir
    size = tuple(int(v) for v in args.size.lower().split('x'))
    root = data_dir() / 'benchmark_video_memory'
    root.mkdir(parents=True, exist_ok=True)
    videos = {s: make_video(root / f'{s}s_{args.size}.mp4', s, size) for s in args.seconds}
    print(f'{"task":10s} ' + ' '.join(f'{f"{s} s: peak MB / time":>24s}' for s in args.seconds) + '   ratio')
    for task in args.tasks:
        cells, peaks = [], []
        for seconds, video in videos.items():
            run = subprocess.run([sys.executable, __file__, '--worker', task, str(video), str(root)],
                                 capture_output=True, text=True, env=os.environ.copy())
            if run.returncode:
                print(f'{task}: failed\n{run.stderr[-2000:]}', file=sys.stderr)
                return 1
            result = json.loads(run.stdout.strip().splitlines()[-1])
            peaks.append(result['peak_mb'])
            cells.append(f'{result["peak_mb"]:>12.0f} / {result["seconds"]:>7.0f} s')
        print(f'{task:10s} ' + ' '.join(f'{c:>24s}' for c in cells) + f'   {peaks[1] / peaks[0]:5.2f}')
    return 0


if __name__ == '__main__':
    from course_lib.errors import run_cli
    sys.exit(run_cli(main))
