"""Report sections, one module per notebook: each function shows one part of a report.

Part of ``blp.rapport``: may import the stages below it, never ``blp.uitvoering``.
"""

from __future__ import annotations

from collections.abc import Iterator


def chart_pages() -> tuple:
    """The report sections with charts the runner can draw ahead, in the order of the notebooks.
    Importing them loads matplotlib."""
    from blp.rapport.paginas import beleid, berekening, brede_welvaart

    return berekening, brede_welvaart, beleid


def figure_plan(view) -> Iterator:
    """Every chart the runner can draw ahead for ``view``, in the order the notebooks show them
    (``blp.rapport.figures``). Lazy: what a report's charts need is computed when its turn comes."""
    for page in chart_pages():
        yield from page.figures(view)
