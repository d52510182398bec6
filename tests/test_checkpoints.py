"""check_checkpoint_keys: one rule for loading checkpoints into models."""
import pytest
import torch
from torch import nn

from course_lib.checkpoints import CheckpointMismatchError, check_checkpoint_keys


def _net(classes=5, width=8):
    return nn.Sequential(nn.Conv2d(3, width, 3), nn.ReLU(), nn.Flatten(), nn.Linear(width, classes))


def test_same_architecture_loads(tmp_path):
    path = tmp_path / 'ok.pth'
    torch.save({'meta': {}, 'state_dict': _net().state_dict()}, path)
    check_checkpoint_keys(_net(), path)  # mmengine's wrapper understood


def test_other_architecture_is_refused_with_both_names(tmp_path):
    path = tmp_path / 'other.pth'
    torch.save(nn.Sequential(nn.Linear(4, 4)).state_dict(), path)
    with pytest.raises(CheckpointMismatchError, match=r'other\.pth does not fit the model Sequential.*missing'):
        check_checkpoint_keys(_net(), path)


def test_only_a_replaced_head_may_differ():
    state = _net(classes=400).state_dict()
    check_checkpoint_keys(_net(classes=5), state, replaced_prefixes=('3.',))
    with pytest.raises(CheckpointMismatchError, match='of another shape: 3.bias, 3.weight'):
        check_checkpoint_keys(_net(classes=5), state)
    wider = _net(classes=5, width=16).state_dict()
    with pytest.raises(CheckpointMismatchError, match='0.weight'):  # the head rule does not excuse the body
        check_checkpoint_keys(_net(classes=5), wider, replaced_prefixes=('3.',))


def test_backbone_checkpoint_with_prefix():
    model = nn.Module()
    model.backbone, model.head = _net(), nn.Linear(2, 2)
    check_checkpoint_keys(model, _net().state_dict(), prefix='backbone.')


def test_truncated_and_missing_files_are_named(tmp_path):
    path = tmp_path / 'cut.pth'
    torch.save(_net().state_dict(), path)
    path.write_bytes(path.read_bytes()[:100])
    with pytest.raises(CheckpointMismatchError, match=r'cut\.pth is not a readable PyTorch checkpoint.*truncated'):
        check_checkpoint_keys(_net(), path)
    with pytest.raises(FileNotFoundError, match='nothing.pth does not exist'):
        check_checkpoint_keys(_net(), tmp_path / 'nothing.pth')
