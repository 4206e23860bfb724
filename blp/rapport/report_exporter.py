"""nbconvert's HTML exporter, minus the work a report run does not need (imports nbconvert: load lazily).

Two costs of ``HTMLExporter`` are not the report's:

- after rendering its template it parses the whole page with BeautifulSoup, to give images without
  alt text a (English) placeholder and to make cells focusable, and prints the page again. The CSS
  selectors it uses are compiled on first use (a third of a second: large Unicode regular expressions)
  and each page is parsed and printed once more (a tenth of a second each). ``ReportExporter`` makes
  the same two changes on the rendered text; the page it writes is, parsed, the same document as
  nbconvert's (a test compares them through BeautifulSoup).
- its Jinja templates are compiled to Python code in every new process (a quarter of a second). The
  exporter keeps Jinja's compiled templates in Jinja's own bytecode cache (a private folder in the
  temporary directory, keyed by the template source and the Python version), as Python keeps ``.pyc``.
"""

from __future__ import annotations

import re

from jinja2 import FileSystemBytecodeCache
from nbconvert import HTMLExporter
from nbconvert.exporters.templateexporter import TemplateExporter
from nbconvert.filters.highlight import Highlight2HTML
from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

# The alt text nbconvert gives an image that has none.
MISSING_ALT = "No description has been provided for this image"
# Classes whose <div> nbconvert makes focusable (tabindex="0"), so a keyboard user can reach each cell.
FOCUSABLE = {"jp-Cell-inputWrapper", "jp-OutputArea-output"}

_IMG_WITHOUT_ALT = re.compile(r"<img\b(?![^>]*\balt=)([^>]*?)(/?)>", re.IGNORECASE)
_DIV = re.compile(r"<div\b([^>]*?)>")
_CLASS = re.compile(r"""\bclass\s*=\s*(?:"([^"]*)"|'([^']*)')""")


def make_focusable_and_described(html: str, alt: str = MISSING_ALT) -> str:
    """What ``HTMLExporter`` does with BeautifulSoup after rendering, done on the text."""

    def div(m: re.Match) -> str:
        attrs = m.group(1)
        cls = _CLASS.search(attrs)
        classes = set((cls.group(1) or cls.group(2) or "").split()) if cls else set()
        if classes & FOCUSABLE and "tabindex=" not in attrs:
            return f'<div{attrs} tabindex="0">'
        return m.group(0)

    html = _IMG_WITHOUT_ALT.sub(lambda m: f'<img{m.group(1)} alt="{alt}"{m.group(2)}>', html)
    return _DIV.sub(div, html)


class ReportExporter(HTMLExporter):
    """``HTMLExporter`` without its BeautifulSoup pass and with cached compiled templates."""

    missing_alt = MISSING_ALT  # the alt text of an image that has none (a Dutch report sets a Dutch one)

    def _create_environment(self):
        environment = super()._create_environment()
        environment.bytecode_cache = FileSystemBytecodeCache()
        return environment

    def from_notebook_node(self, nb, resources=None, **kw):
        # HTMLExporter.from_notebook_node (nbconvert 7), up to its BeautifulSoup pass.
        langinfo = nb.metadata.get("language_info", {})
        lexer = langinfo.get("pygments_lexer", langinfo.get("name", None))
        highlight_code = self.filters.get("highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self))
        resources = self._init_resources(resources)
        filter_data_type = WidgetsDataTypeFilter(notebook_metadata=self._nb_metadata, parent=self,
                                                 resources=resources)
        self.register_filter("highlight_code", highlight_code)
        self.register_filter("filter_data_type", filter_data_type)
        html, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
        return make_focusable_and_described(html, self.missing_alt), resources
