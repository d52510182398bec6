"""The full profile's dry run: one setting that caps a lesson's work while models keep their size.

CI executes every lesson with COURSE_PROFILE=full against a loopback mirror of the course hub
(fake checkpoints with the real key names, miniature data sets in their real layouts):
`make notebooks-full` (tests/full_dry_run.py, course_lib/tooling/lesson_dry_run.py). In that run the
kernel holds one `DryRun`, which caps training iterations, evaluation samples, the calibration and
accuracy-control subsets, benchmark durations, the spatial input size and the size of the data
sets the course generates or converts; everything else runs the code a real full run runs. A
learner's kernel never holds one: `active()` is None and nothing here changes a run. Only
`course_lib.tooling.lesson_dry_run.enter_dry_run` sets it, from a ticket file the test harness
writes outside the repository (no environment variable, argument or config reaches it).

Fake weights cannot pass a lesson's quality bars, so lessons state their bars through
`quality_bar(ok, what)`: asserted normally, printed as not asserted in the dry run.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass


@dataclass(frozen=True)
class DryRun:
    """How much work the dry run lets a lesson do (the models keep their full architectures)."""

    iterations: int = 2  # training iterations of a run (and QAT)
    eval_samples: int = 2  # samples of each validation / test evaluation
    calibration_samples: int = 2  # NNCF post-training calibration subset
    accuracy_control_samples: int = 2  # NNCF accuracy-control validation subset
    benchmark_seconds: float = 1.0  # each benchmark's duration (benchmark_app -t)
    benchmark_repeats: int = 2  # warm-up and timed repeats of each in-process benchmark
    input_size: int | None = 64  # the spatial crop size models see (None: the configs' own sizes)
    split_samples: int = 4  # items of each split (or class) of a set the course generates or converts
    mirror: str = ''  # the loopback URL the hub is redirected to

    def scale(self, pixels: int, reference: int = 224) -> int:
        """A spatial size of a full config, scaled so that `reference` (the crop) becomes input_size."""
        if self.input_size is None:
            return int(pixels)
        return max(1, round(int(pixels) * self.input_size / reference))


class QualityBarError(AssertionError):
    """A lesson's quality bar (an accuracy, a recall) was missed."""


_ACTIVE: DryRun | None = None


def active() -> DryRun | None:
    """The dry run this kernel is in, or None (every learner's run)."""
    return _ACTIVE


def _set_active(run: DryRun | None) -> None:
    """Enter (or leave, with None) the dry run; only the test harness's entry point calls this."""
    global _ACTIVE
    _ACTIVE = run


def from_dict(values: dict) -> DryRun:
    """A DryRun from a ticket's `caps` (unknown keys are an error)."""
    known = {f.name for f in dataclasses.fields(DryRun)}
    unknown = sorted(set(values) - known)
    if unknown:
        raise ValueError(f'unknown dry-run settings {unknown}; known: {sorted(known)}')
    return DryRun(**values)


def quality_bar(ok: bool, what: str) -> None:
    """Assert a lesson's quality bar; in the dry run, say in one line that it is not asserted."""
    if _ACTIVE is not None:
        print(f'Dry run (fake weights, miniature data): bar not asserted: {what}')
        return
    if not ok:
        raise QualityBarError(what)


def capped(count: int, cap_name: str) -> int:
    """count, or the dry run's cap of that name when it is smaller (a learner's run: count)."""
    if _ACTIVE is None:
        return count
    return min(count, getattr(_ACTIVE, cap_name))


def frame_scale(reference: int = 224) -> float:
    """The factor frames shrink by before a model that takes whole frames (input_size / reference
    in the dry run, at most 1; outside it, 1): what input_size does to the configs' crops."""
    if _ACTIVE is None or _ACTIVE.input_size is None:
        return 1.0
    return min(1.0, _ACTIVE.input_size / reference)


def capped_spec(spec, **caps: str):
    """A generated data set's spec (a dataclass) with counts capped, e.g. `num_train='split_samples'`.

    A learner's run: spec itself. The dry run trains on iterations x 2 samples and evaluates
    eval_samples, so generating more (and computing their features) is work nothing reads.
    """
    if _ACTIVE is None:
        return spec
    return dataclasses.replace(spec, **{name: capped(getattr(spec, name), cap)
                                        for name, cap in caps.items()})


# --- the caps applied to a loaded mmengine config (course_lib.configs.load_config) ---
_LOADERS = ('train_dataloader', 'val_dataloader', 'test_dataloader')
_SIZE_KEYS = {'Resize': ('scale',), 'CenterCrop': ('crop_size',), 'ThreeCrop': ('crop_size',),
              'TenCrop': ('crop_size',), 'MultiScaleCrop': ('input_size',),
              'RandomCrop': ('size',), 'PackActionInputs': ()}


def _innermost(dataset):
    while 'dataset' in dataset and isinstance(dataset['dataset'], dict):  # Repeat/ClassBalanced wrappers
        dataset = dataset['dataset']
    return dataset


def _scaled(value, run: DryRun, reference: int):
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0:
        return run.scale(value, reference)
    if isinstance(value, (list, tuple)):
        return type(value)(_scaled(v, run, reference) for v in value)
    return value


def _pipeline_reference(pipeline: list) -> int | None:
    """The crop size a pipeline ends with (what input_size stands for), None if it has none."""
    for step in pipeline:
        for key in ('crop_size', 'input_size'):
            if step.get(key) is not None and step.get('type') in _SIZE_KEYS:
                size = step[key]
                return int(size if isinstance(size, (int, float)) else max(size))
    for step in pipeline:
        if step.get('type') == 'Resize' and step.get('scale') is not None:
            scale = [s for s in step['scale'] if isinstance(s, (int, float)) and s > 0]
            if scale:
                return int(min(scale))
    return None


def cap_pipeline(pipeline: list, run: DryRun) -> None:
    """Scale a data pipeline's spatial sizes (in place) so that its crop is run.input_size."""
    reference = _pipeline_reference(pipeline)
    if run.input_size is None or reference is None:
        return
    for step in pipeline:
        for key in _SIZE_KEYS.get(step.get('type'), ()):
            if step.get(key) is not None:
                step[key] = _scaled(step[key], run, reference)


def cap_config(cfg, run: DryRun | None = None) -> None:
    """Apply the dry run's caps to a loaded config (in place); nothing outside the dry run."""
    run = run or _ACTIVE
    if run is None:
        return
    for key in _LOADERS:
        loader = cfg.get(key)
        if not loader:
            continue
        loader['num_workers'], loader['persistent_workers'] = 0, False
        dataset = _innermost(loader['dataset'])
        if key == 'train_dataloader':
            loader['batch_size'] = min(int(loader.get('batch_size', 1)), 2)
            dataset['indices'] = run.iterations * loader['batch_size']
            loader['drop_last'] = False
        else:
            loader['batch_size'] = 1
            if cfg.get('default_scope') != 'mmdet':  # BCCD (lesson 06 matches every image of a split)
                dataset['indices'] = run.eval_samples  # is capped where it is converted: voc_to_coco
        if dataset.get('pipeline'):
            cap_pipeline(dataset['pipeline'], run)
    train_cfg = cfg.get('train_cfg')
    if train_cfg:
        if 'max_iters' in train_cfg:
            train_cfg.update(max_iters=run.iterations, val_interval=run.iterations)
        elif 'max_epochs' in train_cfg:
            train_cfg.update(max_epochs=1, val_begin=1, val_interval=1)
