"""The BLP of every gemeente for every year with regional value added (a time series).

Each year's COROP value added is allocated with the key of the nearest key year (a gemeente's share is
then held at that year's); groups without a published value that year are split from the published
total by the structure of the nearest full-detail year (``blp.berekening.value_added``) and marked.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from blp.berekening.allocation import EUR_PER_MEUR, allocate
from blp.berekening.calculation import KeyCache, concordance_for, resolve_choices
from blp.berekening.keys import composition_year, convertible_years, nearest
from blp.berekening.concordance import TOTAL
from blp.berekening.value_added import SERIES_VINTAGE, all_years_table, breaks, division_links, provisional_years, va_years
from blp.data.canonical import CanonicalData
from blp.params import Params

LINKED = 0.001  # a region's series linked by more than this (0,1 %) counts as linked: beyond the rounding of a million


@dataclass
class BlpSeries:
    """Per year and gemeente: BLP (million euro, current prices), and what was estimated."""

    table: pd.DataFrame   # year, gemeente_code, blp_meur, key_year, estimated_share, linked_share, provisional
    regions: pd.DataFrame  # year, corop_code, corop_meur (allocated value added per COROP), nl_meur

    def of(self, gemeente: str) -> pd.DataFrame:
        return self.table[self.table["gemeente_code"] == gemeente].set_index("year").sort_index()


def linked_breaks(data: CanonicalData) -> pd.DataFrame:
    """The changes of COROP division inside CBS's series that moved a region's total by more than ``LINKED``
    (``blp.berekening.series_breaks``): region_code, break_year, factor."""
    found = breaks(data, SERIES_VINTAGE)
    found = found[(found["industry_code"] == TOTAL) & ((found["factor"] - 1).abs() > LINKED)]
    return found[["region_code", "break_year", "factor"]].reset_index(drop=True)


def _linked_before(data: CanonicalData) -> pd.Series:
    """Per region whose total was linked by more than ``LINKED``: the year before which its years are linked (the
    first full-detail year, or the latest change of division inside the series)."""
    links = division_links(data)
    moved = links[(links["industry_code"] == TOTAL) & ((links["factor"] - 1).abs() > LINKED)]
    found = linked_breaks(data)
    years = pd.concat([moved.set_index("region_code")["link_year"], found.set_index("region_code")["break_year"]])
    return years.astype(int).groupby(level=0).max()


def compute_series(data: CanonicalData, params: Params, years: list[int] | None = None,
                   keys: KeyCache | None = None) -> BlpSeries:
    """Allocate every year of ``years`` (default: every year with COROP value added) like the run's own
    year: same key measure and boundaries, the nearest key year, one concordance. Years that share a key
    are allocated in one go (each year's COROP x group cells kept apart, so each adds up to the euro)."""
    base = resolve_choices(data, params)
    concordance = concordance_for(data, base.va_year, base.key, base.key_year)
    usable = convertible_years(data, base.key, base.boundary_year)
    provisional = set(provisional_years(data))
    table = all_years_table(data)
    keys = keys or KeyCache(data)
    by_key: dict[tuple[int, int], list[int]] = {}
    for year in years or va_years(data):
        key_year = params.key_year if params.key_year is not None else nearest(usable, year)
        by_key.setdefault((key_year, composition_year(data, year)), []).append(year)
    corop = table[(table["region_level"] == "corop") & (table["industry_code"] != TOTAL)]
    corop = corop.assign(group=corop["industry_code"].map(concordance.va_to_group))
    va_all = (corop.rename(columns={"region_code": "corop_code"})
              .groupby(["year", "corop_code", "group"], as_index=False)
              .agg(value_meur=("value_meur", "sum"), estimated=("estimated", "any")))
    linked_before = _linked_before(data)
    rows, regions = [], []
    for (key_year, composition), group_years in by_key.items():
        key = keys.get(base.key, key_year, base.boundary_year, concordance, composition, base.density_correction).table
        va = va_all[va_all["year"].isin(group_years)]
        cell = va["year"].astype(str) + "|" + va["corop_code"]
        stacked_key = pd.concat([key.assign(year=y) for y in group_years], ignore_index=True)
        stacked_key["corop_code"] = stacked_key["year"].astype(str) + "|" + stacked_key["corop_code"]
        alloc = allocate(va.assign(corop_code=cell), stacked_key.drop(columns="year"))
        shares = alloc.shares.merge(va.assign(corop_code=cell, region=va["corop_code"])[
            ["corop_code", "group", "estimated", "year", "region"]], on=["corop_code", "group"])
        per = shares.groupby(["year", "gemeente_code"]).agg(blp_eur=("blp_eur", "sum"))
        est = shares[shares["estimated"]].groupby(["year", "gemeente_code"])["blp_eur"].sum()
        per["estimated_share"] = (est.reindex(per.index).fillna(0) / per["blp_eur"]).fillna(0)
        linked = shares[shares["year"] < shares["region"].map(linked_before).fillna(0)].groupby(
            ["year", "gemeente_code"])["blp_eur"].sum()
        per["linked_share"] = (linked.reindex(per.index).fillna(0) / per["blp_eur"]).fillna(0)
        per["blp_meur"] = per["blp_eur"] / EUR_PER_MEUR
        rows.append(per.drop(columns="blp_eur").reset_index().assign(key_year=key_year))
        regions.append(va.groupby(["year", "corop_code"])["value_meur"].sum().rename("corop_meur").reset_index())
    table_out = pd.concat(rows, ignore_index=True)
    table_out["provisional"] = table_out["year"].isin(provisional)
    regions_out = pd.concat(regions, ignore_index=True)
    total = table[table["industry_code"] == TOTAL]
    nl = total[total["region_level"] == "land"].groupby("year")["value_meur"].sum() \
        - total[total["region_level"] == "extra"].groupby("year")["value_meur"].sum().reindex(
            total["year"].unique()).fillna(0)
    regions_out["nl_meur"] = regions_out["year"].map(nl)
    cols = ["year", "gemeente_code", "blp_meur", "key_year", "estimated_share", "linked_share", "provisional"]
    return BlpSeries(table_out[cols].sort_values(["year", "gemeente_code"]).reset_index(drop=True),
                     regions_out.sort_values(["year", "corop_code"]).reset_index(drop=True))
