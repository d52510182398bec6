"""Lesson 08 takes lesson 06's detector data from the real BCCD shipped with the course."""
import json
from pathlib import Path

from course_lib import configs, trained
from course_lib.configs import load_config
from course_lib.data import coco

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
