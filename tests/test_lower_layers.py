"""The lower layers never reach up: video I/O, data formats and metrics import no inference, export
or viz module, and inference imports viz only inside its plot/show helpers (never at module level)."""
import ast
from pathlib import Path

import pytest

LIB = Path(__file__).resolve().parents[1] / 'course_lib'
LOWER = sorted([*(LIB / 'video').rglob('*.py'), LIB / '_util.py', LIB / 'segments.py',
                *(LIB / 'data').rglob('*.py'), *(LIB / 'metrics').rglob('*.py')])
UPPER = ('inference', 'export', 'viz', 'exercises', 'train')


def course_imports(path: Path, module_level_only: bool = False, source: str | None = None) -> set[str]:
    """The course_lib modules a file imports, as dotted names relative to course_lib."""
    tree = ast.parse(source if source is not None else path.read_text())
    nodes = tree.body if module_level_only else list(ast.walk(tree))
    package = path.relative_to(LIB).parent.parts
    found = set()
    for node in nodes:
        if isinstance(node, ast.ImportFrom) and node.level:
            base = package[:len(package) - node.level + 1]
            found.add('.'.join((*base, *(node.module.split('.') if node.module else ()))))
        elif isinstance(node, ast.ImportFrom) and (node.module or '').startswith('course_lib.'):
            found.add(node.module.removeprefix('course_lib.'))
    return found


@pytest.mark.parametrize('path', LOWER, ids=lambda p: str(p.relative_to(LIB)))
def test_lower_layers_import_nothing_above_them(path):
    upward = {m for m in course_imports(path) if m.split('.')[0] in UPPER}
    assert not upward, f'{path.name} imports {sorted(upward)}: move the code up or the import down'


@pytest.mark.parametrize('path', sorted((LIB / 'inference').rglob('*.py')), ids=lambda p: p.name)
def test_inference_needs_viz_only_to_draw(path):
    assert not {m for m in course_imports(path, module_level_only=True) if m.startswith('viz')}


def test_the_check_sees_upward_imports_at_any_depth():
    probe = LIB / 'data' / 'synthetic' / 'probe.py'  # not written: only its place matters
    source = 'def f():\n    from ...viz.video import show_video\nfrom course_lib.inference import persons\n'
    assert course_imports(probe, source=source) == {'viz.video', 'inference'}
    assert course_imports(probe, module_level_only=True, source=source) == {'inference'}
