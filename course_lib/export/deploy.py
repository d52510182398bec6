"""Classify a video with the exported recognizer, using OpenVINO, OpenCV and NumPy only (no torch).

    python course_lib/export/deploy.py recognizer_int8.xml clip.mp4 --classes A B C ...

Run as a file, not as `-m course_lib...`: importing the course package would import torch. It
samples frames as the val pipeline does (SampleFrames test_mode: one clip of `clip_len` frames every
`interval`, centred), resizes them and prints the top-5 and whether torch was imported. Used in
lesson 08.
"""
from __future__ import annotations

import argparse
import sys

import cv2
import numpy as np
import openvino as ov


def read_clip(video: str, clip_len: int = 8, interval: int = 2, size: int = 32) -> np.ndarray:
    """One centred clip (1, 3, T, H, W), RGB, float 0..255, as mmaction's val pipeline samples it."""
    capture = cv2.VideoCapture(video)
    frames = []
    ok, frame = capture.read()
    while ok:
        frames.append(frame)
        ok, frame = capture.read()
    if not frames:
        raise SystemExit(f'{video}: no frame could be decoded (not a video, or a missing codec).')
    span = clip_len * interval
    start = max(int((len(frames) - span + 1) / 2), 0) if len(frames) >= span else 0
    ids = [min(start + i * interval, len(frames) - 1) for i in range(clip_len)]
    clip = [cv2.resize(cv2.cvtColor(frames[i], cv2.COLOR_BGR2RGB), (size, size),
                       interpolation=cv2.INTER_LINEAR) for i in ids]
    return np.stack(clip).transpose(3, 0, 1, 2)[None].astype(np.float32)


def main() -> None:
    """Parse the arguments, run the IR on the clip, print the top-5."""
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('model', help='the recognizer IR (.xml)')
    parser.add_argument('video')
    parser.add_argument('--classes', nargs='+', required=True)
    args = parser.parse_args()
    compiled = ov.Core().compile_model(args.model, 'CPU')
    shape = compiled.inputs[0].get_partial_shape()
    clip = read_clip(args.video, clip_len=shape[2].get_length(), size=shape[3].get_length())
    logits = compiled([clip])[compiled.outputs[0]][0]
    scores = np.exp(logits - logits.max())
    scores /= scores.sum()
    for i in np.argsort(-scores)[:5]:
        print(f'{args.classes[i]:10s} {scores[i]:.3f}')
    print('torch imported:', 'torch' in sys.modules)


if __name__ == '__main__':
    main()
