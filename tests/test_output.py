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
