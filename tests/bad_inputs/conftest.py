"""Shared tiny inputs of the bad-input tests: random-weight models built from smoke configs, frames."""
from __future__ import annotations

import numpy as np
import pytest

RECOGNIZER = 'r2plus1d_r18_motion_smoke'
RAW_BMN = 'bmn_cls_1xb4-128x32-10e_motion-untrimmed_smoke'


def moving_square(n: int = 24, size: int = 48) -> np.ndarray:
    """(n, size, size, 3) uint8 frames of a white square moving right on black."""
    frames = np.zeros((n, size, size, 3), np.uint8)
    for t in range(n):
        frames[t, 16:28, 4 + t % (size - 16):16 + t % (size - 16)] = 255
    return frames


@pytest.fixture(scope='session')
def recognizer(tmp_path_factory):
    """The smoke R(2+1)D with RANDOM weights, its config, and a checkpoint file of those weights."""
    import torch
    from mmaction.apis import init_recognizer

    import course_lib  # noqa: F401
    from course_lib.configs import load_config
    cfg = load_config(RECOGNIZER)
    torch.manual_seed(0)
    model = init_recognizer(cfg, None, device='cpu')
    path = tmp_path_factory.mktemp('ckpt') / 'recognizer.pth'
    torch.save({'state_dict': model.state_dict(), 'meta': {}}, path)
    return model, cfg, path


@pytest.fixture(scope='session')
def bmn_checkpoint(tmp_path_factory):
    """A checkpoint of the raw-video BMNwActionCls smoke config, RANDOM weights."""
    import torch
    from mmaction.registry import MODELS

    from course_lib.configs import load_config
    model = MODELS.build(load_config(RAW_BMN).model)
    path = tmp_path_factory.mktemp('ckpt') / 'bmn.pth'
    torch.save({'state_dict': model.state_dict(), 'meta': {}}, path)
    return path
