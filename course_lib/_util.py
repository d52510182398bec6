"""Small private helpers several course modules share (not part of the course's public API).

* `atomic_path` / `write_text_atomic`: write a file or folder whole or not at all (a `.part` sibling,
  then one rename), so an interrupted run never leaves a half-written file that looks finished;
* `json_key_line`, `is_finite_number`: where a key stands in a JSON text and whether a value is a
  valid number (for the error messages of the format checks);
* `same_spec`: whether a folder already holds what a generator's spec describes (a JSON record);
* `resize_short_side`: resize an image so its shorter side has a given length.
"""
from __future__ import annotations

import json
import math
import os
import shutil
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

import cv2
import numpy as np

from .errors import FileFormatError, writing


@contextmanager
def atomic_path(path: str | os.PathLike, keep_suffix: bool = False) -> Iterator[Path]:
    """Yield a `.part` sibling of path to write; move it onto path when the block succeeds.

    `keep_suffix=True` names it `<stem>.part<suffix>` (writers that pick a format from the suffix,
    such as video encoders). A folder replaces an existing folder (callers check first that it holds
    only what the course wrote); on error the part is deleted, and an OSError of writing becomes a
    WriteError naming the path and the cause.
    """
    path = Path(path)
    part = path.with_name(path.stem + '.part' + path.suffix if keep_suffix else path.name + '.part')
    with writing(path):  # a full disk, a read-only one, a file on the way: named, with the cause
        path.parent.mkdir(parents=True, exist_ok=True)
        _remove(part)
        try:
            yield part
        except BaseException:
            _remove(part)
            raise
        if part.is_dir():
            _remove(path)
            part.rename(path)
        else:
            part.replace(path)


def _remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)


def write_text_atomic(path: str | os.PathLike, text: str) -> Path:
    """Write text to path whole or not at all; return the path."""
    with atomic_path(path) as part:
        part.write_text(text)
    return Path(path)


def json_key_line(text: str | None, key: str) -> int | None:
    """Return the 1-based line on which `"key":` (else `"key"`) first appears in a JSON text."""
    if text is None:
        return None
    pos = text.find(json.dumps(key) + ':')
    if pos < 0:
        pos = text.find(json.dumps(key))
    return None if pos < 0 else text.count('\n', 0, pos) + 1


def is_finite_number(x: object) -> bool:
    """True for an int or float (not a bool) that is finite: a valid number in a JSON file."""
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)


def same_spec(record: str | os.PathLike, wanted: Any, refuse: str | None = None) -> bool:
    """True if a JSON record holds `wanted`; False if it is missing or differs (with `refuse`,
    naming what the folder holds, a different record is a ValueError saying what to do)."""
    record = Path(record)
    if not record.is_file():
        return False
    wanted = json.loads(json.dumps(wanted))  # tuples -> lists, as the record stores them
    found = json.loads(record.read_text())
    if found != wanted and refuse:
        raise FileFormatError(f'{record.parent} holds {refuse} made with another spec ({record}: {found}); '
                         'delete that folder or generate into another one.')
    return found == wanted


def resize_short_side(image: np.ndarray, short_side: int | None,
                      interpolation: int = cv2.INTER_AREA) -> np.ndarray:
    """Resize an (H, W[, C]) image so its shorter side is short_side pixels (None: unchanged)."""
    if not short_side:
        return image
    h, w = image.shape[:2]
    scale = short_side / min(h, w)
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    return image if size == (w, h) else cv2.resize(image, size, interpolation=interpolation)
