"""Lesson 00's profile selector starts at the active profile and explains the one chosen."""
import pytest

from course_lib.errors import InputError
from course_lib.settings import PROFILE_TEXT
from course_lib.viz.profile import profile_selector, switch_instructions


@pytest.mark.parametrize('active, other', [('smoke', 'full'), ('full', 'smoke')])
def test_selector_starts_at_the_active_profile_and_follows_the_choice(monkeypatch, active, other):
    monkeypatch.setenv('COURSE_PROFILE', active)
    box = profile_selector()
    choice, hint = box.children
    assert choice.value == active and list(choice.options) == ['smoke', 'full']
    assert f'<code>COURSE_PROFILE={active} make lab</code>' in hint.value
    choice.value = other
    assert f'<code>COURSE_PROFILE={other} make lab</code>' in hint.value
    assert f'<b>{other}</b>' in hint.value and PROFILE_TEXT[other][:40] in hint.value


def test_instructions_are_html_without_markdown_and_refuse_an_unknown_profile():
    text = switch_instructions('full')
    assert '`' not in text and '**' not in text
    with pytest.raises(InputError, match="'fast' is not a profile"):
        switch_instructions('fast')
