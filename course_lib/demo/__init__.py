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

A camera index or a stream URL as INPUT runs `recognize`, `actions` or `objects` live, on the frames
as they come (`live_input`, with the tasks as live steps in `live_steps`); `live(...)` (`cl.demo.live`,
`live_notebook`) does it in a notebook, in a widget with a Stop button.

`SUPPORT` (printed by `--help`, copied in the README) says which models each task takes.
"""
from __future__ import annotations

from .live_notebook import live  # cl.demo.live: a camera or a stream in a notebook
from .support import HEADER, SUPPORT, TASKS, support_table  # noqa: F401  (the package API)

__all__ = ['SUPPORT', 'TASKS', 'live', 'support_table']
