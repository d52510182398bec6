"""The code a markdown page shows, as data a test can run: fenced blocks, shell commands, Python calls.

Independent of the course (standard library only), so any page's test can use it:

    from tests.docs_examples import code_blocks, shell_commands, python_expressions, help_argv
    for block in code_blocks('README.md', langs=('python',)): exec(block.text, {})
    for cmd in shell_commands('README.md'): subprocess.run(help_argv(cmd), ...)   # the command exists

* `code_blocks(path)`: every fenced block (```lang ... ```), with its language, info string and line;
* `shell_commands(path)`: each command of the shell blocks (bash, sh, shell, console; comments and
  `$ ` prompts removed, `\\` continuations joined) and each inline code span that starts like a command
  (`python ...`, `make ...`, `.venv/bin/python ...`, `torchrun ...`, with optional `VAR=value` first);
* `python_expressions(path, roots)`: inline code spans that are Python expressions on a module name
  (`course_lib.settings.device()`, `cl.check('NN.k', answer)`), with `runnable` True when every
  argument is a literal (not a placeholder such as `name`, `answer` or `...`);
* `help_argv(cmd, python)`: the command line that shows a command exists without doing its work
  (`python -m mod --help`, `python script.py --help`); `make_targets(makefile)`: the targets a
  Makefile defines (for `make X`).
"""
from __future__ import annotations

import ast
import re
import shlex
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

SHELL_LANGS = ('bash', 'sh', 'shell', 'console', 'zsh')
COMMAND_WORDS = ('python', 'python3', 'make', 'torchrun', 'pip', 'jupyter')
_FENCE = re.compile(r'^(?P<indent>\s*)(?P<fence>`{3,}|~{3,})(?P<info>[^`]*)$')
_SPAN = re.compile(r'(?<!`)`([^`\n]+)`(?!`)')
_ASSIGN = re.compile(r'^[A-Z_][A-Z0-9_]*=\S*$')


@dataclass(frozen=True)
class Block:
    """A fenced code block: its language (first word of the info string), the info, text and line."""

    path: Path
    line: int  # 1-based line of the opening fence
    lang: str
    info: str
    text: str


@dataclass(frozen=True)
class Command:
    """One shell command shown on a page: its text, where, the environment it sets, its words."""

    path: Path
    line: int
    text: str
    env: tuple[tuple[str, str], ...]  # leading VAR=value assignments
    argv: tuple[str, ...]  # the words after them

    @property
    def program(self) -> str:
        """The command's first word without its folder (`.venv/bin/python` -> `python`)."""
        return Path(self.argv[0]).name if self.argv else ''


@dataclass(frozen=True)
class Expression:
    """An inline Python expression on a module name (`course_lib.settings.device()`)."""

    path: Path
    line: int
    text: str
    dotted: str  # the name it uses (`course_lib.settings.device`)
    runnable: bool  # every argument is a literal, so the page's text can be run as it is


def _lines(path: str | Path) -> list[str]:
    return Path(path).read_text(encoding='utf-8').splitlines()


def code_blocks(path: str | Path, langs: Iterable[str] | None = None) -> list[Block]:
    """Every fenced code block of a markdown file (only those of `langs` if given)."""
    path, blocks, open_ = Path(path), [], None
    wanted = {lang.lower() for lang in langs} if langs is not None else None
    for number, line in enumerate(_lines(path), start=1):
        match = _FENCE.match(line)
        if open_ is None:
            if match:
                info = match['info'].strip()
                open_ = (number, match['fence'], info, len(match['indent']), [])
            continue
        start, fence, info, indent, body = open_
        if match and match['fence'].startswith(fence[0]) and len(match['fence']) >= len(fence) \
                and not match['info'].strip():
            lang = (info.split() or [''])[0].lower()
            if wanted is None or lang in wanted:
                blocks.append(Block(path, start, lang, info, '\n'.join(body) + '\n'))
            open_ = None
            continue
        body.append(line[indent:] if line[:indent].strip() == '' else line)
    return blocks


def _outside_blocks(path: Path) -> Iterable[tuple[int, str]]:
    """The lines of a page that are not inside a fenced block."""
    inside = False
    for number, line in enumerate(_lines(path), start=1):
        if _FENCE.match(line):
            inside = not inside
            continue
        if not inside:
            yield number, line


def _command(path: Path, line: int, text: str) -> Command | None:
    text = text.strip()
    if text.startswith('$ '):
        text = text[2:]
    try:
        words = shlex.split(text, comments=True)
    except ValueError:
        return None
    env = []
    while words and _ASSIGN.match(words[0]):
        name, value = words.pop(0).split('=', 1)
        env.append((name, value))
    if not words:
        return None
    return Command(path, line, text.split(' #')[0].strip(), tuple(env), tuple(words))


def shell_commands(path: str | Path) -> list[Command]:
    """Each command of a page's shell blocks and each inline code span that starts like a command."""
    path, commands = Path(path), []
    for block in code_blocks(path, SHELL_LANGS):
        pending, first = '', block.line + 1
        for offset, raw in enumerate(block.text.splitlines()):
            if not pending:
                first = block.line + 1 + offset
            line = raw.rstrip()
            if line.endswith('\\'):
                pending += line[:-1] + ' '
                continue
            command = _command(path, first, pending + line)
            pending = ''
            if command:
                commands.append(command)
    for number, line in _outside_blocks(path):
        for span in _SPAN.findall(line):
            words = span.split()
            while words and _ASSIGN.match(words[0]):
                words.pop(0)
            if words and Path(words[0]).name in COMMAND_WORDS and len(words) > 1:
                command = _command(path, number, span)
                if command:
                    commands.append(command)
    return commands


def _literal(node: ast.AST) -> bool:
    if isinstance(node, ast.Constant):
        return node.value is not Ellipsis
    try:
        ast.literal_eval(node)
    except ValueError:
        return False
    return '...' not in ast.unparse(node)


def _dotted(node: ast.AST) -> str | None:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        return '.'.join([node.id, *reversed(parts)])
    return None


def python_expressions(path: str | Path, roots: Iterable[str]) -> list[Expression]:
    """Inline code spans that are Python expressions on one of `roots` (a name or a call of one)."""
    path, roots, found = Path(path), tuple(roots), []
    for number, line in _outside_blocks(path):
        for span in _SPAN.findall(line):
            try:
                tree = ast.parse(span.strip(), mode='eval').body
            except SyntaxError:
                continue
            call = tree if isinstance(tree, ast.Call) else None
            dotted = _dotted(call.func if call else tree)
            if not dotted or dotted.split('.')[0] not in roots:
                continue
            runnable = call is not None and all(_literal(a) for a in call.args) \
                and all(_literal(k.value) for k in call.keywords)
            found.append(Expression(path, number, span.strip(), dotted, runnable))
    return found


def help_argv(command: Command, python: str = 'python') -> list[str] | None:
    """The command line showing that a `python` / `torchrun` command exists (its `--help`), else None.

    `python -m mod ...` -> `python -m mod --help`; `python script.py ...` -> `python script.py --help`;
    `torchrun ... -m mod ...` -> `python -m mod --help` (the module torchrun would start).
    """
    argv = list(command.argv)
    if command.program.startswith('python'):
        rest = argv[1:]
    elif command.program == 'torchrun':
        rest = [w for w in argv[1:] if not w.startswith('--')]
    else:
        return None
    if '-m' in rest:
        i = rest.index('-m')
        if i + 1 < len(rest):
            return [python, '-m', rest[i + 1], '--help']
        return None
    script = next((w for w in rest if w.endswith('.py')), None)
    return [python, script, '--help'] if script else None


def make_targets(makefile: str | Path) -> set[str]:
    """The targets a Makefile defines (`name:` at the start of a line)."""
    targets = set()
    for line in _lines(makefile):
        match = re.match(r'^([A-Za-z0-9_.-]+(?:\s+[A-Za-z0-9_.-]+)*)\s*:(?!=)', line)
        if match:
            targets.update(match[1].split())
    return targets


__all__ = ['Block', 'Command', 'Expression', 'code_blocks', 'help_argv', 'make_targets',
           'python_expressions', 'shell_commands']
