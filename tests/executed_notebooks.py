"""pytest plugin (make notebooks): save each notebook as nbval executed it, for the book.

Loaded with `-p tests.executed_notebooks`. After a notebook's last cell ran, it writes the notebook
with the outputs nbval received (figures, tables, videos, errors) and the final state of its
widgets (tqdm bars, sliders, toggles) to `build/executed/NN_topic.ipynb` (`--executed-dir` moves
it), with its time and the machine that ran it. `make book` renders those files
(course_lib/tooling/book.py), so CI executes every lesson once; `course_lib/tooling/teaching.py` reads
their times and published values into docs/TEACHING.md.

nbval reads the kernel's messages and keeps only outputs; widget state arrives in comm messages,
which it drops. `WidgetState` keeps them the way nbclient does (the notebook format's
`application/vnd.jupyter.widget-state+json`), so the book can draw each widget as it ended, and
gives the outputs captured by an Output widget to that widget, as JupyterLab does.
"""
from __future__ import annotations

import base64
from pathlib import Path

import nbformat
import pytest

WIDGET_STATE_MIME = 'application/vnd.jupyter.widget-state+json'
WIDGET_VIEW_MIME = 'application/vnd.jupyter.widget-view+json'


class WidgetState:
    """The last state of every widget model, built from the kernel's comm messages."""

    def __init__(self) -> None:
        self.models: dict[str, dict] = {}
        self.buffers: dict[str, dict[tuple, dict]] = {}
        self.clear_pending: set[str] = set()
        self.closed: set[str] = set()

    def add(self, msg: dict) -> None:
        """Fold one iopub message into the state (comm_open, comm_msg, comm_close; others are ignored)."""
        if msg.get('msg_type') == 'comm_close':  # e.g. a tqdm bar with leave=False, gone when done
            comm_id = msg['content']['comm_id']
            self.closed.add(comm_id)
            self.models.pop(comm_id, None)
            self.buffers.pop(comm_id, None)
            return
        if msg.get('msg_type') not in ('comm_open', 'comm_msg'):
            return
        content = msg['content']
        data = content.get('data') or {}
        if 'state' not in data:  # custom messages, e.g. a button click
            return
        comm_id = content['comm_id']
        self.models.setdefault(comm_id, {}).update(data['state'])
        for path, buffer in zip(data.get('buffer_paths') or [], msg.get('buffers') or []):
            self.buffers.setdefault(comm_id, {})[tuple(path)] = {
                'path': list(path), 'encoding': 'base64',
                'data': base64.b64encode(bytes(buffer)).decode('ascii')}

    def route(self, msg: dict) -> bool:
        """Put an output meant for an Output widget into its state (as a frontend would); True if so.

        An Output widget (`with out: display(...)`) claims the outputs of the request it captures.
        Errors are never routed, so that nbval still fails the cell on them.
        """
        kind = msg.get('msg_type')
        parent = (msg.get('parent_header') or {}).get('msg_id')
        if kind not in ('stream', 'display_data', 'clear_output') or not parent:
            return False
        comm_id = next((c for c, m in self.models.items()
                        if m.get('_model_name') == 'OutputModel' and m.get('msg_id') == parent), None)
        if comm_id is None:
            return False
        content, outputs = msg['content'], self.models[comm_id].setdefault('outputs', [])
        if kind == 'clear_output':
            if content.get('wait'):
                self.clear_pending.add(comm_id)
            else:
                outputs.clear()
            return True
        if comm_id in self.clear_pending:
            self.clear_pending.discard(comm_id)
            outputs.clear()
        if kind == 'stream' and outputs and outputs[-1].get('name') == content['name']:
            outputs[-1]['text'] += content['text']
        elif kind == 'stream':
            outputs.append({'output_type': 'stream', 'name': content['name'], 'text': content['text']})
        else:
            outputs.append({'output_type': 'display_data', 'data': content['data'],
                            'metadata': content.get('metadata', {})})
        return True

    def to_metadata(self) -> dict:
        """Return the state in the notebook format's widget-state layout (as nbclient stores it)."""
        state = {}
        for comm_id, model in self.models.items():
            state[comm_id] = {'model_name': model.get('_model_name'),
                              'model_module': model.get('_model_module'),
                              'model_module_version': model.get('_model_module_version'),
                              'state': model}
            if comm_id in self.buffers:
                state[comm_id]['buffers'] = list(self.buffers[comm_id].values())
        return {WIDGET_STATE_MIME: {'version_major': 2, 'version_minor': 0, 'state': state}}


def silenced(source: str) -> bool:
    """True when a cell ends in `;`, which silences its result in a live kernel.

    nbval runs cells with store_history=False, so IPython cannot see the `;` and sends the result
    anyway (a figure returned by `plot(...);` would be shown twice); the saved notebook drops it.
    """
    from IPython.core.displayhook import DisplayHook
    return DisplayHook.semicolon_at_end_of_expression(source)


def saved_notebook(nb: nbformat.NotebookNode, widgets: WidgetState, seconds: float,
                   failed: list[int]) -> nbformat.NotebookNode:
    """Return the executed notebook: nbval's outputs are already in its cells; add widgets, timing, machine.

    A widget closed during the run (a tqdm bar with leave=False) is dropped, as JupyterLab drops it.
    """
    for cell in nb.cells:
        if cell.get('outputs'):
            cell.outputs = [o for o in cell.outputs
                            if o.get('data', {}).get(WIDGET_VIEW_MIME, {}).get('model_id') not in widgets.closed]
    if widgets.models:
        nb.metadata['widgets'] = widgets.to_metadata()
    nb.metadata['course_execution'] = {'seconds': round(seconds, 1), 'failed_cells': failed,
                                       'machine': machine_facts()}
    return nb


def machine_facts() -> dict:
    """The CPU model, usable cores and load average of the machine that ran the notebook (for its times).

    course_lib/machine.py is loaded by its path: it is standard library only, and importing the package
    would load torch and the OpenMMLab stack into this process for three facts.
    """
    import importlib.util
    import sys
    path = Path(__file__).resolve().parents[1] / 'course_lib' / 'machine.py'
    spec = importlib.util.spec_from_file_location('_course_machine', path)
    machine = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = machine  # dataclasses look their module up while the class is made
    spec.loader.exec_module(machine)
    cpu = machine.cpu_info()
    return {'cpu': cpu['model'], 'cores': cpu['cores'], 'load_average': machine.load_average()}


class _Record:
    """What one notebook's run collected so far."""

    def __init__(self) -> None:
        self.widgets = WidgetState()
        self.seconds = 0.0
        self.count = 0
        self.failed: list[int] = []


_records: dict[str, _Record] = {}


def _is_nbval_cell(item) -> bool:
    return hasattr(item, 'cell') and hasattr(item, 'cell_num') and hasattr(item.parent, 'nb')


def pytest_addoption(parser):
    """--executed-dir: where the executed notebooks go (default build/executed)."""
    parser.addoption('--executed-dir', default=None,
                     help='folder for the notebooks as nbval executed them (default: build/executed)')


def _out_dir(config) -> Path:
    folder = config.getoption('--executed-dir')
    return Path(folder) if folder else Path(str(config.rootdir)) / 'build' / 'executed'


def _watch_comms(notebook) -> None:
    """Let every message nbval reads pass through the notebook's WidgetState first."""
    if getattr(notebook, '_course_watched', False):
        return
    record = _records.setdefault(str(notebook.fspath), _Record())
    read = notebook.get_kernel_message

    def get_kernel_message(*args, **kwargs):
        msg = read(*args, **kwargs)
        record.widgets.add(msg)
        if record.widgets.route(msg):  # the output belongs to an Output widget, not to the cell:
            msg = {**msg, 'parent_header': {}}  # nbval skips messages of other requests
        return msg

    notebook.get_kernel_message = get_kernel_message
    notebook._course_watched = True


def pytest_runtest_call(item):
    """Before a cell runs: watch its kernel's comm messages."""
    if _is_nbval_cell(item):
        _watch_comms(item.parent)


def pytest_runtest_makereport(item, call):
    """After a cell ran: store the outputs nbval received in the notebook's cell."""
    if call.when != 'call' or not _is_nbval_cell(item):
        return
    record = _records.setdefault(str(item.parent.fspath), _Record())
    record.seconds += call.duration
    if call.excinfo is not None and call.excinfo.errisinstance(pytest.skip.Exception):
        return  # a cell nbval was told to skip: not run, no outputs
    if call.excinfo is not None:
        record.failed.append(item.cell_num)
    record.count += 1
    item.cell.outputs = [nbformat.from_dict(dict(o)) for o in (item.test_outputs or [])
                         if not (o.get('output_type') == 'execute_result' and silenced(item.cell.source))]
    item.cell.execution_count = record.count
    for out in item.cell.outputs:
        if out.get('output_type') == 'execute_result':
            out['execution_count'] = record.count


def pytest_runtest_teardown(item, nextitem):
    """After a notebook's last cell: write it to the executed folder."""
    if not _is_nbval_cell(item) or (nextitem is not None and nextitem.parent is item.parent):
        return
    record = _records.pop(str(item.parent.fspath), _Record())
    nb = saved_notebook(item.parent.nb, record.widgets, record.seconds, record.failed)
    folder = _out_dir(item.config)
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(folder / Path(str(item.parent.fspath)).name))
