"""Full profile: download UCF101 or HMDB51 and its official splits, extract rawframes, write mmaction's lists.

    python data_scripts/prepare_action_dataset.py --dataset ucf101      # into $COURSE_DATA_DIR/ucf101
    python data_scripts/prepare_action_dataset.py --dataset hmdb51 --split 1 --short-side 256 --workers 2

Downloads are resumable and cached (course_lib.fetch; hub entries ucf101_* / hmdb51_* in
course_lib/zoo.py); each step is skipped when its output is already there, so the script can be
rerun after an interruption. Unpacking .rar archives needs unrar, 7z or bsdtar. Also fetches the
Kinetics-400 checkpoint lesson 03 fine-tunes from (X3D-S for UCF101, R(2+1)D-34 for HMDB51;
--no-checkpoint to skip). Sources: the ones mmaction2's tools/data/<dataset>/download_*.sh use.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from course_lib.errors import run_cli
from course_lib.validate import positive_int

CHECKPOINTS = {'ucf101': 'x3d_s_k400', 'hmdb51': 'r2plus1d_r34_k400'}


def main(argv: list[str] | None = None) -> int:
    """Parse the arguments, then download, extract and convert."""
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--dataset', required=True, choices=sorted(CHECKPOINTS))
    parser.add_argument('--root', type=Path, default=None,
                        help='dataset folder (default: $COURSE_DATA_DIR/<dataset>)')
    parser.add_argument('--split', type=int, default=1, choices=(1, 2, 3))
    parser.add_argument('--short-side', type=positive_int, default=256,
                        help='resize frames so the shorter side has this many pixels')
    parser.add_argument('--workers', type=positive_int, default=1, help='parallel decoding processes')
    parser.add_argument('--no-checkpoint', action='store_true',
                        help='do not download the Kinetics-400 checkpoint')
    args = parser.parse_args(argv)
    import course_lib as cl
    from course_lib.data import splits
    if not args.no_checkpoint:
        print('checkpoint', cl.download(CHECKPOINTS[args.dataset]))
    prepare = {'ucf101': splits.prepare_ucf101, 'hmdb51': splits.prepare_hmdb51}[args.dataset]
    written = prepare(args.root or cl.data_dir() / args.dataset, split=args.split,
                      short_side=args.short_side, workers=args.workers)
    for name, path in written.items():
        print(f'{name:16s} {path}')
    return 0


if __name__ == '__main__':
    sys.exit(run_cli(main))
