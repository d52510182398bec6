"""course_lib.tooling.teaching: docs/TEACHING.md's times and values, generated from the executed lessons.

The last test compares the notes with `build/executed` (written by `make notebooks`, the first phase of
`make test`); without that folder it is skipped, except in CI (CI=true), where it fails.
"""
import os
from pathlib import Path

import nbformat
import pytest

from course_lib.errors import FileFormatError, InputError, MissingFileError
from course_lib.lessons import EXPECTED_MIME, LESSONS, expect, expected_record
from course_lib.tooling import teaching

ROOT = Path(__file__).resolve().parents[2]
MACHINE = {'cpu': 'AMD EPYC', 'cores': 2, 'load_average': [1.9, 1.5, 1.2]}


def _record(key, value, text='a value', unit='', tolerance=0.02, profile='smoke', dry_run=False):
    return {'key': key, 'value': value, 'text': text, 'unit': unit, 'tolerance': tolerance,
            'profile': profile, 'dry_run': dry_run}


def _executed(folder: Path, number: str, seconds: float, records=(), failed=(), machine=MACHINE) -> Path:
    """Write a small executed lesson as tests/executed_notebooks.py saves one."""
    nb = nbformat.v4.new_notebook()
    outputs = [nbformat.v4.new_output('display_data', data={EXPECTED_MIME: r, 'text/plain': ''}) for r in records]
    code = nbformat.v4.new_code_cell('cl.lessons.expect(...)')
    code.outputs = [nbformat.v4.new_output('stream', text='top-1 0.98\n'), *outputs]
    nb.cells = [nbformat.v4.new_markdown_cell('# Lesson'), code]
    nb.metadata['course_execution'] = {'seconds': seconds, 'failed_cells': list(failed), 'machine': machine}
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / next(x.notebook for x in LESSONS if x.number == number)
    nbformat.write(nb, str(path))
    return path


@pytest.mark.parametrize('args', [
    ('3.top1', 0.9, 'x'), ('99.top1', 0.9, 'x'), ('03.Top1', 0.9, 'x'), ('03.top1', float('nan'), 'x'),
    ('03.top1', True, 'x'), ('03.top1', '0.9', 'x'), ('03.top1', 0.9, ''), ('03.top1', 0.9, 'a | b'),
])
def test_a_record_that_cannot_be_a_table_row_is_refused(args):
    with pytest.raises(InputError, match='03.top1|99.top1|3.top1|03.Top1'):
        expected_record(*args)
    with pytest.raises(InputError, match='tolerance'):
        expected_record('03.top1', 0.9, 'x', tolerance=-1)


def test_a_record_carries_the_profile_and_expect_outside_a_kernel_writes_nothing(capsys):
    record = expected_record('03.top1', 0.97, ' trained top-1 ', tolerance=0.03)
    assert record == _record('03.top1', 0.97, 'trained top-1', tolerance=0.03)
    import numpy as np
    assert expected_record('03.top1', np.float32(0.5), 'x')['value'] == 0.5, 'numpy numbers are numbers'
    assert type(expected_record('02.frames', np.int64(115), 'x')['value']) is float
    expect('03.top1', 0.97, 'trained top-1', tolerance=0.03)
    assert capsys.readouterr().out == ''


def test_an_executed_lesson_gives_its_time_machine_and_values(tmp_path):
    path = _executed(tmp_path, '03', 71.6, [_record('03.top1', 0.983, tolerance=0.03), _record('03.auc', 64.0, unit='%')])
    run = teaching.read_run(path)
    assert (run.number, run.seconds, run.machine, run.load, run.failed) == ('03', 71.6, '2 cores of AMD EPYC', 1.9, [])
    assert sorted(run.values) == ['03.auc', '03.top1'] and run.values['03.top1']['value'] == 0.983
    assert sorted(teaching.read_executed(tmp_path)) == ['03']


@pytest.mark.parametrize('records, match', [
    ([_record('03.top1', 0.9, profile='full')], 'full run'),
    ([_record('03.top1', 0.9, dry_run=True)], 'dry run'),
    ([_record('03.top1', 0.9), _record('03.top1', 0.8)], 'twice'),
    ([_record('04.ar5', 0.9)], 'lesson 03'),
])
def test_records_of_another_profile_lesson_or_twice_the_same_are_refused(tmp_path, records, match):
    with pytest.raises(InputError, match=match):
        teaching.read_run(_executed(tmp_path, '03', 70, records))


def test_a_notebook_without_an_execution_record_or_folder_is_refused(tmp_path):
    nbformat.write(nbformat.v4.new_notebook(), str(tmp_path / '03_finetune_recognizer.ipynb'))
    with pytest.raises(FileFormatError, match='make notebooks'):
        teaching.read_run(tmp_path / '03_finetune_recognizer.ipynb')
    with pytest.raises(MissingFileError, match='make notebooks'):
        teaching.read_executed(tmp_path / 'missing')


def _notes(tmp_path, block_lines=''):
    path = tmp_path / 'TEACHING.md'
    path.write_text(f'# Notes\n\nhand-written text\n\n{teaching.BEGIN}\n{block_lines}{teaching.END}\n\nmore text\n')
    return path


def test_update_rewrites_only_the_block_and_keeps_lessons_not_run(tmp_path):
    executed = tmp_path / 'executed'
    _executed(executed, '03', 71.6, [_record('03.top1', 0.98333, 'trained top-1', tolerance=0.03)])
    notes_path = _notes(tmp_path)
    teaching.update(notes_path, executed)
    text = notes_path.read_text()
    assert text.startswith('# Notes\n\nhand-written text\n\n') and text.endswith('\n\nmore text\n')
    block = teaching.block_of(text)
    three = next(x for x in LESSONS if x.number == '03')
    assert f'| 03 | {three.minutes_smoke} min | 72 s | 2 cores of AMD EPYC |' in block
    assert '| 03 | trained top-1 | 0.9833 | ± 0.03 | `03.top1` |' in block
    assert '| 04 | ' in block and 'not measured yet' in block
    assert teaching.parse(block).values['03.top1']['value'] == 0.9833
    _executed(executed, '03', 60, [_record('03.top1', 0.9, 'trained top-1', tolerance=0.03)]).unlink()
    _executed(executed, '04', 80, [_record('04.ar100', 0.95, 'AR@100', tolerance=0.05)])
    teaching.update(notes_path, executed)  # lesson 03 not in this run: its rows stay
    notes = teaching.parse(teaching.block_of(notes_path.read_text()))
    assert notes.times['03'] == (72, '2 cores of AMD EPYC') and notes.times['04'] == (80, '2 cores of AMD EPYC')
    assert sorted(notes.values) == ['03.top1', '04.ar100']


def test_the_time_of_a_run_on_a_loaded_machine_is_not_written(tmp_path):
    executed = tmp_path / 'executed'
    busy = {**MACHINE, 'load_average': [9.5, 8.0, 7.0]}
    _executed(executed, '03', 340, [_record('03.top1', 0.98, 'trained top-1')], machine=busy)
    notes_path = _notes(tmp_path)
    notes, warnings = teaching.update(notes_path, executed)
    assert '03' not in notes.times and '03.top1' in notes.values, 'the values are written, the time is not'
    assert any('load average of 9.5' in w and '340 s' in w for w in warnings)
    assert teaching.update(notes_path, executed, any_load=True)[0].times['03'] == (340, '2 cores of AMD EPYC')
    _executed(executed, '03', 70, [_record('03.top1', 0.98, 'trained top-1')])
    teaching.update(notes_path, executed)
    _executed(executed, '03', 340, [_record('03.top1', 0.98, 'trained top-1')], machine=busy)
    assert teaching.update(notes_path, executed)[0].times['03'] == (70, '2 cores of AMD EPYC'), 'idle time kept'


def test_a_failed_lesson_is_not_a_reference(tmp_path):
    _executed(tmp_path / 'executed', '03', 70, failed=[12])
    with pytest.raises(InputError, match='failed in cells'):
        teaching.update(_notes(tmp_path), tmp_path / 'executed')


def test_the_notes_must_keep_their_markers(tmp_path):
    path = tmp_path / 'TEACHING.md'
    path.write_text('no block here\n')
    _executed(tmp_path / 'executed', '03', 70)
    with pytest.raises(FileFormatError, match='BEGIN generated'):
        teaching.update(path, tmp_path / 'executed')
    with pytest.raises(MissingFileError, match='no executed lessons'):
        teaching.update(path, tmp_path)


def _block(times, values):
    return teaching.render_block(teaching.Notes(times, {r['key']: r for r in values}))


def test_disagreements_beyond_the_tolerances_are_listed_within_them_not(tmp_path):
    top1 = _record('03.top1', 0.98, 'trained top-1', tolerance=0.03)
    block = _block({'03': (70.0, '2 cores of AMD EPYC')}, [top1])
    run = lambda seconds, value, machine=MACHINE: teaching.read_run(  # noqa: E731
        _executed(tmp_path, '03', seconds, [{**top1, 'value': value}], machine=machine))
    assert teaching.disagreements(block, {'03': run(120, 0.955)}) == []
    assert teaching.disagreements(block, {'03': run(30, 1.0)}) == []
    problems = teaching.disagreements(block, {'03': run(160, 0.94)})
    assert len(problems) == 2 and 'took 160 s' in problems[0] and '03.top1' in problems[1]
    assert teaching.disagreements(block, {'03': run(15, 0.98)})[0].startswith('lesson 03 took 15 s')
    other = {'cpu': 'Intel Core i7', 'cores': 8, 'load_average': [0.3]}
    assert teaching.disagreements(block, {'03': run(500, 0.98, other)}) == [], 'times only on the same machine'
    missing = teaching.read_run(_executed(tmp_path, '03', 70, [_record('03.top5', 1.0)]))
    problems = teaching.disagreements(block, {'03': missing})
    assert any('03.top1: in the notes, not published' in p for p in problems)
    assert any('03.top5: published by the lesson' in p for p in problems)
    retold = teaching.read_run(_executed(tmp_path, '03', 70, [{**top1, 'tolerance': 0.5}]))
    assert 'describes it' in teaching.disagreements(block, {'03': retold})[0]


def test_a_hand_edit_and_a_course_map_time_below_the_slowest_machine_are_listed():
    first = LESSONS[0]
    covered = first.minutes_smoke * 60 / teaching.SLOWEST_FACTOR[0]
    assert teaching.disagreements(_block({first.number: (round(covered) - 1, 'x')}, []), {}) == []
    late = teaching.disagreements(_block({first.number: (round(covered) + 2, 'x')}, []), {})
    assert len(late) == 1 and f'the course map says {first.minutes_smoke} min' in late[0]
    slow = max(LESSONS, key=lambda x: x.minutes_smoke)
    notes = teaching.Notes({slow.number: (60 * (slow.minutes_smoke - 1) / teaching.SLOWEST_FACTOR[1] - 1, 'x')}, {})
    assert len(teaching.overstated(notes)) == 1 and f'says {slow.minutes_smoke} min' in teaching.overstated(notes)[0]
    notes.times[slow.number] = (60 * (slow.minutes_smoke - 1) / teaching.SLOWEST_FACTOR[1] + 1, 'x')
    assert teaching.overstated(notes) == []
    edited = _block({}, [_record('03.top1', 0.98)]).replace('**Values**', '**Values (edited)**')
    assert 'not what the tool writes' in teaching.disagreements(edited, {})[0]
    with pytest.raises(FileFormatError, match='03.top1'):
        teaching.parse(_block({}, [_record('03.top1', 0.98)]).replace('| ± 0.02', '| about 0.02'))


def test_the_command_line_checks_and_updates(tmp_path, capsys):
    executed = tmp_path / 'executed'
    _executed(executed, '03', 70, [_record('03.top1', 0.98, 'trained top-1')])
    notes_path = _notes(tmp_path)
    args = ['--executed', str(executed), '--notes', str(notes_path)]
    assert teaching.main([*args, '--check']) == 1 and 'the notes give no time' in capsys.readouterr().out
    assert teaching.main(args) == 0
    assert teaching.main([*args, '--check']) == 0 and 'agrees' in capsys.readouterr().out


def test_the_teaching_notes_agree_with_the_course_map_and_the_executed_lessons():
    """docs/TEACHING.md's block is the tool's, and agrees with build/executed (make notebooks) if present."""
    block = teaching.block_of((ROOT / 'docs' / 'TEACHING.md').read_text())
    assert teaching.disagreements(block, {}) == []
    executed = ROOT / 'build' / 'executed'
    if not executed.is_dir():
        assert os.environ.get('CI', '') != 'true', 'CI runs `make notebooks` before the unit tests: no build/executed'
        pytest.skip('no build/executed: run `make notebooks` to compare the notes with the executed lessons')
    runs = teaching.read_executed(executed)
    if os.environ.get('CI', '') == 'true':
        assert sorted(runs) == [x.number for x in LESSONS], f'CI executed only lessons {sorted(runs)}'
    problems = teaching.disagreements(block, runs)
    assert not problems, ('docs/TEACHING.md disagrees with the executed lessons:\n' + '\n'.join(problems)
                          + f'\nIf the lessons changed on purpose: {teaching.COMMAND}')
