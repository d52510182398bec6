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


def _documented_commands():
    files = [*REPO.glob('course_lib/**/*.py'), *REPO.glob('data_scripts/*.py'), *REPO.glob('scripts/*.py'),
             REPO / 'README.md', REPO / 'CONTRIBUTING.md', *REPO.glob('docs/*.md'), *REPO.glob('notebooks/*.ipynb')]
    for path in files:
        for name in COMMAND.findall(path.read_text()):
            if name.upper() != name and not name.startswith('-'):  # CONFIG placeholders are upper case
                yield path.relative_to(REPO), name


def test_every_documented_train_command_names_a_real_config():
    commands = list(_documented_commands())
    assert len(commands) >= 4  # train.py's docstring alone has four
    for where, name in commands:
        configs.config_path(name)  # raises with the file's name in the test's report
