"""A miniature clip in the layout of OTX 1.x's action-detection tutorial (its JHMDB subset's shape).

    <root>/<split>/<video>/annotations.xml          one track per box, labelled with the action
    <root>/<split>/<video>/images/frame_000000.png  the frames
    <root>/<split>.pkl                              person proposals {"video,frame": (N, 5)}

The clip is synthetic: lesson 07's stick figures (`ava_actions.make_video`), 8 frames of 96 x 64,
one or two persons waving, walking or jumping. Frames 1-6 carry boxes and actions; frames 0 and 7
are `EmptyFrame` frames (clip context only, as in OTX's converted sets). The proposals are the true
boxes moved by a few percent, with scores. A copy is checked in under tests/fixtures/otx_jhmdb.
Used in lesson 07 and by tests that need the tutorial's layout.
"""
from __future__ import annotations

import os
import pickle
from pathlib import Path

import cv2
import numpy as np

from ..._util import write_text_atomic
from .. import ava, otx_cvat
from ..cvat import ANNOTATION_FILE, IMAGES_DIR
from .ava_actions import ACTIONS, AVASetSpec, make_video, proposals_from_rows

FRAMES, ANNOTATED = 8, range(1, 7)


def write_otx_clip(root: str | os.PathLike, split: str = 'train', seed: int = 0,
                   index: int = 0) -> Path:
    """Write one synthetic stick-figure clip in OTX's CVAT layout under root/split; return its XML."""
    spec = AVASetSpec(width=96, height=64, seconds=4, fps=2, noise=0.0, switch=0.0,
                      look_alike=0.0, seed=seed)
    rng = np.random.default_rng([seed, index])
    video, figures = make_video(rng, spec)
    name = '_'.join(ACTIONS[f.action_id] for f in figures) + f'_stick_figures_{seed}_{index}'
    rows = [ava.AVARow(name, frame, fig.box(frame, spec.width, spec.height), fig.action_id, pid)
            for frame in ANNOTATED for pid, fig in enumerate(figures)]
    folder = Path(root) / split / name
    (folder / IMAGES_DIR).mkdir(parents=True, exist_ok=True)
    for frame, image in enumerate(video[:FRAMES]):
        cv2.imwrite(str(folder / IMAGES_DIR / otx_cvat.FRAME_FILE.format(frame)), image)
    xml = otx_cvat.otx_xml(name, index, rows, ACTIONS, spec.width, spec.height, FRAMES)
    pkl = otx_cvat.split_proposals(Path(root) / split)
    proposals = {}
    if pkl.exists():  # other clips of the split
        proposals = {f'{v},{f:04d}': b for (v, f), b in otx_cvat.read_otx_proposals(pkl).items()
                     if v != name}
    proposals.update(proposals_from_rows(rows, np.random.default_rng([seed, index, 1]), jitter=0.04))
    with open(pkl, 'wb') as f:
        pickle.dump(dict(sorted(proposals.items())), f)
    return write_text_atomic(folder / ANNOTATION_FILE, xml)
