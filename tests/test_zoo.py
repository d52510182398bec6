"""The course hub: every entry is verified, and configs reach checkpoints only through it."""
from pathlib import Path

import pytest

import course_lib  # noqa: F401  (registers the hub)
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
