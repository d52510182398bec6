"""Checks of the input a learner controls, one per kind, used by the course's entry points.

* videos: `video_input` (a file, a frame folder or an array), `video_array`, `frame_folder`, `fps`;
* files: `image_size` (a real image), `read_text` (UTF-8, a byte-order mark removed);
* configs: `--cfg-options` are checked in `course_lib.cfg_options`;
* checkpoints: `course_lib.checkpoints` (its one rule, and the head a config replaces on purpose);
* environment variables: `environment` (COURSE_PROFILE, COURSE_DATA_DIR, COURSE_CACHE_DIR);
* command-line numbers: argparse types `positive_int`, `non_negative_int`, `positive_float`, `fraction`.

Each raises a `course_lib.errors` type whose message names the value or file (and line), says what
was expected, and gives a fix.
"""
from __future__ import annotations

import argparse
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .errors import EnvironmentVariableError, FileFormatError, InputError

IMAGE_SUFFIXES = ('.jpg', '.jpeg', '.png', '.bmp')
VIDEO_KINDS = ('a video file path, a folder of frames, or an RGB uint8 array of shape '
               '(frames, height, width, 3)')

# ---------------------------------------------------------------------------------------------
# videos


def video_array(frames: np.ndarray, min_frames: int = 1, what: str = 'the video') -> np.ndarray:
    """Return frames if they are (T >= min_frames, H, W, 3) uint8 RGB; else raise InputError with the fix."""
    if frames.ndim != 4 or frames.shape[-1] != 3:
        hint = (' (one grey frame per row? use np.repeat(frames[..., None], 3, axis=-1))'
                if frames.ndim == 3 else '')
        raise InputError(f'{what}: an array video must be (frames, height, width, 3) RGB, got shape '
                         f'{frames.shape}{hint}.')
    if frames.shape[1] == 0 or frames.shape[2] == 0:
        raise InputError(f'{what}: frames of {frames.shape[1]}x{frames.shape[2]} pixels hold no image.')
    if frames.dtype != np.uint8:
        raise InputError(f'{what}: frames are {frames.dtype}; the models read RGB uint8 in 0..255 '
                         f'(as video files decode). {_conversion(frames)}')
    if len(frames) < min_frames:
        raise InputError(f'{what} has {len(frames)} frame{"s" if len(frames) != 1 else ""}; the model '
                         f'needs at least {min_frames}. Give a longer video (or more frames).')
    return frames


def _conversion(frames: np.ndarray) -> str:
    """The explicit conversion to uint8 that fits an array's values (never done silently)."""
    if frames.dtype == bool or not np.issubdtype(frames.dtype, np.number):
        return 'Build the frames as uint8 images (0 = black, 255 = white).'
    if frames.size and not np.isfinite(frames).all():
        return 'They hold NaN or inf: fix how they were computed, then convert with .astype(np.uint8).'
    low, high = (float(frames.min()), float(frames.max())) if frames.size else (0.0, 0.0)
    if np.issubdtype(frames.dtype, np.floating) and high <= 1.0 and low >= 0.0:
        return ('Their values lie in [0, 1]: if 1.0 means white, convert explicitly with '
                '(frames * 255).round().astype(np.uint8).')
    if low >= 0 and high <= 255:
        return f'Their values lie in [{low:g}, {high:g}]: convert with frames.round().astype(np.uint8).'
    return (f'Their values lie in [{low:g}, {high:g}], outside 0..255: rescale them to 0..255 first, '
            'then .astype(np.uint8).')


@dataclass(frozen=True)
class FrameFolder:
    """A folder of frames: its images in order, and (if they are numbered) mmaction's template."""

    path: Path
    files: tuple[Path, ...]
    filename_tmpl: str | None  # e.g. 'img_{:05d}.jpg' when the files are numbered without gaps
    start_index: int

    def __len__(self) -> int:
        return len(self.files)


def _numbered(files: list[Path]) -> tuple[str | None, int]:
    """mmaction's filename template and first index when files are prefix + N (fixed width) + suffix."""
    import re
    parts = [re.fullmatch(r'(.*?)(\d+)(\.[A-Za-z]+)', f.name) for f in files]
    if not all(parts):
        return None, 0
    shape = {(m.group(1), len(m.group(2)), m.group(3)) for m in parts}
    numbers = sorted(int(m.group(2)) for m in parts)
    if len(shape) != 1 or numbers != list(range(numbers[0], numbers[0] + len(numbers))):
        return None, 0
    prefix, width, suffix = shape.pop()
    return f'{prefix}{{:0{width}d}}{suffix}'.replace('{:01d}', '{}'), numbers[0]


def frame_folder(path: str | os.PathLike, min_frames: int = 1) -> FrameFolder:
    """Check a folder of frames (JPEG/PNG images that decode); return them in order."""
    folder = Path(path)
    if not folder.is_dir():
        raise InputError(f'{folder} is not a folder of frames.')
    files = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES)
    if not files:
        others = sorted(p.name for p in folder.iterdir())[:3]
        raise InputError(f'{folder} holds no frames ({", ".join(IMAGE_SUFFIXES)} images)'
                         + (f'; it holds {others}' if others else ', it is empty')
                         + '. Extract frames with data_scripts/extract_rawframes.py, or pass the '
                         'video file itself.')
    for file in files:
        image_size(file)
    if len(files) < min_frames:
        raise InputError(f'{folder} has {len(files)} frame{"s" if len(files) != 1 else ""}; the model '
                         f'needs at least {min_frames}.')
    tmpl, start = _numbered(files)
    return FrameFolder(folder, tuple(files), tmpl, start)


URL_SCHEMES = ('http://', 'https://', 'ftp://', 'rtsp://', 'rtmp://', 's3://', 'gs://')


def video_location(video: Any) -> Any:
    """A path as the user wrote it, made usable: `~` expanded; a URL refused with the download step."""
    if not isinstance(video, (str, os.PathLike)):
        return video
    text = os.fspath(video)
    if text.lower().startswith(URL_SCHEMES) or (isinstance(text, str) and '://' in text[:12]):
        raise InputError(f'{text} is a URL: the course reads videos from this machine, not from the web. '
                         'Download it first (e.g. `curl -L -o clip.mp4 "<URL>"`, or '
                         'urllib.request.urlretrieve(url, "clip.mp4")), then pass the local file.')
    if text.startswith('~'):
        return Path(text).expanduser()
    return video


def video_file(path: str | os.PathLike, min_frames: int = 1) -> tuple[int, float]:
    """Check a video file decodes; return (frames it holds, its frame rate), counted by decoding when
    its container states no count (a raw H.264 stream) or fewer frames than a clip needs."""
    import cv2
    path = Path(path)
    if path.suffix.lower() in IMAGE_SUFFIXES:
        raise InputError(f'{path} is an image, not a video: give a video file, a folder of frames, or '
                         'np.stack([frame] * n) for an array of n copies of one image.')
    if path.stat().st_size == 0:
        raise FileFormatError(f'{path} is empty (0 bytes): copy or download the video again.')
    cap = cv2.VideoCapture(str(path))
    try:
        stated = int(cap.get(cv2.CAP_PROP_FRAME_COUNT)) if cap.isOpened() else 0
        rate = cap.get(cv2.CAP_PROP_FPS) if cap.isOpened() else 0
        count = stated
        if stated <= 0 or stated < max(min_frames, 1) or not cap.isOpened():
            count = 0
            while cap.isOpened() and cap.grab():
                count += 1
    finally:
        cap.release()
    if count == 0:
        raise FileFormatError(f'No frame could be decoded from {path}: the file is corrupt, cut short or not '
                              'a video. Copy or download it again.')
    if count < min_frames:
        raise InputError(f'{path} has {count} frame{"s" if count != 1 else ""}; the model reads clips of '
                         f'{min_frames} frames. Give a video of at least {min_frames} frames.')
    return count, float(rate) if rate and rate > 0 and np.isfinite(rate) else 0.0


def video_input(video: Any, min_frames: int = 1) -> str:
    """Check a video given to an inference entry point; return its kind: 'array', 'frames' or 'video'."""
    if isinstance(video, np.ndarray):
        video_array(video, min_frames)
        return 'array'
    if isinstance(video, (str, os.PathLike)):
        path = Path(video_location(video))
        if path.is_dir():
            frame_folder(path, min_frames)
            return 'frames'
        if not path.is_file():
            raise InputError(f'Video not found: {path} is no video file nor frame folder. Check the '
                             'path (relative paths start at the notebook folder).')
        video_file(path, min_frames)
        return 'video'
    if isinstance(video, (list, tuple)):
        raise InputError(f'A video is {VIDEO_KINDS}; got a {type(video).__name__} of {len(video)} '
                         'items. For a list of frames, pass np.stack(frames).')
    if type(video).__module__.startswith('torch'):
        raise InputError(f'A video is {VIDEO_KINDS}; got a torch tensor. Pass '
                         'tensor.cpu().numpy() in (frames, height, width, 3) uint8.')
    raise InputError(f'A video is {VIDEO_KINDS}; got {type(video).__name__} {video!r:.60}.')


def fps(value: Any, what: str = 'fps') -> float:
    """Return a frame rate as a float if it is a finite number > 0; else raise InputError."""
    try:
        rate = float(value)
    except (TypeError, ValueError):
        rate = float('nan')
    if not np.isfinite(rate) or rate <= 0:
        raise InputError(f'{what}={value!r}: a frame rate is a number of frames per second > 0 '
                         '(e.g. fps=25).')
    return rate


# ---------------------------------------------------------------------------------------------
# files


def image_size(path: str | os.PathLike) -> tuple[int, int]:
    """Return (width, height) of an image file, or raise FileFormatError if it is not a readable image."""
    from PIL import Image, UnidentifiedImageError
    path = Path(path)
    try:
        with Image.open(path) as image:
            image.verify()  # reads the whole structure: truncated and fake files fail here
            width, height = image.size
    except FileNotFoundError:
        raise FileFormatError(f'{path}: no such image file.') from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as err:
        raise FileFormatError(f'{path} is not a readable image ({type(err).__name__}: {err}). Replace '
                              'it with the real image, or delete it (and its annotation).') from err
    return width, height


def read_text(path: str | os.PathLike) -> str:
    """Read a text file as UTF-8 without a byte-order mark (spreadsheet CSVs often start with one)."""
    path = Path(path)
    try:
        return path.read_text(encoding='utf-8-sig')
    except UnicodeDecodeError as err:
        line = path.read_bytes()[:err.start].count(b'\n') + 1
        raise FileFormatError(f'{path}, line {line}: not UTF-8 text (byte {err.object[err.start]:#x}). '
                              'Save the file as UTF-8 (CSV UTF-8 in a spreadsheet).') from err


# ---------------------------------------------------------------------------------------------
# environment variables


def environment() -> list[tuple[str, str, str]]:
    """Problems of the course's environment variables: [(variable, what is wrong, fix)]; [] if none."""
    from .settings import PROFILES, setting
    problems = []
    value = setting('COURSE_PROFILE') or ''
    if value.strip().lower() not in ('', *PROFILES):
        problems.append(('COURSE_PROFILE', f'COURSE_PROFILE={value!r} is not a profile',
                         'export COURSE_PROFILE=smoke (or full), or unset it (default: smoke).'))
    defaults = {'COURSE_DATA_DIR': 'data/ in the repository', 'COURSE_CACHE_DIR': '$COURSE_DATA_DIR/cache'}
    for name, default in defaults.items():
        folder = setting(name)
        problem = folder_problem(Path(folder).expanduser()) if folder else None
        if problem:
            problems.append((name, f'{name}={folder}: {problem}',
                             f'export {name}=<a folder you can write to>, or unset it (default: {default}).'))
    return problems


def folder_problem(path: Path) -> str | None:
    """What keeps a folder from being used for data (a file, not creatable, read-only), or None."""
    if path.exists() and not path.is_dir():
        return 'it is a file, not a folder'
    existing = next((p for p in [path, *path.parents] if p.exists()), None)
    if existing is None or not existing.is_dir():
        return f'{existing} is not a folder'
    if not os.access(existing, os.W_OK | os.X_OK):
        return f'{existing} is read-only for you'
    if not path.exists():
        try:
            path.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            return f'it cannot be created ({err.strerror or err})'
    return None


def require_usable_environment() -> None:
    """Raise EnvironmentVariableError for the first unusable course environment variable."""
    problems = environment()
    if problems:
        _, what, fix = problems[0]
        raise EnvironmentVariableError(f'{what}. {fix}')


# ---------------------------------------------------------------------------------------------
# numbers on the command line (argparse types: `--size` gets `type=positive_int`)


def _number(text: str, cast, what: str):
    try:
        value = cast(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f'{text!r} is not {what}') from None
    if isinstance(value, float) and not np.isfinite(value):
        raise argparse.ArgumentTypeError(f'{text!r} is not {what}')
    return value


def positive_int(text: str) -> int:
    """argparse type: a whole number >= 1."""
    value = _number(text, int, 'a whole number >= 1')
    if value < 1:
        raise argparse.ArgumentTypeError(f'{text} must be a whole number >= 1')
    return value


def non_negative_int(text: str) -> int:
    """argparse type: a whole number >= 0."""
    value = _number(text, int, 'a whole number >= 0')
    if value < 0:
        raise argparse.ArgumentTypeError(f'{text} must be a whole number >= 0')
    return value


def positive_float(text: str) -> float:
    """argparse type: a number > 0 (a frame rate, a size)."""
    value = _number(text, float, 'a number > 0')
    if value <= 0:
        raise argparse.ArgumentTypeError(f'{text} must be a number > 0')
    return value


def fraction(text: str) -> float:
    """argparse type: a fraction in [0, 1]."""
    value = _number(text, float, 'a fraction between 0 and 1')
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f'{text} must be a fraction between 0 and 1 (e.g. 0.2)')
    return value


def positive(name: str, value: Any, whole: bool = True, zero: bool = False) -> None:
    """Raise InputError unless a parameter is a number > 0 (>= 0 with zero=True; whole with whole=True)."""
    ok = isinstance(value, (int, np.integer)) if whole else isinstance(value, (int, float, np.number))
    ok = ok and not isinstance(value, bool) and np.isfinite(value) and (value >= 0 if zero else value > 0)
    if not ok:
        kind = 'whole number' if whole else 'number'
        raise InputError(f'{name}={value!r}: must be a {kind} {">= 0" if zero else "> 0"}.')


def fraction_value(name: str, value: Any) -> None:
    """Raise InputError unless a parameter is a number in [0, 1] (a threshold, a tIoU, a fraction)."""
    ok = isinstance(value, (int, float, np.number)) and not isinstance(value, bool) and np.isfinite(value)
    if not (ok and 0 <= value <= 1):
        raise InputError(f'{name}={value!r}: must be a number between 0 and 1.')


__all__ = ['FrameFolder', 'require_usable_environment', 'environment', 'video_file', 'video_location',
           'fps', 'folder_problem', 'fraction', 'fraction_value', 'frame_folder', 'image_size', 'non_negative_int',
           'positive', 'positive_float', 'positive_int', 'read_text',
           'video_array', 'video_input']
