"""The synthetic motion set: each class really does its motion, files in UCF101 form, mmaction reads them."""
import numpy as np
import pytest

from course_lib.data.rawframes import count_frames
from course_lib.data.splits import read_ucf101_split
from course_lib.data.synthetic.motion_clips import (MOTIONS, MotionSetSpec, build_motion_set,
                                                    generate_motion_clips, render_clip)

TINY = MotionSetSpec(classes=('MoveLeft', 'MoveUp', 'Grow'), train_per_class=5, val_per_class=3,
                     size=32, frames=8)


def masks(clip):
    """Pixels of the (bright) shape on the (dark) background, per frame."""
    return clip.mean(axis=-1) > 125


def centroid_and_area(clip):
    out = []
    for m in masks(clip):
        ys, xs = np.nonzero(m)
        out.append((xs.mean(), ys.mean(), m.sum()))
    return np.array(out)


@pytest.mark.parametrize('seed', range(5))
def test_each_motion_does_what_its_name_says(seed):
    stats = {m: centroid_and_area(render_clip(m, np.random.default_rng(seed), 64, 16, noise=0))
             for m in MOTIONS}
    x, y, area = (stats['MoveRight'][:, i] for i in range(3))
    assert np.all(np.diff(x) > 0.5) and np.ptp(y) < 1 and x[-1] - x[0] > 15
    assert np.all(np.diff(stats['MoveLeft'][:, 0]) < -0.5)
    assert np.all(np.diff(stats['MoveUp'][:, 1]) < -0.5)  # image rows grow downwards
    assert np.all(np.diff(stats['MoveDown'][:, 1]) > 0.5)
    grow = stats['Grow'][:, 2]
    assert grow[-1] > 3 * grow[0] and np.ptp(stats['Grow'][:, 0]) < 2
    rotate = stats['Rotate']
    assert np.ptp(rotate[:, 2]) < 0.25 * rotate[:, 2].mean()  # same size, turning in place
    turned = masks(render_clip('Rotate', np.random.default_rng(seed), 64, 16, noise=0))
    assert np.mean(turned[0] != turned[1]) > 0.01


def test_a_left_right_flip_turns_move_left_into_move_right():
    clip = render_clip('MoveLeft', np.random.default_rng(0), 64, 16, noise=0)
    assert np.all(np.diff(centroid_and_area(clip[:, :, ::-1])[:, 0]) > 0.5)


def test_clips_are_reproducible_and_differ_between_seeds():
    a = render_clip('Grow', np.random.default_rng(3))
    assert a.shape == (16, 64, 64, 3) and a.dtype == np.uint8
    assert np.array_equal(a, render_clip('Grow', np.random.default_rng(3)))
    assert not np.array_equal(a, render_clip('Grow', np.random.default_rng(4)))


def test_files_are_in_ucf101_form_and_groups_stay_in_one_split(tmp_path):
    split = generate_motion_clips(tmp_path, TINY, progress=False)
    videos = sorted(p.relative_to(tmp_path / 'videos').as_posix()
                    for p in (tmp_path / 'videos').rglob('*.mp4'))
    assert len(videos) == 3 * 8 and videos[0] == 'Grow/v_Grow_g01_c01.mp4'
    again = read_ucf101_split(tmp_path / 'annotations', 1)  # the real UCF101 reader
    assert again.classes == list(TINY.classes)
    assert again.counts() == {'train': 15, 'test': 9} == split.counts()
    groups = {s: {e.path.split('_g')[1][:2] + e.path.split('/')[0] for e in getattr(again, s)}
              for s in ('train', 'test')}
    assert not groups['train'] & groups['test']


def test_rerun_keeps_clips_and_a_different_spec_is_refused(tmp_path):
    generate_motion_clips(tmp_path, TINY, progress=False)
    clip = tmp_path / 'videos' / 'MoveUp' / 'v_MoveUp_g01_c02.mp4'
    stamp = clip.stat().st_mtime_ns
    generate_motion_clips(tmp_path, TINY, progress=False)
    assert clip.stat().st_mtime_ns == stamp
    with pytest.raises(ValueError, match='another spec'):
        generate_motion_clips(tmp_path, MotionSetSpec(size=48), progress=False)


def test_mmaction_reads_the_videos_and_the_rawframes_alike(tmp_path):
    import course_lib  # noqa: F401  (compat fixes before mmaction)
    from mmaction.datasets import RawframeDataset, VideoDataset
    from mmengine.registry import init_default_scope
    init_default_scope('mmaction')
    lists = build_motion_set(tmp_path, TINY, progress=False)
    assert count_frames(tmp_path / 'rawframes' / 'Grow' / 'v_Grow_g03_c01') == TINY.frames
    tail = [dict(type='FormatShape', input_format='NCTHW'), dict(type='PackActionInputs')]
    sample = dict(type='SampleFrames', clip_len=4, frame_interval=2, num_clips=1, test_mode=True)
    videos = VideoDataset(str(lists['test_videos']), [dict(type='OpenCVInit'), sample,
                                                      dict(type='OpenCVDecode'), *tail],
                          data_prefix=dict(video=str(tmp_path / 'videos')), test_mode=True)
    frames = RawframeDataset(str(lists['test_rawframes']), [sample, dict(type='RawFrameDecode'), *tail],
                             data_prefix=dict(img=str(tmp_path / 'rawframes')), test_mode=True)
    assert len(videos) == len(frames) == 9
    for i in (0, 8):
        v, f = videos[i], frames[i]
        assert v['data_samples'].gt_label.item() == f['data_samples'].gt_label.item() == i // 3
        assert v['inputs'].shape == f['inputs'].shape == (1, 3, 4, 32, 32)
        # the same frames, decoded from the video or read from JPEGs (quality 95)
        assert (v['inputs'].float() - f['inputs'].float()).abs().mean() < 3
