"""Worked solutions of lesson 04's exercises (for teachers and for tests/test_exercises.py)."""


def solve_04_1():
    """The top proposal [18, 40] has tIoU 20 / 22 = 0.909: it matches at 0.5 ... 0.9, not at 0.95."""
    import numpy as np
    thresholds = np.linspace(0.5, 0.95, 10)
    tiou = (40 - 20) / (40 - 18)
    return float(np.mean(tiou >= thresholds))


def solve_04_2():
    """Build the BMN and count: the mask is (T, N * T * T) = 100 x 160000."""
    import course_lib  # noqa: F401
    from mmaction.registry import MODELS
    from mmaction.utils import register_all_modules
    register_all_modules()
    bmn = MODELS.build(dict(type='BMN', temporal_dim=100, num_samples=16, num_samples_per_bin=3,
                            boundary_ratio=0.5, feat_dim=400, soft_nms_alpha=0.4,
                            soft_nms_low_threshold=0.5, soft_nms_high_threshold=0.9,
                            post_process_top_k=100))
    return bmn.sample_mask.numel()


def solve_04_3():
    """The features span 4480 / 4500 x 150 = 149.33 s; 30 s and 75 s are 20.09 and 50.22 of 100."""
    span = 4480 / 4500 * 150.0
    return (30.0 / span * 100, 75.0 / span * 100)


SOLUTIONS = {'04.1': solve_04_1, '04.2': solve_04_2, '04.3': solve_04_3}
