"""Regional value added per year: published A10 detail where there is one, else a published total split.

Full A10 detail per COROP region exists for few years (the snapshot: 2018). The revised regional accounts
(CBS 85925NED) give every COROP's total, A and B-E for 1995-2022. For such a year the other groups are the
region's total minus A and B-E, split by the region's structure in the nearest year with full detail;
those groups are marked as estimated.

The series and the full-detail year need not share a COROP division: CBS publishes each year of its series on
that year's division, so in 2018 its Zuidoost-Zuid-Holland still holds Leerdam and Zederik (Utrecht since 2019),
while the full detail of 2018 (Eurostat) has them in Utrecht. Series years before the first full-detail year are
therefore linked to it: scaled, per region and published code, by full-detail value / series value in that year
(``division_links``), the usual way to join a series across a break. Later years already follow the newer
division (Zuidoost-Zuid-Holland drops 6 % against NL in 2019) and are used as published, except across a change
of division inside the series (De Fryske Marren, 2014), found in its employment and linked there
(``blp.berekening.series_breaks``).
"""

from __future__ import annotations

import pandas as pd

from blp.berekening.concordance import TOTAL, Concordance
from blp.berekening.keys import memo, nearest
from blp.berekening.series_breaks import apply_breaks, series_breaks
from blp.data.canonical import CanonicalData
from blp.dutch import num
from blp.errors import DataError

SERIES_MEASURE, SERIES_VINTAGE = "va_basic_prices", "revised 2024"
VOLUME_MEASURE, VOLUME_VINTAGE = "va_volume_change", "before 2024 revision"
COLUMNS = ["region_code", "region_level", "industry_code", "value_meur", "estimated"]


def _series(data: CanonicalData) -> pd.DataFrame:
    s = data.value_added_series
    return s[(s["measure"] == SERIES_MEASURE) & (s["vintage"] == SERIES_VINTAGE)]


def full_detail_years(data: CanonicalData) -> list[int]:
    """Years with value added per COROP region for every group (published)."""
    return data.value_added_years()


def va_years(data: CanonicalData) -> list[int]:
    """Every year with value added per COROP region, in total at least."""
    series = _series(data)
    series_years = set(series.loc[(series["region_level"] == "corop") & (series["industry_code"] == TOTAL), "year"])
    return sorted(set(full_detail_years(data)) | {int(y) for y in series_years})


def provisional_years(data: CanonicalData) -> list[int]:
    """Years CBS marks as provisional (``*``) in the series."""
    s = _series(data)
    return sorted(int(y) for y in s.loc[s["provisional"], "year"].unique())


def nearest_full_year(data: CanonicalData, year: int) -> int:
    years = full_detail_years(data)
    if not years:
        raise DataError("De data bevatten geen jaar met toegevoegde waarde per COROP-gebied en sector.",
                        "de verdeling heeft minstens één zo'n jaar nodig (value_added.csv).")
    return nearest(years, year)


LINK_RANGE = (0.8, 1.25)  # a region's total moved by a change of COROP division: CBS's largest is 7 % (2018-2019)
LINK_RANGE_SECTOR = (0.5, 2.0)  # a sector's: Zuidoost-Zuid-Holland's agriculture lost 27 % with Leerdam and Zederik
LINK_ROUNDING = 2.0  # million euro: both sources round each figure to a million


def division_links(data: CanonicalData) -> pd.DataFrame:
    """Per region and code the series publishes (TOTAL, A, B-E): the factor that links its years before the first
    full-detail year to that year's division (full-detail value / series value in that year; 1 where they agree).
    Columns region_code, industry_code, link_year, factor; empty without a year in both. A difference no change of
    division explains (NL's total, a region's beyond ``LINK_RANGE``, a sector's beyond its region's total, a value
    missing or not above 0) is refused: it is a mistake in one of the files, and linking would carry it into every
    earlier year (``_check_links``). Computed once per data set (the reports ask for it per region)."""
    return memo(data, "division_links", compute=lambda: _division_links(data))


def _division_links(data: CanonicalData) -> pd.DataFrame:
    full = full_detail_years(data)
    series = _series(data)
    columns = ["region_code", "industry_code", "link_year", "factor"]
    if not full or series.empty:
        return pd.DataFrame(columns=columns)
    year = full[0]
    earlier = series.loc[series["year"] < year, ["region_code", "industry_code"]].drop_duplicates()
    if earlier.empty or year not in set(series["year"]):
        return pd.DataFrame(columns=columns)  # nothing to link, or no year to link at (the series ends before it)
    both = (earlier.merge(series[series["year"] == year][["region_code", "industry_code", "value"]], how="left",
                          on=["region_code", "industry_code"])
            .merge(data.value_added[data.value_added["year"] == year][["region_code", "industry_code", "value_meur"]],
                   on=["region_code", "industry_code"]))
    _check_links(both, year)
    # a difference within the rounding of the two sources is no change of division
    factor = (both["value_meur"] / both["value"]).where((both["value_meur"] - both["value"]).abs() > LINK_ROUNDING, 1.0)
    return both.assign(link_year=year, factor=factor)[columns].reset_index(drop=True)


def _check_links(both: pd.DataFrame, year: int) -> None:
    """Refuse what a change of COROP division cannot explain (``division_links``)."""
    fix = (f"controleer de rij van {year} in value_added_series.csv (kolom value) en in value_added.csv (kolom "
           f"value_meur): de jaren vóór {year} worden op dat jaar aangesloten, dus een fout daar komt in elk eerder jaar "
           "terecht.")
    for r in both.itertuples():
        where = f"{r.region_code}, {r.industry_code}, {year}"
        if pd.isna(r.value) or (r.value <= 0 < r.value_meur) or (r.value_meur <= 0 < r.value):
            shown = "ontbreekt" if pd.isna(r.value) else f"is {num(r.value, 1)}"
            raise DataError(f"value_added_series.csv: de toegevoegde waarde van {where} {shown}, tegen "
                            f"{num(r.value_meur, 1)} mln euro in value_added.csv; zo zijn de eerdere jaren van de reeks "
                            f"niet op {year} aan te sluiten.", fix)
    wide = both.set_index(["region_code", "industry_code"])
    gap = wide["value_meur"] - wide["value"]
    for (region, code), r in wide.iterrows():
        if abs(gap[(region, code)]) <= LINK_ROUNDING or r.value <= 0:
            continue
        low, high = LINK_RANGE if code == TOTAL else LINK_RANGE_SECTOR
        if not low <= r.value_meur / r.value <= high:
            what = "meer dan een verschuiving van COROP-grenzen kan verklaren (bij het CBS hooguit 7% van het totaal)"
        elif code != TOTAL and (region, TOTAL) in gap.index \
                and abs(gap[(region, code)]) > abs(gap[(region, TOTAL)]) + LINK_ROUNDING:
            what = "meer dan het verschil in het totaal van dat gebied, dus niet door een verschuiving van grenzen"
        else:
            continue
        raise DataError(f"value_added_series.csv: de toegevoegde waarde van {region}, {code}, {year} is "
                        f"{num(r.value, 1)} mln euro, in value_added.csv {num(r.value_meur, 1)}: een verschil van "
                        f"{'+' if gap[(region, code)] > 0 else '−'}{num(abs(gap[(region, code)]), 1)}, {what}.", fix)
    land = both[(both["region_code"].str.startswith("NL")) & (both["industry_code"] == TOTAL)]
    for r in land.itertuples():  # a change of division moves value added between regions, never out of the country
        if abs(r.value_meur - r.value) > max(LINK_ROUNDING, 0.001 * abs(r.value_meur)):
            raise DataError(f"value_added_series.csv: de toegevoegde waarde van Nederland ({r.region_code}) in {year} is "
                            f"{num(r.value, 1)} mln euro, in value_added.csv {num(r.value_meur, 1)}: een andere indeling van de "
                            f"COROP-gebieden verandert het landelijke totaal niet.", fix)


def linked_series(data: CanonicalData) -> pd.DataFrame:
    """The series' value added, its years before the first full-detail year linked to that year's division, and its
    years before a change of division inside the series linked across it (``blp.berekening.series_breaks``)."""
    series = apply_breaks(_series(data), breaks(data, SERIES_VINTAGE))
    links = division_links(data)
    if links.empty:
        return series
    factor = series[["region_code", "industry_code"]].merge(links, how="left", on=["region_code", "industry_code"])
    before = (series["year"] < int(links["link_year"].iloc[0])).to_numpy() & factor["factor"].notna().to_numpy()
    return series.assign(value=series["value"].where(~before, series["value"] * factor["factor"].to_numpy()))


def breaks(data: CanonicalData, vintage: str) -> pd.DataFrame:
    """The changes of division inside the series of ``vintage`` (``series_breaks``), except the one at the year after
    the first full-detail year, which ``division_links`` links."""
    full = full_detail_years(data)
    return series_breaks(data, vintage, frozenset({full[0] + 1}) if full else frozenset())


def all_years_table(data: CanonicalData) -> pd.DataFrame:
    """Value added of every year (``year`` column added), as ``region_table`` gives it for one year; series years
    before the first full-detail year linked to its division (``division_links``)."""
    full = full_detail_years(data)
    parts = [data.value_added.assign(estimated=False)[["year"] + COLUMNS]]
    series = linked_series(data)
    series = series[~series["year"].isin(full)]
    if len(series) and full:
        parts.append(_split(data, series.rename(columns={"value": "value_meur"})))
    return pd.concat(parts, ignore_index=True).sort_values(["year", "region_level", "region_code", "industry_code"],
                                                           kind="mergesort").reset_index(drop=True)


def _split(data: CanonicalData, published: pd.DataFrame) -> pd.DataFrame:
    """Published totals (and some groups) of years without full detail, the other groups split by the
    region's structure in the nearest full-detail year."""
    published = published[["year", "region_code", "region_level", "industry_code", "value_meur"]]
    years = sorted(published["year"].unique())
    base_of = pd.Series({y: nearest_full_year(data, y) for y in years}, name="base_year")
    known = sorted(set(published["industry_code"]) - {TOTAL})
    base = data.value_added[data.value_added["year"].isin(set(base_of))]
    rest_codes = [c for c in dict.fromkeys(base["industry_code"]) if c not in known and c != TOTAL]
    base_rest = base[base["industry_code"].isin(rest_codes)]
    structure = base_rest.assign(share=base_rest["value_meur"] / base_rest.groupby(["year", "region_code"])[
        "value_meur"].transform("sum"))[["year", "region_code", "region_level", "industry_code", "share"]]
    structure = structure.rename(columns={"year": "base_year"})
    wide = published.pivot_table(index=["year", "region_code"], columns="industry_code", values="value_meur",
                                 aggfunc="sum")
    if TOTAL not in wide.columns or wide[TOTAL].isna().any():
        year, region = wide.index[wide[TOTAL].isna()][0] if TOTAL in wide.columns else wide.index[0]
        raise DataError(f"value_added_series.csv: geen totale toegevoegde waarde voor {region} in {year}.",
                        "de overige sectoren van een jaar zonder volledige uitsplitsing worden uit het totaal "
                        "verdeeld; voeg de rij toe.")
    rest = (wide[TOTAL] - wide[[c for c in known if c in wide.columns]].sum(axis=1)).rename("rest").reset_index()
    if (rest["rest"] < -1).any():  # published parts above the total (beyond rounding to 1 mln)
        r = rest[rest["rest"] < -1].iloc[0]
        raise DataError(f"value_added_series.csv: in {int(r.year)} zijn de gepubliceerde sectoren van {r.region_code} "
                        f"samen meer dan het totaal.", "verbeter het totaal of de sectoren van dat gebied en jaar.")
    rest["rest"] = rest["rest"].clip(lower=0)
    rest["base_year"] = rest["year"].map(base_of)
    split = rest.merge(structure, on=["base_year", "region_code"])
    split = split.assign(value_meur=split["share"] * split["rest"], estimated=True)
    out = pd.concat([published.assign(estimated=False), split[["year"] + COLUMNS]], ignore_index=True)
    return out[["year"] + COLUMNS]


def region_table(data: CanonicalData, year: int, table: pd.DataFrame | None = None) -> pd.DataFrame:
    """Value added of ``year`` for every region level and A10 code (million euro), with ``estimated``
    True for groups split from a published total. ``table``: ``all_years_table(data)``, if at hand."""
    if table is None:
        if year in full_detail_years(data):
            table = data.value_added[data.value_added["year"] == year].assign(estimated=False)
        else:
            s = linked_series(data)
            table = _split(data, s[s["year"] == year].rename(columns={"value": "value_meur"}))
    rows = table[table["year"] == year]
    if rows.empty:
        raise DataError(f"Geen regionale toegevoegde waarde voor {year}.",
                        f"kies een jaar voor de toegevoegde waarde uit "
                        f"{', '.join(map(str, va_years(data))) or 'geen'}.")
    return rows[COLUMNS].reset_index(drop=True)


def regional_value_added(data: CanonicalData, year: int, concordance: Concordance,
                         table: pd.DataFrame | None = None) -> pd.DataFrame:
    """COROP value added per allocation group (million euro), with ``estimated`` where any part of the
    group was split from a published total."""
    va = region_table(data, year, table)
    va = va[(va["region_level"] == "corop") & (va["industry_code"] != TOTAL)]
    va = va.assign(group=va["industry_code"].map(concordance.va_to_group))
    return (va.rename(columns={"region_code": "corop_code"})
            .groupby(["corop_code", "group"], as_index=False).agg(value_meur=("value_meur", "sum"),
                                                                 estimated=("estimated", "any")))


def totals(data: CanonicalData, year: int, table: pd.DataFrame | None = None) -> tuple[float, float]:
    """Netherlands' total and the extra-regio part of ``year`` (million euro)."""
    va = region_table(data, year, table)
    total = va[va["industry_code"] == TOTAL]
    nl = float(total.loc[total["region_level"] == "land", "value_meur"].sum())
    extra = float(total.loc[total["region_level"] == "extra", "value_meur"].sum())
    return nl, extra


def industry_codes(data: CanonicalData, year: int) -> list[str]:
    """The A10 codes value added of ``year`` comes in (for a split year: those of its full-detail year)."""
    return region_table(data, year)["industry_code"].unique().tolist()


def _pre_revision(data: CanonicalData, measure: str, region: str) -> pd.Series:
    """``measure`` of ``region``'s total per year, in the vintage before CBS's 2024 revision."""
    s = data.value_added_series
    s = s[(s["measure"] == measure) & (s["vintage"] == VOLUME_VINTAGE) & (s["region_code"] == region)
          & (s["industry_code"] == TOTAL)]
    return s.set_index("year")["value"].sort_index()


def division_factor(data: CanonicalData, region: str) -> tuple[int, float] | None:
    """The link year and ``region``'s total's factor (``division_links``), or None where there is none."""
    links = division_links(data)
    own = links[(links["region_code"] == region) & (links["industry_code"] == TOTAL)]
    if own.empty or float(own["factor"].iloc[0]) == 1.0:
        return None
    return int(own["link_year"].iloc[0]), float(own["factor"].iloc[0])


def _pre_revision_links(data: CanonicalData, region: str) -> list[tuple[int, float]]:
    """Where the pre-revision vintage of ``region``'s total changes COROP division: (the first year on the newer
    division, the factor linking the years before it). The changes inside the series (``breaks``) and the one at the
    first full-detail year, whose factor is the revised series' (``division_factor``): its years up to and including
    the link year follow the older division too."""
    own = breaks(data, VOLUME_VINTAGE)
    own = own[(own["region_code"] == region) & (own["industry_code"] == TOTAL)]
    links = [(int(b.break_year), float(b.factor)) for b in own.itertuples()]
    link = division_factor(data, region)
    return links + ([(link[0] + 1, link[1])] if link is not None else [])


def nominal_before_revision(data: CanonicalData, region: str) -> pd.Series:
    """Value added (million euro, current prices) of ``region`` per year in the vintage of ``volume_growth``: the
    nominal growth its real growth is to be compared with (the revised figures grow differently). Its years before a
    change of COROP division are linked to the newer one (``_pre_revision_links``), like the revised series."""
    values = _pre_revision(data, SERIES_MEASURE, region)
    for first_new, factor in _pre_revision_links(data, region):
        values = values.where(values.index >= first_new, values * factor)
    return values


def volume_growth(data: CanonicalData, region: str) -> pd.Series:
    """Real growth of value added (% on the year before) of ``region``, from the pre-revision vintage. The first year
    on a newer COROP division is compared with one on the older: it is divided by the link's factor
    (``_pre_revision_links``; the moved part taken to have had the region's price change)."""
    growth = _pre_revision(data, VOLUME_MEASURE, region)
    for first_new, factor in _pre_revision_links(data, region):
        growth = growth.where(growth.index != first_new, ((1 + growth / 100) / factor - 1) * 100)
    return growth
