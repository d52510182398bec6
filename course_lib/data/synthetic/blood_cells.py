"""A learnable BCCD-like blood-smear set whose cell sizes you choose, in BCCD's Roboflow COCO layout.

    <out>/train/_annotations.coco.json + images
    <out>/valid/_annotations.coco.json + images
    <out>/test/_annotations.coco.json  + images

Each image shows many red cells (RBC: pale red discs with a lighter centre, often overlapping), a
few white cells (WBC: larger, lilac cytoplasm around a dark lobed purple nucleus) and small
platelets (dark violet specks), on a grainy, unevenly lit background, with a per-image zoom, so a
detector has to learn colour, texture and size cues, not a single pixel value. Boxes are tight
around each drawn cell and clipped to the image, as in BCCD. Lesson 06 trains on the real BCCD
(shipped in datasets/bccd); this generator is the controlled counterpart, for experiments where the
object sizes must be known and set (e.g. how small a platelet can get before a detector misses it).
"""
from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass
from pathlib import Path

import cv2
import numpy as np
from tqdm.auto import tqdm

from ..._util import same_spec
from ..coco import BCCD_CLASSES, ANNOTATION_FILE

SPLITS = ('train', 'valid', 'test')


@dataclass(frozen=True)
class BloodCellSpec:
    """What to generate: split sizes, image size and cell sizes (pixels at zoom 1)."""

    num_train: int = 240
    num_valid: int = 40
    num_test: int = 40
    width: int = 160
    height: int = 128
    rbc_diameter: tuple[float, float] = (20.0, 26.0)
    wbc_diameter: tuple[float, float] = (32.0, 40.0)
    platelet_diameter: tuple[float, float] = (9.0, 13.0)
    rbc_count: tuple[int, int] = (8, 16)
    wbc_count: tuple[int, int] = (0, 2)
    platelet_count: tuple[int, int] = (1, 4)
    zoom: tuple[float, float] = (0.85, 1.15)
    seed: int = 0

    def __post_init__(self) -> None:
        from ...validate import positive
        for name in ('num_train', 'num_valid', 'num_test', 'width', 'height'):
            positive(name, getattr(self, name))

    def counts(self) -> dict[str, int]:
        """Return the number of images per split."""
        return {'train': self.num_train, 'valid': self.num_valid, 'test': self.num_test}


@dataclass
class _Cell:
    label: str
    cx: float
    cy: float
    rx: float
    ry: float
    angle: float


def _background(rng: np.random.Generator, h: int, w: int) -> np.ndarray:
    """A pale beige smear background with uneven light and grain (float RGB in 0..255)."""
    base = np.array([236, 222, 206], float) + rng.normal(0, 6, 3)
    yy, xx = np.mgrid[0:h, 0:w]
    gx, gy = rng.normal(0, 12, 2)
    light = gx * (xx / w - 0.5) + gy * (yy / h - 0.5)
    img = base[None, None, :] + light[..., None]
    img += rng.normal(0, 4, (h, w, 1)) + rng.normal(0, 2, (h, w, 3))
    return img


def _window(cell: _Cell, h: int, w: int) -> tuple[slice, slice]:
    """The image rows and columns a cell can touch (its bounding square plus a pixel)."""
    r = max(cell.rx, cell.ry) + 2
    return (slice(max(0, int(cell.cy - r)), min(h, int(cell.cy + r) + 1)),
            slice(max(0, int(cell.cx - r)), min(w, int(cell.cx + r) + 1)))


def _ellipse_mask(window: tuple[slice, slice], cell: _Cell) -> tuple[np.ndarray, np.ndarray]:
    """Soft (anti-aliased) mask of a rotated ellipse over a window, and the normalised radius."""
    rows, cols = window
    yy, xx = np.mgrid[rows, cols].astype(float)
    c, s = math.cos(cell.angle), math.sin(cell.angle)
    dx, dy = xx - cell.cx, yy - cell.cy
    u, v = (dx * c + dy * s) / cell.rx, (-dx * s + dy * c) / cell.ry
    r = np.sqrt(u * u + v * v)
    edge = 1.0 / max(1.0, min(cell.rx, cell.ry))  # ~1 px of soft edge
    return np.clip((1.0 - r) / edge + 0.5, 0.0, 1.0), r


def _paint(patch: np.ndarray, mask: np.ndarray, color: np.ndarray) -> None:
    patch *= 1.0 - mask[..., None]
    patch += mask[..., None] * color


def _draw_rbc(img, rng, cell):
    window = _window(cell, *img.shape[:2])
    patch = img[window]
    mask, r = _ellipse_mask(window, cell)
    body = np.array([214, 120, 118], float) + rng.normal(0, 8, 3)
    # darker rim, lighter centre (central pallor): shade by the normalised radius
    shade = (0.82 + 0.25 * np.clip(r, 0, 1) ** 2)[..., None]
    pallor = np.clip(1.0 - r / 0.45, 0.0, 1.0)[..., None] * rng.uniform(0.25, 0.45)
    color = body * shade * (1 - pallor) + np.array([236, 205, 195]) * pallor
    color = color + rng.normal(0, 5, mask.shape + (1,))
    _paint(patch, mask * rng.uniform(0.85, 0.95), color)


def _draw_wbc(img, rng, cell):
    window = _window(cell, *img.shape[:2])
    patch = img[window]
    mask, _ = _ellipse_mask(window, cell)
    cytoplasm = np.array([205, 180, 215], float) + rng.normal(0, 6, 3)
    _paint(patch, mask, cytoplasm + rng.normal(0, 6, mask.shape + (1,)))
    nucleus = np.array([95, 45, 130], float) + rng.normal(0, 10, 3)
    for _ in range(rng.integers(2, 5)):  # a lobed nucleus: a few overlapping blobs
        a = rng.uniform(0, 2 * math.pi)
        d = rng.uniform(0.1, 0.35)
        lobe = _Cell('', cell.cx + d * cell.rx * math.cos(a), cell.cy + d * cell.ry * math.sin(a),
                     cell.rx * rng.uniform(0.3, 0.45), cell.ry * rng.uniform(0.3, 0.45),
                     rng.uniform(0, math.pi))
        lobe_mask, _ = _ellipse_mask(window, lobe)
        _paint(patch, lobe_mask * mask, nucleus + rng.normal(0, 10, mask.shape + (1,)))


def _draw_platelet(img, rng, cell):
    window = _window(cell, *img.shape[:2])
    patch = img[window]
    mask, _ = _ellipse_mask(window, cell)
    color = np.array([130, 70, 150], float) + rng.normal(0, 12, 3)
    _paint(patch, mask * rng.uniform(0.8, 1.0), color + rng.normal(0, 12, mask.shape + (1,)))


def _fits(cell: _Cell, placed: list[_Cell], overlap: float) -> bool:
    """True if the cell's centre is far enough from every placed cell (overlap in 0..1)."""
    r = max(cell.rx, cell.ry)
    for other in placed:
        limit = (1.0 - overlap) * (r + max(other.rx, other.ry))
        if math.hypot(cell.cx - other.cx, cell.cy - other.cy) < limit:
            return False
    return True


def _place(rng, label, count, diameter, zoom, w, h, placed, overlap) -> None:
    for _ in range(count):
        for _attempt in range(60):
            d = rng.uniform(*diameter) * zoom
            aspect = rng.uniform(0.82, 1.0)
            margin = 0.25 * d  # at most about a quarter of a cell leaves the image
            cell = _Cell(label, rng.uniform(margin, w - margin), rng.uniform(margin, h - margin),
                         d / 2, d / 2 * aspect, rng.uniform(0, math.pi))
            if _fits(cell, placed, overlap):
                placed.append(cell)
                break


def _box(cell: _Cell, w: int, h: int) -> list[float]:
    """Tight box of a rotated ellipse, clipped to the image, as COCO [x, y, w, h]."""
    c, s = math.cos(cell.angle), math.sin(cell.angle)
    hw = math.sqrt((cell.rx * c) ** 2 + (cell.ry * s) ** 2)
    hh = math.sqrt((cell.rx * s) ** 2 + (cell.ry * c) ** 2)
    x1, y1 = max(0.0, cell.cx - hw), max(0.0, cell.cy - hh)
    x2, y2 = min(float(w), cell.cx + hw), min(float(h), cell.cy + hh)
    return [round(x1, 1), round(y1, 1), round(x2 - x1, 1), round(y2 - y1, 1)]


def render_image(rng: np.random.Generator,
                 spec: BloodCellSpec) -> tuple[np.ndarray, list[tuple[str, list[float]]]]:
    """Draw one smear; return the RGB uint8 image and its (class name, COCO box) list."""
    w, h = spec.width, spec.height
    zoom = rng.uniform(*spec.zoom)
    placed: list[_Cell] = []
    _place(rng, 'WBC', int(rng.integers(spec.wbc_count[0], spec.wbc_count[1] + 1)),
           spec.wbc_diameter, zoom, w, h, placed, overlap=0.0)
    _place(rng, 'RBC', int(rng.integers(spec.rbc_count[0], spec.rbc_count[1] + 1)),
           spec.rbc_diameter, zoom, w, h, placed, overlap=0.3)
    _place(rng, 'Platelets', int(rng.integers(spec.platelet_count[0], spec.platelet_count[1] + 1)),
           spec.platelet_diameter, zoom, w, h, placed, overlap=0.0)
    img = _background(rng, h, w)
    draw = {'RBC': _draw_rbc, 'WBC': _draw_wbc, 'Platelets': _draw_platelet}
    order = sorted(placed, key=lambda c: (c.label != 'RBC', rng.random()))  # RBCs first, in a pile
    for cell in order:
        draw[cell.label](img, rng, cell)
    img = cv2.GaussianBlur(np.clip(img, 0, 255).astype(np.uint8), (3, 3), 0.6)
    objects = [(c.label, _box(c, w, h)) for c in order]
    return img, [(label, box) for label, box in objects if box[2] >= 2 and box[3] >= 2]


def generate_blood_cells(out_dir: str | Path, spec: BloodCellSpec | None = None, *,
                         progress: bool = True) -> Path:
    """Write the train/valid/test splits to out_dir (skipped if already there with this spec)."""
    spec = spec or BloodCellSpec()
    out = Path(out_dir)
    stamp = out / 'generator.json'
    if same_spec(stamp, asdict(spec)) and all(
            (out / s / ANNOTATION_FILE).exists() for s in SPLITS):
        return out
    categories = [{'id': i + 1, 'name': name, 'supercategory': 'cells'}
                  for i, name in enumerate(BCCD_CLASSES)]
    cat_id = {c['name']: c['id'] for c in categories}
    bar = tqdm(total=sum(spec.counts().values()), desc='blood-cell images', disable=not progress)
    for split_index, split in enumerate(SPLITS):
        rng = np.random.default_rng([spec.seed, split_index])
        folder = out / split
        folder.mkdir(parents=True, exist_ok=True)
        images, annotations = [], []
        for i in range(spec.counts()[split]):
            img, objects = render_image(rng, spec)
            name = f'blood_{split}_{i:05d}.jpg'
            cv2.imwrite(str(folder / name), cv2.cvtColor(img, cv2.COLOR_RGB2BGR),
                        [cv2.IMWRITE_JPEG_QUALITY, 95])
            image_id = i + 1
            images.append({'id': image_id, 'file_name': name, 'width': spec.width,
                           'height': spec.height})
            for label, box in objects:
                annotations.append({'id': len(annotations) + 1, 'image_id': image_id,
                                    'category_id': cat_id[label], 'bbox': box,
                                    'area': round(box[2] * box[3], 2), 'iscrowd': 0,
                                    'segmentation': []})
            bar.update(1)
        coco = {'info': {'description': f'synthetic BCCD-like blood smears ({split}), '
                         'course_lib.data.synthetic.blood_cells', 'version': '1'},
                'licenses': [], 'categories': categories, 'images': images,
                'annotations': annotations}
        (folder / ANNOTATION_FILE).write_text(json.dumps(coco))
    bar.close()
    stamp.write_text(json.dumps(asdict(spec), indent=1))
    return out

