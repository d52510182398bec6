"""Run the course's exported models with OpenVINO, OpenCV and NumPy only: no torch, no OpenMMLab.

A deployable package (`python -m course_lib.export.package`) ships this file as `demo.py`, next to
`model.xml`, `config.json`, `labels.txt` and its video source `frame_source.py`; there it needs no
subcommand (INPUT: a video, a folder of frames, or for the detector also an image):

    python demo.py VIDEO                      (recognizer package: the top-5 actions with scores)
    python demo.py IMAGE --out result.jpg     (detector package: the boxes, drawn into result.jpg)
    python demo.py VIDEO --out result.mp4     (detector package: every frame's boxes, drawn)

The same file, with a subcommand, runs any IR of the course:

    python standalone_demo.py recognize recognizer.xml video.mp4 --classes A B C ...
    python standalone_demo.py detect stdet.xml video.mp4 --boxes boxes.json [--out annotated.mp4]
    python standalone_demo.py detect stdet.xml frames/ --boxes boxes.json     (a folder of frames)

`recognize`: the lesson-03 recognizer; one centred clip sampled as mmaction's SampleFrames does in test mode
(on the time grid of `frame_source`: by time, not by frame index), top-5. `detect`: the spatio-temporal action
detector of lesson 07 (clip + person boxes in, one score per action and box out). `boxes.json` maps a keyframe
(0-based frame index) to its person boxes in pixels, `{"15": [[x1, y1, x2, y2], ...], ...}`; the clip of each
keyframe is sampled as mmaction's SampleAVAFrames does. That IR carries its settings in its runtime info
(`course_lib` section). The detector package decodes the ATSS detector's outputs (anchors, box deltas,
centerness, per-class NMS) as mmdet does, from the settings in `config.json`.
Input is read frame by frame (`frame_source.FrameSource`): only the frames in use are held, however long the
video. This file imports nothing from the course (run it as a file, not with `-m course_lib...`). The course
uses its functions too (course_lib.inference.spatiotemporal samples keyframes with them), so both paths sample
and score identically. Bad input (video, frames, package files): one line naming the file, exit status 1.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import cv2
import numpy as np

try:  # its copy of the course's video source (frame_source.py), beside it in the course and a package
    from .frame_source import IMAGE_SUFFIXES, FrameSource, Mp4Out
except ImportError:  # run as a script (python demo.py, or runpy.run_path): from this file's own folder
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from frame_source import IMAGE_SUFFIXES, FrameSource, Mp4Out  # type: ignore[no-redef]

RT_SECTION = 'course_lib'  # where export.stdet writes the detector's settings into the IR
VIDEO_SUFFIXES = ('.mp4', '.avi', '.mov', '.mkv', '.webm', '.m4v', '.mpg', '.mpeg', '.ogv')
PACKAGE_FILES = ('config.json', 'labels.txt')  # beside demo.py in a package
NEEDS = {'recognizer': ('model', 'clip_len', 'frame_interval'), 'detector': ('model', 'threshold', 'detector')}


# ---- reading input -----------------------------------------------------------------------------
def read_image(path: str | Path) -> np.ndarray:
    """Read one image as BGR uint8 (OpenCV's order, as mmdet's LoadImageFromFile); errors name the file."""
    path = Path(path)
    if not path.is_file():
        raise SystemExit(f'{path}: no such image file.')
    if path.suffix.lower() in VIDEO_SUFFIXES:
        raise SystemExit(f'{path} is a video; this detector takes one image '
                         f'({", ".join(IMAGE_SUFFIXES)}): extract a frame first.')
    image = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if image is None:
        raise SystemExit(f'{path}: not an image OpenCV can read (expected {", ".join(IMAGE_SUFFIXES)}).')
    return image


# ---- action recognition -------------------------------------------------------------------------
def centre_clip_indices(num_frames: int, clip_len: int, interval: int) -> np.ndarray:
    """0-based frames of the one centred clip mmaction's SampleFrames takes in test mode (num_clips=1);
    a video shorter than the clip loops, as its default `out_of_bound_opt='loop'`."""
    span = clip_len * interval
    start = int((num_frames - span + 1) / 2) if num_frames > span - 1 else 0
    return np.mod(start + np.arange(clip_len) * interval, num_frames)


def read_clip(video: str | Path, clip_len: int = 8, interval: int = 2,
              size: int | tuple[int, int] = 32) -> np.ndarray:
    """One centred clip (1, 3, T, H, W), RGB, float 0..255, as mmaction's val pipeline samples (on the
    time grid) and resizes it (`size`: H = W, or (H, W)); only the clip's frames are decoded."""
    source = FrameSource(video)
    if source.kind == 'image':
        raise SystemExit(f'{video} is an image; a recognizer takes a video or a folder of frames.')
    h, w = (size, size) if isinstance(size, int) else size
    frames = source.take(source.grid()[centre_clip_indices(len(source), clip_len, interval)])
    clip = [cv2.resize(f, (w, h), interpolation=cv2.INTER_LINEAR) for f in frames]
    return np.stack(clip).transpose(3, 0, 1, 2)[None].astype(np.float32)


def top_k(logits: np.ndarray, classes: list[str], k: int = 5) -> list[tuple[str, float]]:
    """The k most likely classes with their softmax scores, best first."""
    logits = np.asarray(logits, np.float64).reshape(-1)
    if len(logits) != len(classes):
        raise SystemExit(f'The model scores {len(logits)} classes, but {len(classes)} names were given.')
    scores = np.exp(logits - logits.max())
    scores /= scores.sum()
    return [(classes[i], float(scores[i])) for i in np.argsort(-scores)[:k]]


def recognize_video(xml: str | Path, video: str | Path, classes: list[str],
                    clip_len: int | None = None, interval: int = 2, k: int = 5
                    ) -> list[tuple[str, float]]:
    """Top-k actions of one centred clip of a video, scored by a recognizer IR (clips 0..255 in)."""
    compiled = _compile(xml)
    shape = compiled.inputs[0].get_partial_shape()
    clip = read_clip(video, clip_len=clip_len or shape[2].get_length(), interval=interval,
                     size=(shape[3].get_length(), shape[4].get_length()))
    return top_k(compiled([clip])[compiled.outputs[0]][0], classes, k)


def _compile(xml: str | Path):
    import openvino as ov
    xml = Path(xml)
    if not xml.is_file() or not xml.with_suffix('.bin').is_file():
        raise SystemExit(f'{xml}: no IR there (.xml with its .bin beside it); export the model first.')
    try:
        return ov.Core().compile_model(str(xml), 'CPU')
    except Exception as err:  # noqa: BLE001  (OpenVINO's errors: one line naming the files)
        raise SystemExit(f'{xml} + {xml.with_suffix(".bin").name}: OpenVINO cannot read this model (the .bin is cut '
                         f'short, or not this .xml\'s weights: {type(err).__name__}); copy the package again.') from None


# ---- object detection (ATSS: anchors, box deltas, centerness) ----------------------------------------
def detector_input(image_bgr: np.ndarray, settings: dict, input_hw: tuple[int, int]
                   ) -> tuple[np.ndarray, tuple[float, float], tuple[int, int]]:
    """mmdet's test pipeline and data preprocessor on one BGR image: keep-ratio resize, BGR -> RGB,
    normalise, zero-pad to the IR's (H, W). Returns the input (1, 3, H, W), the (x, y) scale factors
    and the resized (h, w)."""
    h, w = image_bgr.shape[:2]
    long_edge, short_edge = max(settings['scale']), min(settings['scale'])
    scale = min(long_edge / max(h, w), short_edge / min(h, w), input_hw[0] / h, input_hw[1] / w)
    nw, nh = int(w * scale + 0.5), int(h * scale + 0.5)
    resized = cv2.resize(image_bgr, (nw, nh), interpolation=cv2.INTER_LINEAR)
    if settings.get('bgr_to_rgb', True):
        resized = resized[..., ::-1]
    mean, std = np.float32(settings['mean']), np.float32(settings['std'])
    padded = np.zeros((*input_hw, 3), np.float32)
    padded[:nh, :nw] = (resized.astype(np.float32) - mean) / std
    return padded.transpose(2, 0, 1)[None], (nw / w, nh / h), (nh, nw)


def anchors(featmap_hw: tuple[int, int], level: int, settings: dict) -> np.ndarray:
    """(H * W * A, 4) anchors of one level, in input pixels, ordered as mmdet's AnchorGenerator."""
    stride, base = settings['strides'][level], settings['base_sizes'][level]
    scales = np.float32(settings['scales'])
    h_ratios = np.sqrt(np.float32(settings['ratios']))
    ws = (base / h_ratios[:, None] * scales[None, :]).reshape(-1)  # scale-major, as mmdet
    hs = (base * h_ratios[:, None] * scales[None, :]).reshape(-1)
    center = settings.get('center_offset', 0.0) * base
    corners = np.stack([center - 0.5 * ws, center - 0.5 * hs, center + 0.5 * ws, center + 0.5 * hs], -1)
    ys, xs = np.meshgrid(np.arange(featmap_hw[0]) * stride, np.arange(featmap_hw[1]) * stride,
                         indexing='ij')
    shifts = np.stack([xs.ravel(), ys.ravel(), xs.ravel(), ys.ravel()], -1)
    return (shifts[:, None, :] + corners[None]).reshape(-1, 4).astype(np.float32)


def decode_deltas(priors: np.ndarray, deltas: np.ndarray, settings: dict,
                  max_hw: tuple[int, int]) -> np.ndarray:
    """mmdet's DeltaXYWHBBoxCoder.decode: (dx, dy, dw, dh) relative to each prior -> clipped boxes."""
    d = deltas * np.float32(settings['stds']) + np.float32(settings['means'])
    centers, sizes = (priors[:, :2] + priors[:, 2:]) * 0.5, priors[:, 2:] - priors[:, :2]
    limit = abs(np.log(settings.get('wh_ratio_clip', 16 / 1000)))
    centers = centers + sizes * d[:, :2]
    sizes = sizes * np.exp(np.clip(d[:, 2:], -limit, limit))
    boxes = np.concatenate([centers - sizes * 0.5, centers + sizes * 0.5], -1)
    boxes[:, 0::2] = boxes[:, 0::2].clip(0, max_hw[1])
    boxes[:, 1::2] = boxes[:, 1::2].clip(0, max_hw[0])
    return boxes


def nms(boxes: np.ndarray, scores: np.ndarray, iou_threshold: float) -> np.ndarray:
    """Greedy NMS (mmcv's rule: drop a box whose IoU with a kept, higher-scored one exceeds the
    threshold); returns the kept indices, highest score first."""
    order = np.argsort(-scores, kind='stable')
    areas = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
    keep = []
    while len(order):
        i, rest = order[0], order[1:]
        keep.append(i)
        wh = (np.minimum(boxes[i, 2:], boxes[rest, 2:]) - np.maximum(boxes[i, :2], boxes[rest, :2])).clip(0)
        iou = wh[:, 0] * wh[:, 1] / np.maximum(areas[i] + areas[rest] - wh[:, 0] * wh[:, 1], 1e-12)
        order = rest[iou <= iou_threshold]
    return np.asarray(keep, int)


def decode_detections(outputs: list[np.ndarray], settings: dict, scale_xy: tuple[float, float],
                      resized_hw: tuple[int, int]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The dense head's outputs (cls scores, box deltas, centerness per level, batch of one) -> boxes in
    the original image's pixels, scores and labels, as mmdet's `predict_by_feat` (score_thr, nms_pre,
    scores x centerness, class-wise NMS, max_per_img)."""
    strides, test = settings['strides'], settings['test_cfg']
    n = len(strides)
    if len(outputs) not in (2 * n, 3 * n):
        raise SystemExit(f'The detector IR has {len(outputs)} outputs; config.json describes {n} levels.')
    all_boxes, all_scores, all_labels = [], [], []
    for level in range(n):
        cls, deltas = outputs[level][0], outputs[n + level][0]
        classes = cls.shape[0] // settings['anchors_per_position']
        scores = 1 / (1 + np.exp(-cls.transpose(1, 2, 0).reshape(-1, classes)))
        deltas = deltas.transpose(1, 2, 0).reshape(-1, 4)
        factor = 1 / (1 + np.exp(-outputs[2 * n + level][0].transpose(1, 2, 0).reshape(-1))) \
            if len(outputs) == 3 * n else None
        valid = np.argwhere(scores > test.get('score_thr', 0.0))  # (prior, class) pairs, row-major
        values = scores[valid[:, 0], valid[:, 1]]
        nms_pre = test.get('nms_pre', -1)
        order = np.argsort(-values, kind='stable')[:nms_pre if nms_pre > 0 else None]
        valid, values = valid[order], values[order]
        priors = anchors(cls.shape[1:], level, settings)[valid[:, 0]]
        all_boxes.append(decode_deltas(priors, deltas[valid[:, 0]], settings, resized_hw))
        all_scores.append(values * (factor[valid[:, 0]] if factor is not None else 1.0))
        all_labels.append(valid[:, 1])
    boxes, scores, labels = (np.concatenate(x) for x in (all_boxes, all_scores, all_labels))
    boxes = boxes / np.float32([*scale_xy, *scale_xy])
    size_ok = ((boxes[:, 2] - boxes[:, 0]) > test.get('min_bbox_size', 0)) & \
              ((boxes[:, 3] - boxes[:, 1]) > test.get('min_bbox_size', 0))
    boxes, scores, labels = boxes[size_ok], scores[size_ok], labels[size_ok]
    keep = np.concatenate([np.flatnonzero(labels == c)[nms(boxes[labels == c], scores[labels == c],
                                                           test['nms']['iou_threshold'])]
                           for c in np.unique(labels)]) if len(labels) else np.zeros(0, int)
    keep = keep[np.argsort(-scores[keep], kind='stable')][:test.get('max_per_img', 100)]
    return boxes[keep], scores[keep], labels[keep]


class BoxDetectorIR:
    """The exported ATSS detector with mmdet's pre- and post-processing re-done in NumPy (config.json's
    `detector` settings): a BGR image -> boxes (original pixels), scores, labels."""

    def __init__(self, xml: str | Path, settings: dict) -> None:
        self.compiled = _compile(xml)
        self.settings = settings
        shape = self.compiled.inputs[0].get_partial_shape()
        self.input_hw = (shape[2].get_length(), shape[3].get_length())
        self.request = self.compiled.create_infer_request()

    def __call__(self, image_bgr: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Detect on one BGR image; every box above the head's own score_thr, highest first."""
        inputs, scale, resized = detector_input(image_bgr, self.settings, self.input_hw)
        result = self.request.infer([inputs])
        outputs = [np.array(result[out]) for out in self.compiled.outputs]
        return decode_detections(outputs, self.settings, scale, resized)


# ---- spatio-temporal action detection ------------------------------------------------------------
def keyframes(num_frames: int, clip_len: int, frame_interval: int, stepsize: int) -> list[int]:
    """0-based keyframes every `stepsize` frames whose whole clip lies inside the video (demo's rule)."""
    window = clip_len * frame_interval
    stamps = np.arange(window // 2, num_frames + 1 - window // 2, stepsize)  # 1-based, as the demo
    return [int(t) - 1 for t in stamps]


def clip_indices(keyframe: int, clip_len: int, frame_interval: int) -> np.ndarray:
    """0-based frames of the clip centred on a keyframe, as SampleAVAFrames samples them."""
    start = keyframe + 1 - (clip_len // 2 - 1) * frame_interval
    return start + np.arange(clip_len) * frame_interval - 1


def resize_short(frames: np.ndarray, short_side: int | None) -> tuple[np.ndarray, float, float]:
    """Resize frames so that their short side is `short_side` (None: unchanged); return the x, y scales."""
    h, w = frames.shape[1:3]
    if not short_side or min(h, w) == short_side:
        return frames, 1.0, 1.0
    scale = short_side / min(h, w)
    nw, nh = max(1, int(round(w * scale))), max(1, int(round(h * scale)))
    resized = np.stack([cv2.resize(f, (nw, nh), interpolation=cv2.INTER_LINEAR) for f in frames])
    return resized, nw / w, nh / h


class ActionDetectorIR:
    """The exported spatio-temporal detector: (clip, person boxes) -> action scores per box.

    Column c of the scores is label id c of the label map (column 0: the background class, as in
    mmaction); `classes[c]` names it.
    """

    def __init__(self, xml: str | Path, device: str = 'CPU', config: dict | None = None) -> None:
        import openvino as ov
        if not Path(xml).is_file():
            raise FileNotFoundError(f'{xml}: no IR. Export the detector first (lesson 08, '
                                    'course_lib.export.stdet.export_stdet).')
        core = ov.Core()
        model = core.read_model(str(xml))
        self.settings = {key: model.get_rt_info([RT_SECTION, key]).astype(str) for key in
                         ('classes', 'clip_len', 'frame_interval', 'short_side')
                         if model.has_rt_info([RT_SECTION, key])}
        if len(self.settings) < 4:
            raise ValueError(f'{xml}: the IR lacks the detector settings (runtime info section '
                             f'{RT_SECTION!r}); export it with course_lib.export.stdet.export_stdet.')
        self.classes = self.settings['classes'].split('\t')
        self.clip_len, self.frame_interval = int(self.settings['clip_len']), int(self.settings['frame_interval'])
        self.short_side = int(self.settings['short_side']) or None
        self.compiled = core.compile_model(model, device, config or {})
        self.request = self.compiled.create_infer_request()

    def score_clip(self, clip: np.ndarray, boxes: np.ndarray) -> np.ndarray:
        """Score (N, 4) pixel boxes on a (T, H, W, 3) RGB clip already at the model's size."""
        boxes = np.asarray(boxes, np.float32).reshape(-1, 4)
        if len(boxes) == 0:
            return np.zeros((0, len(self.classes)), np.float32)
        inputs = np.ascontiguousarray(clip.transpose(3, 0, 1, 2)[None], dtype=np.float32)
        result = self.request.infer([inputs, boxes])
        return np.array(result[self.compiled.outputs[0]])

    def score_keyframe(self, frames: np.ndarray, keyframe: int, boxes: np.ndarray) -> np.ndarray:
        """Score pixel boxes of the original frames on the clip around `keyframe`."""
        idx = clip_indices(keyframe, self.clip_len, self.frame_interval)
        if idx.min() < 0 or idx.max() >= len(frames):
            raise ValueError(f'Keyframe {keyframe}: its clip (frames {idx.min()}..{idx.max()}) '
                             f'leaves the {len(frames)}-frame video; choose keyframes with keyframes().')
        clip, sx, sy = resize_short(frames[idx], self.short_side)
        scale = np.array([sx, sy, sx, sy], np.float32)
        return self.score_clip(clip, np.asarray(boxes, np.float32).reshape(-1, 4) * scale)


def read_boxes(path: str | Path) -> dict[int, np.ndarray]:
    """Read `{"keyframe": [[x1, y1, x2, y2], ...]}` (pixels); errors name the file and the keyframe."""
    try:
        raw = json.loads(Path(path).read_text())
    except (OSError, ValueError) as err:
        raise SystemExit(f'{path}: not a readable JSON file ({err}). Write '
                         '{"15": [[x1, y1, x2, y2], ...]} with one entry per keyframe.') from err
    if not isinstance(raw, dict):
        raise SystemExit(f'{path}: expected an object {{"keyframe": [[x1, y1, x2, y2], ...]}}.')
    out = {}
    for key, value in raw.items():
        boxes = np.asarray(value, np.float32)
        if not str(key).isdigit() or boxes.ndim != 2 or boxes.shape[1] != 4 or \
                (len(boxes) and not (boxes[:, 2:] > boxes[:, :2]).all()):
            raise SystemExit(f'{path}, keyframe {key!r}: keys are 0-based frame numbers and values '
                             'lists of [x1, y1, x2, y2] pixel boxes with x1 < x2 and y1 < y2.')
        out[int(key)] = boxes
    return out


# ---- drawing -------------------------------------------------------------------------------------
def draw(frame: np.ndarray, boxes: np.ndarray, labels: list[str],
         color: tuple[int, int, int] = (255, 200, 0)) -> np.ndarray:
    """A copy of an image with boxes and one label each, dark text on a tag of the box's colour
    (lines and text scale with the image)."""
    out = np.ascontiguousarray(frame).copy()
    size = max(out.shape[:2])
    thick, font = max(1, size // 300), max(0.3, size / 1600)
    for box, label in zip(boxes, labels):
        x1, y1, x2, y2 = (int(round(v)) for v in box[:4])
        cv2.rectangle(out, (x1, y1), (x2, y2), color, thick)
        (w, h), _ = cv2.getTextSize(label, cv2.FONT_HERSHEY_SIMPLEX, font, 1)
        top = max(0, y1 - h - 3)
        cv2.rectangle(out, (x1, top), (x1 + w + 2, top + h + 3), color, -1)
        cv2.putText(out, label, (x1 + 1, top + h + 1), cv2.FONT_HERSHEY_SIMPLEX, font, (0, 0, 0), 1,
                    cv2.LINE_AA)
    return out


# ---- the commands --------------------------------------------------------------------------------
def detect(args: argparse.Namespace) -> None:
    """Score the actions of the given person boxes on their keyframes; print them (and draw them).
    The video is read once, holding only the frames of the clip being scored."""
    detector = ActionDetectorIR(args.model)
    source, boxes = FrameSource(args.video), read_boxes(args.boxes)
    classes = ['background', *args.classes] if args.classes else detector.classes
    if len(classes) != len(detector.classes):
        raise SystemExit(f'{args.model} scores {len(detector.classes) - 1} actions, but '
                         f'{len(classes) - 1} names were given with --classes.')
    out = Mp4Out(args.out, max(1.0, source.fps / 4)) if args.out else None
    spans = {k: clip_indices(k, detector.clip_len, detector.frame_interval) for k in sorted(boxes)}
    for key, idx in spans.items():
        if idx.min() < 0 or idx.max() >= len(source):
            raise SystemExit(f'{args.boxes}: keyframe {key}: its clip (frames {idx.min()}..{idx.max()}) '
                             f'leaves the {len(source)}-frame video.')
    held, keys = {}, list(spans)
    for index, _, frame in source.frames(range(max(int(i.max()) for i in spans.values()) + 1) if keys else []):
        held[index] = frame
        while keys and spans[keys[0]].max() <= index:
            key = keys.pop(0)
            first = int(spans[key].min())  # the clip holds its keyframe
            window = np.stack([held[i] for i in range(first, index + 1)])
            scores, labels = detector.score_keyframe(window, key - first, boxes[key]), []
            for box, row in zip(boxes[key], scores):
                best = int(np.argmax(row[1:])) + 1  # column 0 is the background class
                labels.append(f'{classes[best]} {row[best]:.2f}')
                print(f'frame {key:4d}  box {np.round(box).astype(int).tolist()}  {labels[-1]}')
            if out:
                out.write(draw(held[key], boxes[key], labels))
        low = min((int(spans[k].min()) for k in keys), default=index + 1)
        for old in [i for i in held if i < low]:
            del held[old]
    if out:
        out.close()
        print('annotated keyframes:', args.out)


def recognize(args: argparse.Namespace) -> None:
    """Classify one centred clip of the video with the recognizer IR; print the top-5."""
    for name, score in recognize_video(args.model, args.video, args.classes, interval=args.interval):
        print(f'{name:12s} {score:.3f}')


def read_package(folder: Path) -> tuple[dict, list[str]]:
    """config.json and labels.txt of a package folder (the one demo.py sits in)."""
    missing = [name for name in PACKAGE_FILES if not (folder / name).is_file()]
    if missing:
        raise SystemExit(f'{folder}: no {" or ".join(missing)} beside demo.py; run the demo.py of a '
                         'package (python -m course_lib.export.package), or give a subcommand '
                         '(recognize / detect, see --help).')
    try:
        config = json.loads((folder / 'config.json').read_text(encoding='utf-8-sig'))
    except ValueError as err:
        raise SystemExit(f'{folder / "config.json"}, line {getattr(err, "lineno", 1)}: not valid JSON '
                         f'({getattr(err, "msg", err)}); fix that line, or copy the package again.') from None
    task = config.get('task') if isinstance(config, dict) else None
    missing = [key for key in NEEDS.get(task, ('task',)) if key not in config or task not in NEEDS]
    if missing:
        raise SystemExit(f'{folder / "config.json"}: "{missing[0]}" is missing or wrong (task {task!r}; a '
                         f'recognizer or detector package has {NEEDS}). Copy the package again.')
    labels = (folder / 'labels.txt').read_text(encoding='utf-8-sig', errors='replace').split('\n')
    return config, [name.strip() for name in labels if name.strip()]  # blank lines are no classes


def run_package(folder: Path, argv: list[str]) -> None:
    """A package's demo: the recognizer's top-5 on a video, or the detector's boxes on an image."""
    config, labels = read_package(folder)
    parser = argparse.ArgumentParser(prog='demo.py', description=config['task'] + ' package: ' + config.get('description', ''))
    parser.add_argument('input', help='a video or a folder of frames; also an image (detector)')
    parser.add_argument('--out', help='detector: draw the boxes into this image (result.jpg) or video (.mp4)')
    parser.add_argument('--threshold', type=float, help='detector: keep boxes scoring >= this (config.json\'s)')
    parser.add_argument('--list', type=int, default=10, help='detector: print the N best boxes (all drawn)')
    args = parser.parse_args(argv)
    xml = folder / config['model']
    if config['task'] == 'recognizer':
        if args.out:
            raise SystemExit('--out draws boxes: the recognizer package prints its top-5 only.')
        best = recognize_video(xml, args.input, labels, config['clip_len'], config['frame_interval'])
        print(f'{Path(args.input).name}: top-5 of {len(labels)} actions '
              f'(one centred clip of {config["clip_len"]} frames, one every {config["frame_interval"]})')
        print(*(f'  {name:12s} {score:.3f}' for name, score in best), sep='\n')
        return
    source = FrameSource(args.input)
    threshold = config['threshold'] if args.threshold is None else args.threshold
    detector, image_out = BoxDetectorIR(xml, config['detector']), source.kind == 'image'
    if args.out and Path(args.out).suffix.lower() not in (IMAGE_SUFFIXES if image_out else ('.mp4',)):
        raise SystemExit(f'{args.out}: the boxes of {"an image" if image_out else "a video"} are drawn '
                         f'into {"a .jpg or .png" if image_out else "an .mp4"} file.')
    out = Mp4Out(args.out, source.fps) if args.out and not image_out else None
    counts = {name: 0 for name in labels}
    for index, seconds, frame in source.frames():  # one frame in memory at a time
        boxes, scores, ids = detector(frame[..., ::-1])
        keep = scores >= threshold
        boxes, scores, ids = boxes[keep], scores[keep], ids[keep]
        for i in ids:
            counts[labels[i]] += 1
        if image_out:
            for box, score, i in list(zip(boxes, scores, ids))[:args.list]:
                print(f'  {labels[i]:8s} {score:.2f}  [{", ".join(f"{v:.0f}" for v in box)}]')
            if len(boxes) > args.list:
                print(f'  ... and {len(boxes) - args.list} more (--list N prints N)')
        if args.out:
            drawn = draw(frame, boxes, [f'{labels[i]} {s:.2f}' for s, i in zip(scores, ids)])
            if out:
                out.write(drawn)
            else:
                part = Path(args.out).with_name(Path(args.out).stem + '.part' + Path(args.out).suffix)
                if not (part.parent.is_dir() or part.parent.mkdir(parents=True) is None) or \
                        not cv2.imwrite(str(part), np.ascontiguousarray(drawn[..., ::-1])):
                    raise SystemExit(f'{args.out}: could not write the image (a .jpg or .png path).')
                part.replace(args.out)
    print(f'{Path(args.input).name}: {sum(counts.values())} boxes at score >= {threshold:.3f} in '
          f'{len(source)} frame(s) (' + ', '.join(f'{n} {c}' for n, c in counts.items()) + ')')
    if out:
        out.close()
    if args.out:
        print('boxes drawn into', args.out)


def main(argv: list[str] | None = None) -> None:
    """A package's demo (no subcommand), or `recognize` / `detect` on any IR; say whether torch was imported."""
    argv = sys.argv[1:] if argv is None else argv
    folder = Path(__file__).resolve().parent
    subcommand = argv[:1] in (['recognize'], ['detect'])
    if not subcommand and (argv[:1] not in ([], ['-h'], ['--help']) or (folder / 'config.json').is_file()):
        run_package(folder, argv)
        print('torch imported:', 'torch' in sys.modules)
        return
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest='task', required=True)
    det = sub.add_parser('detect', help='spatio-temporal action detection on given person boxes')
    det.add_argument('model', help='the detector IR (.xml)')
    det.add_argument('video', help='a video file or a folder of frames')
    det.add_argument('--boxes', required=True, help='JSON {keyframe: [[x1, y1, x2, y2], ...]} in pixels')
    det.add_argument('--classes', nargs='+', help='action names of label ids 1, 2, ... (default: the IR\'s)')
    det.add_argument('--out', help='write the annotated keyframes to this MP4')
    rec = sub.add_parser('recognize', help='action recognition of one clip')
    rec.add_argument('model', help='the recognizer IR (.xml)')
    rec.add_argument('video')
    rec.add_argument('--classes', nargs='+', required=True)
    rec.add_argument('--interval', type=int, default=2, help='frame interval of the clip (default 2)')
    args = parser.parse_args(argv)
    detect(args) if args.task == 'detect' else recognize(args)
    print('torch imported:', 'torch' in sys.modules)


if __name__ == '__main__':
    main()
