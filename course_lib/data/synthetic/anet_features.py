"""Learnable synthetic ActivityNet-format features: videos whose feature sequences carry actions.

Each video is a (T, D) feature sequence, like ActivityNet's rescaled TSN features (T=100, D=400):

* background steps: a per-video "scene" vector plus a slow random drift, plus noise;
* 1-3 action segments per video, each of one class; inside a segment every step adds the class's
  own pattern (a fixed random direction in feature space, different per class), under the same noise.

Segment boundaries fall on feature steps and leave the first and last step free, so BMN's grid of
candidate proposals (starts and ends at whole steps, ends before the last step) can match them
exactly. Annotations are in seconds, with ActivityNet's labels and per-video durations, written as
mmaction's anet_anno_{train,val,test}.json; features as <root>/csv_mean_<T>/<video>.csv.
Used in lessons 04 and 05.
"""
from __future__ import annotations

import json
import os
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
from tqdm.auto import tqdm

from ..._util import same_spec
from ...errors import InputError, OutputExistsError
from ...settings import data_dir
from ..activitynet import SPLITS, validate_dataset, write_annotations, write_features

# Five real ActivityNet 1.3 labels; the features that carry them here are synthetic.
CLASSES = ('Long jump', 'Rock climbing', 'Playing guitarra', 'Surfing', 'Making a cake')
FPS = 30.0
_ID_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'


@dataclass(frozen=True)
class SyntheticAnetSpec:
    """Everything that decides the generated set (reruns with the same spec skip the work)."""

    num_train: int = 200
    num_val: int = 50
    num_test: int = 50
    temporal_dim: int = 32
    feat_dim: int = 400
    num_classes: int = 5
    signal: float = 1.0  # per-channel RMS of a class pattern
    noise: float = 1.0  # per-channel noise std
    min_len: int = 3  # shortest segment, in steps
    max_segments: int = 3
    seed: int = 0

    def __post_init__(self) -> None:
        from ...validate import positive
        for name in ('num_train', 'temporal_dim', 'feat_dim', 'min_len', 'max_segments'):
            positive(name, getattr(self, name))
        positive('num_val', self.num_val, zero=True)
        positive('num_test', self.num_test, zero=True)
        positive('signal', self.signal, whole=False)
        positive('noise', self.noise, whole=False, zero=True)

    @property
    def feature_dir(self) -> str:
        """The feature folder's name, as in ActivityNet's csv_mean_100."""
        return f'csv_mean_{self.temporal_dim}'

    def classes(self) -> tuple[str, ...]:
        """The action labels used."""
        if not 1 <= self.num_classes <= len(CLASSES):
            raise InputError(f'num_classes must be 1..{len(CLASSES)}, got {self.num_classes}.')
        return CLASSES[:self.num_classes]


def sample_segments(rng: np.random.Generator, temporal_dim: int, max_segments: int = 3,
                    min_len: int = 3) -> list[tuple[int, int]]:
    """Draw 1..max_segments disjoint [start, end) step ranges inside [1, T-1], gaps >= 1 step."""
    n = int(rng.choice(np.arange(1, max_segments + 1), p=_segment_count_probs(max_segments)))
    free = temporal_dim - 2  # steps 1 .. T-2 may hold actions
    n = max(1, min(n, (free + 1) // (min_len + 1)))
    lengths = rng.integers(min_len, max(min_len + 1, int(0.8 * free) // n + 1), size=n)
    while lengths.sum() + (n - 1) > free:  # shrink until they fit with 1-step gaps
        lengths[np.argmax(lengths)] -= 1
    slack = free - lengths.sum() - (n - 1)
    cuts = np.sort(rng.integers(0, slack + 1, size=n))  # extra gap before each segment
    segments, pos, used = [], 1, 0
    for length, cut in zip(lengths, cuts):
        pos += cut - used
        used = cut
        segments.append((int(pos), int(pos + length)))
        pos += length + 1
    return segments


def _segment_count_probs(max_segments: int) -> np.ndarray:
    weights = np.array([0.5, 0.35, 0.15, 0.1, 0.05][:max_segments])
    return weights / weights.sum()


def class_patterns(spec: SyntheticAnetSpec) -> np.ndarray:
    """Return the (num_classes, D) feature patterns of the classes (fixed by the seed)."""
    rng = np.random.default_rng([spec.seed, 1])
    patterns = rng.standard_normal((spec.num_classes, spec.feat_dim))
    patterns /= np.sqrt((patterns ** 2).mean(axis=1, keepdims=True))
    return (spec.signal * patterns).astype(np.float32)


def synth_video(rng: np.random.Generator, spec: SyntheticAnetSpec,
                patterns: np.ndarray) -> tuple[np.ndarray, list[tuple[int, int, int]]]:
    """Return one video's (T, D) features and its segments as (start, end, class) in steps."""
    t, d = spec.temporal_dim, spec.feat_dim
    scene = 0.5 * rng.standard_normal(d)
    drift = np.cumsum(0.05 * rng.standard_normal((t, d)), axis=0)
    features = scene + drift + spec.noise * rng.standard_normal((t, d))
    segments = []
    for start, end in sample_segments(rng, t, spec.max_segments, spec.min_len):
        label = int(rng.integers(spec.num_classes))
        features[start:end] += patterns[label]
        segments.append((start, end, label))
    return features.astype(np.float32), segments


def _video_info(rng: np.random.Generator, segments: list[tuple[int, int, int]],
                spec: SyntheticAnetSpec) -> dict:
    duration_frame = int(rng.uniform(20, 240) * FPS) // 16 * 16  # a multiple of BMN's 16-frame unit
    seconds = duration_frame / FPS
    step = seconds / spec.temporal_dim
    classes = spec.classes()
    return {'duration_second': seconds, 'duration_frame': duration_frame,
            'feature_frame': duration_frame, 'fps': FPS, 'rfps': FPS,
            'annotations': [{'segment': [round(s * step, 6), round(e * step, 6)],
                             'label': classes[c]} for s, e, c in segments]}


def _video_names(rng: np.random.Generator, count: int) -> list[str]:
    names: set[str] = set()
    while len(names) < count:
        names.add('v_' + ''.join(rng.choice(list(_ID_CHARS), size=11)))
    return sorted(names)


def generate_anet_features(root: str | os.PathLike, spec: SyntheticAnetSpec = SyntheticAnetSpec(),
                           *, overwrite: bool = False, progress: bool = True) -> Path:
    """Write a synthetic ActivityNet-format set under root; skip if the same spec is there."""
    root = Path(root)
    stamp = root / 'synthetic_spec.json'
    if not overwrite and same_spec(stamp, asdict(spec)):
        return root
    features = root / spec.feature_dir
    if not stamp.is_file():  # no record: whatever is there is not a set the course generated
        theirs = [p for p in (features, *(root / f'anet_anno_{s}.json' for s in SPLITS))
                  if p.exists() and (not p.is_dir() or any(p.iterdir()))]
        if theirs:
            raise OutputExistsError(
                f'{root} already holds {", ".join(p.name for p in theirs)}, which the course did not '
                'generate (no synthetic_spec.json): nothing was changed. Generate into another folder, '
                'or move those files away.')
    shutil.rmtree(features, ignore_errors=True)
    stamp.unlink(missing_ok=True)
    rng = np.random.default_rng(spec.seed)
    patterns = class_patterns(spec)
    counts = dict(zip(SPLITS, (spec.num_train, spec.num_val, spec.num_test)))
    names = iter(_video_names(rng, sum(counts.values())))
    bar = tqdm(total=sum(counts.values()), desc='generating features', unit='video',
               disable=not progress)
    for split, count in counts.items():
        database = {}
        for _ in range(count):
            name = next(names)
            features, segments = synth_video(rng, spec, patterns)
            write_features(root / spec.feature_dir / f'{name}.csv', features)
            database[name] = _video_info(rng, segments, spec)
            bar.update()
        write_annotations(root / f'anet_anno_{split}.json', database)
    bar.close()
    stamp.write_text(json.dumps(asdict(spec), indent=1))  # written last: marks a finished set
    return root


def default_root(temporal_dim: int = 32) -> Path:
    """Return where the lessons keep the synthetic set: <data dir>/activitynet_synthetic_t<T>."""
    return data_dir() / f'activitynet_synthetic_t{temporal_dim}'


def prepare_synthetic(spec: SyntheticAnetSpec = SyntheticAnetSpec(), root: str | os.PathLike | None = None,
                      *, check_every: int = 5, progress: bool = True):
    """Generate the synthetic set (skipped if done) and validate it; return the DatasetReport."""
    root = Path(root or default_root(spec.temporal_dim))
    generate_anet_features(root, spec, progress=progress)
    return validate_dataset(root, spec.feature_dir, temporal_dim=spec.temporal_dim,
                            feat_dim=spec.feat_dim, check_every=check_every, progress=progress)
