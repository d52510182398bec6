"""Worked solutions of lesson 00's exercises (for teachers and for tests/test_exercises.py)."""
import course_lib as cl


def solve_00_1():
    """The doctor marks these as optional: the Python version and the network."""
    from course_lib.doctor import CHECKS, _run
    return {c.name for c in map(_run, CHECKS) if not c.required}


def solve_00_2():
    """The lesson's last cell writes <data dir>/progress/00_<profile>.json."""
    cl.lessons.mark_done('00')
    return cl.data_dir() / 'progress' / f'00_{cl.profile()}.json'


def solve_00_3():
    """The function that registers trusted checkpoint loaders in mmengine."""
    return 'allow_mmengine_checkpoints'


SOLUTIONS = {'00.1': solve_00_1, '00.2': solve_00_2, '00.3': solve_00_3}
