"""`--cfg-options` checked against the config it changes, before mmengine merges it.

mmengine accepts any dotted key and silently adds what does not exist. `cfg_options` refuses a key
that does not exist (with the closest spellings), a top-level variable the config already used
when it was loaded (overriding it changes nothing: it points at the keys that take effect), an
index past a list, and a value out of range for a well-known key (max_epochs=0, lr=-1,
dropout_ratio=2...). Called by `course_lib.configs.load_config`.
"""
from __future__ import annotations

import difflib
from typing import Any, Iterator, Mapping

import numpy as np

from .errors import ConfigError

# Top-level keys mmengine's Runner (and the course) read; any other top-level name of a config is a
# variable, already substituted where the file used it when it was loaded.
RUNNER_KEYS = frozenset({
    'model', 'work_dir', 'train_dataloader', 'val_dataloader', 'test_dataloader', 'train_cfg',
    'val_cfg', 'test_cfg', 'auto_scale_lr', 'optim_wrapper', 'param_scheduler', 'val_evaluator',
    'test_evaluator', 'default_hooks', 'custom_hooks', 'data_preprocessor', 'load_from', 'resume',
    'launcher', 'env_cfg', 'log_processor', 'log_level', 'visualizer', 'default_scope', 'randomness',
    'experiment_name', 'model_wrapper_cfg', 'compile', 'find_unused_parameters', 'custom_imports',
    'dist_params'})


def _paths(node: Any, prefix: str = '') -> Iterator[tuple[str, Any]]:
    if isinstance(node, Mapping):
        for key, value in node.items():
            yield from _paths(value, f'{prefix}.{key}' if prefix else str(key))
    elif isinstance(node, (list, tuple)):
        for i, value in enumerate(node):
            yield from _paths(value, f'{prefix}.{i}')
    if prefix:
        yield prefix, node


def _uses_of(cfg: Mapping, name: str, value: Any) -> tuple[list[str], list[str]]:
    """Config keys that hold a top-level variable's value as is, and keys built from it (strings)."""
    if isinstance(value, (bool, type(None))) or (isinstance(value, (int, float)) and value in (0, 1)):
        return [], []
    same, built = [], []
    for path, v in _paths({k: cfg[k] for k in cfg if k in RUNNER_KEYS}):
        try:
            equal = type(v) is type(value) and v == value
        except Exception:  # noqa: BLE001  (arrays and odd objects: not the variable)
            equal = False
        if equal:
            same.append(path)
        elif isinstance(value, str) and isinstance(v, str) and len(value) > 3 and value in v:
            built.append(path)
    order = lambda p: (p.split('.')[-1] != name, not p.startswith('train'), len(p))  # noqa: E731
    return sorted(same, key=order), sorted(built, key=order)


def _pointer(name: str, value: Any, same: list[str], built: list[str]) -> str:
    if same:
        named = [u for u in same if u.split('.')[-1] == name] or same
        others = [u for u in same if u not in named]
        return (f'Set the key{"s" if len(named) > 1 else ""} that take{"" if len(named) > 1 else "s"} effect '
                f'instead: {" ".join(f"{u}={value!r}" for u in named[:4])}'
                + (f' (its value is also in {", ".join(others[:3])}: check those too)' if others else ''))
    if built:
        return (f'Keys built from it: {", ".join(built[:4])}{" ..." if len(built) > 4 else ""}; set each of '
                'them to its full new value, or edit a copy of the config file')
    return ('The config computed other keys from it (e.g. a count from a list): edit a copy of the config '
            'file and change it there')


# Config keys whose values only make sense in a range (whatever group they are in).
POSITIVE_KEYS = frozenset({'max_epochs', 'max_iters', 'batch_size', 'lr', 'interval', 'val_interval',
                           'num_classes', 'num_action_classes', 'clip_len', 'frame_interval',
                           'num_clips', 'temporal_dim', 'feat_dim', 'max_keep_ckpts'})
NON_NEGATIVE_KEYS = frozenset({'num_workers', 'val_begin', 'weight_decay', 'begin', 'end'})
WHOLE_KEYS = frozenset({'max_epochs', 'max_iters', 'batch_size', 'interval', 'val_interval', 'num_classes',
                        'num_action_classes', 'clip_len', 'frame_interval', 'num_clips', 'temporal_dim',
                        'feat_dim', 'max_keep_ckpts', 'num_workers', 'val_begin', 'begin', 'end'})
FRACTION_KEYS = frozenset({'dropout_ratio', 'score_thr', 'iou_threshold', 'action_thr', 'momentum',
                           'person_det_score_thr'})


def _value_problem(leaf: str, value: Any) -> str | None:
    if leaf not in POSITIVE_KEYS | NON_NEGATIVE_KEYS | FRACTION_KEYS:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return f'must be a number, got {value!r}' if isinstance(value, (str, bool)) else None
    if not np.isfinite(value):
        return 'must be a finite number'
    if leaf in WHOLE_KEYS and not isinstance(value, int):
        return (f'must be a whole number (a count), got {value!r}'
                + (f': write {int(value)}' if float(value).is_integer() else ''))
    if leaf in POSITIVE_KEYS and value <= 0:
        return 'must be > 0'
    if leaf in NON_NEGATIVE_KEYS and value < 0:
        return 'must be >= 0'
    if leaf in FRACTION_KEYS and not 0 <= value <= 1:
        return 'must lie between 0 and 1'
    return None


def cfg_options(cfg: Mapping, options: Mapping[str, Any], source: str = 'the config') -> None:
    """Refuse `--cfg-options` keys that do not exist, top-level variables the config already used, and
    values out of range for well-known keys (max_epochs=0, lr=-1, dropout_ratio=2...)."""
    for key, value in options.items():
        _cfg_option(cfg, str(key), value, options, source)
        problem = _value_problem(str(key).split('.')[-1], value)
        if problem:
            raise ConfigError(f'--cfg-options {key}={value!r}: {str(key).split(".")[-1]} {problem}. '
                              'Give a value in that range.')


def _cfg_option(cfg: Mapping, key: str, value: Any, options: Mapping, source: str) -> None:
    parts = key.split('.')
    node: Any = cfg
    for i, part in enumerate(parts):
        here = '.'.join(parts[:i])
        if isinstance(node, (list, tuple)):
            if not part.isdigit() or int(part) >= len(node):
                raise ConfigError(f'--cfg-options {key}: {here} is a list of {len(node)} items; index it '
                                  f'with a number 0..{len(node) - 1} (e.g. {here}.0.<key>), or set '
                                  f'{here} as a whole.')
            node = node[int(part)]
            continue
        if not (isinstance(node, Mapping) or hasattr(node, 'keys')):  # a dict, a ConfigDict or the Config
            raise ConfigError(f'--cfg-options {key}: {here} is a value ({node!r:.60}), not a group of '
                              f'keys. Set {here}=... itself.')
        if part not in node:
            if i == 0 and part in RUNNER_KEYS:
                return  # a key the Runner reads, unset in this config (e.g. load_from=...)
            last = i == len(parts) - 1
            changes_type = '.'.join(parts[:i] + ['type']) in options
            close = difflib.get_close_matches(part, [str(k) for k in node], n=3, cutoff=0.6)
            if last and changes_type and not close:
                return  # a new model type takes new keys (e.g. model.type=BMNwActionCls + its head)
            if last and part in _init_parameters(node.get('type') if hasattr(node, 'get') else None):
                return  # an argument of the registered class that the config leaves at its default
            where = here or 'the top level'
            known = ', '.join(sorted(str(k) for k in node)[:12])
            raise ConfigError(
                f'--cfg-options {key}: {source} has no key {part!r} in {where}'
                + (f'; did you mean {", ".join(".".join(parts[:i] + [c]) for c in close)}?' if close
                   else f' (it has: {known}).')
                + ' A key that does not exist is not used by anything; fix its spelling.'
                + ('' if close or not last else ' To add a key of a new model type, set its `type` '
                   'in the same cfg-options.'))
        node = node[part]
    if len(parts) == 1 and key not in RUNNER_KEYS:
        pointer = _pointer(key, value, *_uses_of(cfg, key, cfg[key]))
        raise ConfigError(f'--cfg-options {key}={value!r}: {key} is a variable of {source}, already '
                          f'used when the config was loaded, so overriding it changes nothing. '
                          f'{pointer}.')


def schedule(cfg: Mapping, source: str = 'the config') -> None:
    """Refuse a `param_scheduler` step that covers nothing (end <= begin) or starts after training ends."""
    steps = cfg.get('param_scheduler') or []
    steps = [steps] if isinstance(steps, Mapping) else steps
    train = cfg.get('train_cfg') or {}
    last = train.get('max_epochs') if train.get('by_epoch', True) else train.get('max_iters')
    for i, step in enumerate(steps):
        if not isinstance(step, Mapping):
            continue
        begin, end = step.get('begin', 0), step.get('end')
        what = f'param_scheduler[{i}] ({step.get("type")}, begin={begin}, end={end})'
        if isinstance(end, (int, float)) and isinstance(begin, (int, float)) and end <= begin:
            raise ConfigError(f'{source}: {what} covers no epoch: `end` must be larger than `begin`. With '
                              f'train_cfg.max_epochs={last}, delete that step from param_scheduler or make '
                              'training longer (a schedule made from max_epochs needs max_epochs >= 2).')
        if isinstance(last, int) and isinstance(begin, int) and step.get('by_epoch', True) \
                and train.get('by_epoch', True) and begin >= last > 0:
            raise ConfigError(f'{source}: {what} begins after the last epoch (train_cfg.max_epochs={last}): '
                              'delete that step from param_scheduler, or train longer.')


REGISTRIES = ('MODELS', 'TRANSFORMS', 'DATASETS', 'METRICS', 'HOOKS', 'OPTIM_WRAPPERS', 'OPTIMIZERS',
              'PARAM_SCHEDULERS', 'TASK_UTILS', 'DATA_SAMPLERS', 'VISBACKENDS', 'VISUALIZERS')


def _init_parameters(type_name: Any) -> set[str]:
    """The constructor arguments of a registered type (mmaction / mmdet / mmengine registries), if known."""
    import inspect
    import importlib
    if not isinstance(type_name, str):
        cls = type_name if inspect.isclass(type_name) else None
    else:
        cls = None
        for package in ('mmaction.registry', 'mmdet.registry', 'mmengine.registry'):
            try:
                module = importlib.import_module(package)
            except ImportError:  # an optional package (mmdet) that is not installed
                continue
            for name in REGISTRIES:
                registry = getattr(module, name, None)
                found = registry.get(type_name) if registry is not None else None
                if found is not None:
                    cls = found
                    break
            if cls is not None:
                break
    if cls is None or not inspect.isclass(cls):
        return set()
    names = set()
    for klass in cls.__mro__:
        init = klass.__dict__.get('__init__')
        if init is not None:
            names |= {p for p in inspect.signature(init).parameters if p not in ('self', 'args', 'kwargs')}
    return names
