"""Spatio-temporal action detection on a video, as mmaction2's `demo_spatiotemporal_det.py` does it.

1. keyframes every `stepsize` frames, where the model's whole clip (clip_len x frame_interval) fits;
2. a person detector gives boxes on each keyframe (`course_lib.inference.persons`);
3. the AVA model (SlowOnly + RoI head, `FastRCNN`) takes the clip around the keyframe and those
   boxes, and scores every AVA action for every box (multi-label: sigmoid per class);
4. each output frame shows the boxes and actions of its nearest keyframe; moviepy writes the MP4.

Used in lesson 02 (and lesson 07 for its own models).
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping, Sequence

import cv2
import numpy as np
import torch
from mmaction.registry import MODELS
from mmaction.structures import ActionDataSample
from mmengine.config import Config
from mmengine.registry import DefaultScope
from mmengine.structures import InstanceData
from tqdm.auto import tqdm

from .. import validate
from .. import standalone_demo
from ..data.ava import clip_sampling
from ..errors import InputError
from ..output import quiet
from ..settings import device as default_device
from ..standalone_demo import clip_indices, resize_short  # noqa: F401 (re-exported)
from ..video import VideoSource, VideoWriter, write_video
from ..video.source import progress_bar
from . import installed_config
from .persons import PersonDetector, detect_persons

AVA_CONFIG = ('mmaction::detection/slowonly/'
              'slowonly_kinetics400-pretrained-r101_8xb16-8x8x1-20e_ava21-rgb.py')
BOX_COLOR = (255, 200, 0)  # bright on dark clothes
LABEL_COLORS = [(3, 4, 94), (2, 62, 138), (0, 119, 182), (0, 150, 199), (0, 180, 216)]  # demo's


@dataclass
class KeyframeActions:
    """The action scores of every person box on one keyframe."""

    frame: int  # 0-based index in the video
    boxes: np.ndarray  # (N, 4) pixel x1, y1, x2, y2 in the original frame, as the model returned them
    scores: np.ndarray  # (N, num_classes); column c is the score of label-map id c (0: background)

    def top(self, label_map: Mapping[int, str], thr: float = 0.5, k: int = 3
            ) -> list[list[tuple[str, float]]]:
        """Return, per box, up to k (name, score) pairs with score >= thr, best first."""
        out = []
        for row in self.scores:
            ids = [i for i in np.argsort(-row) if i in label_map and row[i] >= thr][:k]
            out.append([(label_map[i], float(row[i])) for i in ids])
        return out


@dataclass
class SpatioTemporalResult:
    """What the demo produced: keyframe predictions, the person boxes and the rendered video."""

    predictions: list[KeyframeActions]
    persons: dict[int, np.ndarray]
    video: Path | None = None
    frame_size: tuple[int, int] = (0, 0)  # (height, width) of the rendered frames
    notes: list[str] = field(default_factory=list)

    def actions(self, label_map: Mapping[int, str], thr: float = 0.5, k: int = 3) -> dict:
        """Plain results: {keyframe: [(box x1, y1, x2, y2), [(action, score), ...]] per person}."""
        return {p.frame: [(tuple(float(v) for v in box), labels) for box, labels in
                          zip(p.boxes, p.top(label_map, thr, k))] for p in self.predictions}


def load_ava_model(checkpoint: str | os.PathLike | None, config: str = AVA_CONFIG,
                   cfg_options: dict | None = None, device: str | None = None):
    """Build the AVA detector from an installed config; load a checkpoint (None: random weights)."""
    cfg = Config.fromfile(str(installed_config(config)))
    if cfg_options:
        cfg.merge_from_dict(cfg_options)
    cfg.model.init_cfg = None  # the Kinetics init is overwritten by the AVA checkpoint anyway
    cfg.model.backbone.pretrained = None
    cfg.model.test_cfg = dict(rcnn=dict(action_thr=0.0))  # a score for every class and box
    with DefaultScope.overwrite_default_scope('mmaction'):
        model = MODELS.build(cfg.model)
    if checkpoint is not None:
        from ..checkpoints import load_checked
        load_checked(model, checkpoint)
    else:  # the untrained state training starts from (PyTorch's defaults saturate the sigmoids)
        with quiet(stdout=False):  # init_weights logs one line per parameter
            model.init_weights()
    return model.to(device or default_device()).eval(), cfg  # cuda in the full profile on a GPU


def keyframes(num_frames: int, clip_len: int, frame_interval: int, stepsize: int) -> list[int]:
    """The keyframes of a video (every `stepsize` frames whose clip fits; the deployed demo's rule);
    in CI's dry run of the full profile, only the first few (its evaluation samples)."""
    from ..dryrun import capped
    keys = standalone_demo.keyframes(num_frames, clip_len, frame_interval, stepsize)
    return keys[:capped(len(keys), 'eval_samples')]


def _num_classes(model) -> int:
    """The number of action scores a model gives each box (0 when it does not say)."""
    head = getattr(getattr(model, 'roi_head', None), 'bbox_head', None)
    return int(getattr(head, 'num_classes', 0) or getattr(model, 'num_classes', 0) or 0)


def predict_actions(model, frames: np.ndarray, persons: Mapping[int, np.ndarray],
                    clip_len: int, frame_interval: int, short_side: int | None = 256,
                    progress: bool = True) -> list[KeyframeActions]:
    """Score every action for every person box on each keyframe in `persons` ({frame: (N,4|5)}).

    `model` is the PyTorch AVA model, or an exported IR with a `score_keyframe(frames, keyframe,
    boxes)` method (lesson 08's `ActionDetectorIR`), which samples and resizes its clip itself.
    """
    frames = validate.video_array(np.asarray(frames))  # uint8 RGB: floats would change the scores
    from ..dryrun import active
    if active() is not None and short_side is not None:  # CI's dry run: a small input size
        short_side = active().scale(short_side)
    out = []
    for k in tqdm(sorted(persons), desc='action detection', disable=not progress, leave=False):
        boxes = np.asarray(persons[k], dtype=np.float32).reshape(-1, persons[k].shape[-1])[:, :4]
        if len(boxes) == 0:
            out.append(KeyframeActions(k, np.zeros((0, 4)), np.zeros((0, _num_classes(model)))))
            continue
        if hasattr(model, 'score_keyframe'):  # an exported IR (standalone_demo.ActionDetectorIR)
            out.append(KeyframeActions(k, boxes, model.score_keyframe(frames, k, boxes)))
            continue
        idx = clip_indices(k, clip_len, frame_interval)
        if idx.min() < 0 or idx.max() >= len(frames):
            raise InputError(f'Keyframe {k}: its clip (frames {idx.min()}..{idx.max()}) leaves the '
                             f'{len(frames)}-frame video; choose keyframes with keyframes().')
        clip, sx, sy = resize_short(frames[idx], short_side)
        h, w = clip.shape[1:3]
        sample = ActionDataSample()
        scale = np.array([sx, sy, sx, sy], dtype=np.float32)
        sample.proposals = InstanceData(bboxes=torch.from_numpy(boxes * scale))
        sample.set_metainfo(dict(img_shape=(h, w)))
        inputs = torch.from_numpy(np.ascontiguousarray(clip.transpose(3, 0, 1, 2)))  # C, T, H, W
        with torch.no_grad():
            data = model.data_preprocessor({'inputs': [inputs], 'data_samples': [sample]}, False)
            pred = model(data['inputs'], data['data_samples'], mode='predict')[0].pred_instances
        size = np.array([frames.shape[2], frames.shape[1]] * 2, dtype=np.float32)
        out.append(KeyframeActions(k, pred.bboxes.cpu().numpy() * size,  # normalised -> pixels
                                   pred.scores.cpu().numpy()))
    return out


def abbrev(name: str) -> str:
    """Shorten AVA names as the demo does: 'take (an object) from (a person)' -> 'take ... from ...'."""
    while '(' in name and ')' in name[name.find('('):]:
        start, end = name.find('('), name.find(')', name.find('('))
        name = name[:start] + '...' + name[end + 1:]
    return name


def draw_actions(frame: np.ndarray, boxes: np.ndarray,
                 labels: Sequence[Sequence[tuple[str, float | None]]], scale: float = 1.0) -> np.ndarray:
    """Return a frame (upscaled by `scale`) with person boxes and their action labels drawn.

    Each label is (action, score); a score of None (ground truth) draws the action's name alone.
    """
    if scale != 1:
        frame = cv2.resize(frame, None, fx=scale, fy=scale, interpolation=cv2.INTER_LINEAR)
    out = np.ascontiguousarray(frame).copy()
    font, size = cv2.FONT_HERSHEY_DUPLEX, 0.45
    for box, box_labels in zip(boxes, labels):
        x1, y1, x2, y2 = (int(round(v * scale)) for v in box[:4])
        cv2.rectangle(out, (x1, y1), (x2, y2), BOX_COLOR, 2)
        for j, (name, score) in enumerate(box_labels[:len(LABEL_COLORS)]):
            text = abbrev(name) if score is None else f'{abbrev(name)}: {score:.2f}'
            (tw, th), _ = cv2.getTextSize(text, font, size, 1)
            y = y1 + 16 + 16 * j
            cv2.rectangle(out, (x1, y - th - 3), (x1 + tw + 2, y + 3), LABEL_COLORS[j], -1)
            cv2.putText(out, text, (x1 + 1, y), font, size, (255, 255, 255), 1, cv2.LINE_AA)
    return out


def nearest_prediction(i: int, predictions: Sequence[KeyframeActions], max_distance: int
                       ) -> KeyframeActions | None:
    """Return the keyframe prediction closest to frame i, if within max_distance frames."""
    if not predictions:
        return None
    best = min(predictions, key=lambda p: abs(p.frame - i))
    return best if abs(best.frame - i) <= max_distance else None


def caption(frame: np.ndarray, text: str) -> np.ndarray:
    """Return a frame with a line of text on a dark band at its bottom (e.g. 'synthetic data')."""
    import cv2
    out = np.ascontiguousarray(frame).copy()
    h = out.shape[0]
    out[h - 16:] = (out[h - 16:] * 0.3).astype(out.dtype)
    cv2.putText(out, text, (4, h - 4), cv2.FONT_HERSHEY_SIMPLEX, 0.4, (255, 255, 255), 1, cv2.LINE_AA)
    return out


def rendered_ids(num_frames: int, predictions: Sequence[KeyframeActions], stepsize: int,
                 output_stepsize: int = 1) -> range:
    """The frames an output video shows: every output_stepsize-th around the keyframes (demo's rule)."""
    first = predictions[0].frame - stepsize // 2 if predictions else 0
    last = predictions[-1].frame + (stepsize - 1) // 2 if predictions else num_frames - 1
    return range(max(0, first), min(num_frames, last + 1), output_stepsize)


def render_frame(i: int, frame: np.ndarray, predictions: Sequence[KeyframeActions],
                 label_map: Mapping[int, str], stepsize: int, action_thr: float = 0.5,
                 top_k: int = 3, scale: float = 1.0, note: str | None = None) -> np.ndarray:
    """Draw frame i with the boxes and actions of its nearest keyframe (and the note, if any)."""
    pred = nearest_prediction(i, predictions, stepsize // 2)
    if pred is None or len(pred.boxes) == 0:
        out = draw_actions(frame, np.zeros((0, 4)), [], scale)
    else:
        out = draw_actions(frame, pred.boxes, pred.top(label_map, action_thr, top_k), scale)
    return caption(out, note) if note else out


def render(frames: np.ndarray, predictions: Sequence[KeyframeActions], label_map: Mapping[int, str],
           stepsize: int, output_stepsize: int = 1, action_thr: float = 0.5, top_k: int = 3,
           min_short_side: int = 288, note: str | None = None) -> list[np.ndarray]:
    """Draw each output frame with the boxes and actions of its nearest keyframe (demo style).

    `note` is written at the bottom of every frame (say there what the video is: synthetic data,
    random weights...).
    """
    scale = max(1.0, min_short_side / min(frames.shape[1:3]))
    return [render_frame(i, frames[i], predictions, label_map, stepsize, action_thr, top_k, scale,
                         note) for i in rendered_ids(len(frames), predictions, stepsize, output_stepsize)]


def keyframe_windows(source: VideoSource, keys: Sequence[int], clip_len: int, frame_interval: int,
                     bar=None):
    """Yield (keyframe, frames, first) in one pass: `frames` holds the video's frames first.. up to
    the end of the keyframe's clip (only those are kept, so memory does not grow with the video)."""
    spans = [(k, int(min(clip_indices(k, clip_len, frame_interval).min(), k)),
              int(max(clip_indices(k, clip_len, frame_interval).max(), k))) for k in sorted(keys)]
    held: dict[int, np.ndarray] = {}
    at = 0
    for frame in source:
        held[frame.index] = frame.image
        if bar is not None:
            bar.update()
        while at < len(spans) and spans[at][2] <= frame.index:
            k, lo, hi = spans[at]
            yield k, np.stack([held[i] for i in range(lo, hi + 1)]), lo
            at += 1
        if at == len(spans):
            return
        for old in [i for i in held if i < spans[at][1]]:
            del held[old]


def draw_outcome(frame: np.ndarray, outcome, label_map: Mapping[int, str], scale: float = 3.0
                 ) -> np.ndarray:
    """Draw one person's outcome (course_lib.metrics.person_outcomes): the true box in green, the
    closest scored box in red, and below the frame what each says."""
    import cv2
    h, w = frame.shape[:2]
    size = np.array([w, h, w, h], dtype=float) * scale
    out = cv2.resize(frame, None, fx=scale, fy=scale, interpolation=cv2.INTER_LINEAR)
    green, red = (40, 200, 60), (230, 40, 40)
    lines = [(f'true: {" + ".join(label_map.get(a, str(a)) for a in outcome.true_actions)}', green)]
    for box, color in ((outcome.box, green), (outcome.predicted_box, red)):
        if box is not None:
            x1, y1, x2, y2 = (int(round(v)) for v in np.asarray(box) * size)
            cv2.rectangle(out, (x1, y1), (x2, y2), color, 2)
    if outcome.predicted_box is not None:
        best = outcome.predicted
        lines.append((f'model: {label_map.get(best, best)} {outcome.scores[best]:.2f}, '
                      f'IoU {outcome.best_iou:.2f}', red))
    band = np.full((20 * len(lines) + 6, out.shape[1], 3), 255, dtype=out.dtype)
    for j, (text, color) in enumerate(lines):
        cv2.putText(band, text, (6, 18 + 20 * j), cv2.FONT_HERSHEY_DUPLEX, 0.45, color, 1,
                    cv2.LINE_AA)
    return np.concatenate([out, band], axis=0)


def predict_split(model, cfg, proposal_file: str | os.PathLike | None = None,
                  progress: bool = True) -> list:
    """Run a trained AVA model over the config's test split (optionally with other person
    proposals); return mmaction's predicted data samples (for AVAMetric or `metrics.ava_frame_map.frame_ap`)."""
    import copy

    import torch
    from mmengine.registry import DefaultScope
    from mmengine.runner import Runner

    from ..output import quiet
    loader_cfg = copy.deepcopy(cfg.test_dataloader)
    if proposal_file is not None:
        loader_cfg['dataset']['proposal_file'] = str(proposal_file)
    with quiet(), DefaultScope.overwrite_default_scope('mmaction'):  # AVADataset logs frame counts
        loader = Runner.build_dataloader(loader_cfg)
    model.eval()
    samples = []
    with torch.no_grad():
        for batch in tqdm(loader, desc='keyframes', disable=not progress, leave=False):
            samples += model.test_step(batch)
    return samples


def run_demo(frames: np.ndarray, detector: PersonDetector, model, cfg, label_map: Mapping[int, str],
             out_path: str | os.PathLike | None = None, stepsize: int = 8,
             output_stepsize: int = 4, output_fps: float = 6, short_side: int | None = 256,
             action_thr: float = 0.5, note: str | None = None) -> SpatioTemporalResult:
    """Detect persons on keyframes, score their actions, and write the annotated MP4 (demo's steps).

    `note` is burned into the bottom of every rendered frame (e.g. that the action model has random
    weights), so the video says what it is wherever it is played.
    """
    clip_len, interval = clip_sampling(cfg)
    keys = keyframes(len(frames), clip_len, interval, stepsize)
    if not keys:
        raise InputError(f'The video has {len(frames)} frames; the model needs at least '
                         f'{clip_len * interval} (clip_len {clip_len} x frame_interval {interval}).')
    persons = detect_persons(frames, detector, keys)
    predictions = predict_actions(model, frames, persons, clip_len, interval, short_side)
    result = SpatioTemporalResult(predictions, persons)
    if out_path is not None:
        rendered = render(frames, predictions, label_map, stepsize, output_stepsize, action_thr,
                          note=note)
        result.video = write_video(out_path, rendered, fps=output_fps)
        h, w = rendered[0].shape[:2]
        result.frame_size = (h - h % 2, w - w % 2)  # write_video keeps even sizes (yuv420p)
    return result


class SpatioTemporalDetector:
    """A person detector and an AVA-type model: call it on a video file, a frame folder or an array.

    The same steps as `run_demo` (keyframes every `stepsize` frames, persons on each, actions of
    each person box), returning a SpatioTemporalResult; `show` renders it to an MP4 for the player.
    `model` may also be the IR exported in lesson 08 (`standalone_demo.ActionDetectorIR`,
    with `cfg=None`), as `recognize` takes an `IRRecognizer`. `person_detector` is a function
    (frame -> (N, 5) boxes + scores) or a mapping {keyframe index: (N, 5)} of boxes known beforehand
    (a data set's proposals, `course_lib.export.stdet.video_proposals`): its keys are the keyframes.
    """

    def __init__(self, model, cfg, person_detector: PersonDetector | Mapping[int, np.ndarray],
                 label_map: Mapping[int, str],
                 stepsize: int = 8, short_side: int | None = 256, action_thr: float = 0.5) -> None:
        from ..validate import fraction_value, positive
        positive('stepsize', stepsize)
        if short_side is not None:
            positive('short_side', short_side)
        fraction_value('action_thr', action_thr)
        self.model, self.cfg, self.person_detector = model, cfg, person_detector
        self.label_map, self.stepsize = dict(label_map), stepsize
        self.short_side, self.action_thr = short_side, action_thr

    def sampling(self) -> tuple[int, int]:
        """(clip_len, frame_interval): from the config, or from an IR that carries them (cfg None)."""
        if self.cfg is None:
            if not hasattr(self.model, 'clip_len'):
                raise InputError('Pass the config of a PyTorch model (cfg=None works for an exported '
                                 'IR, which carries its clip sampling).')
            return int(self.model.clip_len), int(self.model.frame_interval)
        return clip_sampling(self.cfg)

    def source(self, video, fps: float | None = None) -> VideoSource:
        """The video as a VideoSource (an array without a rate is read at 25 fps, as before)."""
        if isinstance(video, VideoSource):
            return video
        clip_len, interval = self.sampling()
        return VideoSource(video, fps if fps else (25.0 if isinstance(video, np.ndarray) else None),
                           min_frames=clip_len * interval, kinds=('video', 'frames', 'array'))

    def __call__(self, video, fps: float | None = None, progress: bool = True
                 ) -> SpatioTemporalResult:
        """Detect persons on the keyframes and score their actions (one streaming pass)."""
        clip_len, interval = self.sampling()
        source = self.source(video, fps)
        known = isinstance(self.person_detector, Mapping)  # boxes given per keyframe (a data set's proposals)
        keys = sorted(k for k in map(int, self.person_detector) if 0 <= k < len(source)) if known else \
            keyframes(len(source), clip_len, interval, self.stepsize)
        if not keys:
            raise InputError(f'{source.name} has {len(source)} frames; the model needs at least '
                             f'{clip_len * interval} (clip_len {clip_len} x frame_interval {interval}). '
                             'Give a longer video.')
        persons, predictions = {}, []
        bar = progress_bar(len(source), 'persons and actions', disable=not progress)
        for k, frames, first in keyframe_windows(source, keys, clip_len, interval, bar):
            boxes = self.person_detector[k] if known else self.person_detector(frames[k - first])
            persons[k] = np.asarray(boxes, dtype=float).reshape(-1, 5)
            pred = predict_actions(self.model, frames, {k - first: persons[k]}, clip_len, interval,
                                   self.short_side, progress=False)[0]
            predictions.append(KeyframeActions(k, pred.boxes, pred.scores))
        bar.close()
        return SpatioTemporalResult(predictions, persons)

    def show(self, video, result: SpatioTemporalResult, out_path: str | os.PathLike,
             fps: float = 6, output_stepsize: int = 4, note: str | None = None,
             min_short_side: int = 288) -> Path:
        """Render the result's boxes and actions on the video's frames into an MP4 (frame by frame);
        return its path."""
        source = self.source(video)
        ids = rendered_ids(len(source), result.predictions, self.stepsize, output_stepsize)
        with VideoWriter(out_path, fps) as writer:
            for frame in source.frames(ids):
                scale = max(1.0, min_short_side / min(frame.image.shape[:2]))
                drawn = render_frame(frame.index, frame.image, result.predictions, self.label_map,
                                     self.stepsize, self.action_thr, scale=scale, note=note)
                writer.write(drawn)
        h, w = drawn.shape[:2]
        result.video, result.frame_size = Path(out_path), (h - h % 2, w - w % 2)  # yuv420p: even
        return result.video
