"""Allocation keys on the report's boundaries: activity per sector, activity in total, population."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from blp.berekening.boundaries import BoundaryConversion, convert_to_boundaries
from blp.berekening.concordance import TOTAL, Concordance
from blp.data.canonical import UNASSIGNABLE_GEMEENTE, CanonicalData
from blp.errors import DataError

MEASURE_NL = {"establishments": "vestigingen", "jobs": "banen", "population": "inwoners"}


@dataclass
class Key:
    """A key table (gemeente_code, corop_code, group, key) and how it was built."""

    name: str
    label_nl: str
    measure: str
    year: int
    by_industry: bool
    table: pd.DataFrame
    conversion: BoundaryConversion
    unassignable: float  # activity of GM0000 (not assignable to a gemeente), excluded


def _with_corop(df: pd.DataFrame, data: CanonicalData, boundary_year: int) -> pd.DataFrame:
    corop = data.regions_of(boundary_year)[["gemeente_code", "corop_code"]]
    return df.merge(corop, on="gemeente_code", how="inner")


def _broadcast(per_gemeente: pd.DataFrame, groups: tuple[str, ...]) -> pd.DataFrame:
    return per_gemeente.merge(pd.DataFrame({"group": list(groups)}), how="cross")


def activity_key(data: CanonicalData, measure: str, year: int, boundary_year: int,
                 concordance: Concordance, by_industry: bool = True) -> Key:
    """Activity of ``measure`` in ``year`` per allocation group (or its TOTAL for every group)."""
    rows = data.activity[(data.activity["measure"] == measure) & (data.activity["year"] == year)]
    if rows.empty:
        raise DataError(
            f"No {measure} per gemeente for {year} in the data ({data.source}).",
            f"choose a key year among {data.activity_years(measure) or 'none'}"
            + ("" if measure != "jobs" else ", or add a jobs file with --activity FILE"),
        )
    unassignable = float(rows.loc[(rows["gemeente_code"] == UNASSIGNABLE_GEMEENTE) & (rows["industry_code"] == TOTAL), "value"].sum())
    rows = rows[rows["gemeente_code"] != UNASSIGNABLE_GEMEENTE]
    if by_industry:
        rows = rows[rows["industry_code"] != TOTAL]
        unmapped = set(rows["industry_code"].unique()) - set(concordance.key_to_group)
        if unmapped:
            raise DataError(f"{measure} {year}: industry codes {sorted(unmapped)} have no allocation group.")
        rows = rows.assign(group=rows["industry_code"].map(concordance.key_to_group))
        per = rows.groupby(["gemeente_code", "group"], as_index=False)["value"].sum()
    else:
        total = rows[rows["industry_code"] == TOTAL]
        if total.empty:
            total = rows.groupby("gemeente_code", as_index=False)["value"].sum()
        per = _broadcast(total[["gemeente_code", "value"]], concordance.groups)
    targets = set(data.regions_of(boundary_year)["gemeente_code"])
    per, conversion = convert_to_boundaries(per, ["value"], year, boundary_year, data.boundary_changes, targets)
    table = _with_corop(per.rename(columns={"value": "key"}), data, boundary_year)
    nl = MEASURE_NL[measure]
    label = f"{nl} per sector ({year})" if by_industry else f"{nl} in totaal, zonder sectoren ({year})"
    name = f"{measure}_{year}" + ("" if by_industry else "_total")
    return Key(name, label, measure, year, by_industry, table, conversion, unassignable)


def population_series(data: CanonicalData, year: int, boundary_year: int) -> tuple[pd.Series, BoundaryConversion]:
    """Inhabitants per gemeente in ``year``, on the boundaries of ``boundary_year``."""
    rows = data.indicators[(data.indicators["indicator"] == "population") & (data.indicators["year"] == year)]
    if rows.empty:
        raise DataError(f"No population figures for {year}.",
                        f"choose a population year among {data.indicator_years('population') or 'none'}.")
    targets = set(data.regions_of(boundary_year)["gemeente_code"])
    per, conversion = convert_to_boundaries(rows[["gemeente_code", "value"]], ["value"], year, boundary_year,
                                            data.boundary_changes, targets)
    return per.set_index("gemeente_code")["value"], conversion


def population_key(data: CanonicalData, year: int, boundary_year: int, concordance: Concordance) -> Key:
    """Inhabitants as the key for every group: a residence-based alternative."""
    pop, conversion = population_series(data, year, boundary_year)
    per = _broadcast(pop.rename("key").reset_index(), concordance.groups)
    table = _with_corop(per, data, boundary_year)
    return Key(f"population_{year}", f"inwoners ({year})", "population", year, False, table, conversion, 0.0)
