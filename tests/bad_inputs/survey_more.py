"""The survey's second round: files and habits from outside the course (survey.py runs these too).

Categories: output folders the course did not write, video containers, partial and linked folders,
write errors, paths as users write them, labels and splits, a config of one's own, the deploy
package's demo, whole-number exercise answers, and the docs' own examples. `cases(S)` takes the
survey module (its Case, TMP, ROOT and fixtures).
"""
from __future__ import annotations

import contextlib
import errno
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np


def _frames(n: int = 24, size: int = 48) -> np.ndarray:
    frames = np.zeros((n, size, size, 3), np.uint8)
    for t in range(n):
        frames[t, 16:28, 4 + t % 30:16 + t % 30] = 255
    return frames


def write_mp4v(path: Path, frames: np.ndarray, fps: float = 8.0) -> Path:
    """An MPEG-4 Part 2 file written by OpenCV (a real container)."""
    import cv2
    path.parent.mkdir(parents=True, exist_ok=True)
    h, w = frames.shape[1:3]
    fourcc = 'MJPG' if path.suffix == '.avi' else 'mp4v'
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*fourcc), fps, (w, h))
    for f in frames:
        writer.write(f[..., ::-1].copy())
    writer.release()
    return path


def write_raw_h264(path: Path, frames: np.ndarray, fps: float = 8.0) -> Path:
    """A raw H.264 elementary stream (no container), named as the caller says (e.g. `.mp4`)."""
    import imageio_ffmpeg
    h, w = frames.shape[1:3]
    path.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), '-y', '-loglevel', 'error', '-f', 'rawvideo',
                    '-pix_fmt', 'rgb24', '-s', f'{w}x{h}', '-r', str(fps), '-i', '-', '-c:v', 'libx264',
                    '-pix_fmt', 'yuv420p', '-f', 'h264', str(path)], input=frames.tobytes(), check=True)
    return path


def _user_files(folder: Path, names=('notes.txt',)) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        (folder / name).write_text(f'my own {name}, keep it\n')
    return folder


def _kept(paths) -> str | None:
    gone = [str(p) for p in paths if not Path(p).exists()]
    return f'deleted the user\'s {", ".join(gone)}' if gone else None


def guarded(action, *keep):
    """Run action; a user file it deleted makes the case silent, whatever it raised."""
    try:
        result = action()
    except BaseException:
        if _kept(keep):
            return _kept(keep)
        raise
    return _kept(keep) or result


@contextlib.contextmanager
def failing_writes(code: int):
    """Every file write (Python and OpenCV) fails with errno `code` (a full disk, a read-only one)."""
    import cv2
    real = (Path.write_text, Path.write_bytes, cv2.imwrite, io.open)

    def fail(*args, **kwargs):
        raise OSError(code, os.strerror(code), str(args[0]) if args else '')

    def opener(file, mode='r', *args, **kwargs):
        if any(m in str(mode) for m in 'wax+'):
            raise OSError(code, os.strerror(code), str(file))
        return real[3](file, mode, *args, **kwargs)
    Path.write_text = Path.write_bytes = fail
    cv2.imwrite = fail
    import builtins
    builtins.open, real_open = opener, builtins.open
    try:
        yield
    finally:
        Path.write_text, Path.write_bytes, cv2.imwrite = real[:3]
        builtins.open = real_open


@contextlib.contextmanager
def env(**values):
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update({k: str(v) for k, v in values.items()})
    try:
        yield
    finally:
        for k, v in saved.items():
            os.environ.pop(k, None) if v is None else os.environ.update({k: v})


def cases(S) -> list:
    """The second round's cases (S: the survey module)."""
    Case, TMP, ROOT = S.Case, S.TMP, S.ROOT
    script = S._script
    sq = _frames

    def tmp(name: str) -> Path:
        path = TMP / 'r2' / name
        path.parent.mkdir(parents=True, exist_ok=True)
        return path

    # ---- 1. output folders the course did not write -------------------------------------------
    def package_into(kind: str):
        from course_lib.export import package
        out = tmp(f'pkg_{kind}')
        keep = []
        if kind in ('user_config', 'user_files'):
            _user_files(out, ('config.json', 'notes.txt') if kind == 'user_config' else ('notes.txt',))
            keep = [out / 'notes.txt']
        elif kind == 'user_zip':
            zip_path = out.with_name(out.name + '.zip')
            zip_path.write_text('my own archive')
            keep = [zip_path]
        elif kind == 'under_file':
            tmp('a_file').write_text('x')
            out = tmp('a_file') / 'pkg'
        def run():
            package._prepare_folder(out)
            if kind == 'user_zip':
                (out / 'model.xml').write_text('<net/>')
                shutil.make_archive(str(out), 'zip', root_dir=out.parent, base_dir=out.name)
                if not zip_path.read_bytes().startswith(b'my own'):
                    return 'overwrote the user\'s zip'
            return 'accepted the folder'
        return guarded(run, *keep)

    def extraction_over_user_folder():
        from course_lib.data.rawframes import extract_rawframes
        videos, frames = tmp('ex_user/videos'), tmp('ex_user/frames')
        write_mp4v(videos / 'c0' / 'v0.mp4', sq())
        target = _user_files(frames / 'c0' / 'v0', ('notes.txt',))
        import cv2
        for i in range(1, 4):
            cv2.imwrite(str(target / f'img_{i:05d}.jpg'), sq()[i])
        return guarded(lambda: extract_rawframes(videos, frames, progress=False).summary(),
                       target / 'notes.txt')

    def synthetic_anet_over_user_folder():
        from course_lib.data.synthetic.anet_features import SyntheticAnetSpec, generate_anet_features
        root, spec = tmp('anet_user'), SyntheticAnetSpec(num_train=2, num_val=1, num_test=1)
        keep = _user_files(root / spec.feature_dir, ('v_mine.csv',)) / 'v_mine.csv'
        return guarded(lambda: generate_anet_features(root, spec, progress=False), keep)

    def lists_over_user_classes():
        from course_lib.data import splits
        videos, out = tmp('lists_user/videos'), tmp('lists_user/lists')
        for c in ('a', 'b'):
            for i in range(2):
                write_mp4v(videos / c / f'{c}{i}.mp4', sq(4))
        _user_files(out, ('classes.txt',))
        before = (out / 'classes.txt').read_text()
        split = splits.split_class_folders(videos, 0.5)

        def run():
            splits.write_split_lists(split, out)
            return 'overwrote the user\'s classes.txt' if (out / 'classes.txt').read_text() != before \
                else 'kept'
        return guarded(run, out / 'classes.txt')

    def clip_list_onto_itself():
        from course_lib.data.annotation_lists import clips_to_rawframe_list
        clips = tmp('clips_self.txt')
        clips.write_text('c0/v0 1 0 120 10 40 30\n')
        before = clips.read_text()

        def run():
            clips_to_rawframe_list(clips, clips)
            return 'overwrote the clip list with its own conversion' if clips.read_text() != before else 'kept'
        return run()

    O = 'never delete what the course did not write'
    out1 = [
        Case(O, 'package --out: a folder with the user\'s config.json and notes', lambda: package_into('user_config'),
             words=('pkg_user_config',)),
        Case(O, 'package --out: a folder with the user\'s files', lambda: package_into('user_files'),
             words=('pkg_user_files',)),
        Case(O, 'package --out: the user\'s DIR.zip beside it', lambda: package_into('user_zip'),
             words=('pkg_user_zip.zip',)),
        Case(O, 'extract_rawframes: a frame folder holding the user\'s notes', extraction_over_user_folder,
             words=('notes.txt',)),
        Case(O, 'synthetic ActivityNet into a root holding the user\'s feature folder', synthetic_anet_over_user_folder,
             words=('csv_mean',)),
        Case(O, 'build_file_lists --out holding the user\'s classes.txt', lists_over_user_classes,
             words=('classes.txt',)),
        Case(O, 'build_file_lists clips: output = input', clip_list_onto_itself, words=('clips_self.txt',)),
    ]

    # ---- 2. video containers ------------------------------------------------------------------
    def recognize_file(path: Path):
        return S.recognize(path)

    def raw_h264_same_as_array():
        from course_lib.video import read_frames
        path = write_raw_h264(tmp('raw stream.mp4'), sq())
        decoded = read_frames(path)[0]
        got, ref = S.recognize(path), S.recognize(decoded)
        return bool(np.allclose(got.all_scores, ref.all_scores, atol=1e-3)) and len(decoded) == 24

    def detector_on_file(n: int):
        return S.detector()(write_mp4v(tmp(f'det_{n}.mp4'), sq(n)), fps=8)

    V = 'video containers'
    out2 = [
        Case(V, 'recognize: a raw H.264 stream named .mp4', raw_h264_same_as_array, expect='correct', check=bool),
        Case(V, 'recognize: a 2-frame .mp4 (the array is refused)',
             lambda: recognize_file(write_mp4v(tmp('two.mp4'), sq(2))), words=('2 frames',)),
        Case(V, 'recognize: a 1-frame .mp4', lambda: recognize_file(write_mp4v(tmp('one.mp4'), sq(1))),
             words=('1 frame',)),
        Case(V, 'recognize: a 3-frame MJPG .avi', lambda: recognize_file(write_mp4v(tmp('three.avi'), sq(3))),
             words=('3 frames',)),
        Case(V, 'recognize: a 2-frame raw H.264 .mp4',
             lambda: recognize_file(write_raw_h264(tmp('two_raw.mp4'), sq(2))), words=('2 frames',)),
        Case(V, 'recognize: a 0-byte .mp4',
             lambda: recognize_file((tmp('empty.mp4').write_bytes(b''), tmp('empty.mp4'))[1]),
             words=('empty.mp4',)),
        Case(V, 'recognize: the first half of an .mp4',
             lambda: recognize_file((tmp('half.mp4').write_bytes(
                 write_mp4v(tmp('whole.mp4'), sq()).read_bytes()[:700]), tmp('half.mp4'))[1]),
             words=('half.mp4',)),
        Case(V, 'recognize: a JPEG image given as the video',
             lambda: recognize_file((__import__('cv2').imwrite(str(tmp('photo.jpg')), sq()[0]), tmp('photo.jpg'))[1]),
             words=('photo.jpg', 'image')),
        Case(V, 'localize: a 1-frame .mp4 (the array is refused)', lambda: detector_on_file(1), words=('1 frame',)),
        Case(V, 'load_frames: a raw H.264 stream gives all its frames',
             lambda: len(__import__('course_lib.video', fromlist=['x']).load_frames(
                 write_raw_h264(tmp('raw_all.mp4'), sq()))[0]), expect='correct', check=lambda n: n == 24),
    ]

    # ---- 3. partial and linked folders ---------------------------------------------------------
    def interrupted_copy():
        import cv2
        from course_lib.data.rawframes import extract_rawframes
        videos, frames = tmp('partial/videos'), tmp('partial/frames')
        write_mp4v(videos / 'c0' / 'v0.mp4', sq())
        target = frames / 'c0' / 'v0'
        target.mkdir(parents=True, exist_ok=True)
        for i in range(1, 11):  # an interrupted copy: frames 1..10 of 24
            cv2.imwrite(str(target / f'img_{i:05d}.jpg'), sq()[i - 1][..., ::-1])
        report = extract_rawframes(videos, frames, progress=False)
        return report.folders[0].num_frames

    def linked_class(kind: str):
        from course_lib.data import splits
        from course_lib.data.rawframes import extract_rawframes
        base = tmp(f'linked_{kind}')
        real, videos = base / 'elsewhere', base / 'videos'
        for c in ('a', 'b'):
            folder = (real if c == 'b' else videos) / c
            for i in range(2):
                write_mp4v(folder / f'{c}{i}.mp4', sq(4))
        if not (videos / 'b').exists():
            (videos / 'b').symlink_to(real / 'b', target_is_directory=True)
        if kind == 'extract':
            report = extract_rawframes(videos, base / 'frames', progress=False)
            return sorted(f.video for f in report.folders)
        return splits.split_class_folders(videos, 0.5).classes

    def broken_link():
        from course_lib.data.rawframes import find_videos
        videos = tmp('broken_link/videos')
        write_mp4v(videos / 'a' / 'a0.mp4', sq(4))
        link = videos / 'a' / 'a1.mp4'
        if not link.is_symlink():
            link.symlink_to(tmp('broken_link/gone.mp4'))
        return [str(v) for v in find_videos(videos)]

    def link_loop():
        from course_lib.data import splits
        videos = tmp('loop/videos')
        for c in ('a', 'b'):
            for i in range(2):
                write_mp4v(videos / c / f'{c}{i}.mp4', sq(4))
        loop = videos / 'a' / 'again'
        if not loop.is_symlink():
            loop.symlink_to(videos, target_is_directory=True)
        return splits.split_class_folders(videos, 0.5)

    def partial_frames_listed():
        import cv2
        base = tmp('partial_lists')
        videos, frames = base / 'videos', base / 'frames'
        for c in ('a', 'b'):
            for i in range(2):
                write_mp4v(videos / c / f'{c}{i}.mp4', sq(12))
        from course_lib.data.rawframes import extract_rawframes
        extract_rawframes(videos, frames, progress=False)
        for i in range(7, 13):  # an interrupted copy of b/b1: its last frames are missing
            (frames / 'b' / 'b1' / f'img_{i:05d}.jpg').unlink(missing_ok=True)
        return [script('build_file_lists'), 'folders', str(videos), '--out', str(base / 'lists'),
                '--frames', str(frames), '--val-fraction', '0.5']

    P = 'partial and linked folders'
    out3 = [
        Case(P, 'extract_rawframes: an interrupted copy (frames 1..10 of 24) is not "done"', interrupted_copy,
             expect='correct', check=lambda n: n == 24),
        Case(P, 'extract_rawframes: a class folder that is a symbolic link', lambda: linked_class('extract'),
             expect='correct', check=lambda v: v == ['a/a0.mp4', 'a/a1.mp4', 'b/b0.mp4', 'b/b1.mp4']),
        Case(P, 'build_file_lists folders: a class folder that is a symbolic link', lambda: linked_class('lists'),
             expect='correct', check=lambda c: c == ['a', 'b']),
        Case(P, 'find_videos: a video that is a broken link', broken_link, words=('a1.mp4', 'link')),
        Case(P, 'build_file_lists folders: a link back to the videos folder (no loop, no repeats)', link_loop,
             expect='correct', check=lambda split: split.classes == ['a', 'b'] and
             sum(split.counts().values()) == 4),
        Case(P, 'build_file_lists --frames: a frame folder missing its last frames', partial_frames_listed(),
             expect='correct', check=lambda text: 'b/b1' in text and 'incomplete' in text.lower()),
    ]

    # ---- 4. write errors ----------------------------------------------------------------------
    def extract_failing(code: int):
        from course_lib.data.rawframes import extract_rawframes
        videos, frames = tmp(f'wfail{code}/videos'), tmp(f'wfail{code}/frames')
        write_mp4v(videos / 'c0' / 'v0.mp4', sq(4))
        try:
            with failing_writes(code):
                report = extract_rawframes(videos, frames, progress=False)
        finally:
            left = [p for p in frames.rglob('*') if p.is_dir() and not p.name.endswith('.part')] \
                if frames.exists() else []
        if any(p.name == 'v0' for p in left):
            return 'left a folder a rerun takes as complete'
        return report.summary()

    def lists_failing(code: int):
        from course_lib.data import splits
        videos = tmp(f'lfail{code}/videos')
        for c in ('a', 'b'):
            for i in range(2):
                write_mp4v(videos / c / f'{c}{i}.mp4', sq(4))
        split = splits.split_class_folders(videos, 0.5)
        with failing_writes(code):
            return splits.write_split_lists(split, tmp(f'lfail{code}/lists'))

    def anet_failing():
        from course_lib.data import activitynet
        db = {'v_a': {'duration_second': 10.0, 'duration_frame': 300, 'feature_frame': 300,
                      'annotations': [{'segment': [1.0, 4.0], 'label': 'jump'}]}}
        with failing_writes(errno.EROFS):
            return activitynet.write_annotations(tmp('ro/anet.json'), db)

    tmp('plain_file').write_text('a file, not a folder')
    under_file = str(tmp('plain_file') / 'sub')
    write_mp4v(tmp('wvideos/c0/v0.mp4'), sq(4))
    W = 'write errors are not read errors'
    out4 = [
        Case(W, 'extract_rawframes: FRAMES_ROOT under a file',
             [script('extract_rawframes'), str(tmp('wvideos')), under_file], words=('plain_file', 'not a folder'),
             forbidden=('decode',)),
        Case(W, 'extract_rawframes: the disk is full (ENOSPC)', lambda: extract_failing(errno.ENOSPC),
             words=('no space', 'frames'), forbidden=('decode',)),
        Case(W, 'extract_rawframes: a read-only disk (EROFS)', lambda: extract_failing(errno.EROFS),
             words=('read-only', 'frames'), forbidden=('decode',)),
        Case(W, 'write_split_lists: the disk is full (ENOSPC)', lambda: lists_failing(errno.ENOSPC),
             words=('no space', 'lists')),
        Case(W, 'write_split_lists: a read-only disk (EROFS)', lambda: lists_failing(errno.EROFS),
             words=('read-only', 'lists')),
        Case(W, 'ActivityNet write_annotations: a read-only disk', anet_failing, words=('read-only', 'anet.json')),
        Case(W, 'build_file_lists --out under a file',
             [script('build_file_lists'), 'folders', str(tmp('wvideos')), '--out', under_file],
             words=('plain_file', 'not a folder')),
        Case(W, 'generate_motion_clips --root under a file',
             [script('generate_motion_clips'), '--train-per-class', '1', '--root', under_file],
             words=('plain_file', 'not a folder')),
        Case(W, 'package --out under a file', lambda: package_into('under_file'), words=('a_file', 'not a folder')),
    ]

    # ---- 5. paths as users write them ------------------------------------------------------------
    def config_data_root(value: str):
        from course_lib.configs import load_config
        home = tmp('home')
        home.mkdir(exist_ok=True)
        with env(COURSE_DATA_DIR=value, HOME=str(home)):
            cfg = load_config('r2plus1d_r18_motion_smoke')
        return str(cfg.train_dataloader.dataset.ann_file)

    def in_home_video():
        home = tmp('home')
        write_mp4v(home / 'clip.mp4', sq())
        with env(HOME=str(home)):
            return S.recognize('~/clip.mp4')

    def spaces_in_lists():
        from course_lib.data import splits
        videos, out = tmp('space lists/videos'), tmp('space lists/lists')
        for c in ('Jumping Jack', 'Run'):
            for i in range(2):
                write_mp4v(videos / c / f'clip {i}.mp4', sq(4))
        try:
            splits.write_split_lists(splits.split_class_folders(videos, 0.5), out)
        except Exception:
            if out.exists() and any(out.iterdir()):
                return f'wrote {sorted(p.name for p in out.iterdir())} before refusing'
            raise
        return 'lists written with spaces in paths'

    def unicode_extraction():
        from course_lib.data.rawframes import extract_rawframes
        videos = tmp('vidéos été/videos')
        write_mp4v(videos / 'saut à la corde' / 'clip 1.mp4', sq(6))
        report = extract_rawframes(videos, tmp('vidéos été/frames'), progress=False)
        return [f.num_frames for f in report.folders]

    A = 'paths as users write them'
    out5 = [
        Case(A, "COURSE_DATA_DIR='~/cd': configs expand ~", lambda: config_data_root('~/cd'), expect='correct',
             check=lambda p: '~' not in p and p.startswith(str(tmp('home')))),
        Case(A, 'COURSE_DATA_DIR relative: configs get the same folder as scripts',
             lambda: config_data_root('rel_data'), expect='correct', check=lambda p: os.path.isabs(p)),
        Case(A, "COURSE_DATA_DIR with a space: configs' data_root", lambda: config_data_root(str(tmp('my data'))),
             expect='correct', check=lambda p: p.startswith(str(tmp('my data')))),
        Case(A, 'recognize: a URL as the video', lambda: S.recognize('https://example.com/videos/clip.mp4'),
             words=('url', 'download'), forbidden=('relative',)),
        Case(A, 'load_frames: a URL as the video',
             lambda: __import__('course_lib.video', fromlist=['x']).load_frames('http://example.com/a.mp4'),
             words=('url',), forbidden=('relative',)),
        Case(A, "recognize: '~/clip.mp4'", in_home_video, expect='correct', check=lambda r: len(r.labels) == 5),
        Case(A, 'recognize: spaces and accents in the path',
             lambda: S.recognize(write_mp4v(tmp('my clips/vidéo 1.mp4'), sq())), expect='correct',
             check=lambda r: len(r.labels) == 5),
        Case(A, 'extract_rawframes: spaces and accents in every folder', unicode_extraction, expect='correct',
             check=lambda n: n == [6]),
        Case(A, 'build_file_lists: class folders with spaces (said up front, nothing written)', spaces_in_lists,
             words=('space',)),
        Case(A, 'extract_rawframes: a URL as VIDEOS_ROOT',
             [script('extract_rawframes'), 'https://example.com/videos', str(tmp('urlframes'))],
             words=('url', 'download')),
    ]

    # ---- 6. labels and splits ------------------------------------------------------------------------
    def sanity_list(lines: str, val_lines: str | None = None):
        import cv2
        from course_lib import sanity
        from course_lib.configs import load_config
        root = tmp(f'sanity_{abs(hash((lines, val_lines)))}')
        for v in ('v0', 'v1', 'v2', 'v3'):
            (root / 'rawframes' / v).mkdir(parents=True, exist_ok=True)
            for i in range(1, 17):
                cv2.imwrite(str(root / 'rawframes' / v / f'img_{i:05d}.jpg'), np.zeros((32, 32, 3), np.uint8))
        (root / 'train.txt').write_text(lines)
        (root / 'val.txt').write_text(val_lines or 'v3 16 1\n')
        cfg = load_config('r2plus1d_r18_motion_smoke')
        for key, name in (('train_dataloader', 'train.txt'), ('val_dataloader', 'val.txt'),
                          ('test_dataloader', 'val.txt')):
            ds = cfg[key].dataset
            ds.ann_file = str(root / name)
            ds.data_prefix = dict(img=str(root / 'rawframes'))
        report = sanity.run(cfg)
        return 'sanity passed' if report.ok else f'FAIL: {report}'

    def ucf_split(class_ind: str, train: str, test: str):
        from course_lib.data import splits
        root = tmp(f'ucf_{abs(hash((class_ind, train, test)))}')
        root.mkdir(exist_ok=True)
        (root / 'classInd.txt').write_text(class_ind)
        (root / 'trainlist01.txt').write_text(train)
        (root / 'testlist01.txt').write_text(test)
        split = splits.read_ucf101_split(root, 1)
        return f'{split.classes} {split.counts()}'

    def official_anet():
        from course_lib.data import activitynet
        path = tmp('activity_net.v1-3.min.json')
        path.write_text(json.dumps({'version': 'VERSION 1.3', 'taxonomy': [], 'database': {
            'abc123': {'subset': 'training', 'duration': 20.0, 'resolution': '640x360',
                       'url': 'https://www.youtube.com/watch?v=abc123',
                       'annotations': [{'segment': [2.0, 8.5], 'label': 'Long jump'}]}}}))
        return activitynet.read_annotations(path)

    cls = '1 Jump\n2 Run\n3 Wave\n'
    L = 'labels and splits'
    out6 = [
        Case(L, 'sanity: a negative class id (-2) in the training list', lambda: sanity_list('v0 16 0\nv1 16 -2\nv2 16 1\n'),
             words=('-2',)),
        Case(L, 'sanity: class id -1 (unlabelled) in the training list', lambda: sanity_list('v0 16 0\nv1 16 -1\nv2 16 1\n'),
             words=('-1',)),
        Case(L, 'sanity: the same clip in the train and the val list', lambda: sanity_list('v0 16 0\nv1 16 1\nv3 16 1\n'),
             words=('v3', 'both')),
        Case(L, 'sanity: a line listed twice in the training list', lambda: sanity_list('v0 16 0\nv1 16 1\nv1 16 1\n'),
             words=('v1', 'twice')),
        Case(L, 'classInd.txt: an id listed twice', lambda: ucf_split('1 Jump\n2 Run\n2 Wave\n3 Sit\n', 'Jump/a.avi 1\n',
                                                                      'Run/b.avi\n'),
             words=('classInd.txt', 'twice'), forbidden=('trainlist',)),
        Case(L, 'classInd.txt: a class name listed twice', lambda: ucf_split('1 Jump\n2 Run\n3 Jump\n', 'Jump/a.avi 1\n',
                                                                             'Run/b.avi\n'),
             words=('classInd.txt', 'Jump', 'twice')),
        Case(L, 'UCF101 split: the same clip in trainlist and testlist', lambda: ucf_split(
            cls, 'Jump/a.avi 1\nRun/b.avi 2\n', 'Run/b.avi\nWave/c.avi\n'), words=('Run/b.avi', 'both')),
        Case(L, 'UCF101 split: a line listed twice in trainlist', lambda: ucf_split(
            cls, 'Jump/a.avi 1\nRun/b.avi 2\nJump/a.avi 1\n', 'Wave/c.avi\n'), words=('Jump/a.avi', 'twice')),
        Case(L, 'ActivityNet: the official JSON (version/taxonomy/database)', official_anet, expect='correct',
             check=lambda db: isinstance(db, dict) and len(db) == 1 and
             next(iter(db.values()))['annotations'][0]['label'] == 'Long jump'),
        Case(L, 'rawframe list: a negative frame count', lambda: __import__(
            'course_lib.data.annotation_lists', fromlist=['x']).read_rawframe_list(
            (tmp('negcount.txt').write_text('v0 -16 1\n'), tmp('negcount.txt'))[1]), words=('negcount.txt', 'line 1')),
    ]

    # ---- 7. a config of one's own -----------------------------------------------------------------
    def copied_config(name: str = 'r2plus1d_r18_motion_smoke', text: str | None = None):
        from course_lib.configs import config_path, load_config
        folder = tmp('my_configs')
        folder.mkdir(exist_ok=True)
        copy = folder / f'my_{name}.py'
        copy.write_text(text if text is not None else config_path(name).read_text())
        cfg = load_config(copy)
        ref = load_config(name)
        return cfg.model == ref.model and cfg.train_cfg == ref.train_cfg and cfg.param_scheduler == ref.param_scheduler

    T = 'your own config'
    train = ['-m', 'course_lib.train', 'r2plus1d_r18_motion_smoke', '--skip-sanity']
    out7 = [
        Case(T, 'a course config copied elsewhere loads as the original', copied_config, expect='correct', check=bool),
        Case(T, 'a copied full config (relative _base_ of mmaction::) loads', lambda: copied_config('x3d_s_ucf101_full'),
             expect='correct', check=bool),
        Case(T, 'a config whose _base_ is found nowhere', lambda: copied_config(
            text="_base_ = './no_such_base.py'\n"), words=('_base_', 'no_such_base.py')),
        Case(T, '--cfg-options train_cfg.max_epochs=1.5', [*train, '--cfg-options', 'train_cfg.max_epochs=1.5'],
             words=('max_epochs', 'whole')),
        Case(T, '--cfg-options train_dataloader.batch_size=2.5',
             [*train, '--cfg-options', 'train_dataloader.batch_size=2.5'], words=('batch_size', 'whole')),
        Case(T, 'cfg_options: model.cls_head.num_classes=4.5', lambda: S.cfg_options({'model.cls_head.num_classes': 4.5}),
             words=('num_classes', 'whole')),
        Case(T, '--work-dir is a file', [*train, '--work-dir', str(tmp('plain_file'))],
             words=('plain_file', '--work-dir')),
        Case(T, '--work-dir under a file', [*train, '--work-dir', under_file], words=('plain_file', '--work-dir')),
        Case(T, 'a config file that is a folder', lambda: __import__('course_lib.configs', fromlist=['x']).load_config(
            str(tmp('my_configs'))), words=('my_configs',)),
    ]

    # ---- 8. the deploy package's demo ------------------------------------------------------------------
    def package(kind: str) -> Path:
        import openvino as ov
        import openvino.opset13 as ops
        folder = tmp(f'demo_pkg_{kind}')
        folder.mkdir(exist_ok=True)
        demo = next(p for p in (ROOT / 'course_lib' / 'standalone_demo.py',
                               ROOT / 'course_lib' / 'export' / 'standalone_demo.py') if p.is_file())
        shutil.copyfile(demo, folder / 'demo.py')
        if (demo.parent / 'frame_source.py').is_file():  # the demo's video source, shipped beside it
            shutil.copyfile(demo.parent / 'frame_source.py', folder / 'frame_source.py')
        x = ops.parameter([1, 3, 8, 32, 32], np.float32, name='clip')
        mean = ops.reduce_mean(x, np.array([2, 3, 4], np.int64), keep_dims=False)
        logits = ops.matmul(mean, ops.constant(np.arange(12, dtype=np.float32).reshape(3, 4) / 100), False, False)
        ov.save_model(ov.Model([logits], [x], 'tiny'), folder / 'model.xml', compress_to_fp16=False)
        config = {'task': 'recognizer', 'model': 'model.xml', 'clip_len': 8, 'frame_interval': 2,
                  'description': 'action recognition'}
        labels = 'jump\nrun\nwave\nsit\n'
        if kind == 'blank_label':
            labels += '\n'
        if kind == 'bom_labels':
            labels = '\ufeffjump\r\nrun\r\nwave\r\nsit\r\n'
        if kind == 'no_clip_len':
            config.pop('clip_len')
        if kind == 'bad_task':
            config['task'] = 'segmenter'
        text = json.dumps(config, indent=1)
        if kind == 'bad_json':
            text = text.replace('"clip_len": 8,', '"clip_len": 8,,')
        (folder / 'config.json').write_text(text)
        (folder / 'labels.txt').write_text(labels, newline='')
        if kind == 'truncated_bin':
            data = (folder / 'model.bin').read_bytes()
            (folder / 'model.bin').write_bytes(data[:len(data) // 2])
        if kind == 'empty_bin':
            (folder / 'model.bin').write_bytes(b'')
        return folder

    def demo(kind: str, video: str = 'video') -> list[str]:
        import cv2
        folder = package(kind)
        if video == 'video':
            arg = write_mp4v(tmp('demo_clip.mp4'), sq())
        else:
            arg = tmp(f'demo_frames_{video}')
            arg.mkdir(exist_ok=True)
            for i, f in enumerate(sq(), start=1):
                if video == 'sizes' and i > 12:
                    f = cv2.resize(f, (64, 64))
                cv2.imwrite(str(arg / f'img_{i:05d}.jpg'), f)
            if video == 'text_jpg':
                (arg / 'img_00005.jpg').write_text('not an image')
        return [str(folder / 'demo.py'), str(arg)]

    D = "the deploy package's demo"
    top5 = lambda text: 'top-5 of 4 actions' in text and text.count('\n  ') >= 4  # noqa: E731
    out8 = [
        Case(D, 'demo.py: frames of two sizes in a folder', demo('ok', 'sizes'), words=('size',)),
        Case(D, 'demo.py: a text file named .jpg among the frames', demo('ok', 'text_jpg'), words=('img_00005.jpg',)),
        Case(D, 'demo.py: a truncated model.bin', demo('truncated_bin'), words=('model.bin',)),
        Case(D, 'demo.py: an empty model.bin', demo('empty_bin'), words=('model.bin',)),
        Case(D, 'demo.py: config.json with a syntax error', demo('bad_json'), words=('config.json', 'line')),
        Case(D, 'demo.py: config.json without clip_len', demo('no_clip_len'), words=('config.json', 'clip_len')),
        Case(D, 'demo.py: config.json with an unknown task', demo('bad_task'), words=('config.json', 'task')),
        Case(D, 'demo.py: a trailing blank line in labels.txt', demo('blank_label'), expect='correct', check=top5),
        Case(D, 'demo.py: labels.txt saved with a BOM and CRLF', demo('bom_labels'), expect='correct',
             check=lambda text: top5(text) and '\ufeff' not in text),
        Case(D, 'demo.py: a good package answers (control)', demo('ok'), expect='correct', check=top5),
    ]

    # ---- 9. exercise answers -----------------------------------------------------------------------
    X = 'exercise checks (whole numbers)'
    out9 = [
        Case(X, "check('01.2', right answer + 0.9)", lambda: S.check('01.2', S.solution('01.2') + 0.9),
             words=('whole',)),
        Case(X, "check('04.2', right answer + 0.5)", lambda: S.check('04.2', S.solution('04.2') + 0.5),
             words=('whole',)),
        Case(X, "check('04.2', right answer as a float)", lambda: S.check('04.2', float(S.solution('04.2'))),
             expect='correct', check=lambda v: v == 'correct'),
        Case(X, "check('02.2', keyframes + 0.4)", lambda: S.check('02.2', [k + 0.4 for k in S.solution('02.2')]),
             words=('whole',)),
        Case(X, "check('04.2', '<right + 0.5>' as text)", lambda: S.check('04.2', str(S.solution('04.2') + 0.5)),
             words=('whole',)),
    ]

    # ---- 10. the docs' own examples -----------------------------------------------------------------
    def inline_calls(page: str):
        sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
        from tests.docs_examples import python_expressions
        import course_lib
        ran = []
        for expr in python_expressions(ROOT / page, ('course_lib', 'cl')):
            if expr.runnable:
                eval(expr.text, {'course_lib': course_lib, 'cl': course_lib})
                ran.append(expr.text)
        return ran

    def python_blocks(page: str):
        from tests.docs_examples import code_blocks
        for block in code_blocks(ROOT / page, ('python',)):
            exec(block.text, {})
        return 'ran'

    E = "the docs' own examples"
    out10 = [
        Case(E, 'README: every inline Python call runs', lambda: inline_calls('README.md'), expect='correct',
             check=bool),
        Case(E, 'CONTRIBUTING: every inline Python call runs', lambda: inline_calls('CONTRIBUTING.md'),
             expect='correct', check=bool),
        Case(E, 'CONTRIBUTING: its python block runs', lambda: python_blocks('CONTRIBUTING.md'), expect='correct'),
        Case(E, "README: the package command's --help", ['-m', 'course_lib.export.package', '--help'],
             expect='correct', check=lambda text: 'usage' in text),
    ]
    return out1 + out2 + out3 + out4 + out5 + out6 + out7 + out8 + out9 + out10
