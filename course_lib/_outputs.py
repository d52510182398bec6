"""What the course wrote into an output folder, so that it never replaces what it did not write.

A folder the course writes into gets a record, `.written_by_course` (JSON: the names it wrote). A
command may replace or delete a name of its record; any other existing file at a name it writes is
the user's: `claim` refuses, naming the folder and the files, unless the new content is the same
or `force` (the command's `--force`) allows replacing files at the names the course writes (never
any other file). `output_folder` checks that a path can be a folder (no file on the way).
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Iterable

from .errors import OutputExistsError, WriteError, writing

RECORD = '.written_by_course'


def written(folder: str | os.PathLike) -> set[str]:
    """The names the course recorded as written in a folder (empty if it has no record)."""
    record = Path(folder) / RECORD
    try:
        names = json.loads(record.read_text())
    except (OSError, ValueError):
        return set()
    return set(names) if isinstance(names, list) else set()


def record(folder: str | os.PathLike, names: Iterable[str]) -> None:
    """Add names to a folder's record of what the course wrote there."""
    folder = Path(folder)
    with writing(folder / RECORD):
        (folder / RECORD).write_text(json.dumps(sorted(written(folder) | set(names)), indent=0) + '\n')


def output_folder(path: str | os.PathLike, what: str = 'the output folder') -> Path:
    """Return path if it is a folder or can be made one (no file on the way), else raise WriteError."""
    path = Path(path).expanduser()
    for part in [*reversed(path.parents), path]:
        if part.exists() and not part.is_dir():
            raise WriteError(f'{what} {path}: {part} is a file, not a folder. Choose an output path made '
                             'of folders (or move that file away).')
    return path


def claim(paths: Iterable[str | os.PathLike], force: bool = False, what: str = 'this command',
          same: dict[str, str] | None = None) -> None:
    """Refuse (OutputExistsError) to replace any existing path the course did not write.

    `same`: {path: new text}; an existing file that already holds that text loses nothing.
    """
    foreign = []
    for path in map(Path, paths):
        if not (path.exists() or path.is_symlink()) or path.name in written(path.parent):
            continue
        if same and str(path) in same and path.is_file() and _text(path) == same[str(path)]:
            continue
        foreign.append(path)
    if foreign and not force:
        folder = foreign[0].parent
        names = ', '.join(p.name for p in foreign[:5]) + (' ...' if len(foreign) > 5 else '')
        raise OutputExistsError(
            f'{folder} already holds {names}, which the course did not write there ({what} would '
            'replace it). Nothing was changed. Move those files away or choose another output; if they '
            'are an earlier output of the course you want replaced, rerun with --force (it replaces only '
            'the files the course writes).')


def _text(path: Path) -> str | None:
    try:
        return path.read_text()
    except (OSError, UnicodeDecodeError):
        return None
