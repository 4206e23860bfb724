"""A data frame as a plain HTML table for the reports: Dutch headings, formatted cells, no index.

What pandas' ``Styler`` showed before (the same cell texts: a test compares them), without what the
reports do not use: no random element ids (so the same inputs give the same HTML), no per-cell CSS
selectors, no template engine (what Styler cost in the kernel: README, Speed).
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping
from numbers import Real

import pandas as pd

from blp.rapport.fmt import num

TABLE_NAME = "text/x-blp-table-name"  # a table's own name, for its download (the HTML export shows only text/html)

MISSING_TEXT = "niet beschikbaar"
# Columns of text (not numbers) read from the left, heading included; numbers stay right-aligned (the page's CSS).
LEFT = ' style="text-align: left"'


def _is_missing(value) -> bool:
    return pd.api.types.is_scalar(value) and bool(pd.isna(value))


def default_text(value) -> str:
    """A cell without a formatter, in Dutch: whole numbers with a thousands dot (1.535; a year such as 2018
    as it is), other numbers with two decimals after a comma (0,25), yes/no as ja/nee. A column that needs
    other decimals says so with a formatter; no English number reaches a report by default."""
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, Real):
        v = float(value)
        if v.is_integer():
            return str(int(v)) if 1900 <= v <= 2100 else num(v)
        return num(v, 2)
    return str(value)


def cell_text(value, formatter: Callable | None) -> str:
    if _is_missing(value):
        return MISSING_TEXT
    return str(formatter(value)) if formatter is not None else default_text(value)


def render(df: pd.DataFrame, labels: Mapping[str, str], formats: Mapping[str, Callable],
           left: set[str]) -> str:
    """``df``'s rows under the headings ``labels[column]`` (the column name if absent); ``formats``
    per column; the columns in ``left`` aligned left. Every cell text is HTML-escaped: names and labels
    from the data or a params file are shown as text, never as markup."""
    columns = list(df.columns)
    head = "".join(f"<th{LEFT if c in left else ''}>{html.escape(str(labels.get(c, c)))}</th>" for c in columns)
    body = []
    for row in df.itertuples(index=False, name=None):
        cells = "".join(f"<td{LEFT if c in left else ''}>{html.escape(cell_text(v, formats.get(c)))}</td>"
                        for c, v in zip(columns, row))
        body.append(f"<tr>{cells}</tr>")
    return ('<table class="blp-table">\n<thead><tr>' + head + "</tr></thead>\n<tbody>\n"
            + "\n".join(body) + "\n</tbody>\n</table>")


def _one_line(text: str) -> str:
    """A cell of the tab-separated form: tabs and line breaks inside it become spaces (a row stays a row)."""
    return " ".join(str(text).split()) if any(ch in str(text) for ch in "\t\n\r") else str(text)


def render_text(df: pd.DataFrame, labels: Mapping[str, str], formats: Mapping[str, Callable]) -> str:
    """The same table as tab-separated text (what a notebook viewer without HTML shows, and what the downloads
    are made from: ``blp.rapport.downloads``)."""
    columns = list(df.columns)
    lines = ["\t".join(_one_line(labels.get(c, c)) for c in columns)]
    lines += ["\t".join(_one_line(cell_text(v, formats.get(c))) for c, v in zip(columns, row))
              for row in df.itertuples(index=False, name=None)]
    return "\n".join(lines)
