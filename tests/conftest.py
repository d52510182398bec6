"""Test isolation for mmengine's process-wide state."""
import pytest


@pytest.fixture(autouse=True)
def _restore_default_scope():
    """A test that builds an mmdet model leaves mmengine's default scope at 'mmdet', and the next test's
    mmaction model is then looked up in mmdet's registry: restore the scopes each test found."""
    from mmengine.registry import DefaultScope
    before = dict(DefaultScope._instance_dict)
    yield
    DefaultScope._instance_dict.clear()
    DefaultScope._instance_dict.update(before)
