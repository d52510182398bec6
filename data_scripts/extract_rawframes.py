"""Decode videos into rawframe folders (`img_00001.jpg`, ...) that mmaction's RawframeDataset reads.

    python data_scripts/extract_rawframes.py data/ucf101/videos data/ucf101/rawframes --short-side 256

Every video under VIDEOS_ROOT (any depth) becomes FRAMES_ROOT/<same relative path, no extension>/.
Folders already complete are skipped, so an interrupted run continues where it stopped; a video that
cannot be decoded is reported by name and the others go on. OpenCV decodes (no ffmpeg needed).
"""
from __future__ import annotations

import argparse
import sys

from course_lib.data.rawframes import VIDEO_EXTENSIONS, extract_rawframes
from course_lib.errors import run_cli
from course_lib.validate import positive_int


def main(argv: list[str] | None = None) -> int:
    """Parse the arguments, extract, print the summary; exit 1 only with --strict and failures."""
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('videos_root', help='folder of videos (e.g. <class>/<video>.avi)')
    parser.add_argument('frames_root', help='where the frame folders go')
    parser.add_argument('--short-side', type=positive_int, default=None,
                        help='resize so the shorter side has this many pixels (default: keep)')
    parser.add_argument('--ext', nargs='+', default=list(VIDEO_EXTENSIONS),
                        help='video file extensions to look for')
    parser.add_argument('--workers', type=positive_int, default=1, help='parallel decoding processes')
    parser.add_argument('--strict', action='store_true',
                        help='exit with status 1 if any video could not be decoded')
    args = parser.parse_args(argv)
    from course_lib.data.rawframes import find_videos
    videos = find_videos(args.videos_root, args.ext)
    report = extract_rawframes(args.videos_root, args.frames_root, videos=videos,
                               short_side=args.short_side, workers=args.workers)
    print(report.summary())
    return 1 if args.strict and report.failed else 0


if __name__ == '__main__':
    sys.exit(run_cli(main))
