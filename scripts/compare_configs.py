"""Prove that a refactoring of the course configs changed nothing: dump every resolved config, compare.

    python scripts/compare_configs.py dump /tmp/configs_before      # before editing
    python scripts/compare_configs.py compare /tmp/configs_before   # after: lists every difference

Each config is loaded with course_lib.configs.load_config (inheritance and `{{$COURSE_DATA_DIR}}`
resolved) and stored as its `to_dict()` minus `filename`. `compare` exits with 1 when any config
differs or is missing, and prints each differing key with its old and new value.
"""
from __future__ import annotations

import argparse
import pickle
import sys
from pathlib import Path

from course_lib.configs import differences  # also what lesson 04 prints its config diff with


def resolved(name: str) -> dict:
    """The resolved dict of a course config, without fields that name the file itself."""
    from course_lib import configs
    cfg = configs.load_config(name).to_dict()
    cfg.pop('filename', None)
    return cfg


def main(argv: list[str] | None = None) -> int:
    """Dump or compare (see the module docstring)."""
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('action', choices=['dump', 'compare'])
    parser.add_argument('folder', type=Path)
    args = parser.parse_args(argv)
    from course_lib import configs
    if args.action == 'dump':
        args.folder.mkdir(parents=True, exist_ok=True)
        for name in configs.names():
            (args.folder / f'{name}.pkl').write_bytes(pickle.dumps(resolved(name)))
        print(f'{len(configs.names())} configs dumped to {args.folder}')
        return 0
    failed = False
    before = {p.stem for p in args.folder.glob('*.pkl')}
    for name in sorted(before | set(configs.names())):
        if name not in before or name not in configs.names():
            print(f'{name}: only {"after" if name not in before else "before"}')
            failed = True
            continue
        diff = differences(pickle.loads((args.folder / f'{name}.pkl').read_bytes()), resolved(name))
        print(f'{name}: ' + ('same' if not diff else f'{len(diff)} differences'))
        for line in diff:
            print('   ', line)
        failed |= bool(diff)
    return 1 if failed else 0


if __name__ == '__main__':
    from course_lib.errors import run_cli
    sys.exit(run_cli(main))
