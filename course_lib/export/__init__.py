"""Export to OpenVINO, parity checks, INT8 with NNCF and benchmarks (lesson 08)."""
