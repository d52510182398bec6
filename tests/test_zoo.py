"""The course hub: every entry is verified, and configs reach checkpoints only through it."""
from pathlib import Path

import pytest

import course_lib  # noqa: F401  (registers the hub)
import course_lib.__main__
from course_lib import zoo
from course_lib.configs import load_config
from course_lib.fetch import HUB


def test_every_hub_entry_has_a_verification():
    assert zoo.unverified_entries() == []
    for name, remote in HUB.items():
        if remote.file_kind == 'pth':  # checkpoints: OpenMMLab's sha256 prefix in the name
            assert remote.sha256_prefix or remote.sha256, name


def test_data_set_entries_have_manual_steps_and_ucf101_flags_its_tls_chain():
    for name in ('ucf101_splits', 'ucf101_videos', 'hmdb51_splits', 'hmdb51_videos',
                 'anet_features_csv_mean_100'):
        assert HUB[name].manual, name
    assert HUB['ucf101_videos'].tls_chain_broken and not HUB['hmdb51_videos'].tls_chain_broken


def test_the_ava_demo_checkpoint_is_the_1x_file_of_its_metafile():
    import importlib.util
    metafile = (Path(importlib.util.find_spec('mmaction').origin).parent / '.mim' / 'configs' /
                'detection' / 'slowonly' / 'metafile.yml').read_text()
    assert HUB['ava_slowonly_r101'].url in metafile


@pytest.mark.parametrize('config,hub,where', [
    ('x3d_s_ucf101_full', 'x3d_s_k400', 'load_from'),
    ('r2plus1d_r34_hmdb51_full', 'r2plus1d_r34_k400', 'load_from'),
    ('atss_mobilenetv2_fpn_bccd_full', 'mobilenet_v2_imagenet_mmdet', 'backbone'),
    ('slowonly_k400-pre-r50_8xb8-8x2x1-20e_jhmdb-ava_full', 'slowonly_r50_k400', 'model')])
def test_full_configs_point_at_the_verified_cache_path_not_torch_hub(config, hub, where, tmp_path,
                                                                       monkeypatch):
    monkeypatch.setenv('COURSE_CACHE_DIR', str(tmp_path / 'cache'))
    cfg = load_config(config, work_dir_=tmp_path / 'work')
    path = {'load_from': lambda: cfg.load_from,
            'backbone': lambda: cfg.model.backbone.init_cfg.checkpoint,
            'model': lambda: cfg.model.init_cfg.checkpoint}[where]()
    assert Path(path) == tmp_path / 'cache' / HUB[hub].filename
    assert 'open-mmlab://' not in cfg.pretty_text


def test_hub_path_names_the_file_and_load_config_fetches_only_what_the_final_config_names(
        tmp_path, monkeypatch):
    monkeypatch.setenv('COURSE_CACHE_DIR', str(tmp_path))
    monkeypatch.setenv('COURSE_PROFILE', 'full')
    assert zoo.hub_path('x3d_s_k400') == str(tmp_path / HUB['x3d_s_k400'].filename)
    assert list(tmp_path.iterdir()) == []  # naming a file fetches nothing
    calls = []
    monkeypatch.setattr(zoo, 'download', lambda name: calls.append(name) or tmp_path / 'x.pth')
    # the X3D detector inherits the SlowOnly detector, whose K400 SlowOnly it replaces: only X3D-S is fetched
    load_config('x3d_s_k400-pre_8xb8-8x2x1-20e_jhmdb-ava_full', work_dir_=tmp_path / 'work')
    assert calls == ['x3d_s_k400']
    monkeypatch.setenv('COURSE_PROFILE', 'smoke')
    calls.clear()
    load_config('x3d_s_k400-pre_8xb8-8x2x1-20e_jhmdb-ava_full', work_dir_=tmp_path / 'work')
    assert calls == []  # smoke: nothing fetched
    with pytest.raises(KeyError, match='not in the course hub'):
        zoo.hub_path('no_such_model')


def test_every_hub_entry_is_fetched_by_a_lesson_or_says_who_fetches_it():
    listed = {n for names in zoo.LESSON_FILES.values() for n in names}
    assert set(HUB) == listed | set(zoo.NOT_IN_A_LESSON) and not listed & set(zoo.NOT_IN_A_LESSON)
    assert set(zoo.LESSON_FILES['08']) >= set(zoo.LESSON_FILES['03']) | set(zoo.LESSON_FILES['07'])


@pytest.mark.parametrize('lesson, role', [('03', 'recognizer'), ('06', 'detector'), ('07', 'detector'),
                                          ('07', 'detector-x3d')])
def test_each_lessons_list_holds_the_checkpoints_its_full_configs_name(lesson, role, monkeypatch):
    from course_lib.configs import for_lesson
    monkeypatch.setenv('COURSE_PROFILE', 'smoke')  # the names only, nothing fetched
    cfg = load_config(for_lesson(lesson, role, 'full'))
    monkeypatch.setenv('COURSE_PROFILE', 'full')
    assert set(zoo.hub_files_in(cfg)) <= set(zoo.LESSON_FILES[lesson])


def test_zoo_lists_sizes_from_the_host_and_fetches_a_lesson_from_the_loopback_mirror(
        tmp_path, monkeypatch, capsys):
    from course_lib.tooling import check_data, fixtures, loopback
    monkeypatch.setenv('COURSE_CACHE_DIR', str(tmp_path / 'cache'))
    served, staging = tmp_path / 'served', tmp_path / 'staging'
    served.mkdir()
    staging.mkdir()
    files = fixtures.activitynet(staging)
    check_data.place(files, served)
    sizes = {name: (served / (HUB[name].filename if name == 'anet_features_csv_mean_100' else
                              loopback.served_path(HUB[name]).lstrip('/'))).stat().st_size
             for name in files}
    with loopback.loopback_server(served, drive_file='csv_mean_100.zip') as base, \
            loopback.redirected_hub(base):
        assert course_lib.__main__.main(['zoo', '--list', '--lesson', '4']) == 0
        listed = capsys.readouterr().out
        assert 'lesson 04' in listed and listed.count('to fetch') == 3
        assert f'{sizes["anet_anno_action"] / 1000:.1f} kB' in listed  # what the host said (HEAD)
        assert f'{sizes["anet_video_info"]} B' in listed
        assert '>= 104.9 MB' in listed  # Google Drive answers HEAD with a page: the hub's floor
        assert course_lib.__main__.main(['zoo', 'fetch', '--lesson', '04']) == 1  # below the floors
        assert 'FAIL  anet_anno_action' in capsys.readouterr().out
        with loopback.dl.accept_fixtures():
            assert course_lib.__main__.main(['zoo', 'fetch', '--lesson', '04']) == 0
        assert {p.name for p in (tmp_path / 'cache').iterdir() if p.suffix != '.sha256'} == {
            HUB[n].filename for n in files}
        assert course_lib.__main__.main(['zoo', '--list', '--lesson', '04', '--no-sizes']) == 0
        assert capsys.readouterr().out.count('in the cache') == 3
    with pytest.raises(course_lib.errors.InputError, match='00 to 08'):
        zoo.main(['--list', '--lesson', '12'])


def test_an_unreachable_host_lists_the_floor_or_says_the_size_is_unknown(monkeypatch):
    monkeypatch.setattr(zoo, 'remote_size', lambda name, timeout=10: None)
    assert zoo.size_text('hmdb51_videos') == '>= 1.0 GB'  # its floor: 1000 MiB
    assert zoo.size_text('x3d_s_k400') == 'size unknown'  # no floor: checked by its sha256 prefix
    monkeypatch.setattr(zoo, 'remote_size', lambda name, timeout=10: 2_000_000_000)
    assert zoo.size_text('hmdb51_videos') == '2.0 GB'
