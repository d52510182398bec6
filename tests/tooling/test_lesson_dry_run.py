"""The lessons' dry run is entered only with the live harness's ticket (course_lib/tooling/lesson_dry_run.py)."""
import json

import pytest

import course_lib  # noqa: F401
from course_lib import dryrun
from course_lib.tooling import lesson_dry_run, loopback
from course_lib.tooling.loopback import dl
from course_lib.settings import REPO_ROOT


@pytest.fixture
def restore():
    hub = dict(dl.HUB)
    yield
    lesson_dry_run._KEPT.close()
    dryrun._set_active(None)
    dl.HUB.clear()
    dl.HUB.update(hub)


def _ticket(folder, mirror, **changes):
    path = lesson_dry_run.write_ticket(folder, mirror, dryrun.DryRun())
    if changes:
        content = json.loads(path.read_text())
        content.update(changes)
        path.write_text(json.dumps(content))
    return path


def test_a_live_ticket_redirects_the_hub_accepts_fixtures_and_sets_the_caps(tmp_path, restore):
    served = tmp_path / 'served'
    served.mkdir()
    with loopback.loopback_server(served) as base:
        run = lesson_dry_run.enter_dry_run(_ticket(tmp_path, base))
        assert dryrun.active() == run and run.mirror == base
        assert all(r.url.startswith(base + '/') and not r.mirrors for r in dl.HUB.values())
        assert dl._ACCEPT_FIXTURES


def test_tickets_that_are_not_the_live_harnesss_are_refused(tmp_path, restore):
    with pytest.raises(lesson_dry_run.DryRunTicketError, match='no dry-run ticket'):
        lesson_dry_run.enter_dry_run(tmp_path / lesson_dry_run.TICKET_NAME)
    dead = _ticket(tmp_path, 'http://127.0.0.1:9')  # discard port: nothing answers
    with pytest.raises(lesson_dry_run.DryRunTicketError, match='does not answer'):
        lesson_dry_run.enter_dry_run(dead)
    with pytest.raises(lesson_dry_run.DryRunTicketError, match='not a loopback server'):
        lesson_dry_run.enter_dry_run(_ticket(tmp_path, 'http://example.org'))
    with pytest.raises(lesson_dry_run.DryRunTicketError, match='not written by'):
        lesson_dry_run.enter_dry_run(_ticket(tmp_path, 'http://127.0.0.1:9', harness='me'))
    inside = REPO_ROOT / 'data' / 'ticket-test'
    inside.mkdir(parents=True, exist_ok=True)
    try:
        with pytest.raises(lesson_dry_run.DryRunTicketError, match='inside the repository'):
            lesson_dry_run.enter_dry_run(_ticket(inside, 'http://127.0.0.1:9'))
    finally:
        (inside / lesson_dry_run.TICKET_NAME).unlink()
        inside.rmdir()
    assert dryrun.active() is None and not dl._ACCEPT_FIXTURES
