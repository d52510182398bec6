"""Pascal-VOC XML annotations (as in BCCD's public release) read and converted to COCO.

The public BCCD release (github.com/Shenggan/BCCD_Dataset, MIT licence) is Pascal VOC:
`Annotations/BloodImage_00000.xml`, `JPEGImages/BloodImage_00000.jpg` and the official split lists
`ImageSets/Main/{train,val,test}.txt`. `read_voc` parses one file (naming the XML line of a bad
value), `voc_records_to_coco` turns records into one COCO dict (bad objects dropped or clipped and
reported), `voc_to_coco` converts a VOC folder into `data.coco`'s train/valid/test layout. Used in
lesson 06.
"""
from __future__ import annotations

import json
import re
import shutil
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np
from tqdm.auto import tqdm

from ..dryrun import capped
from ..errors import FileFormatError, InputError, MissingFileError
from ..validate import image_size, read_text
from .coco import ANNOTATION_FILE, BCCD_CLASSES, CocoFormatError, Problem, check_box

VOC_SPLIT_FILES = {'train': 'train.txt', 'valid': 'val.txt', 'test': 'test.txt'}


@dataclass
class VocObject:
    """One `<object>` of a VOC file: class name, pixel box (x1, y1, x2, y2) and its XML line."""

    name: str
    box: tuple[float, float, float, float]
    line: int | None = None
    difficult: bool = False


@dataclass
class VocRecord:
    """One VOC annotation file: image name, size and objects."""

    xml_path: Path
    filename: str
    width: int
    height: int
    objects: list[VocObject] = field(default_factory=list)


def _text(node: ET.Element, tag: str, xml_path: Path) -> str:
    child = node.find(tag)
    if child is None or child.text is None:
        raise CocoFormatError(f'{xml_path}: <{tag}> is missing in <{node.tag}>; '
                              'is this a Pascal-VOC annotation file?')
    return child.text.strip()


def _number(node: ET.Element, tag: str, xml_path: Path, line: int | None) -> float:
    text = _text(node, tag, xml_path)
    try:
        value = float(text)
    except ValueError:
        value = float('nan')
    if not np.isfinite(value):
        raise CocoFormatError(f'{xml_path}:{line}: <{tag}>{text}</{tag}> is not a number; pixel '
                              f'coordinates and sizes are numbers (e.g. <{tag}>42</{tag}>). Fix that value.')
    return value


def read_voc(xml_path: str | Path) -> VocRecord:
    """Parse one Pascal-VOC XML file (as in BCCD/Annotations) into a VocRecord."""
    xml_path = Path(xml_path)
    text = read_text(xml_path)
    try:
        root = ET.fromstring(text)
    except ET.ParseError as err:
        raise CocoFormatError(f'{xml_path}: not valid XML ({err}); re-download or fix the file.') \
            from err
    lines = [text.count('\n', 0, m.start()) + 1 for m in re.finditer(r'<object\b', text)]
    size = root.find('size')
    if size is None:
        raise CocoFormatError(f'{xml_path}: <size> is missing; add <size><width>..</width>'
                              '<height>..</height></size> (BCCD images are 640 x 480).')
    size_line = text.count('\n', 0, max(text.find('<size'), 0)) + 1
    record = VocRecord(xml_path, _text(root, 'filename', xml_path),
                       int(_number(size, 'width', xml_path, size_line)),
                       int(_number(size, 'height', xml_path, size_line)))
    for i, obj in enumerate(root.findall('object')):
        bnd = obj.find('bndbox')
        line = lines[i] if i < len(lines) else None
        if bnd is None:
            raise CocoFormatError(f'{xml_path}:{line}: <object> without <bndbox>.')
        box = tuple(_number(bnd, k, xml_path, line) for k in ('xmin', 'ymin', 'xmax', 'ymax'))
        difficult = obj.find('difficult')
        record.objects.append(VocObject(_text(obj, 'name', xml_path), box, line,
                                        difficult is not None and difficult.text == '1'))
    return record


def voc_records_to_coco(records: Iterable[VocRecord], classes: Sequence[str] = BCCD_CLASSES,
                        image_ids: dict[str, int] | None = None
                        ) -> tuple[dict, list[Problem]]:
    """Turn VOC records into one COCO dict; bad objects are dropped or clipped and reported."""
    cat_id = {name: i + 1 for i, name in enumerate(classes)}
    lower = {name.lower(): name for name in classes}
    images, annotations, problems = [], [], []
    seen: dict[str, Path] = {}
    for record in records:
        src = str(record.xml_path)
        if record.filename in seen:
            problems.append(Problem(src, f'image {record.filename} is already annotated by '
                                         f'{seen[record.filename]}: skipped; remove one of them'))
            continue
        seen[record.filename] = record.xml_path
        image_id = (image_ids or {}).get(record.filename, len(images) + 1)
        images.append({'id': image_id, 'file_name': record.filename,
                       'width': record.width, 'height': record.height})
        boxes_seen = set()
        for obj in record.objects:
            name = obj.name.strip()
            if name not in cat_id and name.lower() in lower:
                name = lower[name.lower()]
            if name not in cat_id:
                problems.append(Problem(src, f'unknown class {obj.name!r} (known: '
                                             f'{", ".join(classes)}): object dropped; rename it '
                                             'or add the class', obj.line))
                continue
            box, message = check_box(obj.box, record.width, record.height)
            if message:
                problems.append(Problem(src, message, obj.line))
            if box is None:
                continue
            key = (name, box)
            if key in boxes_seen:
                problems.append(Problem(src, f'duplicate {name} box {box}: dropped', obj.line))
                continue
            boxes_seen.add(key)
            x1, y1, x2, y2 = box
            annotations.append({'id': len(annotations) + 1, 'image_id': image_id,
                                'category_id': cat_id[name],
                                'bbox': [x1, y1, x2 - x1, y2 - y1], 'area': (x2 - x1) * (y2 - y1),
                                'iscrowd': 0, 'segmentation': []})
    categories = [{'id': i, 'name': n, 'supercategory': 'cells'} for n, i in cat_id.items()]
    return {'images': images, 'annotations': annotations, 'categories': categories}, problems


def find_voc_root(path: str | Path) -> Path:
    """Return the folder holding Annotations/ and JPEGImages/ at or below path (a BCCD checkout)."""
    path = Path(path)
    for candidate in [path, *sorted(p.parent for p in path.rglob('Annotations'))]:
        if (candidate / 'Annotations').is_dir() and (candidate / 'JPEGImages').is_dir():
            return candidate
    raise MissingFileError(f'No Annotations/ + JPEGImages/ under {path}: point to the BCCD folder '
                            'of github.com/Shenggan/BCCD_Dataset.')


def split_names(names: Sequence[str], fractions: Sequence[float] = (0.7, 0.15, 0.15),
                seed: int = 0) -> dict[str, list[str]]:
    """Split names at random into train/valid/test with the given fractions (reproducible)."""
    if len(fractions) != 3 or abs(sum(fractions) - 1) > 1e-6 or min(fractions) < 0:
        raise InputError('fractions must be three non-negative numbers summing to 1, '
                         f'got {fractions}')
    order = np.random.default_rng(seed).permutation(len(names))
    n_train = int(round(fractions[0] * len(names)))
    n_valid = int(round(fractions[1] * len(names)))
    picked = [sorted(names)[i] for i in order]
    return {'train': sorted(picked[:n_train]), 'valid': sorted(picked[n_train:n_train + n_valid]),
            'test': sorted(picked[n_train + n_valid:])}


def voc_splits(voc_root: Path, seed: int = 0) -> dict[str, list[str]]:
    """Use ImageSets/Main/{train,val,test}.txt when present, else a random 70/15/15 split."""
    main = voc_root / 'ImageSets' / 'Main'
    if all((main / f).exists() for f in VOC_SPLIT_FILES.values()):
        return {s: [ln.strip() for ln in read_text(main / f).splitlines() if ln.strip()]
                for s, f in VOC_SPLIT_FILES.items()}
    return split_names([p.stem for p in (voc_root / 'Annotations').glob('*.xml')], seed=seed)


def voc_to_coco(voc_root: str | Path, out_dir: str | Path, classes: Sequence[str] = BCCD_CLASSES,
                splits: dict[str, list[str]] | None = None, seed: int = 0,
                progress: bool = True) -> list[Problem]:
    """Convert a VOC folder to out_dir/{train,valid,test} (COCO json + images); return problems."""
    voc_root = find_voc_root(voc_root)
    out_dir = Path(out_dir)
    splits = {split: stems[:capped(len(stems), 'split_samples')]  # all of them, except in CI's dry run
              for split, stems in (splits or voc_splits(voc_root, seed)).items()}
    problems: list[Problem] = []
    for split, stems in splits.items():
        records = []
        for stem in tqdm(stems, desc=f'VOC -> COCO {split}', disable=not progress):
            xml_path = voc_root / 'Annotations' / f'{stem}.xml'
            if not xml_path.exists():
                problems.append(Problem(str(xml_path), f'listed in the {split} split but missing: '
                                                       'skipped'))
                continue
            record = read_voc(xml_path)
            image = voc_root / 'JPEGImages' / record.filename
            if not image.exists():  # BCCD's <filename> sometimes lacks the extension
                matches = sorted((voc_root / 'JPEGImages').glob(f'{stem}.*'))
                if not matches:
                    problems.append(Problem(str(xml_path), f'image {record.filename} not found in '
                                                           f'{voc_root / "JPEGImages"}: skipped'))
                    continue
                record.filename = matches[0].name
                image = matches[0]
            try:
                width, height = image_size(image)
            except FileFormatError as err:
                problems.append(Problem(str(xml_path), f'{err} Skipped'))
                continue
            if (width, height) != (record.width, record.height):
                problems.append(Problem(str(xml_path), f'<size> says {record.width}x{record.height} but '
                                                       f'{image.name} is {width}x{height}: used the '
                                                       'image\'s size; fix <size>'))
                record.width, record.height = width, height
            records.append(record)
        coco, found = voc_records_to_coco(records, classes)
        problems += found
        folder = out_dir / split
        folder.mkdir(parents=True, exist_ok=True)
        for record in records:
            target = folder / record.filename
            if not target.exists():
                shutil.copy2(voc_root / 'JPEGImages' / record.filename, target)
        coco['info'] = {'description': f'BCCD ({split}) converted from Pascal VOC by '
                                       'course_lib.data.voc.voc_to_coco'}
        (folder / ANNOTATION_FILE).write_text(json.dumps(coco))
    return problems


def find_voc_root_or_none(path: str | Path) -> Path | None:
    """Like find_voc_root, but None when nothing is there yet."""
    try:
        return find_voc_root(path) if Path(path).exists() else None
    except FileNotFoundError:
        return None
