"""Sections of notebook 03: the BLP next to brede-welvaart indicators (outline; see issue 4)."""

from __future__ import annotations

import pandas as pd

from blp.context import GemeenteView
from blp.report import md, table


def title(view: GemeenteView) -> None:
    md(f"# Brede welvaart: {view.name} ({view.gemeente})")


def indicator_overview_frame(view: GemeenteView) -> pd.DataFrame:
    """Newest value of each indicator for the gemeente with the Dutch median of the same year."""
    ind = view.data.indicators
    codes = set(view.result.national["gemeente_code"])
    rows = []
    for name, group in ind.groupby("indicator"):
        year = group["year"].max()
        latest = group[(group["year"] == year) & group["gemeente_code"].isin(codes)]
        own = latest.loc[latest["gemeente_code"] == view.gemeente, "value"]
        rows.append({"indicator": name, "year": int(year), "unit": latest["unit"].iloc[0] if len(latest) else "",
                     "value": float(own.iloc[0]) if len(own) else float("nan"),
                     "median_nl": float(latest["value"].median()) if len(latest) else float("nan")})
    return pd.DataFrame(rows)


def overview(view: GemeenteView) -> None:
    md("De uitgewerkte brede-welvaartsanalyse (thema's, peers, ‘verwacht versus gemeten’) volgt in een "
       "volgende versie van de kit. Hieronder staan alvast de beschikbare indicatoren van de gemeente naast "
       "de mediaan van alle gemeenten. Een lege waarde betekent: **niet beschikbaar** in de bron.")
    table(indicator_overview_frame(view), {"indicator": "Indicator", "year": "Jaar", "unit": "Eenheid",
                                           "value": "Gemeente", "median_nl": "Mediaan gemeenten"},
          {"value": 1, "median_nl": 1})
