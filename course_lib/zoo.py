"""Pretrained checkpoints and data files the full profile downloads (the course's one hub).

Each entry is verified by `course_lib.fetch`: the sha256 prefix in OpenMMLab's file names, a
full sha256 where the publisher gives one, else the file type (from its first bytes) and its size
(published, else a floor no error page reaches), with the sha256 recorded at first download.
tests/test_zoo.py fails on an entry without one of these. Never write down a hash or a size that
was not taken from the file or its publisher; floors are marked as such.

Configs name a checkpoint through `hub_path(name)`: the verified file in the course cache,
resolved when the config loads (downloaded then in the full profile), never torch.hub's cache.
"""
from __future__ import annotations

from .errors import UnknownNameError
from .fetch import HUB, RemoteFile, download, register
from .settings import cache_dir, is_smoke

MB = 1 << 20
MMACTION = 'https://download.openmmlab.com/mmaction/v1.0'
MMDET = 'https://download.openmmlab.com/mmdetection'

# --- lesson 02: pretrained demos ---
# URLs from the metafiles / README shipped in the wheels (mmaction/.mim/configs/...);
# each name ends in the first 8 hex digits of the file's sha256, which download() checks.
register('x3d_s_k400', RemoteFile(
    f'{MMACTION}/recognition/x3d/facebook/x3d_s_13x6x1_facebook-kinetics400-rgb_20201027-623825a0.pth',
    note='X3D-S on Kinetics-400 (converted from SlowFast), top-1 73.3; config '
         'mmaction::recognition/x3d/x3d_s_13x6x1_facebook-kinetics400-rgb.py (metafile.yml)'))
# The 1.x checkpoint that mmaction2 1.2.0's detection/slowonly/metafile.yml publishes for exactly this
# config (AVA v2.1 mAP 24.83). mmaction2's demo README still names a 0.x file
# (slowonly_omnisource_pretrained_r101_8x8x1_20e_ava_rgb_20201217-16378594.pth).
AVA_R101 = 'slowonly_kinetics400-pretrained-r101_8xb16-8x8x1-20e_ava21-rgb'
register('ava_slowonly_r101', RemoteFile(
    f'{MMACTION}/detection/slowonly/{AVA_R101}/{AVA_R101}_20220906-43f16877.pth',
    note='SlowOnly R101 8x8 on AVA v2.1 (81 classes, mAP 24.83); config '
         f'mmaction::detection/slowonly/{AVA_R101}.py (its metafile.yml)'))
register('faster_rcnn_r50_coco', RemoteFile(
    f'{MMDET}/v2.0/faster_rcnn/faster_rcnn_r50_fpn_2x_coco/'
    'faster_rcnn_r50_fpn_2x_coco_bbox_mAP-0.384_20200504_210434-a5d8aa15.pth',
    note='Faster R-CNN R50-FPN 2x on COCO (box mAP 38.4), the person detector of mmaction2\'s '
         'spatio-temporal demo; config mmdet::faster_rcnn/faster-rcnn_r50_fpn_2x_coco.py'))

# --- lesson 03: recognizer fine-tuning ---
# X3D-S on Kinetics-400 is 'x3d_s_k400' above (lesson 02). URL from mmaction2 1.2.0's
# recognition/r2plus1d/metafile.yml; the name ends in the first 8 hex digits of its sha256.
register('r2plus1d_r34_k400', RemoteFile(
    f'{MMACTION}/recognition/r2plus1d/r2plus1d_r34_8xb8-8x8x1-180e_kinetics400-rgb/'
    'r2plus1d_r34_8xb8-8x8x1-180e_kinetics400-rgb_20220812-47cfe041.pth',
    note='R(2+1)D-34 8x8x1 on Kinetics-400 (top-1 69.8); lesson 03 fine-tunes it on HMDB51 split 1; '
         'config mmaction::recognition/r2plus1d/r2plus1d_r34_8xb8-8x8x1-180e_kinetics400-rgb.py'))

# The data sets of lesson 03, from the hosts mmaction2's tools/data/{ucf101,hmdb51}/download_*.sh
# use. No maintained project's mirror of these exact files was found (FiftyOne moved HMDB51 to Google
# Drive copies in 2025, voxel51/fiftyone PR #6528, but their ids were not in the material searched),
# so each entry has its publisher's URL and the steps to follow by hand. Size floors: UCF101 is
# 6.5 GB, HMDB51 2 GB; the split archives hold tens of thousands of lines.
UCF101_HOST = 'https://www.crcv.ucf.edu'
HMDB51_HOST = 'http://serre-lab.clps.brown.edu/wp-content/uploads/2013/10'
_UCF_HAND = ('open https://www.crcv.ucf.edu/data/UCF101.php in a browser (it accepts the '
             "host's certificate chain where Python may not) and save {name}")
_HMDB_HAND = ('the publisher\'s host (serre-lab.clps.brown.edu) is reported defunct; get {name} '
              'from https://serre-lab.clps.brown.edu/resource/hmdb-a-large-human-motion-database/ '
              'if it answers, or from a copy your institution keeps, and save it')
register('ucf101_splits', RemoteFile(
    f'{UCF101_HOST}/wp-content/uploads/2019/03/UCF101TrainTestSplits-RecognitionTask.zip',
    min_size=10_000, tls_chain_broken=True,
    manual=_UCF_HAND.format(name='UCF101TrainTestSplits-RecognitionTask.zip'),
    note='UCF101 official splits (classInd.txt, trainlist0N.txt, testlist0N.txt); floor 10 kB'))
register('ucf101_videos', RemoteFile(
    f'{UCF101_HOST}/datasets/human-actions/ucf101/UCF101.rar', min_size=1000 * MB,
    tls_chain_broken=True, manual=_UCF_HAND.format(name='UCF101.rar'),
    note='UCF101 videos (UCF-101/<class>/v_*.avi), 6.5 GB; floor 1000 MB'))
register('hmdb51_splits', RemoteFile(
    f'{HMDB51_HOST}/test_train_splits.rar', min_size=10_000,
    manual=_HMDB_HAND.format(name='test_train_splits.rar'),
    note='HMDB51 official splits (testTrainMulti_7030_splits/<class>_test_split<N>.txt); floor 10 kB'))
register('hmdb51_videos', RemoteFile(
    f'{HMDB51_HOST}/hmdb51_org.rar', min_size=1000 * MB,
    manual=_HMDB_HAND.format(name='hmdb51_org.rar'),
    note='HMDB51 videos: one <class>.rar per class inside, 2 GB; floor 1000 MB'))

# --- lesson 04-05: BMN ---
# Sources of mmaction2's tools/data/activitynet (download_feature_annotations.sh, download_features.sh).
# No publisher hashes or sizes: type + a floor (19,228 videos cannot take fewer bytes), and the
# sha256 computed at first download is recorded beside each file.
BSN_ANNOTATIONS = ('https://raw.githubusercontent.com/wzmsltw/BSN-boundary-sensitive-network/'
                   'master/data/activitynet_annotations')
register('anet_anno_action', RemoteFile(
    f'{BSN_ANNOTATIONS}/anet_anno_action.json', kind='json', min_size=1 * MB,
    note='ActivityNet 1.3 annotations in BSN format (no published hash or size; floor 1 MB)'))
register('anet_video_info', RemoteFile(
    f'{BSN_ANNOTATIONS}/video_info_new.csv', kind='csv', min_size=100_000,
    note='per-video fps and train/val/test subset (no published hash or size; floor 100 kB)'))
register('anet_features_csv_mean_100', RemoteFile(
    'https://drive.usercontent.google.com/download?id=1ISemndlSDS2FtqQOKL0t3Cjj9yk2yznF'
    '&export=download&confirm=t', save_as='csv_mean_100.zip', kind='zip', min_size=100 * MB,
    manual=('open https://drive.google.com/file/d/1ISemndlSDS2FtqQOKL0t3Cjj9yk2yznF (the file '
            "mmaction2's tools/data/activitynet/download_features.sh fetches), press Download, "
            'then "Download anyway", and save csv_mean_100.zip'),
    note='csv_mean_100.zip: TSN features rescaled to 100 steps x 400 channels (BSN authors, Google '
         'Drive file 1ISemndlSDS2FtqQOKL0t3Cjj9yk2yznF); several GB; no published hash or size '
         '(floor 100 MB). Google Drive answers with a confirmation page; download() follows it.'))

# --- lesson 06: object detection ---
register('mobilenet_v2_imagenet_mmdet', RemoteFile(
    f'{MMDET}/v2.0/third_party/mobilenet_v2_batch256_imagenet-ff34753d.pth',
    note='ImageNet MobileNetV2 for mmdet backbones (what open-mmlab://mmdet/mobilenet_v2 names); '
         'lesson 06 full profile (atss_mobilenetv2_fpn_bccd_full, via its init_cfg)'))
register('bccd_voc_github', RemoteFile(
    'https://github.com/Shenggan/BCCD_Dataset/archive/refs/heads/master.zip', min_size=5 * MB,
    note='BCCD in Pascal VOC (MIT licence, 364 images), lesson 06 full profile. No published '
         'checksum (GitHub builds the zip on request): zip type + a 5 MB floor, and the sha256 of '
         'the first download is recorded beside it.'))

# --- lesson 07: spatio-temporal detection ---
register('slowonly_r50_k400', RemoteFile(
    f'{MMACTION}/recognition/slowonly/slowonly_imagenet-pretrained-r50_8xb16-4x16x1-steplr-150e_kinetics400-rgb/'
    'slowonly_imagenet-pretrained-r50_8xb16-4x16x1-steplr-150e_kinetics400-rgb_20220901-e7b65fad.pth',
    note='SlowOnly R50 4x16x1 on Kinetics-400, the backbone start of mmaction2\'s AVA recipes; lesson 07 '
         'full profile (slowonly_k400-pre-r50_8xb8-8x2x1-20e_jhmdb-ava_full, via its init_cfg)'))


def hub_path(name: str) -> str:
    """Return the cache path of a hub file for a config; `course_lib.configs.load_config` downloads
    and verifies the ones the final config still names (in the full profile), so a base config's
    checkpoint that a child config replaces is never fetched."""
    if name not in HUB:
        raise UnknownNameError(f'{name!r} is not in the course hub (course_lib/zoo.py); known: '
                       f'{", ".join(sorted(HUB))}.')
    return str(cache_dir() / HUB[name].filename)


def hub_files_in(node) -> list[str]:
    """The hub names whose cache path a (resolved) config names anywhere, in order."""
    paths = {str(cache_dir() / remote.filename): name for name, remote in HUB.items()}
    found: list[str] = []

    def walk(value) -> None:
        if isinstance(value, str) and value in paths and paths[value] not in found:
            found.append(paths[value])
        elif isinstance(value, dict) or hasattr(value, 'items'):
            for item in value.values():
                walk(item)
        elif isinstance(value, (list, tuple)):
            for item in value:
                walk(item)
    walk(node)
    return found


def fetch_config_files(cfg) -> None:
    """Download and verify every hub file a loaded config names (full profile; smoke fetches nothing)."""
    if is_smoke():
        return
    for name in hub_files_in(cfg):
        download(name)


def unverified_entries() -> list[str]:
    """Return the hub names that no verification covers (should be none)."""
    return [name for name, remote in HUB.items() if not remote.verification]


# --- what each lesson downloads in the full profile: `python -m course_lib zoo --list / fetch` ---
_ANET = ('anet_anno_action', 'anet_video_info', 'anet_features_csv_mean_100')
LESSON_FILES: dict[str, tuple[str, ...]] = {
    '02': ('x3d_s_k400', 'faster_rcnn_r50_coco', 'ava_slowonly_r101'),
    '03': ('r2plus1d_r34_k400', 'hmdb51_splits', 'hmdb51_videos'),
    '04': _ANET,
    '05': _ANET,
    '06': ('mobilenet_v2_imagenet_mmdet',),  # BCCD itself ships with the course (datasets/bccd)
    '07': ('slowonly_r50_k400', 'x3d_s_k400', 'faster_rcnn_r50_coco'),  # + JHMDB, by hand
}
LESSON_FILES['08'] = tuple(dict.fromkeys(  # lesson 08 exports the models of lessons 03, 04, 06, 07
    n for lesson in ('03', '04', '06', '07') for n in LESSON_FILES[lesson]))
# hub entries no lesson cell downloads, and who does
NOT_IN_A_LESSON = {
    'ucf101_splits': 'the X3D-S recognizer on UCF101 (x3d_s_ucf101_full, python -m course_lib.train)',
    'ucf101_videos': 'the X3D-S recognizer on UCF101 (x3d_s_ucf101_full, python -m course_lib.train)',
    'bccd_voc_github': 'lesson 06 only when the shipped copy (datasets/bccd) is missing',
}
BY_HAND = {'07': 'JHMDB (ACT\'s JHMDB-GT.pkl and Frames/): see data_scripts/prepare_jhmdb_ava.py'}


def lesson_files(lesson: str | None = None) -> dict[str, tuple[str, ...]]:
    """{lesson: hub names} for one lesson ('3' or '03') or all; an unknown lesson is an error."""
    if lesson is None:
        return dict(LESSON_FILES)
    key = f'{int(lesson):02d}' if str(lesson).isdigit() else str(lesson)
    if not key.isdigit() or not 0 <= int(key) <= 8:
        from .errors import InputError
        raise InputError(f'lesson {lesson!r} is not a lesson of the course: give one of 00 to 08.')
    return {key: LESSON_FILES.get(key, ())}


def remote_size(name: str, timeout: float = 10) -> int | None:
    """The size in bytes of a hub file: published, else what its host says (HEAD), else None."""
    import urllib.error
    import urllib.parse
    import urllib.request

    from .fetch import ssl_context
    remote = HUB[name]
    if remote.size:
        return remote.size
    request = urllib.request.Request(remote.url, method='HEAD', headers={'User-Agent': 'video-course'})
    host = urllib.parse.urlparse(remote.url).hostname or ''
    try:
        with urllib.request.urlopen(request, timeout=timeout,
                                    context=ssl_context(host) if remote.url.startswith('https:') else None) as r:
            kind = (r.headers.get('Content-Type') or '').split(';')[0].strip().lower()
            length = r.headers.get('Content-Length')
            return int(length) if length and kind != 'text/html' else None
    except (OSError, ValueError, urllib.error.URLError):
        return None


def _human(size: int | None) -> str:
    if size is None:
        return 'size unknown'
    for unit in ('B', 'kB', 'MB', 'GB'):
        if size < 1000 or unit == 'GB':
            return f'{size:.0f} {unit}' if unit == 'B' else f'{size:.1f} {unit}'
        size /= 1000
    return ''


def size_text(name: str) -> str:
    """A hub file's size for a listing: published or from its host, else its floor, else unknown."""
    size = remote_size(name)
    if size is None and HUB[name].min_size:
        return f'>= {_human(HUB[name].min_size)}'  # the host did not say (offline, or a page)
    return _human(size)


def listing(lesson: str | None = None, sizes: bool = True) -> str:
    """What each lesson downloads in the full profile: name, file, size and whether it is cached."""
    lines = []
    for key, names in lesson_files(lesson).items():
        lines.append(f'lesson {key}: ' + ('nothing to download' if not names else ''))
        for name in names:
            remote, cached = HUB[name], (cache_dir() / HUB[name].filename).exists()
            size = size_text(name) if sizes else ''
            lines.append(f'  {name:30s} {remote.filename[:60]:60s} {size:>12s}  '
                         f'{"in the cache" if cached else "to fetch"}')
        if key in BY_HAND:
            lines.append(f'  by hand: {BY_HAND[key]}')
    return '\n'.join(lines)


def fetch(lesson: str | None = None) -> list[str]:
    """Download and verify what a lesson (default: every lesson) needs; return the failures."""
    from .fetch import DownloadError
    failed = []
    names = dict.fromkeys(n for group in lesson_files(lesson).values() for n in group)
    for name in names:
        try:
            path = download(name)
            print(f'ok    {name}: {path}')
        except DownloadError as err:
            failed.append(name)
            print(f'FAIL  {name}: {err}')
    return failed


def main(argv: list[str] | None = None) -> int:
    """`python -m course_lib zoo --list [--lesson 03]` / `python -m course_lib zoo fetch --lesson 03`."""
    import argparse
    parser = argparse.ArgumentParser(
        prog='python -m course_lib zoo',
        description='What each lesson downloads in the full profile (names and sizes from the hub), '
                    'and fetching it into the course cache (COURSE_CACHE_DIR), verified.')
    parser.add_argument('command', nargs='?', choices=('list', 'fetch'), default='list')
    parser.add_argument('--list', action='store_true', help='same as the list command')
    parser.add_argument('--lesson', help='one lesson (00-08); default: every lesson')
    parser.add_argument('--no-sizes', action='store_true', help='do not ask the hosts for sizes')
    args = parser.parse_args(argv)
    if args.command == 'fetch' and not args.list:
        failed = fetch(args.lesson)
        if failed:
            print(f'{len(failed)} file(s) not fetched: {", ".join(failed)} (each message above says '
                  'how to get it by hand).')
        return 1 if failed else 0
    print(listing(args.lesson, sizes=not args.no_sizes))
    return 0
