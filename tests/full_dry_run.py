"""pytest plugin (make notebooks-full): execute the lessons in the full profile's dry run.

Loaded with `-p tests.full_dry_run --full-dry-run` beside nbval and tests.executed_notebooks
(`--executed-dir=build/executed-full`). For the whole run it keeps one
course_lib.tooling.lesson_dry_run.DryRunSession: the loopback mirror of the hub (fake checkpoints,
miniature data sets), the ticket in its temporary folder, COURSE_PROFILE=full for the kernels.
Before a lesson's first cell it enters the dry run in that lesson's kernel (through the kernel
client, not as a cell); after each cell it reads the kernel's peak memory. The summary prints
each lesson's time and peak memory, and the cell that raised the peak most.
`--dry-run-input-size=0` keeps the configs' real input sizes (`make check-full-scale`).
"""
from __future__ import annotations

import time

import pytest

_state: dict = {'session': None, 'entered': set(), 'started': {}, 'rows': [], 'cells': {}}


def pytest_addoption(parser):
    """--full-dry-run, --dry-run-input-size."""
    parser.addoption('--full-dry-run', action='store_true',
                     help='execute the notebooks in the full profile against the loopback mirror')
    parser.addoption('--dry-run-input-size', type=int, default=64,
                     help='spatial input size of the dry run (0: the configs\' real sizes)')


def _is_nbval_cell(item) -> bool:
    return hasattr(item, 'cell') and hasattr(item.parent, 'kernel')


def pytest_configure(config):
    """Build the mirror and the ticket before any kernel starts (kernels inherit the environment)."""
    if not config.getoption('--full-dry-run', default=False):
        return
    from course_lib.dryrun import DryRun
    from course_lib.tooling.lesson_dry_run import DryRunSession
    size = config.getoption('--dry-run-input-size')
    session = DryRunSession(DryRun(input_size=size or None))
    session.start()
    _state['session'] = session


def pytest_unconfigure(config):
    """Stop the mirror and delete its folder."""
    if _state['session'] is not None:
        _state['session'].close()
        _state['session'] = None


def _run_in_kernel(item, code: str, timeout: float = 120) -> str:
    """Run code in the item's kernel (not as a cell of the notebook); return what it printed."""
    printed: list[str] = []

    def hook(msg):
        if msg['msg_type'] == 'stream':
            printed.append(msg['content']['text'])
        elif msg['msg_type'] == 'error':
            printed.append('\n'.join(msg['content']['traceback']))

    reply = item.parent.kernel.kc.execute_interactive(code, timeout=timeout, output_hook=hook,
                                                      allow_stdin=False)
    if reply['content']['status'] != 'ok':
        raise RuntimeError(f'dry-run harness: {code!r} failed in the kernel:\n{"".join(printed)}')
    return ''.join(printed)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_call(item):
    """Before a lesson's first cell: enter the dry run in its kernel."""
    session = _state['session']
    if session is None or not _is_nbval_cell(item):
        return
    key = str(item.parent.fspath)
    if key not in _state['entered']:
        _run_in_kernel(item, session.kernel_preamble())
        _state['entered'].add(key)
        _state['started'][key] = time.perf_counter()


def _kernel_peak_mb(item) -> float:
    try:
        return float(_run_in_kernel(item, 'import course_lib.tooling.lesson_dry_run as _d; '
                                          'print(_d.peak_memory_mb()); del _d').strip().split()[-1])
    except Exception:  # a dead kernel: the lesson's own failure is reported by nbval
        return float('nan')


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_teardown(item, nextitem):
    """After each cell: the kernel's peak memory (to name the cell that raised it most); after a
    lesson's last cell (its kernel still running): the lesson's time and peak memory."""
    if _state['session'] is None or not _is_nbval_cell(item):
        return
    key = str(item.parent.fspath)
    peak = _kernel_peak_mb(item)
    before, biggest = _state['cells'].get(key, (peak, (0.0, 'no cell')))  # the first: the baseline
    if peak - before > biggest[0]:
        line = next((ln for ln in item.cell.source.splitlines() if ln.strip()), '')
        biggest = (peak - before, f'code cell {item.cell_num + 1} `{line.strip()[:60]}`')
    _state['cells'][key] = (max(before, peak), biggest)
    if nextitem is not None and nextitem.parent is item.parent:
        return
    seconds = time.perf_counter() - _state['started'].get(key, time.perf_counter())
    _state['rows'].append((item.parent.fspath.basename, seconds, peak, biggest))


def pytest_terminal_summary(terminalreporter):
    """Each lesson's wall time and peak memory (the kernel and its finished children)."""
    if not _state['rows']:
        return
    session = _state['session']
    size = getattr(getattr(session, 'run', None), 'input_size', None)
    terminalreporter.section(f'full-profile dry run (input size {size or "real"})')
    for name, seconds, peak, (rise, cell) in _state['rows']:
        most = f'  (most added: +{rise / 1024:.2f} GB by {cell})' if rise >= 10 else ''
        terminalreporter.write_line(f'{name:40s} {seconds / 60:6.1f} min  peak memory {peak / 1024:5.2f} GB{most}')
