"""Miniature copies of the full profile's real data sets, in their real on-disk and archive layouts.

The offline dry run of the full profile (`make check-full`, course_lib/tooling/checkfull.py) serves these
from a loopback HTTP server under the real file names and runs the course's data scripts on them,
so a change in what the scripts expect, or in these layouts, fails the dry run. A few videos or
feature files each; pixel content is random (SYNTHETIC), the structure is the real one:

- UCF101: `UCF101.rar` with `UCF-101/<Class>/v_<Class>_gNN_cNN.avi`, and
  `UCF101TrainTestSplits-RecognitionTask.zip` with `ucfTrainTestlist/classInd.txt`,
  `trainlist0N.txt`, `testlist0N.txt`.
- HMDB51: `hmdb51_org.rar` holding one `<class>.rar` per class (each `<class>/<video>.avi`), and
  `test_train_splits.rar` with `testTrainMulti_7030_splits/<class>_test_split<N>.txt` (1/2/0).
- ActivityNet: BSN's `anet_anno_action.json`, `video_info_new.csv`, and `csv_mean_100.zip` with
  `csv_mean_100/<video>.csv` (100 rows x 400 columns, a header line).
- BCCD: the GitHub archive `master.zip` (`BCCD_Dataset-master/BCCD/{Annotations,JPEGImages,
  ImageSets/Main}`), a few REAL images and their XML taken from the shipped copy.
- JHMDB (ACT's release, downloaded by hand): `JHMDB-GT.pkl` and `Frames/<class>/<clip>/00001.png`.

There is no rar writer in Python or on this machine: the `.rar` files here are zip archives under
the real names (course_lib.data.splits.unpack reads the type from the file, not its name), so the
unrar step itself is not exercised.
"""
from __future__ import annotations

import csv
import io
import json
import pickle
import zipfile
from pathlib import Path

import numpy as np

from ..data.ava import JHMDB_CLASSES  # noqa: F401  (one list of JHMDB's classes, ids 1..21)

UCF101_CLASSES = ('ApplyEyeMakeup', 'Archery')
# HMDB51's 51 classes (the folder names of hmdb51_org.rar): the full config's head has 51 outputs and
# the lessons name every class, so the miniature keeps them all (two videos each, three for the first two)
HMDB51_CLASSES = (
    'brush_hair', 'cartwheel', 'catch', 'chew', 'clap', 'climb', 'climb_stairs', 'dive', 'draw_sword',
    'dribble', 'drink', 'eat', 'fall_floor', 'fencing', 'flic_flac', 'golf', 'handstand', 'hit', 'hug',
    'jump', 'kick', 'kick_ball', 'kiss', 'laugh', 'pick', 'pour', 'pullup', 'punch', 'push', 'pushup',
    'ride_bike', 'ride_horse', 'run', 'shake_hands', 'shoot_ball', 'shoot_bow', 'shoot_gun', 'sit',
    'situp', 'smile', 'smoke', 'somersault', 'stand', 'swing_baseball', 'sword', 'sword_exercise',
    'talk', 'throw', 'turn', 'walk', 'wave')


def _avi(num_frames: int = 16, size: tuple[int, int] = (64, 48), seed: int = 0) -> bytes:
    """A small MJPG .avi of random frames (SYNTHETIC pixels)."""
    import os
    import tempfile

    import cv2
    rng = np.random.default_rng(seed)
    fd, name = tempfile.mkstemp(suffix='.avi')
    os.close(fd)
    try:
        writer = cv2.VideoWriter(name, cv2.VideoWriter_fourcc(*'MJPG'), 25, size)
        for _ in range(num_frames):
            writer.write(rng.integers(0, 255, (size[1], size[0], 3), dtype=np.uint8))
        writer.release()
        return Path(name).read_bytes()
    finally:
        os.unlink(name)


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, 'w', zipfile.ZIP_STORED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buffer.getvalue()


def ucf101(served: Path) -> dict[str, Path]:
    """Write UCF101's two archives (miniature) into served/; return {hub name: file}."""
    videos, train, test = {}, [], []
    for i, cls in enumerate(UCF101_CLASSES):
        for group, subset in ((8, train), (1, test)):
            name = f'{cls}/v_{cls}_g{group:02d}_c01.avi'
            videos[f'UCF-101/{name}'] = _avi(seed=len(videos))
            subset.append(f'{name} {i + 1}' if subset is train else name)
    lists = {'ucfTrainTestlist/classInd.txt':
             ''.join(f'{i + 1} {c}\n' for i, c in enumerate(UCF101_CLASSES)).encode()}
    for n in (1, 2, 3):
        lists[f'ucfTrainTestlist/trainlist0{n}.txt'] = ('\r\n'.join(train) + '\r\n').encode()
        lists[f'ucfTrainTestlist/testlist0{n}.txt'] = ('\r\n'.join(test) + '\r\n').encode()
    out = {'ucf101_splits': served / 'UCF101TrainTestSplits-RecognitionTask.zip',
           'ucf101_videos': served / 'UCF101.rar'}
    out['ucf101_splits'].write_bytes(_zip(lists))
    out['ucf101_videos'].write_bytes(_zip(videos))  # a zip under the .rar name (no rar writer)
    return out


def hmdb51(served: Path) -> dict[str, Path]:
    """Write HMDB51's two archives (miniature, nested per class as the real one) into served/."""
    inner, splits = {}, {}
    for i, cls in enumerate(HMDB51_CLASSES):
        names = [f'{cls}_clip_{k}_u_nm_np1_fr_goo_0.avi' for k in range(3 if i < 2 else 2)]
        inner[f'{cls}.rar'] = _zip({f'{cls}/{n}': _avi(seed=10 + 3 * i + k)
                                    for k, n in enumerate(names)})
        for n in (1, 2, 3):  # 1 train, 2 test, 0 unused; the real files end lines with a space
            splits[f'testTrainMulti_7030_splits/{cls}_test_split{n}.txt'] = ''.join(
                f'{name} {role} \n' for name, role in zip(names, (1, 2, 0))).encode()
    out = {'hmdb51_splits': served / 'test_train_splits.rar',
           'hmdb51_videos': served / 'hmdb51_org.rar'}
    out['hmdb51_splits'].write_bytes(_zip(splits))
    out['hmdb51_videos'].write_bytes(_zip(inner))
    return out


def activitynet(served: Path, temporal_dim: int = 100, feat_dim: int = 400,
                num_classes: int = 200) -> dict[str, Path]:
    """Write BSN's annotation json, video_info_new.csv and csv_mean_100.zip (3 videos).

    The two training videos carry one short segment of each of ActivityNet 1.3's 200 classes
    (the class count is part of what the full configs expect; names are placeholders).
    """
    rng = np.random.default_rng(0)
    videos = {'v_train_fixture_a': 'training', 'v_train_fixture_b': 'training',
              'v_val_fixture_c': 'validation'}
    labels = [f'Fixture class {i:03d}' for i in range(num_classes)]
    half = (num_classes + 1) // 2
    database, rows, features = {}, [], {}
    for k, (name, subset) in enumerate(videos.items()):
        frames, fps = 3000, 30.0
        seconds = frames / fps
        feature_frame = frames // 16 * 16
        mine = labels[:half] if k == 0 else labels[half:] if k == 1 else labels[:2]
        step = seconds / len(mine)
        database[name] = {
            'duration_second': seconds, 'duration_frame': frames, 'feature_frame': feature_frame,
            'annotations': [{'segment': [round(i * step, 2), round((i + 0.8) * step, 2)],
                             'label': label} for i, label in enumerate(mine)]}
        rows.append([name, frames, seconds, fps, fps, subset, feature_frame])
        header = ','.join(f'f{j}' for j in range(feat_dim))
        body = '\n'.join(','.join(f'{v:.5f}' for v in row)
                         for row in rng.standard_normal((temporal_dim, feat_dim)))
        features[f'csv_mean_{temporal_dim}/{name}.csv'] = f'{header}\n{body}\n'.encode()
    out = {'anet_anno_action': served / 'anet_anno_action.json',
           'anet_video_info': served / 'video_info_new.csv',
           'anet_features_csv_mean_100': served / 'csv_mean_100.zip'}
    out['anet_anno_action'].write_text(json.dumps(database))
    with open(out['anet_video_info'], 'w', newline='') as f:
        writer = csv.writer(f)
        writer.writerow(['video', 'numFrame', 'seconds', 'fps', 'rfps', 'subset', 'featureFrame'])
        writer.writerows(rows)
    out['anet_features_csv_mean_100'].write_bytes(_zip(features))
    return out


def _voc_reader(source: Path):
    """read(relative path under the VOC root) for a VOC folder or GitHub's BCCD zip."""
    if source.is_dir():
        return lambda rel: (source / rel).read_bytes()
    archive = zipfile.ZipFile(source)
    top = archive.namelist()[0].split('/')[0]
    return lambda rel: archive.read(f'{top}/BCCD/{rel}')


def bccd(served: Path, source: Path,
         per_split: dict[str, int] | None = None) -> dict[str, Path]:
    """Write GitHub's BCCD archive layout with a few REAL images from source (VOC folder or zip)."""
    per_split = per_split or {'train': 2, 'val': 1, 'test': 1}
    read = _voc_reader(Path(source))
    members: dict[str, bytes] = {}
    for split in ('train', 'val', 'test'):
        ids = read(f'ImageSets/Main/{split}.txt').decode().split()[:per_split[split]]
        members[f'BCCD_Dataset-master/BCCD/ImageSets/Main/{split}.txt'] = (
            '\n'.join(ids) + '\n').encode()
        for i in ids:
            for sub, ext in (('Annotations', 'xml'), ('JPEGImages', 'jpg')):
                members[f'BCCD_Dataset-master/BCCD/{sub}/{i}.{ext}'] = read(f'{sub}/{i}.{ext}')
    path = served / 'master.zip'
    path.write_bytes(_zip(members))
    return {'bccd_voc_github': path}


def jhmdb(root: Path, num_frames: int = 20, size: tuple[int, int] = (64, 48),
          train_clips: int = 2) -> tuple[Path, Path]:
    """Write ACT's JHMDB layout (Frames/<class>/<clip>/00001.png, JHMDB-GT.pkl); return both."""
    import cv2
    rng = np.random.default_rng(0)
    width, height = size
    clips = {'train': ['brush_hair/fixture_train_clip_0', 'wave/fixture_train_clip_1'][:train_clips],
             'test': ['brush_hair/fixture_test_clip_0']}
    gttubes, resolution, nframes = {}, {}, {}
    for video in clips['train'] + clips['test']:
        folder = root / 'Frames' / video
        folder.mkdir(parents=True, exist_ok=True)
        for k in range(1, num_frames + 1):
            cv2.imwrite(str(folder / f'{k:05d}.png'),
                        rng.integers(0, 255, (height, width, 3), dtype=np.uint8))
        label = JHMDB_CLASSES.index(video.split('/')[0])
        tube = np.array([[k, 10, 8, 40, 44] for k in range(1, num_frames + 1)], dtype=np.float32)
        gttubes[video] = {label: [tube]}
        resolution[video] = (height, width)
        nframes[video] = num_frames
    gt = {'labels': list(JHMDB_CLASSES), 'gttubes': gttubes, 'resolution': resolution,
          'nframes': nframes, 'train_videos': [clips['train']] * 3,
          'test_videos': [clips['test']] * 3}
    pkl = root / 'JHMDB-GT.pkl'
    with open(pkl, 'wb') as f:
        pickle.dump(gt, f)
    return pkl, root / 'Frames'
