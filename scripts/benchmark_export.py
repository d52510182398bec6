"""Lesson 08's bars, measured in one run: export, parity, INT8 (NNCF) and speed on this CPU.

    COURSE_PROFILE=smoke .venv/bin/python scripts/benchmark_export.py [--repeats 20] [--skip-bmn]

For the recognizer (lesson 03), the ATSS detector (lesson 06), the spatio-temporal detector
(lesson 07: clip + person boxes in, action scores out, RoIAlign as OpenVINO's ROIAlign) and BMN
(lesson 04, export and parity only), it exports the trained checkpoint to OpenVINO IR, checks parity on inputs not used for
tracing, quantizes to INT8 with nncf.quantize_with_accuracy_control (max drop 1 point, calibration on
training data), and times PyTorch eager FP32, OpenVINO FP32 and OpenVINO INT8 side by side on the
same inputs (warm-up, interleaved repeats, median; 2 threads each). It prints the tables and exits
non-zero when a bar fails:
  - FP32 IR: max abs error <= 1e-4 relative to the output's scale, task metric identical;
  - recognizer INT8: top-1 drop <= 1 point on the validation split, IR at most 0.35 of the FP32
    IR's size, >= 3x faster than PyTorch eager FP32 and >= 1.5x faster than OpenVINO FP32; the two
    speed bars are asserted only on a CPU with int8 dot-product instructions (AVX-512 VNNI, AVX-VNNI,
    AMX-INT8) and reported on one without (AVX2 only), where INT8 is about as fast as FP32
    (course_lib.export.int8_speed);
  - detector INT8: mAP@0.5 drop <= 1 point;
  - spatio-temporal detector INT8: frame-mAP@0.5 drop <= 1 point.
Speed is measured at the recognizer's own input (one 8 x 32 x 32 clip, batch 1), the size it was
trained and evaluated at; --batch changes the batch. Not a unit test: it trains the models first if
their checkpoints are missing and takes a few minutes.

--deployment (`make benchmark-deployment`, <= 15 min on 2 cores): the full profile's architectures
instead (R(2+1)D-34, X3D-S, ATSS-MobileNetV2, BMN 400 x 100, the SlowOnly-R50 spatio-temporal
detector) at the input sizes of their full configs, with RANDOM weights (no download: speed only),
INT8 calibrated on a few random inputs; latency (one request) and throughput (OpenVINO THROUGHPUT
hint, asynchronous requests; PyTorch eager on a batch) for PyTorch eager FP32, OpenVINO FP32 and
INT8; cross-checked against benchmark_app; writes docs/benchmarks/deployment_<date>.md and .json
(course_lib.export.deployment). Bars: R(2+1)D-34 INT8 >= 4x eager and >= 1.8x OpenVINO FP32 in
latency mode (asserted only with int8 dot-product instructions, reported without), its INT8 IR at most
0.35 of the FP32 IR's size, a throughput number for every model; exits non-zero when one fails.
    .venv/bin/python scripts/benchmark_export.py --deployment [--models recognizer x3d] [--no-record]
"""
from __future__ import annotations

import argparse
import sys

import course_lib  # noqa: F401
from course_lib.errors import InputError, run_cli

SMOKE_MODELS = ('recognizer', 'detector', 'stdet', 'BMN')


def main(argv: list[str] | None = None) -> int:
    """Run every measurement, print the tables, return the number of failed bars."""
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--repeats', type=int, default=None,
                        help='timed repeats per runtime (default 20; --deployment: 5)')
    parser.add_argument('--batch', type=int, default=1, help='recognizer batch size for speed')
    parser.add_argument('--threads', type=int, default=2, help='threads for every runtime')
    parser.add_argument('--skip-bmn', action='store_true', help='leave BMN out (saves ~1 min)')
    parser.add_argument('--skip-stdet', action='store_true',
                        help='leave the spatio-temporal detector (lesson 07) out')
    parser.add_argument('--models', nargs='+',
                        help=f'measure only these models (default: all not skipped): '
                             f'{", ".join(SMOKE_MODELS)}; --deployment: also x3d')
    parser.add_argument('--plot', default=None, help='save the accuracy-vs-speed plot here')
    deploy = parser.add_argument_group('deployment-scale mode')
    deploy.add_argument('--deployment', action='store_true',
                        help='full-profile architectures at full input sizes, random weights')
    deploy.add_argument('--calibration', type=int, default=10,
                        help='random calibration inputs for nncf.quantize (default 10)')
    deploy.add_argument('--throughput-seconds', type=float, default=10.0,
                        help='seconds per runtime in throughput mode (default 10)')
    deploy.add_argument('--eager-batch', type=int, default=2,
                        help='PyTorch eager throughput: items per call (default 2)')
    deploy.add_argument('--record-dir', default=None,
                        help='where the dated record goes (default docs/benchmarks)')
    deploy.add_argument('--no-record', action='store_true', help='print the tables, write nothing')
    deploy.add_argument('--no-cross-check', action='store_true', help='skip benchmark_app')
    args = parser.parse_args(argv)
    if args.deployment:
        return deployment(args, argv)
    args.repeats = args.repeats or 20
    unknown = sorted(set(args.models or ()) - set(SMOKE_MODELS))
    if unknown:
        raise InputError(f'--models {" ".join(unknown)}: lesson 08\'s benchmark has '
                         f'{", ".join(SMOKE_MODELS)} (x3d only with --deployment).')

    import openvino as ov
    import torch

    from course_lib.export import benchmark, cases, int8_speed, parity, quantize
    from course_lib.export import deployment as dep
    from course_lib.export.convert import ir_size_mb, torch_size_mb
    from course_lib.machine import instruction_sets
    torch.set_num_threads(args.threads)
    cpu = instruction_sets()
    print('CPU:', cpu.describe())

    failures: list[str] = []

    def bar(ok: bool | dict, text: str = '') -> None:
        checked = ok if isinstance(ok, dict) else {'text': text, 'passed': ok}
        print(f'  {int8_speed.verdict(checked):8s}' + checked['text'])
        if checked['passed'] is False:
            failures.append(checked['text'])

    makers = [('recognizer', lambda: cases.recognizer_case(bench_batch=args.batch)),
              ('detector', cases.detector_case)]
    if not args.skip_stdet:
        makers.append(('stdet', cases.stdet_case))
    if not args.skip_bmn:
        makers.append(('BMN', cases.bmn_case))
    if args.models:
        makers = [(name, make) for name, make in makers if name in args.models]
    parity_rows, bench_rows, drops = [], [], {}
    for name, make in makers:
        print(f'\n== {name}')
        case = make()
        fp32 = case.ov_run(parity.compile_ir(case.xml, threads=args.threads))
        row = parity.ParityRow(name, case.metric_name,
                               parity.compare(case.torch_run, fp32, case.fresh_inputs),
                               case.metric(case.torch_run), case.metric(fp32))
        parity_rows.append(row)
        bar(row.error.relative <= 1e-4, f'{name} FP32 IR {row.error}')
        bar(row.metric_torch == row.metric_ir,
            f'{name} {case.metric_name}: PyTorch {row.metric_torch:.4f}, IR {row.metric_ir:.4f}')
        if case.validate is None:
            continue
        int8_model = quantize.quantize_with_accuracy_control(
            case.xml, case.calibration, case.validation, case.validate, max_drop=0.01)
        int8_xml = case.xml.with_name(f'{name}_int8.xml')
        ov.save_model(int8_model, str(int8_xml))
        int8 = case.ov_run(parity.compile_ir(int8_xml, threads=args.threads))
        metric_int8 = case.metric(int8)
        drops[name] = row.metric_torch - metric_int8
        bar(drops[name] <= 0.01 + 1e-9, f'{name} INT8 {case.metric_name} {metric_int8:.4f}: drop '
            f'{100 * drops[name]:.2f} points (<= 1), '
            f'{quantize.fake_quantize_count(int8_model)} FakeQuantize ops')
        runners = {'PyTorch FP32': case.torch_run, 'OpenVINO FP32': fp32, 'OpenVINO INT8': int8}
        sizes = [torch_size_mb(case.net), ir_size_mb(case.xml), ir_size_mb(int8_xml)]
        metrics = [row.metric_torch, row.metric_ir, metric_int8]
        rows = dep.bench_rows(case, runners, sizes, metrics, warmup=3, repeats=args.repeats,
                              threads=args.threads)
        bench_rows += rows
        if name == 'recognizer':
            up_eager = benchmark.speedups(rows, 'PyTorch FP32')['OpenVINO INT8']
            up_ov = benchmark.speedups(rows, 'OpenVINO FP32')['OpenVINO INT8']
            bar(int8_speed.size_bar('recognizer', sizes[2], sizes[1]))
            bar(int8_speed.speed_bar(f'recognizer INT8 is {up_eager:.1f}x faster than PyTorch eager '
                                     f'FP32 at batch {args.batch}', up_eager, 3.0, cpu))
            bar(int8_speed.speed_bar(f'recognizer INT8 is {up_ov:.1f}x faster than OpenVINO FP32',
                                     up_ov, 1.5, cpu))

    print('\n## Parity (FP32 IR, f32 inference precision, inputs not used for tracing)\n')
    print(parity.parity_table(parity_rows))
    print(f'\n## Speed ({args.threads} threads, median of {args.repeats} interleaved repeats; '
          'size: PyTorch = FP32 weights of the exported part, OpenVINO = .xml + .bin)\n')
    print(benchmark.benchmark_table(bench_rows))
    if args.plot:
        import matplotlib
        matplotlib.use('Agg')
        import matplotlib.pyplot as plt
        benchmark.plot_accuracy_vs_speed(bench_rows)
        plt.savefig(args.plot, dpi=110)
    print(f'\n{len(failures)} bar(s) failed' + (':\n  ' + '\n  '.join(failures) if failures else ''))
    return len(failures)


def deployment(args: argparse.Namespace, argv: list[str] | None) -> int:
    """The deployment-scale mode: measure, print, write the dated record; return the failed bars."""
    from course_lib.export import deployment as dep
    keys = args.models or [k for k in dep.KEYS if not (args.skip_bmn and k == 'BMN')
                           and not (args.skip_stdet and k == 'stdet')]
    unknown = sorted(set(keys) - set(dep.KEYS))
    if unknown:
        raise InputError(f'--models {" ".join(unknown)}: the deployment benchmark has '
                         f'{", ".join(dep.KEYS)}.')
    command = 'python scripts/benchmark_export.py ' + ' '.join(sys.argv[1:] if argv is None else argv)
    record = dep.run_deployment_benchmark(
        keys, repeats=args.repeats or 5, calibration_items=args.calibration,
        throughput_seconds=args.throughput_seconds, eager_batch=args.eager_batch,
        threads=args.threads, cross_check=None if args.no_cross_check else 'recognizer',
        command=command.strip())
    print('\n' + dep.record_markdown(record))
    if args.no_record:
        pass
    elif record['complete'] or args.record_dir:
        md, js = dep.write_record(record, args.record_dir)
        print(f'record: {md} and {js.name}')
    else:  # a partial run must not replace the day's record of every model
        print('Not every model was measured: no record written (give --record-dir to write one).')
    failures = [b['text'] for b in record['bars'] if b['passed'] is False]
    print(f'{len(failures)} bar(s) failed' + (':\n  ' + '\n  '.join(failures) if failures else ''))
    return len(failures)


if __name__ == '__main__':
    sys.exit(1 if run_cli(main) else 0)
