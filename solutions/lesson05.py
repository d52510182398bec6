"""Worked solutions of lesson 05's exercises (for teachers and for tests/test_exercises.py)."""


def solve_05_1():
    """30 s / 120 s = 0.25 and 60 s / 120 s = 0.5 of the video: positions 0.25*32 .. 0.5*32."""
    from course_lib.models.bmn_cls import segment_positions
    return segment_positions([30, 60], dict(duration_second=120.0, duration_frame=3600,
                                            feature_frame=3600), 32)


def solve_05_2():
    """Precision 1, 1/2, 2/3 at recall 1/2, 1/2, 1: interpolated AP = 1/2 * 1 + 1/2 * 2/3 = 5/6."""
    return 1 / 2 * 1 + 1 / 2 * 2 / 3


def solve_05_3():
    """The registry name of the new class, and 5 classes + background."""
    return {'model.type': 'BMNwActionCls', 'model.num_action_classes': 6}


SOLUTIONS = {'05.1': solve_05_1, '05.2': solve_05_2, '05.3': solve_05_3}
