"""Helper library of the hands-on video-understanding course (OpenMMLab + OpenVINO).

Importing it first applies the fixes for broken upstream releases (`course_lib.compat`) and
registers the course's own modules in the OpenMMLab registries (`course_lib.models`).
"""
from . import compat

compat.apply_all()

from . import hooks, metrics, models  # noqa: E402  (registrations; need compat first)
from . import zoo  # noqa: E402,F401  (registers the hub entries)
from .fetch import HUB, DownloadError, RemoteFile, download  # noqa: E402
from .exercises import check  # noqa: E402
from .lessons import LESSONS, course_map, progress  # noqa: E402
from .output import quiet  # noqa: E402
from .dryrun import quality_bar  # noqa: E402  (a lesson's bar; announced, not asserted, in CI's dry run)
from . import configs  # noqa: E402
from . import video  # noqa: E402,F401  (reading and writing video: cl.video.read_frames, ...)
from . import demo  # noqa: E402,F401  (cl.demo.live: a model on a camera or a stream)
from .settings import (banner, cache_dir, data_dir, device, is_smoke, profile,  # noqa: E402
                      profile_text, work_dir)

__version__ = '0.1.0'
__all__ = ['HUB', 'DownloadError', 'LESSONS', 'RemoteFile', 'banner', 'cache_dir', 'compat',
           'check', 'configs', 'course_map', 'data_dir', 'demo', 'device', 'download', 'is_smoke', 'metrics', 'models', 'profile', 'profile_text',
           'progress', 'quality_bar', 'quiet', 'video', 'work_dir']
