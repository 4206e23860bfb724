"""Sections of notebook 04: from figures to policy (outline; see issue 6)."""

from __future__ import annotations

from blp.context import GemeenteView
from blp.fmt import eur
from blp.report import md, table


def title(view: GemeenteView) -> None:
    md(f"# Beleidsvertaling: {view.name} ({view.gemeente})")


def overview(view: GemeenteView) -> None:
    md("Doelen, scenario's en multipliers worden in een volgende versie van de kit uitgewerkt. Het vertrekpunt is "
       "de toegevoegde waarde per eenheid activiteit per sector in de gemeente: wat levert één extra "
       f"{'vestiging' if view.result.key.measure == 'establishments' else 'baan'} in een sector direct op?")
    key = view.result.key.table
    own = key[key["gemeente_code"] == view.gemeente].set_index("group")["key"]
    shares = view.result.allocation.shares
    blp = shares[shares["gemeente_code"] == view.gemeente].set_index("group")["blp_eur"]
    labels = view.data.industry_labels()
    df = (blp / own).rename("per_unit").reset_index()
    df["Sector"] = df["group"].map(labels)
    table(df, {"Sector": "Sector", "per_unit": "Toegevoegde waarde per eenheid (euro)"}, {"per_unit": eur})
