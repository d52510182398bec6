"""Every code line of README.md, CONTRIBUTING.md and docs/*.md runs, or its command exists.

Python blocks are executed; inline Python calls on `course_lib` / `cl` with literal arguments are
evaluated as a user would type them after `import course_lib as cl`, and those with placeholders
(`cl.check('NN.k', answer)`) must name something that exists; shell commands (full-profile and
long steps) must exist: `make X` is a target of the Makefile, a `python` / `torchrun` command's
`--help` runs.
"""
from __future__ import annotations

import contextlib
import importlib
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.docs_examples import code_blocks, help_argv, make_targets, python_expressions, shell_commands

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / 'README.md', ROOT / 'CONTRIBUTING.md', *sorted((ROOT / 'docs').rglob('*.md'))]
ROOTS = ('course_lib', 'cl')
# a page's placeholder path -> the file it stands for (the package's demo.py is a copy of this one)
PLACEHOLDERS = {'DIR/demo.py': 'course_lib/standalone_demo.py'}
NOT_COURSE = {'pip'}  # commands of other tools: not the course's to check


def _id(item) -> str:
    return f'{item.path.name}:{item.line}'


BLOCKS = [b for page in PAGES for b in code_blocks(page, ('python', 'py'))]
EXPRESSIONS = [e for page in PAGES for e in python_expressions(page, ROOTS)]
COMMANDS = [c for page in PAGES for c in shell_commands(page)]


def test_pages_show_code():
    assert BLOCKS and EXPRESSIONS and COMMANDS  # the parser found what the pages hold


@pytest.mark.parametrize('block', BLOCKS, ids=_id)
def test_python_block_runs(block):
    exec(compile(block.text, f'{block.path.name}:{block.line}', 'exec'), {'__name__': '__doc__'})


@pytest.mark.parametrize('expr', EXPRESSIONS, ids=lambda e: f'{_id(e)}:{e.text}')
def test_inline_python_runs_or_exists(expr):
    import course_lib
    namespace = {'course_lib': course_lib, 'cl': course_lib}
    dotted = expr.dotted.replace('cl.', 'course_lib.', 1) if expr.dotted.startswith('cl.') else expr.dotted
    for cut in range(2, dotted.count('.') + 1):  # the page's modules, imported as a reader would first
        with contextlib.suppress(ImportError):
            importlib.import_module('.'.join(dotted.split('.')[:cut]))
    if expr.runnable:
        eval(expr.text, namespace)  # as the page writes it
    elif '(' in expr.text:
        assert callable(eval(expr.dotted, namespace)), expr.text  # a call with placeholders
    else:  # a module or a name the page refers to
        parts = expr.dotted.replace('cl.', 'course_lib.', 1).split('.') if expr.dotted.startswith('cl.') \
            else expr.dotted.split('.')
        for cut in range(len(parts), 0, -1):
            try:
                obj = importlib.import_module('.'.join(parts[:cut]))
            except ImportError:
                continue
            for name in parts[cut:]:
                obj = getattr(obj, name)
            break
        else:
            pytest.fail(f'{expr.text}: no such module')


def _help_commands() -> list:
    unique = {}
    for command in COMMANDS:
        argv = help_argv(command, sys.executable)
        if argv:
            argv = [PLACEHOLDERS.get(w, w) for w in argv]
            unique.setdefault(tuple(argv), command)
    return sorted(unique.items())


@pytest.fixture(scope='module')
def help_runs() -> dict:
    """Every documented command's `--help`, three at a time: each process imports the stack (about 5 s
    alone), and their imports overlap on two cores."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))

    def run(argv):
        return subprocess.run(list(argv), cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    with ThreadPoolExecutor(max_workers=3) as pool:
        futures = {argv: pool.submit(run, argv) for argv, _ in _help_commands()}
    return {argv: future.result() for argv, future in futures.items()}


@pytest.mark.parametrize('argv,command', _help_commands(), ids=lambda x: ' '.join(x[1:3]) if isinstance(x, tuple) else '')
def test_python_command_exists(argv, command, help_runs):
    proc = help_runs[argv]
    assert proc.returncode == 0 and 'usage' in proc.stdout.lower(), \
        f'{_id(command)}: `{command.text}`: {" ".join(argv[1:])} failed:\n{proc.stderr[-800:]}'


def test_make_commands_are_targets():
    targets = make_targets(ROOT / 'Makefile')
    missing = [f'{_id(c)}: {c.text}' for c in COMMANDS if c.program == 'make'
               and not set(w for w in c.argv[1:] if not w.startswith('-')) <= targets]
    assert not missing


def test_every_command_is_checked():
    known = {'make', 'torchrun', *NOT_COURSE}
    unchecked = [f'{_id(c)}: {c.text}' for c in COMMANDS
                 if c.program not in known and not c.program.startswith('python')]
    assert not unchecked


def test_parser_reads_blocks_commands_and_calls(tmp_path):
    page = tmp_path / 'page.md'
    page.write_text('Run `python -m pkg.tool --list` or `X=1 make lab`; call `cl.f(1)` or `cl.g(name)`.\n\n'
                    '```bash\nmake setup  # first\n.venv/bin/python a.py \\\n  --flag\n```\n\n'
                    '```python\nx = 1\n```\n')
    assert [(b.lang, b.text) for b in code_blocks(page)] == [
        ('bash', 'make setup  # first\n.venv/bin/python a.py \\\n  --flag\n'), ('python', 'x = 1\n')]
    commands = shell_commands(page)
    assert [c.argv for c in commands] == [('make', 'setup'), ('.venv/bin/python', 'a.py', '--flag'),
                                          ('python', '-m', 'pkg.tool', '--list'), ('make', 'lab')]
    assert commands[3].env == (('X', '1'),)
    assert help_argv(commands[1], 'py') == ['py', 'a.py', '--help']
    assert help_argv(commands[2], 'py') == ['py', '-m', 'pkg.tool', '--help']
    assert [(e.dotted, e.runnable) for e in python_expressions(page, ('cl',))] == [('cl.f', True), ('cl.g', False)]
