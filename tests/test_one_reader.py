"""Each course setting is read in one module; no machine's absolute path in the course; no package
attribute shadows a submodule, and the lessons' `cl.download(...)` and `cl.profile()` still work."""
import ast
import importlib
import inspect
import pkgutil
import re
from pathlib import Path

import course_lib
from course_lib.settings import SETTINGS

ROOT = Path(__file__).resolve().parents[1]
# the module that reads each setting (the settings module reads the course's; two belong to one tool)
OWNER = {**{name: 'course_lib/settings.py' for name in SETTINGS},
         'COURSE_DEBUG': 'course_lib/errors.py',  # run_cli's --debug switch
         'COURSE_GPU': 'course_lib/hardware.py', 'COURSE_DEVICE': 'course_lib/hardware.py'}  # make setup


def python_files(*folders: str) -> list[Path]:
    return sorted(p for folder in folders for p in (ROOT / folder).rglob('*.py'))


def setting_reads(tree: ast.AST) -> list[tuple[str, int]]:
    """(variable, line) of every read of a COURSE_* environment variable in a module."""
    reads = []
    for node in ast.walk(tree):
        name = None
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.args:
            owner = ast.unparse(node.func.value)
            if ((owner.endswith('environ') and node.func.attr in ('get', 'setdefault', 'pop'))
                    or (owner == 'os' and node.func.attr == 'getenv')):
                name = node.args[0]
        elif isinstance(node, ast.Subscript) and ast.unparse(node.value).endswith('environ') \
                and isinstance(node.ctx, ast.Load):
            name = node.slice
        elif isinstance(node, ast.Compare) and any(ast.unparse(c).endswith('environ') for c in node.comparators):
            name = node.left
        if isinstance(name, ast.Constant) and str(name.value).startswith('COURSE_'):
            reads.append((name.value, node.lineno))
    return reads


def test_the_scan_finds_each_kind_of_read():
    code = ("os.environ.get('COURSE_A'); os.environ['COURSE_B']; os.getenv('COURSE_C'); "
            "'COURSE_D' in os.environ; os.environ.setdefault('COURSE_E', '1'); os.environ['COURSE_F'] = '1'")
    assert [n for n, _ in setting_reads(ast.parse(code))] == ['COURSE_A', 'COURSE_B', 'COURSE_C', 'COURSE_D',
                                                               'COURSE_E']


def test_each_course_setting_is_read_only_by_its_module():
    wrong = [f'{path.relative_to(ROOT)}:{line} reads {name} (its module: {OWNER.get(name, "none: add it to SETTINGS")})'
             for path in python_files('course_lib', 'data_scripts', 'scripts', 'solutions')
             for name, line in setting_reads(ast.parse(path.read_text()))
             if OWNER.get(name) != str(path.relative_to(ROOT))]
    assert wrong == []


def test_no_absolute_path_of_a_machine_in_the_course():
    machine_path = re.compile(r'(?<![\w.~$}])/(?:work|root)/|(?<![\w.~$}])/home/[a-z_][\w-]*/')
    # data of a real file the test reproduces, <path> line and all (BCCD's VOC XML as shipped)
    allowed = {('tests/data/test_coco.py', r'\t<path>/home/pi/detection_dataset/JPEGImages/{filename}</path>')}
    files = [p for folder in ('course_lib', 'data_scripts', 'scripts', 'notebooks', 'solutions', 'tests')
             for p in (ROOT / folder).rglob('*') if p.suffix in ('.py', '.ipynb', '.sh', '.json', '.txt', '.md')]
    files += [ROOT / 'Makefile', ROOT / 'README.md', ROOT / 'CONTRIBUTING.md']
    found = [(str(p.relative_to(ROOT)), line.strip('\n'))
             for p in files if p != Path(__file__) for line in p.read_text(errors='replace').splitlines()
             if machine_path.search(line)]
    assert [f for f in found if (f[0], f[1]) not in allowed] == []
    assert machine_path.search("'/" + "work/shared/x.zip'") and not machine_path.search('~/work/x')


def test_no_package_attribute_shadows_a_submodule():
    for info in pkgutil.iter_modules(course_lib.__path__):
        if hasattr(course_lib, info.name):
            assert inspect.ismodule(getattr(course_lib, info.name)), \
                f'course_lib.{info.name} is not the module course_lib/{info.name}'
    for info in pkgutil.iter_modules(course_lib.__path__):
        module = importlib.import_module(f'course_lib.{info.name}')
        assert getattr(course_lib, info.name) is module


def test_the_lessons_calls_of_download_and_profile(monkeypatch):
    monkeypatch.delenv('COURSE_PROFILE', raising=False)
    assert course_lib.profile() == 'smoke'
    monkeypatch.setenv('COURSE_PROFILE', 'full')
    assert course_lib.profile() == 'full' and not course_lib.is_smoke()
    assert callable(course_lib.download) and course_lib.download is course_lib.fetch.download
    assert list(inspect.signature(course_lib.download).parameters)[:2] == ['what', 'dest_dir']
    assert course_lib.HUB is course_lib.fetch.HUB  # `cl.download(name)` takes the hub's names


# public names defined in more than one module, each pair read as one contract or a verb of its module
SAME_NAME = {
    'main': 'each module\'s command line entry point',
    'run': 'sanity.run (the checks before training) and tooling.checkfull.run (the dry run): each module\'s run',
    'compare': 'export.parity / export.qat: each compares its own pair of models',
    'check_box': 'data.coco / data.ava: each checks a box of its own format',
    'class_names': 'data.activitynet / export.stdet: the class names of the data a module reads',
    'cfg_options': 'exercises.lesson05: the answer check of exercise 05 on --cfg-options (the exercise\'s name)',
    'proposal_recall': 'exercises.lesson07: the answer check of the exercise of that name',
    'detect': 'standalone_demo (the deployed demo) / export.tasks: the same step, course-free in the demo',
    'recognize': 'standalone_demo / inference.recognition: the same step, course-free in the demo',
    'ov_runner': 'export.stdet / export.tasks: a runner of each task',
    'torch_runner': 'export.stdet / export.tasks: a runner of each task',
    'read_package': 'standalone_demo (the deployed demo) / demo.models: the same step, course-free in the demo',
    'keyframes': "standalone_demo (the deployed demo's rule) / inference.spatiotemporal: the same rule, capped in CI's dry run",
}


def test_no_new_public_name_is_defined_twice():
    defined = {}
    for path in python_files('course_lib'):
        if 'configs' in path.parts:
            continue
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and not node.name.startswith('_'):
                defined.setdefault(node.name, []).append(str(path.relative_to(ROOT)))
    twice = {name: where for name, where in defined.items() if len(where) > 1 and name not in SAME_NAME}
    assert twice == {}  # rename one to say what it does (FrameFolder, keyframes, check_environment were)
    assert [name for name in ('FrameFolder', 'check_environment') if len(defined.get(name, [])) != 1] == []
    assert defined['keyframe_samples'] == ['course_lib/export/stdet.py']
