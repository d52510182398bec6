"""Export the course's models to OpenVINO IR (`.xml` + `.bin`): the network only, post-processing
stays in Python and is shared with the PyTorch path.

What goes into each IR:
- recognizer: normalisation + backbone + classifier, clips in 0..255 -> class logits;
- ATSS detector: backbone + neck + head, a preprocessed (normalised, padded) image -> per FPN level
  class scores, box deltas and centerness; mmdet's `bbox_head.predict_by_feat` decodes and runs NMS
  on those outputs for both paths, so no box is ever baked into the IR as a constant;
- BMN: the network (`BMN._forward`), features -> (confidence map, start, end); mmaction's own
  `BMN.predict` turns them into proposals for both paths. Used in lesson 08.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Sequence

import numpy as np
import torch
from torch import nn

from ..errors import InputError, MissingFileError


def build_model(config, checkpoint: str | os.PathLike | None = None) -> nn.Module:
    """Build a course config's model (mmaction or mmdet registry) in eval mode, optionally loaded."""
    from mmengine.config import Config
    from mmengine.registry import init_default_scope

    from ..configs import load_config
    cfg = config if isinstance(config, Config) else load_config(config)
    scope = cfg.get('default_scope', 'mmaction')
    init_default_scope(scope)
    if scope == 'mmdet':
        from mmdet.registry import MODELS
    else:
        from mmaction.registry import MODELS
    model = MODELS.build(cfg.model)
    if checkpoint is not None:
        if not Path(checkpoint).exists():
            raise MissingFileError(f'Checkpoint {checkpoint} does not exist: train the config '
                                    f'first (python -m course_lib.train {Path(cfg.filename).stem}).')
        from ..checkpoints import load_checked
        load_checked(model, checkpoint)
    return model.eval()


class RecognizerNet(nn.Module):
    """A 3D recognizer as one function: clips (N, 3, T, H, W) in 0..255 -> class logits (N, K)."""

    def __init__(self, recognizer: nn.Module):
        super().__init__()
        self.backbone, self.cls_head = recognizer.backbone, recognizer.cls_head
        pre = recognizer.data_preprocessor
        self.register_buffer('mean', pre.mean.detach().reshape(1, -1, 1, 1, 1).float().clone())
        self.register_buffer('std', pre.std.detach().reshape(1, -1, 1, 1, 1).float().clone())
        self.to_rgb = bool(getattr(pre, 'to_rgb', False))

    def forward(self, clips: torch.Tensor) -> torch.Tensor:
        """Normalise, run the backbone and the classifier."""
        if self.to_rgb:
            clips = clips.flip(1)
        return self.cls_head(self.backbone((clips - self.mean) / self.std))


class DetectorNet(nn.Module):
    """A dense detector's network: a preprocessed image batch -> flat tuple of head outputs."""

    def __init__(self, detector: nn.Module):
        super().__init__()
        self.detector = detector

    def forward(self, images: torch.Tensor) -> tuple[torch.Tensor, ...]:
        """Backbone + neck + head; returns cls scores, bbox preds (and centerness) of every level."""
        outs = self.detector.bbox_head(self.detector.extract_feat(images))
        return tuple(t for per_level in outs for t in per_level)


class BMNNet(nn.Module):
    """BMN's network: features (N, C, T) -> (confidence map (N, 2, T, T), start (N, T), end (N, T))."""

    def __init__(self, bmn: nn.Module):
        super().__init__()
        self.bmn = bmn

    def forward(self, features: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """BMN._forward, the part before proposal generation."""
        return self.bmn._forward(features)


def split_detector_outputs(outputs: Sequence, num_levels: int) -> tuple[list, ...]:
    """Regroup DetectorNet's flat outputs into per-kind lists (cls_scores, bbox_preds, ...)."""
    outputs = [torch.as_tensor(np.asarray(o)) for o in outputs]
    if len(outputs) % num_levels:
        raise InputError(f'{len(outputs)} detector outputs do not split into {num_levels} levels.')
    return tuple(outputs[i:i + num_levels] for i in range(0, len(outputs), num_levels))


def to_ir(net: nn.Module, example: torch.Tensor, xml_path: str | os.PathLike,
          dynamic_batch: bool = True) -> Path:
    """Convert a module with `openvino.convert_model` and save FP32 IR (weights not compressed)."""
    import openvino as ov
    xml_path = Path(xml_path)
    xml_path.parent.mkdir(parents=True, exist_ok=True)
    shape = [-1 if (dynamic_batch and i == 0) else int(s) for i, s in enumerate(example.shape)]
    with torch.no_grad():
        ov_model = ov.convert_model(net.eval(), example_input=example, input=[ov.PartialShape(shape)])
    ov.save_model(ov_model, str(xml_path), compress_to_fp16=False)  # FP16 weights break parity
    return xml_path


def export_recognizer(model: nn.Module, xml_path: str | os.PathLike,
                      clip_shape: Sequence[int] = (3, 8, 32, 32), seed: int = 0) -> Path:
    """Export a recognizer (normalisation + backbone + head) to IR with a dynamic batch size."""
    example = torch.rand(1, *clip_shape, generator=torch.Generator().manual_seed(seed)) * 255
    return to_ir(RecognizerNet(model), example, xml_path)


def export_detector(model: nn.Module, xml_path: str | os.PathLike,
                    image_shape: Sequence[int] = (3, 128, 160), seed: int = 0) -> Path:
    """Export a detector's network (backbone + neck + head, no decoding, no NMS) to IR."""
    example = torch.randn(1, *image_shape, generator=torch.Generator().manual_seed(seed))
    return to_ir(DetectorNet(model), example, xml_path)


def export_bmn(model: nn.Module, xml_path: str | os.PathLike, seed: int = 0) -> Path:
    """Export BMN's network (features -> confidence map, start, end) to IR."""
    shape = (1, model.feat_dim, model.tscale)
    example = torch.randn(*shape, generator=torch.Generator().manual_seed(seed))
    return to_ir(BMNNet(model), example, xml_path)


def ir_size_mb(xml_path: str | os.PathLike) -> float:
    """Size on disk of an IR (.xml + .bin) or of any single file (e.g. a .pth), in MB."""
    path = Path(xml_path)
    files = [path, path.with_suffix('.bin')] if path.suffix == '.xml' else [path]
    return sum(f.stat().st_size for f in files if f.exists()) / 1e6


def torch_size_mb(net: nn.Module) -> float:
    """Size of a module's weights and buffers as FP32 tensors (what a weights-only .pth holds), MB."""
    return sum(t.numel() * t.element_size() for t in net.state_dict().values()) / 1e6
