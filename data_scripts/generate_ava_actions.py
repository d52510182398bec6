"""Generate the synthetic AVA-format action set (the smoke profile's AVA / JHMDB).

    python data_scripts/generate_ava_actions.py                 # into $COURSE_DATA_DIR/ava_actions
    python data_scripts/generate_ava_actions.py --train-videos 96 --root /tmp/ava

Writes rawframes (img_00001.jpg ...), ava_{train,val}.csv, the label map (wave, walk, jump), person
proposals (noisy true boxes), the true boxes as a proposal file, and empty excluded-timestamp
files, exactly as mmaction2's AVADataset reads them. A finished set is not written again.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from course_lib.errors import run_cli
from course_lib.validate import non_negative_int, positive_int


def main(argv: list[str] | None = None) -> int:
    """Parse the arguments and generate the set."""
    from course_lib.data.synthetic.ava_actions import AVASetSpec, generate_ava_actions
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--root', type=Path, default=None,
                        help='output folder (default: $COURSE_DATA_DIR/ava_actions)')
    parser.add_argument('--train-videos', type=positive_int, default=AVASetSpec.train_videos)
    parser.add_argument('--val-videos', type=positive_int, default=AVASetSpec.val_videos)
    parser.add_argument('--seconds', type=positive_int, default=AVASetSpec.seconds, help='video length')
    parser.add_argument('--seed', type=non_negative_int, default=AVASetSpec.seed)
    args = parser.parse_args(argv)
    import course_lib as cl
    root = args.root or cl.data_dir() / 'ava_actions'
    spec = AVASetSpec(train_videos=args.train_videos, val_videos=args.val_videos,
                      seconds=args.seconds, seed=args.seed)
    data = generate_ava_actions(root, spec)
    for split in ('train', 'val'):
        print(f'{split:5s} {data.csv(split)}  {data.proposals(split)}')
    print(f'label map {data.label_map}\nframes    {data.rawframes}')
    return 0


if __name__ == '__main__':
    sys.exit(run_cli(main))
