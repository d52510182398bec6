"""The static book in headless Chromium, offline: index, navigation, figures, videos and widget fallbacks render.

`make book-check` (part of `make test`) runs it after `make notebooks` and `make book` with
COURSE_BOOK_DIR=build/book, so it checks the site CI built (and fails if there is none); `make unit`
leaves it to book-check. Without COURSE_BOOK_DIR it builds the book from build/executed into a
temporary folder, and skips when no lesson was executed yet. Needs Debian's `chromium` and `chromium-driver`, as tests/test_lab_browser.py.
Saves artifacts/book_index.png and one screenshot per lesson page.
"""
import os
import re
import shutil
from pathlib import Path

import pytest

from course_lib.lessons import LESSONS
from course_lib.tooling.book import EXECUTED_DIR, build_book

ROOT = Path(__file__).resolve().parents[2]  # the repository (its /artifacts/ is git-ignored)
CHROMIUM, DRIVER = shutil.which('chromium'), shutil.which('chromedriver')
ARTIFACTS = ROOT / 'artifacts'

pytestmark = pytest.mark.skipif(
    not (CHROMIUM and DRIVER) and not os.environ.get('COURSE_REQUIRE_BROWSER'),
    reason='needs chromium + chromium-driver (apt-get install chromium chromium-driver)')

IMAGES = """
return Array.from(document.querySelectorAll('img')).map(
    i => [i.src.slice(0, 22), i.complete && i.naturalWidth > 0]);
"""
RESOURCES = """
const linked = Array.from(document.querySelectorAll('script[src], link[href], img, video, source, iframe'))
    .map(e => e.src || e.href || '');
return linked.concat(performance.getEntriesByType('resource').map(e => e.name));
"""
VIDEOS = """
return Array.from(document.querySelectorAll('video')).map(v => [v.readyState, v.error && v.error.code]);
"""
PROGRESS = """
return Array.from(document.querySelectorAll('.course-widget progress')).map(
    p => [Number(p.value), Number(p.max)]);
"""


@pytest.fixture()
def book(tmp_path) -> Path:
    """The built book: COURSE_BOOK_DIR (what `make book` wrote), else one built from build/executed."""
    if os.environ.get('COURSE_BOOK_DIR'):
        folder = Path(os.environ['COURSE_BOOK_DIR']).resolve()
        assert (folder / 'index.html').exists(), f'no book in {folder}: run `make book` first'
        return folder
    if not any((EXECUTED_DIR / x.notebook).exists() for x in LESSONS):
        pytest.skip(f'no executed lessons in {EXECUTED_DIR} yet (`make notebooks` writes them)')
    build_book(EXECUTED_DIR, tmp_path / 'book')
    return tmp_path / 'book'


@pytest.fixture()
def browser(tmp_path):
    """Headless Chromium that cannot reach any network (every host resolves to nothing)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ('--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run',
                 '--disable-background-networking', '--disable-component-update', '--disable-sync',
                 '--host-resolver-rules=MAP * ~NOTFOUND', '--proxy-server=http://127.0.0.1:9',
                 f'--user-data-dir={tmp_path / "chrome-profile"}', '--window-size=1400,1600'):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    yield driver
    driver.quit()


def test_book_renders_offline(book, browser):
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    ARTIFACTS.mkdir(exist_ok=True)
    browser.get((book / 'index.html').as_uri())
    index = browser.find_element(By.CSS_SELECTOR, 'table.book-index')
    assert all(x.title in index.text for x in LESSONS), 'the index lists every lesson'
    links = index.find_elements(By.CSS_SELECTOR, 'a')
    assert links, 'the index links at least one executed lesson'
    browser.save_screenshot(str(ARTIFACTS / 'book_index.png'))
    links[0].click()

    pages, images, videos, widgets = [], 0, 0, []
    while True:  # walk the lessons with the "next" links of the navigation bar
        name = Path(browser.current_url).name
        pages.append(name)
        assert browser.find_elements(By.CSS_SELECTOR, 'nav.course-nav a[href="index.html"]')
        shown = browser.execute_script(IMAGES)
        assert all(ok for _, ok in shown), f'{name}: an image did not load: {shown}'
        images += sum(src.startswith('data:image') for src, _ in shown)
        if name == '00_setup.html':  # the profile toggle, drawn from its saved state
            selected = browser.find_elements(By.CSS_SELECTOR, '.course-widget .w-selected')
            assert [s.text for s in selected] == ['smoke'], 'the toggle shows the profile it ran in'
        for widget in browser.find_elements(By.CSS_SELECTOR, '.course-widget'):
            assert widget.text.strip() or widget.find_elements(By.TAG_NAME, 'img'), f'{name}: empty widget'
            widgets.append((name, widget.text))
        try:  # embedded videos (data: URIs) decode: metadata loaded, no media error
            WebDriverWait(browser, 60).until(
                lambda d: all(state >= 1 and not error for state, error in d.execute_script(VIDEOS)))
        except TimeoutException:
            pytest.fail(f'{name}: a video does not load: {browser.execute_script(VIDEOS)}')
        videos += len(browser.execute_script(VIDEOS))
        bars = browser.execute_script(PROGRESS)
        assert all(value > 0 for value, _ in bars), f'{name}: a progress bar saved at 0: {bars}'
        body = browser.find_element(By.TAG_NAME, 'body').text
        assert not re.search(r'\b0%\|', body), f'{name}: a progress bar shows its first state (0%|)'
        resources = browser.execute_script(RESOURCES)
        outside = [r for r in resources if r and not r.startswith(('file:', 'data:'))]
        assert not outside, f'{name} needs the network for {outside}'
        browser.save_screenshot(str(ARTIFACTS / f'book_{name.removesuffix(".html")}.png'))
        following = browser.find_elements(By.CSS_SELECTOR, 'nav.course-nav a[rel="next"]')
        if not following:
            break
        following[0].click()
    executed = [x.notebook.replace('.ipynb', '.html') for x in LESSONS if (book / x.notebook.replace(
        '.ipynb', '.html')).exists()]
    assert pages == executed, 'the "next" links visit every lesson page once, in order'
    assert images > 0, 'figures render as embedded images'
    assert widgets, 'the widget fallbacks render'
    if '01_video_tasks.html' in pages:
        assert videos > 0, "lesson 01's clip is embedded as a playable video"
