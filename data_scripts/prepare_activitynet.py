"""Prepare ActivityNet-format features for BMN (lessons 04 and 05), in mmaction2's on-disk layout.

    python data_scripts/prepare_activitynet.py --profile smoke            # synthetic, 32 x 400
    python data_scripts/prepare_activitynet.py --profile smoke --temporal-dim 100   # full-size format
    python data_scripts/prepare_activitynet.py --profile full             # real ActivityNet features

smoke: writes learnable synthetic features to $COURSE_DATA_DIR/activitynet_synthetic_t<T>/
(csv_mean_<T>/<video>.csv and anet_anno_{train,val,test}.json), offline, in seconds.
full: downloads the annotations (BSN's anet_anno_action.json, video_info_new.csv) and the rescaled
features (csv_mean_100.zip, several GB, Google Drive) that mmaction2's tools/data/activitynet uses,
into $COURSE_DATA_DIR/ActivityNet/, verifies them, unzips, and splits the annotations like mmaction's
process_annotations.py. Downloads resume after an interruption; finished steps are skipped on rerun.
"""
import argparse
import sys

from course_lib.data.activitynet import prepare_activitynet
from course_lib.data.synthetic.anet_features import SyntheticAnetSpec, prepare_synthetic
from course_lib.errors import run_cli
from course_lib.validate import non_negative_int, positive_int


def main(argv: list[str] | None = None) -> None:
    """Command line entry point (see the module docstring)."""
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--profile', choices=['smoke', 'full'], required=True,
                        help='smoke: generate synthetic features; full: download ActivityNet')
    parser.add_argument('--root', help='output folder (default: under $COURSE_DATA_DIR)')
    parser.add_argument('--temporal-dim', type=positive_int, default=32, help='smoke: feature steps per video')
    parser.add_argument('--feat-dim', type=positive_int, default=400, help='smoke: feature channels')
    parser.add_argument('--num-train', type=positive_int, default=200, help='smoke: training videos')
    parser.add_argument('--num-val', type=positive_int, default=50, help='smoke: validation videos')
    parser.add_argument('--seed', type=non_negative_int, default=0, help='smoke: random seed')
    args = parser.parse_args(argv)
    if args.profile == 'full':
        report = prepare_activitynet(args.root)
    else:
        spec = SyntheticAnetSpec(num_train=args.num_train, num_val=args.num_val,
                                 temporal_dim=args.temporal_dim, feat_dim=args.feat_dim,
                                 seed=args.seed)
        report = prepare_synthetic(spec, args.root)
    print(report.summary())


if __name__ == '__main__':
    sys.exit(run_cli(main))
