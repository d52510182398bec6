"""Running pretrained models: recognition, person detection, spatio-temporal action detection.

Every model here is built from a config that ships in the installed mmaction/mmdet wheels
(`mmaction::...`, `mmdet::...`) and loads its checkpoint through the course hub (`course_lib.zoo`),
which verifies the sha256 prefix in the file name. Offline (smoke profile, nothing in the cache) the
same code runs with RANDOM weights, and `Weights.note` says so in plain words. Used in lesson 02.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import MissingFileError
from ..fetch import HUB, download
from ..settings import cache_dir, is_smoke


@dataclass(frozen=True)
class Weights:
    """Where a model's weights come from: a verified checkpoint, or random (offline)."""

    name: str
    checkpoint: Path | None

    @property
    def pretrained(self) -> bool:
        """True when a real, verified checkpoint is used."""
        return self.checkpoint is not None

    @property
    def note(self) -> str:
        """One plain sentence to print next to the model's output."""
        remote = HUB[self.name]
        if self.pretrained:
            return (f'{self.name}: PRETRAINED weights {remote.filename} '
                    f'(sha256 prefix {remote.sha256_prefix} verified).')
        return (f'{self.name}: RANDOM weights (smoke profile, offline: {remote.filename} is not in '
                f'the cache). Its outputs below mean nothing; run with COURSE_PROFILE=full, or put '
                f'the file in {cache_dir()}, for the real result.')


def zoo_weights(name: str, download_if_missing: bool | None = None) -> Weights:
    """Return a hub checkpoint: cached (verified), else downloaded in the full profile, else random."""
    remote = HUB[name]
    if (cache_dir() / remote.filename).exists():
        return Weights(name, download(name))  # verifies the cached copy
    if download_if_missing is None:
        download_if_missing = not is_smoke()
    return Weights(name, download(name) if download_if_missing else None)


def _configs_root(package: str, what: str = '') -> Path:
    """The `configs` folder an installed OpenMMLab wheel ships (`<package>/.mim/configs`)."""
    import importlib.util
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise MissingFileError(f'{what}package {package!r} is not installed (make setup).')
    return Path(list(spec.submodule_search_locations)[0]) / '.mim' / 'configs'


def installed_config(name: str) -> Path:
    """Return the file of a config shipped in an installed wheel (`mmaction::x.py`, `mmdet::x.py`)."""
    package, sep, rel = name.partition('::')
    if not sep:
        path = Path(name)
        if path.is_file():
            return path
        raise MissingFileError(f'No config {name}: give a file or `mmaction::<path in configs>`.')
    path = _configs_root(package, f'{name}: ') / rel
    if not path.is_file():
        raise MissingFileError(f'{name}: no such config in the installed {package} wheel '
                                f'({path}). List them under {path.parents[len(Path(rel).parts) - 1]}.')
    return path


def model_families(task: str, package: str = 'mmaction') -> list[str]:
    """The model families (config folders) an installed wheel ships for a task folder, e.g. 'recognition'."""
    configs = _configs_root(package)
    tasks = sorted(p.name for p in configs.iterdir() if p.is_dir() and not p.name.startswith('_'))
    if task not in tasks:
        raise MissingFileError(f'{package} ships no configs for {task!r}: give one of {", ".join(tasks)}.')
    return sorted(p.name for p in (configs / task).iterdir() if p.is_dir() and not p.name.startswith('_'))


__all__ = ['Weights', 'installed_config', 'model_families', 'zoo_weights']
