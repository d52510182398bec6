"""The CVAT layout of OpenVINO Training Extensions (OTX 1.x) action detection, read and written.

OTX 1.x's action-detection tutorial publishes its JHMDB subset in this layout, and OTX's
`convert_public_data_to_cvat.py` writes any AVA set in it:

    <root>/train/<video>/annotations.xml           "CVAT for video 1.1", one <track> per box
    <root>/train/<video>/images/frame_000000.png   the frames, named by frame number
    <root>/train.pkl, <root>/test.pkl              person proposals, AVA's proposal-pickle format
    <root>/test/<video>/...

Its XML is not the course's CVAT shape (`course_lib.data.cvat`: one track per person, actions as
checkbox attributes):

- every `<track>` holds one `<box>` and its `label` is the *action* (a name, or an id of the label
  map); track ids are not meaningful (OTX writes the video's index, often 0 everywhere);
- several tracks with the same box on the same frame are one person doing several actions;
- boxes are copied from AVA CSVs, so normalised (<= 1); hand-made files may hold pixels: decided
  per file (a coordinate above 1 anywhere means pixels, divided by the frame size);
- a frame without annotated persons (in OTX's converted sets, every frame that is not a
  keyframe) has an `EmptyFrame` track with a zero box: OTX takes clip context from it but does
  not train on it;
- `frame="7"` is `images/frame_000007.png`; numbers may be zero-padded (`"07"`) and may lie
  outside the meta block's `<start_frame>`..`<stop_frame>`;
- `images/` is missing in annotation-only copies.

To AVA: every annotated frame is a keyframe; frame f is second `timestamp_start + f / fps` (with
`fps=1, timestamp_start=0` frame f becomes second f) and rawframe `img_{f+1:05d}.jpg`. Proposal keys
`"video,frame"` become `"video,TTTT"`. From AVA, every frame of the video gets its tracks or an
`EmptyFrame` track, and track ids carry AVA's person ids, so AVA -> OTX -> AVA is exact.

This module is the format, one clip both ways (`read_otx_clip` -> AVA rows, `otx_xml` <- AVA rows)
and the proposal pickle; whole split folders convert in `data.cvat_folders`, a whole OTX set in
`jobs.otx_ava`. Used in lesson 07.
"""
from __future__ import annotations

import os
import pickle
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Mapping
from xml.sax.saxutils import escape, quoteattr

import numpy as np

from . import ava, cvat
from .cvat import ANNOTATION_FILE, IMAGES_DIR, CVATFormatError
from ..errors import InputError, MissingFileError

EMPTY_FRAME = 'EmptyFrame'  # OTX's label of a frame without a person
FRAME_FILE = 'frame_{:06d}.png'  # images/<name of frame f>, as OTX and Datumaro name them
FRAME_NAME = re.compile(r'^frame_(\d+)\.(png|jpe?g)$', re.I)
PROPOSAL_KEY = re.compile(r'^(?P<video>[^,]+),(?P<frame>\d+)$')


@dataclass(frozen=True)
class OtxPerson:
    """One person at one frame: a normalised box, its actions (track labels) and an id."""

    frame: int
    box: tuple[float, float, float, float]  # normalised x1, y1, x2, y2 (3 decimals, as AVA)
    actions: tuple[str, ...]
    person_id: int
    line: int  # line of its first track in annotations.xml


@dataclass
class OtxClip:
    """One clip folder: its frames (EmptyFrame ones too), persons, labels and frame size."""

    path: Path  # the annotations.xml
    width: int | None
    height: int | None
    frames: list[int]  # every annotated frame, sorted
    persons: list[OtxPerson]
    labels: list[str]  # declared in the meta block, EmptyFrame left out
    pixel_boxes: bool  # the file's boxes were in pixels (and are normalised here)
    lines: dict[int, int] = field(default_factory=dict)  # frame -> line of its first track

    @property
    def name(self) -> str:
        """The clip's video id: its folder name."""
        return self.path.parent.name

    @property
    def images(self) -> Path | None:
        """The clip's images/ folder, or None in an annotation-only copy."""
        folder = self.path.parent / IMAGES_DIR
        return folder if folder.is_dir() else None

    def persons_at(self, frame: int) -> list[OtxPerson]:
        """Return the persons of one frame (none on an EmptyFrame frame)."""
        return [p for p in self.persons if p.frame == frame]

    def image(self, frame: int) -> np.ndarray:
        """Read one frame of images/ as an RGB array."""
        import cv2
        files = image_files(self.path.parent)
        if frame not in files:
            raise MissingFileError(f'{self.path.parent / IMAGES_DIR}: no {FRAME_FILE.format(frame)}'
                                    ' (an annotation-only copy has no images/).')
        return cv2.cvtColor(cv2.imread(str(files[frame])), cv2.COLOR_BGR2RGB)


def image_files(clip_folder: str | os.PathLike) -> dict[int, Path]:
    """Return {frame number: path} of a clip's images/frame_NNNNNN.png (empty without images/)."""
    folder = Path(clip_folder) / IMAGES_DIR
    if not folder.is_dir():
        return {}
    out = {}
    for path in folder.iterdir():
        match = FRAME_NAME.match(path.name)
        if match:
            out[int(match.group(1))] = path
    return dict(sorted(out.items()))


# ----------------------------------------------------------------------------------------------
# reading


def _task(path: Path, root) -> object:
    meta = root.find('meta')
    task = None if meta is None else (meta.find('task') or meta.find('job'))
    if task is None:
        raise CVATFormatError(f'{path}, line {root.line}: no <meta><task> block; OTX writes one '
                              '(with <labels> and <original_size>).')
    return task


def _size(path: Path, task) -> tuple[int | None, int | None]:
    size = task.find('original_size')
    if size is None:
        return None, None
    return (cvat._meta_int(path, task, 'original_size', 'width'),
            cvat._meta_int(path, task, 'original_size', 'height'))


def _declared_labels(task) -> list[str]:
    labels = task.find('labels')
    names = []
    for label in ([] if labels is None else labels.findall('label')):
        name = label.find('name')
        if name is not None and name.text.strip():
            names.append(name.text.strip())
    return names


def _entries(path: Path, root, declared: list[str]) -> list[tuple]:
    """(frame, corners, label, track id, line) of every box in the file, outside ones left out."""
    out = []
    for track in root.findall('track'):
        label = track.attrib.get('label')
        if not label:
            raise CVATFormatError(f'{path}, line {track.line}: <track> has no label="..."; in this '
                                  'layout the label is the action (or EmptyFrame).')
        if declared and label not in declared:
            raise CVATFormatError(f'{path}, line {track.line}: track label "{label}" is not declared '
                                  f'in <meta><task><labels> (declared: {declared}); declare it or fix '
                                  'the label.')
        track_id = cvat._number(path, track, 'id', int) if 'id' in track.attrib else 0
        for box in track.findall('box'):
            if box.attrib.get('outside', '0') == '1':
                continue
            frame = cvat._number(path, box, 'frame', int)
            if frame < 0:
                raise CVATFormatError(f'{path}, line {box.line}: frame="{box.attrib["frame"]}" is '
                                      'negative; frames count from 0.')
            corners = tuple(cvat._number(path, box, k) for k in ('xtl', 'ytl', 'xbr', 'ybr'))
            if not all(np.isfinite(corners)):
                raise CVATFormatError(f'{path}, line {box.line}: box corners must be finite numbers.')
            out.append((frame, corners, label, track_id, box.line))
    return out


def _normalise(path: Path, entries: list[tuple], width: int | None,
               height: int | None) -> tuple[list[tuple], bool]:
    """Normalise the non-empty boxes of one file (pixels if any coordinate > 1); check each."""
    boxes = [e for e in entries if e[2] != EMPTY_FRAME]
    above = next((e for e in boxes if max(e[1]) > 1), None)
    if above is not None and (width is None or height is None):
        raise CVATFormatError(f'{path}, line {above[4]}: box {above[1]} is in pixels (a coordinate '
                              '> 1) but the meta block has no <original_size>; add it or normalise '
                              'the boxes.')
    out = []
    for frame, (x1, y1, x2, y2), label, track_id, line in boxes:
        shown = f'({x1:g}, {y1:g}, {x2:g}, {y2:g})'
        if above is None:
            norm = (x1, y1, x2, y2)
        elif max(x1, y1, x2, y2) <= 1:
            raise CVATFormatError(f'{path}, line {line}: box {shown} looks normalised, but line '
                                  f'{above[4]} has pixels ({above[1]}); one file uses one unit.')
        elif not (0 <= x1 < x2 <= width and 0 <= y1 < y2 <= height):  # type: ignore[operator]
            raise CVATFormatError(
                f'{path}, line {line}: box {shown} is neither normalised (<= 1) nor inside the '
                f'{width} x {height} frame in pixels, with xtl < xbr and ytl < ybr; fix the box.')
        else:
            norm = (x1 / width, y1 / height, x2 / width, y2 / height)  # type: ignore[operator]
        norm = tuple(round(v, 3) for v in norm)
        problem = ava.check_box(norm)
        if problem:
            raise CVATFormatError(f'{path}, line {line}: {problem}; fix the box (EmptyFrame tracks '
                                  'are the only zero boxes).')
        out.append((frame, norm, label, track_id, line))
    return out, above is not None


def _persons(entries: list[tuple]) -> list[OtxPerson]:
    """Merge same frame + same box into one person; ids from the tracks when they tell persons apart."""
    merged: dict[tuple, list] = {}
    for frame, box, label, track_id, line in entries:
        person = merged.setdefault((frame, box), [[], set(), line])
        if label not in person[0]:
            person[0].append(label)
        person[1].add(track_id)
    by_frame: dict[int, list] = defaultdict(list)
    for (frame, box), person in merged.items():
        by_frame[frame].append((box, person))
    ids_work = all(len(p[1]) == 1 for p in merged.values()) and all(
        len({next(iter(p[1])) for _, p in persons}) == len(persons) for persons in by_frame.values())
    out = []
    for frame in sorted(by_frame):
        for k, (box, (labels, ids, line)) in enumerate(by_frame[frame]):
            out.append(OtxPerson(frame, box, tuple(labels), next(iter(ids)) if ids_work else k, line))
    return out


def read_otx_clip(path: str | os.PathLike) -> OtxClip:
    """Read one clip's annotations.xml in OTX's layout; errors name the file and line."""
    path = Path(path)
    if not path.is_file():
        raise MissingFileError(f'No annotation file {path}: a clip folder holds {ANNOTATION_FILE} '
                                f'(and {IMAGES_DIR}/).')
    root = cvat._parse_xml(path)
    if root.tag != 'annotations':
        raise CVATFormatError(f'{path}, line {root.line}: the root element is <{root.tag}>, expected '
                              '<annotations> (a CVAT XML file).')
    task = _task(path, root)
    width, height = _size(path, task)
    declared = [n for n in _declared_labels(task) if n != EMPTY_FRAME]
    entries = _entries(path, root, declared + [EMPTY_FRAME] if declared else [])
    boxes, pixels = _normalise(path, entries, width, height)
    lines: dict[int, int] = {}
    for frame, _, _, _, line in entries:
        lines.setdefault(frame, line)
    return OtxClip(path, width, height, sorted(lines), _persons(boxes), declared, pixels, lines)


def otx_label_map(clips: Iterable[OtxClip]) -> dict[int, str]:
    """Return the label map OTX builds: ids are numeric labels as they are, else sorted names from 1."""
    names = sorted({n for c in clips for n in c.labels} | {a for c in clips for p in c.persons
                                                            for a in p.actions})
    if names and all(n.isdigit() for n in names):
        return {int(n): n for n in names}
    return {i: name for i, name in enumerate(names, start=1)}


def _action_id(clip: OtxClip, person: OtxPerson, name: str, label_map: Mapping[int, str]) -> int:
    for ident, label in label_map.items():
        if label == name:
            return ident
    if name.isdigit() and int(name) in label_map:
        return int(name)
    raise CVATFormatError(f'{clip.path}, line {person.line}: track label "{name}" is neither a name '
                          f'nor an id of the label map ({sorted(label_map.items())[:8]}...); add it '
                          'there or fix the label.')


def frame_to_timestamp(frame: int, fps: int, timestamp_start: int) -> int | None:
    """Return the AVA second of a 0-based frame, or None if it is not on a whole second."""
    return timestamp_start + frame // fps if frame % fps == 0 else None


def otx_clip_to_ava_rows(clip: OtxClip, label_map: Mapping[int, str], fps: int = 1,
                         timestamp_start: int = 0) -> list[ava.AVARow]:
    """Return the clip's AVA rows: every annotated frame a keyframe, one row per person and action."""
    rows = []
    for person in clip.persons:
        second = frame_to_timestamp(person.frame, fps, timestamp_start)
        if second is None:
            raise CVATFormatError(
                f'{clip.path}, line {person.line}: frame {person.frame} is not a whole second at '
                f'fps={fps}; every annotated frame of this layout is a keyframe: convert with '
                '--fps 1 --timestamp-start 0 (frame f becomes second f).')
        for name in person.actions:
            rows.append(ava.AVARow(clip.name, second, person.box,
                                   _action_id(clip, person, name, label_map), person.person_id))
    return sorted(rows, key=lambda r: (r.video_id, r.timestamp, r.person_id, r.action_id))


# ----------------------------------------------------------------------------------------------
# proposals


def read_otx_proposals(path: str | os.PathLike) -> dict[tuple[str, int], np.ndarray]:
    """Read an OTX split's proposal pickle {"video,frame": (N, 5) array} into {(video, frame): array}."""
    path = Path(path)
    try:
        with open(path, 'rb') as f:
            data = pickle.load(f, encoding='latin1')
    except (pickle.UnpicklingError, EOFError, ValueError, AttributeError, ImportError) as err:
        raise ava.AVAFormatError(f'{path}: not a readable pickle ({err}). It should hold AVA\'s '
                                 'proposal dict {"video,frame": array (N, 5)}.') from None
    if not isinstance(data, dict):
        raise ava.AVAFormatError(f'{path}: proposals are a dict {{"video,frame": array (N, 5)}}, '
                                 f'got {type(data).__name__}.')
    out = {}
    for key, boxes in data.items():
        match = PROPOSAL_KEY.match(key) if isinstance(key, str) else None
        if match is None:
            raise ava.AVAFormatError(f'{path}: key {key!r} is not "video,frame" (e.g. '
                                     '"clip_0,0007"); write keys as AVA does.')
        try:
            arr = np.asarray(boxes, dtype=np.float64)
        except (TypeError, ValueError):
            arr = np.zeros((0,))
        if arr.ndim != 2 or arr.shape[1] not in (4, 5):
            raise ava.AVAFormatError(f'{path}, key {key!r}: proposals must be an (N, 4) or (N, 5) '
                                     f'array (x1, y1, x2, y2[, score]), got shape {arr.shape}.')
        for box in arr:
            problem = ava.check_box(box[:4])
            if problem:
                raise ava.AVAFormatError(f'{path}, key {key!r}: {problem}.')
        if arr.shape[1] == 5 and ((arr[:, 4] < 0) | (arr[:, 4] > 1)).any():
            raise ava.AVAFormatError(f'{path}, key {key!r}: scores must lie in [0, 1].')
        out[(match.group('video'), int(match.group('frame')))] = arr
    return out


def split_proposals(split_root: str | os.PathLike) -> Path:
    """Return where OTX keeps a split folder's proposals: `<root>/<split>.pkl` next to `<root>/<split>/`."""
    split_root = Path(split_root)
    return split_root.parent / f'{split_root.name}.pkl'


# ----------------------------------------------------------------------------------------------
# AVA -> OTX


def _track(track_id: int, label: str, frame: int, corners: Iterable[str]) -> list[str]:
    x1, y1, x2, y2 = corners
    return [f'  <track id="{track_id}" label={quoteattr(label)}>',
            f'    <box frame="{frame}" outside="0" occluded="0" xtl="{x1}" ytl="{y1}" xbr="{x2}" '
            f'ybr="{y2}" z_order="0" label={quoteattr(label)}></box>', '  </track>']


def otx_xml(name: str, index: int, rows: Iterable[ava.AVARow], label_map: Mapping[int, str],
            width: int, height: int, frames: int, fps: int = 1, timestamp_start: int = 0) -> str:
    """Return one video's rows as an OTX annotations.xml: tracks per box and action, EmptyFrame elsewhere."""
    at: dict[int, list[ava.AVARow]] = defaultdict(list)
    for row in rows:
        frame = cvat.keyframe_to_frame(row.timestamp, fps, timestamp_start)
        if not 0 <= frame < frames:
            raise InputError(f'{row}: second {row.timestamp} is frame {frame}, outside the '
                             f'{frames} frames of {name} (fps={fps}, timestamp_start='
                             f'{timestamp_start}).')
        at[frame].append(row)
    labels = [EMPTY_FRAME] + [label_map[i] for i in sorted(label_map)]
    lines = ["<?xml version='1.0' encoding='UTF-8'?>", '<annotations>', '  <version>1.1</version>',
             '  <meta>', '    <task>', f'      <id>{index}</id>', f'      <name>{escape(name)}</name>',
             f'      <size>{frames}</size>', '      <mode>interpolation</mode>',
             '      <overlap>2</overlap>', '      <bugtracker></bugtracker>', '      <created></created>',
             '      <updated></updated>', '      <start_frame>0</start_frame>',
             f'      <stop_frame>{frames - 1}</stop_frame>', '      <frame_filter>1</frame_filter>',
             '      <z_order>True</z_order>', '      <labels>']
    for label in labels:
        lines += ['        <label>', f'          <name>{escape(label)}</name>',
                  '          <attributes></attributes>', '        </label>']
    lines += ['      </labels>', '      <segments></segments>', '      <original_size>',
              f'        <width>{width}</width>', f'        <height>{height}</height>',
              '      </original_size>', '    </task>', '  </meta>']
    for frame in range(frames):
        if not at[frame]:
            lines += _track(index, EMPTY_FRAME, frame, ('0', '0', '0', '0'))
        boxes: dict[int, tuple] = {}
        for row in sorted(at[frame], key=lambda r: (r.person_id, r.action_id)):
            other = next((p for p, b in boxes.items() if b == row.box and p != row.person_id), None)
            if other is not None:
                raise InputError(f'{row}: persons {other} and {row.person_id} have the same box at '
                                 f'second {row.timestamp}; OTX (and mmaction) read that as one '
                                 'person. Merge their rows or move one box.')
            boxes[row.person_id] = row.box
            lines += _track(row.person_id, label_map[row.action_id], frame,
                            row.to_line().split(',')[2:6])
    return '\n'.join(lines + ['</annotations>']) + '\n'
