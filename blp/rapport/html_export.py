"""Export executed notebooks to HTML for a reader: no code, no parameter cells, Dutch page."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from blp.rapport.chrome import PageChrome

# The cell the notebook engine puts before a notebook to reset the kernel between reports (hidden).
RESET_TAG = "injected-reset"
HIDDEN_TAGS = {"parameters", "injected-parameters", RESET_TAG}
# A cell whose code is plumbing (loading the context, a page title): its output is shown, its code not, also in
# the method appendix, which shows the code of every other cell.
HIDDEN_INPUT_TAG = "remove-input"
# The reports' template (JupyterLab's without scripts from the internet, with navigation, footer, print style
# and the charts' own alt text): blp/rapport/templates/blp_rapport.
TEMPLATES = Path(__file__).with_name("templates")
TEMPLATE = "blp_rapport"


def configured(exporter_class, show_code: bool = False):
    """An HTML exporter of ``exporter_class`` set up for the reports: no code (unless ``show_code``: the method
    appendix shows it), no prompts, no hidden cells."""
    from traitlets.config import Config

    config = Config()
    # Only the preprocessor a report needs: nbconvert validates the whole notebook after every one of
    # its eleven defaults, even the disabled ones.
    config.HTMLExporter.default_preprocessors = ["nbconvert.preprocessors.TagRemovePreprocessor"]
    config.TagRemovePreprocessor.enabled = True
    config.TagRemovePreprocessor.remove_cell_tags = set(HIDDEN_TAGS)
    config.TagRemovePreprocessor.remove_input_tags = {HIDDEN_INPUT_TAG}
    html_exporter = exporter_class(config=config, template_name=TEMPLATE, extra_template_basedirs=[str(TEMPLATES)])
    html_exporter.language_code = "nl"
    html_exporter.exclude_input = not show_code
    html_exporter.exclude_input_prompt = True
    html_exporter.exclude_output_prompt = True
    return html_exporter


@lru_cache(maxsize=1)
def exporter():
    """One configured nbconvert ``HTMLExporter`` per process. Building it loads nbconvert,
    so a run builds it in the background while its kernel starts."""
    from nbconvert import HTMLExporter

    return configured(HTMLExporter)


@lru_cache(maxsize=1)
def code_exporter():
    """The exporter of the method appendix: the same, with the code cells shown."""
    from nbconvert import HTMLExporter

    return configured(HTMLExporter, show_code=True)


def notebook_to_html(nb_path: Path, html_path: Path, title: str, chrome: PageChrome | None = None) -> None:
    """Write the notebook file ``nb_path`` as a code-free HTML report to ``html_path``."""
    import nbformat

    notebook_node_to_html(nbformat.read(nb_path, as_version=4), html_path, title, chrome=chrome)


def save_and_export(nb, nb_path: Path, html_path: Path, title: str, show_code: bool = False,
                    chrome: PageChrome | None = None) -> None:
    """Write the executed notebook ``nb`` to ``nb_path``, then the HTML report from it, without reading
    the file back (``show_code``: with its code, as the method appendix)."""
    import nbformat

    nbformat.write(nb, nb_path)
    notebook_node_to_html(nb, html_path, title, show_code, chrome)


def notebook_node_to_html(nb, html_path: Path, title: str, show_code: bool = False,
                          chrome: PageChrome | None = None) -> None:
    """Write the notebook ``nb`` as an HTML report to ``html_path``, code-free unless ``show_code`` (``nb`` gets the
    title); ``chrome``: the run's navigation bar and footer."""
    nb.metadata["title"] = title
    resources = ({"blp_nav": chrome.nav_html(html_path.name), "blp_footer": chrome.footer_html()}
                 if chrome is not None else {})
    body, _ = (code_exporter() if show_code else exporter()).from_notebook_node(nb, resources=resources)
    html_path.write_text(body, encoding="utf-8")
