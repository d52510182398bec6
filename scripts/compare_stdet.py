"""SlowOnly vs X3D under the same AVA RoI head, trained side by side on lesson 07's synthetic clips.

    COURSE_PROFILE=smoke .venv/bin/python scripts/compare_stdet.py [--record docs/benchmarks/stdet_comparison.md]

For each smoke detector config (lesson 07's SlowOnly, and the X3D + Fast R-CNN of OpenVINO Training
Extensions' action-detection tutorial, shrunk the same way) it trains from scratch in a fresh work
dir with the same data, schedule and seed, then measures: frame-mAP@0.5 per class and overall on
the validation split (default proposals), parameters, GFLOPs of one keyframe (mmengine's
`get_model_complexity_info` on the exported function: a validation clip and its proposals) and the training CPU time
(user + sys of this process, all threads). It prints a Markdown table and, with --record, writes
it with the date, the CPU model and the load average to the given file (lesson 07 shows that file).
Not part of `make test`: it trains two models (~10 CPU-minutes on this course's reference CPU).
"""
from __future__ import annotations

import argparse
import datetime
import os
import platform
import resource
import sys
from pathlib import Path

import course_lib  # noqa: F401
from course_lib.errors import run_cli

CONFIGS = {'SlowOnly (lesson 07)': ('07', 'detector'), 'X3D + Fast R-CNN': ('07', 'detector-x3d')}


def cpu_seconds() -> float:
    """User + system CPU time of this process so far (every thread), in seconds."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def cpu_model() -> str:
    """The CPU's model name (from /proc/cpuinfo on Linux), and the number of cores."""
    name = platform.processor() or 'unknown CPU'
    info = Path('/proc/cpuinfo')
    if info.exists():
        for line in info.read_text().splitlines():
            if line.startswith('model name'):
                name = line.split(':', 1)[1].strip()
                break
    return f'{name}, {os.cpu_count()} cores'


def measure(name: str, config: str) -> dict:
    """Train `config` from scratch, then return its per-class frame-mAP, size, GFLOPs and CPU time."""
    from mmengine.analysis import get_model_complexity_info

    from course_lib import configs
    from course_lib.complexity import count_parameters
    from course_lib.data import ava
    from course_lib.export import stdet
    from course_lib.train import train
    cfg = configs.load_config(config, work_dir_=course_lib.work_dir(config + '_comparison'))
    start = cpu_seconds()
    runner = train(cfg, quiet=True, resume=False)
    seconds = cpu_seconds() - start
    model = runner.model.eval()
    labels = ava.read_label_map(cfg.dataset_settings.label_file)
    items = stdet.keyframe_stream(cfg, 'val')  # each keyframe made when read
    net = stdet.STDetNet(model).eval()
    overall, per_class = stdet.frame_map(stdet.torch_runner(net), items,
                                         ava.read_csv(cfg.val_evaluator.ann_file, labels), labels)
    import torch
    example = tuple(torch.from_numpy(a) for a in items[0].inputs)
    with course_lib.quiet():
        flops = get_model_complexity_info(net, inputs=example, show_table=False,
                                          show_arch=False)['flops']
    return dict(name=name, config=config, per_class={labels[c]: ap for c, ap in per_class.items()},
                overall=overall, params=count_parameters(model),
                gflops=flops / 1e9, cpu_s=seconds, clip=tuple(items[0].clip.shape[2:]))


def table(rows: list[dict]) -> str:
    """The comparison as a Markdown table."""
    classes = list(rows[0]['per_class'])
    head = ['model', 'config'] + [f'AP {c}' for c in classes] + \
        ['frame-mAP@0.5', 'parameters', 'GFLOPs / keyframe', 'training CPU s']
    lines = ['| ' + ' | '.join(head) + ' |', '|' + '---|' * len(head)]
    for r in rows:
        cells = [r['name'], f'`{r["config"]}`'] + [f'{r["per_class"][c]:.3f}' for c in classes] + \
            [f'{r["overall"]:.3f}', f'{r["params"] / 1e6:.2f} M', f'{r["gflops"]:.3f}',
             f'{r["cpu_s"]:.0f}']
        lines.append('| ' + ' | '.join(cells) + ' |')
    return '\n'.join(lines)


def main(argv: list[str] | None = None) -> int:
    """Generate the data if needed, train and measure both detectors, print (and record) the table."""
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--record', help='write the table with date, CPU and load to this Markdown file')
    args = parser.parse_args(argv)
    import torch

    from course_lib import configs
    from course_lib.data.synthetic import ava_actions
    if not course_lib.is_smoke():
        print('compare_stdet.py compares the smoke configs on the synthetic set: run it with '
              'COURSE_PROFILE=smoke.', file=sys.stderr)
        return 2
    ava_actions.generate_ava_actions(course_lib.data_dir() / 'ava_actions', progress=False)
    load_before = os.getloadavg()
    rows = [measure(name, configs.for_lesson(*row)) for name, row in CONFIGS.items()]
    load_after = os.getloadavg()
    text = table(rows)
    print(text)
    if args.record:
        when = datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')
        clip = 'x'.join(str(v) for v in rows[0]['clip'])
        note = (f'Recorded {when} by `scripts/compare_stdet.py` on {cpu_model()}; torch '
                f'{torch.__version__} with {torch.get_num_threads()} threads; load average '
                f'{load_before[0]:.1f} before, {load_after[0]:.1f} after (other jobs share the CPU: '
                f'CPU seconds are comparable between the rows, wall time is not). Same synthetic data '
                f'(lesson 07), schedule and seed for both, trained from scratch; GFLOPs of one keyframe '
                f'(clip {clip} as T x H x W, its proposals) by mmengine\'s get_model_complexity_info, which counts '
                f'one multiply-add as one FLOP, 3D convolutions included (checked against the formula '
                f'for a Conv3d); mmcv\'s RoIAlign is not counted (negligible).')
        Path(args.record).parent.mkdir(parents=True, exist_ok=True)
        Path(args.record).write_text(f'# Spatio-temporal detectors on the synthetic set: SlowOnly vs X3D\n\n'
                                     f'{note}\n\n{text}\n')
        print('recorded in', args.record)
    return 0


if __name__ == '__main__':
    sys.exit(run_cli(main))
