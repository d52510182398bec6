"""The demo command's tasks and its support matrix: which models each task takes (`--help`, README)."""
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
