"""Showing videos inline: an embedded player and a frame slider (reading and writing: course_lib.video)."""
from __future__ import annotations

import io
import os
from typing import Callable

import numpy as np


def show_video(path: str | os.PathLike, width: int = 480):
    """Return an inline, embedded video player for a notebook cell."""
    from IPython.display import Video  # here: notebook-only packages load when a player is shown
    return Video(str(path), embed=True, width=width, html_attributes='controls loop muted autoplay')


def frame_slider(frames: np.ndarray, draw: Callable[[int, np.ndarray], np.ndarray] | None = None,
                 width: int = 480):
    """Return an ipywidgets slider that steps through frames, each optionally drawn on by draw(i, f)."""
    import ipywidgets as widgets  # here: see show_video
    from PIL import Image

    image = widgets.Image(format='png', width=width)
    slider = widgets.IntSlider(0, 0, len(frames) - 1, description='frame', continuous_update=False)

    def render(change=None):
        i = slider.value
        frame = frames[i] if draw is None else draw(i, frames[i].copy())
        buffer = io.BytesIO()
        Image.fromarray(frame).save(buffer, format='png')
        image.value = buffer.getvalue()

    slider.observe(render, names='value')
    render()
    return widgets.VBox([slider, image])
