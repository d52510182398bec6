"""A learnable synthetic spatio-temporal action set, written in the AVA format mmaction2 reads.

It stands in for AVA / JHMDB in the smoke profile (lesson 07):

    ava_actions/
      rawframes/<video_id>/img_00001.jpg ...          frames, as AVADataset reads them (1-based)
      annotations/ava_train.csv, ava_val.csv          `video_id,timestamp,x1,y1,x2,y2,action_id,person_id`
      annotations/ava_action_list.pbtxt               the label map: 1 wave, 2 walk, 3 jump
      annotations/ava_{train,val}_excluded_timestamps.csv   keyframes not to evaluate (none here)
      annotations/ava_dense_proposals_{train,val}.pkl       person "detections": noisy true boxes
      annotations/ava_val_gt_proposals.pkl            the true boxes themselves (score 1)
      spec.json                                       what was generated (reruns check it)

Each video shows one or two stick figures on a noisy background for `seconds` seconds at `fps`
frames per second, AVA-style: second 900 is the video's first frame, keyframes are the whole
seconds inside it. An action is visible only in the motion: *wave* (one arm swings, the body
stays), *walk* (the figure slides sideways, legs scissoring), *jump* (it bounces up and down). Arm
and leg angles are random in every class, so a single frame does not tell the action, and figures
may also make a smaller motion of another action (`look_alike`: an arm swinging a little, steps on
the spot), so only its size or the body moving tells the actions apart. A share of
the figures (`switch`) changes action once, at a random moment between two keyframes: the clip
around a keyframe next to that moment holds both motions, and only its middle says which action
the keyframe is annotated with (as in real video, where actions start and end). Used in lesson 07.
"""
from __future__ import annotations

import json
import math
import os
from dataclasses import asdict, dataclass
from pathlib import Path

import cv2
import numpy as np
from tqdm.auto import tqdm

from ..._util import same_spec, write_text_atomic
from .. import ava
from ...errors import InputError, MissingFileError

ACTIONS = {1: 'wave', 2: 'walk', 3: 'jump'}
TIMESTAMP_START = 900  # AVA's first annotated second; frame 0 of every video
SPEC_FILE = 'spec.json'


@dataclass(frozen=True)
class AVASetSpec:
    """What to generate: videos per split, frame size, length, frame rate, proposal noise, seed."""

    train_videos: int = 48
    val_videos: int = 16
    width: int = 96
    height: int = 64
    seconds: int = 6
    fps: int = 8
    max_persons: int = 2
    noise: float = 5.0  # std of the per-frame pixel noise (0-255 scale)
    proposal_jitter: float = 0.04  # std of proposal corners, as a fraction of the box size
    switch: float = 0.5  # share of figures that change action once, between two keyframes
    look_alike: float = 0.5  # chance of a smaller motion of another action (an arm swing, steps)
    seed: int = 0

    def __post_init__(self) -> None:
        if self.width < 48 or self.height < 48:
            raise InputError(f'frames must be at least 48 x 48 px, got {self.width} x {self.height}.')
        if self.seconds < 3:
            raise InputError(f'seconds must be >= 3 (keyframes need a clip on both sides), '
                             f'got {self.seconds}.')
        if self.max_persons not in (1, 2):
            raise InputError(f'max_persons is 1 or 2, got {self.max_persons}.')
        for name in ('switch', 'look_alike'):
            if not 0 <= getattr(self, name) <= 1:
                raise InputError(f'{name} is a share of the figures, from 0 to 1, got {getattr(self, name)}.')
        from ...validate import positive
        for name in ('train_videos', 'val_videos', 'fps'):
            positive(name, getattr(self, name))

    @property
    def frames(self) -> int:
        """Frames per video."""
        return self.seconds * self.fps

    @property
    def timestamps(self) -> list[int]:
        """The keyframes' seconds: every whole second except the first and the last."""
        return list(range(TIMESTAMP_START + 1, TIMESTAMP_START + self.seconds))


def keyframe_index(timestamp: int, fps: int, timestamp_start: int = TIMESTAMP_START) -> int:
    """Return the 0-based frame of a keyframe second (AVA's rule; img_00001.jpg is frame 0).

    mmaction's SampleAVAFrames centres its clip here too, but its element clip_len // 2 is one
    frame later (it adds start_index twice); at 8 fps that shifts a walking figure by ~1 px.
    """
    return int(fps * (timestamp - timestamp_start))


@dataclass
class Figure:
    """One stick figure's track: its action(s) and per-frame pose."""

    action_id: int  # the action of frame 0
    x: np.ndarray  # (T,) hip centre
    y: np.ndarray  # (T,) hip centre
    arm_l: np.ndarray  # (T,) angle from straight down, radians
    arm_r: np.ndarray
    legs: np.ndarray  # (T,) half spread of the legs, radians (signed for walking)
    scale: float
    color: tuple[int, int, int]
    actions: np.ndarray | None = None  # (T,) the action of each frame, if it changes; else action_id

    def action_at(self, i: int) -> int:
        """Return the action the figure does at frame i."""
        return self.action_id if self.actions is None else int(self.actions[i])

    def joints(self, i: int) -> dict[str, np.ndarray]:
        """Return the figure's points at frame i (hip, neck, head, hands, feet) in pixels."""
        s, hip = self.scale, np.array([self.x[i], self.y[i]])
        neck = hip + [0, -9 * s]
        head = neck + [0, -3.5 * s]
        arm = 7 * s
        hand_l = neck + arm * np.array([-math.sin(self.arm_l[i]), math.cos(self.arm_l[i])])
        hand_r = neck + arm * np.array([math.sin(self.arm_r[i]), math.cos(self.arm_r[i])])
        leg = 9 * s
        foot_l = hip + leg * np.array([-math.sin(self.legs[i]), math.cos(self.legs[i])])
        foot_r = hip + leg * np.array([math.sin(self.legs[i]), math.cos(self.legs[i])])
        return dict(hip=hip, neck=neck, head=head, hand_l=hand_l, hand_r=hand_r,
                    foot_l=foot_l, foot_r=foot_r)

    def box(self, i: int, width: int, height: int) -> tuple[float, float, float, float]:
        """Return the figure's tight box at frame i, normalised and rounded to AVA's 3 decimals."""
        pts = np.array(list(self.joints(i).values()))
        r = 3.0 * self.scale + 1  # head radius plus line width
        x1, y1 = pts.min(axis=0) - r
        x2, y2 = pts.max(axis=0) + r
        box = np.clip([x1 / width, y1 / height, x2 / width, y2 / height], 0, 1)
        return tuple(round(float(v), 3) for v in box)  # type: ignore[return-value]


def _figure(action_id: int, rng: np.random.Generator, frames: int, fps: int, width: int,
            height: int, x_range: tuple[float, float], look_alike: float = 0.0,
            grounded_at: int | None = None) -> Figure:
    """Draw a random figure doing one action, inside the horizontal band x_range.

    With probability `look_alike` each, a figure that does not wave swings an arm a little and one
    that does not walk steps on the spot: smaller motions of another action. A jump is on the ground
    at frame `grounded_at` if it is given.
    """
    t = np.arange(frames) / fps  # seconds
    scale = min(rng.uniform(1.3, 1.6), (0.75 * height - 2) / 23)  # it fits below the top quarter
    half_h = 13 * scale
    lo, hi = x_range[0] + 8 * scale, x_range[1] - 8 * scale
    x0 = rng.uniform(lo, hi)
    y0 = rng.uniform(height * 0.25 + half_h, height - 10 * scale - 2)
    x, y = np.full(frames, x0), np.full(frames, y0)
    arm_l = np.full(frames, rng.uniform(0.2, 2.6))
    arm_r = np.full(frames, rng.uniform(0.2, 2.6))
    legs = np.full(frames, rng.uniform(-0.45, 0.45))
    phase = rng.uniform(0, 2 * math.pi)
    if ACTIONS[action_id] == 'wave':
        freq, amp = rng.uniform(1.2, 1.8), rng.uniform(0.8, 1.0)
        centre = rng.uniform(1.0 + amp - 0.6, 2.9 - amp)
        swing = centre + amp * np.sin(2 * math.pi * freq * t + phase)
        if rng.random() < 0.5:
            arm_r = swing
        else:
            arm_l = swing
    elif ACTIONS[action_id] == 'walk':
        speed = rng.uniform(10, 14) * rng.choice([-1, 1])  # pixels per second
        travel = (x0 - lo) + speed * t
        span = max(hi - lo, 1.0)
        folded = np.mod(travel, 2 * span)  # bounce between lo and hi
        x = lo + np.where(folded < span, folded, 2 * span - folded)
        legs = 0.45 * np.sin(2 * math.pi * rng.uniform(1.2, 1.8) * t + phase)
    else:  # jump
        freq, amp = rng.uniform(1.0, 1.4), rng.uniform(7, 9) * scale
        if grounded_at is not None:
            phase = -math.pi * freq * t[grounded_at]
        y = y0 - amp * np.abs(np.sin(math.pi * freq * t + phase))
    # look-alike motions: only the size of the swing, or the body moving, tells the actions apart
    if look_alike and ACTIONS[action_id] != 'wave' and rng.random() < look_alike:
        idle = rng.uniform(0.25, 0.5) * np.sin(2 * math.pi * rng.uniform(1.2, 1.8) * t + phase)
        if rng.random() < 0.5:
            arm_r = arm_r + idle
        else:
            arm_l = arm_l + idle
    if look_alike and ACTIONS[action_id] != 'walk' and rng.random() < look_alike:
        legs = rng.uniform(0.2, 0.4) * np.sin(2 * math.pi * rng.uniform(1.2, 1.8) * t + phase)
    color = tuple(int(c) for c in rng.integers(150, 256, 3))
    return Figure(action_id, x, y, arm_l, arm_r, legs, scale, color)  # type: ignore[arg-type]


def _draw(canvas: np.ndarray, fig: Figure, i: int) -> None:
    """Draw one figure at frame i onto a BGR canvas."""
    j = fig.joints(i)
    thick = 3 if fig.scale > 1.45 else 2

    def line(a, b):
        cv2.line(canvas, tuple(np.round(j[a] * 8).astype(int)), tuple(np.round(j[b] * 8).astype(int)),
                 fig.color, thick, cv2.LINE_AA, shift=3)
    for a, b in (('hip', 'neck'), ('neck', 'hand_l'), ('neck', 'hand_r'), ('hip', 'foot_l'),
                 ('hip', 'foot_r')):
        line(a, b)
    centre = tuple(np.round(j['head'] * 8).astype(int))
    cv2.circle(canvas, centre, int(round(3.0 * fig.scale * 8)), fig.color, -1, cv2.LINE_AA, shift=3)


def _switched(fig: Figure, rng: np.random.Generator, spec: AVASetSpec,
              band: tuple[float, float]) -> Figure:
    """Return the figure changing to another action at a random frame between two keyframes.

    The second action's track is drawn like any figure's, then moved so that the body does not jump:
    it starts where the first one stands at the switch (on the ground, for a jump).
    """
    gaps = [(k + 0.15, k + 0.85) for k in range(1, spec.seconds - 1)]  # not at a keyframe
    windows = [np.arange(int(math.ceil(low * spec.fps)), int(high * spec.fps) + 1) for low, high in gaps]
    if ACTIONS[fig.action_id] == 'jump':  # a jump ends on the ground: its lowest frame of any window
        frames = np.concatenate(windows)
        at = int(frames[np.argmax(fig.y[frames])])
    else:
        at = int(rng.choice(windows[int(rng.integers(len(windows)))]))
    other = int(rng.choice([a for a in ACTIONS if a != fig.action_id]))
    nxt = _figure(other, rng, spec.frames, spec.fps, spec.width, spec.height, band, spec.look_alike,
                  grounded_at=at)  # a jump starts from the ground
    standing = lambda f, i: f.y.max() if ACTIONS[f.action_id] == 'jump' else f.y[i]  # noqa: E731
    dx, dy = fig.x[at] - nxt.x[at], standing(fig, at) - standing(nxt, at)
    lo, hi = band[0] + 8 * fig.scale, band[1] - 8 * fig.scale
    x_next = np.clip(nxt.x + dx, lo, hi)
    before = np.arange(spec.frames) < at
    pick = lambda a, b: np.where(before, a, b)  # noqa: E731
    return Figure(fig.action_id, pick(fig.x, x_next), pick(fig.y, nxt.y + dy),
                  pick(fig.arm_l, nxt.arm_l), pick(fig.arm_r, nxt.arm_r), pick(fig.legs, nxt.legs),
                  fig.scale, fig.color, pick(fig.action_id, other).astype(int))


def make_video(rng: np.random.Generator, spec: AVASetSpec) -> tuple[np.ndarray, list[Figure]]:
    """Render one video (T, H, W, 3 uint8 BGR) with 1..max_persons figures; return it and them."""
    count = int(rng.integers(1, spec.max_persons + 1))
    bands = [(0, spec.width)] if count == 1 else [(0, spec.width / 2), (spec.width / 2, spec.width)]
    figures = [_figure(int(rng.integers(1, len(ACTIONS) + 1)), rng, spec.frames, spec.fps,
                       spec.width, spec.height, band, spec.look_alike) for band in bands]
    if spec.switch and spec.seconds >= 3:
        figures = [_switched(fig, rng, spec, band) if rng.random() < spec.switch else fig
                   for fig, band in zip(figures, bands)]
    top, bottom = rng.integers(0, 70, 3), rng.integers(0, 70, 3)
    ramp = np.linspace(0, 1, spec.height)[:, None, None]
    background = (top * (1 - ramp) + bottom * ramp).repeat(spec.width, axis=1)
    video = np.empty((spec.frames, spec.height, spec.width, 3), np.uint8)
    for i in range(spec.frames):
        canvas = background.astype(np.uint8).copy()
        for fig in figures:
            _draw(canvas, fig, i)
        noisy = canvas + rng.normal(0, spec.noise, canvas.shape) if spec.noise else canvas
        video[i] = np.clip(noisy, 0, 255).astype(np.uint8)
    return video, figures


def figure_boxes(frame: np.ndarray, threshold: int = 110, min_area: int = 25, margin: float = 3.0
                 ) -> np.ndarray:
    """A person detector for this synthetic world: (N, 5) pixel boxes + score 1 of the bright figures.

    The figures are drawn in colours >= 150 on a background <= 70 plus noise, so a threshold on the
    brightest channel and connected components find them; `margin` pads each blob by about what the
    annotated boxes add around the joints. A real video needs a real detector (lesson 02).
    """
    mask = (np.asarray(frame).max(axis=2) > threshold).astype(np.uint8)
    mask = cv2.dilate(mask, np.ones((3, 3), np.uint8))
    count, _, stats, _ = cv2.connectedComponentsWithStats(mask)
    h, w = mask.shape
    boxes = [[max(0.0, x - margin), max(0.0, y - margin), min(float(w), x + bw + margin),
              min(float(h), y + bh + margin), 1.0]
             for x, y, bw, bh, area in stats[1:count] if area >= min_area]
    return np.array(sorted(boxes), dtype=np.float32).reshape(-1, 5)


def jitter_boxes(boxes: np.ndarray, rng: np.random.Generator, jitter: float) -> np.ndarray:
    """Move each corner of normalised boxes by N(0, jitter x box size); keep them valid in [0, 1]."""
    boxes = np.asarray(boxes, dtype=np.float64).reshape(-1, 4)
    size = np.concatenate([boxes[:, 2:] - boxes[:, :2]] * 2, axis=1)
    out = np.clip(boxes + rng.normal(0, jitter, boxes.shape) * size, 0, 1)
    out[:, 2:] = np.maximum(out[:, 2:], np.minimum(out[:, :2] + 0.02, 1))
    out[:, :2] = np.minimum(out[:, :2], out[:, 2:] - 0.01)
    return np.round(out, 3)


def degrade_proposals(proposals: dict[str, np.ndarray], jitter: float = 0.0, miss: float = 0.0,
                      seed: int = 0) -> dict[str, np.ndarray]:
    """Return a worse person detector's proposals: corners jittered, a fraction of persons missed.

    A keyframe that loses all its persons keeps none (AVADataset then scores the whole frame).
    """
    rng = np.random.default_rng(seed)
    out = {}
    for key in sorted(proposals):
        boxes = np.asarray(proposals[key], dtype=np.float64)
        keep = rng.random(len(boxes)) >= miss
        kept = boxes[keep]
        if jitter and len(kept):
            kept = np.concatenate([jitter_boxes(kept[:, :4], rng, jitter), kept[:, 4:]], axis=1)
        if len(kept):
            out[key] = kept
    return out


def proposals_from_rows(rows: list[ava.AVARow], rng: np.random.Generator | None = None,
                        jitter: float = 0.0) -> dict[str, np.ndarray]:
    """Build a proposal dict from annotation rows: one (x1, y1, x2, y2, score) per person box."""
    out: dict[str, list] = {}
    for key, persons in ava.group_by_keyframe(rows).items():
        boxes = np.array([box for box, _, _ in persons], dtype=np.float64)
        if rng is not None and jitter:
            boxes = jitter_boxes(boxes, rng, jitter)
            scores = np.round(rng.uniform(0.92, 1.0, (len(boxes), 1)), 3)
        else:
            scores = np.ones((len(boxes), 1))
        out[key] = np.concatenate([boxes, scores], axis=1)
    return out


@dataclass(frozen=True)
class AVASet:
    """Paths of a generated set (what configs and the lesson need)."""

    root: Path
    rawframes: Path
    annotations: Path
    label_map: Path
    spec: AVASetSpec

    def csv(self, split: str) -> Path:
        """The annotation CSV of a split (`train` or `val`)."""
        return self.annotations / f'ava_{split}.csv'

    def proposals(self, split: str) -> Path:
        """The person-proposal pickle of a split."""
        return self.annotations / f'ava_dense_proposals_{split}.pkl'

    def excluded(self, split: str) -> Path:
        """The excluded-timestamps CSV of a split."""
        return self.annotations / f'ava_{split}_excluded_timestamps.csv'

    @property
    def gt_proposals(self) -> Path:
        """The validation keyframes' true boxes as a proposal file (a perfect person detector)."""
        return self.annotations / 'ava_val_gt_proposals.pkl'

    def frames(self, video_id: str) -> np.ndarray:
        """Read a video's frames back as (T, H, W, 3) RGB uint8."""
        files = sorted((self.rawframes / video_id).glob('img_*.jpg'))
        if not files:
            raise MissingFileError(f'No frames in {self.rawframes / video_id}: generate the set '
                                    'with generate_ava_actions().')
        return np.stack([cv2.cvtColor(cv2.imread(str(f)), cv2.COLOR_BGR2RGB) for f in files])


def _paths(root: Path, spec: AVASetSpec) -> AVASet:
    return AVASet(root, root / 'rawframes', root / 'annotations',
                  root / 'annotations' / 'ava_action_list.pbtxt', spec)


def existing_set(root: str | os.PathLike) -> AVASet:
    """Return the paths of an AVA-format set written by a prepare script (e.g. JHMDB's), checked."""
    root = Path(root)
    paths = AVASet(root, root / 'rawframes', root / 'annotations',
                   root / 'annotations' / 'ava_action_list.pbtxt', None)  # type: ignore[arg-type]
    needed = [paths.csv('train'), paths.csv('val'), paths.label_map, paths.proposals('val'),
              paths.gt_proposals]
    missing = [p for p in needed if not p.exists()]
    if missing:
        raise MissingFileError(f'{root} lacks {[p.name for p in missing]}: prepare it first, e.g. '
                                f'`python data_scripts/prepare_jhmdb_ava.py --root {root}`.')
    return paths


def generate_ava_actions(root: str | os.PathLike, spec: AVASetSpec = AVASetSpec(),
                         progress: bool = True) -> AVASet:
    """Write frames, CSVs, label map, proposals and exclusions of the set; skip it if done."""
    root = Path(root)
    paths = _paths(root, spec)
    if same_spec(root / SPEC_FILE, asdict(spec), refuse='an AVA set') and all(p.exists() for p in (paths.csv('val'), paths.gt_proposals)):
        return paths
    rows: dict[str, list[ava.AVARow]] = {'train': [], 'val': []}
    jobs = [('train', i) for i in range(spec.train_videos)] + [('val', i) for i in range(spec.val_videos)]
    for split, i in tqdm(jobs, desc='AVA-format videos', unit='video', disable=not progress):
        video_id = f'{split}_{i:03d}'
        rng = np.random.default_rng([spec.seed, split == 'val', i])
        video, figures = make_video(rng, spec)
        folder = paths.rawframes / video_id
        folder.mkdir(parents=True, exist_ok=True)
        for k, frame in enumerate(video, start=1):
            cv2.imwrite(str(folder / f'img_{k:05d}.jpg'), frame, [cv2.IMWRITE_JPEG_QUALITY, 92])
        for ts in spec.timestamps:
            f = keyframe_index(ts, spec.fps)
            for pid, fig in enumerate(figures):
                rows[split].append(ava.AVARow(video_id, ts, fig.box(f, spec.width, spec.height),
                                              fig.action_at(f), pid))
    ava.write_label_map(paths.label_map, ACTIONS)
    rng = np.random.default_rng([spec.seed, 7])
    for split in ('train', 'val'):
        ava.write_csv(paths.csv(split), rows[split], ACTIONS)
        ava.write_proposals(paths.proposals(split),
                            proposals_from_rows(rows[split], rng, spec.proposal_jitter))
        write_text_atomic(paths.excluded(split), '')  # no keyframe excluded (AVA lists broken ones)
    ava.write_proposals(paths.gt_proposals, proposals_from_rows(rows['val']))
    (root / SPEC_FILE).write_text(json.dumps(asdict(spec), indent=1))
    return paths
