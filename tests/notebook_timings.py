"""pytest plugin (make notebooks): print how long each notebook took, summed over its cells."""
from collections import defaultdict

_seconds: dict[str, float] = defaultdict(float)
_failed: set[str] = set()


def pytest_runtest_logreport(report):
    """Add each cell's time to its notebook's total."""
    path = report.nodeid.split('::')[0]
    if path.endswith('.ipynb'):
        _seconds[path] += report.duration
        if report.failed:
            _failed.add(path)


def pytest_terminal_summary(terminalreporter):
    """Print one line per notebook."""
    if not _seconds:
        return
    terminalreporter.section('notebook timings')
    for path, seconds in sorted(_seconds.items()):
        status = 'FAILED' if path in _failed else 'ok'
        terminalreporter.write_line(f'{seconds:7.1f} s  {status:6}  {path}')
    terminalreporter.write_line(f'{sum(_seconds.values()):7.1f} s  total')
