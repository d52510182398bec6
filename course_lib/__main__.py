"""Command line: `python -m course_lib doctor`."""
import argparse
import sys

from . import doctor


def main(argv: list[str] | None = None) -> int:
    """Parse the command and run it."""
    parser = argparse.ArgumentParser(prog='python -m course_lib',
                                     description='Tools of the video-understanding course.')
    sub = parser.add_subparsers(dest='command', required=True)
    doc = sub.add_parser('doctor', help='check the installation and print the fix for each failure')
    doc.add_argument('--network', action='store_true', default=None,
                     help='also check that the model zoo answers (default: only in the full profile; '
                     'without it the doctor opens no connection)')
    doc.add_argument('--stamp', action='store_true',
                     help='when every required check passes, record today, this command and the installed '
                     'versions in course_lib/verified.json (the lessons\' banner); `make stamp` runs the '
                     'tests first')
    args = parser.parse_args(argv)
    if args.command == 'doctor':
        return doctor.main(network=args.network, stamp=args.stamp)
    return 2


if __name__ == '__main__':
    from .errors import run_cli
    sys.exit(run_cli(main))
