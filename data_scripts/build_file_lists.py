"""Write mmaction's video and rawframe lists from official split files, your own folders, or clip lists.

    python data_scripts/build_file_lists.py ucf101 data/ucf101/annotations --split 1 \
        --out data/ucf101/lists --frames data/ucf101/rawframes
    python data_scripts/build_file_lists.py hmdb51 data/hmdb51/annotations --split 1 \
        --out data/hmdb51/lists --frames data/hmdb51/rawframes
    python data_scripts/build_file_lists.py folders my_clips/videos --val-fraction 0.2 \
        --out my_clips/lists --frames my_clips/rawframes
    python data_scripts/build_file_lists.py clips train.txt train_rawframes.txt

`ucf101` reads classInd.txt + trainlist0N.txt + testlist0N.txt; `hmdb51` reads the
<class>_test_splitN.txt files (1 train, 2 test, 0 unused); `folders` splits your own videos sorted
into one folder per class; `clips` converts OTX's clip list
(`<dir> <label> <video start> <video end> <clip start> <clip end> <fps>`) into a rawframe list read
with `with_offset=True`. Labels are 0-based. With --frames, rawframe lists count the extracted frames
(run extract_rawframes.py first; incomplete frame folders are left out, by name). Paths may not hold
spaces (mmaction's list files separate fields by spaces): such names are refused before anything is
written. Class folders that are symbolic links are followed.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from course_lib.errors import run_cli
from course_lib.validate import fraction, non_negative_int


def main(argv: list[str] | None = None) -> int:
    """Parse the arguments and write the lists."""
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest='source', required=True)
    for name, what in (('ucf101', 'folder with classInd.txt, trainlist0N.txt, testlist0N.txt'),
                       ('hmdb51', 'folder with the <class>_test_splitN.txt files'),
                       ('folders', 'videos sorted into one folder per class')):
        p = sub.add_parser(name, help=what)
        p.add_argument('source_dir', type=Path, help=what)
        p.add_argument('--out', type=Path, required=True, help='where the lists go (files of the same '
                       'names that the course did not write there are refused, unless --force)')
        p.add_argument('--force', action='store_true', help='replace files of the lists\' names even if '
                       'the course did not record writing them (other files are never touched)')
        p.add_argument('--frames', type=Path, default=None,
                       help='rawframes root: also write rawframe lists')
        if name == 'folders':
            p.add_argument('--val-fraction', type=fraction, default=0.2)
            p.add_argument('--seed', type=non_negative_int, default=0)
        else:
            p.add_argument('--split', type=int, default=1, choices=(1, 2, 3))
    p = sub.add_parser('clips', help="OTX's clip list (custom action recognition) -> rawframe list with offsets")
    p.add_argument('clip_list', type=Path)
    p.add_argument('rawframe_list', type=Path)
    args = parser.parse_args(argv)

    from course_lib.data import splits
    from course_lib.data.annotation_lists import clips_to_rawframe_list
    if args.source == 'clips':
        print(clips_to_rawframe_list(args.clip_list, args.rawframe_list))
        return 0
    if args.source == 'ucf101':
        split = splits.read_ucf101_split(args.source_dir, args.split)
    elif args.source == 'hmdb51':
        split = splits.read_hmdb51_split(args.source_dir, args.split)
    else:
        split = splits.split_class_folders(args.source_dir, args.val_fraction, args.seed)
    print(f'{len(split.classes)} classes, {split.counts()}')
    videos_root = args.source_dir if args.source == 'folders' else None  # frame counts checked against them
    for name, path in splits.write_split_lists(split, args.out, args.frames, force=args.force,
                                               videos_root=videos_root).items():
        print(f'{name:16s} {path}')
    return 0


if __name__ == '__main__':
    sys.exit(run_cli(main))
