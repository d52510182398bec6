"""cl.quiet(): hides mmengine's log lines and printed tables inside the block only."""
import logging

from mmengine.logging import MMLogger, print_log

import course_lib as cl


def test_quiet_hides_logs_and_prints_then_restores(capsys):
    logger = MMLogger.get_current_instance()
    level = logger.level
    with cl.quiet():
        print('a printed table')
        print_log('an info line', logger='current', level=logging.WARNING)
    assert 'a printed table' not in capsys.readouterr().out
    assert logger.level == level
    print('after')
    assert 'after' in capsys.readouterr().out


def test_quiet_can_lower_named_loggers_to_a_level_and_keeps_stdout(capsys):
    nncf_like = logging.getLogger('course_test_nncf')
    nncf_like.setLevel(logging.INFO)
    with cl.quiet(stdout=False, level=logging.WARNING, loggers=('course_test_nncf',)):
        assert not nncf_like.isEnabledFor(logging.INFO)
        assert nncf_like.isEnabledFor(logging.WARNING)
        print('a result')
    assert nncf_like.level == logging.INFO
    assert 'a result' in capsys.readouterr().out


def test_quiet_silences_rich_progress_bars_as_nncf_draws_them(monkeypatch):
    """NNCF's `track` draws on rich's global console; in a notebook (is_jupyter) each bar would leave
    an empty widget output. Inside quiet() the console is neither Jupyter nor audible, then restored."""
    import rich
    from nncf.common.logging.track_progress import track
    console = rich.get_console()
    monkeypatch.setattr(console, 'is_jupyter', True)  # as in a notebook kernel
    with cl.quiet(stdout=False):
        bar = track(range(3), description='statistics')
        assert bar.progress.live.console is console  # the global console NNCF uses...
        assert not console.is_jupyter and console.quiet  # ...draws no widget and prints nothing
        assert list(bar) == [0, 1, 2]
    assert console.is_jupyter and not console.quiet
