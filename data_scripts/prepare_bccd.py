"""Prepare BCCD for lesson 06 (both profiles): VOC XML -> COCO json in the Roboflow layout.

    python data_scripts/prepare_bccd.py                      # the course's copy in datasets/bccd/
    python data_scripts/prepare_bccd.py --github             # download github.com/Shenggan/BCCD_Dataset
    python data_scripts/prepare_bccd.py --voc ~/BCCD_Dataset # a local checkout (BCCD/Annotations ...)
    python data_scripts/prepare_bccd.py --coco-export ~/bccd # a Roboflow COCO export (train/ valid/ test/),
                                                             # as OTX's object-detection tutorial uses

The default source is the copy of BCCD shipped with the course (datasets/bccd/, MIT licence); when
it is missing, the script downloads the same files from GitHub. Writes
<out>/{train,valid,test}/_annotations.coco.json and the images (default out: $COURSE_DATA_DIR/bccd),
validates every split, and lists bad records by file (and XML line) in <out>/problems.txt.
Reruns skip the conversion (--force redoes it).
"""
import argparse
import sys

from course_lib import data_dir
from course_lib.data import bccd, coco
from course_lib.errors import run_cli
from course_lib.validate import non_negative_int


def main(argv: list[str] | None = None) -> None:
    """Command line entry point (see the module docstring)."""
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--out', default=None, help='output folder (default: $COURSE_DATA_DIR/bccd)')
    source = parser.add_mutually_exclusive_group()
    source.add_argument('--voc', help='a local BCCD checkout (folder with Annotations/, JPEGImages/)')
    source.add_argument('--coco-export', help='a Roboflow COCO export (train/ valid/ test/)')
    source.add_argument('--github', action='store_true',
                        help='download BCCD from GitHub even if the shipped copy is there')
    parser.add_argument('--seed', type=non_negative_int, default=0,
                        help='seed of the random 70/15/15 split when ImageSets/Main is missing')
    parser.add_argument('--force', action='store_true', help='convert again even if done')
    parser.add_argument('--strict', action='store_true', help='exit with an error on any problem')
    args = parser.parse_args(argv)
    voc = bccd.download_bccd() if args.github else args.voc
    problems = bccd.prepare_bccd(args.out, voc=voc, coco_export=args.coco_export,
                                 seed=args.seed, force=args.force)
    for row in coco.summarize(args.out):
        print(row)
    print(f'{len(problems)} problem(s)' + (f', listed in {args.out}/problems.txt:' if problems else ''))
    for problem in problems[:20]:
        print(' ', problem)
    if args.strict:
        coco.raise_on_problems(problems, args.out)


if __name__ == '__main__':
    sys.exit(run_cli(main))
