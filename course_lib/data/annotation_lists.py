"""mmaction2's list files for action recognition: video lists, rawframe lists, and OTX's clip lists.

Three plain-text formats, one sample per line, fields separated by spaces:

* video list (`VideoDataset`):        `<video path> <label> [<label> ...]`
* rawframe list (`RawframeDataset`):   `<frame dir> [<offset>] <total frames> <label> [<label> ...]`
  (`<offset>` only with `with_offset=True`: the clip starts after `offset` frames of the folder)
* clip list (the format of OTX's custom action-recognition models):
  `<frame dir> <label> <video start> <video end> <clip start> <clip end> <fps>`,
  0-based frame ids, ends exclusive (a whole 120-frame video is `0 120 0 120`).

Several labels on a line make a multi-label sample; a line with no label gets label -1, which is
how mmaction marks unlabelled inference lists. Paths are relative to the dataset's data prefix.
Used in lessons 01 and 03.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

from ..errors import FileFormatError, InputError, MissingFileError, writing
from ..validate import read_text

Label = int | tuple[int, ...]


class AnnotationError(FileFormatError):
    """A list file has a malformed line; the message names the file, the line and the fix."""


@dataclass(frozen=True)
class VideoEntry:
    """One line of a video list: a video file (relative to the data prefix) and its label(s)."""

    path: str
    label: Label = -1

    def to_line(self) -> str:
        """Return the entry as a line of a video list (without the newline)."""
        return f'{_check_path(self.path)} {_label_text(self.label)}'


@dataclass(frozen=True)
class RawframeEntry:
    """One line of a rawframe list: a folder of frames, how many, the label(s), an optional offset."""

    frame_dir: str
    total_frames: int
    label: Label = -1
    offset: int | None = None

    def to_line(self) -> str:
        """Return the entry as a line of a rawframe list (without the newline)."""
        if self.total_frames < 1:
            raise InputError(f'{self.frame_dir}: total_frames must be >= 1, got {self.total_frames}.')
        offset = '' if self.offset is None else f' {int(self.offset)}'
        return (f'{_check_path(self.frame_dir)}{offset} {int(self.total_frames)} '
                f'{_label_text(self.label)}')


@dataclass(frozen=True)
class ClipEntry:
    """One line of OTX's clip list: a frame folder, a label and the clip inside the video."""

    frame_dir: str
    label: int
    video_start: int
    video_end: int
    clip_start: int
    clip_end: int
    fps: float

    def to_line(self) -> str:
        """Return the entry as a line of a clip list (without the newline)."""
        if not self.video_start <= self.clip_start < self.clip_end <= self.video_end:
            raise InputError(f'{self.frame_dir}: need video_start <= clip_start < clip_end <= '
                             f'video_end, got {self.video_start} {self.clip_start} '
                             f'{self.clip_end} {self.video_end}.')
        return (f'{_check_path(self.frame_dir)} {int(self.label)} {self.video_start} '
                f'{self.video_end} {self.clip_start} {self.clip_end} {self.fps:g}')

    def to_rawframe_entry(self) -> RawframeEntry:
        """Return the mmaction `with_offset` rawframe entry that reads exactly this clip."""
        return RawframeEntry(self.frame_dir, self.clip_end - self.clip_start, self.label,
                             offset=self.clip_start)


def _check_path(path: str) -> str:
    text = str(path)
    if not text or any(c.isspace() for c in text):
        raise InputError(f'{text!r}: list files separate fields by spaces, so paths must not '
                         'be empty or contain whitespace; rename the file or folder.')
    return text


def _label_text(label: Label) -> str:
    labels = label if isinstance(label, tuple) else (label,)
    return ' '.join(str(int(x)) for x in labels)


def _label_value(fields: Sequence[str]) -> Label:
    values = tuple(int(x) for x in fields)
    if not values:
        return -1
    return values[0] if len(values) == 1 else values


def _lines(path: str | os.PathLike) -> Iterable[tuple[int, list[str]]]:
    path = Path(path)
    if not path.is_file():
        raise MissingFileError(f'No list file {path}: write it first '
                                '(python data_scripts/build_file_lists.py --help).')
    for number, line in enumerate(read_text(path).splitlines(), start=1):
        fields = line.split()
        if fields:
            yield number, fields


def _error(path: str | os.PathLike, number: int, fields: list[str], expected: str) -> AnnotationError:
    return AnnotationError(f'{path}, line {number}: {" ".join(fields)!r} is not `{expected}`. '
                           'Fix or delete that line (fields are separated by spaces).')


def read_video_list(path: str | os.PathLike) -> list[VideoEntry]:
    """Read a video list (`<path> <label>...`); errors name the file and the line."""
    expected = '<video path> <label> [<label> ...]'
    entries = []
    for number, fields in _lines(path):
        try:
            entries.append(VideoEntry(fields[0], _label_value(fields[1:])))
        except ValueError:
            raise _error(path, number, fields, expected) from None
    return entries


def write_video_list(path: str | os.PathLike, entries: Iterable[VideoEntry]) -> Path:
    """Write a video list that mmaction's VideoDataset reads; return its path."""
    return _write(path, (e.to_line() for e in entries))


def read_rawframe_list(path: str | os.PathLike, with_offset: bool = False) -> list[RawframeEntry]:
    """Read a rawframe list (`<dir> [<offset>] <total> <label>...`); errors name file and line."""
    expected = ('<frame dir> <offset> <total frames> <label> ...' if with_offset
                else '<frame dir> <total frames> <label> [<label> ...]')
    entries = []
    for number, fields in _lines(path):
        first = 2 if with_offset else 1
        try:
            if len(fields) < first + 1:
                raise ValueError('too few fields')
            offset = int(fields[1]) if with_offset else None
            total = int(fields[first])
            if total < 1 or (offset is not None and offset < 0):
                raise ValueError('negative counts')
            entries.append(RawframeEntry(fields[0], total, _label_value(fields[first + 1:]), offset))
        except ValueError:
            raise _error(path, number, fields, expected) from None
    return entries


def write_rawframe_list(path: str | os.PathLike, entries: Iterable[RawframeEntry]) -> Path:
    """Write a rawframe list that mmaction's RawframeDataset reads; return its path."""
    entries = list(entries)
    offsets = {e.offset is None for e in entries}
    if len(offsets) > 1:
        raise InputError(f'{path}: mix of entries with and without offset; a list is read either '
                         'with or without with_offset=True, so give all entries an offset or none.')
    return _write(path, (e.to_line() for e in entries))


def read_clip_list(path: str | os.PathLike) -> list[ClipEntry]:
    """Read OTX's clip list (7 fields a line); errors name the file and the line."""
    expected = '<frame dir> <label> <video start> <video end> <clip start> <clip end> <fps>'
    entries = []
    for number, fields in _lines(path):
        try:
            if len(fields) != 7:
                raise ValueError('need 7 fields')
            start, end, c_start, c_end = (int(x) for x in fields[2:6])
            if not start <= c_start < c_end <= end:
                raise ValueError('clip outside video')
            entries.append(ClipEntry(fields[0], int(fields[1]), start, end, c_start, c_end,
                                     float(fields[6])))
        except ValueError:
            raise _error(path, number, fields, expected) from None
    return entries


def write_clip_list(path: str | os.PathLike, entries: Iterable[ClipEntry]) -> Path:
    """Write OTX's clip list; return its path."""
    return _write(path, (e.to_line() for e in entries))


def clips_to_rawframe_list(clip_list: str | os.PathLike, rawframe_list: str | os.PathLike) -> Path:
    """Convert an OTX clip list into an mmaction rawframe list with offsets (`with_offset=True`)."""
    if Path(rawframe_list).resolve() == Path(clip_list).resolve():
        raise InputError(f'{rawframe_list} is the clip list itself: writing the rawframe list there would '
                         'replace your clip list. Give another output file (e.g. train_rawframes.txt).')
    return write_rawframe_list(rawframe_list,
                               (c.to_rawframe_entry() for c in read_clip_list(clip_list)))


def _write(path: str | os.PathLike, lines: Iterable[str]) -> Path:
    path = Path(path)
    text = '\n'.join(lines)
    with writing(path):
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + '.tmp')
        try:
            tmp.write_text(text + '\n' if text else '')
            tmp.replace(path)
        finally:
            tmp.unlink(missing_ok=True)
    return path
