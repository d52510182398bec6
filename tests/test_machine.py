"""The CPU's instruction sets read from /proc/cpuinfo flag lines of real CPU kinds (shortened), and
the one fact INT8 speed depends on: int8 dot-product instructions (AVX-512 VNNI, AVX-VNNI, AMX-INT8)."""
import pytest

from course_lib import machine

# flag lines of /proc/cpuinfo, cut to the relevant part (the order and neighbours are the kernel's)
ZEN1 = ('fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush mmx fxsr sse '
        'sse2 ht syscall nx mmxext fxsr_opt pdpe1gb rdtscp lm constant_tsc rep_good nopl xtopology '
        'nonstop_tsc cpuid extd_apicid aperfmperf pni pclmulqdq monitor ssse3 fma cx16 sse4_1 sse4_2 '
        'movbe popcnt aes xsave avx f16c rdrand lahf_lm cmp_legacy svm extapic cr8_legacy abm sse4a '
        'misalignsse 3dnowprefetch osvw skinit wdt tce topoext perfctr_core perfctr_nb bpext '
        'perfctr_llc mwaitx cpb hw_pstate ssbd ibpb vmmcall fsgsbase bmi1 avx2 smep bmi2 rdseed adx '
        'smap clflushopt sha_ni xsaveopt xsavec xgetbv1 xsaves clzero irperf xsaveerptr arat npt lbrv')
EPYC_GENOA = ('fpu sse sse2 ssse3 fma sse4_1 sse4_2 avx f16c avx2 bmi2 avx512f avx512dq avx512ifma '
              'avx512cd sha_ni avx512bw avx512vl xsaveopt avx512_bf16 clzero avx512vbmi umip pku '
              'avx512_vbmi2 gfni vaes vpclmulqdq avx512_vnni avx512_bitalg avx512_vpopcntdq rdpid')
XEON_CASCADE_LAKE = ('fpu sse sse2 ssse3 fma sse4_1 sse4_2 avx f16c avx2 bmi2 avx512f avx512dq '
                     'avx512cd avx512bw avx512vl xsaveopt pku ospke avx512_vnni md_clear arch_capabilities')
SAPPHIRE_RAPIDS = ('fpu sse sse2 ssse3 fma sse4_1 sse4_2 avx f16c avx2 bmi2 avx512f avx512dq avx512ifma '
                   'avx512cd avx512bw avx512vl avx_vnni avx512_bf16 avx512vbmi avx512_vbmi2 gfni '
                   'avx512_vnni avx512_bitalg avx512_vpopcntdq serialize tsxldtrk amx_bf16 '
                   'avx512_fp16 amx_tile amx_int8 arch_capabilities')
ALDER_LAKE = 'fpu sse sse2 ssse3 fma sse4_1 sse4_2 avx f16c avx2 bmi2 sha_ni avx_vnni movdiri'
OLD_AVX = 'fpu sse sse2 ssse3 sse4_1 sse4_2 popcnt aes xsave avx'


@pytest.mark.parametrize('flags, expected, dot, names', [
    (ZEN1, dict(avx2=True), False, 'none'),
    (EPYC_GENOA, dict(avx2=True, avx512f=True, avx512_vnni=True), True, 'AVX-512 VNNI'),
    (XEON_CASCADE_LAKE, dict(avx2=True, avx512f=True, avx512_vnni=True), True, 'AVX-512 VNNI'),
    (SAPPHIRE_RAPIDS, dict(avx2=True, avx512f=True, avx512_vnni=True, avx_vnni=True, amx_int8=True,
                           amx_bf16=True), True, 'AVX-512 VNNI, AVX-VNNI, AMX-INT8'),
    (ALDER_LAKE, dict(avx2=True, avx_vnni=True), True, 'AVX-VNNI'),
    (OLD_AVX, {}, False, 'none'),
    ('', {}, False, 'none'),
])
def test_instruction_sets_from_a_flags_line(flags, expected, dot, names):
    cpu = machine.instruction_sets(flags)
    fields = ('avx2', 'avx512f', 'avx512_vnni', 'avx_vnni', 'amx_int8', 'amx_bf16')
    assert {f: getattr(cpu, f) for f in fields} == {f: expected.get(f, False) for f in fields}
    assert cpu.int8_dot_product is dot and cpu.known
    assert cpu.int8_instructions == names
    assert cpu.describe().endswith(f'int8 dot-product instructions: {names}')
    assert '\n' not in cpu.describe()


def test_describe_names_each_instruction_set():
    text = machine.instruction_sets(ZEN1).describe()
    assert text.startswith('AVX2 yes, AVX-512F no, AVX-512 VNNI no, AVX-VNNI no, AMX-INT8 no, AMX-BF16 no')
    assert 'AVX-512 VNNI yes' in machine.instruction_sets(XEON_CASCADE_LAKE).describe()


def test_a_cpuinfo_file_and_a_records_flags_give_the_same_answer(tmp_path):
    cpuinfo = tmp_path / 'cpuinfo'
    cpuinfo.write_text(f'processor\t: 0\nmodel name\t: Made-up\nflags\t\t: {EPYC_GENOA}\n'
                       f'processor\t: 1\nmodel name\t: Made-up\nflags\t\t: {EPYC_GENOA}\n')
    from_file = machine.instruction_sets(cpuinfo=cpuinfo)
    from_record = machine.instruction_sets(machine.cpu_info(cpuinfo)['flags'])
    assert from_file == from_record == machine.instruction_sets(EPYC_GENOA)
    zen1 = {f: f == 'avx2' for f in machine.CPU_FLAGS}  # a record's flags of an AVX2-only CPU
    assert not machine.instruction_sets(zen1).int8_dot_product


def test_unreadable_cpu_flags_are_unknown_not_absent(tmp_path):
    missing = machine.instruction_sets(cpuinfo=tmp_path / 'nope')
    no_flags = tmp_path / 'cpuinfo'
    no_flags.write_text('processor\t: 0\nmodel name\t: Made-up\n')
    for cpu in (missing, machine.instruction_sets(cpuinfo=no_flags)):
        assert not cpu.known and not cpu.int8_dot_product
        assert 'unknown' in cpu.describe()
    assert machine.instruction_sets().describe()  # this machine's
