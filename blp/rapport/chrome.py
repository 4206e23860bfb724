"""Every page of a run: the navigation bar (the run's index, reports 1-4, the method, all gemeenten) and the
footer (run date, kit version, data source and vintage, run id). Text is escaped here."""

from __future__ import annotations

import html
from dataclasses import dataclass, field

from blp import __version__
from blp.data.canonical import EMBEDDED_SOURCE

# The pages of a run, in the bar's order: (label, file name). The overview of all gemeenten lies two
# folders up (outputs/index.html).
RUN_PAGES = [("Overzicht", "index.html"), ("1. Dataverzameling", "01_dataverzameling.html"),
             ("2. BLP-berekening", "02_blp_berekening.html"), ("3. Brede welvaart", "03_brede_welvaart.html"),
             ("4. Beleidsvertaling", "04_beleidsvertaling.html"), ("Methode stap voor stap", "00_methode.html"),
             ("Tabellen (Excel)", "tabellen.xlsx")]
ALL_GEMEENTEN = ("Alle gemeenten", "../../index.html")


def source_text(source: str) -> str:
    """The data source of a run in words, without local paths."""
    if source == EMBEDDED_SOURCE:
        return "de ingebouwde gegevens (CBS en Eurostat)"
    if source.startswith("snapshot:"):
        return f"de gegevensmap ‘{source.split(':', 1)[1].rstrip('/').rsplit('/', 1)[-1]}’"
    return "CBS StatLine (live), tabellen " + source.split(":", 1)[-1]


@dataclass
class PageChrome:
    """The navigation bar and footer of one run's pages."""

    title: str                 # e.g. "BLP Heerlen (GM0917)"
    run_id: str
    run_date: str              # Dutch date, e.g. "30-11-2026"
    source: str                # ``source_text`` of the data
    vintage: str               # e.g. "regionale rekeningen 2018 en 2022, banen 2019, gemeentegrenzen 2024"
    pages: list[tuple[str, str]] = field(default_factory=lambda: RUN_PAGES + [ALL_GEMEENTEN])

    def nav_html(self, current: str) -> str:
        esc = html.escape
        links = "".join(
            f'<a href="{esc(href)}"' + (' aria-current="page"' if href == current else "") + f">{esc(label)}</a>"
            for label, href in self.pages)
        return f'<nav class="blp-nav" aria-label="Rapporten van deze berekening"><strong>{esc(self.title)}</strong>{links}</nav>'

    def footer_text(self) -> str:
        return (f"Gemaakt op {self.run_date} met blp {__version__} · gegevens: {self.source}; {self.vintage} · "
                f"run {self.run_id}")

    def footer_html(self) -> str:
        return f'<footer class="blp-footer">{html.escape(self.footer_text())}</footer>'
