"""What a learner reads names the course's source documents by what they are, never "seed NNN".

The course was built from five documents (README, "Where this course comes from"). Calling them
"seed 002" or "the seed's bug" means nothing to a learner and clashes with the random seed
("seed 0", `seed=`, `randomness.seed`), which stays allowed.
"""
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LEARNER_FACING = sorted({*ROOT.glob('notebooks/*.ipynb'), *ROOT.glob('course_lib/**/*.py'),
                         *ROOT.glob('data_scripts/*.py'), *ROOT.glob('solutions/*.py'),
                         *ROOT.glob('scripts/*'), *ROOT.glob('docs/**/*.md'), ROOT / 'README.md',
                         ROOT / 'CONTRIBUTING.md', ROOT / 'Makefile', ROOT / 'environment.yml',
                         *ROOT.glob('requirements/*.txt')})
SOURCE_AS_SEED = re.compile(
    r"\bseeds?[ -]?0\d\d\b"                  # seed 002, Seeds 000, seed-001
    r"|\bseed's\b|\bseeds'(?=\s)"             # the seed's bug, the seeds' formats
    r"|\bthe seeds\b"                        # the seeds use
    r"|\bseed (?:projects?|documents?|tutorials?|lessons?|sources?)\b"
    r"|\bthe seed\b(?!\s*[=:(),\d])",        # the seed predicts (but: "fixed by the seed)")
    re.IGNORECASE)


def offending_lines(text: str) -> list[str]:
    """Return the lines of text that call a source document a seed."""
    return [line.strip() for line in text.splitlines() if SOURCE_AS_SEED.search(line)]


@pytest.mark.parametrize('text', ["Seed 002 ends by writing it", "the seed's index bug",
                                  "Seeds 000, 001 and 003 did this", "this seed-001 clip line",
                                  "the format the seeds use", "the seeds' formats", "the way seed projects fine-tune",
                                  "The seed predicts every 8 frames"])
def test_the_lint_catches_a_source_called_seed(text):
    assert offending_lines(text) == [text]


@pytest.mark.parametrize('text', ["torch.manual_seed(0)", "(seed 0); the bar below", "--seed 1",
                                  "randomness = dict(seed=0)", "(fixed by the seed)", "same seed,",
                                  "fixed seeds: the lessons are reproducible", "seed_slice = x", "add_argument('--seed', type=int)"])
def test_the_lint_allows_random_seeds(text):
    assert offending_lines(text) == []


@pytest.mark.parametrize('path', LEARNER_FACING, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_source_document_is_called_a_seed(path):
    found = offending_lines(path.read_text(errors='replace'))
    assert not found, (f'{path.relative_to(ROOT)} calls a source document a "seed": {found}; name it by '
                       "what it is (README, \"Where this course comes from\")")


def test_the_readme_names_and_links_the_five_sources():
    readme = (ROOT / 'README.md').read_text()
    section = readme.split('## Where this course comes from')[1].split('\n## ')[0]
    for name in ("OpenVINO Training Extensions' (OTX 1.x) action-detection tutorial",
                 "OTX's custom action-recognition models", 'An OpenMMLab video-recognition lesson ("Lesson 10")',
                 "OTX's object-detection tutorial (ATSS on BCCD)", 'An R(2+1)D reproduction on HMDB51'):
        assert name in section
    assert section.count('](https://') == 5
