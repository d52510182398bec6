"""The static book: the executed lessons, with their outputs, as an HTML site that works offline.

`make book` (`python -m course_lib.tooling.book`) renders `build/executed/NN_topic.ipynb` (the notebooks as
`make notebooks` executed them, see tests/executed_notebooks.py) to `build/book/`: an index page
built from the lesson table (`course_lib.lessons.LESSONS`) and one page per lesson with links to the
index and to the previous and next lessons. Pages load nothing from the network: widgets (which
nbconvert would draw with JavaScript from a CDN) are drawn from their saved state as plain HTML, a
tqdm bar as it ended, a slider with its value, an image widget as its image.
"""
from __future__ import annotations

import argparse
import base64
import html
import sys
from pathlib import Path

import jinja2
import nbformat
from nbconvert import HTMLExporter
from nbconvert.preprocessors import Preprocessor

from ..errors import MissingFileError, run_cli
from ..lessons import EXPECTED_MIME, LESSONS, LOADED_MACHINE_NOTE, Lesson

REPO_ROOT = Path(__file__).resolve().parents[2]
EXECUTED_DIR = REPO_ROOT / 'build' / 'executed'
BOOK_DIR = REPO_ROOT / 'build' / 'book'
WIDGET_VIEW_MIME = 'application/vnd.jupyter.widget-view+json'
WIDGET_STATE_MIME = 'application/vnd.jupyter.widget-state+json'
BOXES = ('VBoxModel', 'HBoxModel', 'BoxModel', 'GridBoxModel', 'AccordionModel', 'TabModel')
INTERACTIVE = ('Slider', 'ToggleButtons', 'Dropdown', 'RadioButtons', 'Select', 'Checkbox',
               'ToggleButton', 'Text', 'Button', 'Combobox', 'Play', 'Picker')

CSS = """
.course-nav { font-family: sans-serif; display: flex; gap: 1.5em; padding: 8px 16px;
  background: #eef2f7; border-bottom: 1px solid #ccd; position: sticky; top: 0; z-index: 10; }
.course-nav a { text-decoration: none; }
.course-widget { font-family: sans-serif; font-size: 13px; display: flex; flex-direction: column;
  gap: 4px; padding: 4px 0; }
.course-widget .w-row { display: flex; flex-direction: row; align-items: center; gap: 6px; }
.course-widget .w-col { display: flex; flex-direction: column; gap: 4px; }
.course-widget .w-button { border: 1px solid #aaa; padding: 2px 10px; border-radius: 3px;
  background: #f4f4f4; }
.course-widget .w-selected { background: #2f6db5; color: white; border-color: #2f6db5; }
.course-widget progress { width: 320px; }
.course-widget .w-danger progress { accent-color: #c33; }
.course-widget .w-note { color: #666; font-style: italic; font-size: 12px; }
table.book-index { border-collapse: collapse; font-family: sans-serif; font-size: 14px; }
table.book-index td, table.book-index th { border: 1px solid #ccd; padding: 4px 8px; text-align: left;
  vertical-align: top; }
"""

# The lab template, minus everything it would fetch from a CDN (require.js, MathJax, mermaid,
# the widget manager), plus the course's navigation bar.
TEMPLATE = """{%- extends 'lab/index.html.j2' -%}
{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block extra_css -%}<style type="text/css">{{ resources.course_css }}</style>{%- endblock extra_css -%}
{%- block body_header -%}
{{ super() }}
{{ resources.course_nav }}
{%- endblock body_header -%}
{%- block body_footer -%}
{{ resources.course_nav }}
{{ super() }}
{%- endblock body_footer -%}
"""


def _model(state: dict, ref: str) -> tuple[str, dict] | None:
    """Return (model id, saved model entry) for a model id or an 'IPY_MODEL_<id>' reference."""
    model_id = ref.removeprefix('IPY_MODEL_')
    entry = state.get(model_id)
    return (model_id, entry) if entry else None


def _label(model: dict) -> str:
    description = model.get('description') or ''
    return f'<span class="w-label">{html.escape(description)}</span>' if description else ''


def _options(model: dict) -> list[str]:
    return [str(o) for o in model.get('_options_labels') or model.get('options') or []]


def _image(entry: dict) -> str:
    model = entry['state']
    data = next((b['data'] for b in entry.get('buffers', []) if b.get('path') == ['value']), None)
    if data is None and isinstance(model.get('value'), str):
        data = base64.b64encode(model['value'].encode('latin-1')).decode('ascii')
    if not data:
        return '<span class="w-note">(empty image)</span>'
    size = ''.join(f' {k}="{html.escape(str(model[k]))}"' for k in ('width', 'height') if model.get(k))
    return f'<img src="data:image/{html.escape(model.get("format", "png"))};base64,{data}"{size}>'


def _progress(model: dict) -> str:
    style = ' class="w-danger"' if model.get('bar_style') == 'danger' else ''
    return (f'<span{style}>{_label(model)}<progress value="{model.get("value", 0)}" '
            f'max="{model.get("max", 100)}"></progress></span>')


def _buttons(model: dict) -> str:
    index = model.get('index')
    buttons = ''.join(f'<span class="w-button{" w-selected" if i == index else ""}">{html.escape(o)}</span>'
                      for i, o in enumerate(_options(model)))
    return f'<div class="w-row">{_label(model)}{buttons}</div>'


def _slider(model: dict) -> str:
    value, shown, low, high = model.get('value'), model.get('value'), model.get('min', 0), model.get('max', 100)
    if model.get('_model_name') == 'SelectionSliderModel':
        labels, value = _options(model), model.get('index', 0)
        shown, low, high = labels[value] if labels else '', 0, max(len(labels) - 1, 0)
    if isinstance(value, list):  # a range slider
        shown, value = f'{value[0]} – {value[1]}', value[0]
    return (f'<div class="w-row">{_label(model)}<input type="range" disabled min="{low}" max="{high}" '
            f'value="{value}"><span class="w-value">{html.escape(str(shown))}</span></div>')


def _dropdown(model: dict) -> str:
    labels, index = _options(model), model.get('index')
    shown = labels[index] if isinstance(index, int) and index < len(labels) else model.get('value', '')
    return f'<div class="w-row">{_label(model)}<span class="w-button">{html.escape(str(shown))} ▾</span></div>'


def _checkbox(model: dict) -> str:
    return f'<div class="w-row">{"☑" if model.get("value") else "☐"} {_label(model)}</div>'


def _value(model: dict) -> str:
    value = model.get('value')
    text = '' if value is None else html.escape(str(value))
    return f'<div class="w-row">{_label(model)}<span class="w-value">{text}</span></div>'


DRAWERS = {  # model name -> HTML of its saved state (boxes, images, sliders: _draw)
    'HTMLModel': lambda m: f'<span class="w-html">{_label(m)}{m.get("value", "")}</span>',
    'HTMLMathModel': lambda m: f'<span class="w-html">{_label(m)}{m.get("value", "")}</span>',
    'LabelModel': lambda m: f'<span>{html.escape(str(m.get("value", "")))}</span>',
    'FloatProgressModel': _progress, 'IntProgressModel': _progress,
    'ToggleButtonsModel': _buttons, 'RadioButtonsModel': _buttons,
    'DropdownModel': _dropdown, 'SelectModel': _dropdown, 'ComboboxModel': _dropdown,
    'ButtonModel': lambda m: f'<span class="w-button">{html.escape(m.get("description", ""))}</span>',
    'CheckboxModel': _checkbox, 'ToggleButtonModel': _checkbox,
    'OutputModel': lambda m: '',  # what it captured follows the widget as ordinary outputs
}


def _captured(state: dict, ref: str, depth: int = 0) -> list[dict]:
    """Return the outputs that Output widgets in this widget's tree captured, in drawing order."""
    found = _model(state, ref)
    if found is None or depth > 20:
        return []
    model = found[1]['state']
    if found[1].get('model_name') == 'OutputModel':
        return list(model.get('outputs') or [])
    return [out for c in model.get('children') or [] if isinstance(c, str)
            for out in _captured(state, c, depth + 1)]


def _draw(state: dict, ref: str, depth: int = 0) -> str:
    """Return the HTML of one widget model and its children, drawn from its saved state."""
    found = _model(state, ref)
    if found is None or depth > 20:
        return ''
    entry = found[1]
    model, name = entry['state'], entry.get('model_name') or ''
    if name in BOXES:
        children = [c for c in model.get('children') or [] if isinstance(c, str)]
        kind = 'w-row' if name == 'HBoxModel' else 'w-col'
        return f'<div class="{kind}">' + ''.join(_draw(state, c, depth + 1) for c in children) + '</div>'
    if name == 'ImageModel':
        return _image(entry)
    if name.endswith('SliderModel'):
        return _slider(model)
    return DRAWERS.get(name, _value)(model)


def _interactive(state: dict, ref: str, depth: int = 0) -> bool:
    found = _model(state, ref)
    if found is None or depth > 20:
        return False
    name = found[1].get('model_name') or ''
    children = found[1]['state'].get('children') or []
    return (any(word in name for word in INTERACTIVE)
            or any(_interactive(state, c, depth + 1) for c in children if isinstance(c, str)))


def widget_html(model_id: str, state: dict) -> str | None:
    """Return a static HTML drawing of a widget from the notebook's saved widget state (None if absent)."""
    if _model(state, model_id) is None:
        return None
    note = ('<div class="w-note">A static view of an interactive widget: it responds in a running '
            'notebook.</div>' if _interactive(state, model_id) else '')
    return f'<div class="course-widget">{_draw(state, model_id)}{note}</div>'


class StaticWidgets(Preprocessor):
    """Replace every widget output by a static HTML drawing of its saved state, and drop the state.

    What Output widgets inside it captured follows the drawing as ordinary outputs. Without the
    state (a notebook saved without it) the widget's text/plain stays, with a note.
    """

    def preprocess(self, nb, resources):
        """Draw the widgets of every cell; remove the notebook's widget state afterwards."""
        widgets = nb.metadata.get('widgets', {}).get(WIDGET_STATE_MIME, {}).get('state', {})
        for cell in nb.cells:
            outputs = []
            for out in cell.get('outputs', []):
                outputs.append(out)
                data = out.get('data', {})
                if WIDGET_VIEW_MIME not in data:
                    continue
                model_id = data.pop(WIDGET_VIEW_MIME).get('model_id', '')
                drawn = widget_html(model_id, widgets)
                if drawn is None:
                    plain = html.escape(''.join(data.get('text/plain', '')))
                    drawn = (f'<div class="course-widget"><pre>{plain}</pre><div class="w-note">'
                             'A widget whose state was not saved: run the notebook to see it.</div></div>')
                data['text/html'] = drawn
                outputs += [nbformat.from_dict(o) for o in _captured(widgets, model_id)]
            if 'outputs' in cell:
                cell.outputs = outputs
        nb.metadata.pop('widgets', None)
        return nb, resources


def _nav(lesson: Lesson, pages: dict[str, str]) -> str:
    """Return the navigation bar of a lesson page: index, previous and next executed lessons."""
    numbers = [x.number for x in LESSONS if x.number in pages]
    at = numbers.index(lesson.number)
    by_number = {x.number: x for x in LESSONS}
    links = ['<a href="index.html">Course index</a>']
    if at > 0:
        prev = by_number[numbers[at - 1]]
        links.append(f'<a href="{pages[prev.number]}" rel="prev">← {prev.number} {html.escape(prev.title)}</a>')
    links.append(f'<b>{lesson.number} {html.escape(lesson.title)}</b>')
    if at + 1 < len(numbers):
        nxt = by_number[numbers[at + 1]]
        links.append(f'<a href="{pages[nxt.number]}" rel="next">{nxt.number} {html.escape(nxt.title)} →</a>')
    return '<nav class="course-nav">' + ''.join(links) + '</nav>'


def render_lesson(nb: nbformat.NotebookNode, nav: str, title: str = '') -> str:
    """Return one executed lesson as a standalone HTML page (images embedded, no network)."""
    if title:
        nb.metadata['title'] = title
    for cell in nb.cells:  # the values a lesson publishes for the teacher's notes show nothing
        if cell.get('outputs'):
            cell.outputs = [o for o in cell.outputs if EXPECTED_MIME not in o.get('data', {})]
    exporter = HTMLExporter(template_name='lab', template_file='course_book.html.j2',
                            extra_loaders=[jinja2.DictLoader({'course_book.html.j2': TEMPLATE})],
                            preprocessors=[StaticWidgets])
    body, _ = exporter.from_notebook_node(nb, resources={'course_css': CSS, 'course_nav': nav})
    return body


def render_index(executed: dict[str, nbformat.NotebookNode], pages: dict[str, str]) -> str:
    """Return the index page: every lesson of LESSONS, linked when it was executed."""
    rows = []
    for x in LESSONS:
        nb = executed.get(x.number)
        title = html.escape(x.title)
        if nb is None:
            link, status = title, 'not executed in this build'
        else:
            run = nb.metadata.get('course_execution', {})
            link = f'<a href="{pages[x.number]}">{title}</a>'
            failed = run.get('failed_cells')
            status = (f'executed in {run.get("seconds", "?")} s' if 'seconds' in run else 'executed')
            if failed:
                status += f'; <b>failed cells: {", ".join(map(str, failed))}</b>'
        rows.append(f'<tr><td>{x.number}</td><td>{link}</td><td>{html.escape(x.objective)}</td>'
                    f'<td>{x.minutes_smoke} min</td><td>{html.escape(x.time_full)}</td><td>{status}</td></tr>')
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Hands-on video understanding — the book</title>
<style>{CSS} body {{ font-family: sans-serif; margin: 2em; }}</style></head>
<body><h1>Hands-on video understanding with OpenMMLab and OpenVINO</h1>
<p>The lessons as they ran in the <code>smoke</code> profile, with every output. To run them yourself:
<code>make setup</code>, then <code>make lab</code> (see the README).</p>
<table class="book-index"><tr><th>#</th><th>lesson</th><th>you will</th><th>smoke (2 CPU cores)</th>
<th>full</th><th>this build</th></tr>
{''.join(rows)}
</table>
<p>{html.escape(LOADED_MACHINE_NOTE)}</p>
</body></html>
"""


def build_book(executed_dir: Path = EXECUTED_DIR, out_dir: Path = BOOK_DIR) -> list[Path]:
    """Render every executed lesson in executed_dir and an index to out_dir; return the pages written."""
    notebooks = {x.number: executed_dir / x.notebook for x in LESSONS}
    executed = {n: nbformat.read(p, as_version=4) for n, p in notebooks.items() if p.exists()}
    if not executed:
        raise MissingFileError(f'no executed lessons in {executed_dir}: run `make notebooks` first '
                                '(it saves each lesson there as it runs it)')
    out_dir.mkdir(parents=True, exist_ok=True)
    pages = {n: Path(notebooks[n].name).with_suffix('.html').name for n in executed}
    written = []
    for lesson in LESSONS:
        if lesson.number in executed:
            page = out_dir / pages[lesson.number]
            html_page = render_lesson(executed[lesson.number], _nav(lesson, pages),
                                      f'Lesson {lesson.number} — {lesson.title}')
            page.write_text(html_page, encoding='utf-8')
            written.append(page)
    index = out_dir / 'index.html'
    index.write_text(render_index(executed, pages), encoding='utf-8')
    return [index, *written]


def main(argv: list[str] | None = None) -> None:
    """Command line: python -m course_lib.tooling.book [--executed DIR] [--out DIR]."""
    parser = argparse.ArgumentParser(prog='python -m course_lib.tooling.book', description=__doc__.splitlines()[0])
    parser.add_argument('--executed', type=Path, default=EXECUTED_DIR,
                        help='folder of executed lessons (default: build/executed, written by make notebooks)')
    parser.add_argument('--out', type=Path, default=BOOK_DIR, help='where the site goes (default: build/book)')
    args = parser.parse_args(argv)
    pages = build_book(args.executed, args.out)  # no executed lessons: run_cli prints the fix
    print(f'{len(pages) - 1} lesson page(s) and the index written; open {pages[0]}')


if __name__ == '__main__':
    sys.exit(run_cli(main))
