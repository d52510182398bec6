"""Worked solutions of lesson 03's exercises (for teachers and for tests/test_exercises.py)."""


def solve_03_1():
    """Only the horizontal motions change under a left-right mirror; Rotate turns both ways already."""
    return {'MoveLeft', 'MoveRight'}


def solve_03_2():
    """Two processes of 8 clips make the one-process step of 16 clips at the same lr.

    Equally right: {'optim_wrapper.optimizer.lr': 6e-3} (16 clips per process, lr doubled), or
    {'auto_scale_lr.enable': True, 'auto_scale_lr.base_batch_size': 16}.
    """
    return {'train_dataloader.batch_size': 8}


def solve_03_3():
    """Clip frames 6..13 of the folder: offset 6, 8 frames, label 5."""
    from course_lib.data.annotation_lists import ClipEntry
    return ClipEntry('Rotate/v_Rotate_g03_c02', 5, 0, 16, 6, 14, 8).to_rawframe_entry().to_line()


SOLUTIONS = {'03.1': solve_03_1, '03.2': solve_03_2, '03.3': solve_03_3}
