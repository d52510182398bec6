"""Random-weight models for the demo command's tests (no lesson is trained): each task's model
resolver (`course_lib.demo.models`) is replaced by one that returns a smoke config's model
(`models.random_models`, which the memory benchmark uses too)."""
from __future__ import annotations

import numpy as np
import pytest


@pytest.fixture(scope='session')
def random_models():
    """{task: what its resolver returns}, every model with RANDOM weights from the smoke configs."""
    from course_lib.demo.models import random_models as build
    return build()


@pytest.fixture
def demo_models(random_models, monkeypatch):
    """The demo's model resolvers, returning the random-weight models."""
    from course_lib.demo import models
    for name, value in models.resolvers(random_models).items():
        monkeypatch.setattr(models, name, value)
    return random_models


def moving_box(count: int, h: int = 72, w: int = 96, seed: int = 0) -> np.ndarray:
    """(count, h, w, 3) RGB frames: a bright box moving over noise."""
    rng = np.random.default_rng(seed)
    frames = rng.integers(0, 60, (count, h, w, 3), dtype=np.uint8)
    for t in range(count):
        x = (t * 2) % (w - 20)
        frames[t, 20:50, x:x + 20] = (220, 180, 40)
    return frames
