"""The config table: every lesson's configs exist in both profiles, and examples name real configs."""
import re
from pathlib import Path

import pytest

from course_lib import configs

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize('row', configs.TABLE, ids=lambda r: f'{r.lesson}-{r.role}')
def test_every_row_names_config_files(row):
    for name in (row.smoke, row.full):
        if name is not None:
            assert configs.config_path(name).name == f'{name}.py'


def test_for_lesson_follows_the_profile(monkeypatch):
    assert configs.for_lesson('06', 'detector', profile='smoke').endswith('_smoke')
    assert configs.for_lesson('6', 'detector', profile='full').endswith('_full')
    monkeypatch.setenv('COURSE_PROFILE', 'full')
    assert configs.for_lesson('07', 'detector') == 'slowonly_k400-pre-r50_8xb8-8x2x1-20e_jhmdb-ava_full'


def test_lesson_08_roles_point_at_the_lessons_that_train_them():
    for role, (lesson, own_role) in configs.EXPORTS.items():
        assert configs.for_lesson('08', role, 'smoke') == configs.for_lesson(lesson, own_role, 'smoke')


def test_unknown_role_lists_the_known_ones():
    with pytest.raises(configs.ConfigNotFoundError, match=r"roles are \['recognizer', 'recognizer-x3d'\]"):
        configs.for_lesson('03', 'detector')
    with pytest.raises(configs.ConfigNotFoundError, match='role None'):
        configs.for_lesson('05')  # two models: the role must be named


def test_a_step_without_full_config_says_so():
    with pytest.raises(configs.ConfigNotFoundError, match='no full config'):
        configs.for_lesson('05', 'raw-video', 'full')


def test_unknown_config_names_the_known_ones():
    with pytest.raises(FileNotFoundError, match='atss_mobilenetv2_fpn_bccd_smoke'):
        configs.config_path('bmn_smoke')


COMMAND = re.compile(r'-m course_lib\.train\s+([A-Za-z0-9_.\-]+)')
# a config name in quotes or backticks, as in train('NAME'), load_config("NAME") or `NAME`; config
# names carry a digit (r2plus1d, x3d, bmn_1xb4, ...), which keeps out Python names like is_smoke
QUOTED = re.compile(r"""[`'"]([a-z0-9][a-z0-9_+.\-]*\d[a-z0-9_+.\-]*_(?:smoke|full))(?:\.py)?[`'"]""")
FOR_LESSON = re.compile(r"""for_lesson\(\s*'(\d+)'\s*(?:\)|,\s*'([\w\-]+)')""")  # literal arguments only


def _documented_files():
    return [*REPO.glob('course_lib/**/*.py'), *REPO.glob('data_scripts/*.py'), *REPO.glob('scripts/*.py'),
            *REPO.glob('solutions/*.py'), REPO / 'README.md', REPO / 'CONTRIBUTING.md', *REPO.glob('docs/*.md'),
            *REPO.glob('notebooks/*.ipynb')]


def _documented_commands():
    for path in _documented_files():
        for name in COMMAND.findall(path.read_text()):
            if name.upper() != name and not name.startswith('-'):  # CONFIG placeholders are upper case
                yield path.relative_to(REPO), name


def test_every_documented_train_command_names_a_real_config():
    commands = list(_documented_commands())
    assert len(commands) >= 4  # train.py's docstring alone has four
    for where, name in commands:
        configs.config_path(name)  # raises with the file's name in the test's report


def test_every_quoted_config_name_is_a_real_config():
    found = [(path.relative_to(REPO), name) for path in _documented_files()
             for name in QUOTED.findall(path.read_text())]
    assert len(found) >= 10
    missing = [(str(where), name) for where, name in found if name not in configs.names()]
    assert missing == [], f'names that are no course config: {missing}'


def test_quoted_names_are_found_in_every_form():
    text = """train('x3d_s_motion_smoke') load_config("r2plus1d_r34_hmdb51_full", {}) `bmn_smoke` 'is_smoke'"""
    assert QUOTED.findall(text) == ['x3d_s_motion_smoke', 'r2plus1d_r34_hmdb51_full']
    assert FOR_LESSON.findall("for_lesson('05', 'raw-video', 'smoke') for_lesson('07') "
                              "for_lesson('08', role)") == [('05', 'raw-video'), ('07', '')]


def test_every_for_lesson_call_names_a_row_of_the_table():
    calls = [(path.relative_to(REPO), lesson, role or None) for path in _documented_files()
             for lesson, role in FOR_LESSON.findall(path.read_text())]
    assert len(calls) >= 5
    for where, lesson, role in calls:
        assert configs.for_lesson(lesson, role, 'smoke') in configs.names(), where


def test_the_table_lists_every_config():
    listed = {name for row in configs.TABLE for name in (row.smoke, row.full) if name}
    assert listed == set(configs.names())
    text = configs.table_text()
    assert all(name in text for name in listed) and "'05'" not in text


def _pretrained_sources(node, path='cfg'):
    """Where a resolved config loads weights from a file or URL (load_from, init_cfg, pretrained)."""
    if isinstance(node, dict):
        if node.get('type') == 'Pretrained':
            yield path
        for key, value in node.items():
            if key in ('load_from', 'pretrained', 'checkpoint') and isinstance(value, str) and value:
                yield f'{path}.{key}'
            yield from _pretrained_sources(value, f'{path}.{key}')
    elif isinstance(node, (list, tuple)):
        for i, value in enumerate(node):
            yield from _pretrained_sources(value, f'{path}[{i}]')


def test_pretrained_sources_are_found_in_full_configs():
    assert 'cfg.load_from' in _pretrained_sources(configs.load_config('r2plus1d_r34_hmdb51_full').to_dict())
    assert any('init_cfg' in p for p in _pretrained_sources(
        configs.load_config('atss_mobilenetv2_fpn_bccd_full').to_dict()))


@pytest.mark.parametrize('name', sorted({r.smoke for r in configs.TABLE}))
def test_smoke_configs_load_no_pretrained_weights(name):
    """Smoke configs run offline from scratch: inheriting a full config must not bring its checkpoint."""
    assert list(_pretrained_sources(configs.load_config(name).to_dict())) == []


def test_contributing_shows_the_table_as_it_is():
    text = (REPO / 'CONTRIBUTING.md').read_text()
    assert configs.table_text() in text, 'paste `python -m course_lib.train --list` into CONTRIBUTING.md'


def test_the_shared_parts_are_no_config():
    """course_lib/configs/_parts.py holds functions configs call: no user runs it as a config."""
    assert (configs.CONFIG_DIR / '_parts.py').is_file()
    assert not [name for name in configs.names() if name.startswith('_')]
    with pytest.raises(configs.ConfigNotFoundError):
        configs.config_path('_parts')


def test_train_list_prints_the_table(capsys):
    from course_lib import train
    train.main(['--list'])
    out = capsys.readouterr().out
    assert all(row.smoke in out for row in configs.TABLE) and 'smoke only' in out


def test_lesson_06_profiles_read_the_same_real_bccd(tmp_path, monkeypatch):
    """Smoke and full train on the same converted BCCD; only size, schedule and weights differ."""
    monkeypatch.setenv('COURSE_DATA_DIR', str(tmp_path))
    smoke, full = (configs.load_config(configs.for_lesson('06', 'detector', p), work_dir_=str(tmp_path))
                   for p in ('smoke', 'full'))
    for key in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        assert smoke[key].dataset.data_root == full[key].dataset.data_root == f'{tmp_path}/bccd/'
        assert smoke[key].dataset.ann_file == full[key].dataset.ann_file
    assert smoke.test_evaluator.ann_file == full.test_evaluator.ann_file
    assert full.model.backbone.init_cfg.type == 'Pretrained' and smoke.model.backbone.init_cfg is None
    assert smoke.image_size[0] < full.image_size[0]
