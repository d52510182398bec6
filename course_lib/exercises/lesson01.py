"""Checkers for lesson 01's exercises."""
from __future__ import annotations

from pathlib import Path

from .registry import exercise, whole

TASKS = {'recognition': 'recognition', 'action recognition': 'recognition',
         'localization': 'localization', 'temporal localization': 'localization',
         'temporal action localization': 'localization',
         'spatio-temporal detection': 'spatio-temporal detection',
         'spatiotemporal detection': 'spatio-temporal detection',
         'spatio-temporal action detection': 'spatio-temporal detection',
         'segmentation': 'segmentation', 'action segmentation': 'segmentation',
         'spotting': 'spotting', 'action spotting': 'spotting', 'event spotting': 'spotting'}
SCENARIOS = {'a': ('recognition', 'is there more than one label per clip, or any time or place?'),
             'b': ('spotting', 'does a goal have a duration?'),
             'c': ('segmentation', 'how many labels does each frame get, and may frames have none?'),
             'd': ('spatio-temporal detection', 'you must say *who*: where in the frame is that?'),
             'e': ('localization', 'several intervals with a start and an end, no boxes.')}


@exercise('01.1', 'Name the task of each scenario (a)-(e).', starter={k: None for k in SCENARIOS})
def which_task(answer: dict) -> str | None:
    """Right when every scenario is mapped to its task (synonyms accepted)."""
    if not isinstance(answer, dict) or set(answer) != set(SCENARIOS):
        return 'answer with a dict {"a": task, ..., "e": task}.'
    wrong = [k for k, (task, _) in SCENARIOS.items()
             if TASKS.get(str(answer[k]).strip().lower()) != task]
    if wrong:
        return f'{len(wrong)} of 5 wrong. For ({wrong[0]}): {SCENARIOS[wrong[0]][1]}'
    return None


def _x3d_params(num_classes: int) -> int:
    from mmengine.config import Config
    from mmengine.registry import init_default_scope

    from ..complexity import count_parameters
    from ..inference import installed_config
    from ..inference.recognition import RECOGNIZER_CONFIG
    cfg = Config.fromfile(str(installed_config(RECOGNIZER_CONFIG)))
    cfg.merge_from_dict({'model.cls_head.num_classes': num_classes})
    init_default_scope('mmaction')
    from mmaction.registry import MODELS
    return count_parameters(MODELS.build(cfg.model))


@exercise('01.2', 'Give the parameter count of X3D-S with a 10-class head.', starter=None,
          shape='a whole number (the parameter count)')
def x3d_ten_classes(answer) -> str | None:
    """Right when the count equals the 10-class X3D-S built from the installed config."""
    if answer is None:
        return 'build the model with MODELS.build(cfg.model) and count its parameters with count_parameters, as the lesson did.'
    expected = _x3d_params(10)
    if whole(answer) == _x3d_params(400):
        return 'that is the 400-class model: did merge_from_dict run before MODELS.build?'
    if whole(answer) != expected:
        return ('not the 10-class X3D-S: change only model.cls_head.num_classes, and count all '
                'parameters (model.parameters()).')
    return None


@exercise('01.3', 'Write the AVA rows with a second person at second 3; give the CSV path.',
          starter=None,
          shape='a path (str or pathlib.Path) of the CSV you wrote')
def second_person(answer) -> str | None:
    """Right when the CSV holds the lesson's rows plus person 1 standing at second 3."""
    from ..data import ava
    from .. import format_examples
    if not answer or not Path(answer).is_file():
        return 'write the rows with ava.write_csv(path, rows) and give that path.'
    rows = ava.read_csv(answer)
    ids = {c: i + 1 for i, c in enumerate(format_examples.CLASSES)}
    lesson = {(t, box, ids[a], 0) for t, (box, acts) in format_examples.KEYFRAMES.items() for a in acts}
    have = {(r.timestamp, r.box, r.action_id, r.person_id) for r in rows}
    if not lesson <= have:
        return 'start from the lesson\'s rows (ava.read_csv(files.ava_csv)) and append to them.'
    new = [r for r in rows if r.person_id == 1]
    if len(new) != 1 or new[0].timestamp != 3 or new[0].action_id != ids['stand']:
        return 'add exactly one row: person_id 1, timestamp 3, the label-map id of "stand".'
    if max(abs(a - b) for a, b in zip(new[0].box, (0.60, 0.40, 0.90, 0.95))) > 0.005:
        return 'the box is (x1, y1, x2, y2) normalised: check the order of the numbers.'
    if len(ava.group_by_keyframe(rows)['bigbuckbunny,0003']) != 2:
        return 'at second 3 there should now be two persons.'
    return None
