"""Generators of learnable synthetic data sets, written in the same on-disk formats as the real ones."""
