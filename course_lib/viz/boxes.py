"""Drawing boxes with labels on frames (detections, persons, actions)."""
from __future__ import annotations

from typing import Sequence

import numpy as np

PALETTE = [(230, 25, 75), (60, 180, 75), (0, 130, 200), (245, 130, 48), (145, 30, 180),
           (70, 240, 240), (240, 50, 230), (210, 245, 60), (250, 190, 190), (0, 128, 128)]


def draw_boxes(frame: np.ndarray, boxes: Sequence[Sequence[float]],
               labels: Sequence[str] | None = None, colors: Sequence[tuple] | None = None,
               thickness: int = 1) -> np.ndarray:
    """Return a copy of an RGB frame with pixel boxes (x1, y1, x2, y2) and labels drawn on it."""
    import cv2
    out = np.ascontiguousarray(frame).copy()
    scale = max(0.3, min(out.shape[:2]) / 400)
    for i, box in enumerate(boxes):
        x1, y1, x2, y2 = (int(round(v)) for v in box[:4])
        color = tuple(colors[i]) if colors else PALETTE[i % len(PALETTE)]
        cv2.rectangle(out, (x1, y1), (x2, y2), color, thickness)
        if labels and labels[i]:
            (tw, th), _ = cv2.getTextSize(labels[i], cv2.FONT_HERSHEY_SIMPLEX, scale, 1)
            y_text = max(th + 2, y1)
            cv2.rectangle(out, (x1, y_text - th - 2), (x1 + tw + 2, y_text), color, -1)
            cv2.putText(out, labels[i], (x1 + 1, y_text - 2), cv2.FONT_HERSHEY_SIMPLEX, scale,
                        (255, 255, 255), 1, cv2.LINE_AA)
    return out
