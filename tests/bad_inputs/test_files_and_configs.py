"""Wrong files and config keys are refused: checkpoints of another model (or unreadable ones), IR given a
.pth, cfg-options keys that do not exist or that the config already used, and the sanity kit's checks."""
from __future__ import annotations

from pathlib import Path

import pytest

from course_lib.checkpoints import CheckpointMismatchError
from course_lib.errors import CheckpointError, ConfigError

from .conftest import RAW_BMN, RECOGNIZER


def _broken(tmp_path: Path, good: Path, kind: str) -> Path:
    path = tmp_path / f'{kind}.pth'
    if kind == 'truncated':
        path.write_bytes(good.read_bytes()[:5000])
    elif kind == 'text':
        path.write_text('this is not a checkpoint')
    return path  # 'missing': never written


@pytest.mark.parametrize('kind, error, words', [
    ('truncated', CheckpointMismatchError, ['truncated.pth', 'not a readable PyTorch checkpoint']),
    ('text', CheckpointMismatchError, ['text.pth', 'not a readable PyTorch checkpoint']),
    ('missing', FileNotFoundError, ['missing.pth', 'does not exist']),
])
def test_unreadable_checkpoints_name_the_file(recognizer, tmp_path, kind, error, words):
    from course_lib.inference.recognition import load_recognizer
    _, cfg, good = recognizer
    with pytest.raises(error) as err:
        load_recognizer(_broken(tmp_path, good, kind), cfg.copy())
    assert all(w in str(err.value) for w in words)


def test_a_checkpoint_of_another_architecture_is_refused_everywhere(recognizer, bmn_checkpoint):
    from course_lib.inference.localization import TemporalActionDetector
    from course_lib.inference.recognition import load_recognizer
    _, cfg, rec_ckpt = recognizer
    with pytest.raises(CheckpointMismatchError, match=f'{bmn_checkpoint} does not fit the model'):
        load_recognizer(bmn_checkpoint, cfg.copy())
    with pytest.raises(CheckpointMismatchError, match=f'{rec_ckpt} does not fit the model BMNwActionCls'):
        TemporalActionDetector.from_configs(RECOGNIZER, rec_ckpt, RAW_BMN, rec_ckpt)
    with pytest.raises(CheckpointMismatchError, match='does not fit'):
        TemporalActionDetector.from_configs(RECOGNIZER, bmn_checkpoint, RAW_BMN, bmn_checkpoint)


def test_the_ava_model_refuses_a_recognizer_checkpoint(recognizer):
    from course_lib.configs import config_path
    from course_lib.inference.spatiotemporal import load_ava_model
    with pytest.raises(CheckpointMismatchError, match='does not fit the model'):
        load_ava_model(recognizer[2], config=str(config_path('slowonly_r18_8xb8-8x2x1-6e_ava-synthetic_smoke')))


def test_resuming_from_a_truncated_last_checkpoint_names_it(recognizer, tmp_path):
    from course_lib.configs import load_config
    from course_lib.train import build_runner
    bad = _broken(tmp_path, recognizer[2], 'truncated')
    (tmp_path / 'last_checkpoint').write_text(str(bad))
    with pytest.raises(CheckpointMismatchError) as err:
        build_runner(load_config(RECOGNIZER, work_dir_=tmp_path))
    assert str(bad) in str(err.value) and '--no-resume' in str(err.value)


def test_load_from_may_differ_only_in_the_replaced_classifier(recognizer, tmp_path):
    import torch

    from course_lib.configs import load_config
    from course_lib.train import build_runner
    state = torch.load(recognizer[2], weights_only=False)['state_dict']
    state = {k: (v[:3] if k.startswith('cls_head.fc_cls') else v) for k, v in state.items()}
    path = tmp_path / 'three_classes.pth'  # as a checkpoint fine-tuned on 3 classes
    torch.save({'state_dict': state}, path)
    runner = build_runner(load_config(RECOGNIZER, {'load_from': str(path)}, tmp_path / 'w'))
    assert runner is not None  # a new head on the same backbone: allowed
    first = next(k for k in state if k.startswith('backbone.'))
    del state[first]
    torch.save({'state_dict': state}, path)
    with pytest.raises(CheckpointMismatchError, match=f'missing from the checkpoint: {first}'):
        build_runner(load_config(RECOGNIZER, {'load_from': str(path)}, tmp_path / 'w2'))


def test_ir_recognizer_given_a_pth(recognizer, tmp_path):
    from course_lib.inference.recognition import IRRecognizer
    with pytest.raises(CheckpointError, match=r'not an OpenVINO IR.*load_recognizer'):
        IRRecognizer(recognizer[2], recognizer[1])
    xml = tmp_path / 'model.xml'
    xml.write_text('<net/>')
    with pytest.raises(CheckpointError, match='model.bin are missing'):
        IRRecognizer(xml, recognizer[1])
    xml.with_suffix('.bin').write_bytes(b'')
    with pytest.raises(CheckpointError, match='OpenVINO could not read or compile') as err:
        IRRecognizer(xml, recognizer[1])
    assert err.value.__cause__ is not None  # the library's exception is kept


CFG_CASES = [
    ({'max_epochs': 1}, ['max_epochs is a variable', 'train_cfg.max_epochs=1']),
    ({'batch_size': 4}, ['batch_size is a variable', 'train_dataloader.batch_size=4']),
    ({'train_cfg.max_epoch': 1}, ["no key 'max_epoch'", 'did you mean train_cfg.max_epochs']),
    ({'model.cls_head.num_classes.x': 1}, ['model.cls_head.num_classes is a value']),
    ({'model.cls_head.num_clases': 3}, ['did you mean model.cls_head.num_classes']),
    ({'train_dataloader.dataset.pipeline.42.scale': 3}, ['a list of', 'number 0..']),
    ({'nosuchkey.x': 1}, ["no key 'nosuchkey' in the top level"]),
    ({'train_cfg.max_epochs': 0}, ['max_epochs must be > 0']),
    ({'optim_wrapper.optimizer.lr': -0.1}, ['lr must be > 0']),
    ({'model.cls_head.dropout_ratio': 1.5}, ['dropout_ratio must lie between 0 and 1']),
    ({'train_dataloader.batch_size': 'eight'}, ["batch_size must be a number, got 'eight'"]),
    ({'train_dataloader.num_workers': -2}, ['num_workers must be >= 0']),
]


@pytest.mark.parametrize('options, words', CFG_CASES, ids=[f'{k}={v}' for c in CFG_CASES for k, v in c[0].items()])
def test_cfg_options_that_would_do_nothing_or_crash(options, words):
    from course_lib.configs import load_config
    with pytest.raises(ConfigError) as err:
        load_config(RECOGNIZER, options)
    assert all(w in str(err.value) for w in words), str(err.value)


@pytest.mark.parametrize('config, options', [
    (RECOGNIZER, {'train_cfg.max_epochs': 3, 'model.cls_head.num_classes': 6}),
    (RECOGNIZER, {'train_dataloader.dataset.pipeline.0.clip_len': 4}),
    ('bmn_1xb4-400x32-2e_activitynet-synthetic_smoke',  # lesson 05: a new model type takes new keys
     {'model.type': 'BMNwActionCls', 'model.num_action_classes': 6}),
    ('bmn_1xb4-400x32-2e_activitynet-synthetic_smoke', {'model.soft_nms_alpha': 0.1}),
    ('slowonly_r18_8xb8-8x2x1-6e_ava-synthetic_smoke', {'test_dataloader.dataset.proposal_file': 'x.pkl'}),
])
def test_cfg_options_the_lessons_use_are_accepted(config, options):
    from course_lib.configs import load_config
    cfg = load_config(config, options)
    key, value = next(iter(options.items()))
    assert cfg[key.split('.')[0]] is not None and str(cfg.get(key.split('.')[0]))  # merged
    if key == 'train_cfg.max_epochs':
        assert cfg.train_cfg.max_epochs == value


def test_sanity_refuses_num_action_classes_that_do_not_fit(tmp_path, monkeypatch):
    from course_lib import sanity
    from course_lib.configs import load_config
    from course_lib.data.synthetic.anet_features import SyntheticAnetSpec, prepare_synthetic
    monkeypatch.setenv('COURSE_DATA_DIR', str(tmp_path))  # the config's data_root
    prepare_synthetic(SyntheticAnetSpec(num_train=8, num_val=4), tmp_path / 'activitynet_synthetic_t32',
                      progress=False)
    for count, ok in ((20, False), (2, False), (6, True)):  # 5 classes + background
        cfg = load_config('bmn_cls_1xb2-400x32-1e_activitynet-synthetic_smoke',
                          {'model.num_action_classes': count})
        finding = next(f for f in sanity.run(cfg).findings if f.check == 'class count')
        assert finding.ok is ok, finding.message
        if not ok:
            assert f'model.num_action_classes={count}' in finding.message and '5 classes' in finding.message


def test_sanity_checks_rawframe_lists_against_the_frames_on_disk(tmp_path):
    import cv2
    import numpy as np

    from course_lib import sanity
    from course_lib.configs import load_config
    frames = tmp_path / 'rawframes' / 'c0' / 'v0'
    frames.mkdir(parents=True)
    for i in range(1, 17):
        cv2.imwrite(str(frames / f'img_{i:05d}.jpg'), np.zeros((32, 32, 3), np.uint8))
    lst = tmp_path / 'train.txt'
    lst.write_text('c0/v0 16 0\nc0/gone 16 1\nc0/v0 20 2\n')
    cfg = load_config(RECOGNIZER)
    for key in ('train_dataloader', 'val_dataloader'):
        cfg[key].dataset.ann_file = str(lst)
        cfg[key].dataset.data_prefix = dict(img=str(tmp_path / 'rawframes'))
    report = sanity.run(cfg)
    finding = next(f for f in report.findings if f.check == 'train rawframes')
    assert not finding.ok and not report.ok
    assert 'c0/gone: no folder' in finding.message and 'needs frame 20' in finding.message


def test_sanity_reports_a_bom_in_an_annotation_file(tmp_path):
    from course_lib.sanity import annotation_file_problem
    path = tmp_path / 'ava_train.csv'
    path.write_bytes('\ufeffvid1,0901,0.1,0.1,0.5,0.5,1,0\n'.encode())
    assert 'byte-order mark' in annotation_file_problem({'ann_file': str(path)})


@pytest.mark.parametrize('config', ['x3d_s_ucf101_full', 'r2plus1d_r34_hmdb51_full'])
def test_the_replaced_head_is_the_one_the_full_dry_run_declares(config):
    """One rule: the classifier train.build_runner lets differ is the one checkfull's START names."""
    from mmaction.registry import MODELS
    from mmengine.registry import init_default_scope

    from course_lib.checkpoints import pretrained_head
    from course_lib.configs import load_config
    from course_lib.tooling.checkfull import START
    cfg = load_config(config)
    init_default_scope('mmaction')
    model = MODELS.build(cfg.model)
    assert pretrained_head(cfg, model) == START[config].replaced
