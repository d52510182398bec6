"""ActivityNet for temporal localization, exactly as mmaction2's `ActivityNetDataset` reads it.

On disk (mmaction2's `tools/data/activitynet`, option 1 "rescaled features"):

    <root>/anet_anno_{train,val,test}.json      {video_name: video_info}, names start with `v_`
    <root>/<feature dir>/<video_name>.csv       one header line, then T rows of D comma-separated
                                                 numbers (T time steps x D feature channels)

where `video_info` is

    {"duration_second": 211.53, "duration_frame": 6337, "feature_frame": 6336,
     "annotations": [{"segment": [30.02, 205.23], "label": "Rock climbing"}, ...],
     "fps": 30.0, "rfps": 29.96}                 # fps / rfps optional

mmaction's `GenerateLocalizationLabels` turns a segment (seconds) into fractions of the feature span
`feature_frame / duration_frame * duration_second`; BMN's post-processing turns predicted fractions
back into seconds with `duration_frame // 16 * 16 / duration_frame * duration_second`.

`prepare_activitynet()` downloads the real annotations and features (the sources mmaction2's data
README points to), verifies them and runs mmaction's `process_annotations.py` step. Used in
lessons 01, 04 and 05.
"""
from __future__ import annotations

import csv
import json
import os
import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

import numpy as np
from tqdm.auto import tqdm

from .._util import atomic_path, is_finite_number, json_key_line, write_text_atomic
from ..fetch import download
from ..settings import data_dir
from ..errors import FileFormatError, InputError, MissingFileError
from ..validate import read_text

REQUIRED_KEYS = ('duration_second', 'duration_frame', 'feature_frame', 'annotations')
SPLITS = ('train', 'val', 'test')
SUBSETS = {'training': 'train', 'validation': 'val', 'testing': 'test'}  # video_info_new.csv


def segment_tolerance(duration: float) -> float:
    """How far a segment may end past duration_second (rounding in real annotations): 1 s + 2 %."""
    return 1.0 + 0.02 * duration


class ActivityNetFormatError(FileFormatError):
    """An annotation or feature file breaks the format; the message names the file and the fix."""


# ----------------------------------------------------------------------------------------------
# annotations


def _where(path: os.PathLike | str | None, text: str | None, video_name: str) -> str:
    if path is None:
        return f'video {video_name!r}'
    line = json_key_line(text, video_name)
    return f'{path}' + (f', line {line}' if line else '') + f', video {video_name!r}'


def validate_video_info(video_name: str, info: object, where: str = '') -> None:
    """Raise ActivityNetFormatError if one video's entry is not what mmaction reads."""
    where = where or f'video {video_name!r}'
    fix = ' Fix the entry or regenerate the file (data_scripts/prepare_activitynet.py).'
    if not isinstance(video_name, str) or not video_name.startswith('v_'):
        raise ActivityNetFormatError(
            f'{where}: video names must start with "v_" (mmaction\'s ANetMetric strips the first two '
            f'characters to get the YouTube id).{fix}')
    if not isinstance(info, dict):
        raise ActivityNetFormatError(f'{where}: expected an object, got {type(info).__name__}.{fix}')
    missing = [k for k in REQUIRED_KEYS if k not in info]
    if missing:
        raise ActivityNetFormatError(f'{where}: missing key(s) {missing}; every video needs '
                                     f'{list(REQUIRED_KEYS)}.{fix}')
    for key in ('duration_second', 'duration_frame', 'feature_frame'):
        if not is_finite_number(info[key]) or info[key] <= 0:
            raise ActivityNetFormatError(f'{where}: {key} must be a positive number, '
                                         f'got {info[key]!r}.{fix}')
    if not isinstance(info['annotations'], list):
        raise ActivityNetFormatError(f'{where}: "annotations" must be a list of '
                                     '{"segment": [start, end], "label": str}.' + fix)
    for i, ann in enumerate(info['annotations']):
        seg = ann.get('segment') if isinstance(ann, dict) else None
        if (not isinstance(seg, (list, tuple)) or len(seg) != 2
                or not all(is_finite_number(x) for x in seg)):
            raise ActivityNetFormatError(f'{where}, annotation {i}: "segment" must be [start, end] '
                                         f'in seconds, got {seg!r}.{fix}')
        if seg[0] < 0 or seg[1] < seg[0]:
            raise ActivityNetFormatError(f'{where}, annotation {i}: segment {list(seg)} must have '
                                         f'0 <= start <= end (seconds).{fix}')
        duration = info['duration_second']
        if seg[0] >= duration or seg[1] > duration + segment_tolerance(duration):
            raise ActivityNetFormatError(
                f'{where}, annotation {i}: segment {list(seg)} lies beyond the video\'s duration_second '
                f'{duration:g}. Segments are in seconds from the video\'s start (not frames): fix the '
                f'segment or the duration.{fix}')
        label = ann.get('label')
        if 'label' not in ann:
            raise ActivityNetFormatError(f'{where}, annotation {i}: no "label"; every annotation needs '
                                         '"label": "<action name>" (a non-empty string).' + fix)
        if not isinstance(label, str) or not label.strip():
            raise ActivityNetFormatError(f'{where}, annotation {i}: "label" must be a string (the action\'s '
                                         f'name, not empty), got {label!r}.{fix}')


def validate_annotations(database: dict, path: os.PathLike | str | None = None,
                         text: str | None = None) -> None:
    """Raise ActivityNetFormatError (naming file, line and video) if a database is malformed."""
    if not isinstance(database, dict):
        raise ActivityNetFormatError(f'{path or "annotations"}: the top level must be an object '
                                     '{video_name: video_info}, got ' + type(database).__name__ + '.')
    for name, info in database.items():
        validate_video_info(name, info, _where(path, text, name))


OFFICIAL_KEYS = {'version', 'taxonomy', 'database'}  # the ActivityNet release JSON (activity_net.v1-3.min.json)


def from_official(release: dict, subsets: Iterable[str] = tuple(SUBSETS), fps: float = 30.0) -> dict:
    """The course's {video_name: video_info} from the official release JSON's `database`.

    Names get mmaction's `v_` prefix; `duration_second` is the release's `duration`. The release states
    no frame counts: `duration_frame` = `feature_frame` = round(duration x fps), so features are taken
    to span the whole video (only their ratio enters the labels). Videos of other subsets (and
    `testing`, which has no annotations) are left out.
    """
    out = {}
    for video_id, item in release['database'].items():
        if item.get('subset') not in subsets or not isinstance(item.get('duration'), (int, float)):
            continue
        frames = max(1, round(float(item['duration']) * fps))
        out[video_id if video_id.startswith('v_') else f'v_{video_id}'] = {
            'duration_second': float(item['duration']), 'duration_frame': frames, 'feature_frame': frames,
            'annotations': [{'segment': [float(a['segment'][0]), float(a['segment'][1])], 'label': a['label']}
                            for a in item.get('annotations', [])]}
    return out


def read_annotations(path: str | os.PathLike) -> dict:
    """Read and validate an anet_anno_*.json file (or the official release JSON, converted with
    `from_official`: all its annotated subsets); return {video_name: video_info}."""
    path = Path(path)
    if not path.is_file():
        raise MissingFileError(f'No annotation file {path}. Create it with '
                                '`python data_scripts/prepare_activitynet.py --profile smoke` '
                                '(synthetic) or `--profile full` (real ActivityNet).')
    text = read_text(path)
    try:
        database = json.loads(text)
    except json.JSONDecodeError as err:
        raise ActivityNetFormatError(f'{path}, line {err.lineno}: not valid JSON ({err.msg}). '
                                     'Regenerate the file.') from err
    if isinstance(database, dict) and OFFICIAL_KEYS <= set(database) and isinstance(database['database'], dict):
        database, text = from_official(database, ('training', 'validation')), None
    validate_annotations(database, path, text)
    return database


def write_annotations(path: str | os.PathLike, database: dict) -> Path:
    """Validate and write {video_name: video_info} as an anet_anno_*.json file (atomically)."""
    path = Path(path)
    validate_annotations(database, path)
    return write_text_atomic(path, json.dumps(database, indent=1))


def class_names(*databases: dict) -> list[str]:
    """Return the sorted action labels used in one or more annotation databases."""
    return sorted({a['label'] for db in databases for v in db.values() for a in v['annotations']})


def segments_in_steps(info: dict, temporal_dim: int) -> np.ndarray:
    """Return a video's GT segments in feature steps (N, 2), as mmaction's label generator sees them."""
    span = float(info['feature_frame']) / info['duration_frame'] * info['duration_second']
    segs = np.array([a['segment'] for a in info['annotations']], dtype=float).reshape(-1, 2)
    return np.clip(segs / span, 0, 1) * temporal_dim


# ----------------------------------------------------------------------------------------------
# features


def feature_header(feat_dim: int) -> str:
    """Return the header line of a feature CSV (mmaction skips it)."""
    return ','.join(f'f{i}' for i in range(feat_dim))


def write_features(path: str | os.PathLike, features: np.ndarray) -> Path:
    """Write a (T, D) feature array as a CSV mmaction's LoadLocalizationFeature reads (atomically)."""
    features = np.asarray(features, dtype=np.float32)
    if features.ndim != 2:
        raise InputError(f'{path}: features must be a (T, D) array, got shape {features.shape}.')
    with atomic_path(path) as part:
        np.savetxt(part, features, fmt='%.5g', delimiter=',', header=feature_header(features.shape[1]),
                   comments='')
    return Path(path)


def read_features(path: str | os.PathLike, temporal_dim: int | None = None,
                  feat_dim: int | None = None) -> np.ndarray:
    """Read a feature CSV as mmaction does; return (T, D) float32, checking the shape if given."""
    path = Path(path)
    if not path.is_file():
        raise MissingFileError(f'No feature file {path}: download or generate the features '
                                '(data_scripts/prepare_activitynet.py).')
    try:
        features = np.loadtxt(path, dtype=np.float32, delimiter=',', skiprows=1, ndmin=2)
    except ValueError as err:
        raise ActivityNetFormatError(f'{path}: not a CSV of numbers after one header line ({err}). '
                                     'Delete it and download or generate it again.') from err
    bad = np.argwhere(~np.isfinite(features))
    if len(bad):
        row, col = bad[0]
        raise ActivityNetFormatError(
            f'{path}, line {row + 2}, column {col + 1}: {features[row, col]} ({len(bad)} value(s) in the '
            'file are NaN or inf). Features must be finite numbers: recompute this video\'s features, '
            'or drop the video from the annotations.')
    if temporal_dim is not None and features.shape[0] != temporal_dim:
        raise ActivityNetFormatError(
            f'{path}: {features.shape[0]} rows (time steps) after the header, expected '
            f'{temporal_dim}. The model\'s temporal_dim must match the features (csv_mean_100 -> 100).')
    if feat_dim is not None and features.shape[1] != feat_dim:
        raise ActivityNetFormatError(
            f'{path}, line 2: {features.shape[1]} columns, expected {feat_dim} (the model\'s '
            'feat_dim). Use features of the right size or change model.feat_dim.')
    return features


@dataclass
class DatasetReport:
    """What `validate_dataset` found: per split, how many videos, segments and labels."""

    root: Path
    feature_dir: Path
    videos: dict[str, int]
    segments: dict[str, int]
    labels: list[str]
    feature_shape: tuple[int, int]

    def summary(self) -> str:
        """One line per split."""
        lines = [f'{self.root}: features in {self.feature_dir.name}/, {self.feature_shape[0]} steps x '
                 f'{self.feature_shape[1]} channels; {len(self.labels)} action labels']
        lines += [f'  {s:5}: {self.videos[s]:5d} videos, {self.segments[s]:5d} segments'
                  for s in self.videos]
        return '\n'.join(lines)

    def __str__(self) -> str:
        return self.summary()


def validate_dataset(root: str | os.PathLike, feature_dir: str | os.PathLike, *,
                     temporal_dim: int | None = None, feat_dim: int | None = None,
                     splits: Iterable[str] = SPLITS, check_every: int = 1,
                     progress: bool = True) -> DatasetReport:
    """Check that every annotated video has a feature CSV of one shape; return a report."""
    root = Path(root)
    feature_dir = Path(feature_dir) if Path(feature_dir).is_absolute() else root / feature_dir
    if not feature_dir.is_dir():
        raise MissingFileError(f'No feature folder {feature_dir}: download or generate the '
                                'features (data_scripts/prepare_activitynet.py).')
    videos, segments, dbs = {}, {}, []
    shape = (temporal_dim, feat_dim)
    for split in splits:
        db = read_annotations(root / f'anet_anno_{split}.json')
        dbs.append(db)
        names = sorted(db)
        missing = [n for n in names if not (feature_dir / f'{n}.csv').is_file()]
        if missing:
            raise ActivityNetFormatError(
                f'{root / f"anet_anno_{split}.json"}: {len(missing)} of {len(names)} videos have no '
                f'feature file in {feature_dir} (first: {missing[:3]}). Finish the feature download, '
                'or drop those videos from the annotations.')
        for name in tqdm(names[::check_every], desc=f'checking {split}', disable=not progress):
            shape = read_features(feature_dir / f'{name}.csv', *shape).shape
        videos[split] = len(names)
        segments[split] = sum(len(db[n]['annotations']) for n in names)
    return DatasetReport(root, feature_dir, videos, segments, class_names(*dbs), tuple(shape))


# ----------------------------------------------------------------------------------------------
# the real data set (full profile)

ANNOTATION_FILES = ('anet_anno_action.json', 'video_info_new.csv')
FEATURES_ZIP = 'csv_mean_100.zip'


def process_annotations(root: str | os.PathLike) -> dict[str, int]:
    """mmaction's process_annotations.py: split anet_anno_action.json by video_info_new.csv."""
    root = Path(root)
    database = read_annotations(root / 'anet_anno_action.json')
    info_path = root / 'video_info_new.csv'
    out = {split: {} for split in (*SPLITS, 'full')}
    with open(info_path, newline='', encoding='utf-8-sig') as f:
        rows = list(csv.reader(f))
    for lineno, row in enumerate(rows[1:], start=2):
        if len(row) < 6:
            raise ActivityNetFormatError(f'{info_path}, line {lineno}: expected 7 columns '
                                         '(video,numFrame,seconds,fps,rfps,subset,featureFrame).')
        name, fps, rfps, subset = row[0], row[3], row[4], row[5]
        if name not in database:
            raise ActivityNetFormatError(f'{info_path}, line {lineno}: {name} is not in '
                                         f'{root / "anet_anno_action.json"}; download both again.')
        info = dict(database[name], fps=float(fps), rfps=float(rfps))
        out['full'][name] = info
        if subset in SUBSETS:
            out[SUBSETS[subset]][name] = info
    for split, db in out.items():
        write_annotations(root / f'anet_anno_{split}.json', db)
    return {split: len(db) for split, db in out.items()}


def _extract_features(zip_path: Path, feature_dir: Path) -> Path:
    """Unzip the feature archive into feature_dir (whole or not at all); return the folder."""
    if not zipfile.is_zipfile(zip_path):
        raise ActivityNetFormatError(
            f'{zip_path} is not a zip archive (Google Drive may have sent a web page instead). '
            f'Delete it, download {FEATURES_ZIP} in a browser from the Google Drive link in '
            'course_lib/zoo.py (anet_features_csv_mean_100) and put it at that path.')
    with zipfile.ZipFile(zip_path) as archive, atomic_path(feature_dir) as part:
        members = [m for m in archive.infolist() if m.filename.endswith('.csv')]
        part.mkdir(parents=True)
        for member in tqdm(members, desc='unzipping features', unit='file'):
            target = part / Path(member.filename).name
            with archive.open(member) as src, open(target, 'wb') as dst:
                shutil.copyfileobj(src, dst)
    return feature_dir


def prepare_activitynet(root: str | os.PathLike | None = None, *, check_every: int = 50,
                        keep_zip: bool = False) -> DatasetReport:
    """Download, verify, unzip and split the real ActivityNet features; reruns skip done steps."""
    root = Path(root or data_dir() / 'ActivityNet')
    feature_dir = root / 'activitynet_feature_cuhk' / 'csv_mean_100'
    root.mkdir(parents=True, exist_ok=True)
    for name in ('anet_anno_action', 'anet_video_info'):
        download(name, root)
    if not feature_dir.is_dir():  # a finished folder is only ever renamed into place
        zip_path = download('anet_features_csv_mean_100', root / 'downloads')
        _extract_features(zip_path, feature_dir)
        if not keep_zip:
            zip_path.unlink()
    if not all((root / f'anet_anno_{s}.json').is_file() for s in SPLITS):
        process_annotations(root)
    return validate_dataset(root, feature_dir, temporal_dim=100, feat_dim=400,
                            splits=('train', 'val'), check_every=check_every)
