"""BMN with action classification: mmaction2's BMN plus a trained per-position class head.

Registered in mmaction's MODELS from outside mmaction2 (no file of mmaction2 changes): configs
reach it with `custom_imports = dict(imports=['course_lib'], allow_failed_imports=False)` and
`model = dict(type='BMNwActionCls', num_action_classes=..., ...)`, or on the command line with
`--cfg-options model.type=BMNwActionCls`. Its data companions are registered with it:
`GenerateLocalizationClassLabels` (course_lib.data.transforms) supplies `gt_label` per segment,
`ActivityNetDetectionMetric` (course_lib.metrics) evaluates the classified proposals.
Used in lesson 05.
"""
from __future__ import annotations

import json
import os
import warnings
from pathlib import Path
from typing import Sequence

import torch
import torch.nn.functional as F
from mmaction.models.localizers import BMN
from mmaction.registry import MODELS
from torch import nn

from ..data import transforms as _transforms  # noqa: F401  (registers GenerateLocalizationClassLabels)
from ..errors import InputError, UnknownNameError
from ..metrics import detection_map as _detection_map  # noqa: F401  (registers the mAP metric)

NUM_ACTIVITYNET_LABELS = 201  # ActivityNet 1.3's 200 classes + background


def proposal_span_seconds(video_info: dict, feature_extraction_interval: int = 16) -> float:
    """Return the seconds BMN maps the feature span [0, 1] to (as mmaction's post_processing does)."""
    frames = video_info['duration_frame']
    return float(frames // feature_extraction_interval * feature_extraction_interval) / frames \
        * video_info['duration_second']


def segment_positions(segment: Sequence[float], video_info: dict, temporal_dim: int,
                      feature_extraction_interval: int = 16) -> tuple[int, int]:
    """Return the feature positions [first, stop) a proposal's [start, end] in seconds covers."""
    span = proposal_span_seconds(video_info, feature_extraction_interval)
    first = round(segment[0] / span * temporal_dim)  # BMN's proposals start and end on positions
    stop = round(segment[1] / span * temporal_dim)
    first = min(max(first, 0), temporal_dim - 1)
    return first, min(max(stop, first + 1), temporal_dim)


@MODELS.register_module()
class BMNwActionCls(BMN):
    """BMN whose proposals also carry an action class ("Lesson 10", part 5, made trainable).

    A 1x1 convolution over the input features gives class scores per temporal position; the
    last class is background. Training adds a cross-entropy term per position (labelled from the
    ground-truth segments, background outside them) to BMN's loss. Prediction gives every
    proposal `action_cls` (the foreground class with the highest mean probability over the
    feature positions the proposal covers) and `action_score` (that mean probability).

    Args:
        num_action_classes (int): Foreground classes + 1 (background, the last index).
            Default: 201 (ActivityNet 1.3).
        loss_action_cls_weight (float): Weight of the classification term. Default: 1.0.
        **kwargs: Every argument of mmaction's BMN (temporal_dim, feat_dim, ...).
    """

    def __init__(self, *args, num_action_classes: int = NUM_ACTIVITYNET_LABELS,
                 loss_action_cls_weight: float = 1.0, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if num_action_classes < 2:
            raise InputError(f'num_action_classes={num_action_classes}: need at least one action '
                             'class plus background (len(classes) + 1).')
        self.num_action_classes = num_action_classes
        self.background = num_action_classes - 1
        self.loss_action_cls_weight = loss_action_cls_weight
        self.head_action_cls = nn.Conv1d(self.feat_dim, num_action_classes, kernel_size=1)

    def forward(self, inputs, data_samples=None, mode: str = 'tensor', **kwargs):
        """As BMN's; mode='tensor' also returns the class probabilities (B, classes, T)."""
        if mode == 'tensor':
            x = torch.stack(inputs)
            return (*self._forward(x), self.action_probabilities(x))
        return super().forward(inputs, data_samples, mode, **kwargs)

    def action_probabilities(self, x: torch.Tensor) -> torch.Tensor:
        """Return per-position class probabilities (B, num_action_classes, T) of features (B, D, T)."""
        return F.softmax(self.head_action_cls(x), dim=1)

    def action_targets(self, batch_data_samples) -> torch.Tensor | None:
        """Return per-position class targets (B, T) from gt_bbox and gt_label; None without labels."""
        centers = (torch.arange(self.tscale, dtype=torch.float) + 0.5) / self.tscale
        targets = []
        for sample in batch_data_samples:
            gt = sample.gt_instances
            if 'gt_label' not in gt:
                return None
            target = torch.full((self.tscale,), self.background, dtype=torch.long)
            for (start, end), label in zip(gt.gt_bbox.cpu().float(), gt.gt_label.cpu().long()):
                if not 0 <= int(label) < self.background:
                    raise InputError(f'gt_label {int(label)} of video '
                                     f'{sample.metainfo.get("video_name", "?")} is not a foreground '
                                     f'class of num_action_classes={self.num_action_classes} (the '
                                     'last is background): set it to len(classes) + 1.')
                target[(centers >= start) & (centers <= end)] = label
            targets.append(target)
        return torch.stack(targets)

    def loss(self, batch_inputs, batch_data_samples, **kwargs) -> dict:
        """BMN's loss plus the weighted per-position classification loss."""
        losses = {'loss_bmn': super().loss(batch_inputs, batch_data_samples, **kwargs)['loss']}
        targets = self.action_targets(batch_data_samples)
        if targets is None:
            warnings.warn('BMNwActionCls: the data samples have no gt_label, so the action head is '
                          'NOT trained. Use GenerateLocalizationClassLabels in the train pipeline and '
                          "keys=('gt_bbox', 'gt_label') in PackLocalizationInputs (see "
                          'course_lib/configs/bmn_cls_*.py).', stacklevel=2)
            return losses
        logits = self.head_action_cls(batch_inputs)
        losses['loss_action_cls'] = self.loss_action_cls_weight * F.cross_entropy(
            logits, targets.to(logits.device))
        return losses

    def classify_proposals(self, probabilities: torch.Tensor, proposals: list[dict],
                           video_info: dict) -> list[dict]:
        """Add action_cls and action_score to proposals, from one video's probabilities (C, T)."""
        probabilities = probabilities.detach()
        for proposal in proposals:
            first, stop = segment_positions(proposal['segment'], video_info, self.tscale,
                                            self.feature_extraction_interval)
            mean = probabilities[:self.background, first:stop].mean(dim=1)
            proposal['action_cls'] = int(mean.argmax())
            proposal['action_score'] = float(mean.max())
        return proposals

    def predict(self, batch_inputs, batch_data_samples, **kwargs) -> list[dict]:
        """BMN's proposals for every video of the batch, each with action_cls and action_score."""
        probabilities = self.action_probabilities(batch_inputs)
        outputs = []
        for i, sample in enumerate(batch_data_samples):  # BMN.predict reads only the first video
            result = super().predict(batch_inputs[i:i + 1], [sample], **kwargs)[0]
            self.classify_proposals(probabilities[i], result['proposal_list'], sample.metainfo)
            outputs.append(result)
        return outputs


@torch.no_grad()
def classify_saved_proposals(model: BMNwActionCls, proposals: dict | str | os.PathLike,
                             annotations: dict, feature_dir: str | os.PathLike) -> list[dict]:
    """Classify saved proposals (ANetMetric's JSON) again with a model's head; return BMN-style results.

    The proposals do not depend on the class head, so this gives what `predict` would give with
    this head, without running BMN again.
    """
    from ..data.activitynet import read_features
    if not isinstance(proposals, dict):
        proposals = json.loads(Path(proposals).read_text())
    results = []
    for video_id, proposal_list in proposals['results'].items():
        name = video_id if video_id in annotations else f'v_{video_id}'  # ANetMetric drops "v_"
        if name not in annotations:
            raise UnknownNameError(f'Video {video_id} of the proposals is not in the annotations given.')
        features = read_features(Path(feature_dir) / f'{name}.csv', model.tscale, model.feat_dim)
        x = torch.from_numpy(features.T.copy())[None].to(next(model.parameters()).device)
        proposal_list = [dict(p) for p in proposal_list]
        model.classify_proposals(model.action_probabilities(x)[0], proposal_list, annotations[name])
        results.append({'video_name': name, 'proposal_list': proposal_list})
    return results


def reset_action_head(model: BMNwActionCls, seed: int = 0) -> BMNwActionCls:
    """Give the model a freshly initialised (untrained) action head, as before training."""
    generator_state = torch.random.get_rng_state()
    torch.manual_seed(seed)
    model.head_action_cls.reset_parameters()
    torch.random.set_rng_state(generator_state)
    return model


__all__ = ['BMNwActionCls', 'NUM_ACTIVITYNET_LABELS', 'classify_saved_proposals',
           'proposal_span_seconds', 'reset_action_head', 'segment_positions']
