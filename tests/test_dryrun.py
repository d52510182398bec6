"""The dry run's caps (course_lib/dryrun.py) change a full config the way they say, and nothing
outside the dry run; quality bars are asserted except in the dry run."""
import pytest

import course_lib  # noqa: F401
from course_lib import dryrun
from course_lib.configs import load_config


@pytest.fixture
def dry():
    run = dryrun.DryRun(iterations=3, eval_samples=2, input_size=64)
    dryrun._set_active(run)
    yield run
    dryrun._set_active(None)


def _steps(pipeline, kind):
    return [s for s in pipeline if s['type'] == kind]


def test_caps_shrink_schedule_data_and_input_size_but_not_the_model(dry, monkeypatch):
    monkeypatch.setenv('COURSE_PROFILE', 'smoke')  # the file names only: no fetching here
    cfg = load_config('r2plus1d_r34_hmdb51_full')
    real = load_config('r2plus1d_r34_hmdb51_full')
    dryrun.cap_config(cfg)
    assert cfg.train_cfg.max_epochs == 1 and real.train_cfg.max_epochs > 1
    train = cfg.train_dataloader
    assert train.dataset.indices == 3 * train.batch_size and train.num_workers == 0
    assert cfg.val_dataloader.dataset.indices == 2 and cfg.test_dataloader.dataset.indices == 2
    [crop] = _steps(cfg.val_dataloader.dataset.pipeline, 'CenterCrop')
    [real_crop] = _steps(real.val_dataloader.dataset.pipeline, 'CenterCrop')
    assert real_crop.crop_size == 224 and crop.crop_size == 64
    [resize] = _steps(cfg.val_dataloader.dataset.pipeline, 'Resize')
    [real_resize] = _steps(real.val_dataloader.dataset.pipeline, 'Resize')
    assert resize.scale == (-1, round(real_resize.scale[1] * 64 / 224))
    assert cfg.model == real.model  # the architecture keeps its full size


def test_load_config_applies_the_caps_only_in_the_full_profiles_dry_run(dry, monkeypatch):
    monkeypatch.setenv('COURSE_PROFILE', 'smoke')
    smoke = load_config('r2plus1d_r18_motion_smoke')
    assert 'indices' not in smoke.train_dataloader.dataset
    dryrun._set_active(None)
    monkeypatch.setattr('course_lib.zoo.fetch_config_files', lambda cfg: None)
    monkeypatch.setenv('COURSE_PROFILE', 'full')
    assert 'indices' not in load_config('bmn_2xb8-400x100-9e_activitynet-feature_full').train_dataloader.dataset
    dryrun._set_active(dry)
    capped = load_config('bmn_2xb8-400x100-9e_activitynet-feature_full')
    assert capped.train_dataloader.dataset.indices == 3 * capped.train_dataloader.batch_size


def test_input_size_none_keeps_the_real_sizes():
    pipeline = [dict(type='Resize', scale=(-1, 256)), dict(type='CenterCrop', crop_size=224)]
    dryrun.cap_pipeline(pipeline, dryrun.DryRun(input_size=None))
    assert pipeline[0]['scale'] == (-1, 256) and pipeline[1]['crop_size'] == 224
    dryrun.cap_pipeline(pipeline, dryrun.DryRun(input_size=112))
    assert pipeline[0]['scale'] == (-1, 128) and pipeline[1]['crop_size'] == 112


def test_a_quality_bar_fails_outside_the_dry_run_and_is_announced_inside(dry, capsys):
    dryrun.quality_bar(False, 'top-1 >= 0.95')
    assert 'bar not asserted: top-1 >= 0.95' in capsys.readouterr().out
    dryrun._set_active(None)
    dryrun.quality_bar(True, 'top-1 >= 0.95')
    with pytest.raises(AssertionError, match='top-1 >= 0.95'):
        dryrun.quality_bar(False, 'top-1 >= 0.95')


def test_capped_counts_and_unknown_settings():
    assert dryrun.capped(60, 'calibration_samples') == 60
    dryrun._set_active(dryrun.DryRun(calibration_samples=4))
    try:
        assert dryrun.capped(60, 'calibration_samples') == 4 and dryrun.capped(3, 'calibration_samples') == 3
    finally:
        dryrun._set_active(None)
    with pytest.raises(ValueError, match='unknown dry-run settings'):
        dryrun.from_dict({'iterations': 1, 'skip_verification': True})


def test_a_generated_set_is_capped_in_the_dry_run_only(tmp_path):
    from course_lib.data.synthetic.motion_clips import MotionSetSpec, generate_motion_clips
    from course_lib.data.synthetic.untrimmed_motion import UntrimmedSpec
    spec = MotionSetSpec(classes=('MoveLeft', 'Grow'), train_per_class=6, val_per_class=5, size=32, frames=4)
    real = generate_motion_clips(tmp_path / 'real', spec, progress=False)
    assert real.counts() == {'train': 12, 'test': 10}
    assert dryrun.capped_spec(spec, train_per_class='split_samples') is spec
    dryrun._set_active(dryrun.DryRun(split_samples=2, eval_samples=1))
    try:
        split = generate_motion_clips(tmp_path / 'dry', spec, progress=False)
        capped = dryrun.capped_spec(UntrimmedSpec(), num_train='split_samples', num_test='eval_samples')
    finally:
        dryrun._set_active(None)
    assert split.counts() == {'train': 4, 'test': 4} and split.classes == ['MoveLeft', 'Grow']
    assert len(list((tmp_path / 'dry' / 'videos').rglob('*.mp4'))) == 8
    assert (capped.num_train, capped.num_test) == (2, 1) and capped.size == UntrimmedSpec().size
