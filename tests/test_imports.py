"""course_lib's modules import each other in one direction: no cycle, and no import up the layers.

The graph is read from the source (AST), so imports inside functions count as much as those at the
top of a module. The layers are CONTRIBUTING.md's list; keep the two in step.
"""
import ast
import functools
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / 'course_lib'

# Lowest first: a module may import modules of its own layer or of lower ones, never of higher ones.
# A module not listed falls under the last entry, `course_lib`: the top layer, which no lower one imports.
# Entries are the package's own subpackages and root modules only: a folder sits in one layer, whole.
LAYERS = (
    ('course_lib.compat', 'course_lib.errors', 'course_lib.validate', 'course_lib.cfg_options',
     'course_lib.settings', 'course_lib.output', 'course_lib.hardware', 'course_lib.machine', 'course_lib.dryrun',
     'course_lib.standalone_demo',  # the torch-free demo a package ships: imports nothing of the course
     'course_lib.frame_source'),  # and its video source, shipped beside it
    ('course_lib.fetch', 'course_lib.zoo', 'course_lib.configs', 'course_lib.lessons',
     'course_lib.checkpoints', 'course_lib.hooks'),
    ('course_lib.data', 'course_lib.video', 'course_lib.segments'),
    ('course_lib.metrics', 'course_lib.complexity'),
    ('course_lib.models',),
    ('course_lib.sanity', 'course_lib.train', 'course_lib.trained'),
    ('course_lib.viz',),
    ('course_lib.inference',),
    ('course_lib.export',),
    ('course_lib.jobs', 'course_lib.format_examples'),  # whole-data-set jobs; lesson 01's example files
    ('course_lib.tooling', 'course_lib.exercises', 'course_lib.doctor', 'course_lib.demo', 'course_lib.__main__',
     'course_lib'),
)
# Upward imports still to remove, each with the work that removes it (none left). Each must still exist.
PENDING: set[tuple[str, str]] = set()


def module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix('').parts)
    return '.'.join(parts[:-1] if parts[-1] == '__init__' else parts)


def modules() -> dict[str, Path]:
    """Every Python module of course_lib except the config files (mmengine reads those; the
    configs' private `_*.py` helpers are modules)."""
    return {module_name(p): p for p in PACKAGE.rglob('*.py')
            if p.parent.name != 'configs' or p.name.startswith('_')}


def _target(node: ast.ImportFrom, name: str, current: str, is_package: bool) -> str:
    if not node.level:
        base = node.module or ''
    else:
        parts = current.split('.') if is_package else current.split('.')[:-1]
        parts = parts[:len(parts) - (node.level - 1)]
        base = '.'.join(parts + ([node.module] if node.module else []))
    return f'{base}.{name}'


def _known(name: str, known: dict) -> str | None:
    while name not in known and '.' in name:
        name = name.rsplit('.', 1)[0]
    return name if name in known else None


def import_graph() -> dict[str, set[str]]:
    """Module -> the course_lib modules it imports anywhere in its code (functions included); a copy
    of the graph read once per test session (every parametrized test reads it)."""
    return {module: set(targets) for module, targets in _read_import_graph().items()}


@functools.cache
def _read_import_graph() -> dict[str, set[str]]:
    known = modules()
    graph = {}
    for name, path in known.items():
        is_package = path.name == '__init__.py'
        targets = set()
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                targets |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom):
                targets |= {_target(node, alias.name, name, is_package) for alias in node.names}
        found = {_known(t, known) for t in targets if t.split('.')[0] == 'course_lib'}
        graph[name] = {t for t in found if t and t != name}
    # course_lib.exercises loads its lessonNN modules with importlib when a check runs
    graph['course_lib.exercises'] |= {m for m in known if m.startswith('course_lib.exercises.lesson')}
    return graph


def package_node(module: str) -> str:
    """The package-level node of a module: the subpackage or root module of course_lib it belongs to."""
    return '.'.join(module.split('.')[:2])


def fold(graph: dict[str, set[str]]) -> dict[str, set[str]]:
    """A module graph folded to package-level nodes (an edge between two folders if any two of their
    modules are linked; imports inside one folder left out)."""
    folded: dict[str, set[str]] = {}
    for module, targets in graph.items():
        node = package_node(module)
        folded.setdefault(node, set()).update(package_node(t) for t in targets if package_node(t) != node)
    return folded


def package_graph() -> dict[str, set[str]]:
    """Subpackages and root modules of course_lib -> those they import, functions included."""
    return fold(import_graph())


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle of the graph (as a path that ends where it starts), or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        state[node] = 2
        path.pop()
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def layer(module: str) -> int:
    """Index in LAYERS of the most specific entry that contains the module (private helpers: 0)."""
    parts = module.split('.')
    if len(parts) > 1 and parts[1].startswith('_') and parts[1] != '__main__':
        return 0  # course_lib/_<name>.py: small private helpers, importable from every layer
    best = None
    for index, entries in enumerate(LAYERS):
        for entry in entries:
            if module == entry or module.startswith(entry + '.'):
                if best is None or len(entry) > len(best[1]):
                    best = (index, entry)
    assert best is not None, f'{module} is in no layer: add it to LAYERS and to CONTRIBUTING.md'
    return best[0]


def test_the_graph_sees_imports_inside_functions():
    graph = import_graph()
    assert 'course_lib.configs' in graph['course_lib.sanity']  # sanity imports load_config in run()
    assert 'course_lib.viz.timeline' in graph['course_lib.inference.localization']  # in plot()


def test_find_cycle_finds_a_planted_one():
    assert find_cycle({'a': {'b'}, 'b': {'c'}, 'c': {'a'}, 'd': set()}) == ['a', 'b', 'c', 'a']
    assert find_cycle({'a': {'b'}, 'b': set()}) is None


def test_course_lib_has_no_import_cycle():
    cycle = find_cycle(import_graph())
    assert cycle is None, 'import cycle: ' + ' -> '.join(cycle)


def test_the_packages_and_root_modules_have_no_import_cycle():
    """Folded to subpackages and root modules (data, inference, export, ...), the imports still run
    one way: a folder never imports a folder that imports it back, however deep the modules."""
    graph = package_graph()
    assert {'course_lib.data', 'course_lib.inference', 'course_lib.export', 'course_lib.viz'} <= set(graph)
    cycle = find_cycle(graph)
    assert cycle is None, 'package-level import cycle: ' + ' -> '.join(cycle)


def test_the_package_level_check_finds_a_cycle_between_folders():
    graph = {'course_lib.a.x': {'course_lib.b.y'}, 'course_lib.b.y': set(), 'course_lib.b.z': {'course_lib.a.w'},
             'course_lib.a.w': set()}  # acyclic among modules, a cycle between folders a and b
    assert find_cycle(graph) is None
    assert find_cycle(fold(graph)) == ['course_lib.a', 'course_lib.b', 'course_lib.a']


def test_layers_name_whole_folders_only():
    """No carve-out: a module of one folder never sits in another layer than its folder."""
    nested = sorted(e for entries in LAYERS for e in entries if e.count('.') > 1)
    assert nested == []
    listed = [e for entries in LAYERS for e in entries]
    assert len(listed) == len(set(listed))


def test_no_module_imports_the_package_root():
    """`import course_lib.x` runs course_lib/__init__ first anyway; importing the root back is a cycle."""
    importers = sorted(m for m, targets in import_graph().items() if 'course_lib' in targets)
    assert importers == []


@pytest.mark.parametrize('module', sorted(modules()))
def test_imports_go_down_the_layers(module):
    up = sorted(t for t in import_graph()[module]
                if layer(t) > layer(module) and (module, t) not in PENDING)
    assert up == [], f'{module} imports {up}, which sit in a higher layer (see CONTRIBUTING.md)'


def test_pending_upward_imports_still_exist():
    graph = import_graph()
    gone = sorted(edge for edge in PENDING if edge[1] not in graph.get(edge[0], ()))
    assert gone == [], f'fixed: remove {gone} from PENDING'


@pytest.mark.parametrize('module', sorted(modules()))
def test_each_module_is_one_concept_of_at_most_500_lines(module):
    """A module over 500 lines holds more than one concept: split it along its seams (CONTRIBUTING.md)."""
    path = modules()[module]
    source = path.read_text()
    assert len(source.splitlines()) <= 500, f'{path.relative_to(REPO)}: {len(source.splitlines())} lines'
    assert ast.get_docstring(ast.parse(source)), f'{path.relative_to(REPO)}: no docstring naming its concept'
