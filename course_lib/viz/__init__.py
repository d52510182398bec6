"""Plots, timelines, boxes and video players used across the lessons."""
from .boxes import draw_boxes
from .classification import plot_confusion, plot_topk
from .curves import plot_training, read_scalars
from .detection import plot_f1_curve, plot_gt_vs_pred, plot_pr_curves
from .profile import profile_selector
from .timeline import plot_timeline
from .video import frame_slider, show_video

__all__ = ['draw_boxes', 'frame_slider', 'plot_confusion', 'plot_f1_curve', 'plot_gt_vs_pred',
           'plot_pr_curves', 'plot_timeline', 'profile_selector', 'plot_topk', 'plot_training', 'read_scalars', 'show_video']
