"""`python -m course_lib.demo TASK INPUT [options]`: run a course model on your own video, frame folder or image.

Four tasks, one command each, every input read through `course_lib.video.VideoSource` (checked once,
decoded frame by frame, times from the decoder), so memory stays flat however long the video is:

* `recognize`: which action a video shows (top-k classes), as lesson 02/03's recognizers do;
* `localize`: where the actions are in an untrimmed video (the two-stage raw-video pipeline of
  lesson 05: recognizer features -> BMN with classes);
* `actions`: who does what (spatio-temporal detection, lesson 07): a person detector on keyframes,
  then the action model on each person; its options keep the names of mmaction2's
  `demo_spatiotemporal_det.py`;
* `objects`: the lesson-06 detector on an image, a folder of frames or a video.

`SUPPORT` (printed by `--help`, copied in the README) says which models each task takes.
"""
from __future__ import annotations

TASKS = ('recognize', 'localize', 'actions', 'objects')

# task -> (input kinds, course PyTorch checkpoint, OpenVINO IR --ir, deploy package --package, zoo --zoo)
SUPPORT = {
    'recognize': ('video, frame folder', 'lesson 03 recognizer', 'lesson 08 recognizer IR',
                  'recognizer package', 'Kinetics-400 X3D-S'),
    'localize': ('video, frame folder', 'lesson 05 raw-video BMN on lesson 03 features', '-', '-', '-'),
    'actions': ('video, frame folder', 'lesson 07 detector', 'lesson 08 detector IR', '-',
                'AVA SlowOnly-R101 + COCO Faster R-CNN persons'),
    'objects': ('image, frame folder, video', 'lesson 06 detector', '-', 'detector package', '-'),
}
HEADER = ('task', 'input', 'PyTorch (default)', '--ir', '--package', '--zoo (full profile)')


def support_table() -> str:
    """The support matrix as a plain-text table (the same rows as README's)."""
    rows = [HEADER] + [(task, *cells) for task, cells in SUPPORT.items()]
    widths = [max(len(r[i]) for r in rows) for i in range(len(HEADER))]
    return '\n'.join('  '.join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows)


__all__ = ['SUPPORT', 'TASKS', 'support_table']
