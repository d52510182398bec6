"""Quantization-aware training: NNCF quantizes the exported recognizer network, mmengine's Runner
fine-tunes it, and the INT8 IR it exports computes what the fine-tuned PyTorch model computes."""
import numpy as np
import pytest
import torch
from mmaction.structures import ActionDataSample
from mmengine.dataset import pseudo_collate
from torch.utils.data import DataLoader, Dataset

from course_lib.export import convert, parity, qat, quantize, tasks

from .conftest import convert_cfg

CLIPS = np.random.default_rng(0).uniform(0, 255, (24, 1, 3, 8, 32, 32)).astype(np.float32)


class Clips(Dataset):
    """16 random clips with labels, as mmaction's loaders yield them (uint8 frames, a data sample)."""

    def __len__(self):
        return 16

    def __getitem__(self, i):
        return dict(inputs=torch.from_numpy(CLIPS[i].astype(np.uint8)),
                    data_samples=ActionDataSample().set_gt_label(i % 6))


class TinyCase:
    model = None


@pytest.fixture(scope='module')
def qat_run(tmp_path_factory):
    """The smoke R(2+1)D at a quarter of its width (random weights), quantized and fine-tuned 3 iterations."""
    cfg = convert_cfg('r2plus1d_r18_motion_smoke', {'model.backbone.base_channels': 4,
                                                    'model.cls_head.in_channels': 32})
    torch.manual_seed(0)
    case = TinyCase()
    case.model = convert.build_model(cfg)
    fp32 = convert.RecognizerNet(case.model).eval()
    net = qat.quantize_torch(fp32, list(CLIPS[:8]))
    before = {k: v.clone() for k, v in net.state_dict().items()}
    model = qat.recognizer_qat_model(case, net)
    runner = qat.finetune(model, DataLoader(Clips(), batch_size=4, collate_fn=pseudo_collate), 3, 1e-3,
                          tmp_path_factory.mktemp('qat'))
    xml = qat.export_ir(net, torch.from_numpy(CLIPS[0]), tmp_path_factory.mktemp('ir') / 'qat.xml')
    return fp32, net, before, model, runner, xml


def test_the_runner_fine_tunes_the_quantized_network(qat_run):
    _, net, before, _, runner, _ = qat_run
    assert runner.iter == 3
    after = net.state_dict()
    changed = [k for k in before if before[k].is_floating_point() and not torch.equal(before[k], after[k])]
    assert any(k.startswith('backbone.') for k in changed), 'the weights did not train'
    assert any('__nncf_hooks' in k and k.endswith('scale') for k in changed), 'the ranges did not train'


def test_the_fine_tuned_network_exports_to_an_int8_ir_that_computes_the_same(qat_run):
    fp32, net, _, _, _, xml = qat_run
    convs = sum(isinstance(m, torch.nn.Conv3d) for m in fp32.modules())
    assert quantize.fake_quantize_count(xml) >= convs  # every convolution's weights, and inputs
    fresh = CLIPS[16:, 0]  # never seen by calibration or training
    ir = tasks.ov_runner(parity.compile_ir(xml))(fresh)[0]
    with torch.no_grad():
        torch_qat, torch_fp32 = net(torch.from_numpy(fresh)).numpy(), fp32(torch.from_numpy(fresh)).numpy()
    error = parity.output_error([torch_qat], [ir])
    assert error.relative < 0.1, error  # INT8 kernels round like the fake quantizers, within a step or so
    top2 = np.sort(torch_qat, axis=1)[:, -2:]
    clear = top2[:, 1] - top2[:, 0] > 2 * np.abs(ir - torch_qat).max()  # not a tie within the INT8 error
    assert clear.any() and (ir.argmax(1) == torch_qat.argmax(1))[clear].all()
    # the IR holds the fine-tuned network, not the one quantization started from
    assert np.abs(ir - torch_fp32).max() > 5 * np.abs(ir - torch_qat).max()


def test_a_time_budget_stops_the_fine_tune(qat_run, tmp_path):
    _, _, _, model, _, _ = qat_run
    runner = qat.finetune(model, DataLoader(Clips(), batch_size=4, collate_fn=pseudo_collate), 50, 1e-5,
                          tmp_path, max_seconds=1e-3)
    assert runner.iter == 1  # checked after each iteration: the first one already spent the budget


def test_bad_inputs_are_explained(qat_run, tmp_path):
    fp32, _, _, model, _, _ = qat_run
    from course_lib.errors import InputError
    with pytest.raises(InputError, match='calibration set is empty'):
        qat.quantize_torch(fp32, [])
    with pytest.raises(InputError, match='at least one training iteration'):
        qat.finetune(model, None, 0, 1e-4, tmp_path)
