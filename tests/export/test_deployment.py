"""The deployment-scale benchmark's parts on tiny inputs: input sizes read from the full configs, the
bars on made-up timings, throughput mode on a tiny IR, and the dated record written and read back."""
import copy
import importlib.util
import json
import math
from pathlib import Path

import numpy as np
import pytest
import torch
from torch import nn

from course_lib.configs import for_lesson
from course_lib.errors import FileFormatError, InputError
from course_lib import machine
from course_lib.machine import instruction_sets
from course_lib.export import benchmark, benchmark_app, deploy_models, deploy_timing, deployment
from course_lib.export.convert import to_ir

REPO = Path(__file__).resolve().parents[2]
VNNI = instruction_sets('fpu avx2 avx512f avx512_vnni')   # the speed bars are asserted
AVX2 = instruction_sets('fpu avx avx2 fma')               # the speed bars are reported


# ---- input sizes come from the full configs --------------------------------------------------------

@pytest.fixture(scope='module')
def full_configs():
    return {spec.key: deploy_models.full_config(spec) for spec in deploy_models.MODELS}


def test_every_model_is_built_from_its_full_config(full_configs):
    for spec in deploy_models.MODELS:
        name = Path(full_configs[spec.key].filename).stem
        assert name == for_lesson(spec.lesson, spec.role, profile='full')
        assert name.endswith('_full')
    assert Path(full_configs['recognizer'].filename).stem == 'r2plus1d_r34_hmdb51_full'
    assert Path(full_configs['stdet'].filename).stem == \
        'slowonly_k400-pre-r50_8xb8-8x2x1-20e_jhmdb-ava_full'


@pytest.mark.parametrize('key, expected', [
    ('recognizer', (8, 224, 224)),      # R(2+1)D-34 8 x 224^2 (one view)
    ('x3d', (13, 182, 182)),            # X3D-S 13 x 182^2
    ('detector', (736, 992)),           # ATSS: 992 x 736 test scale, already a multiple of 32
    ('BMN', (400, 100)),                # 400 feature channels x 100 steps
    ('stdet', (8, 256, 341)),           # 8-frame clip, short side 256, JHMDB's 4:3 frames
])
def test_input_sizes_are_those_of_the_full_configs(full_configs, key, expected):
    assert deploy_models.input_shape(deploy_models.model_spec(key), full_configs[key]) == expected


def test_input_sizes_follow_the_config_not_a_constant(full_configs):
    spec = deploy_models.model_spec('recognizer')
    cfg = copy.deepcopy(full_configs['recognizer'])
    steps = {s['type']: s for s in cfg.val_pipeline}
    steps['CenterCrop']['crop_size'] = 112
    steps['SampleFrames']['clip_len'] = 16
    assert deploy_models.input_shape(spec, cfg) == (16, 112, 112)
    det = copy.deepcopy(full_configs['detector'])
    next(s for s in det.test_pipeline if s['type'] == 'Resize')['scale'] = (1000, 600)
    assert deploy_models.input_shape(deploy_models.model_spec('detector'), det) == (608, 1024)  # padded to 32
    cfg.val_pipeline = [s for s in cfg.val_pipeline if s['type'] != 'CenterCrop']
    with pytest.raises(FileFormatError, match='val_pipeline'):
        deploy_models.input_shape(spec, cfg)


def test_an_unknown_model_is_named_with_the_choices():
    with pytest.raises(InputError, match='x3d'):
        deploy_models.model_spec('slowfast')


# ---- bars ----------------------------------------------------------------------------------------

def _model(key='recognizer', eager=4110.0, fp32=1370.0, int8=673.0, throughput=(0.5, 1.4, 2.9),
           int8_mb=64.1):
    return {'key': key, 'label': deploy_models.model_spec(key).label,
            'size_mb': {'PyTorch FP32': 254.5, 'OpenVINO FP32': 254.3, 'OpenVINO INT8': int8_mb},
            'latency_ms': {'PyTorch FP32': {'median': eager, 'iqr': 10.0, 'repeats': 5},
                           'OpenVINO FP32': {'median': fp32, 'iqr': 5.0, 'repeats': 5},
                           'OpenVINO INT8': {'median': int8, 'iqr': 3.0, 'repeats': 5}},
            'throughput': {r: {'items_per_s': v, 'items': 10, 'seconds': 10.0, 'how': 'made up',
                               'requests': 2, 'streams': 2, 'hint': 'THROUGHPUT'}
                           for r, v in zip(deployment.RUNTIMES, throughput)}}


def _passed(models, cpu=VNNI):
    return [b['passed'] for b in deployment.check_bars(models, cpu)]


def test_bars_pass_on_the_issue_authors_timings():
    bars = deployment.check_bars([_model(), _model('x3d', 186, 84, 50)], VNNI)
    assert [b['passed'] for b in bars] == [True, True, True, True, True]
    assert bars[0]['value'] == pytest.approx(4110 / 673, abs=1e-3)
    assert bars[1]['value'] == pytest.approx(1370 / 673, abs=1e-3)


def test_bars_fail_when_int8_is_too_slow_against_either_baseline():
    assert _passed([_model(int8=800)]) == [True, False, True, True]       # 5.1x eager, 1.71x FP32
    assert _passed([_model(eager=2500)]) == [False, True, True, True]     # 3.7x eager
    assert _passed([_model(eager=4000, fp32=1800, int8=1000)]) == [True, True, True, True]  # 4x, 1.8x


def test_without_int8_dot_products_speed_is_reported_and_size_still_checked():
    slow = _model(eager=1500, fp32=700, int8=680)   # an AVX2-only CPU: INT8 about as fast as FP32
    assert _passed([slow], VNNI) == [False, False, True, True]
    bars = deployment.check_bars([slow], AVX2)
    assert [b['passed'] for b in bars] == [None, None, True, True]
    assert [b.get('reported') for b in bars[:2]] == [True, True]
    assert 'reported, not asserted' in bars[1]['text'] and '1.03x' in bars[1]['text']
    assert _passed([_model(int8_mb=200.0)], AVX2) == [None, None, False, True]  # FP32 weights left
    assert _passed([_model(int8_mb=200.0)], VNNI) == [True, True, False, True]


def test_bars_fail_without_throughput_or_without_the_recognizer():
    assert _passed([_model(), _model('BMN', throughput=(3.0, 0.0, 9.0))]) == [True, True, True, True,
                                                                               False]
    broken = _model('detector')
    del broken['throughput']['OpenVINO INT8']
    assert 'missing: OpenVINO INT8' in deployment.check_bars([broken], VNNI)[-1]['text']
    assert _passed([_model('x3d')]) == [None, None, True]  # R(2+1)D-34 left out: not checked
    assert 'not measured' in deployment.check_bars([_model('x3d')], VNNI)[0]['text']


# ---- throughput mode on a tiny IR ---------------------------------------------------------------

@pytest.fixture(scope='module')
def tiny_ir(tmp_path_factory):
    torch.manual_seed(0)
    net = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool2d(1),
                        nn.Flatten(), nn.Linear(8, 4)).eval()
    return net, to_ir(net, torch.rand(1, 3, 16, 16), tmp_path_factory.mktemp('ir') / 'tiny.xml')


def test_throughput_mode_uses_the_throughput_hint_and_counts_items(tiny_ir):
    _, xml = tiny_ir
    model = deploy_models.static_model(xml, (1, 3, 16, 16))
    result = deploy_timing.ov_throughput(model, np.random.rand(1, 3, 16, 16).astype(np.float32),
                                         seconds=0.3, threads=1)
    assert result.hint == 'THROUGHPUT'
    assert result.requests >= 1 and result.items >= 2 * result.requests
    assert result.items_per_s == pytest.approx(result.items / result.seconds)
    assert result.items_per_s > 0


def test_static_model_fixes_the_batch_of_a_dynamic_ir(tiny_ir):
    _, xml = tiny_ir
    import openvino as ov
    assert ov.Core().read_model(str(xml)).inputs[0].get_partial_shape().is_dynamic
    assert list(deploy_models.static_model(xml, (2, 3, 16, 16)).inputs[0].get_shape()) == [2, 3, 16, 16]


def test_eager_throughput_counts_items_per_call():
    calls = []
    result = deploy_timing.torch_throughput(lambda x: calls.append(x), np.zeros((3, 2)), 3,
                                            seconds=0.05, threads=1, how='batch of 3')
    assert result.items == 3 * (len(calls) - 1)  # the first call warms up
    assert result.items_per_s > 0 and result.runtime == 'PyTorch FP32'


def test_benchmark_app_report_is_parsed():
    report = ('[ INFO ] Count:            120 iterations\n[ INFO ] Duration:         15012.34 ms\n'
              '[ INFO ] Latency:\n[ INFO ]    Median:        123.45 ms\n'
              '[ INFO ]    Average:       125.00 ms\n[ INFO ] Throughput:   8.02 FPS\n')
    assert benchmark_app.parse_benchmark_app(report) == {'median_ms': 123.45, 'fps': 8.02}
    assert benchmark_app.parse_benchmark_app('no numbers') == {}


# ---- the record ----------------------------------------------------------------------------------

CPUINFO = """processor	: 0
model name	: Made-up CPU @ 2.0GHz
flags		: fpu sse avx2 avx512f avx512_vnni
processor	: 1
model name	: Made-up CPU @ 2.0GHz
flags		: fpu sse avx2 avx512f avx512_vnni
"""


def test_cpu_info_reads_the_model_name_and_the_flags_that_matter(tmp_path):
    (tmp_path / 'cpuinfo').write_text(CPUINFO)
    info = machine.cpu_info(tmp_path / 'cpuinfo')
    assert info['model'] == 'Made-up CPU @ 2.0GHz'
    assert info['flags']['avx2'] and info['flags']['avx512_vnni']
    assert not info['flags']['amx_int8'] and not info['flags']['avx512_bf16']
    assert info['cores'] >= 1
    assert machine.cpu_info()['model']  # this machine's


def _record(date='2026-12-01', models=None):
    models = models or [_model(), _model('x3d', 186, 84, 50)]
    for m in models:
        m.update(config='cfg_full', input='8 x 224 x 224', input_note='note', gflops=75.3,
                 params=63_700_000, fake_quantize_ops=100, calibration_items=10)
    bars = deployment.check_bars(models, VNNI)
    return {'kind': 'deployment', 'date': date, 'time_utc': '01:00', 'command': 'make x',
            'weights': deployment.WEIGHTS_LABEL,
            'machine': {'model': 'Made-up CPU', 'cores': 2,
                        'flags': {f: f == 'avx2' for f in machine.CPU_FLAGS}},
            'load_average_start': [1.5, 1.0, 0.5], 'load_average_end': [2.5, 1.0, 0.5],
            'versions': {'torch': '2.0', 'openvino': '2024', 'nncf': '2.1'},
            'settings': {'threads': 2, 'latency_repeats': 5, 'warmup': 1, 'calibration': '10 random',
                         'throughput_seconds': 10, 'eager_batch': 2, 'inference_precision': 'f32'},
            'models': models, 'bars': bars, 'passed': all(b['passed'] for b in bars),
            'complete': False,
            'benchmark_app': {'model': 'R(2+1)D-34 OpenVINO INT8', 'median_ms': 650.0,
                              'ours_median_ms': 673.0, 'command': 'benchmark_app -m x'},
            'total_seconds': 600}


def test_record_round_trip_names_the_date_cpu_and_weights(tmp_path):
    record = _record()
    md, js = deployment.write_record(record, tmp_path)
    assert (md.name, js.name) == ('deployment_2026-12-01.md', 'deployment_2026-12-01.json')
    path, back = deployment.latest_record(directory=tmp_path)
    assert path == js and back == json.loads(json.dumps(record))
    text = md.read_text()
    for needed in ('2026-12-01', 'Made-up CPU', '2 cores', 'avx2 yes', 'avx512_vnni no',
                   'random weights', '1.5/1.0/0.5', '2.5/1.0/0.5', 'torch 2.0', 'openvino 2024',
                   'nncf 2.1', 'make x', '4110.0 (10.0)', '6.11x', '2.04x', '650.0 ms'):
        assert needed in text, needed
    assert text.count('PASS') == 5 and 'FAIL' not in text
    caption = deployment.record_caption(back)
    assert '2026-12-01' in caption and 'Made-up CPU' in caption and 'random weights' in caption
    assert 'int8 dot-product instructions: none' in caption  # the record's CPU: AVX2 only


def test_a_record_of_an_avx2_only_cpu_reports_its_speed_bars():
    record = _record(models=[_model(eager=1500, fp32=700, int8=680)])
    record['bars'] = deployment.check_bars(record['models'], AVX2)
    text = deployment.record_markdown(record)
    assert text.count('REPORTED') == 2 and text.count('PASS') == 2 and 'FAIL' not in text



def test_lesson_tables_and_the_live_comparison_come_from_the_record():
    record = _record()
    tables = deployment.record_tables(record)
    assert '4110.0 (10.0)' in tables and '6.11x' in tables and 'items / s' in tables
    assert '## ' not in tables  # no headings inside a lesson section
    rec = record['models'][0]
    live = [benchmark.BenchRow(rec['label'], runtime, benchmark.Timing(runtime, 1, [ms]), 1.0,
                               'random weights', math.nan)
            for runtime, ms in (('PyTorch FP32', 800.0), ('OpenVINO FP32', 300.0), ('OpenVINO INT8', 100.0))]
    line = deployment.speedups_vs_record(live, record, key=rec['key'])
    assert '8.00x now, 6.11x in the record' in line and '3.00x now, 2.04x in the record' in line
    with pytest.raises(InputError, match="no model 'nope'"):
        deployment.speedups_vs_record(live, record, key='nope')

def test_latest_record_is_the_newest_date_and_checks_the_file(tmp_path):
    deployment.write_record(_record('2026-12-01'), tmp_path)
    deployment.write_record(_record('2026-11-30'), tmp_path)
    (tmp_path / 'deployment_notes.json').write_text('{}')  # not a dated record: ignored
    path, record = deployment.latest_record(directory=tmp_path)
    assert path.name == 'deployment_2026-12-01.json' and record['date'] == '2026-12-01'
    with pytest.raises(FileNotFoundError, match='make benchmark-deployment'):
        deployment.latest_record(directory=tmp_path / 'empty')
    (tmp_path / 'deployment_2026-12-02.json').write_text('{"kind": "deployment"}')
    with pytest.raises(FileFormatError, match='deployment_2026-12-02.json'):
        deployment.latest_record(directory=tmp_path)


def test_the_committed_record_reads_back_and_shows_every_model():
    path, record = deployment.latest_record()
    assert path.parent == REPO / 'docs' / 'benchmarks'
    assert path.with_suffix('.md').exists()
    assert 'random weights' in record['weights'] and record['machine']['model']
    assert {m['key'] for m in record['models']} == set(deploy_models.KEYS)
    assert all(m['throughput'][r]['items_per_s'] > 0 for m in record['models']
               for r in deployment.RUNTIMES)


def test_live_rows_show_in_the_benchmark_table_without_a_metric():
    timing = benchmark.Timing('OpenVINO INT8', 1, [50.0, 52.0])
    row = benchmark.BenchRow('X3D-S 13 x 182 x 182', 'OpenVINO INT8', timing, 3.9, 'random weights',
                             math.nan)
    table = benchmark.benchmark_table([row])
    assert '| random weights |' in table and 'nan' not in table


# ---- the script exits non-zero when a bar fails -------------------------------------------------

def _script():
    spec = importlib.util.spec_from_file_location('benchmark_export', REPO / 'scripts' / 'benchmark_export.py')
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize('int8, failed', [(673.0, 0), (800.0, 1)])
def test_the_script_returns_the_number_of_failed_bars(monkeypatch, capsys, int8, failed):
    seen = {}

    def fake_run(keys, **kwargs):
        seen.update(keys=keys, **kwargs)
        return _record(models=[_model(int8=int8)])
    monkeypatch.setattr(deployment, 'run_deployment_benchmark', fake_run)
    script = _script()
    assert script.main(['--deployment', '--models', 'recognizer']) == failed
    assert seen['keys'] == ['recognizer'] and seen['repeats'] == 5 and seen['threads'] == 2
    out = capsys.readouterr().out
    assert f'{failed} bar(s) failed' in out
    assert 'no record written' in out  # a run of one model keeps the day's full record
    assert script.run_cli(script.main, ['--deployment', '--models', 'slowfast']) == 1


# ---- lesson 08's benchmark rows ------------------------------------------------------------------

class _TwoInputs(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3)

    def forward(self, image, scale):
        return self.conv(image) * scale.mean()


@pytest.mark.parametrize('two_inputs', [False, True])
def test_bench_rows_time_every_runner_and_keep_size_metric_and_complexity(tiny_ir, two_inputs):
    from types import SimpleNamespace
    from course_lib.complexity import model_complexity
    net = _TwoInputs() if two_inputs else tiny_ir[0]
    image = np.random.rand(1, 3, 16, 16).astype(np.float32)
    bench_input = (image, np.ones(2, np.float32)) if two_inputs else image
    case = SimpleNamespace(name='tiny', net=net, bench_input=bench_input, metric_name='top-1')
    calls = {name: 0 for name in ('PyTorch FP32', 'OpenVINO FP32', 'OpenVINO INT8')}

    def runner(name):
        def run(x):
            assert x is bench_input  # every runtime gets the same input
            calls[name] += 1
        return run
    rows = deployment.bench_rows(case, {name: runner(name) for name in calls}, [1.5, 1.4, 0.4],
                                 [0.9, 0.9, 0.8], warmup=2, repeats=5)
    assert [r.runtime for r in rows] == list(calls) and all(r.model == 'tiny' for r in rows)
    assert [(r.size_mb, r.metric) for r in rows] == [(1.5, 0.9), (1.4, 0.9), (0.4, 0.8)]
    assert calls == {name: 7 for name in calls}
    assert all(len(r.timing.times_ms) == 5 and r.timing.batch == 1 for r in rows)
    inputs = bench_input if two_inputs else (bench_input,)
    expected = model_complexity(net, *(torch.from_numpy(a) for a in inputs))
    assert all(r.gflops == expected.gflops > 0 and r.params_m == expected.params_m for r in rows)
    assert '| tiny | OpenVINO INT8 |' in benchmark.benchmark_table(rows)
    with pytest.raises(InputError, match='3 runners, 2 sizes'):
        deployment.bench_rows(case, {name: runner(name) for name in calls}, [1.5, 1.4], [0.9] * 3)
