"""The models the demo command runs, resolved from its options: the course's trained checkpoints
(default; offline, a missing smoke one is trained first and the command says so), an OpenVINO IR of
lesson 08 (`--ir`), a deploy package folder (`--package`) or, in the full profile, a model-zoo
checkpoint through the course hub (`--zoo`). Class names, thresholds and sampling come from each
model's own files: its config, its IR's runtime info, its package's config.json and labels.txt.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..errors import CheckpointError, ConfigError, InputError

IR_TASKS = {'recognize': 'a recognizer (one clip in, class scores out)',
            'actions': 'a spatio-temporal detector (a clip and person boxes in)',
            'objects': 'an image detector (one image in)'}


def _ov_device(device: str | None) -> str:
    return 'GPU' if device and device.startswith('cuda') else 'CPU'


def ir_task(xml: str | Path) -> str:
    """Which demo task an OpenVINO IR serves, from its inputs: 'recognize', 'actions' or 'objects'."""
    xml = Path(xml)
    if xml.suffix != '.xml':
        raise CheckpointError(f'{xml} is not an OpenVINO IR: --ir takes the .xml of an export (its '
                              '.bin beside it). For a PyTorch .pth checkpoint use --checkpoint.')
    if not xml.is_file():
        raise CheckpointError(f'{xml}: no such IR. Export one in lesson 08, or check the path.')
    if not xml.with_suffix('.bin').is_file():
        raise CheckpointError(f'{xml}: its weights {xml.with_suffix(".bin").name} are missing beside '
                              'it; copy the .bin with the .xml, or export again (lesson 08).')
    import openvino as ov
    from ..errors import boundary
    with boundary(f'OpenVINO could not read {xml}', 'Export it again (lesson 08).', CheckpointError):
        inputs = ov.Core().read_model(str(xml)).inputs
    if len(inputs) == 2:
        return 'actions'
    rank = inputs[0].get_partial_shape().rank.get_length()
    return 'recognize' if rank == 5 else 'objects'


def check_ir(xml: str | Path, task: str) -> Path:
    """The IR if it serves `task`; else a CheckpointError naming what it is and the command it fits."""
    found = ir_task(xml)
    if found != task:
        hint = (f'run `python -m course_lib.demo {found} INPUT --ir {xml}`' if found != 'objects' else
                'the detector runs from its deploy package: `python -m course_lib.demo objects INPUT '
                '--package DIR`')
        raise CheckpointError(f'{xml} is an IR of {IR_TASKS[found]}, not of {IR_TASKS[task]} that '
                              f'`{task}` needs. Give the {task} IR exported in lesson 08, or {hint}.')
    return Path(xml)


def read_package(folder: str | Path, task: str) -> tuple[dict, list[str], Path]:
    """A deploy package's config.json, labels and model path, checked to be of `task`."""
    from ..standalone_demo import PACKAGE_FILES
    folder = Path(folder)
    if not folder.is_dir() or any(not (folder / f).is_file() for f in PACKAGE_FILES):
        raise InputError(f'{folder} is not a deploy package (a folder with {", ".join(PACKAGE_FILES)} '
                         'and the model): build one with `python -m course_lib.export.package`.')
    config = json.loads((folder / 'config.json').read_text())
    kind = {'recognizer': 'recognize', 'detector': 'objects'}.get(config.get('task'))
    if kind != task:
        raise InputError(f'{folder} is a {config.get("task")} package; `{task}` needs a '
                         f'{"recognizer" if task == "recognize" else "detector"} package. Run '
                         f'`python -m course_lib.demo {kind} INPUT --package {folder}`.')
    return config, (folder / 'labels.txt').read_text().splitlines(), folder / config['model']


def _need_full(option: str) -> None:
    from ..settings import is_smoke
    if is_smoke():
        raise ConfigError(f'{option} runs a model-zoo checkpoint, which the full profile downloads '
                          '(the smoke profile stays offline). Run with COURSE_PROFILE=full.')


def _trained(config: str, checkpoint: str | None) -> Path:
    """The checkpoint given, or the course's own for `config` (a missing smoke one is trained now)."""
    if checkpoint:
        if not Path(checkpoint).is_file():
            raise CheckpointError(f'{checkpoint}: no such checkpoint. Give a .pth file, or leave out '
                                  '--checkpoint to use the one the lesson trained.')
        return Path(checkpoint)
    from ..trained import trained_checkpoint
    return trained_checkpoint(config)  # prints that it trains when the lesson's is missing


def recognizer(args: Any):
    """(model, class names, description) for `recognize`: PyTorch, --ir or --zoo (--package: see tasks)."""
    from ..inference import recognition as rec
    if args.zoo:
        _need_full('--zoo')
        from ..inference import zoo_weights
        weights = zoo_weights('x3d_s_k400')
        model = rec.load_recognizer(weights.checkpoint, rec.recognizer_config(num_clips=1, center_crop=True),
                                    device=args.device)
        return model, rec.kinetics400_classes(), weights.note
    from ..configs import for_lesson, load_config
    config = args.config or for_lesson('03', 'recognizer')
    cfg = load_config(config)
    if args.ir:
        model = rec.IRRecognizer(check_ir(args.ir, 'recognize'), cfg, device=_ov_device(args.device))
        return model, list(cfg.classes), f'OpenVINO IR {Path(args.ir).name} (sampling of {config})'
    checkpoint = _trained(config, args.checkpoint)
    from mmaction.apis import init_recognizer

    from ..checkpoints import load_checked
    model = load_checked(init_recognizer(cfg, None, device=args.device or _device()), checkpoint)
    return model, list(cfg.classes), f'{config} ({checkpoint.name})'


def _device() -> str:
    from ..settings import device
    return device()


def localizer(args: Any):
    """(TemporalActionDetector, description) for `localize`: lesson 05's raw-video BMN on lesson 03's features."""
    from ..configs import for_lesson
    from ..inference.localization import TemporalActionDetector
    # Lesson 05's section 10 runs this chain on its smoke configs in every profile (the full profile
    # has no raw-video data set of its own), so the demo does too.
    rec_config = args.recognizer_config or for_lesson('03', 'recognizer', 'smoke')
    bmn_config = args.config or for_lesson('05', 'raw-video', 'smoke')
    rec_checkpoint = _trained(rec_config, args.recognizer_checkpoint)
    checkpoint = Path(args.checkpoint) if args.checkpoint else _raw_video_bmn(bmn_config, rec_config)
    if not checkpoint.is_file():
        raise CheckpointError(f'{checkpoint}: no such checkpoint (--checkpoint).')
    detector = TemporalActionDetector.from_configs(rec_config, rec_checkpoint, bmn_config, checkpoint,
                                                   stride=args.stride)
    if args.device:
        detector.recognizer.to(args.device)
        detector.bmn.to(args.device)
    return detector, f'{bmn_config} ({checkpoint.name}) on the features of {rec_config}'


def _raw_video_bmn(config: str, rec_config: str) -> Path:
    """Lesson 05's raw-video BMN checkpoint; made (features, then training) when missing."""
    from ..configs import load_config
    from ..train import last_checkpoint, train
    cfg = load_config(config)
    done = f'epoch_{cfg.train_cfg.max_epochs}.pth'
    checkpoint = last_checkpoint(cfg.work_dir)
    if checkpoint is not None and checkpoint.name == done:
        return checkpoint
    from ..data.synthetic.untrimmed_motion import UntrimmedSpec
    from ..inference.localization import Windows, build_feature_set, lesson03_recognizer
    from ..settings import data_dir
    print(f'{config}: no checkpoint from lesson 05, making its features and training it now '
          '(smoke profile, a few minutes on 2 cores)')
    model, rec_cfg, rec_checkpoint = lesson03_recognizer(rec_config)
    build_feature_set(data_dir() / 'motion_untrimmed', model, UntrimmedSpec(),
                      windows=Windows.from_config(rec_cfg), source=rec_checkpoint.name, progress=False)
    train(config, quiet=True)
    return last_checkpoint(cfg.work_dir)


def action_model(args: Any):
    """(model, cfg or None, label map {id: name}, description) for `actions`."""
    from ..data import ava
    if args.ir:
        from ..standalone_demo import ActionDetectorIR
        model = ActionDetectorIR(check_ir(args.ir, 'actions'), device=_ov_device(args.device))
        names = ava.read_label_map(args.label_map) if args.label_map else dict(enumerate(model.classes))
        return model, None, {i: n for i, n in names.items() if i}, f'OpenVINO IR {Path(args.ir).name}'
    if args.zoo:
        _need_full('--zoo')
        from ..inference import zoo_weights
        from ..inference.spatiotemporal import load_ava_model
        weights = zoo_weights('ava_slowonly_r101')
        model, cfg = load_ava_model(weights.checkpoint, device=args.device, cfg_options=args.cfg_options)
        return model, cfg, ava.read_label_map(args.label_map) if args.label_map else ava.read_label_map(), weights.note
    from ..configs import for_lesson, load_config
    from ..export.convert import build_model
    from ..output import quiet
    config = args.config or for_lesson('07', 'detector')
    cfg = load_config(config)
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    checkpoint = _trained(config, args.checkpoint)
    with quiet():
        model = build_model(cfg, checkpoint).to(args.device or _device())
    labels = ava.read_label_map(args.label_map or cfg.dataset_settings.label_file)
    return model, cfg, labels, f'{config} ({checkpoint.name})'


def person_detector(args: Any, score_thr: float):
    """The person detector of `actions`: mmdet's COCO detector (`--det-*`), or offline stand-ins."""
    from ..inference import persons
    kind = args.persons or ('faces' if _smoke() and not args.det_checkpoint else 'detector')
    if kind == 'faces':
        return persons.FaceCascadePersonDetector(), 'OpenCV face cascade + head-and-shoulders boxes'
    if kind == 'figures':
        from ..data.synthetic.ava_actions import figure_boxes
        return figure_boxes, 'the synthetic figures\' boxes (the course\'s generated videos only)'
    checkpoint = args.det_checkpoint
    if checkpoint is None:
        from ..inference import zoo_weights
        checkpoint = zoo_weights('faster_rcnn_r50_coco').checkpoint
    detector = persons.MMDetPersonDetector(str(checkpoint) if checkpoint else None,
                                           args.det_config or persons.PERSON_DETECTOR_CONFIG,
                                           score_thr=score_thr, device=args.device,
                                           cat_id=args.det_cat_id)
    return detector, f'{args.det_config or persons.PERSON_DETECTOR_CONFIG} (score >= {score_thr})'


def _smoke() -> bool:
    from ..settings import is_smoke
    return is_smoke()


def object_detector(args: Any):
    """(callable BGR image -> (boxes, scores, labels), class names, threshold, description) for `objects`."""
    if args.ir:
        check_ir(args.ir, 'objects')
        raise InputError(f'{args.ir}: the detector IR alone lacks its decoding settings (anchors, '
                         'NMS, threshold): run it from its deploy package, `--package DIR` '
                         '(python -m course_lib.export.package).')
    if args.package:
        from ..standalone_demo import BoxDetectorIR
        config, labels, xml = read_package(args.package, 'objects')
        threshold = config['threshold'] if args.threshold is None else args.threshold
        return BoxDetectorIR(xml, config['detector']), labels, threshold, f'package {Path(args.package).name}'
    from mmdet.apis import inference_detector

    from ..configs import for_lesson, load_config
    from ..metrics import threshold as th
    config = args.config or for_lesson('06', 'detector')
    cfg = load_config(config)
    checkpoint = _trained(config, args.checkpoint)
    try:
        record = th.load_threshold(cfg.work_dir)
        chosen, source = record['threshold'], 'chosen in lesson 06'
    except FileNotFoundError:
        chosen, source = cfg.model.test_cfg.score_thr, 'the config\'s score_thr'
    threshold = chosen if args.threshold is None else args.threshold
    from mmdet.apis import init_detector

    from ..output import quiet
    cfg.test_dataloader.dataset.pipeline = [t for t in cfg.test_dataloader.dataset.pipeline
                                            if t['type'] != 'LoadAnnotations']
    with quiet():
        model = init_detector(cfg, str(checkpoint), device=args.device or _device())

    def detect(image_bgr):
        pred = inference_detector(model, image_bgr).pred_instances
        return pred.bboxes.cpu().numpy(), pred.scores.cpu().numpy(), pred.labels.cpu().numpy()

    return detect, list(cfg.classes), threshold, f'{config} ({checkpoint.name}), threshold {threshold:.3f} ({source})'


def random_models() -> dict:
    """Every task's model with RANDOM weights from the smoke configs (tests and the memory benchmark):
    {task: what its resolver returns, 'persons': a detector of one fixed box}."""
    import numpy as np
    import torch
    from mmaction.apis import init_recognizer
    from mmaction.registry import MODELS
    from mmdet.apis import init_detector

    from ..configs import for_lesson, load_config
    from ..export.convert import build_model
    from ..inference.localization import TemporalActionDetector, Windows
    from ..output import quiet
    torch.manual_seed(0)
    rec_cfg = load_config(for_lesson('03', 'recognizer', 'smoke'))
    recognizer = init_recognizer(rec_cfg, None, device='cpu')
    bmn_cfg = load_config(for_lesson('05', 'raw-video', 'smoke'))
    bmn = MODELS.build(bmn_cfg.model).eval()
    localizer = TemporalActionDetector(recognizer, bmn, bmn_cfg.classes, Windows.from_config(rec_cfg))
    ava_cfg = load_config(for_lesson('07', 'detector', 'smoke'))
    with quiet():
        ava = build_model(ava_cfg)
        ava.init_weights()
    labels = {i: f'action {i}' for i in range(1, ava_cfg.model.roi_head.bbox_head.num_classes)}
    det_cfg = load_config(for_lesson('06', 'detector', 'smoke'))
    det_cfg.test_dataloader.dataset.pipeline = [t for t in det_cfg.test_dataloader.dataset.pipeline
                                                if t['type'] != 'LoadAnnotations']
    with quiet():
        detector = init_detector(det_cfg, None, device='cpu')

    def detect(image_bgr):
        from mmdet.apis import inference_detector
        pred = inference_detector(detector, image_bgr).pred_instances
        return pred.bboxes.cpu().numpy(), pred.scores.cpu().numpy(), pred.labels.cpu().numpy()

    def one_person(frame):
        h, w = frame.shape[:2]
        return np.array([[w * 0.2, h * 0.1, w * 0.7, h * 0.9, 1.0]])

    return {'recognize': (recognizer, list(rec_cfg.classes), 'random recognizer'),
            'localize': (localizer, 'random BMN'),
            'actions': (ava, ava_cfg, labels, 'random AVA model'),
            'persons': (one_person, 'one fixed box'),
            'objects': (detect, list(det_cfg.classes), 0.3, 'random ATSS')}


def resolvers(built: dict) -> dict:
    """Resolver name -> a stand-in returning `built`'s model (for monkeypatching this module)."""
    return {'recognizer': lambda args: built['recognize'], 'localizer': lambda args: built['localize'],
            'action_model': lambda args: built['actions'],
            'person_detector': lambda args, thr: built['persons'],
            'object_detector': lambda args: built['objects']}
