"""Checks of the input a learner controls, one per kind, used by the course's entry points.

* videos: `video_input` (a file, a frame folder or an array), `video_array`, `frame_folder`, `fps`;
* files: `image_size` (a real image), `read_text` (UTF-8, a byte-order mark removed);
* configs: `cfg_options` (keys that exist; no top-level variable the config already used);
* checkpoints: `course_lib.checkpoints.load_checked` (its one rule), `pretrained_head`;
* environment variables: `environment` (COURSE_PROFILE, COURSE_DATA_DIR, COURSE_CACHE_DIR);
* command-line numbers: argparse types `positive_int`, `non_negative_int`, `positive_float`, `fraction`.

Each raises a `course_lib.errors` type whose message names the value or file (and line), says what
was expected, and gives a fix.
"""
from __future__ import annotations

import argparse
import difflib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Mapping

import numpy as np

from .errors import ConfigError, EnvironmentVariableError, FileFormatError, InputError

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
# configs and --cfg-options

# Top-level keys mmengine's Runner (and the course) read; any other top-level name of a config is a
# variable, already substituted where the file used it when it was loaded.
RUNNER_KEYS = frozenset({
    'model', 'work_dir', 'train_dataloader', 'val_dataloader', 'test_dataloader', 'train_cfg',
    'val_cfg', 'test_cfg', 'auto_scale_lr', 'optim_wrapper', 'param_scheduler', 'val_evaluator',
    'test_evaluator', 'default_hooks', 'custom_hooks', 'data_preprocessor', 'load_from', 'resume',
    'launcher', 'env_cfg', 'log_processor', 'log_level', 'visualizer', 'default_scope', 'randomness',
    'experiment_name', 'model_wrapper_cfg', 'compile', 'find_unused_parameters', 'custom_imports',
    'dist_params'})


def _paths(node: Any, prefix: str = '') -> Iterator[tuple[str, Any]]:
    if isinstance(node, Mapping):
        for key, value in node.items():
            yield from _paths(value, f'{prefix}.{key}' if prefix else str(key))
    elif isinstance(node, (list, tuple)):
        for i, value in enumerate(node):
            yield from _paths(value, f'{prefix}.{i}')
    if prefix:
        yield prefix, node


def _uses_of(cfg: Mapping, name: str, value: Any) -> tuple[list[str], list[str]]:
    """Config keys that hold a top-level variable's value as is, and keys built from it (strings)."""
    if isinstance(value, (bool, type(None))) or (isinstance(value, (int, float)) and value in (0, 1)):
        return [], []
    same, built = [], []
    for path, v in _paths({k: cfg[k] for k in cfg if k in RUNNER_KEYS}):
        try:
            equal = type(v) is type(value) and v == value
        except Exception:  # noqa: BLE001  (arrays and odd objects: not the variable)
            equal = False
        if equal:
            same.append(path)
        elif isinstance(value, str) and isinstance(v, str) and len(value) > 3 and value in v:
            built.append(path)
    order = lambda p: (p.split('.')[-1] != name, not p.startswith('train'), len(p))  # noqa: E731
    return sorted(same, key=order), sorted(built, key=order)


def _pointer(name: str, value: Any, same: list[str], built: list[str]) -> str:
    if same:
        named = [u for u in same if u.split('.')[-1] == name] or same
        others = [u for u in same if u not in named]
        return (f'Set the key{"s" if len(named) > 1 else ""} that take{"" if len(named) > 1 else "s"} effect '
                f'instead: {" ".join(f"{u}={value!r}" for u in named[:4])}'
                + (f' (its value is also in {", ".join(others[:3])}: check those too)' if others else ''))
    if built:
        return (f'Keys built from it: {", ".join(built[:4])}{" ..." if len(built) > 4 else ""}; set each of '
                'them to its full new value, or edit a copy of the config file')
    return ('The config computed other keys from it (e.g. a count from a list): edit a copy of the config '
            'file and change it there')


# Config keys whose values only make sense in a range (whatever group they are in).
POSITIVE_KEYS = frozenset({'max_epochs', 'max_iters', 'batch_size', 'lr', 'interval', 'val_interval',
                           'num_classes', 'num_action_classes', 'clip_len', 'frame_interval',
                           'num_clips', 'temporal_dim', 'feat_dim', 'max_keep_ckpts'})
NON_NEGATIVE_KEYS = frozenset({'num_workers', 'val_begin', 'weight_decay', 'begin', 'end'})
WHOLE_KEYS = frozenset({'max_epochs', 'max_iters', 'batch_size', 'interval', 'val_interval', 'num_classes',
                        'num_action_classes', 'clip_len', 'frame_interval', 'num_clips', 'temporal_dim',
                        'feat_dim', 'max_keep_ckpts', 'num_workers', 'val_begin', 'begin', 'end'})
FRACTION_KEYS = frozenset({'dropout_ratio', 'score_thr', 'iou_threshold', 'action_thr', 'momentum',
                           'person_det_score_thr'})


def _value_problem(leaf: str, value: Any) -> str | None:
    if leaf not in POSITIVE_KEYS | NON_NEGATIVE_KEYS | FRACTION_KEYS:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return f'must be a number, got {value!r}' if isinstance(value, (str, bool)) else None
    if not np.isfinite(value):
        return 'must be a finite number'
    if leaf in WHOLE_KEYS and not isinstance(value, int):
        return (f'must be a whole number (a count), got {value!r}'
                + (f': write {int(value)}' if float(value).is_integer() else ''))
    if leaf in POSITIVE_KEYS and value <= 0:
        return 'must be > 0'
    if leaf in NON_NEGATIVE_KEYS and value < 0:
        return 'must be >= 0'
    if leaf in FRACTION_KEYS and not 0 <= value <= 1:
        return 'must lie between 0 and 1'
    return None


def cfg_options(cfg: Mapping, options: Mapping[str, Any], source: str = 'the config') -> None:
    """Refuse `--cfg-options` keys that do not exist, top-level variables the config already used, and
    values out of range for well-known keys (max_epochs=0, lr=-1, dropout_ratio=2...)."""
    for key, value in options.items():
        _cfg_option(cfg, str(key), value, options, source)
        problem = _value_problem(str(key).split('.')[-1], value)
        if problem:
            raise ConfigError(f'--cfg-options {key}={value!r}: {str(key).split(".")[-1]} {problem}. '
                              'Give a value in that range.')


def _cfg_option(cfg: Mapping, key: str, value: Any, options: Mapping, source: str) -> None:
    parts = key.split('.')
    node: Any = cfg
    for i, part in enumerate(parts):
        here = '.'.join(parts[:i])
        if isinstance(node, (list, tuple)):
            if not part.isdigit() or int(part) >= len(node):
                raise ConfigError(f'--cfg-options {key}: {here} is a list of {len(node)} items; index it '
                                  f'with a number 0..{len(node) - 1} (e.g. {here}.0.<key>), or set '
                                  f'{here} as a whole.')
            node = node[int(part)]
            continue
        if not (isinstance(node, Mapping) or hasattr(node, 'keys')):  # a dict, a ConfigDict or the Config
            raise ConfigError(f'--cfg-options {key}: {here} is a value ({node!r:.60}), not a group of '
                              f'keys. Set {here}=... itself.')
        if part not in node:
            if i == 0 and part in RUNNER_KEYS:
                return  # a key the Runner reads, unset in this config (e.g. load_from=...)
            last = i == len(parts) - 1
            changes_type = '.'.join(parts[:i] + ['type']) in options
            close = difflib.get_close_matches(part, [str(k) for k in node], n=3, cutoff=0.6)
            if last and changes_type and not close:
                return  # a new model type takes new keys (e.g. model.type=BMNwActionCls + its head)
            if last and part in _init_parameters(node.get('type') if hasattr(node, 'get') else None):
                return  # an argument of the registered class that the config leaves at its default
            where = here or 'the top level'
            known = ', '.join(sorted(str(k) for k in node)[:12])
            raise ConfigError(
                f'--cfg-options {key}: {source} has no key {part!r} in {where}'
                + (f'; did you mean {", ".join(".".join(parts[:i] + [c]) for c in close)}?' if close
                   else f' (it has: {known}).')
                + ' A key that does not exist is not used by anything; fix its spelling.'
                + ('' if close or not last else ' To add a key of a new model type, set its `type` '
                   'in the same cfg-options.'))
        node = node[part]
    if len(parts) == 1 and key not in RUNNER_KEYS:
        pointer = _pointer(key, value, *_uses_of(cfg, key, cfg[key]))
        raise ConfigError(f'--cfg-options {key}={value!r}: {key} is a variable of {source}, already '
                          f'used when the config was loaded, so overriding it changes nothing. '
                          f'{pointer}.')


def schedule(cfg: Mapping, source: str = 'the config') -> None:
    """Refuse a `param_scheduler` step that covers nothing (end <= begin) or starts after training ends."""
    steps = cfg.get('param_scheduler') or []
    steps = [steps] if isinstance(steps, Mapping) else steps
    train = cfg.get('train_cfg') or {}
    last = train.get('max_epochs') if train.get('by_epoch', True) else train.get('max_iters')
    for i, step in enumerate(steps):
        if not isinstance(step, Mapping):
            continue
        begin, end = step.get('begin', 0), step.get('end')
        what = f'param_scheduler[{i}] ({step.get("type")}, begin={begin}, end={end})'
        if isinstance(end, (int, float)) and isinstance(begin, (int, float)) and end <= begin:
            raise ConfigError(f'{source}: {what} covers no epoch: `end` must be larger than `begin`. With '
                              f'train_cfg.max_epochs={last}, delete that step from param_scheduler or make '
                              'training longer (a schedule made from max_epochs needs max_epochs >= 2).')
        if isinstance(last, int) and isinstance(begin, int) and step.get('by_epoch', True) \
                and train.get('by_epoch', True) and begin >= last > 0:
            raise ConfigError(f'{source}: {what} begins after the last epoch (train_cfg.max_epochs={last}): '
                              'delete that step from param_scheduler, or train longer.')


REGISTRIES = ('MODELS', 'TRANSFORMS', 'DATASETS', 'METRICS', 'HOOKS', 'OPTIM_WRAPPERS', 'OPTIMIZERS',
              'PARAM_SCHEDULERS', 'TASK_UTILS', 'DATA_SAMPLERS', 'VISBACKENDS', 'VISUALIZERS')


def _init_parameters(type_name: Any) -> set[str]:
    """The constructor arguments of a registered type (mmaction / mmdet / mmengine registries), if known."""
    import inspect
    import importlib
    if not isinstance(type_name, str):
        cls = type_name if inspect.isclass(type_name) else None
    else:
        cls = None
        for package in ('mmaction.registry', 'mmdet.registry', 'mmengine.registry'):
            try:
                module = importlib.import_module(package)
            except ImportError:  # an optional package (mmdet) that is not installed
                continue
            for name in REGISTRIES:
                registry = getattr(module, name, None)
                found = registry.get(type_name) if registry is not None else None
                if found is not None:
                    cls = found
                    break
            if cls is not None:
                break
    if cls is None or not inspect.isclass(cls):
        return set()
    names = set()
    for klass in cls.__mro__:
        init = klass.__dict__.get('__init__')
        if init is not None:
            names |= {p for p in inspect.signature(init).parameters if p not in ('self', 'args', 'kwargs')}
    return names


def pretrained_head(cfg: Mapping, model: Any) -> tuple[str, ...]:
    """The classifier a config replaces when it starts from another checkpoint: the parameters of
    its heads whose first dimension is the config's class count (X3D: cls_head.fc2, R(2+1)D:
    cls_head.fc_cls). Used by course_lib.train for `load_from`, as checkfull's dry run declares them."""
    model_cfg = cfg.get('model', {})
    prefixes = set()
    for head in ('cls_head', 'roi_head.bbox_head'):
        node: Any = model_cfg
        for part in head.split('.'):
            node = node.get(part) if hasattr(node, 'get') else None
        count = node.get('num_classes') if hasattr(node, 'get') else None
        if not isinstance(count, int):
            continue
        for name, value in model.state_dict().items():
            if name.startswith(head + '.') and value.ndim >= 1 and value.shape[0] == count:
                prefixes.add(name.rsplit('.', 1)[0])
    return tuple(sorted(prefixes))


# ---------------------------------------------------------------------------------------------
# environment variables


def environment() -> list[tuple[str, str, str]]:
    """Problems of the course's environment variables: [(variable, what is wrong, fix)]; [] if none."""
    from .profile import PROFILES
    problems = []
    value = os.environ.get('COURSE_PROFILE', '')
    if value.strip().lower() not in ('', *PROFILES):
        problems.append(('COURSE_PROFILE', f'COURSE_PROFILE={value!r} is not a profile',
                         'export COURSE_PROFILE=smoke (or full), or unset it (default: smoke).'))
    defaults = {'COURSE_DATA_DIR': 'data/ in the repository', 'COURSE_CACHE_DIR': '$COURSE_DATA_DIR/cache'}
    for name, default in defaults.items():
        folder = os.environ.get(name)
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


def check_environment() -> None:
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


__all__ = ['FrameFolder', 'RUNNER_KEYS', 'cfg_options', 'schedule', 'video_file', 'video_location', 'check_environment', 'environment',
           'fps', 'folder_problem', 'fraction', 'fraction_value', 'frame_folder', 'image_size', 'non_negative_int',
           'positive', 'positive_float', 'positive_int', 'pretrained_head', 'read_text',
           'video_array', 'video_input']
