"""course_lib.tooling.book: the executed lessons as a static site (index, navigation, widgets drawn offline)."""
import base64
import re

import nbformat
import pytest

from course_lib.lessons import LESSONS
from course_lib.tooling import book

PNG = base64.b64encode(bytes.fromhex(
    '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489'
    '0000000d49444154789c6360f8cf000000020001e221bc330000000049454e44ae426082')).decode()


def _model(name, **state):
    return {'model_name': name, 'model_module': '@jupyter-widgets/controls',
            'model_module_version': '2.0.0', 'state': {'_model_name': name, **state}}


def _view(model_id, plain):
    return nbformat.v4.new_output('display_data', data={
        book.WIDGET_VIEW_MIME: {'model_id': model_id, 'version_major': 2, 'version_minor': 0},
        'text/plain': plain})


STATE = {  # a tqdm bar that finished (190/190), lesson 00's profile toggle, a frame slider
    'bar': _model('HBoxModel', children=['IPY_MODEL_left', 'IPY_MODEL_pbar', 'IPY_MODEL_right']),
    'left': _model('HTMLModel', value='training: 100%'),
    'pbar': _model('FloatProgressModel', value=190.0, max=190.0, bar_style='success'),
    'right': _model('HTMLModel', value=' 190/190 [00:42&lt;00:00, 4.5it/s]'),
    'box': _model('VBoxModel', children=['IPY_MODEL_toggle', 'IPY_MODEL_hint']),
    'hint': _model('OutputModel', outputs=[{'output_type': 'display_data', 'metadata': {},
                                            'data': {'text/markdown': 'Start with **smoke**',
                                                     'text/plain': 'Markdown'}}]),
    'toggle': _model('ToggleButtonsModel', _options_labels=['smoke', 'full'], index=0,
                     description='profile'),
    'frames': _model('VBoxModel', children=['IPY_MODEL_slider', 'IPY_MODEL_image']),
    'slider': _model('IntSliderModel', value=7, min=0, max=119, description='frame'),
    'image': {**_model('ImageModel', format='png', width='352'),
              'buffers': [{'path': ['value'], 'encoding': 'base64', 'data': PNG}]},
}


def _lesson(widgets: bool = True) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell('# Lesson — try'),
                nbformat.v4.new_code_cell('train()', outputs=[
                    _view('bar', 'training:   0%|          | 0/190 [00:00<?, ?it/s]'),
                    nbformat.v4.new_output('stream', name='stdout', text='top-1 0.97\n'),
                    nbformat.v4.new_output('display_data', data={'image/png': PNG, 'text/plain': 'fig'}),
                    nbformat.v4.new_output('display_data', data={book.EXPECTED_MIME: {'key': '03.top1'},
                                                                 'text/plain': ''})]),
                nbformat.v4.new_code_cell('toggle', outputs=[_view('box', "VBox(children=(ToggleButtons(...),))")]),
                nbformat.v4.new_code_cell('slider', outputs=[_view('frames', 'VBox(...)')]),
                nbformat.v4.new_code_cell('gone', outputs=[_view('missing', 'IntSlider(value=3)')])]
    if widgets:
        nb.metadata['widgets'] = {book.WIDGET_STATE_MIME: {'version_major': 2, 'version_minor': 0,
                                                           'state': STATE}}
    nb.metadata['course_execution'] = {'seconds': 42.0, 'failed_cells': []}
    return nb


@pytest.fixture()
def site(tmp_path):
    executed = tmp_path / 'executed'
    executed.mkdir()
    for lesson in LESSONS[:2]:
        nbformat.write(_lesson(), executed / lesson.notebook)
    book.build_book(executed, tmp_path / 'book')
    return tmp_path / 'book'


def test_the_index_lists_every_lesson_and_links_the_executed_ones(site):
    index = (site / 'index.html').read_text()
    assert all(x.title in index for x in LESSONS)
    assert 'href="00_setup.html"' in index and 'href="01_video_tasks.html"' in index
    assert 'href="02_pretrained_demos.html"' not in index and index.count('not executed') == len(LESSONS) - 2
    assert 'executed in 42.0 s' in index and f'<td>{LESSONS[5].minutes_smoke} min</td>' in index


def test_lesson_pages_link_the_index_and_their_neighbours(site):
    first, second = (site / '00_setup.html').read_text(), (site / '01_video_tasks.html').read_text()
    assert 'href="index.html"' in first and 'href="01_video_tasks.html" rel="next"' in first
    assert 'rel="prev"' not in first and f'<title>Lesson 00 — {LESSONS[0].title}</title>' in first
    assert 'href="00_setup.html" rel="prev"' in second and 'rel="next"' not in second


def test_widgets_are_drawn_from_their_final_state_without_the_network(site):
    page = (site / '00_setup.html').read_text()
    assert 'value="190.0"' in page and 'max="190.0"' in page and 'training: 100%' in page
    assert '0/190 [00:00' not in page  # the bar's first text, which nbconvert would show
    assert 'w-button w-selected">smoke<' in page and 'w-button">full<' in page
    assert 'value="7"' in page and 'max="119"' in page
    assert page.index('w-selected') < page.index('Start with <strong>smoke</strong>'), 'Output widget content'
    assert page.count(f'data:image/png;base64,{PNG}') == 2  # the figure and the slider's frame
    assert 'IntSlider(value=3)' in page and 'state was not saved' in page
    assert not re.search(r'''(src|href)=["']?https?:|url\(["']?https?:|@import''', page), 'no CDN'
    assert book.WIDGET_VIEW_MIME not in page and book.WIDGET_STATE_MIME not in page
    assert '<pre></pre>' not in page, "a teacher's-notes record (it shows nothing) left an empty output"


def test_static_widgets_keep_the_text_when_no_state_was_saved():
    nb, _ = book.StaticWidgets().preprocess(_lesson(widgets=False), {})
    html = nb.cells[1].outputs[0].data['text/html']
    assert '0/190' in html and 'state was not saved' in html and 'widgets' not in nb.metadata


def test_widget_html_of_a_finished_progress_bar_and_an_unknown_model():
    assert book.widget_html('nope', STATE) is None
    bar = book.widget_html('bar', STATE)
    assert '<progress value="190.0" max="190.0">' in bar and 'static view' not in bar
    assert 'static view of an interactive widget' in book.widget_html('box', STATE)
    odd = book.widget_html('x', {'x': _model('FancyModel', value='<b>', description='d')})
    assert '&lt;b&gt;' in odd and '>d<' in odd


def test_build_book_without_executed_lessons_says_what_to_run(tmp_path):
    with pytest.raises(FileNotFoundError, match='make notebooks'):
        book.build_book(tmp_path, tmp_path / 'book')


def test_make_book_without_executed_lessons_exits_with_the_fix(tmp_path, capsys):
    from course_lib.errors import run_cli
    assert run_cli(book.main, ['--executed', str(tmp_path), '--out', str(tmp_path / 'book')]) == 1
    err = capsys.readouterr().err
    assert err.startswith('error: no executed lessons in') and 'run `make notebooks` first' in err


def test_make_book_writes_the_index_and_the_pages(site, tmp_path, capsys):
    book.main(['--executed', str(tmp_path / 'executed'), '--out', str(tmp_path / 'again')])
    assert sorted(p.name for p in (tmp_path / 'again').iterdir()) == ['00_setup.html', '01_video_tasks.html',
                                                                    'index.html']
    assert '2 lesson page(s)' in capsys.readouterr().out


@pytest.mark.parametrize('model, shown', [
    (_model('SelectionSliderModel', _options_labels=['low', 'mid', 'high'], index=1), ('value="1"', '>mid<')),
    (_model('IntRangeSliderModel', value=[2, 5], min=0, max=9), ('value="2"', '>2 – 5<')),
    (_model('DropdownModel', _options_labels=['cpu', 'gpu'], index=1, description='device'), ('>gpu ▾<', '>device<')),
    (_model('CheckboxModel', value=True, description='int8'), ('☑', '>int8<'))])
def test_widget_html_shows_the_value_each_control_ended_with(model, shown):
    drawn = book.widget_html('w', {'w': model})
    assert all(part in drawn for part in shown), drawn
