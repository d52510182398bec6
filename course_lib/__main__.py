"""Command line: `python -m course_lib doctor`, `python -m course_lib zoo [--list | fetch] [--lesson NN]`."""
import argparse
import sys

from . import doctor, zoo


def main(argv: list[str] | None = None) -> int:
    """Parse the command and run it."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ['zoo']:  # what each lesson downloads in the full profile (course_lib/zoo.py)
        return zoo.main(argv[1:])
    parser = argparse.ArgumentParser(prog='python -m course_lib',
                                     description='Tools of the video-understanding course.')
    sub = parser.add_subparsers(dest='command', required=True)
    sub.add_parser('zoo', help='list (--list) or fetch (fetch --lesson NN) what each lesson downloads '
                   'in the full profile; `zoo --help` for more')
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
