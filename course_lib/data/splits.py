"""The official UCF101 and HMDB51 split files, and converters to mmaction's video and rawframe lists.

UCF101 (`UCF101TrainTestSplits-RecognitionTask.zip`):
  `classInd.txt`      `1 ApplyEyeMakeup` (1-based ids)
  `trainlist01.txt`   `ApplyEyeMakeup/v_ApplyEyeMakeup_g08_c01.avi 1`
  `testlist01.txt`    `ApplyEyeMakeup/v_ApplyEyeMakeup_g01_c01.avi` (no label: the folder says it)
HMDB51 (`test_train_splits.rar`, folder `testTrainMulti_7030_splits/`):
  `brush_hair_test_split1.txt`  `April_09_brush_hair_u_nm_np1_ba_goo_0.avi 1` with
  1 = training, 2 = testing, 0 = not used in this split; class ids follow the sorted class names.

Your own clips: `split_class_folders` makes the same kind of split from videos sorted into one
folder per class. Labels in the lists written here are 0-based, as in mmaction2's `tools/data/build_file_list.py`;
file names follow mmaction's too (`ucf101_train_split_1_videos.txt`, `..._rawframes.txt`).
Used in lesson 03.
"""
from __future__ import annotations

import os
import random
import re
import shutil
import subprocess
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from .. import _outputs
from .._util import write_text_atomic
from ..errors import InputError, MissingFileError, SetupError, writing
from ..fetch import download
from ..validate import read_text
from .annotation_lists import AnnotationError, RawframeEntry, VideoEntry
from .rawframes import (FILENAME_TMPL, VIDEO_EXTENSIONS, count_frames, done_before, extract_rawframes,
                        find_videos)


HMDB51_FLAGS = {'0': None, '1': 'train', '2': 'test'}
HMDB51_FILE = re.compile(r'^(?P<name>.+)_test_split(?P<split>[123])\.txt$')


@dataclass
class Split:
    """One train/test split: class names (index = label) and the video entries of each subset."""

    dataset: str
    number: int
    classes: list[str]
    train: list[VideoEntry]
    test: list[VideoEntry]

    def counts(self) -> dict[str, int]:
        """Return the number of videos in train and test."""
        return {'train': len(self.train), 'test': len(self.test)}


def _lines(path: Path) -> list[tuple[int, list[str]]]:
    if not path.is_file():
        raise MissingFileError(f'No split file {path}: download the official split files first '
                                '(python data_scripts/prepare_action_dataset.py --dataset ucf101, '
                                'or --dataset hmdb51).')
    return [(i, line.split()) for i, line in enumerate(read_text(path).splitlines(), start=1)
            if line.strip()]


def read_ucf101_classes(class_ind: str | os.PathLike) -> list[str]:
    """Read UCF101's classInd.txt (`<1-based id> <name>`); return names ordered by id."""
    path = Path(class_ind)
    by_id, id_line, name_line = {}, {}, {}
    for number, fields in _lines(path):
        if len(fields) != 2 or not fields[0].isdigit():
            raise AnnotationError(f'{path}, line {number}: {" ".join(fields)!r} is not '
                                  '`<id> <ClassName>`; fix or delete the line.')
        class_id, name = int(fields[0]), fields[1]
        if class_id in id_line:
            raise AnnotationError(f'{path}, line {number}: class id {class_id} is listed twice (lines '
                                  f'{id_line[class_id]} and {number}); give each class its own id 1..N.')
        if name.lower() in name_line:
            raise AnnotationError(f'{path}, line {number}: class {name} is listed twice (lines '
                                  f'{name_line[name.lower()]} and {number}); keep one line per class.')
        id_line[class_id], name_line[name.lower()] = number, number
        by_id[class_id] = name
    if sorted(by_id) != list(range(1, len(by_id) + 1)):
        raise AnnotationError(f'{path}: class ids must be 1..{len(by_id)} without gaps, '
                              f'got {sorted(by_id)[:5]}...; use the official classInd.txt.')
    return [by_id[i] for i in range(1, len(by_id) + 1)]


def read_ucf101_split(annotations_dir: str | os.PathLike, split: int = 1,
                      name: str = 'ucf101') -> Split:
    """Read UCF101's classInd.txt, trainlist0N.txt, testlist0N.txt into a Split (named for its lists)."""
    root = Path(annotations_dir)
    classes = read_ucf101_classes(root / 'classInd.txt')
    index = {name.lower(): i for i, name in enumerate(classes)}
    subsets, seen = {}, {}
    for subset, filename in (('train', f'trainlist{split:02d}.txt'),
                             ('test', f'testlist{split:02d}.txt')):
        path = root / filename
        entries = []
        for number, fields in _lines(path):
            folder = fields[0].split('/')[0] if '/' in fields[0] else None
            label = index.get(folder.lower()) if folder else None
            if label is None or len(fields) > 2:
                raise AnnotationError(f'{path}, line {number}: {" ".join(fields)!r} is not '
                                      '`<ClassName>/<video>.avi [<id>]` with a class of classInd.txt.')
            if len(fields) == 2 and fields[1] != str(label + 1):
                raise AnnotationError(f'{path}, line {number}: id {fields[1]} disagrees with the '
                                      f'folder {folder} (id {label + 1} in classInd.txt).')
            if fields[0] in seen.get(subset, {}):
                raise AnnotationError(f'{path}, line {number}: {fields[0]} is listed twice (lines '
                                      f'{seen[subset][fields[0]]} and {number}); delete one of them.')
            seen.setdefault(subset, {})[fields[0]] = number
            entries.append(VideoEntry(fields[0], label))
        subsets[subset] = entries
    _check_disjoint(root / f'trainlist{split:02d}.txt', subsets['train'],
                    root / f'testlist{split:02d}.txt', subsets['test'])
    return Split(name, split, classes, subsets['train'], subsets['test'])


def _check_disjoint(train_file: Path, train: Sequence[VideoEntry], test_file: Path,
                    test: Sequence[VideoEntry]) -> None:
    """Refuse a split whose train and test lists share a clip (the test would measure memory)."""
    shared = sorted({e.path for e in train} & {e.path for e in test})
    if shared:
        raise AnnotationError(f'{shared[0]} is in both {train_file.name} and {test_file.name}'
                              + (f' ({len(shared)} clips are)' if len(shared) > 1 else '')
                              + ': a clip is either trained on or tested on. Delete it from one list.')


def read_hmdb51_split(splits_dir: str | os.PathLike, split: int = 1) -> Split:
    """Read HMDB51's `<class>_test_split<N>.txt` files (1 train, 2 test, 0 unused) into a Split."""
    root = Path(splits_dir)
    files = sorted(p for p in root.glob(f'*_test_split{split}.txt'))
    if not files:
        raise MissingFileError(f'No *_test_split{split}.txt in {root}: unpack the official '
                                'test_train_splits.rar there (python '
                                'data_scripts/prepare_action_dataset.py --dataset hmdb51).')
    classes = sorted(HMDB51_FILE.match(p.name)['name'] for p in files)
    subsets: dict[str, list[VideoEntry]] = {'train': [], 'test': []}
    seen: dict[str, str] = {}  # video -> where it was listed
    for label, name in enumerate(classes):
        path = root / f'{name}_test_split{split}.txt'
        for number, fields in _lines(path):
            if len(fields) != 2 or fields[1] not in HMDB51_FLAGS:
                raise AnnotationError(f'{path}, line {number}: {" ".join(fields)!r} is not '
                                      '`<video>.avi <0|1|2>`; fix or delete the line.')
            subset = HMDB51_FLAGS[fields[1]]
            if fields[0] in seen:
                raise AnnotationError(f'{path}, line {number}: {fields[0]} is listed twice (also '
                                      f'{seen[fields[0]]}); a video is in one class file, once.')
            seen[fields[0]] = f'{path.name}, line {number}'
            if subset:
                subsets[subset].append(VideoEntry(f'{name}/{fields[0]}', label))
    return Split('hmdb51', split, classes, subsets['train'], subsets['test'])


def to_rawframe_entries(entries: Sequence[VideoEntry], frames_root: str | os.PathLike, *,
                        filename_tmpl: str = FILENAME_TMPL, videos_root: str | os.PathLike | None = None
                        ) -> tuple[list[RawframeEntry], list[str]]:
    """Turn video entries into rawframe entries by counting extracted frames; also return the missing
    and incomplete ones (`<dir> (incomplete)`: fewer frames than its extraction record, or than the
    video in `videos_root` says)."""
    found, missing = [], []
    for entry in entries:
        frame_dir = Path(entry.path).with_suffix('').as_posix()
        folder = Path(frames_root) / frame_dir
        try:
            count_frames(folder, filename_tmpl)
        except (FileNotFoundError, NotADirectoryError, ValueError):
            missing.append(frame_dir)
            continue
        video = Path(videos_root) / entry.path if videos_root else Path('/nonexistent')
        n = done_before(folder, video, filename_tmpl)
        if n is None:
            missing.append(f'{frame_dir} (incomplete: frames missing)')
            continue
        found.append(RawframeEntry(frame_dir, n, entry.label))
    return found, missing


def _lines_text(lines) -> str:
    text = '\n'.join(lines)
    return text + '\n' if text else ''


def _check_paths(split: Split) -> None:
    """Refuse, before writing anything, paths that mmaction's list files cannot hold (whitespace)."""
    spaced = [e.path for e in (*split.train, *split.test) if not e.path or any(c.isspace() for c in e.path)]
    if spaced:
        raise InputError(
            f'{len(spaced)} video paths hold spaces (first: {spaced[0]!r}); nothing was written. mmaction\'s '
            'list files separate their fields by spaces, so a path cannot hold one: rename the folders and '
            'files with `_` instead of spaces (e.g. `for f in *\\ *; do mv "$f" "${f// /_}"; done` in each '
            'folder), then build the lists again.')


def write_split_lists(split: Split, out_dir: str | os.PathLike,
                      frames_root: str | os.PathLike | None = None, *, force: bool = False,
                      videos_root: str | os.PathLike | None = None) -> dict[str, Path]:
    """Write mmaction's video lists (and rawframe lists if frames_root is given) and classes.txt.

    Files of those names that the course did not write (and that differ) are refused (`force`:
    replace them); `videos_root` lets the frame counts be checked against the videos.
    """
    _check_paths(split)
    out = _outputs.output_folder(out_dir, 'the lists folder')
    stem = f'{split.dataset}_{{}}_split_{split.number}'
    texts = {'classes.txt': '\n'.join(split.classes) + '\n'}  # name -> content, all built before writing
    keys = {'classes': 'classes.txt'}
    for subset in ('train', 'test'):
        entries = getattr(split, subset)
        keys[f'{subset}_videos'] = name = f'{stem.format(subset)}_videos.txt'
        texts[name] = _lines_text(e.to_line() for e in entries)
        if frames_root is not None:
            frames, missing = to_rawframe_entries(entries, frames_root, videos_root=videos_root)
            if missing:
                incomplete = [m for m in missing if m.endswith('(incomplete: frames missing)')]
                print(f'{len(missing)} {subset} videos have no complete frame folder under '
                      f'{frames_root} (first: {missing[0]}'
                      + (f'; incomplete: {", ".join(incomplete[:3])}' if incomplete else '')
                      + '); left out of the rawframe list. Run data_scripts/extract_rawframes.py '
                      '(it extracts missing and incomplete folders again).')
            keys[f'{subset}_rawframes'] = name = f'{stem.format(subset)}_rawframes.txt'
            texts[name] = _lines_text(e.to_line() for e in frames)
    _outputs.claim([out / n for n in texts], force, 'writing the lists',
                   same={str(out / n): t for n, t in texts.items()})
    with writing(out):
        out.mkdir(parents=True, exist_ok=True)
        _outputs.record(out, texts)
        for name, text in texts.items():
            write_text_atomic(out / name, text)
    written = {key: out / name for key, name in keys.items()}
    return written


def write_ucf101_split_files(annotations_dir: str | os.PathLike, classes: Sequence[str],
                             train: Sequence[VideoEntry], test: Sequence[VideoEntry],
                             split: int = 1) -> Path:
    """Write classInd.txt, trainlist0N.txt and testlist0N.txt in UCF101's official format."""
    root = Path(annotations_dir)
    root.mkdir(parents=True, exist_ok=True)
    (root / 'classInd.txt').write_text(''.join(f'{i + 1} {c}\n' for i, c in enumerate(classes)))
    (root / f'trainlist{split:02d}.txt').write_text(
        ''.join(f'{e.path} {int(e.label) + 1}\n' for e in train))
    (root / f'testlist{split:02d}.txt').write_text(''.join(f'{e.path}\n' for e in test))
    return root


def split_class_folders(videos_root: str | os.PathLike, val_fraction: float = 0.2, seed: int = 0,
                        extensions: Sequence[str] = VIDEO_EXTENSIONS, name: str | None = None) -> Split:
    """Make a train/val Split from your own videos sorted into one folder per class."""
    root = Path(videos_root)
    name = name or (root.resolve().parent.name if root.name == 'videos' else root.name)
    videos = find_videos(root, extensions)
    loose = [v for v in videos if len(v.parts) != 2]
    if loose:
        raise AnnotationError(f'{root / loose[0]}: expected <class>/<video> directly under {root}; '
                              'move each video into the folder named after its class.')
    if not videos:
        raise MissingFileError(f'No videos ({", ".join(extensions)}) under {root}.')
    classes = sorted({v.parts[0] for v in videos})
    rng = random.Random(seed)
    train, test = [], []
    for label, class_name in enumerate(classes):
        mine = sorted(v.as_posix() for v in videos if v.parts[0] == class_name)
        rng.shuffle(mine)
        n_val = min(len(mine) - 1, max(1, round(len(mine) * val_fraction))) if len(mine) > 1 else 0
        test += [VideoEntry(p, label) for p in sorted(mine[:n_val])]
        train += [VideoEntry(p, label) for p in sorted(mine[n_val:])]
    return Split(name, 1, classes, train, test)


# --- full profile: the official archives are hub entries (course_lib/zoo.py: sources in order,
# verification, manual steps): 'ucf101_splits', 'ucf101_videos', 'hmdb51_splits', 'hmdb51_videos'.


def unpack(archive: str | os.PathLike, dest: str | os.PathLike) -> Path:
    """Unpack a zip (Python) or a rar (unrar, 7z or bsdtar, whichever is installed) into dest."""
    archive, dest = Path(archive), Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    if zipfile.is_zipfile(archive):  # the type from the file, not its name
        with zipfile.ZipFile(archive) as z:
            z.extractall(dest)
        return dest
    for tool, args in (('unrar', ['x', '-o+', '-inul', str(archive), f'{dest}/']),
                       ('7z', ['x', '-y', f'-o{dest}', str(archive)]),
                       ('bsdtar', ['-xf', str(archive), '-C', str(dest)])):
        if shutil.which(tool):
            subprocess.run([tool, *args], check=True, stdout=subprocess.DEVNULL)
            return dest
    raise SetupError(f'Cannot unpack {archive}: no unrar, 7z or bsdtar on this machine. Install '
                       'one (e.g. `apt-get install unrar` or `apt-get install libarchive-tools`) '
                       'and run again.')


def _flatten_txt(src: Path, dest: Path) -> None:
    """Move every .txt under src (any depth) into dest."""
    dest.mkdir(parents=True, exist_ok=True)
    for path in list(src.rglob('*.txt')):
        if path.parent != dest:
            path.replace(dest / path.name)


def _frames_and_lists(root: Path, split: Split, short_side: int | None, workers: int,
                      progress: bool) -> dict[str, Path]:
    report = extract_rawframes(root / 'videos', root / 'rawframes', short_side=short_side,
                               workers=workers, progress=progress)
    print(report.summary())
    return write_split_lists(split, root / 'lists', frames_root=root / 'rawframes')


def prepare_ucf101(root: str | os.PathLike, split: int = 1, short_side: int | None = 256,
                   workers: int = 1, progress: bool = True) -> dict[str, Path]:
    """Download UCF101 and its splits (if missing), extract rawframes, write mmaction's lists."""
    root = Path(root)
    notes = root / 'annotations'
    if not (notes / 'classInd.txt').exists():
        unpack(download('ucf101_splits', progress=progress), root / 'annotations.tmp')
        _flatten_txt(root / 'annotations.tmp', notes)
        shutil.rmtree(root / 'annotations.tmp')
    if not (root / 'videos').is_dir():
        unpack(download('ucf101_videos', progress=progress), root / 'videos.tmp')
        (root / 'videos.tmp' / 'UCF-101').rename(root / 'videos')
        shutil.rmtree(root / 'videos.tmp')
    return _frames_and_lists(root, read_ucf101_split(notes, split), short_side, workers, progress)


def prepare_hmdb51(root: str | os.PathLike, split: int = 1, short_side: int | None = 256,
                   workers: int = 1, progress: bool = True) -> dict[str, Path]:
    """Download HMDB51 and its splits (if missing), extract rawframes, write mmaction's lists."""
    root = Path(root)
    notes = root / 'annotations'
    if not any(notes.glob('*_test_split1.txt')):
        unpack(download('hmdb51_splits', progress=progress), root / 'annotations.tmp')
        _flatten_txt(root / 'annotations.tmp', notes)
        shutil.rmtree(root / 'annotations.tmp')
    if not (root / 'videos').is_dir():
        tmp = unpack(download('hmdb51_videos', progress=progress), root / 'videos.tmp')
        for inner in sorted(tmp.glob('*.rar')):  # one archive per class, each holding <class>/
            unpack(inner, tmp)
            inner.unlink()
        tmp.rename(root / 'videos')
    return _frames_and_lists(root, read_hmdb51_split(notes, split), short_side, workers, progress)
