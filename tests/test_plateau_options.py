"""Early stopping and a learning rate lowered on a plateau, as options of the course's configs.

mmengine's EarlyStoppingHook and ReduceOnPlateauLR, added by course_lib.configs.add_plateau_options
(`python -m course_lib.train CONFIG --early-stop N --lr-patience N`). A tiny model trains for a few
epochs while a metric that we script says "no improvement" (flat) or "improving": only the flat one
may stop the run or lower the rate.
"""
import pytest
import torch
from mmengine.config import Config
from mmengine.evaluator import BaseMetric
from mmengine.hooks import Hook
from mmengine.model import BaseModel
from mmengine.runner import Runner

from course_lib import configs
from course_lib.errors import ConfigError, InputError

MAX_EPOCHS = 8
LR = 0.1


class TinyModel(BaseModel):
    """One weight; the loss pulls it to zero."""

    def __init__(self):
        super().__init__()
        self.w = torch.nn.Linear(1, 1)

    def forward(self, inputs, data_samples=None, mode='tensor'):
        out = self.w(torch.stack(inputs))
        return {'loss': (out ** 2).mean()} if mode == 'loss' else [out]


class ScriptedScore(BaseMetric):
    """A validation metric `toy/score` that reports the next value of a script at each validation."""

    default_prefix = 'toy'

    def __init__(self, scores):
        super().__init__()
        self.scores = iter(scores)

    def process(self, data_batch, data_samples):
        self.results.append(0)

    def compute_metrics(self, results):
        return {'score': next(self.scores)}


class LearningRates(Hook):
    """Records the learning rate each training epoch runs with."""

    def __init__(self):
        self.lrs = []

    def before_train_epoch(self, runner):
        self.lrs.append(runner.optim_wrapper.get_lr()['lr'][0])


FLAT = [0.5] * MAX_EPOCHS
IMPROVING = [0.1 * (i + 1) for i in range(MAX_EPOCHS)]


def run(tmp_path, scores, **options):
    """Train TinyModel for up to MAX_EPOCHS epochs of 2 iterations, validating after each one."""
    loader = dict(dataset=[dict(inputs=torch.ones(1))] * 4, batch_size=2,
                  sampler=dict(type='DefaultSampler', shuffle=False))
    cfg = Config(dict(custom_hooks=[], param_scheduler=[]))
    configs.add_plateau_options(cfg, monitor=('toy/score', 'greater'), **options)
    lrs = LearningRates()
    runner = Runner(
        model=TinyModel(), work_dir=str(tmp_path), train_dataloader=loader, val_dataloader=loader,
        train_cfg=dict(by_epoch=True, max_epochs=MAX_EPOCHS, val_interval=1), val_cfg=dict(),
        val_evaluator=[ScriptedScore(scores)], optim_wrapper=dict(optimizer=dict(type='SGD', lr=LR)),
        param_scheduler=list(cfg.param_scheduler) or None, custom_hooks=[*cfg.custom_hooks, lrs],
        default_hooks=dict(checkpoint=None, logger=dict(type='LoggerHook', interval=100)),
        log_level='WARNING', experiment_name=f'plateau_{tmp_path.name}')
    runner.train()
    return runner.train_loop.epoch, lrs.lrs


def test_early_stopping_ends_a_flat_run_after_patience_validations(tmp_path):
    epochs, _ = run(tmp_path, FLAT, early_stop=2)
    assert epochs == 3  # epoch 1 sets the best; epochs 2 and 3 do not improve on it: stop


def test_early_stopping_lets_an_improving_run_finish(tmp_path):
    epochs, _ = run(tmp_path, IMPROVING, early_stop=2)
    assert epochs == MAX_EPOCHS


def test_a_plateau_lowers_the_learning_rate_by_the_factor(tmp_path):
    epochs, lrs = run(tmp_path, FLAT, lr_patience=1, lr_factor=0.1)
    assert epochs == MAX_EPOCHS  # no early stop asked for
    assert lrs[:3] == [LR] * 3  # best at 1, one validation of patience at 2, lowered after 3
    assert lrs[3] == pytest.approx(LR * 0.1)
    assert min(lrs) < LR * 0.1  # a plateau that goes on lowers it again


def test_an_improving_metric_keeps_the_learning_rate(tmp_path):
    _, lrs = run(tmp_path, IMPROVING, lr_patience=1)
    assert lrs == [LR] * MAX_EPOCHS


def test_lesson_06_config_gains_the_hook_and_the_scheduler_only_when_asked():
    name = configs.for_lesson('06', 'detector', 'smoke')
    plain = configs.load_config(name)
    assert configs.load_config(name, early_stop=None, lr_patience=None).to_dict() == plain.to_dict()
    assert not any(h['type'] == 'EarlyStoppingHook' for h in plain.custom_hooks)
    cfg = configs.load_config(name, early_stop=5, lr_patience=3)
    stop = [h for h in cfg.custom_hooks if h['type'] == 'EarlyStoppingHook']
    assert [(h['monitor'], h['rule'], h['patience']) for h in stop] == [('coco/bbox_mAP', 'greater', 5)]
    assert cfg.param_scheduler[:-1] == plain.param_scheduler  # the config's own schedule stays
    last = cfg.param_scheduler[-1]
    assert (last['type'], last['monitor'], last['patience'], last['by_epoch']) == \
        ('ReduceOnPlateauLR', 'coco/bbox_mAP', 3, True)


@pytest.mark.parametrize('row', configs.TABLE, ids=lambda r: r.smoke)
def test_every_smoke_config_has_a_metric_to_watch(row):
    metric, rule = configs.validation_metric(configs.load_config(row.smoke))
    assert rule == 'greater' and metric in {*configs.MAIN_METRIC.values(), 'mAP/overall'}


def test_bad_values_are_refused_with_the_name():
    cfg = configs.load_config(configs.for_lesson('06', 'detector', 'smoke'))
    with pytest.raises(InputError, match='early_stop=0'):
        configs.add_plateau_options(cfg, early_stop=0)
    with pytest.raises(ConfigError, match='lr_factor=1.5'):
        configs.add_plateau_options(cfg, lr_patience=2, lr_factor=1.5)
    with pytest.raises(ConfigError, match='no validation metric'):
        configs.add_plateau_options(Config(dict(val_evaluator=dict(type='Unknown'))), early_stop=2)


def test_the_command_line_offers_both(capsys):
    from course_lib.train import main
    with pytest.raises(SystemExit) as done:
        main(['--help'])
    out = capsys.readouterr().out
    assert done.value.code == 0 and '--early-stop PATIENCE' in out and '--lr-patience N' in out
    with pytest.raises(SystemExit) as done:
        main(['atss_mobilenetv2_fpn_bccd_smoke', '--early-stop', '0'])
    assert done.value.code == 2 and 'must be a whole number >= 1' in capsys.readouterr().err


def test_the_command_line_passes_both_to_training(monkeypatch):
    import course_lib.train as cltrain
    trained = []
    monkeypatch.setattr(cltrain, 'train', lambda cfg, **kwargs: trained.append(cfg))
    cltrain.main(['atss_mobilenetv2_fpn_bccd_smoke', '--early-stop', '4', '--lr-patience', '2',
                  '--lr-factor', '0.5', '--skip-sanity'])
    [cfg] = trained
    assert [(h['type'], h['patience']) for h in cfg.custom_hooks if h['type'] == 'EarlyStoppingHook'] == \
        [('EarlyStoppingHook', 4)]
    assert (cfg.param_scheduler[-1]['patience'], cfg.param_scheduler[-1]['factor']) == (2, 0.5)
    trained.clear()
    cltrain.main(['atss_mobilenetv2_fpn_bccd_smoke', '--skip-sanity'])
    assert not any(h['type'] == 'EarlyStoppingHook' for h in trained[0].custom_hooks)
    assert all(s['type'] != 'ReduceOnPlateauLR' for s in trained[0].param_scheduler)
