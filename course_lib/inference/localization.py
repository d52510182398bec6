"""Temporal action detection on a raw video: the two-stage pipeline of "Lesson 10" (part 4), run end to end.

    frames -> clip features from a recognizer's backbone (one vector per window of frames)
           -> rescaled to BMN's temporal scale (ActivityNet's "csv_mean_100" step)
           -> BMNwActionCls -> segments with an action label and a score

mmaction2 ships BMN for precomputed features only; this module makes the features from the video
itself, with the recognizer trained in lesson 03 (smoke) or a Kinetics-pretrained one (full).
`build_feature_set` writes a training set in ActivityNet's on-disk format from generated untrimmed
videos, so BMNwActionCls trains with the same Runner and configs as in lessons 04-05.
Used in lesson 05.
"""
from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Mapping, Sequence

import cv2
import numpy as np
import torch
from mmaction.apis import init_recognizer
from mmaction.registry import MODELS
from mmaction.structures import ActionDataSample
from tqdm.auto import tqdm

from .._util import same_spec
from ..dryrun import capped_spec
from ..data.activitynet import write_annotations, write_features
from ..data.synthetic.untrimmed_motion import UntrimmedSpec, render_untrimmed, video_info, video_name
from ..errors import InputError
from ..segments import Segment, temporal_iou, to_segment
from ..video import VideoSource, write_video
from ..video.source import progress_bar



@dataclass(frozen=True)
class Windows:
    """How clip features sample a video: clip_len frames, frame_interval apart, every stride frames."""

    clip_len: int = 8
    frame_interval: int = 2
    stride: int = 4
    input_size: int = 32

    def __post_init__(self) -> None:
        from ..validate import positive
        for name in ('clip_len', 'frame_interval', 'stride', 'input_size'):
            positive(name, getattr(self, name))

    @classmethod
    def from_config(cls, cfg, stride: int = 4) -> 'Windows':
        """Read clip length, frame interval and input size from a recognizer config's test pipeline."""
        steps = {s['type']: s for s in cfg.test_dataloader.dataset.pipeline}
        sample = steps['SampleFrames']
        size = next((s.get('scale') or s.get('crop_size') for s in cfg.test_dataloader.dataset.pipeline
                     if s['type'] in ('Resize', 'CenterCrop')), 224)
        size = size if isinstance(size, int) else size[-1] if size[-1] > 0 else size[0]
        return cls(sample['clip_len'], sample['frame_interval'], stride, int(size))

    def indices(self, num_frames: int) -> np.ndarray:
        """Frame indices (windows, clip_len), one row per window centred on stride-frame steps."""
        span = self.clip_len * self.frame_interval
        centers = np.arange(self.stride / 2, num_frames, self.stride)
        starts = np.round(centers - span / 2).astype(int)
        rows = starts[:, None] + np.arange(self.clip_len) * self.frame_interval
        return np.clip(rows, 0, num_frames - 1)


@torch.no_grad()
def clip_features(recognizer, frames: np.ndarray | VideoSource, windows: Windows = Windows(),
                  batch_size: int = 64, progress: bool = False) -> np.ndarray:
    """Return (windows, C) features: the recognizer's backbone output, averaged over time and space.

    `frames` is an RGB array or a VideoSource, read in one pass on its time grid: only the frames
    of the windows not yet scored are held (memory does not grow with the video's length).
    """
    recognizer.eval()
    if isinstance(frames, VideoSource):
        count, stream = len(frames), (f.image for f in frames.frames(frames.grid()))
    else:
        count, stream = len(frames), iter(frames)
    size = windows.input_size
    prep = recognizer.data_preprocessor
    device = prep.mean.device  # cuda when the recognizer is there (full profile on a GPU)
    mean, std = prep.mean.view(3, 1, 1).cpu(), prep.std.view(3, 1, 1).cpu()
    rows = windows.indices(count)
    held: dict[int, torch.Tensor] = {}
    batch, out, row = [], [], 0

    def flush() -> None:
        if batch:
            out.append(recognizer.backbone(torch.stack(batch).to(device)).mean(dim=(2, 3, 4)).cpu())
            batch.clear()

    bar = progress_bar(count, 'clip features', disable=not progress)
    for pos, image in enumerate(stream):
        small = cv2.resize(image, (size, size), interpolation=cv2.INTER_LINEAR)
        held[pos] = (torch.from_numpy(small).float().permute(2, 0, 1) - mean) / std  # C, H, W
        while row < len(rows) and rows[row][-1] <= pos:
            batch.append(torch.stack([held[i] for i in rows[row]], dim=1))  # C, T, H, W
            row += 1
            if len(batch) == batch_size:
                flush()
        first_needed = rows[row][0] if row < len(rows) else pos + 1
        for old in [i for i in held if i < first_needed]:
            del held[old]
        bar.update()
    bar.close()
    flush()
    return torch.cat(out).numpy()


def rescale_features(features: np.ndarray, temporal_dim: int) -> np.ndarray:
    """Linearly interpolate (N, C) window features to (temporal_dim, C), both sampled at cell centres."""
    features = np.asarray(features, dtype=np.float32)
    if features.ndim != 2 or len(features) < 1:
        raise InputError(f'features must be a non-empty (windows, channels) array, got {features.shape}.')
    n = len(features)
    src = (np.arange(n) + 0.5) / n
    dst = (np.arange(temporal_dim) + 0.5) / temporal_dim
    pos = np.clip(np.interp(dst, src, np.arange(n)), 0, n - 1)
    low = np.floor(pos).astype(int)
    high = np.minimum(low + 1, n - 1)
    weight = (pos - low)[:, None].astype(np.float32)
    return (1 - weight) * features[low] + weight * features[high]


@dataclass
class Localization:
    """The segments found in one video (seconds, best first) and the video's duration."""

    duration: float
    segments: list[Segment]
    features: np.ndarray | None = field(default=None, repr=False)

    def top(self, k: int) -> list[Segment]:
        """The k best-scoring segments."""
        return self.segments[:k]

    def plot(self, gt: Sequence = (), top_k: int = 5, title: str | None = None, **kwargs):
        """Draw the top segments on a timeline under the ground truth (if given)."""
        from ..viz.timeline import plot_timeline  # here: only this plotting helper needs viz
        return plot_timeline(self.duration, gt=gt, pred=self.segments, top_k=top_k, title=title,
                             **kwargs)


def segment_recall(gt: Sequence[Segment], pred: Sequence[Segment], tiou: float = 0.5,
                   same_label: bool = False) -> float:
    """The fraction of GT segments that some predicted segment overlaps with tIoU >= tiou."""
    from ..validate import fraction_value
    fraction_value('tiou', tiou)
    if not gt:
        return 1.0
    found = sum(any(temporal_iou(g, p) >= tiou and (not same_label or g.label == p.label)
                    for p in pred) for g in gt)
    return found / len(gt)


class TemporalActionDetector:
    """A recognizer backbone and a BMNwActionCls: call it on a raw video, get labelled segments."""

    def __init__(self, recognizer, bmn, classes: Sequence[str], windows: Windows) -> None:
        self.recognizer, self.bmn, self.classes, self.windows = recognizer, bmn, list(classes), windows

    @classmethod
    def from_configs(cls, recognizer_config: str, recognizer_checkpoint: str | os.PathLike,
                     bmn_config: str, bmn_checkpoint: str | os.PathLike,
                     stride: int = 4) -> 'TemporalActionDetector':
        """Build both models from course configs and load their checkpoints (cuda in the full
        profile on a GPU, else the CPU)."""
        from ..checkpoints import load_checked
        from ..configs import load_config
        from ..settings import device
        rec_cfg = load_config(recognizer_config)
        recognizer = load_checked(init_recognizer(rec_cfg, None, device=device()), recognizer_checkpoint)
        bmn_cfg = load_config(bmn_config)
        bmn = load_checked(MODELS.build(bmn_cfg.model), bmn_checkpoint)
        bmn.to(device()).eval()
        return cls(recognizer, bmn, bmn_cfg.classes, Windows.from_config(rec_cfg, stride))

    def features(self, frames: np.ndarray | VideoSource, progress: bool | None = None) -> np.ndarray:
        """(temporal_dim, C) features of RGB frames or a VideoSource, ready for the BMN (a bar on
        long videos)."""
        progress = len(frames) > 2000 if progress is None else progress
        return rescale_features(clip_features(self.recognizer, frames, self.windows,
                                              progress=progress), self.bmn.tscale)

    @torch.no_grad()
    def __call__(self, video: str | os.PathLike | np.ndarray, fps: float | None = None,
                 name: str = 'video', progress: bool | None = None) -> Localization:
        """Find the actions in a video file, a frame folder, an RGB array (give fps) or a VideoSource.

        Times come from the decoded timestamps (the source's duration); the video is read in one
        streaming pass."""
        window = self.windows.clip_len * self.windows.frame_interval
        source = video if isinstance(video, VideoSource) else VideoSource(
            video, fps, min_frames=window, kinds=('video', 'frames', 'array'))  # one whole clip at least
        if len(source) < window:
            from ..validate import video_array
            video_array(np.zeros((len(source), 1, 1, 3), np.uint8), window, source.name)
        return self.localize(self.features(source, progress), len(source), source.fps, name)

    @torch.no_grad()
    def localize(self, features: np.ndarray, num_frames: int, fps: float,
                 name: str = 'video') -> Localization:
        """Run the BMN on features already computed (`features`) of a video of num_frames at fps."""
        meta = dict(video_name=name, duration_second=num_frames / fps, duration_frame=num_frames,
                    feature_frame=num_frames)
        sample = ActionDataSample(metainfo=meta)
        device = next(self.bmn.parameters()).device
        result = self.bmn([torch.from_numpy(features.T.copy()).to(device)], mode='predict',
                          data_samples=[sample])[0]
        segments = [Segment(float(p['segment'][0]), float(p['segment'][1]),
                            self.classes[p['action_cls']], float(p['score']))
                    for p in result['proposal_list']]
        segments.sort(key=lambda s: -s.score)
        return Localization(meta['duration_second'], segments, features)


def top_k_recall(detectors: Mapping[str, TemporalActionDetector], video_dir: str | os.PathLike,
                 annotations: Mapping[str, dict], k: int = 3, tiou: float = 0.5
                 ) -> dict[str, tuple[float, float]]:
    """Per detector: the share of true actions that one of its k best segments overlaps with tIoU >=
    tiou, and the share where that segment also has the right class (each averaged over videos).

    `annotations` is an ActivityNet database ({video: {'annotations': [...]}}) of the videos
    `video_dir/<video>.mp4`. The detectors share one recognizer (they differ in their BMN), so each
    video's features are computed once.
    """
    first = next(iter(detectors.values()))
    if any(d.recognizer is not first.recognizer or d.windows != first.windows for d in detectors.values()):
        raise InputError('top_k_recall compares BMNs on one recognizer\'s features: give detectors '
                         'that share the recognizer and its windows.')
    found = {name: ([], []) for name in detectors}
    for video, info in annotations.items():
        window = first.windows.clip_len * first.windows.frame_interval
        source = VideoSource(Path(video_dir) / f'{video}.mp4', min_frames=window, kinds=('video',))
        features = first.features(source)
        gt = [to_segment(a) for a in info['annotations']]
        for name, detector in detectors.items():
            top = detector.localize(features, len(source), source.fps, video).top(k)
            found[name][0].append(segment_recall(gt, top, tiou))
            found[name][1].append(segment_recall(gt, top, tiou, same_label=True))
    return {name: (float(np.mean(any_class)), float(np.mean(same_class)))
            for name, (any_class, same_class) in found.items()}


def build_feature_set(root: str | os.PathLike, recognizer, spec=None, temporal_dim: int = 32,
                      windows: Windows = Windows(), source: str = '', progress: bool = True) -> Path:
    """Write generated untrimmed videos' features + ActivityNet JSONs under root; skip if done.

    `source` names the recognizer checkpoint: a new one makes new features. The test videos are
    also written as MPEG-4 files (root/videos) for the raw-video demo.
    """
    spec = capped_spec(spec or UntrimmedSpec(), num_train='split_samples', num_test='eval_samples')
    root = Path(root)
    stamp = root / 'feature_set.json'
    wanted = dict(spec=asdict(spec), temporal_dim=temporal_dim, windows=asdict(windows),
                  source=str(source))
    if same_spec(stamp, wanted):
        return root
    stamp.unlink(missing_ok=True)
    rng = np.random.default_rng(spec.seed)
    bar = tqdm(total=spec.num_train + spec.num_test, desc='videos -> features', unit='video',
               disable=not progress)
    for split, count in (('train', spec.num_train), ('test', spec.num_test)):
        database = {}
        for i in range(count):
            name = video_name(split, i)
            frames, actions = render_untrimmed(rng, spec)
            if split == 'test':
                write_video(root / 'videos' / f'{name}.mp4', frames, spec.fps, codec='mp4v')
            feats = rescale_features(clip_features(recognizer, frames, windows),
                                     temporal_dim)
            write_features(root / f'csv_mean_{temporal_dim}' / f'{name}.csv', feats)
            database[name] = video_info(len(frames), actions, spec)
            bar.update()
        write_annotations(root / f'anet_anno_{split}.json', database)
    bar.close()
    stamp.write_text(json.dumps(wanted, indent=1))  # last: marks a finished set
    return root


def lesson03_recognizer(config: str | None = None, quiet: bool = True):
    """Return lesson 03's trained recognizer, its config and checkpoint; train it first if missing.

    Default: lesson 03's smoke recognizer, whose 128-channel features lesson 05's raw-video BMN reads.
    """
    from ..configs import for_lesson, load_config
    from ..trained import trained_checkpoint
    config = config or for_lesson('03', 'recognizer', 'smoke')
    checkpoint = trained_checkpoint(config, quiet=quiet)  # about a minute on 2 cores when missing
    from ..checkpoints import load_checked
    cfg = load_config(config)
    return load_checked(init_recognizer(cfg, None, device='cpu'), checkpoint), cfg, checkpoint
