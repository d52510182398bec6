"""Convert spatio-temporal annotations between AVA (mmaction2) and CVAT's video XML, in two layouts.

    python data_scripts/convert_ava_cvat.py ava2cvat --ann ava_val.csv --labels ava_action_list.pbtxt \\
        --frames rawframes --out cvat/val --fps 30 --timestamp-start 900
    python data_scripts/convert_ava_cvat.py cvat2ava --cvat cvat/val --labels ava_action_list.pbtxt \\
        --ann ava_val_from_cvat.csv --frames rawframes_from_cvat --fps 30 --timestamp-start 900
    python data_scripts/convert_ava_cvat.py cvat2ava --cvat JHMDB_5%/train --ann ava_train.csv \\
        --frames rawframes --fps 1 --timestamp-start 0
    python data_scripts/convert_ava_cvat.py ava2cvat --layout otx --ann ava_val.csv \\
        --labels ava_action_list.pbtxt --frames rawframes --proposals proposals_val.pkl --out otx/test \\
        --fps 1 --timestamp-start 0

Two CVAT layouts:
- the course's (`--layout cvat`): <out>/<video_id>/annotations.xml with one track per person and the
  actions as checkbox attributes, and images/frame_000000.jpg ...; cvat2ava samples every track at
  each whole second (interpolating between keyframes as CVAT does);
- OpenVINO Training Extensions' (OTX 1.x) action-detection tutorial's (`--layout otx`): one track per
  box labelled with the action, EmptyFrame tracks on frames without a person, normalised boxes,
  images/frame_000000.png, and person proposals in <out>.pkl next to the split folder. Every
  annotated frame is a keyframe: with --fps 1 --timestamp-start 0, frame f becomes second f.
cvat2ava detects the layout from the XML. For OTX, --labels is optional (the label map is built from
the XML labels, as OTX numbers them, and written next to --ann), and <split>.pkl, when present,
becomes an AVA proposal pickle (--proposals, default ava_dense_proposals_<split>.pkl next to --ann).
Going AVA -> CVAT -> AVA gives back the same CSV in both layouts. Bad files stop with one line
naming the file and line (--debug shows the traceback).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from course_lib.errors import run_cli
from course_lib.validate import non_negative_int, positive_int


def main(argv: list[str] | None = None) -> int:
    """Parse the arguments and run one conversion."""
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest='direction', required=True)
    to_cvat = sub.add_parser('ava2cvat', help='AVA CSV + rawframes -> CVAT folders')
    to_cvat.add_argument('--ann', type=Path, required=True, help='AVA annotation CSV')
    to_cvat.add_argument('--labels', type=Path, required=True, help='label map (pbtxt or id: name)')
    to_cvat.add_argument('--frames', type=Path, required=True, help='rawframes/<video_id>/img_*.jpg')
    to_cvat.add_argument('--out', type=Path, required=True, help='folder for the CVAT clips')
    to_cvat.add_argument('--layout', choices=('cvat', 'otx'), default='cvat',
                         help="the course's CVAT layout or OTX 1.x's (default: cvat)")
    to_cvat.add_argument('--proposals', type=Path, default=None,
                         help='otx: AVA proposal pickle to write as <out>.pkl')
    to_cvat.add_argument('--no-images', action='store_true', help='write only annotations.xml')
    to_ava = sub.add_parser('cvat2ava', help='CVAT folders (either layout) -> AVA CSV (+ rawframes)')
    to_ava.add_argument('--cvat', type=Path, required=True, help='folder of <clip>/annotations.xml')
    to_ava.add_argument('--ann', type=Path, required=True, help='AVA CSV to write')
    to_ava.add_argument('--labels', type=Path, default=None,
                        help='label map (pbtxt or id: name); optional for the OTX layout')
    to_ava.add_argument('--frames', type=Path, default=None, help='rawframes folder to write')
    to_ava.add_argument('--proposals', type=Path, default=None,
                        help='otx: where to write the proposals of <cvat>.pkl')
    for p in (to_cvat, to_ava):
        p.add_argument('--fps', type=positive_int, default=30, help='frames per AVA second (AVA: 30)')
        p.add_argument('--timestamp-start', type=non_negative_int, default=900,
                       help='the AVA second of frame 0 (AVA: 900)')
        p.add_argument('--debug', action='store_true', help='show the traceback of an error')
    args = parser.parse_args(argv)
    try:
        print(_run(args))
    except (ValueError, OSError) as err:  # bad input: one line, no traceback
        if args.debug:
            raise
        print(f'error: {err}', file=sys.stderr)
        return 1
    return 0


def _run(args: argparse.Namespace) -> str:
    from course_lib.data import cvat, cvat_folders, otx_cvat
    if args.direction == 'ava2cvat' and args.layout == 'otx':
        paths = cvat_folders.ava_to_otx(args.ann, args.labels, args.frames, args.out, args.fps,
                                        args.timestamp_start, args.proposals,
                                        copy_frames=not args.no_images)
        extra = f' and {otx_cvat.split_proposals(args.out)}' if args.proposals else ''
        return f'{len(paths)} clips in the OTX layout in {args.out}{extra}'
    if args.direction == 'ava2cvat':
        paths = cvat.ava_to_cvat(args.ann, args.labels, args.frames, args.out, args.fps,
                                 args.timestamp_start, copy_frames=not args.no_images)
        return f'{len(paths)} CVAT clips in {args.out}'
    done = cvat_folders.cvat_folder_to_ava(args.cvat, args.ann, args.labels, args.frames,
                                           args.proposals, args.fps, args.timestamp_start)
    lines = [f'{len(done.rows)} AVA rows in {args.ann}']
    if done.label_file:
        lines.append(f'label map (from the XML labels): {done.label_file}')
    if done.proposals_file:
        lines.append(f'proposals: {done.proposals_file}')
    if done.without_images:
        lines.append(f'no images/ (no rawframes) in {len(done.without_images)} clip(s), e.g. '
                     f'{done.without_images[0]}')
    return '\n'.join(lines)


if __name__ == '__main__':
    sys.exit(run_cli(main))
