"""Generate the synthetic motion-clip set (the smoke profile's UCF101): videos, rawframes, lists.

    python data_scripts/generate_motion_clips.py                       # into $COURSE_DATA_DIR/motion_clips
    python data_scripts/generate_motion_clips.py --train-per-class 100 --size 96 --root /tmp/motion

Writes real MPEG-4 clips of shapes moving left / right / up / down, growing or rotating, the
UCF101-format split files (classInd.txt, trainlist01.txt, testlist01.txt), their rawframes, and
mmaction's video and rawframe lists. Clips already written are kept (reruns are quick).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from course_lib.errors import run_cli
from course_lib.validate import non_negative_int, positive_int


def main(argv: list[str] | None = None) -> int:
    """Parse the arguments and build the set."""
    from course_lib.data.synthetic.motion_clips import MOTIONS, MotionSetSpec, build_motion_set
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--root', type=Path, default=None,
                        help='output folder (default: $COURSE_DATA_DIR/motion_clips)')
    parser.add_argument('--classes', nargs='+', default=list(MOTIONS), choices=MOTIONS)
    parser.add_argument('--train-per-class', type=positive_int, default=MotionSetSpec.train_per_class)
    parser.add_argument('--val-per-class', type=positive_int, default=MotionSetSpec.val_per_class)
    parser.add_argument('--size', type=positive_int, default=MotionSetSpec.size, help='frame side in pixels')
    parser.add_argument('--frames', type=positive_int, default=MotionSetSpec.frames, help='frames per clip')
    parser.add_argument('--seed', type=non_negative_int, default=MotionSetSpec.seed)
    args = parser.parse_args(argv)
    import course_lib as cl
    root = args.root or cl.data_dir() / 'motion_clips'
    spec = MotionSetSpec(classes=tuple(args.classes), train_per_class=args.train_per_class,
                         val_per_class=args.val_per_class, size=args.size, frames=args.frames,
                         seed=args.seed)
    for name, path in build_motion_set(root, spec).items():
        print(f'{name:16s} {path}')
    return 0


if __name__ == '__main__':
    sys.exit(run_cli(main))
