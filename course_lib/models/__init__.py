"""The course's own modules, registered in mmaction's / mmdet's registries on import.

Configs reach them with `custom_imports = dict(imports=['course_lib'], allow_failed_imports=False)`.
"""
REGISTERED: tuple[str, ...] = ('BMNwActionCls',)  # type names this package adds to mmaction's MODELS

try:
    from .bmn_cls import BMNwActionCls  # noqa: F401  (also registers its transform and metric)
except ImportError as err:  # mmaction2 / mmcv missing or broken: `import course_lib` still works,
    import warnings         # so that `python -m course_lib doctor` can say what to fix

    warnings.warn(f'course_lib.models: {err}; {", ".join(REGISTERED)} is not registered. '
                  'Run `python -m course_lib doctor` for the fix.', stacklevel=2)
