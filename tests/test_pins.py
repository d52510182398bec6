"""The pins agree everywhere: requirements, environment.yml, the lock, and what is installed."""
import importlib.metadata
import re
from pathlib import Path

import yaml

from course_lib.machine import PACKAGES
from course_lib.settings import verified, write_stamp

ROOT = Path(__file__).resolve().parents[1]
PIN = re.compile(r'^([A-Za-z0-9_.\-]+)==([^\s;#]+)')


def pins(lines) -> dict[str, str]:
    out = {}
    for line in lines:
        match = PIN.match(line.strip())
        if match:
            out[match.group(1).lower().replace('_', '-')] = match.group(2)
    return out


def requirement_pins() -> dict[str, str]:
    out = {}
    for name in ('torch.txt', 'course.txt'):
        out.update(pins((ROOT / 'requirements' / name).read_text().splitlines()))
    out['mmcv'] = '2.1.0'  # built from source by scripts/setup.sh
    return out


def test_environment_yml_agrees_with_requirements():
    env = yaml.safe_load((ROOT / 'environment.yml').read_text())
    pip_section = next(d['pip'] for d in env['dependencies'] if isinstance(d, dict))
    assert 'python=3.11' in env['dependencies']
    wanted = requirement_pins()
    del wanted['mmcv']  # built with ops after the env is created (see environment.yml's header)
    assert pins(pip_section) == wanted


def test_lock_agrees_with_requirements():
    lock = pins((ROOT / 'requirements' / 'lock.txt').read_text().splitlines())
    for name, version in requirement_pins().items():
        assert lock[name].split('+')[0] == version, name


def test_installed_versions_are_the_pinned_ones():
    wanted = requirement_pins()
    for name, version in wanted.items():
        installed = importlib.metadata.version(name).split('+')[0]
        assert installed == version, f'{name}: installed {installed}, pinned {version}'


def test_a_new_stamp_records_the_pinned_versions(tmp_path):
    write_stamp('the test', tmp_path / 'verified.json')
    stamp = __import__('json').loads((tmp_path / 'verified.json').read_text())
    wanted = requirement_pins()
    assert set(stamp['versions']) == {'python', *PACKAGES} and stamp['command'] == 'the test'
    for name in PACKAGES:
        assert stamp['versions'][name].split('+')[0] == wanted[name], name


def test_the_recorded_stamp_if_any_is_of_the_pinned_versions():
    recorded = verified().get('versions', {})  # `make stamp` writes it after every check passed
    wanted = requirement_pins()
    for name in set(recorded) & set(PACKAGES):
        assert recorded[name].split('+')[0] == wanted[name], name
