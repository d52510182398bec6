"""scripts/compare_configs.py: finds every changed key of a resolved config, and a real config is equal to itself."""
import importlib.util
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[1] / 'scripts' / 'compare_configs.py'
spec = importlib.util.spec_from_file_location('compare_configs', SCRIPT)
compare_configs = importlib.util.module_from_spec(spec)
spec.loader.exec_module(compare_configs)


def test_differences_names_each_changed_key():
    old = {'model': {'depth': 18, 'sizes': (1, 2)}, 'hooks': [{'type': 'A'}], 'lr': 0.1}
    new = {'model': {'depth': 34, 'sizes': [1, 2]}, 'hooks': [{'type': 'B'}], 'extra': None, 'lr': 0.1}
    assert compare_configs.differences(old, new) == [
        'extra: added None', "hooks[0].type: 'A' -> 'B'", 'model.depth: 18 -> 34',
        'model.sizes: (1, 2) -> [1, 2]']
    assert compare_configs.differences(old, old) == []


def test_ignored_keys_are_skipped_at_every_depth():
    from course_lib.configs import differences
    old = {'model': {'_scope_': None, 'depth': 18}, 'hooks': [{'type': 'A'}]}
    new = {'model': {'_scope_': 'mmaction', 'depth': 34}, 'hooks': [{'type': 'A', '_scope_': 'mmaction'}]}
    assert differences(old, new, ignore=('_scope_',)) == ['model.depth: 18 -> 34']
    assert len(differences(old, new)) == 3  # without ignore: the two scopes too


def test_dump_then_compare_finds_no_difference_and_then_one(tmp_path, capsys):
    assert compare_configs.main(['dump', str(tmp_path)]) == 0
    assert compare_configs.main(['compare', str(tmp_path)]) == 0
    (tmp_path / 'not_a_config_smoke.pkl').write_bytes(b'')
    assert compare_configs.main(['compare', str(tmp_path)]) == 1
    assert 'not_a_config_smoke: only before' in capsys.readouterr().out
