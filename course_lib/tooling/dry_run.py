"""What the dry run's stages share: the error a stage raises, and the profile switches they run under."""
from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Iterator


class DryRunError(RuntimeError):
    """A stage of the dry run found the full profile broken."""


@contextlib.contextmanager
def full_profile(root: Path) -> Iterator[None]:
    """COURSE_PROFILE=full with data and cache under root, inside the block."""
    keys = ('COURSE_PROFILE', 'COURSE_DATA_DIR', 'COURSE_CACHE_DIR', 'TQDM_DISABLE')
    saved = {k: os.environ.get(k) for k in keys}
    os.environ.update(COURSE_PROFILE='full', COURSE_DATA_DIR=str(root / 'data'),
                      COURSE_CACHE_DIR=str(root / 'cache'), TQDM_DISABLE='1')
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


@contextlib.contextmanager
def full_profile_smoke_view() -> Iterator[None]:
    """Load a config's file names without downloading (the smoke profile's hub_path)."""
    before = os.environ.get('COURSE_PROFILE')
    os.environ['COURSE_PROFILE'] = 'smoke'
    try:
        yield
    finally:
        os.environ['COURSE_PROFILE'] = before or 'smoke'
