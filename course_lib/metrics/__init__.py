"""Metrics OpenMMLab lacks, registered as mmengine metrics where a config uses them."""
from .ava_frame_map import frame_ap  # noqa: F401
from .coco_metric import CourseCocoMetric, NoDetectionsWarning  # noqa: F401
from .detection_map import (ActivityNetDetectionMetric, DetectionFormatError,  # noqa: F401
                            activitynet_detection_map, average_precision_per_class,
                            detections_from_proposals, ground_truth_from_annotations)

__all__ = ['ActivityNetDetectionMetric', 'CourseCocoMetric', 'DetectionFormatError',
           'NoDetectionsWarning', 'activitynet_detection_map', 'average_precision_per_class', 'detections_from_proposals', 'frame_ap',
           'ground_truth_from_annotations']
