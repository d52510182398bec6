"""Action recognition with a Kinetics-400 model from mmaction2's zoo: a thin wrapper over mmaction.apis.

`load_recognizer()` builds the model from the config shipped in the mmaction wheel and loads the
zoo checkpoint through the course hub (or keeps random weights offline); `recognize()` runs
`mmaction.apis.inference_recognizer` (the config's own test pipeline) and names the top-k classes.
Used in lesson 02.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from mmaction.apis import inference_recognizer, init_recognizer
from mmengine.config import Config
from mmengine.dataset import Compose
from mmengine.registry import DefaultScope

from .. import validate
from ..errors import CheckpointError, ConfigError, FileFormatError, InputError, MissingFileError, boundary
from ..video import VideoSource, read_frames
from . import installed_config

RECOGNIZER_CONFIG = 'mmaction::recognition/x3d/x3d_s_13x6x1_facebook-kinetics400-rgb.py'
LABEL_MAP_K400 = Path(__file__).resolve().parents[1] / 'data' / 'label_map_k400.txt'


def kinetics400_classes(path: str | os.PathLike = LABEL_MAP_K400) -> list[str]:
    """Return the 400 Kinetics class names in label order (mmaction's label_map_k400.txt)."""
    names = [line.strip() for line in Path(path).read_text().splitlines() if line.strip()]
    if len(names) != 400 or len(set(names)) != 400:
        raise FileFormatError(f'{path}: expected 400 distinct class names, one a line; found '
                         f'{len(set(names))}. Restore the file from the course repository.')
    return names


def recognizer_config(config: str = RECOGNIZER_CONFIG, num_clips: int | None = None,
                      center_crop: bool = False):
    """Load an installed recognition config; optionally fewer clips and one centre crop (faster)."""
    cfg = Config.fromfile(str(installed_config(config)))
    pipeline = cfg.test_dataloader.dataset.pipeline
    for i, step in enumerate(pipeline):
        if step['type'] == 'SampleFrames' and num_clips is not None:
            step['num_clips'] = num_clips
        if step['type'] in ('ThreeCrop', 'TenCrop') and center_crop:
            pipeline[i] = dict(type='CenterCrop', crop_size=step['crop_size'])
    from ..dryrun import active, cap_pipeline
    if active() is not None:  # CI's dry run of the full profile: one view, a small crop
        for step in pipeline:
            if step['type'] == 'SampleFrames':
                step['num_clips'] = 1
        cap_pipeline(pipeline, active())
    return cfg


def expected_input_shape(cfg) -> tuple[int, int, int, int, int]:
    """Return (views, C, T, H, W) that the config's test pipeline should feed the model.

    The frame size is the crop's (CenterCrop, ThreeCrop, TenCrop), or, without a crop, that of a
    Resize to a fixed (w, h) (`keep_ratio=False`, as the smoke configs do).
    """
    steps = {s['type']: s for s in cfg.test_dataloader.dataset.pipeline}
    sample = steps['SampleFrames']
    crops = 3 if 'ThreeCrop' in steps else 10 if 'TenCrop' in steps else 1
    crop = next((s['crop_size'] for s in steps.values() if 'crop_size' in s), None)
    if crop is not None:
        h = w = crop if isinstance(crop, int) else crop[0]
    elif 'Resize' in steps and not steps['Resize'].get('keep_ratio', True):
        w, h = steps['Resize']['scale']
    else:
        raise ConfigError('The test pipeline has neither a crop nor a fixed-size Resize: the frame '
                         'size depends on the video, so there is no one expected input shape.')
    return (sample['num_clips'] * crops, 3, sample['clip_len'], h, w)


def pipeline_inputs(cfg, video: str | os.PathLike):
    """Run the config's test pipeline on a video; return the packed `inputs` tensor."""
    read_frames(video, max_frames=1)  # clear error for a missing or corrupt file
    with DefaultScope.overwrite_default_scope('mmaction'):
        pipeline = Compose(cfg.test_dataloader.dataset.pipeline)
        data = pipeline(dict(filename=str(video), label=-1, start_index=0, modality='RGB'))
    return data['inputs']


def load_recognizer(checkpoint: str | os.PathLike | None, cfg=None, device: str | None = None):
    """Build a recognizer (mmaction.apis.init_recognizer); checkpoint None keeps random weights."""
    from ..checkpoints import load_checked
    cfg = cfg if cfg is not None else recognizer_config()
    cfg.model.backbone.pop('pretrained', None)  # never fetch ImageNet weights at build time
    from ..settings import device as default_device  # cuda in the full profile on a GPU
    model = init_recognizer(cfg, None, device=device or default_device())
    if checkpoint:
        load_checked(model, checkpoint)
    return model


DECODERS = ('DecordDecode', 'PyAVDecode', 'OpenCVDecode', 'RawFrameDecode', 'ArrayDecode')
INITS = ('DecordInit', 'PyAVInit', 'OpenCVInit')


def pipeline_for(pipeline: list[dict], kind: str) -> list[dict]:
    """The same test pipeline with the decoding steps for an input kind ('video', 'frames', 'array')."""
    decode = {'video': 'OpenCVDecode', 'frames': 'RawFrameDecode', 'array': 'ArrayDecode'}[kind]
    steps = [dict(step) for step in pipeline if step['type'] not in INITS]
    steps = [dict(type=decode) if step['type'] in DECODERS else step for step in steps]
    return ([dict(type='OpenCVInit')] if kind == 'video' else []) + steps


def sampled_clips(cfg, source: VideoSource, progress: bool = False) -> dict:
    """The results dict after the test pipeline's SampleFrames, with only the sampled frames decoded.

    SampleFrames picks frame indices on the source's time grid (`VideoSource.grid`: on a
    constant-rate video the frames themselves, on a variable-rate one the frames shown at evenly
    spaced times); one pass over the video keeps those frames alone, as an `array` for ArrayDecode.
    """
    from mmengine.dataset import Compose as _Compose
    steps = [dict(s) for s in cfg.test_dataloader.dataset.pipeline if s['type'] == 'SampleFrames']
    if not steps:
        from ..errors import ConfigError
        raise ConfigError('The recognizer config\'s test pipeline has no SampleFrames step: the course '
                          'samples clips with it. Use a config of mmaction\'s recognizers.')
    with DefaultScope.overwrite_default_scope('mmaction'):
        results = _Compose(steps)(dict(total_frames=len(source), start_index=0, label=-1,
                                       modality='RGB'))
    inds = np.asarray(results['frame_inds']).reshape(-1)
    grid = source.grid()
    results['array'] = source.take(grid[np.mod(inds, len(source))])
    results['frame_inds'] = np.arange(len(inds))
    results['times'] = source.timestamps[grid[np.mod(inds, len(source))]]
    return results


def clip_frames(cfg) -> int:
    """The number of frames one clip of a recognizer's test pipeline holds (its SampleFrames clip_len)."""
    steps = [s for s in cfg.test_dataloader.dataset.pipeline if s['type'] == 'SampleFrames']
    return int(steps[0].get('clip_len', 1)) if steps else 1


@dataclass
class Recognition:
    """Top-k classes of one video."""

    labels: list[str]
    scores: list[float]
    all_scores: np.ndarray

    def __str__(self) -> str:
        return '\n'.join(f'{s:6.3f}  {n}' for n, s in zip(self.labels, self.scores))

    def plot(self, ax=None, title: str | None = None):
        """Bar chart of the top-k classes and their scores."""
        from ..viz import plot_topk  # here: inference does not depend on viz, only this helper
        return plot_topk(self.labels, self.scores, ax=ax, title=title or f'top-{len(self.labels)}')


class IRRecognizer:
    """A recognizer exported to OpenVINO IR (lesson 08), usable wherever `recognize` takes a model.

    The IR (course_lib.export.convert.RecognizerNet) maps clips in 0..255 to class logits; the
    config's test pipeline still prepares the clips, and the views are averaged as the config's head
    does (`average_clips`: 'prob' averages softmax scores, 'score' the logits).
    """

    def __init__(self, xml: str | os.PathLike, cfg, device: str = 'CPU', precision: str | None = 'f32') -> None:
        """`precision='f32'` gives PyTorch's scores; None lets OpenVINO pick (bf16 on CPUs with AVX-512 BF16/AMX)."""
        import openvino as ov  # here: loaded only when an IR is used (OpenVINO loads its plugins)
        xml = Path(xml)
        if xml.suffix != '.xml':
            raise CheckpointError(f'{xml} is not an OpenVINO IR: IRRecognizer takes the .xml file of an '
                                  'export (its weights sit beside it in a .bin). For a PyTorch .pth '
                                  'checkpoint use load_recognizer(checkpoint, cfg); to export one, '
                                  'course_lib.export.convert.export_recognizer (lesson 08).')
        if not xml.is_file():
            raise MissingFileError(f'{xml}: no IR. Export one first (lesson 08, '
                                    'course_lib.export.convert.export_recognizer).')
        if not xml.with_suffix('.bin').is_file():
            raise CheckpointError(f'{xml}: its weights {xml.with_suffix(".bin").name} are missing beside '
                                  'it; copy the .bin with the .xml, or export again.')
        self.cfg = cfg
        config = {'INFERENCE_PRECISION_HINT': precision} if precision else {}
        with boundary(f'OpenVINO could not read or compile {xml}', 'The .xml / .bin pair is broken or '
                      'from an incompatible export: export it again (lesson 08).', CheckpointError):
            self.compiled = ov.Core().compile_model(str(xml), device, config)

    def test_step(self, data: dict) -> list:
        """Score a collated batch like mmaction's Recognizer3D.test_step (pred_score per sample)."""
        clips = torch.stack(list(data['inputs'])).float()  # (B, views, C, T, H, W)
        logits = torch.from_numpy(self.compiled(clips.flatten(0, 1).numpy())[0])
        logits = logits.view(clips.shape[0], clips.shape[1], -1)
        mode = self.cfg.model.cls_head.get('average_clips', 'prob')
        scores = (logits.softmax(-1) if mode == 'prob' else logits).mean(dim=1)
        samples = data['data_samples']
        for sample, score in zip(samples, scores):
            sample.set_field(score, 'pred_score')
        return samples


def recognize(model, video: str | os.PathLike | np.ndarray | VideoSource,
              class_names: list[str] | None = None, k: int = 5) -> Recognition:
    """Classify a video file, a frame folder, an RGB array or a VideoSource (PyTorch model or IRRecognizer).

    Clips are sampled by time (`sampled_clips`) and only their frames are decoded, so memory does
    not grow with the video's length.
    """
    validate.positive('k', k)
    source = video if isinstance(video, VideoSource) else VideoSource(
        video, fps=30.0 if isinstance(video, np.ndarray) else None,  # arrays: the rate is not used
        kinds=('video', 'frames', 'array'))
    cfg = model.cfg
    need = clip_frames(cfg)
    if len(source) < need:
        what = str(video) if isinstance(video, (str, os.PathLike)) else 'The video'
        raise InputError(f'{what} has {len(source)} frame{"s" if len(source) != 1 else ""}; '
                         f'the model reads clips of {need} frames. Give a video of at least {need} frames.')
    sample = sampled_clips(cfg, source)
    steps = [s for s in pipeline_for(cfg.test_dataloader.dataset.pipeline, 'array')
             if s['type'] != 'SampleFrames']
    with DefaultScope.overwrite_default_scope('mmaction'):
        result = inference_recognizer(model, sample, Compose(steps))
    scores = result.pred_score.cpu().numpy()
    names = class_names or (cfg.get('classes') if cfg.get('classes') else kinetics400_classes())
    if len(names) != len(scores):
        raise InputError(f'The model scores {len(scores)} classes but {len(names)} names were '
                         'given; pass the label map the model was trained with.')
    top = np.argsort(-scores)[:k]
    return Recognition([names[i] for i in top], [float(scores[i]) for i in top], scores)
