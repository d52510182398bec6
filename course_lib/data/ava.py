"""AVA for spatio-temporal action detection, exactly as mmaction2's `AVADataset` reads it.

Three files describe an AVA-format data set (mmaction2's `tools/data/ava`):

* annotations, `ava_{train,val}_v2.1.csv`: one row per (keyframe, person, action), no header,

      video_id,timestamp,x1,y1,x2,y2,action_id,person_id
      -5KQ66BBWC4,0902,0.077,0.151,0.283,0.811,80,1

  `timestamp` is the keyframe's second in the video (AVA's movies run from 0902 to 1798), the box
  is normalised to [0, 1] by the frame's width and height, `action_id` is an id of the label map and
  `person_id` ties the boxes of one person across keyframes. A person doing two things at once gets
  two rows with the same box (AVA is multi-label).
* the label map: AVA's `ava_action_list_v2.1.pbtxt` (`item { name: "stand" id: 12 }`) or
  mmaction's `label_map.txt` (`12: stand`); ids need not be contiguous (AVA evaluates 60 of 80).
* person proposals, `ava_dense_proposals_{train,val}.FAIR.recall_93.9.pkl`: a pickled dict
  `{"video_id,TTTT": array (N, 5) of normalised x1, y1, x2, y2, score}` from a person detector;
  at test time the model classifies the actions of these boxes.

Errors name the file and line and say how to fix them. `clip_sampling` reads how an AVA config
samples its clips (SampleAVAFrames). Used in lessons 01, 02, 07 and 08.
"""
from __future__ import annotations

import os
import pickle
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Mapping, Sequence

import numpy as np
from mmaction.evaluation.functional.ava_utils import make_image_key

from .._util import atomic_path, write_text_atomic

from ..errors import ConfigError, FileFormatError, InputError, MissingFileError
from ..validate import read_text

COLUMNS = ('video_id', 'timestamp', 'x1', 'y1', 'x2', 'y2', 'action_id', 'person_id')
LABEL_MAP_AVA = Path(__file__).with_name('label_map_ava_v2.1.txt')  # mmaction's label_map.txt
IMG_KEY = re.compile(r'^[^,\s]+,\d{4,}$')
JHMDB_FRAMES = 40  # the longest JHMDB clip; the full config's timestamp_end - timestamp_start


class AVAFormatError(FileFormatError):
    """An AVA file breaks the format; the message names the file, the line and the fix."""


@dataclass(frozen=True)
class KeyframeBox:
    """A box at a keyframe with one action: what annotation rows and detections share."""

    video_id: str
    timestamp: int
    box: tuple[float, float, float, float]  # normalised x1, y1, x2, y2
    action_id: int

    @property
    def img_key(self) -> str:
        """The keyframe's key in proposal files and mmaction results: `video_id,TTTT`."""
        return img_key(self.video_id, self.timestamp)


@dataclass(frozen=True)
class AVARow(KeyframeBox):
    """One annotation row: a person's box at a keyframe, with one action."""

    person_id: int = 0

    def to_line(self) -> str:
        """Return the row as an AVA CSV line (timestamp zero-padded, 3 decimals, no newline)."""
        x1, y1, x2, y2 = self.box
        return (f'{self.video_id},{self.timestamp:04d},{x1:.3f},{y1:.3f},{x2:.3f},{y2:.3f},'
                f'{self.action_id},{self.person_id}')


def img_key(video_id: str, timestamp: int) -> str:
    """Return AVA's keyframe key `video_id,TTTT` (mmaction's own `make_image_key`)."""
    return make_image_key(video_id, timestamp)


def check_box(box: Sequence[float]) -> str | None:
    """Return what is wrong with a normalised box (x1, y1, x2, y2), or None if it is valid."""
    if len(box) != 4:
        return f'a box has 4 numbers, got {len(box)}'
    x1, y1, x2, y2 = (float(v) for v in box)
    if not all(np.isfinite([x1, y1, x2, y2])):
        return 'box coordinates must be finite numbers'
    if min(x1, y1, x2, y2) < 0 or max(x1, y1, x2, y2) > 1:
        return (f'box ({x1:g}, {y1:g}, {x2:g}, {y2:g}) is not normalised to [0, 1]: divide x by '
                'the frame width and y by the frame height')
    if not (x1 < x2 and y1 < y2):
        return f'box ({x1:g}, {y1:g}, {x2:g}, {y2:g}) needs x1 < x2 and y1 < y2'
    return None


def _row_error(path: os.PathLike | str, number: int, line: str, why: str) -> AVAFormatError:
    return AVAFormatError(f'{path}, line {number}: {line!r}: {why}. An AVA row is '
                          f'`{",".join(COLUMNS)}`; fix or delete that line.')


def parse_row(line: str, label_map: Mapping[int, str] | None = None) -> AVARow:
    """Parse one CSV line into an AVARow; raise ValueError saying what is wrong."""
    fields = [f.strip() for f in line.strip().split(',')]
    if len(fields) != len(COLUMNS):
        raise ValueError(f'{len(fields)} comma-separated fields, expected {len(COLUMNS)}')
    video_id = fields[0]
    if not video_id:
        raise ValueError('empty video_id')
    try:
        timestamp = int(fields[1])
    except ValueError:
        raise ValueError(f'timestamp {fields[1]!r} is not a whole second') from None
    try:
        box = tuple(float(v) for v in fields[2:6])
    except ValueError:
        raise ValueError(f'box {fields[2:6]} has a field that is not a number') from None
    try:
        action_id, person_id = int(fields[6]), int(fields[7])
    except ValueError:
        raise ValueError(f'action_id {fields[6]!r} and person_id {fields[7]!r} must be '
                         'integers') from None
    problem = check_box(box)
    if problem:
        raise ValueError(problem)
    if timestamp < 0 or person_id < 0:
        raise ValueError('timestamp and person_id must not be negative')
    if action_id < 1:
        raise ValueError(f'action_id {action_id}: ids start at 1 (0 is the background class)')
    if label_map is not None and action_id not in label_map:
        raise ValueError(f'action_id {action_id} is not in the label map (ids: '
                         f'{sorted(label_map)[:10]}...)')
    return AVARow(video_id, timestamp, box, action_id, person_id)  # type: ignore[arg-type]


def read_csv(path: str | os.PathLike, label_map: Mapping[int, str] | None = None) -> list[AVARow]:
    """Read an AVA annotation CSV; errors name the file and line. Used in lessons 01 and 07."""
    path = Path(path)
    if not path.is_file():
        raise MissingFileError(f'No AVA annotation file {path}: write it with '
                                'course_lib.data.ava.write_csv or download the AVA annotations.')
    rows = []
    for number, line in enumerate(read_text(path).splitlines(), start=1):
        if not line.strip():
            continue
        try:
            rows.append(parse_row(line, label_map))
        except ValueError as err:
            raise _row_error(path, number, line, str(err)) from None
    return rows


def write_csv(path: str | os.PathLike, rows: Iterable[AVARow],
              label_map: Mapping[int, str] | None = None) -> Path:
    """Validate rows and write them as an AVA CSV (atomically); return its path."""
    path = Path(path)
    lines = []
    for i, row in enumerate(rows, start=1):
        line = row.to_line()
        try:
            parse_row(line, label_map)
        except ValueError as err:
            raise AVAFormatError(f'{path}: row {i} ({row}) is invalid: {err}.') from None
        lines.append(line)
    return write_text_atomic(path, '\n'.join(lines) + '\n' if lines else '')


def group_by_keyframe(rows: Iterable[AVARow]) -> dict[str, list[tuple[tuple, list[int], int]]]:
    """Merge rows into {img_key: [(box, [action ids], person_id), ...]} as AVADataset does."""
    merged: dict[str, dict[tuple, tuple[list[int], int]]] = defaultdict(dict)
    for row in rows:
        actions, _ = merged[row.img_key].setdefault(row.box, ([], row.person_id))
        actions.append(row.action_id)
    return {key: [(box, acts, pid) for box, (acts, pid) in persons.items()]
            for key, persons in merged.items()}


# ----------------------------------------------------------------------------------------------
# label maps

PBTXT_ITEM = re.compile(r'item\s*\{(?P<body>[^}]*)\}', re.S)


def _line_at(text: str, pos: int) -> int:
    return text.count('\n', 0, pos) + 1


def _parse_pbtxt(path: Path, text: str) -> dict[int, str]:
    labels: dict[int, str] = {}
    end = 0
    for match in PBTXT_ITEM.finditer(text):
        if text[end:match.start()].strip():
            raise AVAFormatError(f'{path}, line {_line_at(text, end)}: text outside `item {{ ... }}`'
                                 ' blocks. Each class is `item { name: "stand" id: 12 }`.')
        end = match.end()
        body, line = match.group('body'), _line_at(text, match.start())
        name = re.search(r'name:\s*"([^"]*)"', body)
        ident = re.search(r'\bid:\s*(-?\d+)', body)
        if not name or not ident:
            raise AVAFormatError(f'{path}, line {line}: an item needs `name: "..."` and `id: N`.')
        _add_label(labels, int(ident.group(1)), name.group(1), path, line)
    if text[end:].strip():
        raise AVAFormatError(f'{path}, line {_line_at(text, end)}: unclosed or stray text after the '
                             'last item. Each class is `item { name: "stand" id: 12 }`.')
    return labels


def _add_label(labels: dict[int, str], ident: int, name: str, path: Path, line: int) -> None:
    if ident < 1:
        raise AVAFormatError(f'{path}, line {line}: id {ident}: class ids start at 1 '
                             '(0 is the background class).')
    if ident in labels:
        raise AVAFormatError(f'{path}, line {line}: id {ident} appears twice; give each class its '
                             'own id.')
    if not name.strip():
        raise AVAFormatError(f'{path}, line {line}: class {ident} has an empty name.')
    labels[ident] = name.strip()


def read_label_map(path: str | os.PathLike = LABEL_MAP_AVA) -> dict[int, str]:
    """Read a label map, AVA's pbtxt or mmaction's `id: name` text; return {id: name}."""
    path = Path(path)
    if not path.is_file():
        raise MissingFileError(f'No label map {path}. AVA\'s is shipped as '
                                f'course_lib/data/{LABEL_MAP_AVA.name}.')
    text = read_text(path)
    if 'item' in text and '{' in text:
        labels = _parse_pbtxt(path, text)
    else:
        labels = {}
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            ident, sep, name = line.partition(':')
            if not sep or not ident.strip().lstrip('-').isdigit():
                raise AVAFormatError(f'{path}, line {number}: {line!r} is not `id: name` '
                                     '(for example `12: stand`). Fix or delete that line.')
            _add_label(labels, int(ident), name, path, number)
    if not labels:
        raise AVAFormatError(f'{path}: no class found. Write one `id: name` line per class.')
    return labels


def write_label_map(path: str | os.PathLike, labels: Mapping[int, str], fmt: str = 'pbtxt') -> Path:
    """Write {id: name} as AVA's pbtxt (`fmt='pbtxt'`) or mmaction's `id: name` text (`'txt'`)."""
    if fmt not in ('pbtxt', 'txt'):
        raise InputError(f'fmt must be "pbtxt" or "txt", got {fmt!r}.')
    for ident, name in labels.items():
        if int(ident) < 1 or not str(name).strip() or '"' in str(name):
            raise InputError(f'{path}: class {ident} {name!r}: ids start at 1 and names are '
                             'non-empty, without double quotes.')
    if fmt == 'txt':
        text = ''.join(f'{i}: {n}\n' for i, n in sorted(labels.items()))
    else:
        text = ''.join(f'item {{\n  name: "{n}"\n  id: {i}\n}}\n' for i, n in sorted(labels.items()))
    return write_text_atomic(path, text)


# ----------------------------------------------------------------------------------------------
# person proposals


def _check_proposals(path: os.PathLike | str, proposals: object) -> dict[str, np.ndarray]:
    if not isinstance(proposals, dict):
        raise AVAFormatError(f'{path}: proposals are a dict {{"video_id,TTTT": array (N, 5)}}, got '
                             f'{type(proposals).__name__}.')
    out = {}
    for key, boxes in proposals.items():
        if not isinstance(key, str) or not IMG_KEY.match(key):
            raise AVAFormatError(f'{path}: key {key!r} is not "video_id,TTTT" (a 4-digit second, '
                                 'e.g. "-5KQ66BBWC4,0902"). Build keys with ava.img_key().')
        arr = np.asarray(boxes, dtype=np.float64)
        if arr.ndim != 2 or arr.shape[1] not in (4, 5):
            raise AVAFormatError(f'{path}, key {key!r}: proposals must be an (N, 4) or (N, 5) array '
                                 f'(x1, y1, x2, y2[, score]), got shape {arr.shape}.')
        for box in arr:
            problem = check_box(box[:4])
            if problem:
                raise AVAFormatError(f'{path}, key {key!r}: {problem}.')
        if arr.shape[1] == 5 and ((arr[:, 4] < 0) | (arr[:, 4] > 1)).any():
            raise AVAFormatError(f'{path}, key {key!r}: scores must lie in [0, 1] (AVADataset '
                                 'compares them with person_det_score_thr).')
        out[key] = arr
    return out


def read_proposals(path: str | os.PathLike) -> dict[str, np.ndarray]:
    """Read and validate a person-proposal pickle {"video_id,TTTT": (N, 5) array}."""
    path = Path(path)
    if not path.is_file():
        raise MissingFileError(f'No proposal file {path}: write it with '
                                'course_lib.data.ava.write_proposals or download AVA\'s.')
    try:
        with open(path, 'rb') as f:
            proposals = pickle.load(f)
    except (pickle.UnpicklingError, EOFError, ValueError) as err:
        raise AVAFormatError(f'{path}: not a readable pickle ({err}). Write it again with '
                             'course_lib.data.ava.write_proposals.') from err
    return _check_proposals(path, proposals)


def write_proposals(path: str | os.PathLike, proposals: Mapping[str, np.ndarray]) -> Path:
    """Validate and pickle person proposals {"video_id,TTTT": (N, 4|5) array} (atomically)."""
    path = Path(path)
    checked = _check_proposals(path, dict(proposals))
    with atomic_path(path) as part, open(part, 'wb') as f:
        pickle.dump(checked, f)
    return path


# ----------------------------------------------------------------------------------------------
# detections (rows of AVA's result CSV; frame-mAP: course_lib.metrics.ava_frame_map)


@dataclass(frozen=True)
class AVADetection(KeyframeBox):
    """One scored action of one box on one keyframe (a row of AVA's result CSV)."""

    score: float


def detections_from_samples(samples: Iterable, action_thr: float = 0.002) -> list[AVADetection]:
    """Turn mmaction's predicted data samples into detections (scores above action_thr), as AVAMetric."""
    out = []
    for sample in samples:
        pred = sample.pred_instances
        boxes = pred.bboxes.detach().cpu().numpy()
        scores = pred.scores.detach().cpu().numpy()
        for box, row in zip(boxes, scores):
            for action_id in range(1, len(row)):
                if row[action_id] > action_thr:
                    out.append(AVADetection(sample.video_id, int(sample.timestamp),
                                            tuple(float(v) for v in box), action_id,
                                            float(row[action_id])))
    return out


# ----------------------------------------------------------------------------------------------
# JHMDB / UCF101-24 ground truth (ACT's `*-GT.pkl`, as mmaction2's tools/data/jhmdb uses it)

JHMDB_CLASSES = ('brush_hair', 'catch', 'clap', 'climb_stairs', 'golf', 'jump', 'kick_ball', 'pick',
                 'pour', 'pullup', 'push', 'run', 'shoot_ball', 'shoot_bow', 'shoot_gun', 'sit',
                 'stand', 'swing_baseball', 'throw', 'walk', 'wave')  # ids 1..21, as JHMDB-GT.pkl



def act_gt_to_ava_rows(gt: Mapping, videos: Iterable[str], keyframe_step: int = 1,
                       timestamp_start: int = 1) -> list[AVARow]:
    """Turn ACT-format tubes into AVA rows, one keyframe every `keyframe_step` frames.

    `gt` is the unpickled `JHMDB-GT.pkl`: `labels` (class names), `gttubes[video][label] = [array
    (n, 5) of frame (1-based), x1, y1, x2, y2 in pixels]`, `resolution[video] = (height, width)`.
    Timestamps count frames (mmaction's `fps=1` mode, as its MultiSports config): timestamp =
    timestamp_start - 1 + frame. Class ids are label index + 1; each tube is a person_id.
    """
    rows = []
    for video in videos:
        if video not in gt['gttubes'] or video not in gt['resolution']:
            raise AVAFormatError(f'JHMDB-GT.pkl has no tubes or resolution for {video!r}; use the '
                                 'pickle and split lists from the same ACT release.')
        height, width = gt['resolution'][video]
        pid = 0
        for label, tubes in sorted(gt['gttubes'][video].items()):
            for tube in tubes:
                for frame, x1, y1, x2, y2 in np.asarray(tube, dtype=float):
                    if int(frame) % keyframe_step:
                        continue
                    box = tuple(round(float(np.clip(v, 0, 1)), 3) for v in
                                (x1 / width, y1 / height, (x2 + 1) / width, (y2 + 1) / height))
                    if check_box(box) is None:
                        rows.append(AVARow(video, timestamp_start - 1 + int(frame), box,  # type: ignore[arg-type]
                                           int(label) + 1, pid))
                pid += 1
    return sorted(rows, key=lambda r: (r.video_id, r.timestamp, r.person_id, r.action_id))


def video_rate(cfg) -> float:
    """Frames per second the data set's frames play at: the config's `video_fps` (set where timestamps
    count frames, fps=1: JHMDB's videos are 30 fps), else its timestamps' `fps`."""
    return float(cfg.get('video_fps') or cfg.dataset_settings.fps)


def keyframe_step(rows: Iterable[KeyframeBox], fps: float) -> int:
    """Frames between two keyframes of a video: the smallest timestamp gap of the rows, in frames."""
    by_video: dict[str, set[int]] = {}
    for row in rows:
        by_video.setdefault(row.video_id, set()).add(row.timestamp)
    gaps = [b - a for stamps in map(sorted, by_video.values()) for a, b in zip(stamps, stamps[1:])]
    if not gaps:
        raise InputError('No video has two keyframes in these rows: the keyframe step is unknown.')
    return max(1, int(round(min(gaps) * fps)))


def clip_sampling(cfg) -> tuple[int, int]:
    """Return (clip_len, frame_interval) of an AVA config's SampleAVAFrames test step."""
    pipeline = cfg.get('val_pipeline') or cfg.val_dataloader.dataset.pipeline
    for step in pipeline:
        if step['type'] == 'SampleAVAFrames':
            return int(step['clip_len']), int(step['frame_interval'])
    raise ConfigError('The config has no SampleAVAFrames step in its val pipeline; is it an AVA '
                     '(spatio-temporal detection) config?')
