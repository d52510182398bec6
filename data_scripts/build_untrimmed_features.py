"""Turn generated untrimmed videos into BMN features with a trained recognizer (ActivityNet format).

    python data_scripts/build_untrimmed_features.py                  # lesson 03's recognizer (trained if missing)
    python data_scripts/build_untrimmed_features.py --num-train 400 --stride 4 --root /tmp/untrimmed

Writes <root>/csv_mean_<T>/<video>.csv (one row per step, one column per backbone channel),
anet_anno_{train,test}.json and the test videos as MPEG-4 files, in the on-disk format mmaction's
ActivityNetDataset reads; the config bmn_cls_1xb4-128x32-3e_motion-untrimmed_smoke trains on it.
A set made with the same spec and checkpoint is kept (reruns are quick).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from course_lib.errors import run_cli
from course_lib.validate import non_negative_int, positive_int


def main(argv: list[str] | None = None) -> int:
    """Parse the arguments and build the feature set."""
    from course_lib.configs import for_lesson
    from course_lib.data.synthetic.untrimmed_motion import UntrimmedSpec
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--root', type=Path, default=None,
                        help='output folder (default: $COURSE_DATA_DIR/motion_untrimmed)')
    parser.add_argument('--recognizer', default=for_lesson('03', 'recognizer', 'smoke'),
                        help='course config of the recognizer whose backbone makes the features '
                        '(default: lesson 03\'s smoke recognizer, %(default)s)')
    parser.add_argument('--num-train', type=positive_int, default=UntrimmedSpec.num_train)
    parser.add_argument('--num-test', type=positive_int, default=UntrimmedSpec.num_test)
    parser.add_argument('--temporal-dim', type=positive_int, default=32, help="BMN's temporal scale")
    parser.add_argument('--stride', type=positive_int, default=4, help='frames between feature windows')
    parser.add_argument('--seed', type=non_negative_int, default=UntrimmedSpec.seed)
    args = parser.parse_args(argv)
    import course_lib as cl
    from course_lib.inference import localization as loc
    root = args.root or cl.data_dir() / 'motion_untrimmed'
    model, cfg, checkpoint = loc.lesson03_recognizer(args.recognizer, quiet=False)
    spec = UntrimmedSpec(num_train=args.num_train, num_test=args.num_test, seed=args.seed)
    loc.build_feature_set(root, model, spec, args.temporal_dim,
                          loc.Windows.from_config(cfg, args.stride), source=checkpoint.name)
    print(f'features in {root}')
    return 0


if __name__ == '__main__':
    sys.exit(run_cli(main))
