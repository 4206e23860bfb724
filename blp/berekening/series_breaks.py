"""Changes of COROP division inside CBS's series of value added, found in its employment and linked across.

CBS publishes each year of its regional series on that year's COROP division. Where a gemeente moved between
regions (De Fryske Marren, 2014: Skarsterlân from Zuidoost- to Zuidwest-Friesland), the regions concerned jump
in that year: Zuidwest-Friesland's value added +32 % and its real growth +23,9 %, against +1,8 % and +1,4 % for
NL. The employment in the same series shows it plainly: a region's labour volume moves by 5 % or more against
NL's, and other regions of its province move the other way by about as much, as no economy does in one year.

Such a break is linked as a break is usually linked without figures on both divisions: the regions concerned are
taken to have grown, in the break year, as they did together (their sum does not depend on the division), and
their earlier years are scaled by value in the break year / (value the year before x that growth).
"""

from __future__ import annotations

import pandas as pd

from blp.berekening.concordance import TOTAL
from blp.berekening.keys import memo
from blp.data.canonical import CanonicalData

LABOUR_MEASURE = {"revised 2024": "labour_volume", "before 2024 revision": "employed_persons"}
BREAK_MOVE = 0.05     # a region's employment moves by this much against NL's in one year ...
BREAK_PARTNER = 0.01  # ... and regions of its province move the other way by at least this much ...
BREAK_BALANCE = 0.3   # ... together within this part of the largest move (employment moved, it did not appear)


def series_breaks(data: CanonicalData, vintage: str, skip: frozenset[int] = frozenset()) -> pd.DataFrame:
    """Per region, published code and break year of ``vintage``: the factor that links the years before the break
    to the division of the break year. Columns region_code, industry_code, break_year, factor. Years in ``skip``
    are linked otherwise (the change of division at the first full-detail year: ``value_added.division_links``)."""
    return memo(data, "series_breaks", vintage, skip, compute=lambda: _series_breaks(data, vintage, skip))


def _series_breaks(data: CanonicalData, vintage: str, skip: frozenset[int]) -> pd.DataFrame:
    columns = ["region_code", "industry_code", "break_year", "factor"]
    s = data.value_added_series
    if s is None or s.empty or vintage not in LABOUR_MEASURE:
        return pd.DataFrame(columns=columns)
    s = s[s["vintage"] == vintage]
    labour = s[(s["measure"] == LABOUR_MEASURE[vintage]) & (s["industry_code"] == TOTAL)]
    corop = labour[labour["region_level"] == "corop"].pivot_table(index="year", columns="region_code", values="value")
    nl = labour[labour["region_level"] == "land"].groupby("year")["value"].sum()
    if corop.empty or nl.empty:
        return pd.DataFrame(columns=columns)
    province = data.regions.drop_duplicates("corop_code").set_index("corop_code")["provincie_code"]
    expected = corop.shift(1).mul(nl / nl.shift(1), axis=0)
    moved = corop - expected            # employment beyond NL's growth
    relative = moved / corop.shift(1)
    value = s[(s["measure"] == "va_basic_prices") & (s["region_level"] == "corop")]
    rows = []
    for year in corop.index[1:]:
        if int(year) in skip:
            continue
        large = relative.loc[year][relative.loc[year].abs() >= BREAK_MOVE].index
        for prov in dict.fromkeys(province.reindex(large).dropna()):
            members = [c for c in corop.columns if province.get(c) == prov
                       and abs(relative.loc[year, c]) >= BREAK_PARTNER]
            shift = moved.loc[year, members]
            if not ((shift > 0).any() and (shift < 0).any()) or abs(shift.sum()) > BREAK_BALANCE * shift.abs().max():
                continue
            rows += _factors(value, members, int(year))
    return pd.DataFrame(rows, columns=columns)


def _factors(value: pd.DataFrame, members: list[str], year: int) -> list[tuple]:
    """Per member and code: value in ``year`` / (value the year before x the members' joint growth that year)."""
    both = value[value["region_code"].isin(members) & value["year"].isin([year - 1, year])]
    wide = both.pivot_table(index=["industry_code", "region_code"], columns="year", values="value")
    if year - 1 not in wide.columns or year not in wide.columns:
        return []
    rows = []
    for code, part in wide.groupby(level="industry_code"):
        part = part.dropna()
        if len(part) != len(members) or (part <= 0).any().any():
            continue
        joint = part[year].sum() / part[year - 1].sum()
        for (_, region), r in part.iterrows():
            rows.append((region, code, year, float(r[year] / (r[year - 1] * joint))))
    return rows


def apply_breaks(series: pd.DataFrame, breaks: pd.DataFrame) -> pd.DataFrame:
    """``series`` (year, region_code, industry_code, value) with each year before a break scaled by its factors."""
    if breaks.empty:
        return series
    factor = pd.Series(1.0, index=series.index)
    for b in breaks.itertuples():
        hit = ((series["region_code"] == b.region_code) & (series["industry_code"] == b.industry_code)
               & (series["year"] < b.break_year))
        factor[hit] *= b.factor
    return series.assign(value=series["value"] * factor)
