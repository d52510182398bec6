"""Lesson 00's profile selector: toggle buttons that say how to start the lessons in a profile."""
from __future__ import annotations

from ..settings import PROFILES, code_to_html, profile, profile_text


def switch_instructions(name: str) -> str:
    """How to run the lessons in profile `name`, and what that profile runs, as HTML."""
    if name not in PROFILES:
        from ..errors import InputError
        raise InputError(f'{name!r} is not a profile: choose one of {", ".join(PROFILES)}.')
    text = (f'Start JupyterLab with `COURSE_PROFILE={name} make lab` to run the lessons in '
            f'{name}: {profile_text(name)}')
    return code_to_html(text).replace(f'in {name}:', f'in <b>{name}</b>:', 1)


def profile_selector():
    """Toggle buttons for the two profiles (starting at the active one) and the instructions for the chosen one."""
    import ipywidgets as widgets  # here: notebook-only packages load when a widget is made
    choice = widgets.ToggleButtons(options=list(PROFILES), value=profile(), description='profile')
    hint = widgets.HTML(switch_instructions(choice.value))

    def explain(change) -> None:
        hint.value = switch_instructions(change['new'])

    choice.observe(explain, names='value')
    return widgets.VBox([choice, hint])
