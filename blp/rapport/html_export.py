"""Export executed notebooks to HTML for a reader: no code, no parameter cells, Dutch page."""

from __future__ import annotations

import html
from functools import lru_cache
from pathlib import Path

# The cell the notebook engine puts before a notebook to reset the kernel between reports (hidden).
RESET_TAG = "injected-reset"
HIDDEN_TAGS = {"parameters", "injected-parameters", RESET_TAG}
# nbconvert gives every chart an English alt text; readers of the Dutch reports get a Dutch one.
DUTCH_ALT = "Grafiek; de tekst erbij beschrijft wat zij laat zien"
# Wide charts shrink to the page instead of getting a scroll bar (a laptop or a beamer in a webinar).
FIT_CHARTS_CSS = ("<style>.jp-RenderedSVG img, .jp-RenderedImage img "
                  "{ max-width: 100%; height: auto; }</style>\n")


def configured(exporter_class, show_code: bool = False):
    """An HTML exporter of ``exporter_class`` set up for the reports: no code (unless ``show_code``: the method
    appendix shows it), no prompts, no hidden cells."""
    from traitlets.config import Config

    config = Config()
    # Only the preprocessor a report needs: nbconvert validates the whole notebook after every one of
    # its eleven defaults, even the disabled ones (a quarter of an export's time).
    config.HTMLExporter.default_preprocessors = ["nbconvert.preprocessors.TagRemovePreprocessor"]
    config.TagRemovePreprocessor.enabled = True
    config.TagRemovePreprocessor.remove_cell_tags = set(HIDDEN_TAGS)
    html_exporter = exporter_class(config=config, template_name="lab")
    html_exporter.exclude_input = not show_code
    html_exporter.exclude_input_prompt = True
    html_exporter.exclude_output_prompt = True
    return html_exporter


@lru_cache(maxsize=1)
def exporter():
    """One configured exporter per process (``blp.rapport.report_exporter``). Building it loads nbconvert (about
    half a second), so a run builds it in the background while its kernel starts."""
    from blp.rapport.report_exporter import ReportExporter

    html_exporter = configured(ReportExporter)
    html_exporter.missing_alt = DUTCH_ALT
    return html_exporter


@lru_cache(maxsize=1)
def code_exporter():
    """The exporter of the method appendix: the same, with the code cells shown."""
    from blp.rapport.report_exporter import ReportExporter

    html_exporter = configured(ReportExporter, show_code=True)
    html_exporter.missing_alt = DUTCH_ALT
    return html_exporter


def notebook_to_html(nb_path: Path, html_path: Path, title: str) -> None:
    """Write the notebook file ``nb_path`` as a code-free HTML report to ``html_path``."""
    import nbformat

    notebook_node_to_html(nbformat.read(nb_path, as_version=4), html_path, title)


def save_and_export(nb, nb_path: Path, html_path: Path, title: str, show_code: bool = False) -> None:
    """Write the executed notebook ``nb`` to ``nb_path``, then the HTML report from it, without reading
    the file back (``show_code``: with its code, as the method appendix)."""
    import nbformat

    nbformat.write(nb, nb_path)
    notebook_node_to_html(nb, html_path, title, show_code)


def notebook_node_to_html(nb, html_path: Path, title: str, show_code: bool = False) -> None:
    """Write the notebook ``nb`` as an HTML report to ``html_path``, code-free unless ``show_code`` (``nb`` gets the
    title)."""
    nb.metadata["title"] = title
    body, _ = (code_exporter() if show_code else exporter()).from_notebook_node(nb)
    body = body.replace('<html lang="en">', '<html lang="nl">', 1)
    body = body.replace("</head>", FIT_CHARTS_CSS + "</head>", 1)
    html_path.write_text(body, encoding="utf-8")


def index_page(title: str, summary_html: str, reports: list[tuple[str, str]], extras: list[tuple[str, str]]) -> str:
    """A small static page linking a run's reports and files."""
    esc = html.escape
    links = "\n".join(f'<li><a href="{esc(href)}">{esc(label)}</a></li>' for label, href in reports)
    files = "\n".join(f'<li><a href="{esc(href)}">{esc(label)}</a></li>' for label, href in extras)
    return f"""<!DOCTYPE html>
<html lang="nl">
<head><meta charset="utf-8"><title>{esc(title)}</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 46rem; margin: 2rem auto; padding: 0 1rem; color: #222; line-height: 1.5; }}
h1 {{ font-size: 1.6rem; }} .kern {{ font-size: 1.2rem; background: #f5f5f5; padding: .8rem 1rem; border-left: 4px solid #c0392b; }}
li {{ margin: .3rem 0; }} small {{ color: #666; }}
</style></head>
<body>
<h1>{esc(title)}</h1>
<div class="kern">{summary_html}</div>
<h2>Rapporten</h2>
<ol>
{links}
</ol>
<h2>Voor controle en hergebruik</h2>
<ul>
{files}
</ul>
</body></html>
"""
