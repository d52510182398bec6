"""What INT8 is expected to gain, and which speed bars are asserted, on a CPU with int8 dot-product
instructions and on one without (fake flag lines: no such CPU is needed to test either branch)."""
from course_lib.export import int8_speed
from course_lib.machine import InstructionSets, instruction_sets

VNNI = instruction_sets('fpu avx2 avx512f avx512_vnni')
AMX = instruction_sets('avx2 avx512f avx512_vnni avx_vnni amx_tile amx_int8 amx_bf16')
AVX2 = instruction_sets('fpu sse avx avx2 fma')
UNKNOWN = InstructionSets(known=False)


def test_the_expectation_branches_on_int8_dot_products():
    for cpu, names in ((VNNI, 'AVX-512 VNNI'), (AMX, 'AMX-INT8')):
        text = int8_speed.int8_expectation(cpu)
        assert 'has int8 dot-product instructions' in text and names in text
        assert '2-4x faster than OpenVINO FP32' in text and 'about as fast' not in text
    text = int8_speed.int8_expectation(AVX2)
    assert 'no int8 dot-product instructions' in text and 'AVX2 yes' in text
    assert 'about as fast as OpenVINO FP32' in text and 'int8 kernels' in text and 'size' in text
    assert 'has int8 dot-product' not in text
    assert 'could not be read' in int8_speed.int8_expectation(UNKNOWN)
    for cpu in (VNNI, AVX2, UNKNOWN):  # never claims VNNI where there is none
        assert 'VNNI here' not in int8_speed.int8_expectation(cpu)


def test_a_speed_bar_is_asserted_only_with_int8_dot_products():
    assert int8_speed.speed_asserted(VNNI) and int8_speed.speed_asserted(AMX)
    assert not int8_speed.speed_asserted(AVX2) and not int8_speed.speed_asserted(UNKNOWN)
    passed = int8_speed.speed_bar('INT8 is 1.6x faster', 1.6, 1.5, VNNI)
    failed = int8_speed.speed_bar('INT8 is 1.2x faster', 1.2, 1.5, VNNI)
    assert (passed['passed'], failed['passed']) == (True, False)
    assert [int8_speed.verdict(b) for b in (passed, failed)] == ['PASS', 'FAIL']
    reported = int8_speed.speed_bar('INT8 is 1.02x faster', 1.02, 1.5, AVX2)
    assert reported['passed'] is None and reported['value'] == 1.02
    assert int8_speed.verdict(reported) == 'REPORTED' and 'not asserted' in reported['text']
    assert int8_speed.speed_bar('slower', 0.8, 1.5, AVX2)['passed'] is None  # slower: still reported


def test_the_size_bar_holds_on_every_cpu():
    assert int8_speed.size_bar('R(2+1)D-34', 64.1, 254.3)['passed']          # 0.25
    assert int8_speed.size_bar('recognizer', 2.40, 8.46)['passed']           # 0.28
    big = int8_speed.size_bar('recognizer', 6.0, 8.46)                       # weights left in FP32
    assert big['passed'] is False and int8_speed.verdict(big) == 'FAIL' and '0.71' in big['text']
