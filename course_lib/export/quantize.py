"""INT8 post-training quantization of OpenVINO IR with NNCF: plain and accuracy-controlled.

`nncf.quantize` inserts FakeQuantize operations whose ranges come from a calibration set (here,
training clips / images, never the validation split). `nncf.quantize_with_accuracy_control` does the
same, then measures the validation metric and puts back to floating point the layers that cost the
most, until the drop is within `max_drop`. Used in lesson 08.
"""
from __future__ import annotations

import logging
import os
from typing import Callable, Iterable, Sequence, Sized

import numpy as np

from ..errors import InputError, MissingFileError
from ..output import quiet

NNCF_LEVEL = logging.WARNING  # NNCF logs every statistics step at INFO: the results would drown


def read_model(model):
    """An ov.Model from a path (or the model itself)."""
    import openvino as ov
    if isinstance(model, (str, os.PathLike)):
        if not os.path.exists(model):
            raise MissingFileError(f'{model} does not exist: export the model first.')
        return ov.Core().read_model(str(model))
    return model


def calibration_count(calibration: Sized, subset_size: int | None) -> int:
    """How many calibration items NNCF reads (all of a sized set, or fewer); an empty set is an error."""
    if not len(calibration):
        raise InputError('The calibration set is empty: pass training clips / images.')
    return min(subset_size or len(calibration), len(calibration))


def quantize_int8(model, calibration: Sequence, transform: Callable | None = None,
                  subset_size: int | None = None, **kwargs):
    """`nncf.quantize` an IR with calibration items (each item, or transform(item), is the input).

    `calibration` is any sized iterable (a list, or a `tasks.Stream` that makes each item when NNCF
    reads it): NNCF reads it once, item by item, so memory holds one item at a time."""
    import nncf
    size = calibration_count(calibration, subset_size)
    with quiet(stdout=False, level=NNCF_LEVEL, loggers=('nncf',)):
        return nncf.quantize(read_model(model), nncf.Dataset(calibration, transform),
                             subset_size=size, **kwargs)


def quantize_with_accuracy_control(model, calibration: Sequence, validation: Sequence,
                                   validate: Callable, max_drop: float = 0.01,
                                   transform: Callable | None = None,
                                   subset_size: int | None = None, max_iterations: int = 20,
                                   **kwargs):
    """`nncf.quantize_with_accuracy_control` with an absolute metric drop budget (0.01 = 1 point)."""
    import nncf
    from nncf.quantization.advanced_parameters import AdvancedAccuracyRestorerParameters
    size = calibration_count(calibration, subset_size)
    if not len(validation):
        raise InputError('The validation set is empty: pass validation clips / images.')
    with quiet(stdout=False, level=NNCF_LEVEL, loggers=('nncf',)):
        return nncf.quantize_with_accuracy_control(
            read_model(model), nncf.Dataset(calibration, transform), nncf.Dataset(validation),
            validation_fn=validate, max_drop=max_drop, drop_type=nncf.DropType.ABSOLUTE,
            subset_size=size,
            advanced_accuracy_restorer_parameters=AdvancedAccuracyRestorerParameters(
                max_num_iterations=max_iterations), **kwargs)


def fake_quantize_count(model) -> int:
    """Number of FakeQuantize operations in an ov.Model (0 for an FP32 model)."""
    return sum(op.get_type_name() == 'FakeQuantize' for op in read_model(model).get_ops())


def top1_validation_fn(compiled, items: Iterable) -> tuple[float, list[float]]:
    """NNCF validation function: items are (clip (1, 3, T, H, W), label); top-1 and per-item 0/1."""
    output = compiled.outputs[0]
    correct = [float(np.argmax(compiled([clip])[output]) == label) for clip, label in items]
    return float(np.mean(correct)) if correct else 0.0, correct


def detection_validation_fn(model, data) -> Callable:
    """NNCF validation function for a detector: items are (image, data samples) of a
    `tasks.DetectionSet` (streamed); returns mAP@0.5 on them."""
    from .tasks import detection_map, ov_runner

    def validate(compiled, items: Iterable) -> float:
        return detection_map(model, ov_runner(compiled), data, items=items)[0]
    return validate
