"""One rule for loading a checkpoint into a model: the keys and shapes must match.

A checkpoint of another architecture loads "successfully" with mmengine's non-strict loading and
leaves the model with random weights. `check_checkpoint_keys` refuses it with a message naming both.
The only allowed difference is a head that a config deliberately replaces (fine-tuning to new classes),
which `pretrained_head` finds from the config's class count.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Mapping, Sequence

import torch
from torch import nn

from .errors import CheckpointMismatchError, MissingFileError

SHOWN = 4  # keys listed per kind of difference


def read_state_dict(checkpoint: str | os.PathLike | Mapping) -> dict:
    """The state dict of a checkpoint file or dict (mmengine's `state_dict` wrapper unpacked)."""
    if not isinstance(checkpoint, Mapping):
        path = Path(checkpoint)
        if not path.is_file():
            raise MissingFileError(f'Checkpoint {path} does not exist: check the path, or train / download it first.')
        try:
            checkpoint = torch.load(path, map_location='cpu', weights_only=False)
        except Exception as exc:  # truncated files, text files, other pickles
            raise CheckpointMismatchError(
                f'{path} is not a readable PyTorch checkpoint ({type(exc).__name__}: {exc}); it may be '
                f'truncated by an interrupted download or copy: delete it and download / train it again.') from exc
        name = str(path)
    else:
        name = 'The checkpoint'
    state = checkpoint.get('state_dict', checkpoint) if isinstance(checkpoint, Mapping) else None
    if not isinstance(state, Mapping) or not all(isinstance(v, torch.Tensor) for v in state.values()):
        raise CheckpointMismatchError(f'{name} holds no state dict of tensors '
                                      '(expected a dict of tensors, or mmengine\'s {"state_dict": ...}): '
                                      'give the checkpoint file of a trained model.')
    return {k[len('module.'):] if k.startswith('module.') else k: v for k, v in state.items()}


def _outside(keys: Sequence[str], replaced_prefixes: Sequence[str]) -> list[str]:
    return sorted(k for k in keys if not any(k.startswith(p) for p in replaced_prefixes))


def check_checkpoint_keys(model: nn.Module, checkpoint: str | os.PathLike | Mapping,
                          replaced_prefixes: Sequence[str] = (), prefix: str = '') -> None:
    """Raise CheckpointMismatchError unless the checkpoint's keys and shapes fit the model.

    `replaced_prefixes`: parameter names (e.g. `cls_head.fc_cls`) of a head the config replaces on
    purpose; only they may be missing, extra or of another shape. `prefix`: the part of the model
    the checkpoint is for (e.g. `backbone.` for an `init_cfg` backbone checkpoint).
    """
    state = read_state_dict(checkpoint)
    own = {k[len(prefix):]: v for k, v in model.state_dict().items() if k.startswith(prefix)}
    replaced = [p[len(prefix):] if p.startswith(prefix) else p for p in replaced_prefixes]
    missing = _outside([k for k in own if k not in state], replaced)
    unexpected = _outside([k for k in state if k not in own], replaced)
    reshaped = _outside([k for k in own if k in state and tuple(own[k].shape) != tuple(state[k].shape)],
                        replaced)
    if not (missing or unexpected or reshaped):
        return
    source = checkpoint if not isinstance(checkpoint, Mapping) else 'the checkpoint'
    parts = []
    for what, keys in (('missing from the checkpoint', missing), ('not in the model', unexpected),
                       ('of another shape', reshaped)):
        if keys:
            shown = ', '.join(keys[:SHOWN]) + (f' (+{len(keys) - SHOWN} more)' if len(keys) > SHOWN else '')
            parts.append(f'{len(keys)} {what}: {shown}')
    raise CheckpointMismatchError(
        f'{source} does not fit the model {type(model).__name__}{" (" + prefix.rstrip(".") + ")" if prefix else ""}: '
        + '; '.join(parts) + '. It was probably trained with another config or architecture: load the checkpoint '
        'made with this config (or pass the config it was trained with).')


def load_checked(model: nn.Module, checkpoint: str | os.PathLike | Mapping,
                 replaced_prefixes: Sequence[str] = ()) -> nn.Module:
    """Load a checkpoint into a model after `check_checkpoint_keys` (read once); return the model."""
    from mmengine.runner.checkpoint import load_state_dict
    state = read_state_dict(checkpoint)
    try:
        check_checkpoint_keys(model, state, replaced_prefixes)
    except CheckpointMismatchError as err:
        if isinstance(checkpoint, Mapping):
            raise
        raise CheckpointMismatchError(f'{checkpoint} ' + str(err).removeprefix('the checkpoint ')) from None
    own = model.state_dict()
    load_state_dict(model, {k: v for k, v in state.items()
                            if k in own and tuple(own[k].shape) == tuple(v.shape)},
                    strict=False, logger='silent')
    return model


def pretrained_head(cfg: Mapping, model: Any) -> tuple[str, ...]:
    """The classifier a config replaces when it starts from another checkpoint: the parameters of
    its heads whose first dimension is the config's class count (X3D: cls_head.fc2, R(2+1)D:
    cls_head.fc_cls). Used by course_lib.train for `load_from`, as checkfull's dry run declares them."""
    model_cfg = cfg.get('model', {})
    prefixes = set()
    for head in ('cls_head', 'roi_head.bbox_head'):
        node: Any = model_cfg
        for part in head.split('.'):
            node = node.get(part) if hasattr(node, 'get') else None
        count = node.get('num_classes') if hasattr(node, 'get') else None
        if not isinstance(count, int):
            continue
        for name, value in model.state_dict().items():
            if name.startswith(head + '.') and value.ndim >= 1 and value.shape[0] == count:
                prefixes.add(name.rsplit('.', 1)[0])
    return tuple(sorted(prefixes))
