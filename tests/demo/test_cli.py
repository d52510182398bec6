"""`python -m course_lib.demo`: the support matrix in --help and the README, each task's results on a
file, outputs written whole into folders that did not exist."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from course_lib.demo import SUPPORT, support_table
from course_lib.demo.__main__ import main
from course_lib.errors import run_cli
from course_lib.video import VideoSource, VideoWriter

from .conftest import moving_box

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope='module')
def clip(tmp_path_factory):
    path = tmp_path_factory.mktemp('clip') / 'clip.mp4'
    with VideoWriter(path, fps=12, codec='mp4v') as writer:
        for frame in moving_box(40):
            writer.write(frame)
    return path


def test_help_shows_the_support_matrix_and_the_readme_has_it():
    out = subprocess.run([sys.executable, '-m', 'course_lib.demo', '--help'], capture_output=True,
                         text=True, timeout=300, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    assert support_table() in out.stdout
    readme = (ROOT / 'README.md').read_text()
    for task, (kinds, pytorch, ir, package, zoo) in SUPPORT.items():
        assert f'| `{task}` | {kinds} | {pytorch} | {ir} | {package} | {zoo} |' in readme, task


def test_recognize_prints_and_writes_the_top_k(clip, demo_models, tmp_path, capsys):
    out, js = tmp_path / 'new' / 'deeper' / 'labelled.mp4', tmp_path / 'other' / 'top.json'
    assert main(['recognize', str(clip), '--out', str(out), '--json', str(js), '--top-k', '3',
                 '--no-progress']) == 0
    record = json.loads(js.read_text())
    names = demo_models['recognize'][1]
    assert [t['label'] for t in record['top']][:3] and all(t['label'] in names for t in record['top'])
    scores = [t['score'] for t in record['top']]
    assert len(scores) == 3 and scores == sorted(scores, reverse=True)
    assert record['frames'] == 40 and record['duration_s'] == pytest.approx(40 / 12, abs=1e-3)
    written = VideoSource(out)
    assert len(written) == 40 and written.fps == pytest.approx(12, rel=1e-3)
    printed = capsys.readouterr().out
    assert f'{record["top"][0]["score"]:6.3f}  {record["top"][0]["label"]}' in printed


def test_localize_gives_segments_inside_the_video(clip, demo_models, tmp_path):
    js = tmp_path / 'segments.json'
    main(['localize', str(clip), '--json', str(js), '--no-progress'])
    record = json.loads(js.read_text())
    assert record['duration_s'] == pytest.approx(40 / 12, abs=1e-3)
    assert all(0 <= s['start_s'] <= s['end_s'] <= record['duration_s'] + 1e-6 for s in record['segments'])
    assert all(s['label'] in demo_models['localize'][0].classes for s in record['segments'])


def test_actions_scores_the_persons_of_each_keyframe(clip, demo_models, tmp_path):
    js, out = tmp_path / 'actions.json', tmp_path / 'actions.mp4'
    main(['actions', str(clip), '--json', str(js), '--out', str(out), '--short-side', '72',
          '--action-score-thr', '0', '--no-progress'])
    record = json.loads(js.read_text())
    from course_lib.standalone_demo import keyframes
    from course_lib.data.ava import clip_sampling
    model, cfg, labels, _ = demo_models['actions']
    assert [k['frame'] for k in record['keyframes']] == keyframes(40, *clip_sampling(cfg), 8)
    assert record['keyframes']
    for key in record['keyframes']:
        assert key['time_s'] == pytest.approx(key['frame'] / 12, abs=1e-3)
        assert len(key['persons']) == 1  # the fixed box
        assert len(key['persons'][0]['actions']) == min(5, len(labels))  # threshold 0: the top 5
    assert len(VideoSource(out)) > 0


def test_objects_on_an_image_writes_an_image(demo_models, tmp_path):
    import cv2
    image = tmp_path / 'photo.png'
    cv2.imwrite(str(image), moving_box(1)[0])
    out, js = tmp_path / 'out' / 'boxes.png', tmp_path / 'boxes.json'
    main(['objects', str(image), '--out', str(out), '--json', str(js), '--no-progress'])
    assert cv2.imread(str(out)).shape == (72, 96, 3)
    record = json.loads(js.read_text())
    assert len(record['frames']) == 1 and record['threshold'] == 0.3
    assert all(b['score'] >= 0.3 and b['label'] in record['classes'] for b in record['frames'][0]['boxes'])


def test_an_existing_output_is_kept_unless_forced(clip, demo_models, tmp_path, capsys):
    js = tmp_path / 'mine.json'
    js.write_text('my notes')
    assert run_cli(main, ['recognize', str(clip), '--json', str(js), '--no-progress']) == 1
    assert js.read_text() == 'my notes' and '--force' in capsys.readouterr().err
    assert run_cli(main, ['recognize', str(clip), '--json', str(js), '--force', '--no-progress']) == 0
    assert json.loads(js.read_text())['task'] == 'recognize'


def test_localize_runs_lesson_05s_smoke_chain_in_the_full_profile_too(monkeypatch, tmp_path):
    """Lesson 05's section 10 runs the raw-video chain on its smoke configs in every profile; so does
    the demo (it used to stop in the full profile, which has no raw-video row)."""
    import argparse

    from course_lib.configs import for_lesson
    from course_lib.demo import models
    from course_lib.inference import localization
    monkeypatch.setenv('COURSE_PROFILE', 'full')
    checkpoint = tmp_path / 'bmn.pth'
    checkpoint.write_bytes(b'')
    seen = {}
    monkeypatch.setattr(models, '_trained', lambda config, given: tmp_path / 'rec.pth')
    monkeypatch.setattr(models, '_raw_video_bmn', lambda config, rec: checkpoint)
    monkeypatch.setattr(localization.TemporalActionDetector, 'from_configs',
                        classmethod(lambda cls, *a, **k: seen.setdefault('args', a)))
    args = argparse.Namespace(recognizer_config=None, recognizer_checkpoint=None, config=None,
                              checkpoint=None, stride=None, device=None)
    _, description = models.localizer(args)
    rec, _, bmn, _ = seen['args']
    assert (rec, bmn) == (for_lesson('03', 'recognizer', 'smoke'), for_lesson('05', 'raw-video', 'smoke'))
    assert bmn in description
