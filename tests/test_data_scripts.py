"""Every data script is a CLI with --help that explains itself (usage lines from its docstring)."""
import importlib.util
from pathlib import Path

import pytest

SCRIPTS = sorted((Path(__file__).resolve().parents[1] / 'data_scripts').glob('*.py'))


@pytest.mark.parametrize('path', SCRIPTS, ids=lambda p: p.name)
def test_help_shows_the_usage_and_exits_cleanly(path, capsys):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    with pytest.raises(SystemExit) as done:
        module.main(['--help'])
    out = capsys.readouterr().out
    assert done.value.code == 0
    assert module.__doc__.strip().splitlines()[0] in out
    assert f'python data_scripts/{path.name}' in module.__doc__, 'docstring: show a command line'
