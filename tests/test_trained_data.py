"""Lesson 08 takes lesson 06's detector data from the real BCCD shipped with the course."""
import json
from pathlib import Path

import pytest

from course_lib import configs, dryrun, trained
from course_lib.configs import load_config
from course_lib.data import coco
from course_lib.errors import MissingFileError

DETECTOR = configs.for_lesson('06', 'detector', 'smoke')


def test_detector_data_is_the_real_bccd_where_its_config_reads(tmp_path, monkeypatch):
    monkeypatch.setenv('COURSE_DATA_DIR', str(tmp_path))
    root = trained.prepare_data(DETECTOR)
    assert root == tmp_path / 'bccd'
    train = json.loads((root / 'train' / coco.ANNOTATION_FILE).read_text())
    assert len(train['images']) == 205  # the official BCCD train split, not a generated set
    assert all(i['file_name'].startswith('BloodImage_') for i in train['images'])
    cfg = load_config(DETECTOR, work_dir_=str(tmp_path / 'work'))
    for loader in (cfg.train_dataloader, cfg.val_dataloader, cfg.test_dataloader):
        assert loader.dataset.data_root.rstrip('/') == str(root)
    assert cfg.test_evaluator.ann_file == str(root / 'test' / coco.ANNOTATION_FILE)


def _mark_last(work: Path, name: str) -> None:
    (work / name).write_bytes(b'')
    (work / 'last_checkpoint').write_text(str(work / name))


def test_only_a_finished_run_counts_as_trained_and_it_is_not_trained_again(tmp_path, monkeypatch):
    """An interrupted run (epoch 3 of 16) is no trained model; a finished one is reused as it is."""
    monkeypatch.setenv('COURSE_DATA_DIR', str(tmp_path))
    from course_lib.settings import work_dir
    work = work_dir(DETECTOR)
    assert trained.finished_checkpoint(DETECTOR) is None
    _mark_last(work, 'epoch_3.pth')
    assert trained.finished_checkpoint(DETECTOR) is None
    last = f'epoch_{load_config(DETECTOR).train_cfg.max_epochs}.pth'
    _mark_last(work, last)
    assert trained.finished_checkpoint(DETECTOR) == work / last

    def no_training(*args, **kwargs):
        raise AssertionError('a finished model was trained again')
    monkeypatch.setattr(trained, 'train', no_training)
    assert trained.trained_checkpoint(DETECTOR) == work / last


RECOGNIZER_FULL = configs.for_lesson('03', 'recognizer', 'full')


def test_a_missing_full_model_is_never_trained_and_the_error_names_the_lesson(tmp_path, monkeypatch):
    monkeypatch.setenv('COURSE_DATA_DIR', str(tmp_path))
    monkeypatch.setenv('COURSE_PROFILE', 'full')

    def no_training(*args, **kwargs):
        raise AssertionError('a full-profile model was trained behind the learner\'s back')
    monkeypatch.setattr(trained, 'train', no_training)
    with pytest.raises(MissingFileError) as err:
        trained.trained_checkpoint(RECOGNIZER_FULL)
    text = str(err.value)
    assert 'lesson 03 (03_finetune_recognizer.ipynb)' in text
    assert f'python -m course_lib.train {RECOGNIZER_FULL}' in text


def test_the_dry_runs_capped_full_run_counts_as_finished(tmp_path, monkeypatch):
    """In the full profile's dry run an earlier lesson trains one epoch: lesson 08 takes that checkpoint."""
    monkeypatch.setenv('COURSE_DATA_DIR', str(tmp_path))
    monkeypatch.setenv('COURSE_PROFILE', 'full')
    monkeypatch.setattr('course_lib.zoo.fetch_config_files', lambda cfg: None)  # offline
    from course_lib.settings import work_dir
    work = work_dir(RECOGNIZER_FULL)
    _mark_last(work, 'epoch_1.pth')
    assert trained.finished_checkpoint(RECOGNIZER_FULL) is None  # a learner's run: 1 of its epochs
    monkeypatch.setattr(dryrun, '_ACTIVE', dryrun.DryRun())
    assert trained.finished_checkpoint(RECOGNIZER_FULL) == work / 'epoch_1.pth'
    assert trained.trained_checkpoint(RECOGNIZER_FULL) == work / 'epoch_1.pth'
