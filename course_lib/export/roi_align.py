"""mmcv's `RoIAlign` as OpenVINO's own `ROIAlign` operation (opset 9) when a model is converted.

A plain `ov.convert_model` of a module that calls mmcv's RoIAlign traces through its compiled C++
op and stores the op's *output for the example input* as a Constant: the IR runs, and scores every
later clip with the features of the boxes it was traced with. `extensions(model)` tells the
converter to replace each mmcv `RoIAlign` module of the model by one node (`ModuleExtension`) and to
turn that node into `ROIAlign` (`ConversionExtension`) with the module's own settings:

* mmcv's `aligned=True` (half-pixel offset, AVA's setting) is OpenVINO's
  `aligned_mode='half_pixel_for_nn'` (it matches mmcv exactly; `'half_pixel'` does not);
  `aligned=False` is `'asymmetric'`;
* `sampling_ratio=0` (adaptive: ceil(roi size / output size) samples per bin) means the same in both;
* the first column of mmcv's rois (the batch index) becomes ROIAlign's third input.

Used by course_lib.export.stdet (lesson 08).
"""
from __future__ import annotations

from torch import nn

OP_PREFIX = 'CourseRoIAlign'


def _converter(module: nn.Module):
    """The function that builds ROIAlign-9 for one mmcv RoIAlign module (its settings captured)."""
    height, width = (int(v) for v in module.output_size)
    scale, ratio = float(module.spatial_scale), int(module.sampling_ratio)
    mode, aligned = str(module.pool_mode), bool(module.aligned)

    def convert(node):
        import numpy as np
        import openvino.opset9 as ops
        features, rois = node.get_input(0), node.get_input(1)
        one = np.array([1], np.int64)
        boxes = ops.slice(rois, one, np.array([5], np.int64), one, one)
        index = ops.slice(rois, np.array([0], np.int64), one, one, one)
        batch = ops.convert(ops.squeeze(index, one), 'i32')
        out = ops.roi_align(features, boxes, batch, height, width, ratio, scale, mode,
                            aligned_mode='half_pixel_for_nn' if aligned else 'asymmetric')
        return [out.output(0)]
    return convert


def roi_align_modules(model: nn.Module) -> list[nn.Module]:
    """mmcv RoIAlign modules inside a model."""
    from mmcv.ops import RoIAlign
    return [m for m in model.modules() if isinstance(m, RoIAlign)]


def extensions(model: nn.Module) -> list:
    """The extensions `ov.convert_model(model, extension=...)` needs for each of its mmcv RoIAligns."""
    from openvino.frontend.pytorch import ConversionExtension, ModuleExtension
    out = []
    for i, module in enumerate(roi_align_modules(model)):
        name = f'{OP_PREFIX}{i}'
        out += [ModuleExtension(module, name,
                                convert=lambda _module, op, features, rois: op(features, rois)),
                ConversionExtension(name, _converter(module))]
    return out
