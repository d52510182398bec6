"""`python -m course_lib.demo TASK INPUT [options]`: see `course_lib.demo` and `--help`."""
from __future__ import annotations

import argparse
import sys

from ..errors import run_cli
from .support import TASKS, support_table

EPILOG = f"""Which models each task takes:

{support_table()}

Offline (smoke profile) the default is the model the lesson trained; a missing one is trained
first (a few minutes on a CPU) and the command says so. --zoo needs COURSE_PROFILE=full.

examples:
  python -m course_lib.demo recognize my_video.mp4 --out labelled.mp4 --json top5.json
  python -m course_lib.demo localize my_video.mp4 --json segments.json
  python -m course_lib.demo actions my_video.mp4 --out actions.mp4 --det-score-thr 0.5
  python -m course_lib.demo objects photo.jpg --out boxes.jpg
  python -m course_lib.demo recognize 0 --out live.mp4          (live: camera 0; Ctrl-C stops)
  python -m course_lib.demo objects rtsp://HOST:554/stream --max-seconds 60 --out cam.mp4
"""


def parser() -> argparse.ArgumentParser:
    """The command line: one subcommand per task, the options each takes."""
    from ..validate import fraction, positive_float, positive_int
    main = argparse.ArgumentParser(prog='python -m course_lib.demo', description='Run a course model on '
                                   'your own video, frame folder or image.',
                                   epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = main.add_subparsers(dest='task', required=True, metavar='TASK', help=' | '.join(TASKS))
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument('input', metavar='INPUT', help='a video file, a folder of frames (objects: '
                        'also an image), or live: a camera index (0) or a stream URL (rtsp://, '
                        'http://, udp://, ...; recognize, actions and objects)')
    common.add_argument('--out', help='write the annotated video (.mp4) or image (.jpg/.png) here')
    common.add_argument('--json', help='write the results as JSON here')
    common.add_argument('--force', action='store_true', help='replace an existing --out / --json')
    common.add_argument('--device', help='cpu, cuda, cuda:0 (default: cuda in the full profile on a '
                        'GPU, else cpu; IRs run on OpenVINO\'s CPU)')
    common.add_argument('--fps', type=float, help='the frame rate of a folder of frames (default 30)')
    common.add_argument('--config', help='a course config name (default: the lesson\'s)')
    common.add_argument('--checkpoint', help='a .pth of that config (default: the lesson\'s own)')
    common.add_argument('--no-progress', action='store_true', help='no progress bars')
    common.add_argument('--max-seconds', type=positive_float, help='live input: stop after this many '
                        'seconds (default: at the end of the stream, or Ctrl-C)')
    common.add_argument('--open-timeout', type=positive_float, default=10.0, help='live input: seconds '
                        'to wait for the camera or stream to open, and for each frame (default 10)')

    rec = sub.add_parser('recognize', parents=[common], help='top-k actions of a video')
    rec.add_argument('--ir', help='a recognizer IR (.xml) exported in lesson 08')
    rec.add_argument('--package', help='a recognizer deploy package folder')
    rec.add_argument('--zoo', action='store_true', help='the Kinetics-400 X3D-S of the model zoo '
                     '(full profile): what a video of everyday actions needs')
    rec.add_argument('--top-k', type=positive_int, default=5)

    loc = sub.add_parser('localize', parents=[common], help='labelled action segments of an '
                         'untrimmed video (--config/--checkpoint: the BMN with classes)')
    loc.add_argument('--recognizer-config', help='the recognizer whose features the BMN reads '
                     '(default: lesson 03\'s smoke recognizer)')
    loc.add_argument('--recognizer-checkpoint')
    loc.add_argument('--stride', type=positive_int, default=4, help='frames between clip features')
    loc.add_argument('--top-k', type=positive_int, default=5)

    act = sub.add_parser('actions', parents=[common], help='persons and their actions '
                         '(options of mmaction2\'s demo_spatiotemporal_det.py)')
    act.add_argument('--ir', help='the spatio-temporal detector IR (.xml) exported in lesson 08')
    act.add_argument('--zoo', action='store_true', help='AVA SlowOnly-R101 of the model zoo (full profile)')
    act.add_argument('--det-config', help='mmdet person detector config (default: Faster R-CNN R50 COCO)')
    act.add_argument('--det-checkpoint', help='its checkpoint (default: the zoo\'s, full profile)')
    act.add_argument('--det-score-thr', type=fraction, default=0.9, help='person detection score '
                     'threshold (default 0.9; when no person passes it, the command runs again at 0.1)')
    act.add_argument('--det-cat-id', type=int, default=0, help='the person class id of the detector (COCO: 0)')
    act.add_argument('--action-score-thr', type=fraction, default=0.5)
    act.add_argument('--label-map', help='label map file (default: the model\'s own)')
    act.add_argument('--short-side', type=positive_int, default=256)
    act.add_argument('--predict-stepsize', type=positive_int, default=8, help='a prediction every n frames')
    act.add_argument('--output-stepsize', type=positive_int, default=4, help='one output frame every n frames')
    act.add_argument('--output-fps', type=positive_int, default=6)
    act.add_argument('--cfg-options', nargs='+', default={}, help='key=value overrides of the config',
                     action=_dict_action())
    act.add_argument('--persons', choices=('detector', 'faces', 'figures'),
                     help='person boxes from the mmdet detector (default in the full profile), '
                     'OpenCV\'s face cascade (default offline) or the synthetic figures of lesson 07\'s videos')
    act.add_argument('--no-rerun', action='store_true', help='no second run at a low threshold')

    obj = sub.add_parser('objects', parents=[common], help='boxes on an image, a frame folder or a video')
    obj.add_argument('--ir', help='(the detector IR runs from its --package)')
    obj.add_argument('--package', help='a detector deploy package folder')
    obj.add_argument('--threshold', type=fraction, help='keep boxes scoring at least this '
                     '(default: the threshold chosen in lesson 06 / the package\'s)')
    return main


def _dict_action():
    from mmengine.config import DictAction
    return DictAction


def main(argv: list[str]) -> int:
    """Parse the command line and run the task."""
    args = parser().parse_args(argv)
    from ..validate import fps as check_fps
    if args.fps is not None:
        check_fps(args.fps, '--fps')
    for option in ('ir', 'package', 'zoo'):
        args.__dict__.setdefault(option, None)
    chosen = [o for o in ('ir', 'package', 'zoo') if getattr(args, o)]
    if len(chosen) > 1:
        from ..errors import InputError
        raise InputError(f'--{chosen[0]} and --{chosen[1]} both choose the model: give one.')
    from ..video.live import live_source
    if live_source(args.input) is not None:  # a camera index or a stream URL
        from .live_input import run
        run(args)
        return 0
    from .tasks import RUN
    RUN[args.task](args)
    return 0


if __name__ == '__main__':
    sys.exit(run_cli(main))
