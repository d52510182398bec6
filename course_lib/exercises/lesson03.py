"""Checkers for lesson 03's exercises (flips and labels, scaling out, clip lists with offsets)."""
from __future__ import annotations

from ..configs import for_lesson, load_config
from .registry import exercise

CONFIG = for_lesson('03', 'recognizer', 'smoke')  # the exercises are about the smoke config
CLIP_LINE = 'Rotate/v_Rotate_g03_c02 5 0 16 6 14 8'  # OTX's clip format, shown in the notebook


@exercise('03.1', 'Which classes of the motion set would a horizontal flip give the wrong label? '
          'Answer with the set of class names.', starter=set(),
          shape='a set of class names of the motion set, e.g. {"Grow"}')
def flip_breaks(answer) -> str | None:
    """Right when the answer names exactly the classes whose motion a left-right mirror changes."""
    from ..data.synthetic.motion_clips import MOTIONS
    if not isinstance(answer, (set, frozenset, list, tuple)):
        return 'answer with a set of class names, e.g. {"Grow"}.'
    names = set(answer)
    unknown = names - set(MOTIONS)
    if unknown:
        return f'{sorted(unknown)} are not classes of the set; the classes are {list(MOTIONS)}.'
    if names == {'MoveLeft', 'MoveRight'}:
        return None
    if not names:
        return ('the config removed the Flip for a reason: mirror each class\'s motion in your head '
                '(x becomes width - x) and ask whether it is still the same class.')
    if names & {'MoveUp', 'MoveDown', 'Grow'}:
        return ('a horizontal flip changes x only: a vertical motion or a change of size looks the '
                'same in the mirror.')
    if 'Rotate' in names:
        return ('the Rotate clips turn either way already (both directions are in the class), so a '
                'mirrored rotation is still a Rotate clip.')
    return 'one class alone cannot be wrong after a flip: what does its mirror image look like?'


def _effective_lr_per_clip(cfg, processes: int) -> tuple[float, int]:
    """The learning rate per clip of one optimizer step on `processes` processes, and that batch."""
    total = int(cfg.train_dataloader.batch_size) * processes
    lr = float(cfg.optim_wrapper.optimizer.lr)
    scale = cfg.get('auto_scale_lr') or {}
    if scale.get('enable'):  # mmengine's Runner scales the lr by total / base_batch_size
        lr *= total / float(scale['base_batch_size'])
    return lr / total, total


@exercise('03.2', 'Give the cfg-options (a dict) with which `torchrun --nproc_per_node=2` trains the '
          'smoke config with the same learning rate per clip as one process does.', starter={},
          shape='a dict of cfg-options {"dotted.config.key": value}')
def two_processes(answer) -> str | None:
    """Right when, on two processes, lr / (clips per step) equals the one-process value."""
    if not isinstance(answer, dict):
        return "answer with a dict of dotted config keys, e.g. {'train_cfg.max_epochs': 10}."
    one, _ = _effective_lr_per_clip(load_config(CONFIG), 1)
    cfg = load_config(CONFIG, answer)
    two, total = _effective_lr_per_clip(cfg, 2)
    if cfg.train_cfg.max_epochs != load_config(CONFIG).train_cfg.max_epochs:
        return 'keep the schedule (max_epochs): change only the batch or the learning rate.'
    if abs(two / one - 1) < 1e-6:
        return None
    return (f'with these options one step on two processes averages the loss over {total} clips, '
            f'at a learning rate per clip {two / one:.2g} times the one-process value: it must be '
            '1. Count the clips of one step over both processes, and compare the learning rate '
            'per clip with one process\'s.')


@exercise('03.3', f'Write the line of a rawframe list with offsets (RawframeDataset(with_offset=True)) '
          f'that reads exactly the clip of this OTX clip line: {CLIP_LINE!r}.', starter='')
def clip_to_offset_line(answer) -> str | None:
    """Right when mmaction would read the same frames as the clip line describes."""
    from ..data.annotation_lists import ClipEntry, RawframeEntry
    folder, label, video_start, video_end, clip_start, clip_end, fps = CLIP_LINE.split()
    want = ClipEntry(folder, int(label), int(video_start), int(video_end), int(clip_start),
                     int(clip_end), float(fps)).to_rawframe_entry()
    fields = str(answer).split()
    if len(fields) == 7:
        return 'that is still the clip format; a rawframe line with offset has four fields.'
    if len(fields) != 4:
        return ('a rawframe line with offset has four fields: <frame folder> <offset> '
                '<number of frames> <label>.')
    try:
        got = RawframeEntry(fields[0], int(fields[2]), int(fields[3]), offset=int(fields[1]))
    except ValueError:
        return 'offset, number of frames and label are integers.'
    if got.frame_dir != want.frame_dir:
        return 'the folder is the first field of the clip line, unchanged.'
    if got.label != want.label:
        return 'the label is the second field of the clip line.'
    if got.offset != want.offset:
        return ('the offset is the number of frames mmaction skips in the folder before the clip '
                'starts (frame ids are 0-based in the clip line).')
    if got.total_frames != want.total_frames:
        return 'the number of frames is the length of the clip; its end is exclusive.'
    return None
