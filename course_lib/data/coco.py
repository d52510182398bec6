"""COCO detection files: Pascal-VOC XML -> COCO conversion, validation and train/valid/test splits.

The layout is the Roboflow COCO export that OTX's object-detection tutorial (ATSS on BCCD) trains on:

    <root>/train/_annotations.coco.json  + the train images
    <root>/valid/_annotations.coco.json  + the validation images
    <root>/test/_annotations.coco.json   + the test images

The public BCCD release (github.com/Shenggan/BCCD_Dataset, MIT licence) is Pascal VOC instead:
`Annotations/BloodImage_00000.xml`, `JPEGImages/BloodImage_00000.jpg` and the official split lists
`ImageSets/Main/{train,val,test}.txt`. The course ships a copy in `datasets/bccd/` (`SHIPPED_BCCD`),
which `prepare_bccd` converts by default; the GitHub download is the fallback when that copy is gone.
`voc_to_coco` converts; `validate_coco` checks any COCO file (boxes inside images, known classes,
unique ids, images on disk) and names each bad record by its file (and XML line). Used in lesson 06.
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

from ..errors import FileFormatError
from ..profile import REPO_ROOT
from ..validate import image_size, read_text

BCCD_CLASSES = ('Platelets', 'RBC', 'WBC')  # the order (and names) of the Roboflow COCO export
ANNOTATION_FILE = '_annotations.coco.json'
SPLITS = ('train', 'valid', 'test')
VOC_SPLIT_FILES = {'train': 'train.txt', 'valid': 'val.txt', 'test': 'test.txt'}
CONVERSION_REPORT = 'conversion_problems.json'  # what the conversion dropped or clipped, for reruns
SHIPPED_BCCD = REPO_ROOT / 'datasets' / 'bccd'  # the course's copy of BCCD (VOC), see its README.md


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
    raise FileNotFoundError(f'No Annotations/ + JPEGImages/ under {path}: point to the BCCD folder '
                            'of github.com/Shenggan/BCCD_Dataset.')


def split_names(names: Sequence[str], fractions: Sequence[float] = (0.7, 0.15, 0.15),
                seed: int = 0) -> dict[str, list[str]]:
    """Split names at random into train/valid/test with the given fractions (reproducible)."""
    if len(fractions) != 3 or abs(sum(fractions) - 1) > 1e-6 or min(fractions) < 0:
        raise ValueError('fractions must be three non-negative numbers summing to 1, '
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
    splits = splits or voc_splits(voc_root, seed)
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
                                       'course_lib.data.coco.voc_to_coco'}
        (folder / ANNOTATION_FILE).write_text(json.dumps(coco))
    return problems


def load_coco(ann_file: str | Path) -> dict:
    """Read a COCO annotation file, with a clear error if it is missing or not COCO."""
    ann_file = Path(ann_file)
    if not ann_file.exists():
        raise FileNotFoundError(f'{ann_file} does not exist: prepare the data first '
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


# ---- lesson 06's data: the shipped BCCD (default), a VOC folder, a Roboflow export, or GitHub ----

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

    from ..download import DownloadError, download
    from ..profile import cache_dir
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


def find_voc_root_or_none(path: str | Path) -> Path | None:
    """Like find_voc_root, but None when nothing is there yet."""
    try:
        return find_voc_root(path) if Path(path).exists() else None
    except FileNotFoundError:
        return None


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
            raise FileNotFoundError(f'{path} is missing or not an image; prepare the data again.')
        images.append(image[..., ::-1].copy())
    return images
