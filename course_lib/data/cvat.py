"""CVAT's video XML ("CVAT for video 1.1") for spatio-temporal actions, and converters to and from AVA.

The course's CVAT layout for action detection, one folder per clip (OTX 1.x's action-detection
tutorial uses another shape, one track per box and action: `course_lib.data.otx_cvat`):

    <clip>/annotations.xml          tracks of person boxes, frame by frame
    <clip>/images/frame_000000.jpg  the clip's frames, 0-based (CVAT's export names)

In `annotations.xml` every person is a `<track label="person">`; each `<box frame=... xtl ytl xbr ybr>`
is in pixels, and the person's actions at that frame are checkbox attributes of the box
(`<attribute name="wave">true</attribute>`), so a person can do several things at once, as in AVA.
`keyframe="1"` marks boxes drawn by hand; CVAT interpolates boxes linearly between them and
`outside="1"` ends a track.

AVA (`course_lib.data.ava`) annotates one keyframe per second instead, with normalised boxes:
second `t` is frame `fps * (t - timestamp_start)` of the clip. `ava_to_cvat` writes one CVAT
folder per AVA video; `cvat_to_ava` reads them back, taking each track's box at every whole
second (interpolated between keyframes, as CVAT would draw it). AVA -> CVAT -> AVA returns the
same rows (boxes are written in pixels with enough decimals to come back exactly). Used in lesson 07.
"""
from __future__ import annotations

import os
import shutil
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Mapping
from xml.parsers import expat
from xml.sax.saxutils import escape, quoteattr

import cv2

from .. import _outputs
from .._util import write_text_atomic
from . import ava

from ..errors import FileFormatError, InputError, MissingFileError
from ..validate import image_size

ANNOTATION_FILE = 'annotations.xml'
IMAGES_DIR = 'images'
FRAME_TEMPLATE = 'frame_{:06d}.jpg'  # CVAT's exported image names (0-based)
PERSON = 'person'


class CVATFormatError(FileFormatError):
    """A CVAT file breaks the format; the message names the file, the line and the fix."""


@dataclass
class CvatBox:
    """One box of a track: pixel corners at a frame, CVAT's flags and the action attributes."""

    frame: int
    xtl: float
    ytl: float
    xbr: float
    ybr: float
    outside: bool = False
    occluded: bool = False
    keyframe: bool = True
    attributes: dict[str, str] = field(default_factory=dict)
    line: int = 0  # where it was read from (0: built in memory)

    def actions(self) -> list[str]:
        """Return the names of the checkbox attributes set to true."""
        return [name for name, value in self.attributes.items() if value.lower() == 'true']


@dataclass
class CvatTrack:
    """One person's track: an id, a label and boxes sorted by frame."""

    id: int
    label: str
    boxes: list[CvatBox]
    line: int = 0


@dataclass
class CvatVideo:
    """One annotated clip: its name, frame size and count, action names and person tracks."""

    name: str
    width: int
    height: int
    size: int  # number of frames
    actions: list[str]  # checkbox attributes of the `person` label, in label-map order
    tracks: list[CvatTrack]


# ----------------------------------------------------------------------------------------------
# reading and writing the XML


@dataclass
class _Node:
    tag: str
    attrib: dict[str, str]
    line: int
    children: list['_Node'] = field(default_factory=list)
    text: str = ''

    def find(self, tag: str) -> '_Node | None':
        return next((c for c in self.children if c.tag == tag), None)

    def findall(self, tag: str) -> list['_Node']:
        return [c for c in self.children if c.tag == tag]


def _parse_xml(path: Path) -> _Node:
    """Parse XML into nodes that remember their line (ElementTree forgets it)."""
    parser = expat.ParserCreate()
    stack: list[_Node] = []
    root: list[_Node] = []

    def start(tag, attrib):
        node = _Node(tag, dict(attrib), parser.CurrentLineNumber)
        (stack[-1].children if stack else root).append(node)
        stack.append(node)

    def end(tag):
        stack.pop()

    def text(data):
        if stack:
            stack[-1].text += data

    parser.StartElementHandler, parser.EndElementHandler = start, end
    parser.CharacterDataHandler = text
    try:
        parser.Parse(path.read_bytes(), True)
    except expat.ExpatError as err:
        raise CVATFormatError(f'{path}, line {err.lineno}: not well-formed XML ({err}). Export the '
                              'task again from CVAT ("CVAT for video 1.1").') from None
    return root[0]


def _number(path: Path, node: _Node, key: str, kind=float):
    value = node.attrib.get(key)
    if value is None:
        raise CVATFormatError(f'{path}, line {node.line}: <{node.tag}> has no {key}="..." '
                              'attribute; CVAT writes it on every box.')
    try:
        return kind(value)
    except ValueError:
        raise CVATFormatError(f'{path}, line {node.line}: {key}="{value}" is not a '
                              f'{"whole " if kind is int else ""}number.') from None


def _meta_int(path: Path, task: _Node, *tags: str) -> int:
    node = task
    for tag in tags:
        node = node.find(tag) if node is not None else None
    if node is None or not node.text.strip().isdigit():
        raise CVATFormatError(f'{path}, line {task.line}: <task> needs <{"><".join(tags)}> with a '
                              'whole number (CVAT writes it in the meta block).')
    return int(node.text.strip())


def read_cvat_video(path: str | os.PathLike) -> CvatVideo:
    """Read a CVAT video `annotations.xml`; errors name the file and line. Used in lesson 07."""
    path = Path(path)
    if not path.is_file():
        raise MissingFileError(f'No CVAT annotation file {path}: export the task from CVAT as '
                                '"CVAT for video 1.1", or write it with cvat.ava_to_cvat.')
    root = _parse_xml(path)
    if root.tag != 'annotations':
        raise CVATFormatError(f'{path}, line {root.line}: the root element is <{root.tag}>, expected '
                              '<annotations> (a CVAT XML export).')
    task = (root.find('meta') or _Node('', {}, root.line)).find('task') or \
        (root.find('meta') or _Node('', {}, root.line)).find('job')
    if task is None:
        raise CVATFormatError(f'{path}, line {root.line}: no <meta><task> block; export the task '
                              'with its meta data ("CVAT for video 1.1").')
    width = _meta_int(path, task, 'original_size', 'width')
    height = _meta_int(path, task, 'original_size', 'height')
    size = _meta_int(path, task, 'size')
    name_node = task.find('name')
    name = name_node.text.strip() if name_node is not None else path.parent.name
    actions = []
    for label in (task.find('labels') or _Node('', {}, 0)).findall('label'):
        label_name = label.find('name')
        if label_name is not None and label_name.text.strip() == PERSON:
            for attr in (label.find('attributes') or _Node('', {}, 0)).findall('attribute'):
                attr_name = attr.find('name')
                if attr_name is not None:
                    actions.append(attr_name.text.strip())
    if root.findall('image'):
        raise CVATFormatError(f'{path}, line {root.findall("image")[0].line}: <image> elements are '
                              '"CVAT for images"; export the task as "CVAT for video 1.1" (tracks).')
    tracks = [_read_track(path, node, actions, width, height) for node in root.findall('track')]
    return CvatVideo(name, width, height, size, actions, tracks)


def _read_track(path: Path, node: _Node, actions: list[str], width: int, height: int) -> CvatTrack:
    track_id = _number(path, node, 'id', int)
    label = node.attrib.get('label', '')
    boxes = []
    for b in node.findall('box'):
        attributes = {}
        for a in b.findall('attribute'):
            key = a.attrib.get('name', '')
            if actions and key not in actions:
                raise CVATFormatError(f'{path}, line {a.line}: attribute "{key}" is not declared '
                                      f'for label "{PERSON}" in the meta block (declared: {actions}).')
            attributes[key] = a.text.strip()
        box = CvatBox(_number(path, b, 'frame', int), *(_number(path, b, k) for k in
                                                        ('xtl', 'ytl', 'xbr', 'ybr')),
                      outside=b.attrib.get('outside', '0') == '1',
                      occluded=b.attrib.get('occluded', '0') == '1',
                      keyframe=b.attrib.get('keyframe', '1') == '1', attributes=attributes,
                      line=b.line)
        if not box.outside:
            if not (0 <= box.xtl < box.xbr <= width and 0 <= box.ytl < box.ybr <= height):
                raise CVATFormatError(
                    f'{path}, line {b.line}: box ({box.xtl:g}, {box.ytl:g}, {box.xbr:g}, '
                    f'{box.ybr:g}) is not inside the {width} x {height} frame with xtl < xbr and '
                    'ytl < ybr; fix the box in CVAT.')
        boxes.append(box)
    frames = [b.frame for b in boxes]
    if len(set(frames)) != len(frames):
        raise CVATFormatError(f'{path}, line {node.line}: track {track_id} has two boxes on one '
                              'frame; a track holds one box per frame.')
    return CvatTrack(track_id, label, sorted(boxes, key=lambda b: b.frame), node.line)


def _fmt(value: float) -> str:
    text = f'{value:.3f}'.rstrip('0').rstrip('.')
    return text if text not in ('', '-0') else '0'


def cvat_xml(video: CvatVideo) -> str:
    """Return a clip's annotations as CVAT for video 1.1 XML text."""
    attrs = ''.join(
        f'          <attribute>\n            <name>{escape(a)}</name>\n'
        '            <mutable>True</mutable>\n            <input_type>checkbox</input_type>\n'
        '            <default_value>false</default_value>\n            <values>false</values>\n'
        '          </attribute>\n' for a in video.actions)
    lines = ['<?xml version="1.0" encoding="utf-8"?>', '<annotations>', '  <version>1.1</version>',
             '  <meta>', '    <task>', f'      <name>{escape(video.name)}</name>',
             f'      <size>{video.size}</size>', '      <mode>interpolation</mode>',
             '      <overlap>0</overlap>', '      <start_frame>0</start_frame>',
             f'      <stop_frame>{max(video.size - 1, 0)}</stop_frame>', '      <labels>',
             '        <label>', f'        <name>{PERSON}</name>', '        <attributes>',
             attrs.rstrip('\n'), '        </attributes>', '        </label>', '      </labels>',
             '      <original_size>', f'        <width>{video.width}</width>',
             f'        <height>{video.height}</height>', '      </original_size>', '    </task>',
             '  </meta>']
    for track in video.tracks:
        lines.append(f'  <track id="{track.id}" label={quoteattr(track.label)} source="manual">')
        for b in track.boxes:
            lines.append(f'    <box frame="{b.frame}" outside="{int(b.outside)}" '
                         f'occluded="{int(b.occluded)}" keyframe="{int(b.keyframe)}" '
                         f'xtl="{_fmt(b.xtl)}" ytl="{_fmt(b.ytl)}" xbr="{_fmt(b.xbr)}" '
                         f'ybr="{_fmt(b.ybr)}" z_order="0">')
            lines += [f'      <attribute name={quoteattr(k)}>{escape(v)}</attribute>'
                      for k, v in b.attributes.items()]
            lines.append('    </box>')
        lines.append('  </track>')
    lines.append('</annotations>')
    return '\n'.join(line for line in lines if line) + '\n'


def write_cvat_video(path: str | os.PathLike, video: CvatVideo) -> Path:
    """Write a clip's `annotations.xml` (atomically); return its path."""
    return write_text_atomic(path, cvat_xml(video))


# ----------------------------------------------------------------------------------------------
# AVA <-> CVAT


def keyframe_to_frame(timestamp: int, fps: int, timestamp_start: int) -> int:
    """Return the 0-based frame of an AVA keyframe second (`fps * (t - timestamp_start)`)."""
    return int(fps * (int(timestamp) - timestamp_start))


def ava_rows_to_cvat(rows: Iterable[ava.AVARow], label_map: Mapping[int, str],
                     sizes: Mapping[str, tuple[int, int, int]], fps: int = 30,
                     timestamp_start: int = 900) -> dict[str, CvatVideo]:
    """Turn AVA rows into one CvatVideo per video; `sizes` gives (width, height, frames) per video."""
    by_person: dict[str, dict[int, dict[int, tuple]]] = defaultdict(lambda: defaultdict(dict))
    actions: dict[tuple, list[str]] = defaultdict(list)
    for row in rows:
        if row.action_id not in label_map:
            raise InputError(f'{row}: action id {row.action_id} is not in the label map.')
        frame = keyframe_to_frame(row.timestamp, fps, timestamp_start)
        seen = by_person[row.video_id][row.person_id].setdefault(frame, row.box)
        if seen != row.box:
            raise InputError(f'{row}: person {row.person_id} already has the box {seen} at second '
                             f'{row.timestamp} of {row.video_id}; a CVAT track holds one box per '
                             'frame. Give the second box its own person_id.')
        actions[(row.video_id, row.person_id, frame)].append(label_map[row.action_id])
    names = [label_map[i] for i in sorted(label_map)]
    videos = {}
    for video_id in sorted(by_person):
        if video_id not in sizes:
            raise InputError(f'No frame size for video {video_id}: pass sizes[{video_id!r}] = '
                             '(width, height, number of frames).')
        width, height, size = sizes[video_id]
        tracks = []
        for pid in sorted(by_person[video_id]):
            boxes = []
            frames = sorted(by_person[video_id][pid])
            for k, frame in enumerate(frames):
                x1, y1, x2, y2 = by_person[video_id][pid][frame]
                done = actions[(video_id, pid, frame)]
                box = CvatBox(frame, x1 * width, y1 * height, x2 * width, y2 * height,
                              attributes={n: str(n in done).lower() for n in names})
                boxes.append(box)
                # AVA says nothing between its keyframes; CVAT would interpolate across a gap of
                # more than one second, so end the track there (outside="1") and restart it later.
                following = frames[k + 1] if k + 1 < len(frames) else None
                if (following is None or following > frame + fps) and frame + 1 < size:
                    boxes.append(CvatBox(frame + 1, box.xtl, box.ytl, box.xbr, box.ybr,
                                         outside=True, attributes=dict(box.attributes)))
            tracks.append(CvatTrack(pid, PERSON, boxes))
        videos[video_id] = CvatVideo(video_id, width, height, size, names, tracks)
    return videos


def _box_at(track: CvatTrack, frame: int) -> CvatBox | None:
    """The track's box at a frame: drawn there, or interpolated between two keyframes (CVAT's rule)."""
    before = [b for b in track.boxes if b.frame <= frame]
    if not before:
        return None
    prev = before[-1]
    if prev.outside:
        return None
    if prev.frame == frame:
        return prev
    after = [b for b in track.boxes if b.frame > frame]
    if not after or after[0].outside:
        return prev  # CVAT keeps showing the last box until the track is ended
    nxt = after[0]
    w = (frame - prev.frame) / (nxt.frame - prev.frame)
    corners = [(1 - w) * getattr(prev, k) + w * getattr(nxt, k) for k in ('xtl', 'ytl', 'xbr', 'ybr')]
    return CvatBox(frame, *corners, keyframe=False, attributes=prev.attributes, line=prev.line)


def cvat_to_ava_rows(video: CvatVideo, label_map: Mapping[int, str], fps: int = 30,
                     timestamp_start: int = 900, video_id: str | None = None,
                     path: str | os.PathLike = ANNOTATION_FILE) -> list[ava.AVARow]:
    """Sample a clip's tracks at every whole second and return AVA rows (sorted as AVA's CSVs)."""
    ids = {name: i for i, name in label_map.items()}
    video_id = video_id or video.name
    rows = []
    for second in range(0, (video.size + fps - 1) // fps):
        frame = second * fps
        for track in video.tracks:
            if track.label != PERSON:
                continue
            box = _box_at(track, frame)
            if box is None:
                continue
            for name in box.actions():
                if name not in ids:
                    raise CVATFormatError(f'{path}, line {box.line}: action "{name}" is not in the '
                                          f'label map ({sorted(ids)}); add it or rename it in CVAT.')
            norm = (box.xtl / video.width, box.ytl / video.height,
                    box.xbr / video.width, box.ybr / video.height)
            norm = tuple(round(min(max(v, 0.0), 1.0), 3) for v in norm)
            problem = ava.check_box(norm)
            if problem:
                raise CVATFormatError(f'{path}, line {box.line}: {problem}.')
            for name in sorted(box.actions(), key=lambda n: ids[n]):
                rows.append(ava.AVARow(video_id, timestamp_start + second, norm,  # type: ignore[arg-type]
                                       ids[name], track.id))
    return sorted(rows, key=lambda r: (r.video_id, r.timestamp, r.person_id, r.action_id))


def _frame_files(folder: Path) -> list[Path]:
    return sorted(folder.glob('img_*.jpg'))


def ava_to_cvat(ann_file: str | os.PathLike, label_file: str | os.PathLike,
                frames_root: str | os.PathLike, out_root: str | os.PathLike, fps: int = 30,
                timestamp_start: int = 900, copy_frames: bool = True) -> list[Path]:
    """Convert an AVA CSV (+ rawframes) into one CVAT folder per video; return the XML paths."""
    label_map = ava.read_label_map(label_file)
    rows = ava.read_csv(ann_file, label_map)
    if not rows:
        raise CVATFormatError(f'{ann_file} holds no annotation rows (it is empty): there is nothing to '
                              'convert. Give the AVA CSV with the rows (video_id,timestamp,x1,y1,x2,y2,'
                              'action_id,person_id), or check that it was written completely.')
    frames_root, out_root = Path(frames_root), Path(out_root)
    sizes = {}
    for video_id in sorted({r.video_id for r in rows}):
        files = _frame_files(frames_root / video_id)
        if not files:
            raise MissingFileError(f'{ann_file} names video {video_id}, but {frames_root / video_id} '
                                    'has no img_00001.jpg ... frames; extract them first.')
        width, height = image_size(files[0])
        sizes[video_id] = (width, height, len(files))
    out = []
    videos = ava_rows_to_cvat(rows, label_map, sizes, fps, timestamp_start)
    _outputs.claim([out_root / v / ANNOTATION_FILE for v in videos], what='converting to CVAT',
                   same={str(out_root / v / ANNOTATION_FILE): cvat_xml(x) for v, x in videos.items()})
    for video_id, video in videos.items():
        folder = out_root / video_id
        if copy_frames:
            (folder / IMAGES_DIR).mkdir(parents=True, exist_ok=True)
            for k, src in enumerate(_frame_files(frames_root / video_id)):
                dst = folder / IMAGES_DIR / FRAME_TEMPLATE.format(k)
                if not dst.exists():
                    shutil.copyfile(src, dst)
        out.append(write_cvat_video(folder / ANNOTATION_FILE, video))
        _outputs.record(folder, [ANNOTATION_FILE])
    return out


def cvat_to_ava(cvat_root: str | os.PathLike, label_file: str | os.PathLike,
                ann_file: str | os.PathLike, frames_root: str | os.PathLike | None = None,
                fps: int = 30, timestamp_start: int = 900) -> list[ava.AVARow]:
    """Convert CVAT clip folders (`*/annotations.xml`) into an AVA CSV (+ rawframes); return the rows."""
    label_map = ava.read_label_map(label_file)
    cvat_root = Path(cvat_root)
    paths = sorted(cvat_root.rglob(ANNOTATION_FILE))  # JHMDB's video ids are <class>/<clip>
    if not paths:
        raise MissingFileError(f'No */{ANNOTATION_FILE} under {cvat_root}: each clip is a folder '
                                f'with {ANNOTATION_FILE} and {IMAGES_DIR}/.')
    rows = []
    for path in paths:
        video_id = path.parent.relative_to(cvat_root).as_posix()
        rows += cvat_to_ava_rows(read_cvat_video(path), label_map, fps, timestamp_start,
                                 video_id, path)
        if frames_root is not None:
            out = Path(frames_root) / video_id
            out.mkdir(parents=True, exist_ok=True)
            for k, src in enumerate(sorted((path.parent / IMAGES_DIR).glob('frame_*.jpg')), start=1):
                dst = out / f'img_{k:05d}.jpg'
                if not dst.exists():
                    shutil.copyfile(src, dst)
    ava.write_csv(ann_file, rows, label_map)
    return rows
