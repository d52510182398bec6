"""Prepare JHMDB as an AVA-format set for lesson 07's full profile (online, once).

    python data_scripts/prepare_jhmdb_ava.py --gt-pkl JHMDB-GT.pkl --frames Frames
    python data_scripts/prepare_jhmdb_ava.py --gt-pkl JHMDB-GT.pkl --frames Frames --no-detector

Inputs are ACT's JHMDB release, the one mmaction2's tools/data/jhmdb README points to: JHMDB-GT.pkl
(tubes, splits, resolutions) and Frames/<class>/<clip>/00001.png. Download them as that README says
(the course hub has no verified copy). Writes $COURSE_DATA_DIR/jhmdb_ava: rawframes, ava_{train,val}.csv
(a keyframe every --keyframe-step frames; timestamps count frames), the label map, empty exclusion
files, person proposals from mmdet's COCO Faster R-CNN (hub entry faster_rcnn_r50_coco, downloaded
and verified) and the true boxes as ava_val_gt_proposals.pkl.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    """Parse the arguments and prepare the set."""
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--gt-pkl', type=Path, required=True, help="ACT's JHMDB-GT.pkl")
    parser.add_argument('--frames', type=Path, required=True, help="ACT's Frames folder")
    parser.add_argument('--root', type=Path, default=None,
                        help='output folder (default: $COURSE_DATA_DIR/jhmdb_ava)')
    parser.add_argument('--split', type=int, default=1, choices=(1, 2, 3))
    parser.add_argument('--keyframe-step', type=int, default=5)
    parser.add_argument('--no-detector', action='store_true',
                        help='use the true boxes as proposals (no download; a perfect detector)')
    args = parser.parse_args(argv)
    import course_lib as cl
    from course_lib.inference.jhmdb_ava import prepare_jhmdb_ava
    checkpoint = None if args.no_detector else cl.download('faster_rcnn_r50_coco')
    root = prepare_jhmdb_ava(args.gt_pkl, args.frames, args.root or cl.data_dir() / 'jhmdb_ava',
                             args.split, args.keyframe_step, checkpoint)
    print(f'JHMDB split {args.split} in AVA format: {root}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
