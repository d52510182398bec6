"""Convert spatio-temporal annotations between AVA (mmaction2) and CVAT's video XML (OTX's action-detection tutorial).

    python data_scripts/convert_ava_cvat.py ava2cvat --ann ava_val.csv --labels ava_action_list.pbtxt \\
        --frames rawframes --out cvat/val --fps 30 --timestamp-start 900
    python data_scripts/convert_ava_cvat.py cvat2ava --cvat cvat/val --labels ava_action_list.pbtxt \\
        --ann ava_val_from_cvat.csv --frames rawframes_from_cvat --fps 30 --timestamp-start 900

ava2cvat writes <out>/<video_id>/annotations.xml ("CVAT for video 1.1": one track per person, actions
as checkbox attributes) and images/frame_000000.jpg ...; cvat2ava samples every track at each whole
second (interpolating between keyframes as CVAT does) and writes the AVA CSV (+ rawframes). Going
AVA -> CVAT -> AVA gives back the same CSV. Bad rows and boxes stop with the file and line.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    """Parse the arguments and run one conversion."""
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest='direction', required=True)
    to_cvat = sub.add_parser('ava2cvat', help='AVA CSV + rawframes -> CVAT folders')
    to_cvat.add_argument('--ann', type=Path, required=True, help='AVA annotation CSV')
    to_cvat.add_argument('--frames', type=Path, required=True, help='rawframes/<video_id>/img_*.jpg')
    to_cvat.add_argument('--out', type=Path, required=True, help='folder for the CVAT clips')
    to_cvat.add_argument('--no-images', action='store_true', help='write only annotations.xml')
    to_ava = sub.add_parser('cvat2ava', help='CVAT folders -> AVA CSV (+ rawframes)')
    to_ava.add_argument('--cvat', type=Path, required=True, help='folder of <clip>/annotations.xml')
    to_ava.add_argument('--ann', type=Path, required=True, help='AVA CSV to write')
    to_ava.add_argument('--frames', type=Path, default=None, help='rawframes folder to write')
    for p in (to_cvat, to_ava):
        p.add_argument('--labels', type=Path, required=True, help='label map (pbtxt or id: name)')
        p.add_argument('--fps', type=int, default=30, help='frames per AVA second (AVA: 30)')
        p.add_argument('--timestamp-start', type=int, default=900,
                       help='the AVA second of frame 0 (AVA: 900)')
    args = parser.parse_args(argv)
    from course_lib.data import cvat
    if args.direction == 'ava2cvat':
        paths = cvat.ava_to_cvat(args.ann, args.labels, args.frames, args.out, args.fps,
                                 args.timestamp_start, copy_frames=not args.no_images)
        print(f'{len(paths)} CVAT clips in {args.out}')
    else:
        rows = cvat.cvat_to_ava(args.cvat, args.labels, args.ann, args.frames, args.fps,
                                args.timestamp_start)
        print(f'{len(rows)} AVA rows in {args.ann}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
