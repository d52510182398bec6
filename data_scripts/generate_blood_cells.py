"""Generate synthetic BCCD-like blood smears (cell sizes known and set) in BCCD's Roboflow COCO layout.

Lesson 06 trains on the real BCCD shipped with the course; this set is the controlled counterpart
(course_lib.data.synthetic.blood_cells.BloodCellSpec sets each cell type's size and count).

    python data_scripts/generate_blood_cells.py                    # $COURSE_DATA_DIR/blood_cells
    python data_scripts/generate_blood_cells.py --train 600 --seed 1

Writes <out>/{train,valid,test}/_annotations.coco.json and JPEG images; a rerun with the same
settings does nothing.
"""
import argparse
import sys

from course_lib import data_dir
from course_lib.data import coco
from course_lib.data.synthetic.blood_cells import BloodCellSpec, generate_blood_cells
from course_lib.errors import run_cli
from course_lib.validate import non_negative_int, positive_int


def main(argv: list[str] | None = None) -> None:
    """Command line entry point (see the module docstring)."""
    defaults = BloodCellSpec()
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--out', default=None, help='output folder (default: $COURSE_DATA_DIR/blood_cells)')
    parser.add_argument('--train', type=positive_int, default=defaults.num_train, help='training images')
    parser.add_argument('--valid', type=positive_int, default=defaults.num_valid, help='validation images')
    parser.add_argument('--test', type=positive_int, default=defaults.num_test, help='test images')
    parser.add_argument('--seed', type=non_negative_int, default=defaults.seed)
    args = parser.parse_args(argv)
    spec = BloodCellSpec(num_train=args.train, num_valid=args.valid, num_test=args.test,
                         seed=args.seed)
    out = generate_blood_cells(args.out or data_dir() / 'blood_cells', spec)
    for row in coco.summarize(out):
        print(row)


if __name__ == '__main__':
    sys.exit(run_cli(main))
