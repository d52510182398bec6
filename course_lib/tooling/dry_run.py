"""What the dry run's stages share: the error a stage raises, and the profile switches they run under."""
from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Iterator

from ..settings import temporary_environment


class DryRunError(RuntimeError):
    """A stage of the dry run found the full profile broken."""


@contextlib.contextmanager
def full_profile(root: Path) -> Iterator[None]:
    """COURSE_PROFILE=full with data and cache under root, inside the block."""
    with temporary_environment(COURSE_PROFILE='full', COURSE_DATA_DIR=str(root / 'data'),
                               COURSE_CACHE_DIR=str(root / 'cache'), TQDM_DISABLE='1'):
        yield


@contextlib.contextmanager
def full_profile_smoke_view() -> Iterator[None]:
    """Load a config's file names without downloading (the smoke profile's hub_path)."""
    with temporary_environment(COURSE_PROFILE='smoke'):
        yield
