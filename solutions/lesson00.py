"""Worked solutions of lesson 00's exercises (for teachers and for tests/test_exercises.py)."""


def solve_00_1():
    """Of the failing checks, the doctor requires mmcv's ops and a writable data folder; the Python
    version, the GPU and the network are optional in the smoke profile."""
    return {'mmcv ops (nms)', 'data dir writable'}


def solve_00_2():
    """A lesson's last cell writes <data dir>/progress/<lesson>_<profile>.json."""
    from pathlib import Path
    return Path('/srv/course') / 'progress' / '03_full.json'


def solve_00_3():
    """The function that registers trusted checkpoint loaders in mmengine."""
    return 'allow_mmengine_checkpoints'


SOLUTIONS = {'00.1': solve_00_1, '00.2': solve_00_2, '00.3': solve_00_3}
