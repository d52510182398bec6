"""course_lib.demo.live: the demo command on live input (a held-out clip served as a stream on
127.0.0.1), `cl.demo.live` in a notebook, and live input that fails or cannot be."""
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from course_lib.demo.__main__ import main
from course_lib.errors import InputError, LiveSourceError
from course_lib.video import read_frames, write_video
from course_lib.video.stream import free_port, serve_file_as_stream

pytestmark = pytest.mark.timeout(300)
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope='module')
def clip(tmp_path_factory) -> Path:
    """4 s at 10 fps, 96x64: a bright square circling on a noisy grey field (no other test uses it)."""
    rng = np.random.default_rng(29)
    frames = rng.normal(90, 12, (40, 64, 96, 3)).clip(0, 255).astype(np.uint8)
    for i, frame in enumerate(frames):
        x, y = int(48 + 30 * np.cos(i / 6)), int(32 + 18 * np.sin(i / 6))
        frame[y - 8:y + 8, x - 8:x + 8] = (240, 200, 40)
    return write_video(tmp_path_factory.mktemp('live') / 'circling.mp4', frames, fps=10)


def _random_checkpoint(folder: Path, config: str, kind: str) -> Path:
    import torch

    import course_lib  # noqa: F401  (registrations)
    from course_lib.configs import load_config
    cfg = load_config(config)
    if kind == 'recognizer':
        from mmaction.apis import init_recognizer
        model = init_recognizer(cfg, None, device='cpu')
    else:
        from mmdet.apis import init_detector
        model = init_detector(cfg, None, device='cpu')
    path = folder / f'{config}_random.pth'
    torch.save({'state_dict': model.state_dict(), 'meta': {}}, path)
    return path


@pytest.fixture(scope='module')
def recognizer_checkpoint(tmp_path_factory) -> Path:
    return _random_checkpoint(tmp_path_factory.mktemp('ckpt'), 'r2plus1d_r18_motion_smoke', 'recognizer')


@pytest.fixture(scope='module')
def detector_checkpoint(tmp_path_factory) -> Path:
    return _random_checkpoint(tmp_path_factory.mktemp('ckpt'), 'atss_mobilenetv2_fpn_bccd_smoke', 'detector')


def check_run(out: Path, js: Path, clip_frames: int = 40) -> dict:
    record = json.loads(js.read_text())
    assert record['stopped'] == 'end of stream'
    assert 1 <= record['processed'] <= record['received'] <= clip_frames
    assert record['received'] >= clip_frames - 5  # the stream sent the clip (a decoder may keep the last few)
    assert record['processed'] + record['dropped'] == record['received']
    frames, _ = read_frames(out)
    assert len(frames) >= record["processed"] and frames.shape[1:3] == (256, 384)  # drawn on enlarged
    assert sorted(p.name for p in out.parent.iterdir()) == sorted({out.name, js.name})
    return record


@pytest.mark.parametrize('task', ['recognize', 'objects'])
def test_a_stream_through_a_task_writes_a_complete_video_and_a_summary(task, clip, tmp_path, request,
                                                                      capsys):
    checkpoint = request.getfixturevalue('recognizer_checkpoint' if task == 'recognize' else 'detector_checkpoint')
    out, js = tmp_path / 'out' / 'live.mp4', tmp_path / 'out' / 'live.json'
    with serve_file_as_stream(clip, seconds=10) as url:
        code = main([task, url, '--checkpoint', str(checkpoint), '--out', str(out), '--json', str(js),
                     '--max-seconds', '120', '--no-progress'])
    assert code == 0
    record = check_run(out, js)
    assert record['task'] == task and record['input'] == url
    printed = capsys.readouterr().out
    assert 'Ctrl-C stops' in printed and 'dropped' in printed and str(out) in printed


def test_localize_is_refused_live_with_what_to_do_instead():
    with pytest.raises(InputError, match='does not run on a camera or a stream.*ffmpeg -i URL'):
        main(['localize', 'udp://127.0.0.1:5004'])


def test_a_stream_that_does_not_open_fails_before_any_model_is_loaded(monkeypatch):
    from course_lib.demo import models

    def no_model(args):
        raise AssertionError('the model was loaded before the source was opened')

    monkeypatch.setattr(models, 'recognizer', no_model)
    url = f'http://127.0.0.1:{free_port()}/stream.ts'
    t0 = time.monotonic()
    with pytest.raises(LiveSourceError, match=url.replace('.', r'\.') + '.*could not be opened'):
        main(['recognize', url, '--open-timeout', '3'])
    assert time.monotonic() - t0 < 30


def test_ctrl_c_stops_the_command_and_the_video_is_complete(clip, detector_checkpoint, tmp_path):
    out = tmp_path / 'interrupted.mp4'
    with serve_file_as_stream(clip, seconds=60, loop=True) as url:
        env = dict(os.environ, PYTHONPATH=str(REPO))
        child = subprocess.Popen([sys.executable, '-m', 'course_lib.demo', 'objects', url, '--checkpoint',
                                  str(detector_checkpoint), '--out', str(out)], cwd=REPO, env=env,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            started = time.monotonic()
            while not (tmp_path / 'interrupted.part.mp4').exists():  # frames are being written
                assert child.poll() is None, child.communicate()
                assert time.monotonic() - started < 200, 'no frame written'
                time.sleep(0.2)
            time.sleep(1.0)
            child.send_signal(signal.SIGINT)
            stdout, stderr = child.communicate(timeout=120)
        finally:
            child.kill()
    assert child.returncode == 0, stderr
    assert 'stopped: Ctrl-C' in stdout
    frames, _ = read_frames(out)
    assert len(frames) >= 1 and frames.shape[1:3] == (256, 384)  # 96 x 64, drawn on enlarged
    assert sorted(p.name for p in tmp_path.iterdir()) == ['interrupted.mp4']


def test_cl_demo_live_shows_the_stream_in_the_widget_and_returns_the_summary(clip):
    import cv2
    from mmaction.apis import init_recognizer

    import course_lib as cl
    from course_lib.configs import load_config
    cfg = load_config('r2plus1d_r18_motion_smoke')
    model = init_recognizer(cfg, None, device='cpu')
    with serve_file_as_stream(clip, seconds=10) as url:
        session = cl.demo.live(url, 'recognize', model=model)
        summary = session.wait(120)
    assert summary.stopped == 'end of stream' and summary.processed >= 1
    shown = cv2.imdecode(np.frombuffer(session.image.value, np.uint8), cv2.IMREAD_COLOR)
    assert shown.shape == (256, 384, 3)
    with pytest.raises(InputError, match='neither a camera index'):
        cl.demo.live('clip.mp4', 'recognize', model=model)
    with pytest.raises(InputError, match='model= takes a recognizer'):
        cl.demo.live(url, 'objects', model=model)
