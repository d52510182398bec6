"""Worked solutions of lesson 08's exercises (for teachers and for tests/test_exercises.py)."""
import numpy as np


def relative_error(reference, candidate):
    """Max abs difference over the reference's largest magnitude (1e-12 guards all-zero outputs)."""
    reference, candidate = np.asarray(reference, float), np.asarray(candidate, float)
    return float(np.abs(reference - candidate).max() / max(np.abs(reference).max(), 1e-12))


def solve_08_1():
    """The function itself: the notebook applies it to the recognizer's logits."""
    return relative_error


def fp32_layers(model):
    """MatMul / Convolution ops whose activation input is not produced by a FakeQuantize."""
    kinds = {'MatMul', 'Convolution', 'GroupConvolution'}
    return {op.get_friendly_name() for op in model.get_ops() if op.get_type_name() in kinds
            and op.input_value(0).get_node().get_type_name() != 'FakeQuantize'}


def solve_08_2():
    """The function itself: the notebook applies it to the accuracy-controlled INT8 models."""
    return fp32_layers


def solve_08_3():
    """Half a point of a metric in [0, 1] is 0.005, an absolute drop."""
    import nncf
    return {'max_drop': 0.005, 'drop_type': nncf.DropType.ABSOLUTE}


SOLUTIONS = {'08.1': solve_08_1, '08.2': solve_08_2, '08.3': solve_08_3}
