"""Data formats (one module per on-disk format) and generators that write those formats."""
