"""Run the course's exported video models with OpenVINO, OpenCV and NumPy only: no torch, no OpenMMLab.

    python standalone_demo.py detect stdet.xml video.mp4 --boxes boxes.json [--out annotated.mp4]
    python standalone_demo.py detect stdet.xml frames/ --boxes boxes.json     (a folder of frames)
    python standalone_demo.py recognize recognizer.xml video.mp4 --classes A B C ...

`detect`: the spatio-temporal action detector of lesson 07 (exported in lesson 08: clip + person
boxes in, one score per action and box out). `boxes.json` maps a keyframe (0-based frame index) to
its person boxes in pixels, `{"15": [[x1, y1, x2, y2], ...], ...}` (from any person detector); the
clip of each keyframe is sampled as mmaction's SampleAVAFrames does. The IR carries what the demo needs
in its runtime info (`course_lib` section): class names, clip length, frame interval, short side.
`recognize`: the lesson-03 recognizer; one centred clip, top-5.

This file imports nothing from the course (run it as a file, not with `-m course_lib...`): copy it
next to the IRs to deploy them. The course uses its functions too (course_lib.inference.spatiotemporal
wraps `ActionDetectorIR`), so both paths sample and score identically. Used in lesson 08.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import cv2
import numpy as np

RT_SECTION = 'course_lib'  # where export.stdet writes the detector's settings into the IR


IMAGE_SUFFIXES = ('.jpg', '.jpeg', '.png', '.bmp')


def read_video(path: str | Path, fps: float = 25.0) -> tuple[np.ndarray, float]:
    """Decode a video file, or a folder of frame images (sorted by name), into (T, H, W, 3) RGB uint8
    frames; return them and the frame rate (`fps` for a folder)."""
    if Path(path).is_dir():
        files = sorted(f for f in Path(path).iterdir() if f.suffix.lower() in IMAGE_SUFFIXES)
        if not files:
            raise SystemExit(f'{path}: a folder without frame images ({", ".join(IMAGE_SUFFIXES)}).')
        return np.stack([cv2.cvtColor(cv2.imread(str(f)), cv2.COLOR_BGR2RGB) for f in files]), fps
    if not Path(path).is_file():
        raise SystemExit(f'{path}: no such video file or frame folder.')
    capture = cv2.VideoCapture(str(path))
    fps = capture.get(cv2.CAP_PROP_FPS) or 25.0
    frames = []
    ok, frame = capture.read()
    while ok:
        frames.append(cv2.cvtColor(frame, cv2.COLOR_BGR2RGB))
        ok, frame = capture.read()
    if not frames:
        raise SystemExit(f'{path}: no frame could be decoded (not a video, or a missing codec).')
    return np.stack(frames), float(fps)


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
    nw, nh = int(round(w * scale)), int(round(h * scale))
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
        self.clip_len = int(self.settings['clip_len'])
        self.frame_interval = int(self.settings['frame_interval'])
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


def draw(frame: np.ndarray, boxes: np.ndarray, labels: list[str]) -> np.ndarray:
    """A copy of an RGB frame with boxes and one label each."""
    out = np.ascontiguousarray(frame).copy()
    for box, label in zip(boxes, labels):
        x1, y1, x2, y2 = (int(round(v)) for v in box[:4])
        cv2.rectangle(out, (x1, y1), (x2, y2), (255, 200, 0), 1)
        cv2.putText(out, label, (x1, max(8, y1 - 2)), cv2.FONT_HERSHEY_SIMPLEX, 0.3,
                    (255, 255, 255), 1, cv2.LINE_AA)
    return out


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


def detect(args: argparse.Namespace) -> None:
    """Score the actions of the given person boxes on their keyframes; print them (and draw them)."""
    detector = ActionDetectorIR(args.model)
    frames, fps = read_video(args.video)
    boxes = read_boxes(args.boxes)
    classes = ['background', *args.classes] if args.classes else detector.classes
    if len(classes) != len(detector.classes):
        raise SystemExit(f'{args.model} scores {len(detector.classes) - 1} actions, but '
                         f'{len(classes) - 1} names were given with --classes.')
    annotated = {}
    for key in sorted(boxes):
        try:
            scores = detector.score_keyframe(frames, key, boxes[key])
        except ValueError as err:
            raise SystemExit(f'{args.boxes}: {err}') from err
        labels = []
        for box, row in zip(boxes[key], scores):
            best = int(np.argmax(row[1:])) + 1  # column 0 is the background class
            labels.append(f'{classes[best]} {row[best]:.2f}')
            print(f'frame {key:4d}  box {np.round(box).astype(int).tolist()}  {labels[-1]}')
        annotated[key] = draw(frames[key], boxes[key], labels)
    if args.out:
        h, w = frames.shape[1:3]
        writer = cv2.VideoWriter(args.out, cv2.VideoWriter_fourcc(*'mp4v'), max(1.0, fps / 4), (w, h))
        for key in sorted(annotated):
            writer.write(cv2.cvtColor(annotated[key], cv2.COLOR_RGB2BGR))
        writer.release()
        print('annotated keyframes:', args.out)


def read_clip(video: str, clip_len: int = 8, interval: int = 2, size: int = 32) -> np.ndarray:
    """One centred clip (1, 3, T, H, W), RGB, float 0..255, as mmaction's val pipeline samples it."""
    frames, _ = read_video(video)
    span = clip_len * interval
    start = max(int((len(frames) - span + 1) / 2), 0) if len(frames) >= span else 0
    ids = [min(start + i * interval, len(frames) - 1) for i in range(clip_len)]
    clip = [cv2.resize(frames[i], (size, size), interpolation=cv2.INTER_LINEAR) for i in ids]
    return np.stack(clip).transpose(3, 0, 1, 2)[None].astype(np.float32)


def recognize(args: argparse.Namespace) -> None:
    """Classify one centred clip of the video with the recognizer IR; print the top-5."""
    import openvino as ov
    compiled = ov.Core().compile_model(args.model, 'CPU')
    shape = compiled.inputs[0].get_partial_shape()
    clip = read_clip(args.video, clip_len=shape[2].get_length(), size=shape[3].get_length())
    logits = compiled([clip])[compiled.outputs[0]][0]
    scores = np.exp(logits - logits.max())
    scores /= scores.sum()
    for i in np.argsort(-scores)[:5]:
        print(f'{args.classes[i]:10s} {scores[i]:.3f}')


def main(argv: list[str] | None = None) -> None:
    """Parse the command line and run `detect` or `recognize`; say whether torch was imported."""
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest='task', required=True)
    det = sub.add_parser('detect', help='spatio-temporal action detection on given person boxes')
    det.add_argument('model', help='the detector IR (.xml)')
    det.add_argument('video', help='a video file or a folder of frame images')
    det.add_argument('--boxes', required=True, help='JSON {keyframe: [[x1, y1, x2, y2], ...]} in pixels')
    det.add_argument('--classes', nargs='+', help='action names for label ids 1, 2, ... (default: '
                     'from the IR)')
    det.add_argument('--out', help='write the annotated keyframes to this MP4')
    rec = sub.add_parser('recognize', help='action recognition of one clip')
    rec.add_argument('model', help='the recognizer IR (.xml)')
    rec.add_argument('video')
    rec.add_argument('--classes', nargs='+', required=True)
    args = parser.parse_args(argv)
    detect(args) if args.task == 'detect' else recognize(args)
    print('torch imported:', 'torch' in sys.modules)


if __name__ == '__main__':
    main()
