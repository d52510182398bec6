"""Try bad inputs on the course's entry points, as a careless or unlucky user would, and classify each.

    PYTHONPATH=<code root> COURSE_PROFILE=smoke python tests/bad_inputs/survey.py [-k TEXT] [--category TEXT]

Each case is a callable (or a command line) with what a right outcome is: a clear error (its type
comes from course code, not from a library, and the message holds the case's key words), or a
correct result. Outcomes: `clear`, `correct`, `silent` (a wrong input gave an answer), `traceback`
(a library exception, or a Python traceback from a script), `wrong fix` (a course message without
the words of the right diagnosis, or with a harmful one). Prints one line per case and a table per
category. It runs on any checkout (PYTHONPATH picks the code), so the same cases measure before and
after a change. Not a test: tests/bad_inputs/test_*.py assert the fixed behaviour.
"""
from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import socket
import subprocess
import sys
import tempfile
import traceback
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np

ROOT = Path(os.environ.get('PYTHONPATH', '.').split(os.pathsep)[0] or '.').resolve()
TMP = Path(tempfile.mkdtemp(prefix='bad_inputs_'))


@dataclass
class Case:
    """One bad input: how to try it and what a right outcome is."""

    category: str
    name: str
    run: Callable[[], object] | list[str]  # a callable, or a command line run in a subprocess
    expect: str = 'error'  # 'error' (a clear course error) or 'correct'
    words: tuple[str, ...] = ()  # words the message must hold (any case), all of them
    forbidden: tuple[str, ...] = ()  # words a right message must not hold (a wrong fix)
    check: Callable[[object], bool] | None = None  # for expect='correct': is the result right?
    env: dict = field(default_factory=dict)


def _course_frame(tb) -> bool:
    """True when the innermost frame of a traceback is course code (course_lib/ or data_scripts/)."""
    frames = traceback.extract_tb(tb)
    if not frames:
        return False
    name = frames[-1].filename
    return f'{os.sep}course_lib{os.sep}' in name or f'{os.sep}data_scripts{os.sep}' in name


def _has(text: str, words) -> bool:
    return all(w.lower() in text.lower() for w in words)


def classify(case: Case) -> tuple[str, str]:
    """Run a case; return (outcome, one-line detail)."""
    if isinstance(case.run, list):
        return _classify_cli(case)
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out):
            result = case.run()
    except SystemExit as err:
        return ('silent' if case.expect == 'error' and not err.code else 'clear'), f'exit {err.code}'
    except BaseException as err:  # noqa: BLE001  (the survey classifies everything)
        text = f'{type(err).__name__}: {err}'
        first = text.splitlines()[0][:160]
        if not _course_frame(err.__traceback__):
            return 'traceback', first
        if case.expect == 'correct' or not _has(text, case.words) or _has_any(text, case.forbidden):
            return 'wrong fix', first
        return 'clear', first
    if case.expect == 'error':
        text = out.getvalue()
        if isinstance(result, str) and result.startswith('FAIL: '):  # a reported failure
            ok = _has(result, case.words) and not _has_any(result, case.forbidden)
            return ('clear' if ok else 'wrong fix'), result[:160].replace('\n', ' ')
        return 'silent', f'returned {str(result)[:120]!r}'
    ok = case.check(result) if case.check else True
    return ('correct' if ok else 'silent'), f'returned {str(result)[:120]!r}'


def _has_any(text: str, words) -> bool:
    return any(w.lower() in text.lower() for w in words)


def _classify_cli(case: Case) -> tuple[str, str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT), **case.env)
    try:
        proc = subprocess.run([sys.executable, *case.run], capture_output=True, text=True,
                              timeout=240, cwd=TMP, env=env)
    except subprocess.TimeoutExpired:
        return 'silent', 'ran for more than 240 s (accepted the input)'
    text = proc.stdout + proc.stderr
    lines = proc.stderr.strip().splitlines() or proc.stdout.strip().splitlines() or ['']
    last = next((ln for ln in lines if ln.startswith('error:') or ': error:' in ln), lines[-1])[:160]
    if 'Traceback (most recent call last)' in text:
        return 'traceback', last
    if case.expect == 'correct':
        return ('correct' if proc.returncode == 0 and (not case.check or case.check(text))
                else 'wrong fix'), last
    if proc.returncode == 0:
        return 'silent', f'exit 0: {last}'
    if not _has(text, case.words) or _has_any(text, case.forbidden):
        return 'wrong fix', last
    return 'clear', last


# ------------------------------------------------------------------------------------------------
# fixtures: tiny files and random-weight models built from the smoke configs


def _script(name: str) -> str:
    return str(ROOT / 'data_scripts' / f'{name}.py')


_cache: dict = {}


def recognizer():
    """The smoke R(2+1)D with RANDOM weights, its config, and a checkpoint file of it."""
    if 'rec' not in _cache:
        import torch
        from mmaction.apis import init_recognizer

        import course_lib  # noqa: F401
        from course_lib.train import load_config
        cfg = load_config('r2plus1d_r18_motion_smoke')
        torch.manual_seed(0)
        model = init_recognizer(cfg, None, device='cpu')
        path = TMP / 'recognizer.pth'
        torch.save({'state_dict': model.state_dict(), 'meta': {}}, path)
        _cache['rec'] = (model, cfg, path)
    return _cache['rec']


def bmn_checkpoint():
    """A random-weight BMNwActionCls checkpoint of the raw-video smoke config."""
    if 'bmn' not in _cache:
        import torch
        from mmaction.registry import MODELS

        from course_lib.train import load_config
        cfg = load_config('bmn_cls_1xb4-128x32-10e_motion-untrimmed_smoke')
        model = MODELS.build(cfg.model)
        path = TMP / 'bmn.pth'
        torch.save({'state_dict': model.state_dict(), 'meta': {}}, path)
        _cache['bmn'] = path
    return _cache['bmn']


def detector():
    """TemporalActionDetector from random-weight checkpoints."""
    if 'det' not in _cache:
        from course_lib.inference.localization import TemporalActionDetector
        _, _, rec = recognizer()
        _cache['det'] = TemporalActionDetector.from_configs(
            'r2plus1d_r18_motion_smoke', rec, 'bmn_cls_1xb4-128x32-10e_motion-untrimmed_smoke',
            bmn_checkpoint())
    return _cache['det']


def moving_square(n: int = 24, size: int = 48) -> np.ndarray:
    """(n, size, size, 3) uint8 frames of a square moving right."""
    frames = np.zeros((n, size, size, 3), np.uint8)
    for t in range(n):
        x = 4 + t
        frames[t, 16:28, x:x + 12] = 255
    return frames


def recognize(video, **kw):
    from course_lib.inference.recognition import recognize as rec
    model, cfg, _ = recognizer()
    return rec(model, video, class_names=list(cfg.classes), **kw)


def png_folder() -> Path:
    import cv2
    folder = TMP / 'png_frames'
    folder.mkdir(exist_ok=True)
    for i, f in enumerate(moving_square(), start=1):
        cv2.imwrite(str(folder / f'{i:05d}.png'), f[..., ::-1])
    return folder


def text_jpg_folder() -> Path:
    import cv2
    folder = TMP / 'bad_jpg_frames'
    folder.mkdir(exist_ok=True)
    for i, f in enumerate(moving_square(), start=1):
        cv2.imwrite(str(folder / f'img_{i:05d}.jpg'), f[..., ::-1])
    (folder / 'img_00005.jpg').write_text('not an image')
    return folder


def same_scores(video) -> bool:
    ref = recognize(moving_square()).all_scores
    return bool(np.allclose(recognize(video).all_scores, ref, atol=1e-3))


def anet_file(info_patch: dict, ann_patch: dict | None = None) -> Path:
    info = {'duration_second': 10.0, 'duration_frame': 300, 'feature_frame': 300,
            'annotations': [dict({'segment': [1.0, 4.0], 'label': 'jump'}, **(ann_patch or {}))]}
    info.update(info_patch)
    path = TMP / f'anet_{abs(hash(json.dumps([info_patch, ann_patch], default=str)))}.json'
    if ann_patch and ann_patch.get('label') is None and 'label' in ann_patch:
        info['annotations'][0].pop('label')
    path.write_text(json.dumps({'v_a': info}))
    return path


def feature_csv(values: str) -> Path:
    path = TMP / f'feat_{abs(hash(values))}.csv'
    path.write_text('f0,f1\n1,2\n' + values + '\n')
    return path


def anet_dataset(beyond: bool) -> Path:
    root = TMP / f'anet_ds_{beyond}'
    (root / 'csv').mkdir(parents=True, exist_ok=True)
    info = {'duration_second': 10.0, 'duration_frame': 300, 'feature_frame': 300,
            'annotations': [{'segment': [2.0, 25.0 if beyond else 5.0], 'label': 'jump'}]}
    for split in ('train', 'val', 'test'):
        (root / f'anet_anno_{split}.json').write_text(json.dumps({'v_a': info}))
    (root / 'csv' / 'v_a.csv').write_text('f0,f1\n' + '\n'.join('1,2' for _ in range(4)) + '\n')
    return root


def voc_folder(kind: str) -> Path:
    """A 2-image BCCD-like VOC folder with one defect: 'text_jpg', 'size', 'coord'."""
    import cv2
    root = TMP / f'voc_{kind}'
    (root / 'Annotations').mkdir(parents=True, exist_ok=True)
    (root / 'JPEGImages').mkdir(exist_ok=True)
    main = root / 'ImageSets' / 'Main'
    main.mkdir(parents=True, exist_ok=True)
    names = [f'BloodImage_{i:05d}' for i in range(3)]
    for i, name in enumerate(names):
        image = np.full((120, 160, 3), 200, np.uint8)
        cv2.imwrite(str(root / 'JPEGImages' / f'{name}.jpg'), image)
        w, h, xmax = 160, 120, '60'
        if i == 0 and kind == 'size':
            w, h = 640, 480
        if i == 0 and kind == 'coord':
            xmax = '6O'
        (root / 'Annotations' / f'{name}.xml').write_text(
            f'<annotation><filename>{name}.jpg</filename><size><width>{w}</width>'
            f'<height>{h}</height><depth>3</depth></size><object><name>RBC</name><bndbox>'
            f'<xmin>10</xmin><ymin>10</ymin><xmax>{xmax}</xmax><ymax>50</ymax></bndbox></object>'
            '</annotation>')
    if kind == 'text_jpg':
        (root / 'JPEGImages' / f'{names[0]}.jpg').write_text('this is not an image')
    for f, sel in (('train.txt', names[:1]), ('val.txt', names[1:2]), ('test.txt', names[2:])):
        (main / f).write_text('\n'.join(sel) + '\n')
    return root


def ava_files(kind: str) -> tuple[Path, Path, Path]:
    """(csv, label map, frames) for the AVA converter: 'empty' CSV or a 'bom' at its start."""
    import cv2
    root = TMP / f'ava_{kind}'
    frames = root / 'frames' / 'vid1'
    frames.mkdir(parents=True, exist_ok=True)
    for i in range(1, 61):
        cv2.imwrite(str(frames / f'img_{i:05d}.jpg'), np.zeros((32, 32, 3), np.uint8))
    labels = root / 'labels.txt'
    labels.write_text('1: wave\n')
    ann = root / 'ann.csv'
    row = 'vid1,0901,0.1,0.1,0.5,0.5,1,0\n'
    if kind == 'empty':
        ann.write_text('')
    else:
        ann.write_bytes('\ufeff'.encode() + row.encode())
    return ann, labels, root / 'frames'


def ava_bom_read() -> object:
    from course_lib.data import ava
    ann, _, _ = ava_files('bom')
    return ava.read_csv(ann)[0].video_id


def truncated_checkpoint() -> Path:
    _, _, path = recognizer()
    bad = TMP / 'truncated.pth'
    bad.write_bytes(path.read_bytes()[:5000])
    return bad


def text_checkpoint() -> Path:
    bad = TMP / 'notes.pth'
    bad.write_text('this is not a checkpoint')
    return bad


def load_recognizer_with(checkpoint):
    from course_lib.inference.recognition import load_recognizer
    _, cfg, _ = recognizer()
    return load_recognizer(checkpoint, cfg.copy())


def runner_with_last_checkpoint(target: Path):
    from course_lib.train import build_runner, load_config
    work = TMP / f'work_{target.stem}'
    work.mkdir(exist_ok=True)
    (work / 'last_checkpoint').write_text(str(target))
    cfg = load_config('r2plus1d_r18_motion_smoke', work_dir_=work)
    runner = build_runner(cfg)
    runner.load_or_resume()
    return 'loaded'


def cfg_options(options: dict):
    from course_lib.train import load_config
    cfg = load_config('r2plus1d_r18_motion_smoke', options)
    return f'train_cfg.max_epochs={cfg.train_cfg.max_epochs}'


def sanity_num_action_classes():
    from course_lib import sanity
    from course_lib.data.synthetic.anet_features import SyntheticAnetSpec, prepare_synthetic
    from course_lib.train import load_config
    saved = os.environ.get('COURSE_DATA_DIR')
    os.environ['COURSE_DATA_DIR'] = str(TMP / 'anet_env')  # the config's data_root
    try:
        prepare_synthetic(SyntheticAnetSpec(num_train=8, num_val=4),
                          TMP / 'anet_env' / 'activitynet_synthetic_t32', progress=False)
        cfg = load_config('bmn_cls_1xb2-400x32-1e_activitynet-synthetic_smoke',
                          {'model.num_action_classes': 20})
        report = sanity.run(cfg)
    finally:
        os.environ.pop('COURSE_DATA_DIR') if saved is None else os.environ.update(COURSE_DATA_DIR=saved)
    return 'sanity passed' if report.ok else f'FAIL: {report}'


def sanity_missing_frames():
    from course_lib import sanity
    from course_lib.train import load_config
    root = TMP / 'motion_missing'
    (root / 'rawframes' / 'c0' / 'v0').mkdir(parents=True, exist_ok=True)
    import cv2
    for i in range(1, 17):
        cv2.imwrite(str(root / 'rawframes' / 'c0' / 'v0' / f'img_{i:05d}.jpg'),
                    np.zeros((32, 32, 3), np.uint8))
    lists = root / 'lists'
    lists.mkdir(exist_ok=True)
    (lists / 'train.txt').write_text('c0/v0 16 0\nc0/gone 16 1\nc0/v0 16 2\nc0/v0 16 3\n')
    cfg = load_config('r2plus1d_r18_motion_smoke')
    for key in ('train_dataloader', 'val_dataloader'):
        ds = cfg[key].dataset
        if ds.get('type') == 'RawframeDataset':
            ds.ann_file = str(lists / 'train.txt')
            ds.data_prefix = dict(img=str(root / 'rawframes'))
    report = sanity.run(cfg)
    return 'sanity passed' if report.ok else f'FAIL: {report}'


def doctor_network_calls() -> object:
    calls = []
    real = socket.create_connection

    def spy(*args, **kwargs):
        calls.append(args[0])
        raise OSError('offline (survey)')
    socket.create_connection = spy
    try:
        from course_lib import doctor
        with contextlib.redirect_stdout(io.StringIO()):
            doctor.run_checks()
    finally:
        socket.create_connection = real
    return calls


def check(key: str, answer) -> object:
    import course_lib as cl
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        ok = cl.check(key, answer)
    text = out.getvalue()
    return f'FAIL: {text}' if not ok else 'correct'


def solution(key: str):
    import importlib
    module = importlib.import_module(f'solutions.lesson{key[:2]}')
    return module.SOLUTIONS[key]()


def ir_with_pth():
    from course_lib.inference.recognition import IRRecognizer
    _, cfg, path = recognizer()
    return IRRecognizer(path, cfg)


def stdet_with_floats():
    from course_lib.inference.persons import FaceCascadePersonDetector
    from course_lib.inference.spatiotemporal import SpatioTemporalDetector, load_ava_model
    model, cfg = load_ava_model(None, config=str(ROOT / 'course_lib' / 'configs' /
                                                 'slowonly_r18_8xb8-8x2x1-6e_ava-synthetic_smoke.py'))
    det = SpatioTemporalDetector(model, cfg, FaceCascadePersonDetector(), {1: 'a', 2: 'b', 3: 'c'})
    return det(moving_square(40, 64).astype(np.float32) / 255, fps=8, progress=False)


# ------------------------------------------------------------------------------------------------


def cases() -> list[Case]:
    """Every case, grouped by the issue's categories."""
    sq = moving_square
    A = 'arrays / videos of the wrong kind'
    N = 'numbers out of range'
    V = 'impossible annotation values'
    W = 'wrong files / config keys loaded'
    L = 'library tracebacks for user mistakes'
    F = 'wrong fixes'
    E = 'environment variables'
    X = 'exercise answers'
    return [
        # arrays and videos
        Case(A, 'recognize: float frames in [0, 1]', lambda: recognize(sq().astype(np.float32) / 255),
             words=('uint8', '255')),
        Case(A, 'recognize: float64 frames in 0..255', lambda: recognize(sq().astype(np.float64)),
             words=('uint8',)),
        Case(A, 'recognize: int64 frames', lambda: recognize(sq().astype(np.int64)), words=('uint8',)),
        Case(A, 'recognize: bool frames', lambda: recognize(sq() > 0), words=('uint8',)),
        Case(A, 'recognize: 0-frame array', lambda: recognize(sq()[:0]), words=('0 frames',)),
        Case(A, 'recognize: 1-frame array', lambda: recognize(sq()[:1]), words=('1 frame',)),
        Case(A, 'recognize: list of frames', lambda: recognize(list(sq())), words=('list', 'np.stack')),
        Case(A, 'recognize: an int', lambda: recognize(3), words=('int',)),
        Case(A, 'recognize: grayscale (T, H, W)', lambda: recognize(sq()[..., 0]), words=('(frames, height, width, 3)',)),
        Case(A, 'recognize: NaN in float frames', lambda: recognize(np.full((24, 48, 48, 3), np.nan, np.float32)),
             words=('uint8',)),
        Case(A, 'recognize: a text file named .mp4',
             lambda: recognize((TMP / 'notes.mp4').write_text('hi') and TMP / 'notes.mp4'),
             words=('notes.mp4',)),
        Case(A, 'recognize: an empty folder',
             lambda: recognize((TMP / 'empty_dir').mkdir(exist_ok=True) or TMP / 'empty_dir'),
             words=('empty_dir',)),
        Case(A, 'localize: float frames in [0, 1]',
             lambda: detector()(sq(48).astype(np.float32) / 255, fps=8), words=('uint8', '255')),
        Case(A, 'localize: 1-frame array', lambda: detector()(sq(1), fps=8), words=('1 frame',)),
        Case(A, 'localize: 0-frame array', lambda: detector()(sq()[:0], fps=8), words=('0 frames',)),
        Case(A, 'localize: list of frames', lambda: detector()(list(sq()), fps=8), words=('list',)),
        Case(A, 'spatio-temporal: float frames in [0, 1]', stdet_with_floats, words=('uint8', '255')),
        # numbers out of range
        Case(N, 'load_frames: fps=0 for an array',
             lambda: __import__('course_lib.video', fromlist=['x']).load_frames(sq(), 0),
             words=('fps',)),
        Case(N, 'localize: negative fps', lambda: detector()(sq(48), fps=-8), words=('fps',)),
        Case(N, 'generate_motion_clips --size -8', [_script('generate_motion_clips'), '--size', '-8',
                                                    '--root', str(TMP / 'mc1')], words=('--size',)),
        Case(N, 'generate_motion_clips --frames 0', [_script('generate_motion_clips'), '--frames', '0',
                                                     '--root', str(TMP / 'mc2')], words=('--frames',)),
        Case(N, 'build_file_lists folders --val-fraction 1.5',
             [_script('build_file_lists'), 'folders', str(TMP), '--out', str(TMP / 'l'),
              '--val-fraction', '1.5'], words=('--val-fraction',)),
        Case(N, 'extract_rawframes --short-side -10',
             [_script('extract_rawframes'), str(TMP / 'vids'), str(TMP / 'rf'), '--short-side', '-10'],
             words=('--short-side',)),
        Case(N, 'extract_rawframes --workers 0',
             [_script('extract_rawframes'), str(TMP / 'vids'), str(TMP / 'rf'), '--workers', '0'],
             words=('--workers',)),
        Case(N, 'convert_ava_cvat --fps 0',
             [_script('convert_ava_cvat'), 'ava2cvat', '--ann', 'a.csv', '--labels', 'l.txt',
              '--frames', 'f', '--out', 'o', '--fps', '0'], words=('--fps',)),
        Case(N, 'generate_blood_cells --train -3',
             [_script('generate_blood_cells'), '--train', '-3', '--out', str(TMP / 'bc')],
             words=('--train',)),
        Case(N, 'prepare_activitynet --temporal-dim 0',
             [_script('prepare_activitynet'), '--profile', 'smoke', '--temporal-dim', '0',
              '--root', str(TMP / 'an0')], words=('--temporal-dim',)),
        Case(N, 'generate_ava_actions --seconds 0',
             [_script('generate_ava_actions'), '--seconds', '0', '--root', str(TMP / 'ava0')],
             words=('--seconds',)),
        Case(N, 'prepare_jhmdb_ava --keyframe-step 0',
             [_script('prepare_jhmdb_ava'), '--gt-pkl', 'x.pkl', '--frames', 'F', '--keyframe-step', '0'],
             words=('--keyframe-step',)),
        # annotation values
        Case(V, 'ActivityNet: segment beyond the duration',
             lambda: __import__('course_lib.data.activitynet', fromlist=['x']).read_annotations(
                 anet_file({}, {'segment': [2.0, 25.0]})), words=('duration',)),
        Case(V, 'ActivityNet: validate_dataset with a segment beyond the duration',
             lambda: __import__('course_lib.data.activitynet', fromlist=['x']).validate_dataset(
                 anet_dataset(True), 'csv', progress=False), words=('duration',)),
        Case(V, 'ActivityNet: annotation without a label',
             lambda: __import__('course_lib.data.activitynet', fromlist=['x']).read_annotations(
                 anet_file({}, {'label': None})), words=('label',)),
        Case(V, 'ActivityNet: NaN in a feature CSV',
             lambda: __import__('course_lib.data.activitynet', fromlist=['x']).read_features(
                 feature_csv('nan,1')), words=('line 3',)),
        Case(V, 'ActivityNet: inf in a feature CSV',
             lambda: __import__('course_lib.data.activitynet', fromlist=['x']).read_features(
                 feature_csv('1,inf')), words=('line 3',)),
        Case(V, 'BCCD: a text file named .jpg',
             [_script('prepare_bccd'), '--voc', str(voc_folder('text_jpg')), '--out', str(TMP / 'b1'),
              '--strict'], words=('BloodImage_00000.jpg', 'image')),
        Case(V, 'BCCD: VOC <size> disagrees with the image',
             [_script('prepare_bccd'), '--voc', str(voc_folder('size')), '--out', str(TMP / 'b2'),
              '--strict'], words=('<size>', '160')),
        Case(V, 'AVA: empty CSV converted to CVAT',
             [_script('convert_ava_cvat'), 'ava2cvat', '--ann', str(ava_files('empty')[0]),
              '--labels', str(ava_files('empty')[1]), '--frames', str(ava_files('empty')[2]),
              '--out', str(TMP / 'cv0')], words=('no',)),
        # wrong files and keys
        Case(W, 'TemporalActionDetector: recognizer checkpoint as the BMN checkpoint',
             lambda: __import__('course_lib.inference.localization', fromlist=['x'])
             .TemporalActionDetector.from_configs('r2plus1d_r18_motion_smoke', recognizer()[2],
                                                  'bmn_cls_1xb4-128x32-10e_motion-untrimmed_smoke',
                                                  recognizer()[2]), words=('does not fit',)),
        Case(W, 'load_recognizer: a BMN checkpoint', lambda: load_recognizer_with(bmn_checkpoint()),
             words=('does not fit',)),
        Case(W, 'cfg-options: max_epochs=1 (a consumed top-level variable)',
             lambda: cfg_options({'max_epochs': 1}), words=('train_cfg.max_epochs',)),
        Case(W, 'cfg-options: typo train_cfg.max_epoch=1', lambda: cfg_options({'train_cfg.max_epoch': 1}),
             words=('max_epochs',)),
        Case(W, 'sanity: num_action_classes=20 for 5 classes', sanity_num_action_classes,
             words=('num_action_classes',)),
        # library tracebacks
        Case(L, 'cfg-options: key under a number (model.cls_head.num_classes.x=1)',
             lambda: cfg_options({'model.cls_head.num_classes.x': 1}), words=('num_classes',)),
        Case(L, 'sanity: rawframe list names a missing folder', sanity_missing_frames,
             words=('gone',)),
        Case(L, 'recognize: a frame folder with a text file named .jpg',
             lambda: recognize(text_jpg_folder()), words=('img_00005.jpg',)),
        Case(L, 'last_checkpoint names a truncated checkpoint',
             lambda: runner_with_last_checkpoint(truncated_checkpoint()), words=('truncated.pth',)),
        Case(L, 'last_checkpoint names a text file', lambda: runner_with_last_checkpoint(text_checkpoint()),
             words=('notes.pth',)),
        Case(L, 'load_recognizer: a missing checkpoint', lambda: load_recognizer_with(TMP / 'gone.pth'),
             words=('gone.pth',)),
        Case(L, 'load_recognizer: a truncated checkpoint', lambda: load_recognizer_with(truncated_checkpoint()),
             words=('truncated.pth',)),
        Case(L, 'VOC: a non-numeric coordinate',
             [_script('prepare_bccd'), '--voc', str(voc_folder('coord')), '--out', str(TMP / 'b3')],
             words=('6O',)),
        Case(L, 'IRRecognizer given a .pth', ir_with_pth, words=('.xml',)),
        Case(L, 'train: unknown config name', ['-m', 'course_lib.train', 'no_such_config'],
             words=('no_such_config',)),
        Case(L, 'train: --cfg-options key under a number',
             ['-m', 'course_lib.train', 'r2plus1d_r18_motion_smoke', '--cfg-options',
              'model.cls_head.num_classes.x=1'], words=('num_classes',)),
        Case(L, 'convert_ava_cvat: missing CSV',
             [_script('convert_ava_cvat'), 'ava2cvat', '--ann', 'gone.csv', '--labels',
              str(ava_files('bom')[1]), '--frames', 'f', '--out', 'o'], words=('gone.csv',)),
        # environment
        Case(E, 'COURSE_DATA_DIR is a file: generate_blood_cells --help',
             [_script('generate_blood_cells'), '--help'], expect='correct',
             env={'COURSE_DATA_DIR': '/etc/hostname'}),
        Case(E, 'COURSE_DATA_DIR is a file: prepare_bccd --help', [_script('prepare_bccd'), '--help'],
             expect='correct', env={'COURSE_DATA_DIR': '/etc/hostname'}),
        Case(E, 'COURSE_DATA_DIR is a file: generate_motion_clips',
             [_script('generate_motion_clips'), '--train-per-class', '1'],
             env={'COURSE_DATA_DIR': '/etc/hostname'}, words=('COURSE_DATA_DIR',)),
        Case(E, 'COURSE_DATA_DIR not writable (/proc): generate_ava_actions',
             [_script('generate_ava_actions')], env={'COURSE_DATA_DIR': '/proc/course_data'},
             words=('COURSE_DATA_DIR',)),
        Case(E, 'COURSE_PROFILE=fast: doctor', ['-m', 'course_lib', 'doctor'],
             env={'COURSE_PROFILE': 'fast'}, words=('COURSE_PROFILE',), forbidden=('make setup',)),
        Case(E, 'COURSE_DATA_DIR is a file: doctor', ['-m', 'course_lib', 'doctor'],
             env={'COURSE_DATA_DIR': '/etc/hostname'}, words=('COURSE_DATA_DIR',),
             forbidden=('make setup',)),
        Case(E, 'COURSE_PROFILE=fast: train', ['-m', 'course_lib.train', 'r2plus1d_r18_motion_smoke'],
             env={'COURSE_PROFILE': 'fast'}, words=('COURSE_PROFILE',)),
        Case(E, 'doctor opens no connection offline', doctor_network_calls, expect='correct',
             check=lambda calls: calls == []),
        # wrong fixes
        Case(F, 'recognize: a folder of valid PNG frames', lambda: same_scores(png_folder()),
             expect='correct', check=bool),
        Case(F, 'AVA: a BOM at the start of the CSV', ava_bom_read, expect='correct',
             check=lambda v: v == 'vid1'),
        Case(F, 'prepare_bccd --strict: rerun fails like the first run',
             [_script('prepare_bccd'), '--voc', str(voc_folder('text_jpg')), '--out', str(TMP / 'b1'),
              '--strict'], words=('BloodImage_00000.jpg',)),
        # exercise answers
        Case(X, "check('04.2', the right count as a string)", lambda: check('04.2', str(solution('04.2'))),
             expect='correct', check=lambda v: v == 'correct'),
        Case(X, "check('04.1', the right AR@1 as a string)", lambda: check('04.1', str(solution('04.1'))),
             expect='correct', check=lambda v: v == 'correct'),
        Case(X, "check('04.3', a number instead of a pair)", lambda: check('04.3', 20.0),
             words=('two numbers',), forbidden=('TypeError', 'could not be checked')),
        Case(X, "check('01.2', a list)", lambda: check('01.2', [1, 2]), words=('number',),
             forbidden=('TypeError', 'could not be checked')),
        Case(X, "check('06.2', a string)", lambda: check('06.2', 'abc'), words=('dict',),
             forbidden=('TypeError', 'could not be checked')),
        Case(X, "check('05.1', a dict)", lambda: check('05.1', {'a': 1}), words=('two',),
             forbidden=('TypeError', 'could not be checked')),
        Case(X, "check('02.3', a string)", lambda: check('02.3', 'shape'), words=('tuple',),
             forbidden=('TypeError', 'could not be checked')),
        Case(X, "check('08.1', a number instead of a function)", lambda: check('08.1', 0.5),
             words=('function',), forbidden=('TypeError', 'could not be checked')),
    ] + _second_round()


def _second_round() -> list[Case]:
    """The second round's cases (survey_more.py: files and habits from outside the course)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import survey_more
    return survey_more.cases(sys.modules[__name__])


def main(argv: list[str] | None = None) -> int:
    """Run the cases, print one line each and the table; write JSON if asked."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--json', type=Path, help='write the outcomes here')
    parser.add_argument('-k', default='', help='only cases whose name holds this text')
    parser.add_argument('--category', default='', help='only cases whose category holds this text')
    args = parser.parse_args(argv)
    import warnings
    warnings.filterwarnings('ignore')
    sys.path.insert(0, str(ROOT))
    table: dict[str, Counter] = defaultdict(Counter)
    rows = []
    for case in cases():
        if args.k and args.k.lower() not in case.name.lower() or \
                args.category.lower() not in case.category.lower():
            continue
        outcome, detail = classify(case)
        table[case.category][outcome] += 1
        rows.append(dict(category=case.category, case=case.name, outcome=outcome, detail=detail))
        print(f'{outcome:10s} | {case.name} | {detail}', flush=True)
    kinds = ('clear', 'correct', 'silent', 'traceback', 'wrong fix')
    print(f'\n| category | cases | {" | ".join(kinds)} |\n|---|---|' + '---|' * len(kinds))
    for category, counts in table.items():
        print(f'| {category} | {sum(counts.values())} | ' + ' | '.join(str(counts[k]) for k in kinds) + ' |')
    total = sum(table.values(), Counter())
    print(f'| all | {sum(total.values())} | ' + ' | '.join(str(total[k]) for k in kinds) + ' |')
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))
    return 0


if __name__ == '__main__':
    sys.exit(main())
