"""The full profile's dry run fails when it should: a checkpoint of another architecture, a data
layout that drifted, an exhausted source list. (`make check-full` runs the whole dry run.)"""
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

import course_lib  # noqa: F401
from course_lib.configs import config_path
from course_lib.tooling import check_data, checkfull, fixtures, loopback

X3D = 'x3d_s_ucf101_full'


def test_a_checkpoint_that_fits_passes_after_verification_refused_the_fake(tmp_path):
    [result] = checkfull.run([X3D], tmp_path, stages=('checkpoint',))
    assert result.ok, result.detail
    assert 'verification refused the fake' in result.detail and 'keys match' in result.detail


def test_a_config_whose_model_no_longer_fits_its_checkpoint_fails(tmp_path, monkeypatch):
    broken = tmp_path / 'x3d_wider_full.py'  # the full config with a wider backbone
    broken.write_text(f"_base_ = '{config_path(X3D)}'\nmodel = dict(backbone=dict(gamma_w=2))\n")
    monkeypatch.setitem(checkfull.START, str(broken), checkfull.START[X3D])
    monkeypatch.setitem(checkfull.DATA, str(broken), checkfull.DATA[X3D])
    [result] = checkfull.run([str(broken)], tmp_path / 'run', stages=('checkpoint',))
    assert not result.ok and 'CheckpointMismatchError' in result.detail
    assert 'of another shape' in result.detail


def test_the_ucf101_layout_prepares_and_a_drifted_one_fails(tmp_path, monkeypatch):
    [good] = checkfull.run([X3D], tmp_path / 'good', stages=('data',))
    assert good.ok, good.detail
    real = fixtures.ucf101

    def drifted(served):  # the split files one folder deeper than in the official zip
        files = real(served)
        import zipfile
        with zipfile.ZipFile(files['ucf101_splits']) as z:
            members = {f'extra/{n}': z.read(n) for n in z.namelist()}
        files['ucf101_splits'].write_bytes(fixtures._zip({
            n.replace('classInd', 'class_index'): d for n, d in members.items()}))
        return files
    monkeypatch.setattr(fixtures, 'ucf101', drifted)
    [bad] = checkfull.run([X3D], tmp_path / 'bad', stages=('data',))
    assert not bad.ok and 'classInd.txt' in bad.detail


def test_an_exhausted_source_list_fails_the_dry_run(tmp_path, monkeypatch):
    real = check_data.place
    monkeypatch.setattr(check_data, 'place', lambda files, served: real(
        {k: v for k, v in files.items() if k != 'ucf101_videos'}, served))
    [result] = checkfull.run([X3D], tmp_path, stages=('data',))
    assert not result.ok and 'No source of UCF101.rar worked' in result.detail
    assert 'crcv.ucf.edu/data/UCF101.php' in result.detail  # the manual steps


def test_a_full_config_without_a_dry_run_entry_fails(tmp_path, monkeypatch):
    monkeypatch.delitem(checkfull.START, X3D)
    results = checkfull.run([X3D], tmp_path, stages=())
    assert [r.stage for r in results] == ['setup'] and not results[0].ok


def test_the_loopback_server_stops_by_itself(tmp_path):
    (tmp_path / 'a.txt').write_text('hi')
    with loopback.loopback_server(tmp_path, lifetime=0.5) as base:
        assert urllib.request.urlopen(f'{base}/a.txt', timeout=5).read() == b'hi'
        time.sleep(1.5)
        with pytest.raises(OSError):
            urllib.request.urlopen(f'{base}/a.txt', timeout=2)


def test_the_test_only_switch_is_not_reachable_from_the_course_entry_points():
    root = Path(checkfull.__file__).resolve().parents[2]
    users = sorted(str(p.relative_to(root)) for folder in ('course_lib', 'data_scripts', 'notebooks',
                                                           'scripts', 'solutions')
                   for p in (root / folder).rglob('*') if p.suffix in ('.py', '.ipynb', '.sh')
                   and 'accept_fixtures' in p.read_text())
    assert users == ['course_lib/fetch.py', 'course_lib/tooling/check_checkpoints.py',
                     'course_lib/tooling/check_data.py', 'course_lib/tooling/checkfull.py',
                     'course_lib/tooling/lesson_dry_run.py']  # entered only with the harness's ticket
