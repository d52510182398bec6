"""Rawframes: videos decoded once into folders of JPEG frames (`img_00001.jpg`, ...), as mmaction reads them.

`extract_rawframes(videos_root, frames_root)` does what OTX's `dump_frames.py` and mmaction's
`tools/data/build_rawframes.py` do, with OpenCV only (no ffmpeg binary needed):

* every video under `videos_root` (any depth, linked folders followed) becomes
  `frames_root/<same relative path without extension>/`;
* a folder is written under a temporary name and renamed when complete, with a record of its frame
  count (`.complete`): reruns skip a folder whose frames match its record (or, for folders made by
  another tool, the video's frame count), and redo one that misses frames (an interrupted copy);
* a video that cannot be decoded is reported by name and skipped; the others go on. A failure to
  write (a full disk, a read-only one, a file where a folder goes) stops the run with a WriteError
  naming the folder and the cause, and leaves no folder a rerun would take as done;
* a frame folder holding files the course did not write (not frames) is never replaced.

Used in lesson 03.
"""
from __future__ import annotations

import json
import os
import re
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

import cv2
from tqdm.auto import tqdm

from .. import _outputs
from .._util import atomic_path, resize_short_side
from ..errors import (FileFormatError, InputError, MissingFileError, OutputExistsError, WriteError,
                      writing)
from .annotation_lists import read_rawframe_list

VIDEO_EXTENSIONS = ('.mp4', '.avi', '.mkv', '.mov', '.webm', '.m4v')
FILENAME_TMPL = 'img_{:05d}.jpg'  # mmaction's RawframeDataset default (`img_{:05}.jpg`), 1-based
COMPLETE = '.complete'  # in a frame folder: {"video": ..., "frames": N}, written with the frames


@dataclass(frozen=True)
class ExtractedVideo:
    """The outcome for one video: where its frames are, how many, at what frame rate."""

    video: str  # relative to videos_root
    frame_dir: str  # relative to frames_root
    num_frames: int
    fps: float
    status: str  # 'extracted', 'skipped' (done before) or 'failed'
    error: str = ''


@dataclass
class ExtractionReport:
    """What `extract_rawframes` did, video by video."""

    folders: list[ExtractedVideo] = field(default_factory=list)

    def by_status(self, status: str) -> list[ExtractedVideo]:
        """Return the folders with a given status (extracted, skipped, failed)."""
        return [f for f in self.folders if f.status == status]

    @property
    def failed(self) -> list[ExtractedVideo]:
        """Videos that could not be decoded."""
        return self.by_status('failed')

    def summary(self) -> str:
        """One line: how many extracted, skipped, failed (and which failed)."""
        text = (f'{len(self.by_status("extracted"))} extracted, '
                f'{len(self.by_status("skipped"))} skipped (done before), '
                f'{len(self.failed)} failed')
        if self.failed:
            text += ': ' + ', '.join(f'{f.video} ({f.error})' for f in self.failed)
        return text


def find_videos(videos_root: str | os.PathLike,
                extensions: Iterable[str] = VIDEO_EXTENSIONS) -> list[Path]:
    """Return the video files under a folder (any depth, linked folders followed), sorted, relative to it.

    A link to a missing file is refused by name; a link back to a folder already seen is not followed twice.
    """
    root = Path(videos_root).expanduser()
    if str(videos_root).startswith(('http://', 'https://', 'ftp://')):
        raise InputError(f'{videos_root} is a URL: the course reads videos from a folder on this machine. '
                         'Download them first (e.g. `curl -L -o clip.mp4 URL` into a folder), then give '
                         'that folder.')
    if not root.is_dir():
        raise MissingFileError(f'No video folder {root}: download or generate the videos first.')
    exts = {e.lower() for e in extensions}
    found, broken, seen = [], [], set()
    for folder, dirs, files in os.walk(root, followlinks=True):
        real = os.path.realpath(folder)
        if real in seen:
            dirs[:] = []
            continue
        seen.add(real)
        for name in files:
            path = Path(folder) / name
            if Path(name).suffix.lower() in exts:
                (found if path.is_file() else broken).append(path.relative_to(root))
    if broken:
        raise InputError(f'{root / broken[0]} is a link to a missing file ({os.readlink(root / broken[0])})'
                         + (f', and {len(broken) - 1} more' if len(broken) > 1 else '')
                         + ': restore what it points to, or delete the link.')
    return sorted(found)


def video_fps(video: str | os.PathLike, default: float = 30.0) -> float:
    """Return a video's frame rate as OpenCV reads it (default if the file does not say)."""
    cap = cv2.VideoCapture(str(video))
    fps = cap.get(cv2.CAP_PROP_FPS) if cap.isOpened() else 0.0
    cap.release()
    return float(fps) if fps and fps > 0 else default


def count_frames(frame_dir: str | os.PathLike, filename_tmpl: str = FILENAME_TMPL) -> int:
    """Return N if a folder holds exactly frames 1..N of the template, else raise ValueError."""
    folder = Path(frame_dir)
    names = {p.name for p in folder.iterdir() if p.is_file() and not p.name.startswith('.')}
    n = 0
    while filename_tmpl.format(n + 1) in names:
        n += 1
    if n == 0 or n != len(names):
        raise FileFormatError(f'{folder} holds {len(names)} files but frames 1..{n} of {filename_tmpl!r}; '
                         'delete the folder and extract it again.')
    return n


def extract_frames(video: str | os.PathLike, frame_dir: str | os.PathLike, *,
                   short_side: int | None = None, filename_tmpl: str = FILENAME_TMPL,
                   jpeg_quality: int = 95) -> int:
    """Decode one video into frame_dir (written whole or not at all); return the frame count."""
    from ..video import VideoSource  # the one reader of video files (same layer)
    video, frame_dir = Path(video), Path(frame_dir)
    if not video.is_file():
        raise MissingFileError(f'No video {video}.')
    source = VideoSource(video, kinds=('video',))  # a file OpenCV cannot decode: VideoReadError
    n = 0
    with atomic_path(frame_dir) as part:
        part.mkdir(parents=True)
        for frame in source:  # one frame in memory at a time
            n += 1
            bgr = cv2.cvtColor(frame.image, cv2.COLOR_RGB2BGR)
            ok, data = cv2.imencode('.jpg', resize_short_side(bgr, short_side),
                                    [cv2.IMWRITE_JPEG_QUALITY, jpeg_quality])
            (part / filename_tmpl.format(n)).write_bytes(data.tobytes())  # OSError with its cause
        if n == 0:
            raise FileFormatError(f'{video}: OpenCV decoded no frame (corrupt, empty or unsupported codec).')
        (part / COMPLETE).write_text(json.dumps({'video': video.name, 'frames': n}))
    return n


def video_frame_count(video: str | os.PathLike) -> int:
    """The frame count a video's container states (0 if it states none, e.g. a raw stream)."""
    cap = cv2.VideoCapture(str(video))
    count = cap.get(cv2.CAP_PROP_FRAME_COUNT) if cap.isOpened() else 0
    cap.release()
    return int(count) if count and count > 0 else 0


def done_before(frame_dir: Path, video: Path, filename_tmpl: str = FILENAME_TMPL) -> int | None:
    """The frame count of a complete frame folder (its record, else the video's count), else None."""
    try:
        n = count_frames(frame_dir, filename_tmpl)
    except (ValueError, OSError):
        return None
    try:
        recorded = json.loads((frame_dir / COMPLETE).read_text()).get('frames')
    except (OSError, ValueError, AttributeError):
        recorded = None
    if recorded is not None:
        return n if n == recorded else None
    stated = video_frame_count(video)  # a folder made by another tool: the video says how many
    return n if stated == 0 or n >= stated else None


def _refuse_foreign(frame_dir: Path, filename_tmpl: str) -> None:
    """Refuse to replace a frame folder that holds files the course did not write (not its frames)."""
    if not frame_dir.is_dir():
        if frame_dir.exists():
            raise OutputExistsError(f'{frame_dir} is a file where a frame folder goes: move it away, then rerun.')
        return
    frame = re.compile(r'\d+'.join(re.escape(part) for part in re.split(r'\{[^}]*\}', filename_tmpl)))
    foreign = sorted(p.name for p in frame_dir.iterdir() if p.name != COMPLETE and not frame.fullmatch(p.name))
    if foreign:
        raise OutputExistsError(f'{frame_dir} must be extracted again (its frames are incomplete) but holds '
                                f'files the course did not write ({", ".join(foreign[:4])}): nothing was '
                                'changed. Move those files out of it, then rerun.')


def _one(job: tuple[Path, Path, str, str, int | None, str]) -> ExtractedVideo:
    videos_root, frames_root, video, frame_dir, short_side, tmpl = job
    target = frames_root / frame_dir
    if target.is_dir():
        n = done_before(target, videos_root / video, tmpl)
        if n is not None:
            return ExtractedVideo(video, frame_dir, n, video_fps(videos_root / video), 'skipped')
    _refuse_foreign(target, tmpl)  # incomplete: extracted again, if it holds only frames
    try:
        n = extract_frames(videos_root / video, target, short_side=short_side, filename_tmpl=tmpl)
    except WriteError:
        raise  # the output, not the video: stop and say so
    except (ValueError, OSError, cv2.error) as err:
        return ExtractedVideo(video, frame_dir, 0, 0.0, 'failed', str(err).split(': ', 1)[-1])
    return ExtractedVideo(video, frame_dir, n, video_fps(videos_root / video), 'extracted')


def extract_rawframes(videos_root: str | os.PathLike, frames_root: str | os.PathLike, *,
                      videos: Iterable[str | os.PathLike] | None = None,
                      short_side: int | None = None, filename_tmpl: str = FILENAME_TMPL,
                      workers: int = 1, progress: bool = True) -> ExtractionReport:
    """Extract every video under videos_root into frames_root; skip done ones, report bad ones."""
    videos_root = Path(videos_root).expanduser()
    frames_root = _outputs.output_folder(frames_root, 'FRAMES_ROOT')
    rel = [Path(v) for v in videos] if videos is not None else find_videos(videos_root)
    with writing(frames_root):
        frames_root.mkdir(parents=True, exist_ok=True)
    jobs = [(videos_root, frames_root, v.as_posix(), v.with_suffix('').as_posix(), short_side,
             filename_tmpl) for v in rel]
    report = ExtractionReport()
    bar = tqdm(total=len(jobs), desc='rawframes', unit='video', disable=not progress)
    if workers > 1:
        with ProcessPoolExecutor(workers) as pool:
            results = pool.map(_one, jobs, chunksize=4)
            for result in results:
                report.folders.append(result)
                bar.update(1)
    else:
        for job in jobs:
            report.folders.append(_one(job))
            bar.update(1)
    bar.close()
    for bad in report.failed:
        print(f'Could not decode {videos_root / bad.video}: {bad.error}; skipped it.')
    return report


def check_rawframe_list(list_file: str | os.PathLike, frames_root: str | os.PathLike, *,
                        with_offset: bool = False, filename_tmpl: str = FILENAME_TMPL) -> list[str]:
    """Return the problems (missing folders, too few frames) of a rawframe list; [] if none."""
    problems = []
    for entry in read_rawframe_list(list_file, with_offset=with_offset):
        folder = Path(frames_root) / entry.frame_dir
        if not folder.is_dir():
            problems.append(f'{list_file}: {entry.frame_dir}: no folder {folder}')
            continue
        need = (entry.offset or 0) + entry.total_frames
        last = folder / filename_tmpl.format(need)
        if not last.is_file():
            problems.append(f'{list_file}: {entry.frame_dir}: needs frame {need} ({last.name}), '
                            'which is missing')
    return problems


def rawframe_input(frame_dir: str | os.PathLike, filename_tmpl: str = FILENAME_TMPL) -> dict:
    """Return the sample dict that mmaction's rawframe pipelines (and inference_recognizer) take."""
    return dict(frame_dir=str(frame_dir), total_frames=count_frames(frame_dir, filename_tmpl),
                filename_tmpl=filename_tmpl, start_index=1, modality='RGB', label=-1)
