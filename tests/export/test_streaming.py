"""Lesson 08's calibration and accuracy-control sets stream from the data set: an item is made when
NNCF reads it, NNCF reads only the subset it is given, and the dry run caps the subset sizes."""
import numpy as np
import pytest
import torch
from torch import nn

from course_lib import dryrun
from course_lib.export import cases, quantize
from course_lib.export.convert import to_ir
from course_lib.export.tasks import Stream, top1_items


class Counted:
    """make(index) for a Stream that records which indices were made."""

    def __init__(self):
        self.made = []

    def __call__(self, i):
        self.made.append(i)
        return np.random.default_rng(i).normal(size=(1, 8)).astype(np.float32)


@pytest.fixture(scope='module')
def mlp_xml(tmp_path_factory):
    torch.manual_seed(0)
    net = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 3)).eval()
    return to_ir(net, torch.zeros(1, 8), tmp_path_factory.mktemp('ir') / 'mlp.xml')


def test_a_stream_makes_nothing_until_read_and_each_item_when_read():
    make = Counted()
    stream = Stream(make, range(1000))
    assert len(stream) == 1000 and make.made == []
    sub = stream.spread(5)
    assert len(sub) == 5 and make.made == []
    assert [i for i, _ in zip(sub.indices, sub)] == [0, 249, 499, 749, 999]
    assert make.made == [0, 249, 499, 749, 999]
    assert list(sub.map(lambda x: x.shape)) == [(1, 8)] * 5  # iterable again, made again


def test_quantize_reads_only_the_calibration_subset_from_a_stream(mlp_xml):
    make = Counted()
    int8 = quantize.quantize_int8(mlp_xml, Stream(make, range(10_000)), subset_size=12)
    assert quantize.fake_quantize_count(int8) >= 2
    assert 0 < len(make.made) <= 12  # not the 10 000 items, and never a list of all of them


def test_accuracy_control_streams_its_validation_items(mlp_xml):
    calibration, made = Counted(), Counted()
    validation = Stream(lambda i: (made(i), 0), range(30))
    quantize.quantize_with_accuracy_control(mlp_xml, Stream(calibration, range(500)), validation,
                                            quantize.top1_validation_fn, max_drop=1.0, subset_size=8)
    assert len(calibration.made) <= 8
    assert made.made and set(made.made) <= set(range(30))


def test_top1_items_batches_a_stream_like_top1_on_arrays():
    items = Stream(lambda i: (np.full((1, 2), float(i % 3)), i % 2), range(37))

    def run(x):  # class 1 when the value is positive
        return [np.stack([np.zeros(len(x)), x[:, 0]], 1)]
    accuracy, correct = top1_items(run, items, batch_size=16)
    expected = [float((i % 3 > 0) == (i % 2 == 1)) for i in range(37)]
    assert correct == expected and accuracy == pytest.approx(np.mean(expected))


def test_subset_sizes_are_the_named_parameters_or_the_dry_runs_caps(monkeypatch):
    assert cases.subset_sizes(60, None) == (60, None)  # a learner: as given, None = whole split
    assert cases.subset_sizes(60, 100) == (60, 100)
    monkeypatch.setattr(dryrun, '_ACTIVE', dryrun.DryRun(calibration_samples=3,
                                                         accuracy_control_samples=4))
    assert cases.subset_sizes(60, None) == (3, 4)
    assert cases.subset_sizes(2, 100) == (2, 4)


def test_an_empty_stream_is_refused_by_name(mlp_xml):
    with pytest.raises(ValueError, match='calibration set is empty'):
        quantize.quantize_int8(mlp_xml, Stream(Counted(), []))


def _keyframes(made: list) -> Stream:
    """Eight keyframes (one box each, action 1 or 2 by index parity) made when read."""
    from course_lib.export.stdet import Keyframe

    def make(i):
        made.append(i)
        return Keyframe(np.full((1, 3, 2, 4, 4), float(i % 2), np.float32),
                        np.array([[0, 0, 2, 2]], np.float32), f'v{i}', 902, (4, 4))
    return Stream(make, range(8))


def test_frame_map_reads_each_keyframe_once_and_equals_its_value_on_a_list():
    from course_lib.data import ava
    from course_lib.export import stdet
    labels = {1: 'walk', 2: 'wave'}
    rows = [ava.AVARow(f'v{i}', 902, (0.0, 0.0, 0.5, 0.5), 1 + i % 2) for i in range(8)]

    def run(inputs):  # the right action for every keyframe
        odd = inputs[0].mean() > 0.5
        return [np.array([[0.0, 0.1, 0.9]] if odd else [[0.0, 0.9, 0.1]], np.float32)]
    made = []
    streamed = stdet.frame_map(run, _keyframes(made), rows, labels)
    assert sorted(made) == list(range(8))  # one pass: every keyframe made exactly once
    listed = stdet.frame_map(run, list(_keyframes([])), rows, labels)
    assert streamed == listed and streamed[0] == pytest.approx(1.0)


def test_the_detection_set_makes_no_image_until_read(monkeypatch):
    from course_lib.export import tasks
    made = []

    class Dataset:
        metainfo, data_root, ann_file = {'classes': ('cell',)}, '/d', 'a.json'

        def __len__(self):
            return 50

        def __getitem__(self, i):
            made.append(i)
            return {'inputs': torch.zeros(3, 4, 4), 'data_samples': i}

    class Preprocessor:
        def __call__(self, batch, training):
            return {'inputs': torch.stack(batch['inputs']), 'data_samples': batch['data_samples']}
    monkeypatch.setattr(tasks, '_build_dataset', lambda cfg, dataset_cfg: Dataset())
    model = type('Model', (), {'data_preprocessor': Preprocessor()})()
    from mmengine.config import ConfigDict
    loader = {'dataset': {'type': 'CocoDataset', 'pipeline': []}}
    cfg = ConfigDict(val_dataloader=loader, test_dataloader=loader, train_dataloader=loader,
                     val_evaluator={'type': 'CocoMetric'})
    val = tasks.detection_set(model, cfg, 'val')
    assert len(val) == 50 and made == []  # nothing made: memory does not grow with the split
    image, samples = val[7]
    assert image.shape == (1, 3, 4, 4) and samples == [7] and made == [7]
    assert [s for _, s in val.items.spread(3)] == [[0], [24], [49]] and made == [7, 0, 24, 49]
