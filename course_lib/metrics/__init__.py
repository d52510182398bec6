"""Metrics OpenMMLab lacks, registered as mmengine metrics where a config uses them."""
