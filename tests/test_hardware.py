"""course_lib.hardware: the GPU/CPU decisions of `make setup`, with the hardware simulated."""
import subprocess
from types import SimpleNamespace

from course_lib import hardware
from course_lib.hardware import Gpu, detect_gpu, parse_nvidia_smi, plan

SMI_HEADER = '''+-----------------------------------------------------------------------------------------+
| NVIDIA-SMI 560.35.03              Driver Version: 560.35.03      CUDA Version: 12.6     |
|-----------------------------------------+------------------------+----------------------+'''
SMI_QUERY = 'NVIDIA GeForce RTX 3090, 8.6\n'


def test_nvidia_smi_output_is_read():
    gpu = parse_nvidia_smi(SMI_HEADER, SMI_QUERY)
    assert gpu == Gpu('NVIDIA GeForce RTX 3090', (12, 6), '8.6')
    assert parse_nvidia_smi('', '') is None


def test_a_machine_with_nvcc_and_no_gpu_is_a_cpu_machine(monkeypatch, tmp_path):
    monkeypatch.delenv('COURSE_GPU', raising=False)
    monkeypatch.setattr(hardware.shutil, 'which', lambda name: '/usr/bin/nvcc' if name == 'nvcc' else None)
    assert detect_gpu(proc=tmp_path / 'absent') is None
    decided = plan(None, (12, 4), '2.13.0')
    assert decided.device == 'cpu' and decided.torch_index_url is None and not decided.mmcv_cuda_ops


def test_gpu_from_nvidia_smi_or_from_proc(monkeypatch, tmp_path):
    monkeypatch.delenv('COURSE_GPU', raising=False)
    monkeypatch.setattr(hardware.shutil, 'which', lambda name: f'/usr/bin/{name}')
    outputs = {'header': SMI_HEADER, '--query-gpu=name,compute_cap': SMI_QUERY}

    def run(cmd, **kwargs):
        return SimpleNamespace(stdout=outputs['header' if len(cmd) == 1 else cmd[1]])
    assert detect_gpu(run=run, proc=tmp_path).driver_cuda == (12, 6)
    monkeypatch.setattr(hardware.shutil, 'which', lambda name: None)  # driver, no nvidia-smi
    (tmp_path / '0000:01:00.0').mkdir()
    assert detect_gpu(proc=tmp_path).name.startswith('NVIDIA GPU')
    monkeypatch.setenv('COURSE_GPU', 'none')
    assert detect_gpu(proc=tmp_path) is None


def test_a_gpu_with_nvcc_gets_the_newest_cuda_build_its_driver_runs():
    decided = plan(Gpu('RTX', (12, 6), '8.6'), (12, 6), '2.13.0')
    assert (decided.device, decided.cuda_tag, decided.mmcv_cuda_ops) == ('cuda', 'cu126', True)
    assert decided.torch_index_url == 'https://download.pytorch.org/whl/cu126'
    assert "PLAN_CUDA_ARCH='8.6'" in decided.shell() and "COURSE_DEVICE='cuda'" in decided.shell()
    assert plan(Gpu('H100', (13, 0)), (13, 0), '2.13.0').cuda_tag == 'cu130'
    assert plan(Gpu('H100', (13, 0)), (12, 8), '2.13.0').cuda_tag == 'cu128'  # nvcc's major


def test_a_gpu_without_a_cuda_compiler_says_what_to_install():
    decided = plan(Gpu('RTX', (12, 8)), None, '2.13.0')
    assert decided.device == 'cpu' and not decided.mmcv_cuda_ops
    assert 'no CUDA compiler (nvcc)' in decided.message and 'CUDA 12.8 toolkit' in decided.message


def test_an_old_driver_or_an_unknown_torch_falls_back_to_the_cpu_with_a_reason():
    old = plan(Gpu('GTX', (11, 4)), (11, 4), '2.13.0')
    assert old.device == 'cpu' and 'update the NVIDIA driver' in old.message
    unknown = plan(Gpu('RTX', (12, 6)), (12, 6), '9.9.0')
    assert unknown.device == 'cpu' and 'TORCH_CUDA_BUILDS' in unknown.message


def test_setup_script_runs_the_plan_without_course_lib_installed():
    import sys
    out = subprocess.run([sys.executable, '-I', hardware.__file__, 'plan', '--torch', '2.13.0'],
                         capture_output=True, text=True, env={'COURSE_GPU': 'none', 'PATH': ''})
    assert out.returncode == 0 and "COURSE_DEVICE='cpu'" in out.stdout
    assert 'CPU build' in out.stderr


def test_setup_sh_evaluates_the_plan_and_keys_the_mmcv_wheel_by_cuda_version():
    import sys
    from pathlib import Path
    script = Path(hardware.__file__).resolve().parents[1] / 'scripts' / 'setup.sh'
    text = script.read_text()
    assert 'course_lib/hardware.py plan' in text and 'which nvcc' not in text  # the plan decides
    assert '${PLAN_CUDA_TAG:+-$PLAN_CUDA_TAG}' in text and 'FORCE_CUDA="$PLAN_MMCV_CUDA"' in text
    out = subprocess.run(['bash', '-c', f'eval "$({sys.executable} -I {hardware.__file__} plan '
                          '--torch 2.13.0 2>/dev/null)"; echo "$COURSE_DEVICE $PLAN_MMCV_CUDA"'],
                         capture_output=True, text=True, env={'COURSE_GPU': 'none', 'PATH': '/usr/bin:/bin'})
    assert out.stdout.split() == ['cpu', '0']
    assert subprocess.run(['bash', '-n', str(script)]).returncode == 0
