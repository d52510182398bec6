"""The course's own modules, registered in mmaction's / mmdet's registries on import.

Configs reach them with `custom_imports = dict(imports=['course_lib'], allow_failed_imports=False)`.
"""
REGISTERED: tuple[str, ...] = ()  # type names added to mmaction's MODELS by this package
