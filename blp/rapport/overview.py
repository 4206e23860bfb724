"""The national overview page outputs/index.html: every gemeente, sortable, with links to reports."""

from __future__ import annotations

import hashlib
from datetime import datetime, timezone
import html
import json
import re
from pathlib import Path

from matplotlib.ticker import NullLocator
import numpy as np
import pandas as pd

from blp.atomic import replace_when_done
from blp.berekening.backtest import error_band, variant_of
from blp.berekening.derived import whole_region_gemeenten
from blp.dutch import listing
from blp.rapport.context import NationalContext
from blp.rapport.figures import DRAWING, figure_svg
from blp import __version__
from blp.rapport.chrome import source_text
from blp.rapport.downloads import safe_texts
from blp.rapport.fmt import eur, meur, num, pct
from blp.rapport.narrative import SMALL_JOBS
from blp.rapport.pages import render_page


def complete_runs(folder: Path) -> list[Path]:
    """A gemeente's complete run folders (not partial, not failed), oldest first."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".")
                  and not p.name.endswith(".failed") and (p / "manifest.json").exists())


def data_fingerprint(inputs) -> str:
    """The checksums of a run's input files (``InputFile`` objects or manifest dicts) as one digest."""
    digests = sorted(i["sha256"] if isinstance(i, dict) else i.sha256 for i in inputs)
    return hashlib.sha256("\n".join(digests).encode()).hexdigest()


def latest_run_on(folder: Path, fingerprint: str, code: str | None = None) -> tuple[Path | None, int]:
    """The newest complete run of a gemeente made from the data with ``fingerprint`` (and, given ``code``, by the kit
    with that code digest), and how many complete runs were not (those are not linked: their numbers may differ
    from this overview's)."""
    match, others = None, 0
    for run in reversed(complete_runs(folder)):
        try:
            manifest = json.loads((run / "manifest.json").read_text(encoding="utf-8"))
            same = data_fingerprint(manifest.get("inputs", [])) == fingerprint and (
                code is None or manifest.get("kit", {}).get("code_digest") == code)
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            same = False
        if same and match is None:
            match = run
        elif not same:
            others += 1
    return match, others


def histogram_svg(national: NationalContext) -> str:
    """The distribution of BLP per inhabitant over all gemeenten, as an inline ``<svg>`` (sharp at any
    zoom, and drawn in a third of the time a PNG takes).

    Drawn with matplotlib's object API (no pyplot state), so a run can draw it on a background
    thread while its notebooks execute; holds ``blp.rapport.figures.DRAWING`` so no process forks meanwhile."""
    with DRAWING:
        return _histogram_svg(national)


def _histogram_svg(national: NationalContext) -> str:
    from blp.rapport.charts import GEMEENTE_COLOR, new_figure

    values = national.result.national["blp_per_inhabitant_eur"]
    v = values[np.isfinite(values) & (values > 0)] / 1000  # a log scale needs positive values
    if len(v) < 2:
        return "<p>Te weinig gemeenten met een BLP boven nul voor een verdeling.</p>"
    fig, ax = new_figure(figsize=(8, 3.2))
    ax.hist(v, bins=np.geomspace(v.min(), v.max(), 40), color=GEMEENTE_COLOR, alpha=0.85)
    ax.set_xscale("log")
    ticks = [t for t in (10, 20, 30, 40, 50, 70, 100, 150, 200) if v.min() <= t <= v.max() * 1.05]
    ax.set_xticks(ticks, [num(t) for t in ticks])
    ax.xaxis.set_minor_locator(NullLocator())
    ax.set_xlabel("BLP per inwoner (× 1.000 euro, logaritmische schaal)")
    ax.set_ylabel("aantal gemeenten")
    ax.spines[["top", "right"]].set_visible(False)
    fig.subplots_adjust(left=0.09, right=0.98, bottom=0.18, top=0.95)
    return figure_svg(fig)


def growth_of(national: NationalContext) -> pd.Series:
    """Average yearly growth of each gemeente's BLP from the value-added year to the newest year (nominal);
    empty when the data have one year only."""
    series = national.series
    if series is None:
        return pd.Series(dtype=float)
    s = series.table.pivot_table(index="gemeente_code", columns="year", values="blp_meur")
    first, last = national.choices.va_year, int(s.columns.max())
    return (s[last] / s[first]) ** (1 / (last - first)) - 1 if last > first else pd.Series(dtype=float)


def _with_hover(svg: str, labels: dict[str, str]) -> str:
    """Give each gemeente's shape in an inline SVG a tooltip (``<title>``): its name and value."""
    return re.sub(r'<g id="(GM\d{4})">',
                  lambda m: f'<g id="{m.group(1)}"><title>{html.escape(labels.get(m.group(1), m.group(1)))}</title>',
                  svg)


def maps_svg(national: NationalContext) -> list[tuple[str, str]]:
    """The choropleths of the overview page as (caption, inline SVG): BLP per inhabitant and, with a series,
    its growth; hovering a gemeente shows its name and value. Empty without gemeente shapes."""
    with DRAWING:
        return _maps_svg(national)


def _maps_svg(national: NationalContext) -> list[tuple[str, str]]:
    from blp.rapport.maps import choropleth

    shapes = national.data.shapes
    n = national.result.national.set_index("gemeente_code")
    drawn = [c for c in n.index if c in shapes.rings]
    if len(drawn) < 2 or n.loc[drawn, "blp_per_inhabitant_eur"].nunique() < 2:
        return []  # no map of one gemeente or of one value
    names = n["gemeente_name"]
    maps = []
    per_inh = n["blp_per_inhabitant_eur"]
    fig = choropleth(shapes, per_inh, f"BLP per inwoner {national.choices.va_year} (euro)", lambda v: num(v, 0),
                     gids=True)
    labels = {c: f"{names[c]}: {eur(v)} per inwoner" for c, v in per_inh.items()}
    maps.append((f"BLP per inwoner, {national.choices.va_year}", _with_hover(figure_svg(fig), labels)))
    growth = growth_of(national)
    if len(growth):
        last = int(national.series.table["year"].max())
        fig = choropleth(shapes, growth * 100, f"groei per jaar {national.choices.va_year}–{last} (%)",
                         lambda v: num(v, 1), gids=True)
        labels = {c: f"{names[c]}: {pct(v, signed=True)} per jaar" for c, v in growth.items() if c in names.index}
        maps.append((f"Groei van het BLP per jaar, {national.choices.va_year}–{last} (nominaal: met prijsstijgingen, "
                     "die per regio verschillen)",
                     _with_hover(figure_svg(fig), labels)))
    return maps


def overview_figures(national: NationalContext) -> dict:
    """Everything the overview page draws, drawn once (on a background thread while the notebooks run)."""
    return {"histogram": histogram_svg(national), "maps": maps_svg(national)}


def overview_table(national: NationalContext, outputs_dir: Path, code_digest: str | None = None) -> pd.DataFrame:
    n = national.result.national.copy()
    fingerprint = data_fingerprint(national.data.inputs + national.io.inputs)
    links, others = [], 0
    for code in n["gemeente_code"]:
        run, other = latest_run_on(outputs_dir / code, fingerprint, code_digest)
        links.append(f"{code}/{run.name}/index.html" if run else "")
        others += other
    n["report"] = links
    n.attrs["other_data_runs"] = others
    return n


def render(national: NationalContext, table: pd.DataFrame, figures: dict | None = None) -> str:
    """outputs/index.html (template ``templates/pages/overview.html.j2``)."""
    from markupsafe import Markup

    c = national.choices
    series = national.series
    figures = figures or overview_figures(national)
    growth = growth_of(national)
    growth_note = (f"Groei: gemiddelde groei per jaar van het BLP van {c.va_year} tot {int(series.table['year'].max())}, "
                   "nominaal, dus met prijsstijgingen (de sectoren van het laatste jaar deels geschat); waar prijzen "
                   "sterk stegen, zoals van gas en energie, lijkt de groei groter dan de productie. De reële groei van "
                   "het COROP-gebied staat in rapport 2 van een gemeente." if len(growth) else
                   "Groei (–): niet beschikbaar in deze gegevens (één jaar toegevoegde waarde).")
    rows = []
    for r in table.sort_values("blp_meur", ascending=False).itertuples():
        g = growth.get(r.gemeente_code)
        rows.append({"cells": [
            {"text": r.gemeente_code, "sort": r.gemeente_code}, {"text": r.gemeente_name, "sort": r.gemeente_name},
            {"text": r.corop_name, "sort": r.corop_name}, {"text": r.provincie_name, "sort": r.provincie_name},
            {"text": num(r.blp_meur, 0), "sort": f"{r.blp_meur:.6f}", "number": True},
            {"text": num(r.blp_per_inhabitant_eur, 0), "sort": f"{r.blp_per_inhabitant_eur:.2f}", "number": True},
            ({"text": pct(g, signed=True), "sort": f"{g:.6f}", "number": True} if g is not None else
             {"text": "–", "sort": "", "number": True}),
            ({"text": "rapport", "sort": 1, "href": r.report} if r.report else {"text": "–", "sort": 0}),
        ]})
    total = table["blp_meur"].sum()
    per_inh = total * 1e6 / table["population"].sum()
    n_reports = int((table["report"] != "").sum())
    others = table.attrs.get("other_data_runs", 0)
    other_note = (f" {others} eerdere {'rapport is' if others == 1 else 'rapporten zijn'} met andere gegevens of een "
                  "andere versie van de kit gemaakt en staan hier niet in: hun cijfers horen niet bij deze tabel."
                  if others else "")
    middle = table["blp_per_inhabitant_eur"].median()
    summary = (f"Toegevoegde waarde {c.va_year}, verdeeld over {len(table)} gemeenten (grenzen {c.boundary_year}) met "
               f"als verdeelsleutel {national.result.key.label_nl}. Samen {meur(total)}: {eur(per_inh)} per inwoner "
               f"van Nederland als geheel; de middelste gemeente heeft {eur(round(middle, -2))} per inwoner. "
               f"{uncertainty_note(national)}"
               + (f"Voor {n_reports} {'gemeente' if n_reports == 1 else 'gemeenten'} is er een volledig rapport."
                  if n_reports else "Er is nog geen volledig rapport.") + other_note)
    reports = [(r.gemeente_name, r.report) for r in table.sort_values("gemeente_name").itertuples() if r.report]
    small = national.result.national.loc[national.result.national["jobs"] < SMALL_JOBS, "gemeente_name"] \
        if "jobs" in national.result.national.columns else pd.Series(dtype=str)
    years = sorted({c.va_year} | ({int(national.series.table["year"].max())} if national.series is not None else set()))
    footer = (f"Gemaakt op {datetime.now(timezone.utc):%d-%m-%Y} met blp {__version__} · gegevens: "
              f"{source_text(national.data.source)}; regionale rekeningen {' en '.join(map(str, years))}, grenzen "
              f"{c.boundary_year}")  # the growth map's newest year too, as the gemeente pages say (a reader's finding)
    return render_page("overview.html.j2", summary=summary, histogram=Markup(figures["histogram"]),
                       maps=[{"caption": caption, "svg": Markup(svg)} for caption, svg in figures["maps"]],
                       growth_note=growth_note, rows=rows, reports=reports, small_count=len(small), va_year=c.va_year,
                       small_jobs=num(SMALL_JOBS), footer=footer,
                       middle=[eur(round(q, -3)) for q in table["blp_per_inhabitant_eur"].quantile([0.25, 0.75])])


def uncertainty_note(national: NationalContext) -> str:
    """How far a gemeente's BLP can be off, for the whole table: measured one level up (blp.berekening.backtest),
    with the gemeenten smaller than every tested region counted; '' without a back-test or jobs per gemeente."""
    bt, n = national.backtest, national.result.national
    if bt is None or "jobs" not in n.columns or national.choices.key != "jobs":
        return ""
    at_smallest = error_band(bt, 0.0, variant_of(national.result.key))  # a unit below every tested region: the band of the smallest one
    if at_smallest is None:
        return ("Elk BLP is een schatting; hoe ver het ernaast kan zitten, is met deze gegevens niet te meten (te "
                "weinig gebieden om de methode op te toetsen). ")
    smallest = at_smallest.smallest_jobs
    wholes = whole_region_gemeenten(national.result)
    below = int(((n["jobs"] < smallest) & ~n["gemeente_code"].isin(wholes)).sum())  # a whole region's is published
    whole = n.set_index("gemeente_code").loc[wholes, "gemeente_name"].tolist()
    published = (f" (behalve {listing(whole)}: "
                 + ("die gemeente is" if len(whole) == 1 else "elk van die gemeenten is")
                 + " een heel COROP-gebied, met een gepubliceerde toegevoegde waarde)" if whole else "")
    return (f"Elk BLP is een schatting{published}: getoetst op COROP-gebieden zit de methode bij een gebied met "
            f"{num(smallest)} banen (het kleinste getoetste) in de helft van de gevallen al meer dan "
            f"{pct(at_smallest.median_pct / 100, 1)} naast, bij grotere gebieden minder. {below} van de {len(n)} "
            f"gemeenten hebben minder banen; hun BLP is zeer onzeker. Het rapport van een gemeente geeft haar eigen "
            f"foutmarge. ")


def dutch_table(table: pd.DataFrame, va_year: int) -> pd.DataFrame:
    """The overview table with Dutch headings (the BLP's year in them) and the rounding of the page; whole numbers
    without a decimal ('892495,0' inhabitants read as a measurement to the tenth: a reader's finding)."""
    blp = f"BLP {va_year} (mln euro)"
    out = pd.DataFrame({"Code": table["gemeente_code"], "Gemeente": table["gemeente_name"],
                        "COROP-gebied": table["corop_name"], "Provincie": table["provincie_name"],
                        "Inwoners": table["population"].round(0).astype("Int64"), blp: table["blp_meur"].round(1),
                        f"BLP {va_year} per inwoner (euro)": table["blp_per_inhabitant_eur"].round(0).astype("Int64")})
    return safe_texts(out).sort_values(blp, ascending=False)


OVERVIEW_FILES = ("index.html", "blp_gemeenten.csv", "blp_gemeenten_nl.csv")  # what write_overview writes


def write_overview(outputs_dir: Path, national: NationalContext, figures: dict | None = None,
                   code_digest: str | None = None) -> Path:
    """(Re)write outputs/index.html and outputs/blp_gemeenten.csv, atomically (``figures``: from
    ``overview_figures``, if already drawn; ``code_digest``: link only reports made by this code)."""
    outputs_dir.mkdir(parents=True, exist_ok=True)
    table = overview_table(national, outputs_dir, code_digest)
    target = outputs_dir / OVERVIEW_FILES[0]
    with replace_when_done(target) as tmp:
        tmp.write_text(render(national, table, figures), encoding="utf-8")
    with replace_when_done(outputs_dir / OVERVIEW_FILES[1]) as tmp:
        safe_texts(table.drop(columns=["report"])).to_csv(tmp, index=False, lineterminator="\n")
    with replace_when_done(outputs_dir / OVERVIEW_FILES[2]) as tmp:  # for Dutch Excel
        dutch_table(table, national.choices.va_year).to_csv(tmp, index=False, sep=";", decimal=",", encoding="utf-8-sig", lineterminator="\r\n")
    return target
