"""A deployable package of an exported model: the INT8 IR, its settings and a torch-free demo.

    python -m course_lib.export.package recognizer --out build/recognizer_package
    python -m course_lib.export.package detector --out build/detector_package [--int8 detector_int8.xml]

`DIR/` gets `model.xml` + `model.bin` (INT8: `nncf.quantize_with_accuracy_control` within one point
of the validation metric, or the IR given with `--int8`), `labels.txt`, `config.json` (input size,
frames per clip and interval, mean / std, and for the detector its anchors, box coder, NMS settings
and the confidence threshold that maximises F1 on the validation split, chosen with the INT8 model
itself), `demo.py` and `frame_source.py` (course_lib/standalone_demo.py and its video source
course_lib/frame_source.py, copied), `requirements.txt` (openvino
pinned to the version that wrote the IR, numpy and opencv-python-headless pinned to this
environment's) and a short `README.md`; `DIR.zip` holds the same folder. On the target machine:

    python -m venv env && env/bin/pip install -r DIR/requirements.txt
    env/bin/python DIR/demo.py VIDEO                     (recognizer: top-5 actions; or a frame folder)
    env/bin/python DIR/demo.py IMAGE --out result.jpg    (detector: boxes drawn; or a folder / a video
                                                          --out result.mp4)

The models are the ones earlier lessons trained (`trained_checkpoint` trains a missing smoke one).
Used in lesson 08.
"""
from __future__ import annotations

import argparse
import json
import shutil
import sys
import zipfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from .. import _outputs, frame_source, standalone_demo
from ..configs import load_config
from ..errors import InputError, OutputExistsError, run_cli, writing
from ..settings import is_smoke
from . import cases, parity, quantize, tasks

TASKS = ('recognizer', 'detector')
# the PyPI names demo.py needs, each pinned to this environment's version (OpenCV: the headless
# build of the installed opencv-python release, which has no GUI libraries to install)
REQUIREMENTS = {'openvino': 'openvino', 'numpy': 'numpy', 'opencv-python-headless': 'opencv-python'}


@dataclass
class Package:
    """A written package: its folder, its zip and what its INT8 model scores on the validation split."""

    folder: Path
    zip: Path
    metric_name: str
    metric: float
    config: dict

    def files(self) -> list[str]:
        """The package's files, sorted, with sizes (for a listing)."""
        return [f'{name:18s} {_size((self.folder / name).stat().st_size):>9s}' for name in sorted(FILES)]


def _size(n: int) -> str:
    return f'{n} B' if n < 1000 else f'{n / 1e3:.1f} kB' if n < 1e6 else f'{n / 1e6:.2f} MB'


def requirements_text() -> str:
    """requirements.txt: openvino, numpy and opencv-python-headless, pinned to the versions here."""
    return ''.join(f'{name}=={metadata.version(installed)}\n' for name, installed in REQUIREMENTS.items())


def recognizer_settings(cfg) -> dict:
    """config.json of a recognizer package: the val pipeline's sampling and size, the normalisation."""
    steps = {step['type']: step for step in cfg.val_dataloader.dataset.pipeline}  # the dry run's caps apply
    sample, resize = steps['SampleFrames'], steps.get('Resize', {})
    pre = cfg.model.data_preprocessor
    return {'task': 'recognizer', 'model': 'model.xml', 'config': Path(cfg.filename).stem,
            'clip_len': int(sample['clip_len']), 'frame_interval': int(sample['frame_interval']),
            'num_clips': int(sample.get('num_clips', 1)), 'sampling': 'one centred clip (SampleFrames, test mode)',
            'input_size': list(resize.get('scale', ())), 'mean': list(pre.mean), 'std': list(pre.std),
            'normalisation': 'inside model.xml (clips in 0..255, RGB)',
            'description': 'action recognition of a video: the top-5 actions'}


def detector_settings(model, cfg, threshold: float, f1: float) -> dict:
    """config.json of a detector package: mmdet's resize, normalisation, anchors, box coder and NMS."""
    head, pre = model.bbox_head, model.data_preprocessor
    gen, coder = head.prior_generator, head.bbox_coder
    if type(coder).__name__ != 'DeltaXYWHBBoxCoder' or getattr(coder, 'add_ctr_clamp', False) \
            or not head.use_sigmoid_cls or type(gen).__name__ != 'AnchorGenerator' \
            or not gen.scale_major or gen.centers is not None:
        raise InputError(f'{type(model).__name__}: demo.py decodes anchor-based heads with sigmoid '
                         'scores and the DeltaXYWHBBoxCoder (ATSS, RetinaNet); export this one with '
                         'its own post-processing.')
    resize = next(step for step in cfg.test_dataloader.dataset.pipeline if step['type'] == 'Resize')
    if not resize.get('keep_ratio', False):
        raise InputError('demo.py resizes keeping the aspect ratio, as the course\'s detector '
                         'configs do; this config\'s test Resize has keep_ratio=False.')
    test = head.test_cfg
    return {'task': 'detector', 'model': 'model.xml', 'config': Path(cfg.filename).stem,
            'threshold': round(float(threshold), 4), 'threshold_f1': round(float(f1), 4),
            'threshold_rule': 'maximises micro-F1 at IoU 0.5 on the validation split, INT8 model',
            'description': 'object detection on an image: boxes above the threshold',
            'detector': {
                'scale': list(resize['scale']), 'keep_ratio': True,
                'mean': pre.mean.flatten().tolist(), 'std': pre.std.flatten().tolist(),
                'bgr_to_rgb': bool(pre._channel_conversion),
                'strides': [int(s[0]) for s in gen.strides], 'base_sizes': [float(b) for b in gen.base_sizes],
                'scales': gen.scales.tolist(), 'ratios': gen.ratios.tolist(),
                'center_offset': float(gen.center_offset), 'anchors_per_position': int(gen.num_base_priors[0]),
                'means': list(coder.means), 'stds': list(coder.stds),
                'test_cfg': {'score_thr': float(test.get('score_thr', 0.0)),
                             'nms_pre': int(test.get('nms_pre', -1)),
                             'min_bbox_size': float(test.get('min_bbox_size', -1)),
                             'nms': {'iou_threshold': float(test.nms.iou_threshold)},
                             'max_per_img': int(test.get('max_per_img', 100))}}}


def detection_threshold(case: cases.Case, run) -> tuple[float, float]:
    """The F1-best confidence threshold of a runner's predictions on the validation split, and its F1."""
    from ..metrics import threshold as th
    val = case.val_data
    predictions = {}
    for image, samples in val:  # streamed: each image made when read
        for sample in tasks.detect(case.model, run, image, samples):
            predictions[int(sample.img_id)] = th.to_image_boxes(sample)
    matches = th.match_split(val.evaluator_cfg['ann_file'], predictions, val.metainfo['classes'])
    return th.best_threshold(matches)


FILES = ('model.xml', 'model.bin', 'labels.txt', 'config.json', 'demo.py', 'frame_source.py', 'requirements.txt',
         'README.md')


def _prepare_folder(out: Path, force: bool = False) -> None:
    """Make `out` ready for a package: refuse (naming it) if it or DIR.zip holds what the course did not
    write; delete only the files an earlier package wrote there (the folder's record)."""
    out = _check_folder(out, force)
    with writing(out):
        out.mkdir(parents=True, exist_ok=True)
        for name in _outputs.written(out) & set(FILES):
            (out / name).unlink(missing_ok=True)  # an earlier package's file: the course wrote it


def _check_folder(out: Path, force: bool = False) -> Path:
    """Refuse an --out that is not a folder, or whose package names (or DIR.zip) the course did not write."""
    out = _outputs.output_folder(out, '--out')
    if out.is_dir() and any(out.iterdir()) and not _outputs.written(out) and not force:
        raise OutputExistsError(
            f'{out} exists, holds files ({", ".join(sorted(p.name for p in out.iterdir())[:4])}) and is not '
            'a package folder the course wrote: nothing was changed. Choose another --out (or empty that '
            'folder yourself); --force writes the package beside those files, replacing only files of the '
            'package\'s names.')
    _outputs.claim([out / name for name in FILES], force, 'building a package')
    _outputs.claim([out.with_name(out.name + '.zip')], force, 'building a package (DIR.zip beside the folder)')
    return out


def _zip(out: Path) -> Path:
    """DIR.zip with the package's files only (never other files of the folder), recorded beside it."""
    zip_path = out.with_name(out.name + '.zip')
    with writing(zip_path), zipfile.ZipFile(zip_path, 'w', zipfile.ZIP_DEFLATED) as archive:
        for name in FILES:
            archive.write(out / name, f'{out.name}/{name}')
    _outputs.record(out.parent, [zip_path.name])
    return zip_path


README = """# {title}

{what}

Model: `model.xml` + `model.bin`, OpenVINO IR, INT8 (NNCF). {metric_name} of this INT8 model on the
validation split: {metric:.3f}. Trained by the course (`{config}`){origin}.

## Run it (no torch, no OpenMMLab)

    python -m venv env
    env/bin/pip install -r requirements.txt
    env/bin/python demo.py {usage}

`config.json` holds the settings `demo.py` reads ({settings}); `labels.txt` the class names, one per
line, in the model's output order.
"""


ORIGIN = {  # what the smoke profile's models learned from (the full profile's are the real thing)
    'recognizer': ': a small R(2+1)D trained from scratch on synthetic moving-shape clips (the course\'s '
                  'smoke profile), so its answers on real videos mean nothing',
    'detector': ': a small ATSS trained from scratch on the real BCCD blood-cell images (the course\'s '
                'smoke profile)'}


def build_package(task: str, out: str | Path, int8: str | Path | None = None,
                  max_drop: float | None = 0.01, case: cases.Case | None = None,
                  force: bool = False) -> Package:
    """Write a deployable package of lesson 08's recognizer or detector to `out` (and `out`.zip).

    INT8: the IR `int8`, else quantized now with accuracy control (`max_drop`; None: plain nncf.quantize).
    A folder holding files the course did not write is refused (`force`: replace files at the
    package's names; other files of the folder are never touched).
    """
    import openvino as ov
    if task not in TASKS:
        raise InputError(f'Unknown task {task!r}: choose one of {", ".join(TASKS)}.')
    out = _check_folder(out, force)  # before any long work: a folder it may not write is refused now
    if int8 is not None and not Path(int8).is_file():
        raise InputError(f'{int8}: no such IR; give the .xml of an INT8 export of the {task}, '
                         'or leave --int8 out to quantize now.')
    case = case or (cases.recognizer_case() if task == 'recognizer' else cases.detector_case())
    if int8 is None and max_drop is None:
        model = quantize.quantize_int8(case.xml, case.calibration)
    elif int8 is None:
        model = quantize.quantize_with_accuracy_control(case.xml, case.calibration, case.validation,
                                                        case.validate, max_drop=max_drop)
    else:
        model = quantize.read_model(str(int8))
    if quantize.fake_quantize_count(model) == 0:
        raise InputError(f'{int8}: the IR has no FakeQuantize operation, so it is not INT8; give an '
                         'IR made by nncf.quantize, or leave --int8 out.')
    _prepare_folder(out, force)
    _outputs.record(out, FILES)  # written from here on: a rerun may replace them
    with writing(out / 'model.xml'):
        ov.save_model(model, out / 'model.xml')
    run = tasks.ov_runner(parity.compile_ir(out / 'model.xml'))
    metric = case.metric(run)
    cfg = load_config(case.config)
    if task == 'recognizer':
        labels = list(tasks.recognizer_test_video(cfg)[2])  # the data set's classes.txt (every profile)
        config = recognizer_settings(cfg)
        usage = 'VIDEO'
    else:
        labels = list(case.val_data.metainfo['classes'])
        threshold, f1 = detection_threshold(case, run)
        config = detector_settings(case.model, cfg, threshold, f1)
        usage = 'IMAGE --out result.jpg'
    config.update(metric_name=case.metric_name, metric_int8=round(float(metric), 4),
                  openvino=metadata.version('openvino'))
    with writing(out):
        _write_files(out, labels, config, task, case, metric, usage)
    archive = _zip(out)
    return Package(out, archive, case.metric_name, float(metric), config)


def _write_files(out: Path, labels: list[str], config: dict, task: str, case, metric: float, usage: str) -> None:
    (out / 'labels.txt').write_text('\n'.join(labels) + '\n')
    (out / 'config.json').write_text(json.dumps(config, indent=1) + '\n')
    shutil.copyfile(standalone_demo.__file__, out / 'demo.py')
    shutil.copyfile(frame_source.__file__, out / 'frame_source.py')  # demo.py's video source
    (out / 'requirements.txt').write_text(requirements_text())
    (out / 'README.md').write_text(README.format(
        title=f'{task.capitalize()} package', what=config['description'].capitalize() + '.',
        metric_name=case.metric_name, metric=metric, config=config['config'],
        origin=ORIGIN[task] if is_smoke() else '', usage=usage,
        settings=', '.join(k for k in config if k not in ('task', 'model', 'description'))))


def main(argv: list[str] | None = None) -> None:
    """Command line: build one package (see the module docstring)."""
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('task', choices=TASKS)
    parser.add_argument('--out', required=True, help='the package folder to write (DIR.zip beside it); '
                        'a folder holding files the course did not write is refused')
    parser.add_argument('--force', action='store_true', help='replace files at the package\'s names even '
                        'if the course did not record writing them (other files are never touched)')
    parser.add_argument('--int8', help='an INT8 IR of this model to ship (default: quantize now, '
                        'with accuracy control)')
    parser.add_argument('--max-drop', type=float, default=0.01,
                        help='accuracy control: largest drop of the validation metric (default 0.01)')
    args = parser.parse_args(argv)
    package = build_package(args.task, args.out, args.int8, args.max_drop, force=args.force)
    print(f'{package.folder} ({package.metric_name} of the INT8 model: {package.metric:.3f})')
    print(*package.files(), sep='\n')
    print('zip:', package.zip)


if __name__ == '__main__':
    sys.exit(run_cli(main))
