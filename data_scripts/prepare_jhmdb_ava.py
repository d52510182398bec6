"""Prepare JHMDB as an AVA-format set for lesson 07's full profile (online, once).

    python data_scripts/prepare_jhmdb_ava.py --gt-pkl JHMDB-GT.pkl --frames Frames
    python data_scripts/prepare_jhmdb_ava.py --gt-pkl JHMDB-GT.pkl --frames Frames --no-detector
    python data_scripts/prepare_jhmdb_ava.py --otx "JHMDB_5%"

Two sources:
- ACT's JHMDB release, the one mmaction2's tools/data/jhmdb README points to: JHMDB-GT.pkl (tubes,
  splits, resolutions) and Frames/<class>/<clip>/00001.png. Download them as that README says (the
  course hub has no verified copy). A keyframe every --keyframe-step frames; person proposals from
  mmdet's COCO Faster R-CNN (hub entry faster_rcnn_r50_coco, downloaded and verified).
- --otx: the JHMDB subset of OpenVINO Training Extensions' (OTX 1.x) action-detection tutorial, in
  its CVAT layout (train/ and test/ clip folders with annotations.xml and images/, train.pkl and
  test.pkl). Every annotated frame is a keyframe; the proposals come from train.pkl / test.pkl (the
  true boxes when one is missing); test/ becomes the validation split.
Both write $COURSE_DATA_DIR/jhmdb_ava: rawframes, ava_{train,val}.csv (timestamps count frames from
1), the label map of JHMDB's 21 classes, empty exclusion files, the person proposals and the true
boxes as ava_val_gt_proposals.pkl. Bad files stop with one line naming the file and line.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from course_lib.errors import run_cli
from course_lib.validate import positive_int


def main(argv: list[str] | None = None) -> int:
    """Parse the arguments and prepare the set."""
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument('--gt-pkl', type=Path, help="ACT's JHMDB-GT.pkl (with --frames)")
    source.add_argument('--otx', type=Path,
                        help="the OTX tutorial's JHMDB subset (train/, test/, train.pkl, test.pkl)")
    parser.add_argument('--frames', type=Path, help="ACT's Frames folder")
    parser.add_argument('--root', type=Path, default=None,
                        help='output folder (default: $COURSE_DATA_DIR/jhmdb_ava)')
    parser.add_argument('--split', type=int, default=1, choices=(1, 2, 3))
    parser.add_argument('--keyframe-step', type=positive_int, default=5)
    parser.add_argument('--no-detector', action='store_true',
                        help='use the true boxes as proposals (no download; a perfect detector)')
    parser.add_argument('--debug', action='store_true', help='show the traceback of an error')
    args = parser.parse_args(argv)
    if args.gt_pkl and not args.frames:
        parser.error('--gt-pkl needs --frames (ACT\'s Frames folder)')
    import course_lib as cl
    from course_lib.data import ava
    from course_lib.jobs.otx_ava import prepare_otx_ava
    root = args.root or cl.data_dir() / 'jhmdb_ava'
    if args.otx:
        try:
            sources = prepare_otx_ava(args.otx, root, dict(enumerate(ava.JHMDB_CLASSES, 1)))
        except (ValueError, OSError) as err:  # bad input: one line, no traceback
            if args.debug:
                raise
            print(f'error: {err}', file=sys.stderr)
            return 1
        print(f'JHMDB (the OTX tutorial\'s subset) in AVA format: {root}; proposals: {sources}')
        return 0
    from course_lib.jobs.jhmdb_ava import prepare_jhmdb_ava
    checkpoint = None if args.no_detector else cl.download('faster_rcnn_r50_coco')
    root = prepare_jhmdb_ava(args.gt_pkl, args.frames, root, args.split, args.keyframe_step,
                             checkpoint)
    print(f'JHMDB split {args.split} in AVA format: {root}')
    return 0


if __name__ == '__main__':
    sys.exit(run_cli(main))
