"""What INT8 is expected to gain on this CPU: the sentences lesson 08 shows and the speed bars of
`make benchmark-export` and `make benchmark-deployment`, both decided by the CPU's instruction sets.

OpenVINO runs an INT8 IR with int8 kernels on any x86 CPU it supports, but only a CPU with int8
dot-product instructions (AVX-512 VNNI, AVX-VNNI or AMX-INT8: `machine.InstructionSets`) multiplies
and sums 8-bit values in one instruction; there INT8 is expected 2-4x faster than OpenVINO FP32 on
models with enough arithmetic per layer. Without them (an AVX2-only CPU) INT8 is about as fast as
FP32, and its gains are size and an accuracy kept within budget. So a speed bar is asserted only on
a CPU with those instructions and reported elsewhere; size and accuracy are checked on every CPU.
"""
from __future__ import annotations

from ..machine import InstructionSets

# INT8 IR (.xml + .bin) at most this fraction of the FP32 IR: int8 weights are a quarter of float32,
# plus per-channel scales and a larger graph (R(2+1)D-34: 0.25; lesson 08's smoke recognizer: 0.28)
SIZE_RATIO_MAX = 0.35


def int8_expectation(cpu: InstructionSets) -> str:
    """Markdown: what INT8 is expected to gain over OpenVINO FP32 on a CPU with these instruction sets."""
    if not cpu.known:
        return ('**The CPU flags could not be read here**, so whether this CPU has int8 dot-product '
                'instructions (AVX-512 VNNI, AVX-VNNI, AMX-INT8) is unknown. With them, INT8 is '
                'expected 2-4x faster than OpenVINO FP32; without them, about as fast. The benchmark '
                'of section 7 measures which.')
    if cpu.int8_dot_product:
        return (f'**This CPU has int8 dot-product instructions ({cpu.int8_instructions})**: one '
                'instruction multiplies and sums groups of 8-bit values, so OpenVINO INT8 is expected '
                'to run **2-4x faster than OpenVINO FP32** on models with enough arithmetic per layer '
                '(the deployment-size models of section 11), with weights a quarter of the size and '
                'an accuracy drop within the budget of section 5. The small models of section 7 spend '
                'much of each call in fixed per-call costs, so their gain is smaller.')
    return ('**This CPU has no int8 dot-product instructions** (no AVX-512 VNNI, AVX-VNNI or '
            f'AMX-INT8; AVX2 {"yes" if cpu.avx2 else "no"}): OpenVINO still runs the INT8 model with '
            'int8 kernels, but each 8-bit multiply-add takes several instructions, so INT8 is expected '
            'to be **about as fast as OpenVINO FP32** here (a little faster on some models, slower on '
            'others). On this CPU the gains of INT8 are size (weights a quarter of FP32) and an '
            'accuracy kept within budget; the speed-up over PyTorch eager comes from OpenVINO itself. '
            'On a CPU with those instructions INT8 is expected 2-4x faster than OpenVINO FP32.')


def speed_asserted(cpu: InstructionSets) -> bool:
    """Whether an INT8 speed bar is a bar on this CPU (int8 dot-product instructions) or only reported."""
    return cpu.known and cpu.int8_dot_product


def speed_bar(text: str, value: float, minimum: float, cpu: InstructionSets) -> dict:
    """An INT8 speed bar: passed True / False where `speed_asserted`, else reported (passed None)."""
    if speed_asserted(cpu):
        return {'text': f'{text} (>= {minimum}x)', 'value': round(value, 3), 'threshold': minimum,
                'passed': value >= minimum, 'reported': False}
    return {'text': f'{text} (reported, not asserted: the >= {minimum}x bar needs int8 dot-product '
                    'instructions, which this CPU lacks)',
            'value': round(value, 3), 'threshold': minimum, 'passed': None, 'reported': True}


def size_bar(label: str, int8_mb: float, fp32_mb: float, maximum: float = SIZE_RATIO_MAX) -> dict:
    """The size bar, on every CPU: the INT8 IR at most `maximum` of the FP32 IR's size."""
    ratio = int8_mb / fp32_mb
    return {'text': f'{label} INT8 IR is {ratio:.2f} of the FP32 IR\'s size ({int8_mb:.2f} MB vs '
                    f'{fp32_mb:.2f} MB; <= {maximum})',
            'value': round(ratio, 3), 'threshold': maximum, 'passed': ratio <= maximum,
            'reported': False}


def verdict(bar: dict) -> str:
    """PASS, FAIL, REPORTED (a speed bar this CPU cannot be held to) or NOT CHECKED (not measured)."""
    if bar.get('reported'):
        return 'REPORTED'
    return {True: 'PASS', False: 'FAIL', None: 'NOT CHECKED'}[bar['passed']]
