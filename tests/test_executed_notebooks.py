"""tests/executed_notebooks.py: the pytest plugin that saves notebooks as nbval executed them."""
import os
import subprocess
import sys
from pathlib import Path

import nbformat

from tests.executed_notebooks import WIDGET_STATE_MIME, WidgetState

ROOT = Path(__file__).resolve().parents[1]


def _comm(kind, comm_id, data, buffers=()):
    return {'msg_type': kind, 'content': {'comm_id': comm_id, 'data': data}, 'buffers': list(buffers)}


def test_widget_state_keeps_the_last_update_and_the_buffers():
    widgets = WidgetState()
    widgets.add(_comm('comm_open', 'p', {'state': {'_model_name': 'FloatProgressModel', 'value': 0.0,
                                                   'max': 190.0}, 'buffer_paths': []}))
    for value in (1.0, 95.0, 190.0):
        widgets.add(_comm('comm_msg', 'p', {'method': 'update', 'state': {'value': value}}))
    widgets.add(_comm('comm_msg', 'p', {'method': 'custom', 'content': {'event': 'click'}}))
    widgets.add(_comm('comm_open', 'i', {'state': {'_model_name': 'ImageModel'},
                                         'buffer_paths': [['value']]}, [memoryview(b'\x89PNG')]))
    widgets.add({'msg_type': 'stream', 'content': {'name': 'stdout', 'text': 'x'}})
    widgets.add(_comm('comm_open', 'gone', {'state': {'_model_name': 'HBoxModel'}}))
    widgets.add({'msg_type': 'comm_close', 'content': {'comm_id': 'gone', 'data': {}}})
    state = widgets.to_metadata()[WIDGET_STATE_MIME]['state']
    assert state['p']['state'] == {'_model_name': 'FloatProgressModel', 'value': 190.0, 'max': 190.0}
    assert state['p']['model_name'] == 'FloatProgressModel' and 'buffers' not in state['p']
    assert state['i']['buffers'] == [{'path': ['value'], 'encoding': 'base64', 'data': 'iVBORw=='}]
    assert set(state) == {'p', 'i'} and widgets.closed == {'gone'}


def _output(kind, parent, **content):
    return {'msg_type': kind, 'parent_header': {'msg_id': parent}, 'content': content}


def test_outputs_captured_by_an_output_widget_go_to_its_state():
    widgets = WidgetState()
    widgets.add(_comm('comm_open', 'o', {'state': {'_model_name': 'OutputModel', 'outputs': [], 'msg_id': ''}}))
    assert not widgets.route(_output('stream', 'cell-1', name='stdout', text='before\n'))
    widgets.add(_comm('comm_msg', 'o', {'method': 'update', 'state': {'msg_id': 'cell-1'}}))
    assert widgets.route(_output('stream', 'cell-1', name='stdout', text='old\n'))
    assert widgets.route(_output('clear_output', 'cell-1', wait=True))
    assert widgets.route(_output('stream', 'cell-1', name='stdout', text='a'))
    assert widgets.route(_output('stream', 'cell-1', name='stdout', text='b\n'))
    assert widgets.route(_output('display_data', 'cell-1', data={'text/markdown': '**hi**'}, metadata={}))
    assert not widgets.route(_output('error', 'cell-1', ename='ValueError', evalue='', traceback=[]))
    assert not widgets.route(_output('stream', 'cell-2', name='stdout', text='elsewhere\n'))
    widgets.add(_comm('comm_msg', 'o', {'method': 'update', 'state': {'msg_id': ''}}))
    assert not widgets.route(_output('stream', 'cell-1', name='stdout', text='after\n'))
    assert widgets.models['o']['outputs'] == [
        {'output_type': 'stream', 'name': 'stdout', 'text': 'ab\n'},
        {'output_type': 'display_data', 'data': {'text/markdown': '**hi**'}, 'metadata': {}}]


def test_nbval_run_saves_outputs_and_final_widget_state(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.metadata['kernelspec'] = {'name': 'python3', 'display_name': 'Python 3', 'language': 'python'}
    nb.cells = [nbformat.v4.new_markdown_cell('# A lesson'),
                nbformat.v4.new_code_cell("from tqdm.auto import tqdm\n"
                                          "for _ in tqdm(range(7), desc='steps'):\n    pass\n"
                                          "for _ in tqdm(range(3), desc='gone', leave=False):\n    pass"),
                nbformat.v4.new_code_cell("print('top-1', 0.97)\n6 * 7"),
                nbformat.v4.new_code_cell("import ipywidgets\nhint = ipywidgets.Output()\n"
                                          "with hint:\n    print('inside the widget')\nhint"),
                nbformat.v4.new_code_cell("6 * 7;  # silenced, as in a live kernel"),
                nbformat.v4.new_code_cell("1 / 0")]
    nbformat.write(nb, tmp_path / '99_try.ipynb')
    run = subprocess.run(
        [sys.executable, '-m', 'pytest', '--nbval-lax', '--nbval-current-env', '-p', 'no:cacheprovider',
         '-p', 'tests.executed_notebooks', '--executed-dir', str(tmp_path / 'executed'), '-q',
         '99_try.ipynb'], cwd=tmp_path, capture_output=True, text=True, timeout=300,
        env={**os.environ, 'PYTHONPATH': str(ROOT)})
    assert '1 failed, 4 passed' in run.stdout, run.stdout[-2000:]
    saved = nbformat.read(tmp_path / 'executed' / '99_try.ipynb', as_version=4)
    bar, printed, output, silent, error = (c for c in saved.cells if c.cell_type == 'code')
    assert [c.execution_count for c in (bar, printed, output, silent, error)] == [1, 2, 3, 4, 5]
    assert silent.outputs == []
    assert printed.outputs[0].text == 'top-1 0.97\n'
    assert printed.outputs[1].data['text/plain'] == '42' and printed.outputs[1].execution_count == 2
    assert error.outputs[0].ename == 'ZeroDivisionError'
    state = saved.metadata.widgets[WIDGET_STATE_MIME]['state']
    view = bar.outputs[0].data['application/vnd.jupyter.widget-view+json']['model_id']
    left, pbar, right = (state[ref.removeprefix('IPY_MODEL_')]['state'] for ref in state[view]['state']['children'])
    assert len(bar.outputs) == 1, 'the leave=False bar closed, so it is not kept'
    assert (pbar['value'], pbar['max'], pbar['bar_style']) == (7, 7, 'success'), pbar
    assert '100%' in left['value'] and '7/7' in right['value']
    captured = [m['state'] for m in state.values() if m['model_name'] == 'OutputModel']
    assert captured[0]['outputs'] == [{'output_type': 'stream', 'name': 'stdout', 'text': 'inside the widget\n'}]
    assert [o.output_type for o in output.outputs] == ['execute_result'], 'the print went to the widget'
    assert saved.metadata.course_execution['failed_cells'] == [4]
    machine = saved.metadata.course_execution['machine']  # whose times they are (docs/TEACHING.md)
    assert machine['cores'] == len(os.sched_getaffinity(0)) and machine['cpu'] and len(machine['load_average']) == 3
    nbformat.validate(saved)


def test_machine_facts_load_machine_py_by_its_path_in_a_fresh_process():
    """The recorder reads machine.py without importing the package (a fresh process, no course_lib)."""
    import json
    code = ('import json, sys; sys.path.insert(0, "tests"); import executed_notebooks as e; '
            'print(json.dumps(e.machine_facts())); print("course_lib" in sys.modules)')
    out = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, timeout=60,
                         cwd=ROOT)
    assert out.returncode == 0, out.stderr
    facts_line, imported = out.stdout.strip().splitlines()[-2:]
    facts = json.loads(facts_line)
    assert facts['cores'] >= 1 and len(facts['load_average']) == 3 and facts['cpu']
    assert imported == 'False'
