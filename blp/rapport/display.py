"""Display helpers for the report notebooks: Dutch tables, markdown, figures."""

from __future__ import annotations

import re
import textwrap
from functools import lru_cache
from collections.abc import Callable

import pandas as pd

from blp.rapport import html_table
from blp.rapport.figures import chart_key, chart_svg
from blp.rapport.fmt import num


def display(obj, raw: bool = False) -> None:
    """IPython's ``display``, loaded on first use: the runner's chart drawer imports the report
    sections for their charts and has no use for IPython."""
    from IPython.display import display as ipython_display

    ipython_display(obj, raw=raw)


@lru_cache(maxsize=1)
def _markdown():
    """Markdown to HTML that keeps no raw HTML (escaped) and makes no links or images: the reports' own texts
    use neither, so a link or image in them can only come from params or data (a scenario called
    ``[klik](https://...)``) and shows as the text it is, never as a live link or a remote image."""
    import mistune
    from mistune.renderers.html import HTMLRenderer

    class NoLinks(HTMLRenderer):
        def link(self, text: str, url: str, title=None) -> str:
            return f"{text} ({mistune.escape(url)})"

        def image(self, text: str, url: str, title=None) -> str:
            return f"{mistune.escape(text)} ({mistune.escape(url)})"

    return mistune.create_markdown(escape=True, renderer=NoLinks(escape=True), plugins=["table", "strikethrough"])


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|>~<])")


def literal(text: str) -> str:
    """``text`` from params or data, to put inside ``md``: every Markdown sign escaped, so a scenario description
    starting with '# ' or holding '*' shows as written instead of becoming a heading or emphasis."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


_NAME_SIGNS = re.compile(r"[\\`*_\[\]<>~|#]")  # what would make Markdown of a name inside a sentence
_PROTECTED: dict[str, str] = {}  # names from the data that hold such a sign -> the same name, escaped


def protect(names) -> None:
    """Register names from the data (gemeenten, regions, sectors) for ``md``: one holding a Markdown sign (a COROP
    region called ``Delf*zijl*``) shows as written instead of in italics. Real names hold none; the check is cheap."""
    for name in names:
        if isinstance(name, str) and _NAME_SIGNS.search(name):
            _PROTECTED[name] = literal(name)


def md(text: str) -> None:
    """Show Dutch prose built from the figures. Rendered here, escaping any HTML: names and texts from the data
    or a params file (a scenario called ``<script>``) reach the report as text, never as markup; registered names
    (``protect``) are escaped as Markdown too."""
    shown = text
    for name, escaped in sorted(_PROTECTED.items(), key=lambda kv: -len(kv[0])):
        shown = shown.replace(name, escaped)
    display({"text/html": f'<div class="blp-prose">{_markdown()(shown)}</div>', "text/plain": text}, raw=True)


def show_chart(view, draw: Callable, *args, alt: str = "Grafiek; de tekst erbij beschrijft wat zij laat zien") -> None:
    """Show the chart ``draw(view, *args)`` inline (SVG), with ``alt``: what the chart shows, for a reader who
    cannot see it (the report's image gets it as alt text). When the runner drew it ahead on another core
    (``blp.rapport.figures``) the notebook shows that drawing, byte for byte what it would have drawn itself.
    Handed over as a ready MIME bundle: IPython's ``SVG`` object would parse the whole document again."""
    svg = chart_svg(view.figures, chart_key(draw, args), lambda: draw(view, *args))
    display({"image/svg+xml": svg, "text/plain": alt}, raw=True)


def table(df: pd.DataFrame, columns: dict[str, str] | None = None,
          formats: dict[str, Callable[[float], str] | int] | None = None, name: str | None = None) -> None:
    """Show ``df`` with Dutch column names and number formats, without the index (``blp.rapport.html_table``):
    ``columns`` picks and names the columns; ``formats`` maps a column to a formatter or to a number of
    decimals; text columns read from the left; a missing value reads "niet beschikbaar". ``name``: what the table
    holds, where a section has more than one ('banen per sector'), for its download and sheet."""
    columns = columns or {}
    shown = df[list(columns)] if columns else df
    fmt = {}
    for col, f in (formats or {}).items():
        fmt[col] = (lambda v, d=f: num(v, d)) if isinstance(f, int) else f
    left = {c for c in shown.columns if not pd.api.types.is_numeric_dtype(shown[c]) and c not in fmt}
    bundle = {"text/html": html_table.render(shown, columns, fmt, left),
              "text/plain": html_table.render_text(shown, columns, fmt)}
    if name:
        bundle[html_table.TABLE_NAME] = name
    display(bundle, raw=True)


def wrap_labels(labels: dict[str, str], width: int = 34) -> dict[str, str]:
    return {k: "\n".join(textwrap.wrap(v, width)) for k, v in labels.items()}
