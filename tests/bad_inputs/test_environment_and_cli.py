"""Environment variables with unusable values get the right fix (not `make setup`), even for --help;
scripts print one message and exit non-zero without a traceback; the doctor stays offline unless asked."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from course_lib import doctor, validate
from course_lib.errors import EnvironmentVariableError, InputError, run_cli
from course_lib.settings import ProfileError, cache_dir, data_dir, profile

ROOT = Path(__file__).resolve().parents[2]
NOT_WRITABLE = '/proc/course_data'  # cannot be created, even by root (chmod does not stop root)


@pytest.mark.parametrize('value, words', [
    (__file__, ['is a file, not a folder']),
    (NOT_WRITABLE, ['cannot']),
])
def test_data_dir_that_cannot_be_used(monkeypatch, value, words):
    monkeypatch.setenv('COURSE_DATA_DIR', value)
    with pytest.raises(EnvironmentVariableError) as err:
        data_dir()
    text = str(err.value)
    assert f'COURSE_DATA_DIR={value}' in text and 'export COURSE_DATA_DIR=' in text
    assert all(w in text for w in words) and 'make setup' not in text
    assert err.value.__cause__ is not None


def test_cache_dir_that_is_a_file(monkeypatch):
    monkeypatch.setenv('COURSE_CACHE_DIR', __file__)
    with pytest.raises(EnvironmentVariableError, match='COURSE_CACHE_DIR=.*is a file'):
        cache_dir()


@pytest.mark.parametrize('value', ['fast', 'Full profile', 'gpu'])
def test_unknown_profile(monkeypatch, value):
    monkeypatch.setenv('COURSE_PROFILE', value)
    with pytest.raises(ProfileError, match='export COURSE_PROFILE=smoke'):
        profile()
    assert validate.environment()[0][0] == 'COURSE_PROFILE'


def _start(args: list[str], **env) -> subprocess.Popen:
    """Start a course command as a learner does (its result: _finish); several may run at once."""
    return subprocess.Popen([sys.executable, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, cwd=ROOT, env=dict(os.environ, PYTHONPATH=str(ROOT), **env))


def _finish(process: subprocess.Popen) -> subprocess.CompletedProcess:
    try:
        out, err = process.communicate(timeout=300)
    except subprocess.TimeoutExpired:
        process.kill()
        raise
    return subprocess.CompletedProcess(process.args, process.returncode, out, err)


@pytest.mark.parametrize('script', ['generate_blood_cells', 'prepare_bccd', 'generate_motion_clips'])
def test_help_works_with_an_unusable_data_dir(script, monkeypatch, capsys):
    import importlib.util
    monkeypatch.setenv('COURSE_DATA_DIR', __file__)
    spec = importlib.util.spec_from_file_location(script, ROOT / 'data_scripts' / f'{script}.py')
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    with pytest.raises(SystemExit) as done:
        module.main(['--help'])
    assert done.value.code == 0 and 'usage:' in capsys.readouterr().out


def test_a_script_prints_one_message_and_exits_1_without_traceback():
    # both interpreters start at once: each spends most of its time importing the course
    plain = _start(['data_scripts/generate_ava_actions.py', '--train-videos', '1'], COURSE_DATA_DIR=__file__)
    debug = _start(['data_scripts/generate_ava_actions.py', '--debug'], COURSE_DATA_DIR=__file__)
    done, debug = _finish(plain), _finish(debug)
    assert done.returncode == 1
    assert 'Traceback' not in done.stderr
    assert done.stderr.startswith(f'error: COURSE_DATA_DIR={__file__}: cannot use it')
    assert '--debug' in done.stderr
    assert debug.returncode == 1 and 'Traceback' in debug.stderr  # --debug shows it


def test_train_cli_refuses_a_bad_profile_and_an_unknown_key_in_one_line(monkeypatch, capsys):
    from course_lib import train
    monkeypatch.setenv('COURSE_PROFILE', 'fast')
    assert run_cli(train.main, ['r2plus1d_r18_motion_smoke']) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: COURSE_PROFILE='fast' is not a profile") and 'Traceback' not in err
    monkeypatch.setenv('COURSE_PROFILE', 'smoke')
    assert run_cli(train.main, ['r2plus1d_r18_motion_smoke', '--cfg-options',
                                'model.cls_head.num_classes.x=1']) == 1
    assert 'model.cls_head.num_classes is a value' in capsys.readouterr().err
    assert run_cli(train.main, ['no_such_config']) == 1
    assert "No config 'no_such_config'" in capsys.readouterr().err


def test_run_cli_in_process(capsys):
    def main(argv):
        raise InputError(f'bad value {argv}: use 3')
    assert run_cli(main, ['x']) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: bad value ['x']: use 3") and 'Traceback' not in err
    with pytest.raises(InputError):
        run_cli(main, ['x', '--debug'])

    def library(argv):
        import json
        json.loads('{')  # an error raised inside a library, not by the course
    assert run_cli(library, []) == 1
    assert 'comes from a library' in capsys.readouterr().err
    assert run_cli(lambda argv: 0, []) == 0


@pytest.mark.parametrize('env, row, words', [
    ({'COURSE_PROFILE': 'fast'}, 'environment variables', ['COURSE_PROFILE=\'fast\'', 'export COURSE_PROFILE=smoke']),
    ({'COURSE_DATA_DIR': __file__}, 'environment variables', ['is a file', 'export COURSE_DATA_DIR']),
    ({'COURSE_DATA_DIR': __file__}, 'data dir writable', ['export COURSE_DATA_DIR']),
])
def test_doctor_gives_the_environment_fix_not_make_setup(monkeypatch, env, row, words):
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    report = doctor.run_checks()
    check = next(c for c in report.checks if c.name == row)
    assert check.status == 'FAIL' and all(w in check.detail + check.fix for w in words)
    assert 'make setup' not in check.fix
    network = next(c for c in report.checks if c.name.startswith('network'))
    assert 'COURSE_PROFILE' not in network.detail + network.fix  # not under the network row


def test_doctor_opens_no_connection_unless_asked(monkeypatch):
    calls = []

    def spy(address, *args, **kwargs):
        calls.append(address)
        raise OSError('offline (test)')
    monkeypatch.setattr(socket, 'create_connection', spy)
    monkeypatch.setenv('COURSE_PROFILE', 'smoke')
    report = doctor.run_checks()
    assert calls == []
    assert next(c for c in report.checks if c.name.startswith('network')).status == 'SKIP'
    report = doctor.run_checks(network=True)
    assert calls == [('download.openmmlab.com', 443)]
    assert next(c for c in report.checks if c.name.startswith('network')).status == 'WARN'
    monkeypatch.setenv('COURSE_PROFILE', 'full')  # the full profile needs it: checked by default
    doctor.run_checks()
    assert len(calls) == 2
