"""COURSE_PROFILE and COURSE_DATA_DIR are read in one place, validated, and shown in the banner."""
import pytest

import importlib

p = importlib.import_module("course_lib.profile")  # the package attribute `profile` is the function


def test_default_profile_is_smoke(monkeypatch):
    monkeypatch.delenv('COURSE_PROFILE', raising=False)
    assert p.profile() == 'smoke' and p.is_smoke()


def test_unknown_profile_is_a_clear_error(monkeypatch):
    monkeypatch.setenv('COURSE_PROFILE', 'fast')
    with pytest.raises(p.ProfileError, match="'fast' is not a profile"):
        p.profile()


def test_data_and_work_dirs_follow_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv('COURSE_DATA_DIR', str(tmp_path / 'd'))
    monkeypatch.setenv('COURSE_PROFILE', 'full')
    assert p.data_dir() == tmp_path / 'd'
    assert p.work_dir('bmn') == tmp_path / 'd' / 'work_dirs' / 'bmn' / 'full'
    assert p.cache_dir() == tmp_path / 'd' / 'cache'


def test_banner_names_profile_time_switch_and_versions(monkeypatch):
    monkeypatch.setenv('COURSE_PROFILE', 'smoke')
    text = str(p.banner('Lesson 04', minutes_smoke=3))
    assert 'profile: SMOKE (about 3 min on 2 CPU cores)' in text
    assert 'COURSE_PROFILE=full' in text and 'random' in text
    assert 'mmcv 2.1.0' in text and 'torch 2.13.0' in text
    assert '<div' in p.banner('Lesson 04')._repr_html_()
