"""Split folders of CVAT clips converted to and from AVA files, in either CVAT layout: the course's
(one track per person, actions as attributes: `data.cvat`) or OTX 1.x's (one track per box and
action: `data.otx_cvat`), told apart from the XML (`layout_of`). OTX -> AVA writes rawframes and
converts `<split>.pkl` proposals; AVA -> OTX writes the frames, one annotations.xml per video and
the split's proposal pickle. Used in lesson 07 and by data_scripts/convert_ava_cvat.py.
"""
from __future__ import annotations

import os
import pickle
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from .._util import write_text_atomic
from . import ava, cvat
from .cvat import ANNOTATION_FILE, IMAGES_DIR, CVATFormatError
from ..errors import FileFormatError, MissingFileError
from .otx_cvat import (FRAME_FILE, OtxClip, frame_to_timestamp, image_files, otx_clip_to_ava_rows,
                       otx_label_map, otx_xml, read_otx_clip, read_otx_proposals, split_proposals)


def layout_of(path: str | os.PathLike) -> str:
    """Return 'otx' (tracks labelled with actions, EmptyFrame) or 'cvat' (person tracks) for an XML."""
    path = Path(path)
    root = cvat._parse_xml(path)
    labels = {t.attrib.get('label', '') for t in root.findall('track')}
    return 'cvat' if labels <= {cvat.PERSON} else 'otx'


@dataclass
class OtxConversion:
    """What a conversion to AVA wrote: rows, files, and the clips that had no images/."""

    rows: list[ava.AVARow]
    ann_file: Path
    label_map: dict[int, str]
    label_file: Path | None = None
    proposals_file: Path | None = None
    rawframes: Path | None = None
    without_images: list[str] = field(default_factory=list)


def clip_paths(split_root: Path) -> list[Path]:
    """The annotations.xml of every clip folder of a split folder (an error that says what it holds if none)."""
    paths = sorted(split_root.glob(f'*/{ANNOTATION_FILE}'))
    if not paths:
        inner = sorted(p.name for p in split_root.iterdir() if p.is_dir()) if split_root.is_dir() else []
        hint = (f' It holds {inner}: pass one split folder, e.g. {split_root / inner[0]}.'
                if any(list((split_root / d).glob(f'*/{ANNOTATION_FILE}')) for d in inner) else '')
        raise MissingFileError(f'No */{ANNOTATION_FILE} under {split_root}: each clip is a folder '
                                f'with {ANNOTATION_FILE} (and {IMAGES_DIR}/).{hint}')
    return paths


def _write_rawframes(clip: OtxClip, out: Path) -> None:
    """Write images/frame_f as rawframes img_{f+1:05d}.jpg; frames missing in between repeat a neighbour."""
    import cv2
    files = image_files(clip.path.parent)
    for person in clip.persons:
        if person.frame not in files:
            raise CVATFormatError(f'{clip.path}, line {person.line}: frame {person.frame} has a box '
                                  f'but {IMAGES_DIR}/{FRAME_FILE.format(person.frame)} is missing.')
    out.mkdir(parents=True, exist_ok=True)
    known = sorted(files)
    for frame in range(known[-1] + 1):
        dst = out / f'img_{frame + 1:05d}.jpg'
        if dst.exists():
            continue
        # AVA's sampler reads a file at every index: like mmaction's clip sampler at the ends of
        # a video, a frame that is not in images/ (OTX's 1-based sets start at 1) repeats a neighbour
        src = files.get(frame) or files[max([k for k in known if k < frame], default=known[0])]
        cv2.imwrite(str(dst), cv2.imread(str(src)))


def otx_to_ava(split_root: str | os.PathLike, ann_file: str | os.PathLike,
               label_file: str | os.PathLike | None = None,
               frames_root: str | os.PathLike | None = None,
               proposals_file: str | os.PathLike | None = None, fps: int = 1,
               timestamp_start: int = 0) -> OtxConversion:
    """Convert one OTX split folder to an AVA CSV (+ rawframes, + proposals from `<split>.pkl`).

    Without `label_file` the label map is built from the XML labels (`otx_label_map`) and written
    next to `ann_file` as ava_action_list.pbtxt. The proposals go to `proposals_file` (default:
    ava_dense_proposals_<split>.pkl next to `ann_file`) when `<split>.pkl` exists.
    """
    split_root, ann_file = Path(split_root), Path(ann_file)
    clips = [read_otx_clip(p) for p in clip_paths(split_root)]
    written_labels = None
    if label_file is None:
        label_map = otx_label_map(clips)
        written_labels = ava.write_label_map(ann_file.with_name('ava_action_list.pbtxt'), label_map)
    else:
        label_map = ava.read_label_map(label_file)
    rows = [r for c in clips for r in otx_clip_to_ava_rows(c, label_map, fps, timestamp_start)]
    result = OtxConversion(rows, ann_file, dict(label_map), written_labels)
    if frames_root is not None:
        result.rawframes = Path(frames_root)
        for clip in clips:
            if clip.images is None or not image_files(clip.path.parent):
                result.without_images.append(clip.name)
            else:
                _write_rawframes(clip, result.rawframes / clip.name)
    source = split_proposals(split_root)
    if source.is_file():
        names = {c.name for c in clips}
        proposals = read_otx_proposals(source)
        converted = {}
        for (video, frame), boxes in proposals.items():
            second = frame_to_timestamp(frame, fps, timestamp_start)
            if video in names and second is not None:
                converted[ava.img_key(video, second)] = boxes
        if proposals and not any(v in names for v, _ in proposals):
            raise ava.AVAFormatError(f'{source}: none of its keys names a clip folder of '
                                     f'{split_root} (first key: {next(iter(proposals))}); the '
                                     'pickle belongs to another split or the folders were renamed.')
        result.proposals_file = ava.write_proposals(
            proposals_file or ann_file.with_name(f'ava_dense_proposals_{split_root.name}.pkl'),
            converted)
    ava.write_csv(ann_file, rows, label_map)
    return result


def cvat_folder_to_ava(cvat_root: str | os.PathLike, ann_file: str | os.PathLike,
                       label_file: str | os.PathLike | None = None,
                       frames_root: str | os.PathLike | None = None,
                       proposals_file: str | os.PathLike | None = None, fps: int = 30,
                       timestamp_start: int = 900) -> OtxConversion:
    """Convert a folder of CVAT clips to AVA, in the course's layout or OTX's (detected from the XML)."""
    cvat_root = Path(cvat_root)
    paths = clip_paths(cvat_root)
    layouts = {p: layout_of(p) for p in paths}
    if len(set(layouts.values())) > 1:
        otx = next(p for p, v in layouts.items() if v == 'otx')
        course = next(p for p, v in layouts.items() if v == 'cvat')
        raise CVATFormatError(f'{cvat_root} mixes two layouts: {otx} has tracks labelled with '
                              f'actions (OTX), {course} has person tracks; convert them apart.')
    if layouts[paths[0]] == 'otx':
        return otx_to_ava(cvat_root, ann_file, label_file, frames_root, proposals_file, fps,
                          timestamp_start)
    if label_file is None:
        raise FileFormatError(f'{paths[0]} has person tracks with action attributes: pass the label map '
                         '(--labels) that numbers those actions.')
    rows = cvat.cvat_to_ava(cvat_root, label_file, ann_file, frames_root, fps, timestamp_start)
    return OtxConversion(rows, Path(ann_file), ava.read_label_map(label_file),
                         rawframes=None if frames_root is None else Path(frames_root))


def ava_to_otx(ann_file: str | os.PathLike, label_file: str | os.PathLike,
               frames_root: str | os.PathLike, out_split: str | os.PathLike, fps: int = 1,
               timestamp_start: int = 0, proposals_file: str | os.PathLike | None = None,
               copy_frames: bool = True) -> list[Path]:
    """Write an AVA CSV (+ rawframes, + proposals) as one OTX split folder (+ `<split>.pkl`); return the XMLs."""
    import cv2
    label_map = ava.read_label_map(label_file)
    rows = ava.read_csv(ann_file, label_map)
    frames_root, out_split = Path(frames_root), Path(out_split)
    by_video: dict[str, list[ava.AVARow]] = defaultdict(list)
    for row in rows:
        by_video[row.video_id].append(row)
    out, sizes = [], {}
    for index, video in enumerate(sorted(by_video)):
        files = sorted((frames_root / video).glob('img_*.jpg'))
        if not files:
            raise MissingFileError(f'{ann_file} names video {video}, but {frames_root / video} '
                                    'has no img_00001.jpg ... frames; extract them first.')
        height, width = cv2.imread(str(files[0])).shape[:2]
        sizes[video] = len(files)
        folder = out_split / video
        if copy_frames:
            (folder / IMAGES_DIR).mkdir(parents=True, exist_ok=True)
            for k, src in enumerate(files):
                dst = folder / IMAGES_DIR / FRAME_FILE.format(k)
                if not dst.exists():
                    cv2.imwrite(str(dst), cv2.imread(str(src)))
        xml = otx_xml(video, index, by_video[video], label_map, width, height, len(files), fps,
                      timestamp_start)
        out.append(write_text_atomic(folder / ANNOTATION_FILE, xml))
    if proposals_file is not None:
        converted = {}
        for key, boxes in ava.read_proposals(proposals_file).items():
            video, second = key.rsplit(',', 1)
            frame = cvat.keyframe_to_frame(int(second), fps, timestamp_start)
            if video in sizes and 0 <= frame < sizes[video]:
                converted[f'{video},{frame:04d}'] = boxes
        target = split_proposals(out_split)
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(target, 'wb') as f:
            pickle.dump(converted, f)
    return out
