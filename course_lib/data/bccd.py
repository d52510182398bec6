"""Lesson 06's data set, BCCD, as COCO splits: from the course's shipped copy (default), a VOC folder,
a Roboflow COCO export, or GitHub when the shipped copy is gone.

The course ships BCCD in `datasets/bccd/` (`SHIPPED_BCCD`, Pascal VOC); `prepare_bccd` converts it
(`data.voc`) into `data.coco`'s train/valid/test layout and validates every split; reruns skip
the conversion and report what it found. Used in lesson 06.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Sequence

from ..settings import REPO_ROOT
from .coco import ANNOTATION_FILE, BCCD_CLASSES, SPLITS, Problem, load_coco, validate_coco
from .voc import VOC_SPLIT_FILES, find_voc_root_or_none, voc_to_coco

CONVERSION_REPORT = 'conversion_problems.json'  # what the conversion dropped or clipped, for reruns
SHIPPED_BCCD = REPO_ROOT / 'datasets' / 'bccd'  # the course's copy of BCCD (VOC), see its README.md


def _splits_ready(out_dir: Path) -> bool:
    return all((out_dir / s / ANNOTATION_FILE).exists() for s in SPLITS)


def import_coco_export(export_dir: str | Path, out_dir: str | Path,
                       classes: Sequence[str] = BCCD_CLASSES) -> list[Problem]:
    """Copy a Roboflow COCO export (train/valid/test) to out_dir, numbering annotations from 1."""
    export_dir, out_dir = Path(export_dir), Path(out_dir)
    problems: list[Problem] = []
    for split in SPLITS:
        ann_file = export_dir / split / ANNOTATION_FILE
        data = load_coco(ann_file)
        if any(a['id'] == 0 for a in data['annotations']):
            for i, ann in enumerate(data['annotations']):
                ann['id'] = i + 1
            problems.append(Problem(str(ann_file), 'annotation ids start at 0 (pycocotools would '
                                                   'miscount one match): renumbered from 1'))
        folder = out_dir / split
        folder.mkdir(parents=True, exist_ok=True)
        for image in data['images']:
            target = folder / image['file_name']
            if not target.exists() and (export_dir / split / image['file_name']).exists():
                shutil.copy2(export_dir / split / image['file_name'], target)
        (folder / ANNOTATION_FILE).write_text(json.dumps(data))
    return problems


def shipped_bccd(root: str | Path = SHIPPED_BCCD) -> Path | None:
    """The course's copy of BCCD (Annotations/, JPEGImages/, ImageSets/Main/), or None if it is gone."""
    root = Path(root)
    main = root / 'ImageSets' / 'Main'
    if find_voc_root_or_none(root) == root and all((main / f).exists()
                                                    for f in VOC_SPLIT_FILES.values()):
        return root
    return None


def download_bccd() -> Path:
    """Download BCCD from GitHub into the cache and unpack it; return the unpacked folder."""
    import zipfile

    from ..fetch import DownloadError, download
    from ..settings import cache_dir
    try:
        archive = download('bccd_voc_github', cache_dir() / 'bccd')  # .../bccd/master.zip
    except DownloadError as err:
        raise DownloadError(
            f'The course\'s copy of BCCD ({SHIPPED_BCCD}) is missing or incomplete, and the '
            f'download from GitHub failed as well.\nFix: restore the copy with '
            f'`git checkout -- {SHIPPED_BCCD.relative_to(REPO_ROOT)}` in {REPO_ROOT}, or go online '
            f'and run again.\n{err}') from err
    voc = archive.with_suffix('')
    if not find_voc_root_or_none(voc):
        with zipfile.ZipFile(archive) as zf:
            zf.extractall(voc)
    return voc


def prepare_bccd(out_dir: str | Path, voc: str | Path | None = None,
                 coco_export: str | Path | None = None, seed: int = 0,
                 force: bool = False, progress: bool = True) -> list[Problem]:
    """Get BCCD into out_dir/{train,valid,test} (COCO) from the shipped copy (default), a VOC folder,
    a Roboflow export or GitHub; validate every split and return the problems (reruns skip work)."""
    out_dir = Path(out_dir)
    report = out_dir / CONVERSION_REPORT
    if _splits_ready(out_dir) and report.exists() and not force:
        problems = [Problem(**p) for p in json.loads(report.read_text())]  # what conversion found
    else:
        if coco_export is not None:
            problems = import_coco_export(coco_export, out_dir)
        else:
            voc = voc or shipped_bccd() or download_bccd()
            problems = voc_to_coco(voc, out_dir, seed=seed, progress=progress)
        report.write_text(json.dumps([vars(p) for p in problems], indent=1))
    for split in SPLITS:
        problems += validate_coco(out_dir / split / ANNOTATION_FILE)
    (out_dir / 'problems.txt').write_text(''.join(f'{p}\n' for p in problems))
    return problems
