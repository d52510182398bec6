"""The doctor reports a working install as OK and a broken one as FAIL with a non-zero exit."""
import subprocess
import sys

from course_lib import doctor


def test_doctor_cli_passes_on_this_install():
    result = subprocess.run([sys.executable, '-m', 'course_lib', 'doctor'], capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    for name in ('mmcv ops (nms)', 'model registries', 'openvino', 'nncf'):
        line = next(l for l in result.stdout.splitlines() if l.startswith(name))
        assert ' OK ' in line, line


def test_missing_registry_entry_fails_with_fix(monkeypatch, capsys):
    from mmaction.registry import MODELS
    monkeypatch.delitem(MODELS._module_dict, 'BMN')
    assert doctor.main() == 1
    out = capsys.readouterr().out
    assert 'mmaction.BMN' in out and 'FAIL' in out and 'fix:' in out


def test_crashing_check_becomes_a_failure_with_its_error(monkeypatch):
    def check_exploding():
        """Something the course needs."""
        raise ImportError('No module named mmcv._ext')
    monkeypatch.setattr(doctor, 'CHECKS', [check_exploding])
    report = doctor.run_checks()
    assert not report.ok
    assert 'mmcv._ext' in report.checks[0].detail and 'make setup' in report.checks[0].fix
    assert '<td style="color:#cf222e"><b>FAIL</b>' in report._repr_html_()


def test_offline_network_is_only_a_warning_in_smoke(monkeypatch):
    monkeypatch.setenv('COURSE_PROFILE', 'smoke')
    check = doctor.check_network(host='127.0.0.1', port=1, timeout=1, connect=True)
    assert not check.ok and check.status == 'WARN'
    monkeypatch.setenv('COURSE_PROFILE', 'full')
    assert doctor.check_network(host='127.0.0.1', port=1, timeout=1).status == 'FAIL'


def test_gpu_row_without_a_gpu_is_fine_and_with_a_cpu_torch_says_rerun_setup(monkeypatch):
    import torch

    from course_lib.hardware import Gpu
    monkeypatch.setenv('COURSE_PROFILE', 'full')
    none = doctor.check_gpu(lambda: None)
    assert none.ok and 'CPU' in none.detail
    monkeypatch.setattr(torch.cuda, 'is_available', lambda: False)
    found = doctor.check_gpu(lambda: Gpu('NVIDIA RTX (simulated)', (12, 6)))
    assert not found.ok and found.status == 'FAIL' and 'make setup' in found.fix
    assert 'NVIDIA RTX (simulated)' in found.detail
    monkeypatch.setenv('COURSE_PROFILE', 'smoke')
    assert doctor.check_gpu(lambda: Gpu('NVIDIA RTX (simulated)', (12, 6))).status == 'WARN'


def test_device_is_cuda_only_in_the_full_profile_with_a_gpu(monkeypatch):
    import torch

    from course_lib.settings import device
    monkeypatch.setattr(torch.cuda, 'is_available', lambda: True)
    monkeypatch.setenv('COURSE_PROFILE', 'smoke')
    assert device() == 'cpu'
    monkeypatch.setenv('COURSE_PROFILE', 'full')
    assert device() == 'cuda'
    monkeypatch.setattr(torch.cuda, 'is_available', lambda: False)
    assert device() == 'cpu'


def test_the_table_says_which_checks_are_required(monkeypatch):
    # exercise 00.1 is answered from this column
    monkeypatch.setattr(doctor, 'CHECKS', [
        lambda: doctor.Check('needed', True, 'fine'),
        lambda: doctor.Check('optional', False, 'missing', 'install it', required=False)])
    report = doctor.run_checks()
    lines = str(report).splitlines()
    assert lines[0].split()[:4] == ['check', 'status', 'required', 'detail']
    assert lines[1].split()[:3] == ['needed', 'OK', 'yes'] and lines[2].split()[:3] == ['optional', 'WARN', 'no']
    assert '<th>required</th>' in report._repr_html_() and '<b>WARN</b></td><td>no</td>' in report._repr_html_()
