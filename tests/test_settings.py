"""COURSE_PROFILE and COURSE_DATA_DIR are read in one place, validated, and shown in the banner."""
import pytest

from course_lib import settings as p


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


def test_banner_shows_what_was_verified_when_and_what_differs_now():
    stamp = {'date': '2026-01-02', 'command': 'make stamp', 'versions': {'torch': '2.13.0', 'mmcv': '2.1.0'}}
    same = p.verification_lines(stamp, {'torch': '2.13.0', 'mmcv': '2.1.0'})
    assert same == ['Verified on 2026-01-02 by `make stamp` with torch 2.13.0, mmcv 2.1.0.',
                    'Installed now: the same versions.']
    other = p.verification_lines(stamp, {'torch': '2.14.0', 'mmcv': '2.1.0', 'nncf': '3.0'})
    assert other[1] == ('Installed now DIFFERS from what was verified: torch 2.14.0 (verified: 2.13.0), '
                        'nncf 3.0 (not in the stamp).')
    assert p.verification_lines({}, {'torch': '2.13.0'})[0].startswith('Not verified yet (no stamp: run `make stamp`)')


def test_the_banner_reads_the_recorded_stamp_not_the_installed_versions(monkeypatch, tmp_path):
    monkeypatch.setattr(p, 'STAMP', tmp_path / 'verified.json')
    p.write_stamp('make stamp')
    recorded = p.verified()
    assert recorded['command'] == 'make stamp' and recorded['versions'] == p.versions(p.PACKAGES)
    recorded['date'], recorded['versions']['torch'] = '2026-01-02', '0.0.1'
    (tmp_path / 'verified.json').write_text(__import__('json').dumps(recorded))
    text = str(p.banner('Lesson 04'))
    assert 'Verified on 2026-01-02 by `make stamp` with python' in text and 'torch 0.0.1' in text
    assert f'DIFFERS from what was verified: torch {p.versions()["torch"]} (verified: 0.0.1)' in text
    html = p.banner('Lesson 04')._repr_html_()
    assert html.startswith('<div') and 'torch 0.0.1' in html


@pytest.mark.parametrize('before', [None, 'full'])
def test_temporary_environment_restores_set_and_unset_values(monkeypatch, before):
    if before is None:
        monkeypatch.delenv('COURSE_PROFILE', raising=False)
    else:
        monkeypatch.setenv('COURSE_PROFILE', before)
    monkeypatch.setenv('COURSE_CACHE_DIR', '/x')
    with pytest.raises(RuntimeError):
        with p.temporary_environment(COURSE_PROFILE='smoke', COURSE_CACHE_DIR=None):
            assert p.setting('COURSE_PROFILE') == 'smoke' and p.setting('COURSE_CACHE_DIR') is None
            raise RuntimeError('the block fails: the environment is restored anyway')
    assert p.setting('COURSE_PROFILE') == before  # unset stays unset
    assert p.setting('COURSE_CACHE_DIR') == '/x'


def test_the_dry_run_profile_switch_leaves_an_unset_profile_unset(monkeypatch):
    from course_lib.tooling.dry_run import full_profile_smoke_view
    monkeypatch.delenv('COURSE_PROFILE', raising=False)
    with full_profile_smoke_view():
        assert p.profile() == 'smoke'
    assert p.setting('COURSE_PROFILE') is None


@pytest.mark.parametrize('profile', p.PROFILES)
@pytest.mark.parametrize('stamp', [{}, {'date': '2026-01-02', 'command': 'make stamp', 'versions': {'torch': '0.0.1'}}])
def test_every_lesson_banner_renders_its_code_spans_as_html(monkeypatch, tmp_path, profile, stamp):
    import ast
    import json

    from course_lib.lessons import LESSONS
    from tests.test_lesson_times import banner_call
    monkeypatch.setenv('COURSE_PROFILE', profile)
    monkeypatch.setattr(p, 'STAMP', tmp_path / 'verified.json')
    (tmp_path / 'verified.json').write_text(json.dumps(stamp))
    for lesson in LESSONS:
        call = banner_call(lesson.notebook)
        args = [ast.literal_eval(a) for a in call.args]
        kwargs = {k.arg: ast.literal_eval(k.value) for k in call.keywords}
        banner = p.banner(*args, **kwargs)
        html = banner._repr_html_()
        assert '`' in str(banner), 'the plain text keeps its Markdown'
        assert '`' not in html, f'lesson {lesson.number}: a Markdown backtick reached the HTML: {html}'
        assert '<code>COURSE_PROFILE=full make lab</code>' in html


def test_code_to_html_escapes_and_never_leaves_a_backtick():
    assert p.code_to_html('run `a<b` now') == 'run <code>a&lt;b</code> now'
    assert p.code_to_html('a lone ` here') == "a lone &#x27; here"
