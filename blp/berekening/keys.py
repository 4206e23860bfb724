"""Allocation keys: activity per allocation unit and group, on the report's boundaries.

An allocation unit is a gemeente of the report's boundary year *within one COROP region of the
value added's composition*: a gemeente formed from parts that the value added still counts in two
COROP regions (Weesp, part of Amsterdam since 2022, lies in Het Gooi en Vechtstreek in the 2018
figures) has one unit in each, and each part takes its share of its own COROP's value added.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

import pandas as pd

from blp.berekening.boundaries import BoundaryConversion, convert_to_boundaries, no_weights_error
from blp.berekening.concordance import TOTAL, Concordance
from blp.data.canonical import MEASURE_NL, UNASSIGNABLE_GEMEENTE, CanonicalData, formed_after  # noqa: F401 (MEASURE_NL: re-used)
from blp.errors import DataError



@dataclass
class Key:
    """A key table (gemeente_code, corop_code, group, key) and how it was built.

    ``activity`` holds the key's activity in its own unit (jobs, establishments) per unit and group;
    it equals ``table`` except where a group is allocated by another indicator (L by housing value).
    ``group_keys`` says per group what it is allocated by; ``fit`` holds the estimation diagnostics
    of an estimated key (``blp.berekening.jobs_key``).
    """

    name: str
    label_nl: str
    measure: str
    year: int
    by_industry: bool
    table: pd.DataFrame
    conversion: BoundaryConversion
    unassignable: float  # activity of GM0000 (not assignable to a gemeente), excluded
    activity: pd.DataFrame | None = None
    group_keys: dict[str, str] = field(default_factory=dict)
    fit: object = None
    own_va: pd.DataFrame | None = None  # value added on the key's own (coarser) grouping, if not the run's
    cell_notes: dict = field(default_factory=dict)  # (corop, group) -> how that cell deviates from group_keys
    density: object = None  # the job-density correction applied (blp.berekening.productivity), if any
    density_units: pd.DataFrame | None = None  # per unit: jobs, land area, relative density, factor
    blended: tuple[str, ...] = ()  # groups whose share averages the fitted jobs' and the establishments' (jobs_key)

    def key_of(self, group: str, corop: str | None = None) -> str:
        """What ``group`` is allocated by, in ``corop`` when given (a cell may deviate)."""
        base = self.group_keys.get(group, self.label_nl)
        note = self.cell_notes.get((corop, group))
        return f"{base}; {note}" if note else base

    def __post_init__(self) -> None:
        if self.activity is None:
            self.activity = self.table.rename(columns={"key": "value"})

    def activity_by_gemeente(self) -> pd.Series:
        """The key's activity per gemeente of the report's boundaries, all groups together."""
        return self.activity.groupby("gemeente_code")["value"].sum()


def nearest(years: list[int], target: int) -> int:
    """The year of ``years`` nearest to ``target``; on a tie the later one (newer figures)."""
    if not years:
        raise DataError(f"Geen jaar beschikbaar in de buurt van {target}.")
    return min(years, key=lambda y: (abs(y - target), -y))


def convertible(data: CanonicalData, year: int, boundary_year: int) -> bool:
    """Figures of ``year`` can be put on the boundaries of ``boundary_year``: the same year, weights from that year,
    or every gemeente of that year's figures is a gemeente of the boundary year already (no merger in between,
    as 2023 and 2024)."""
    return memo(data, "convertible", year, boundary_year, compute=lambda: _convertible(data, year, boundary_year))


def _convertible(data: CanonicalData, year: int, boundary_year: int) -> bool:
    if year == boundary_year or bool(
            ((data.boundary_changes["from_year"] == year) & (data.boundary_changes["to_year"] == boundary_year)).any()):
        return True
    codes = set(data.activity.loc[data.activity["year"] == year, "gemeente_code"].unique()) - {"GM0000"}
    codes |= set(data.indicators.loc[data.indicators["year"] == year, "gemeente_code"].unique())
    return bool(codes) and codes <= set(data.regions_of(boundary_year)["gemeente_code"].unique())


def convertible_years(data: CanonicalData, measure: str, boundary_year: int) -> list[int]:
    """The years of ``measure`` in the data that can be put on the boundaries of ``boundary_year``."""
    return [y for y in data.activity_years(measure) if convertible(data, y, boundary_year)]


def fitting_boundary_years(data: CanonicalData, years: list[int]) -> list[int]:
    """The data's boundary years onto which figures of at least one of ``years`` can be put (for a fix that names
    only boundaries the data can use)."""
    return [b for b in data.boundary_years() if any(convertible(data, y, b) for y in years)]


def composition_year(data: CanonicalData, va_year: int) -> int:
    """The boundary year whose COROP composition the value added of ``va_year`` follows: the nearest
    boundary year of the region table, the earlier one on a tie (CBS publishes regional accounts on the
    division of its release, which lags the gemeente mergers)."""
    return min(data.boundary_years(), key=lambda y: (abs(y - va_year), y))


_MEMO: dict[tuple, tuple[CanonicalData, object]] = {}


def memo(data: CanonicalData, name: str, *args, compute):
    """``compute()`` once per data set and arguments: a run converts the same years and builds the same
    seed many times (main key, sensitivity, series, back-test). The entry holds the data object itself,
    so a new data set never gets another's result."""
    ident = (id(data), name, *args)
    hit = _MEMO.get(ident)
    if hit is not None and hit[0] is data:
        return hit[1]
    if len(_MEMO) > 128:
        _MEMO.clear()
    value = compute()
    _MEMO[ident] = (data, value)
    return value


def corop_provinces(data: CanonicalData, composition: int) -> pd.Series:
    """COROP region -> its province, in the COROP composition of boundary year ``composition``."""
    return data.regions_of(composition).drop_duplicates("corop_code").set_index("corop_code")["provincie_code"]


class _UnitMap(NamedTuple):
    """Every gemeente code of a year -> (report-year gemeente, share of the code, COROP of the composition year), with
    the from-codes as a set and the codes formed after that year. Kept beside the frame, not in its ``attrs``, which
    pandas deep-copies on every operation on the frame and on what is merged from it."""

    frame: pd.DataFrame
    codes: frozenset
    formed_later: frozenset


def _unit_map(data: CanonicalData, year: int, boundary_year: int, composition: int) -> _UnitMap:
    """The unit map of ``year`` onto the allocation units of ``boundary_year`` in ``composition``'s COROP regions."""
    return memo(data, "unit_map", year, boundary_year, composition,
                compute=lambda: _build_unit_map(data, year, boundary_year, composition))


def _build_unit_map(data: CanonicalData, year: int, boundary_year: int, composition: int) -> _UnitMap:
    comp = data.regions_of(composition).set_index("gemeente_code")["corop_code"]
    report = data.regions_of(boundary_year).set_index("gemeente_code")["corop_code"]
    changes = data.boundary_changes
    weights = changes[(changes["from_year"] == year) & (changes["to_year"] == boundary_year)] \
        if year != boundary_year else changes.iloc[0:0]
    moved = weights[["from_code", "to_code", "share_of_from"]].rename(columns={"share_of_from": "share"})
    # a code formed after ``year`` out of others (Het Hogeland, GM1966, in 2019) did not exist then: figures of
    # ``year`` under it would be counted beside those of the gemeenten it was formed from
    formed_later = formed_after(weights).get(year, frozenset())
    same = pd.DataFrame({"from_code": report.index, "to_code": report.index, "share": 1.0})
    same = same[~same["from_code"].isin(set(moved["from_code"]) | formed_later)]
    m = pd.concat([moved, same], ignore_index=True)
    m["corop_code"] = m["from_code"].map(comp).fillna(m["to_code"].map(comp)).fillna(m["to_code"].map(report))
    m["moved"] = m["from_code"].isin(set(moved["from_code"]))
    return _UnitMap(m, frozenset(m["from_code"]), frozenset(formed_later))


def to_units(df: pd.DataFrame, value_cols: list[str], year: int, boundary_year: int, composition: int,
             data: CanonicalData) -> tuple[pd.DataFrame, BoundaryConversion]:
    """Bring ``df`` (gemeente codes of ``year``) onto allocation units: report-year gemeenten, each
    part in the COROP region it belongs to in the ``composition`` year (weights: ``boundary_changes``)."""
    unit_map = _unit_map(data, year, boundary_year, composition)
    m = unit_map.frame
    unknown = set(df["gemeente_code"].unique()) - unit_map.codes
    too_new = sorted(unknown & unit_map.formed_later)
    if too_new:
        raise DataError(
            f"Cijfers van {year} staan onder gemeentecode(s) die toen nog niet bestonden: {', '.join(too_new[:5])} "
            f"(later gevormd uit andere gemeenten); ze zouden naast die van hun voorgangers meetellen.",
            f"geef de cijfers van {year} onder de gemeentecodes van {year} (de gemeenten van toen), of laat die rijen weg.")
    if unknown:
        raise no_weights_error(unknown, year, boundary_year, data.boundary_changes, data.boundary_years())
    out = df.merge(m.rename(columns={"from_code": "gemeente_code"}), on="gemeente_code")
    conversion = BoundaryConversion(year, boundary_year)
    if year != boundary_year:
        conversion.remapped = (out.loc[out["moved"], ["gemeente_code", "to_code", "share"]].drop_duplicates()
                               .rename(columns={"gemeente_code": "from_code", "share": "share_of_from"})
                               .reset_index(drop=True))
    for col in value_cols:
        out[col] = out[col] * out["share"]
    out = out.drop(columns=["gemeente_code", "share", "moved"]).rename(columns={"to_code": "gemeente_code"})
    keys = [c for c in out.columns if c not in value_cols]
    return out.groupby(keys, as_index=False, sort=True)[value_cols].sum(), conversion


def _broadcast(per_unit: pd.DataFrame, groups: tuple[str, ...]) -> pd.DataFrame:
    return per_unit.merge(pd.DataFrame({"group": list(groups)}), how="cross")


def activity_rows(data: CanonicalData, measure: str, year: int) -> pd.DataFrame:
    rows = data.activity[(data.activity["measure"] == measure) & (data.activity["year"] == year)]
    if rows.empty:
        raise DataError(
            f"Geen {MEASURE_NL.get(measure, measure)} ({measure}) per gemeente voor {year} in de data ({data.source}).",
            f"kies een jaar voor de verdeelsleutel uit {data.activity_years(measure) or 'geen'}"
            + ("" if measure != "jobs" else ", of voeg een bestand met banen toe met --activity BESTAND"),
        )
    return rows


def has_industry_detail(data: CanonicalData, measure: str, year: int, concordance: Concordance) -> bool:
    """True when ``measure`` of ``year`` is given per industry for every allocation group (not only the
    total and a few groups, as the snapshot's jobs per gemeente)."""
    rows = data.activity[(data.activity["measure"] == measure) & (data.activity["year"] == year)]
    groups = {concordance.key_to_group.get(c, concordance.va_to_group.get(c)) for c in rows["industry_code"]}
    return set(concordance.groups) <= groups


def activity_key(data: CanonicalData, measure: str, year: int, boundary_year: int,
                 concordance: Concordance, by_industry: bool = True, composition: int | None = None) -> Key:
    """Activity of ``measure`` in ``year`` per allocation group (or its TOTAL for every group), as given
    in the data (no estimation)."""
    composition = boundary_year if composition is None else composition
    rows = activity_rows(data, measure, year)
    unassignable = float(rows.loc[(rows["gemeente_code"] == UNASSIGNABLE_GEMEENTE) & (rows["industry_code"] == TOTAL), "value"].sum())
    rows = rows[rows["gemeente_code"] != UNASSIGNABLE_GEMEENTE]
    if by_industry:
        rows = rows[rows["industry_code"] != TOTAL]
        unmapped = set(rows["industry_code"].unique()) - set(concordance.key_to_group)
        if unmapped:
            raise DataError(f"{measure} {year}: de bedrijfstakcodes {sorted(unmapped)} horen bij geen enkele groep "
                            "van de verdeling.")
        rows = rows.assign(group=rows["industry_code"].map(concordance.key_to_group))
        per = rows.groupby(["gemeente_code", "group"], as_index=False)["value"].sum()
    else:
        total = rows[rows["industry_code"] == TOTAL]
        if total.empty:
            total = rows.groupby("gemeente_code", as_index=False)["value"].sum()
        per = total[["gemeente_code", "value"]]
    per, conversion = to_units(per, ["value"], year, boundary_year, composition, data)
    if not by_industry:
        per = _broadcast(per, concordance.groups)
    table = per.rename(columns={"value": "key"})[["gemeente_code", "corop_code", "group", "key"]]
    nl = MEASURE_NL[measure]
    label = f"{nl} per sector ({year})" if by_industry else f"{nl} in totaal, zonder sectoren ({year})"
    name = f"{measure}_{year}" + ("" if by_industry else "_total")
    what = f"{nl} in de sector ({year})" if by_industry else f"{nl} in totaal ({year})"
    return Key(name, label, measure, year, by_industry, table, conversion, unassignable,
               group_keys={g: what for g in concordance.groups})


def activity_total(data: CanonicalData, measure: str, year: int, boundary_year: int) -> pd.Series:
    """Total activity of ``measure`` in ``year`` per gemeente of ``boundary_year`` (all industries)."""
    rows = activity_rows(data, measure, year)
    rows = rows[rows["gemeente_code"] != UNASSIGNABLE_GEMEENTE]
    total = rows[rows["industry_code"] == TOTAL]
    if total.empty:
        total = rows.groupby("gemeente_code", as_index=False)["value"].sum()
    targets = set(data.regions_of(boundary_year)["gemeente_code"])
    per, _ = convert_to_boundaries(total[["gemeente_code", "value"]], ["value"], year, boundary_year,
                                   data.boundary_changes, targets, boundary_years=data.boundary_years())
    return per.set_index("gemeente_code")["value"]


def population_series(data: CanonicalData, year: int, boundary_year: int) -> tuple[pd.Series, BoundaryConversion]:
    """Inhabitants per gemeente in ``year``, on the boundaries of ``boundary_year``."""
    rows = data.indicators[(data.indicators["indicator"] == "population") & (data.indicators["year"] == year)]
    if rows.empty:
        raise DataError(f"Geen inwonertallen voor {year}.",
                        f"kies een jaar voor de inwonertallen (population_year) uit "
                        f"{data.indicator_years('population') or 'geen'}.")
    targets = set(data.regions_of(boundary_year)["gemeente_code"])
    per, conversion = convert_to_boundaries(rows[["gemeente_code", "value"]], ["value"], year, boundary_year,
                                            data.boundary_changes, targets, boundary_years=data.boundary_years())
    series = per.set_index("gemeente_code")["value"]
    missing = sorted(g for g in targets if not series.get(g, 0) > 0)
    if missing:
        raise DataError(f"indicators.csv: geen inwonertal (population) van {year} voor {len(missing)} gemeente(n) van "
                        f"{boundary_year}, zoals {', '.join(missing[:5])}: hun BLP per inwoner zou niet te berekenen "
                        "zijn.",
                        "vul het inwonertal van die gemeenten aan, of kies een ander jaar (population_year).")
    return series, conversion


def population_key(data: CanonicalData, year: int, boundary_year: int, concordance: Concordance,
                   composition: int | None = None) -> Key:
    """Inhabitants as the key for every group: a residence-based alternative."""
    composition = boundary_year if composition is None else composition
    rows = data.indicators[(data.indicators["indicator"] == "population") & (data.indicators["year"] == year)]
    if rows.empty:
        raise DataError(f"Geen inwonertallen voor {year}.",
                        f"kies een jaar voor de inwonertallen (population_year) uit "
                        f"{data.indicator_years('population') or 'geen'}.")
    per, conversion = to_units(rows[["gemeente_code", "value"]], ["value"], year, boundary_year, composition, data)
    table = _broadcast(per.rename(columns={"value": "key"}), concordance.groups)[["gemeente_code", "corop_code", "group", "key"]]
    return Key(f"population_{year}", f"inwoners ({year})", "population", year, False, table, conversion, 0.0,
               group_keys={g: f"inwoners ({year})" for g in concordance.groups})
