"""Worked solutions of lesson 01's exercises (for teachers and for tests/test_exercises.py)."""
import course_lib as cl


def solve_01_1():
    """One clip label; instants; a label per frame; boxes + time; intervals."""
    return {'a': 'recognition', 'b': 'spotting', 'c': 'segmentation',
            'd': 'spatio-temporal detection', 'e': 'localization'}


def solve_01_2():
    """Override the head's class count, build from the registry, count."""
    from mmengine.config import Config
    from mmengine.registry import init_default_scope

    from course_lib.inference import installed_config
    cfg = Config.fromfile(installed_config(
        'mmaction::recognition/x3d/x3d_s_13x6x1_facebook-kinetics400-rgb.py'))
    cfg.merge_from_dict({'model.cls_head.num_classes': 10})
    init_default_scope(cfg.default_scope)
    from mmaction.registry import MODELS
    return sum(p.numel() for p in MODELS.build(cfg.model).parameters())


def solve_01_3():
    """Append one AVARow to the lesson's rows and write them."""
    from course_lib.data import ava
    from course_lib import format_examples
    files = format_examples.write_examples(cl.data_dir() / 'lesson01')
    labels = ava.read_label_map(files.ava_label_map)
    stand = next(i for i, name in labels.items() if name == 'stand')
    rows = ava.read_csv(files.ava_csv) + [ava.AVARow('bigbuckbunny', 3, (0.60, 0.40, 0.90, 0.95),
                                                     stand, 1)]
    return ava.write_csv(cl.data_dir() / 'lesson01' / 'exercise_ava.csv', rows)


SOLUTIONS = {'01.1': solve_01_1, '01.2': solve_01_2, '01.3': solve_01_3}
