"""One number for one quantity: what lessons 02 and 03 download or train on is stated alike everywhere."""
import json
import re
from pathlib import Path

from course_lib import configs
from course_lib.lessons import LESSONS

ROOT = Path(__file__).resolve().parents[1]
LESSON = {x.number: x for x in LESSONS}


def readme_download_row(number: str) -> str:
    table = (ROOT / 'README.md').read_text().split('| lesson | the full profile downloads |')[1]
    return next(line for line in table.splitlines() if line.startswith(f'| {number} |'))


def notebook_text(notebook: str) -> str:
    cells = json.loads((ROOT / 'notebooks' / notebook).read_text())['cells']
    return '\n'.join(''.join(c['source']) for c in cells)


def test_lesson_02_download_is_the_sum_of_the_readme_sizes_everywhere():
    sizes = re.search(r'~([\d + ]+) MiB', readme_download_row('02')).group(1)
    total = sum(int(n) for n in sizes.split('+'))
    stated = f'~{total} MiB'
    assert stated in LESSON['02'].time_full
    text = notebook_text(LESSON['02'].notebook)
    assert text.count(stated) == 2, 'the banner and the intro of lesson 02'
    assert not re.search(r'~\d+ MB', text), 'a download size in other units than the README'


def test_lesson_03_full_data_set_is_the_config_tables():
    full = configs.for_lesson('03', 'recognizer', 'full')
    data_set = next(name for name in ('HMDB51', 'UCF101') if name.lower() in full)
    other = {'HMDB51': 'UCF101', 'UCF101': 'HMDB51'}[data_set]
    lesson = LESSON['03']
    for text in (lesson.time_full, lesson.data):
        assert data_set in text and other not in text, text
    readme = (ROOT / 'README.md').read_text()
    row = next(line for line in readme.splitlines() if line.startswith('| 03 | `03_'))
    assert data_set in row and other not in row, row
    intro = notebook_text(lesson.notebook).split('**Coming from')[0]
    assert f'Full profile: {data_set}' in intro
