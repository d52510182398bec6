"""Pretrained checkpoints and data files the full profile downloads (the course's one hub).

Each entry is verified by `course_lib.download`: the sha256 prefix in OpenMMLab's file names, a
full sha256 where the publisher gives one, else the size. Never write down a hash that was not
computed from the file.
"""
from .download import RemoteFile, register

MMACTION = 'https://download.openmmlab.com/mmaction/v1.0'
MMDET = 'https://download.openmmlab.com/mmdetection'

# --- lesson 02: pretrained demos ---

# --- lesson 03: recognizer fine-tuning ---

# --- lesson 04-05: BMN ---

# --- lesson 06: object detection ---

# --- lesson 07: spatio-temporal detection ---
