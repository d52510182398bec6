"""COCO detection files: reading, validation and a summary per split.

The layout is the Roboflow COCO export that OTX's object-detection tutorial (ATSS on BCCD) trains on:

    <root>/train/_annotations.coco.json  + the train images
    <root>/valid/_annotations.coco.json  + the validation images
    <root>/test/_annotations.coco.json   + the test images

`validate_coco` checks any COCO file (boxes inside images, known classes, unique ids, images on
disk) and names each bad record by its file; `summarize` counts images and boxes per split. Pascal
VOC files convert to this layout in `data.voc`; lesson 06's BCCD gets here through `data.bccd`.
Used in lesson 06.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np

from ..errors import FileFormatError, MissingFileError
from ..validate import image_size, read_text

BCCD_CLASSES = ('Platelets', 'RBC', 'WBC')  # the order (and names) of the Roboflow COCO export
ANNOTATION_FILE = '_annotations.coco.json'
SPLITS = ('train', 'valid', 'test')


class CocoFormatError(FileFormatError):
    """An annotation file has bad records; the message lists them with their files and fixes."""


@dataclass(frozen=True)
class Problem:
    """One bad record: where (file, line), what is wrong, and what was done or should be done."""

    file: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f'{self.file}:{self.line}' if self.line else self.file
        return f'{where}: {self.message}'


Box = tuple[float, float, float, float]


def check_box(box: Sequence[float], width: int, height: int,
              tolerance: float = 1.0) -> tuple[Box | None, str | None]:
    """Check an (x1, y1, x2, y2) box against the image; return (box to keep or None, problem)."""
    x1, y1, x2, y2 = (float(v) for v in box)
    if x2 <= x1 or y2 <= y1:
        return None, f'empty box {box} (x2 <= x1 or y2 <= y1): dropped; fix the corners'
    if x2 <= 0 or y2 <= 0 or x1 >= width or y1 >= height:
        return None, (f'box {box} lies outside the {width}x{height} image: dropped; '
                      'fix the coordinates or the <size>')
    clipped = (max(0.0, x1), max(0.0, y1), min(float(width), x2), min(float(height), y2))
    if clipped != (x1, y1, x2, y2):
        outside = max(-x1, -y1, x2 - width, y2 - height)
        message = (f'box {box} reaches {outside:g} px outside the {width}x{height} image: '
                   f'clipped to {clipped}')
        return clipped, (message if outside > tolerance else None)
    return clipped, None


def load_coco(ann_file: str | Path) -> dict:
    """Read a COCO annotation file, with a clear error if it is missing or not COCO."""
    ann_file = Path(ann_file)
    if not ann_file.exists():
        raise MissingFileError(f'{ann_file} does not exist: prepare the data first '
                                '(data_scripts/prepare_bccd.py or generate_blood_cells.py).')
    coco = json.loads(read_text(ann_file))
    missing = [k for k in ('images', 'annotations', 'categories') if k not in coco]
    if missing:
        raise CocoFormatError(f'{ann_file}: keys {missing} missing; not a COCO detection file.')
    return coco


def validate_coco(ann_file: str | Path, classes: Sequence[str] = BCCD_CLASSES,
                  check_images: bool = True) -> list[Problem]:
    """Check a COCO file: unique ids, known classes, boxes inside images, images on disk."""
    ann_file = Path(ann_file)
    coco = load_coco(ann_file)
    folder = ann_file.parent
    problems: list[Problem] = []
    images: dict[int, dict] = {}
    for image in coco['images']:
        if image['id'] in images:
            other = images[image['id']]['file_name']
            problems.append(Problem(image['file_name'], f'duplicate image id {image["id"]} (also '
                                                        f'{other}); give each image its own id'))
        images[image['id']] = image
        if check_images and not (folder / image['file_name']).exists():
            problems.append(Problem(image['file_name'], f'image file missing in {folder}'))
        elif check_images:
            try:
                size = image_size(folder / image['file_name'])
            except FileFormatError as err:
                problems.append(Problem(image['file_name'], str(err)))
            else:
                if size != (image.get('width'), image.get('height')):
                    problems.append(Problem(image['file_name'], f'the file says {image.get("width")}x'
                                            f'{image.get("height")} but the image is {size[0]}x{size[1]}; '
                                            f'fix width/height in {ann_file.name}'))
    names = {c['id']: c['name'] for c in coco['categories']}
    unknown = sorted(set(names.values()) - set(classes))
    used = {a['category_id'] for a in coco['annotations']}
    for cat_id, name in names.items():
        if name in unknown and cat_id in used:
            problems.append(Problem(str(ann_file), f'category {name!r} (id {cat_id}) is not one of '
                                                   f'{list(classes)}; its boxes are ignored in '
                                                   'training: rename it or add it to classes'))
    ann_ids: set[int] = set()
    for ann in coco['annotations']:
        image = images.get(ann['image_id'])
        where = image['file_name'] if image else str(ann_file)
        if ann['id'] in ann_ids:
            problems.append(Problem(where, f'duplicate annotation id {ann["id"]}'))
        ann_ids.add(ann['id'])
        if ann['id'] == 0:
            problems.append(Problem(where, 'annotation id 0: pycocotools COCOeval counts a match '
                                           'with gt id 0 as a false positive; number ids from 1'))
        if image is None:
            problems.append(Problem(str(ann_file), f'annotation {ann["id"]} points to missing '
                                                   f'image id {ann["image_id"]}'))
            continue
        if ann['category_id'] not in names:
            problems.append(Problem(where, f'annotation {ann["id"]} has undefined category id '
                                           f'{ann["category_id"]}'))
        x, y, w, h = ann['bbox']
        _, message = check_box((x, y, x + w, y + h), image['width'], image['height'])
        if message:
            problems.append(Problem(where, f'annotation {ann["id"]}: {message}'))
    return problems


def raise_on_problems(problems: Sequence[Problem], what: str, limit: int = 20) -> None:
    """Raise CocoFormatError listing (up to limit) problems, if there are any."""
    if problems:
        shown = '\n  '.join(str(p) for p in problems[:limit])
        more = f'\n  ... and {len(problems) - limit} more' if len(problems) > limit else ''
        raise CocoFormatError(f'{what}: {len(problems)} problem(s):\n  {shown}{more}')


def summarize(root: str | Path, classes: Sequence[str] = BCCD_CLASSES) -> list[dict]:
    """Return one row per split: images, boxes per class, mean box size per class."""
    rows = []
    for split in SPLITS:
        ann_file = Path(root) / split / ANNOTATION_FILE
        if not ann_file.exists():
            continue
        coco = load_coco(ann_file)
        names = {c['id']: c['name'] for c in coco['categories']}
        row: dict = {'split': split, 'images': len(coco['images'])}
        for name in classes:
            sizes = [_sqrt(a['bbox'][2] * a['bbox'][3]) for a in coco['annotations']
                     if names.get(a['category_id']) == name]
            row[name] = len(sizes)
            row[f'{name} size (px)'] = round(float(np.mean(sizes)), 1) if sizes else 0.0
        rows.append(row)
    return rows


def _sqrt(x: float) -> float:
    """Square root that tolerates tiny negative rounding errors."""
    return float(np.sqrt(max(0.0, x)))


def image_paths(ann_file: str | Path, image_ids: Sequence[int]) -> list[Path]:
    """Return the files of the given image ids of a COCO split (images sit beside the json)."""
    ann_file = Path(ann_file)
    names = {image['id']: image['file_name'] for image in load_coco(ann_file)['images']}
    return [ann_file.parent / names[i] for i in image_ids]


def read_images(ann_file: str | Path, image_ids: Sequence[int]) -> list[np.ndarray]:
    """Read the given image ids of a COCO split as RGB arrays."""
    import cv2
    images = []
    for path in image_paths(ann_file, image_ids):
        image = cv2.imread(str(path))
        if image is None:
            raise MissingFileError(f'{path} is missing or not an image; prepare the data again.')
        images.append(image[..., ::-1].copy())
    return images
