"""Report sections, one module per notebook: each function shows one part of a report."""

from __future__ import annotations

from collections.abc import Iterator


def figure_plan(view) -> Iterator:
    """Every chart the runner can draw ahead for ``view``, in the order the notebooks show them
    (``blp.figures``). Lazy: what a report's charts need is computed when its turn comes."""
    from blp.pages import beleid, berekening, brede_welvaart

    for page in (berekening, brede_welvaart, beleid):
        yield from page.figures(view)
