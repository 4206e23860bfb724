"""The canonical tables every source is turned into; the calculation only sees these."""

from __future__ import annotations

import gzip
import hashlib
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from blp.data.shapes import Shapes
from blp.dutch import num
from blp.errors import DataError

# Column order of each canonical table. Codes are strings: GMxxxx, CRxx, PVxx, NL01, EXTRA.
COLUMNS: dict[str, list[str]] = {
    # gemeente -> COROP -> provincie, one row per gemeente per boundary year
    "regions": ["year", "gemeente_code", "gemeente_name", "corop_code", "corop_name",
                "provincie_code", "provincie_name"],
    # gross value added at basic prices, million euro, current prices
    "value_added": ["year", "region_code", "region_level", "industry_code", "value_meur"],
    # activity per gemeente x industry (measure: establishments or jobs), on the year's boundaries
    "activity": ["year", "gemeente_code", "industry_code", "measure", "value"],
    # employee jobs per COROP x industry (NaN where suppressed)
    "regional_jobs": ["year", "corop_code", "industry_code", "jobs"],
    # gemeente indicators in long form, on the year's boundaries
    "indicators": ["year", "gemeente_code", "indicator", "value", "unit"],
    # share of a from-gemeente's addresses that lies in a to-gemeente
    "boundary_changes": ["from_year", "from_code", "to_year", "to_code", "share_of_from"],
    # industry codes with the SBI sections they cover (';'-separated)
    "industries": ["industry_code", "label_nl", "sbi_sections"],
    # regional accounts per year (value added in million euro, ...), possibly few industries;
    # provisional: CBS marks the year with '*'; vintage: the release the figures come from
    "value_added_series": ["year", "region_code", "region_level", "industry_code", "measure", "value",
                           "provisional", "vintage"],
}
OPTIONAL = {"value_added_series"}

UNASSIGNABLE_GEMEENTE = "GM0000"
EMBEDDED_SOURCE = "snapshot:ingebouwd"  # ``CanonicalData.source`` of the snapshot shipped inside the package
TOTAL = "TOTAL"  # the industry code of all activities together
REGION_LEVELS = {"land", "provincie", "corop", "extra"}
MEASURES = {"establishments", "jobs"}
MEASURE_NL = {"establishments": "vestigingen", "jobs": "banen", "population": "inwoners"}  # measure -> Dutch word
# CBS rounds employee jobs per gemeente to hundreds: below this many jobs the rounding moves a gemeente's figures
# visibly (its share of the region, its growth, jobs per inhabitant), which the reports say where they show them
ROUNDED_JOBS = 10_000
# CBS publishes employee jobs in thousands with one decimal, so each figure is rounded to 100 jobs and one published as
# 0 means fewer than 50. A user's own file (LISA) counts every job: its figures are taken as exact.
JOBS_ROUNDING = 100


@dataclass(frozen=True)
class InputFile:
    """One input as read: what it is, where it came from, and its checksum."""

    table: str
    path: str
    sha256: str          # of the content (decompressed for a .gz file)
    rows: int
    source: str
    licence: str = ""

    def as_dict(self) -> dict:
        return dict(self.__dict__)


@dataclass
class CanonicalData:
    """All inputs of a run in canonical form, plus where they came from."""

    regions: pd.DataFrame
    value_added: pd.DataFrame
    activity: pd.DataFrame
    regional_jobs: pd.DataFrame
    indicators: pd.DataFrame
    boundary_changes: pd.DataFrame
    industries: pd.DataFrame
    source: str
    inputs: list[InputFile] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    value_added_series: pd.DataFrame | None = None
    shapes: Shapes = field(default_factory=Shapes)   # gemeente shapes for maps; empty when the data have none
    # measure -> year -> the user's own file (--activity) its figures come from: the key year defaults to those years
    own_activity: dict[str, dict[int, str]] = field(default_factory=dict)
    # (indicator, year) pairs the source marks provisional (CBS: '2024*', 'voorlopig'): the reports say so
    provisional_indicators: set[tuple[str, int]] = field(default_factory=set)

    def __post_init__(self) -> None:
        for name, columns in COLUMNS.items():
            if name in OPTIONAL and getattr(self, name) is None:
                setattr(self, name, pd.DataFrame(columns=columns))
            setattr(self, name, _conform(getattr(self, name), name, columns))
        _check_codes(self)

    # Convenience views -------------------------------------------------
    def activity_file(self, measure: str, year: int) -> str:
        """The file the activity of ``measure`` in ``year`` was read from, for messages."""
        return self.own_activity.get(measure, {}).get(year) or \
            {"jobs": "jobs_gemeente.csv", "establishments": "establishments.csv"}[measure]

    def rounding(self, measure: str, year: int) -> int | None:
        """The unit the figures of ``measure`` in ``year`` are rounded to (CBS's jobs: 100); None where they are
        taken as exact (a user's own file, and establishments, whose rounding the calculation does not use)."""
        return JOBS_ROUNDING if measure == "jobs" and not self.own_activity.get(measure, {}).get(year) else None

    def boundary_years(self) -> list[int]:
        return sorted(int(y) for y in self.regions["year"].unique())

    def regions_of(self, year: int) -> pd.DataFrame:
        return self.regions[self.regions["year"] == year].reset_index(drop=True)

    def activity_years(self, measure: str) -> list[int]:
        rows = self.activity[self.activity["measure"] == measure]
        return sorted(int(y) for y in rows["year"].unique())

    def value_added_years(self) -> list[int]:
        return sorted(int(y) for y in self.value_added["year"].unique())

    def indicator_years(self, indicator: str) -> list[int]:
        rows = self.indicators[self.indicators["indicator"] == indicator]
        return sorted(int(y) for y in rows["year"].unique())

    def latest_complete(self, indicator: str, codes: set[str]) -> tuple[pd.Series, int | None]:
        """``indicator`` by gemeente in the newest year that has exactly the gemeenten ``codes`` (so the
        values are on those boundaries), and that year; an empty series and None if no year has."""
        rows = self.indicators[self.indicators["indicator"] == indicator]
        for year in sorted(rows["year"].unique(), reverse=True):
            year_rows = rows[rows["year"] == year]
            if set(year_rows["gemeente_code"].unique()) == codes:
                return year_rows.set_index("gemeente_code")["value"], int(year)
        return pd.Series(dtype=float), None

    def industry_sections(self) -> dict[str, tuple[str, ...]]:
        return {r.industry_code: tuple(r.sbi_sections.split(";")) for r in self.industries.itertuples()}

    def industry_labels(self) -> dict[str, str]:
        return dict(zip(self.industries["industry_code"], self.industries["label_nl"]))


# Numeric columns that must not be negative (counts, money, shares); value_added_series holds % changes too.
NON_NEGATIVE = {"value_meur", "jobs", "share_of_from"}
# Columns of counts and amounts that CBS publishes as whole numbers: three decimals there are a thousands separator
COUNT_COLUMNS = {"value_meur", "jobs", "establishments"}
WHOLE_COLUMNS = {"establishments"}  # counts of establishments: whole numbers (jobs per COROP are in thousands)
TABLE_FILES = {"regions": "regions.csv", "value_added": "value_added.csv", "activity": "establishments.csv / "
               "jobs_gemeente.csv / --activity", "regional_jobs": "jobs_corop.csv", "indicators": "indicators.csv",
               "boundary_changes": "boundary_changes.csv", "industries": "industries.csv",
               "value_added_series": "value_added_series.csv"}


MAX_COUNT = 1e9  # jobs, establishments, million euro: the Netherlands has ~10 million jobs and ~1 million million euro
DUTCH_THOUSANDS = r"[1-9]\d{0,2}(\.\d{3})+"  # 3.811 or 12.345.678: a Dutch thousands separator, not a decimal


def check_numbers(df: pd.DataFrame, col: str, label: str, non_negative: bool = True) -> None:
    """Refuse a column of one input file (``label``) whose cells do not parse, are infinite or negative,
    naming the file, row and column (used per file, before files are combined into one table)."""
    raw = df[col].reset_index(drop=True)
    values = pd.to_numeric(raw, errors="coerce")
    text = raw.astype(str).str.strip()
    frame = pd.DataFrame({col: raw})
    unparsed = values.isna() & raw.notna() & (text != "") & (text.str.lower() != "nan")
    if unparsed.any():
        raise _bad_cell(label, frame, unparsed, col, "geen getal",
                        "gebruik een punt voor decimalen en geen scheidingstekens voor duizendtallen (1234.5); laat "
                        "een cel leeg als er geen waarde is.")
    if np.isinf(values).any():
        raise _bad_cell(label, frame, pd.Series(np.isinf(values)), col, "geen eindig getal",
                        "vul de waarde zelf in.")
    if col in COUNT_COLUMNS:
        huge = values.abs() >= MAX_COUNT
        if huge.any():
            raise _bad_cell(label, frame, huge, col, "een miljard of meer: geen aantal banen of vestigingen en geen "
                            "bedrag in miljoenen euro dat in Nederland kan bestaan",
                            "verbeter de rij (een verkeerde eenheid, of een verschoven kolom?).")
        dutch = text.str.fullmatch(DUTCH_THOUSANDS)
        if dutch.any():
            raise _bad_cell(label, frame, dutch, col, "lijkt een getal met een punt als scheidingsteken voor "
                            "duizendtallen",
                            "schrijf aantallen en bedragen zonder scheidingstekens (3811, niet 3.811).")
    if non_negative and (values < 0).any():
        raise _bad_cell(label, frame, values < 0, col, "negatief",
                        "deze cijfers kunnen niet negatief zijn; verbeter de rij.")
    if col in WHOLE_COLUMNS and (values.notna() & (values != values.round())).any():
        raise _bad_cell(label, frame, values.notna() & (values != values.round()), col, "geen heel getal",
                        "vestigingen tel je in hele getallen; verbeter de rij.")


YEARS = (1900, 2100)  # the years any figure of the kit can be about; outside: a shifted or swapped column


PROVISIONAL_MARK = r"provisional|voorlopig|\b\d{4}\*"  # how a source column says its figures are provisional


def provisional_rows(df: pd.DataFrame) -> set[tuple[str, int]]:
    """The (indicator, year) pairs whose ``source`` says provisional (a tidy file has no other place for it)."""
    if "source" not in df.columns or not {"indicator", "year"} <= set(df.columns):
        return set()
    sources = df["source"].astype(str)
    said = [t for t in sources.unique() if re.search(PROVISIONAL_MARK, t, re.IGNORECASE)]  # few distinct sources
    marked = df.loc[sources.isin(said), ["indicator", "year"]].drop_duplicates()
    years = pd.to_numeric(marked["year"], errors="coerce")
    return {(str(i), int(y)) for i, y in zip(marked["indicator"], years) if pd.notna(y)}


def check_years(df: pd.DataFrame, col: str, label: str) -> pd.Series:
    """A year column of one input as whole numbers; an empty or non-whole year is an error naming the row."""
    years = pd.to_numeric(df[col], errors="coerce").reset_index(drop=True)
    bad = years.isna() | (years != years.round())
    if bad.any():
        raise _bad_cell(label, df.reset_index(drop=True), bad, col, "geen heel jaartal",
                        "schrijf het jaar in vier cijfers, bijvoorbeeld 2019.")
    odd = (years < YEARS[0]) | (years > YEARS[1])
    if odd.any():
        raise _bad_cell(label, df.reset_index(drop=True), odd, col, f"geen jaartal tussen {YEARS[0]} en {YEARS[1]}",
                        "kijk of de kolommen verschoven of verwisseld zijn; schrijf het jaar in vier cijfers.")
    return pd.Series(years.astype("int64").to_numpy(), index=df.index)


# Spellings of a yes/no cell ('provisional', 'suppressed', 'derived'): what CBS, pandas and spreadsheets write
FLAG_VALUES = {"true": True, "1": True, "1.0": True, "*": True,
               "false": False, "0": False, "0.0": False, "": False, "nan": False}


def check_flags(df: pd.DataFrame, col: str, label: str) -> pd.Series:
    """A yes/no column of one input file as booleans; a cell that is neither (say 'yes' or 'ja', which could
    mean either to whoever wrote it) is an error naming the file, row and column."""
    cells = df[col].astype(object).where(df[col].notna(), "")  # a column of a few distinct values: map those
    meaning = {v: FLAG_VALUES.get(str(v).strip().lower()) for v in pd.unique(cells)}
    flags = cells.map(meaning).reset_index(drop=True)
    bad = flags.isna()
    if bad.any():
        raise _bad_cell(label, pd.DataFrame({col: df[col].reset_index(drop=True)}), bad, col, "geen ja/nee-waarde",
                        "schrijf True of False (of laat de cel leeg voor False).")
    return pd.Series(flags.astype(bool).to_numpy(), index=df.index)


def _bad_cell(name: str, df: pd.DataFrame, mask: pd.Series, col: str, what: str, fix: str) -> DataError:
    """An error naming the input, the row (as in the file: header = row 1) and the column of the first bad cell."""
    i = int(mask.to_numpy().nonzero()[0][0])
    value = df[col].iloc[i]
    shown = "een lege cel" if pd.isna(value) or not str(value).strip() else f"waarde {str(value)[:40]!r}"
    return DataError(f"{TABLE_FILES.get(name, name)}, rij {i + 2}, kolom '{col}': {what} ({shown}).", fix)


def _conform(df: pd.DataFrame, name: str, columns: list[str]) -> pd.DataFrame:
    """The table's columns in canonical types, strictly: a cell that does not parse, an infinite or (where it
    must not be) negative number, or an empty year is an error naming the row and the column."""
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise DataError(
            f"In {TABLE_FILES.get(name, name)} ontbreken kolommen: {', '.join(missing)}.",
            "het bestand volgt docs/data-schema.md niet; voeg de kolom(men) toe met de kolomnaam bovenaan.",
        )
    df = df[columns].reset_index(drop=True).copy()
    for col in columns:
        if col in ("year", "from_year", "to_year"):
            df[col] = check_years(df, col, name)
        elif col in ("value_meur", "value", "jobs", "share_of_from"):
            check_numbers(df, col, TABLE_FILES.get(name, name), non_negative=col in NON_NEGATIVE)
            df[col] = pd.to_numeric(df[col], errors="coerce").astype("float64")
        elif col == "provisional":
            df[col] = check_flags(df, col, name)
        else:
            df[col] = df[col].astype(str)
    return df


def _check_codes(data: CanonicalData) -> None:
    bad_levels = set(data.value_added["region_level"].unique()) - REGION_LEVELS
    if bad_levels:
        raise DataError(f"value_added.csv heeft onbekende waarde(n) in region_level: {sorted(bad_levels)}.",
                        f"gebruik een van: {', '.join(sorted(REGION_LEVELS))}.")
    bad_measures = set(data.activity["measure"].unique()) - MEASURES
    if bad_measures:
        raise DataError(f"De activiteitengegevens hebben onbekende waarde(n) in measure: {sorted(bad_measures)}.",
                        "gebruik establishments of jobs.")
    known = set(data.industries["industry_code"])
    for name in ("value_added", "activity", "regional_jobs"):
        unknown = set(getattr(data, name)["industry_code"].unique()) - known
        if unknown:
            raise DataError(
                f"{TABLE_FILES.get(name, name)} gebruikt bedrijfstakcode(s) {sorted(unknown)} die niet in de lijst van "
                "bedrijfstakken staan.",
                "voeg ze toe aan industries.csv met hun SBI-secties, of hercodeer de invoer.",
            )
    for name, col in (("regions", "gemeente_code"), ("activity", "gemeente_code"), ("indicators", "gemeente_code")):
        codes = pd.Series(getattr(data, name)[col].unique(), dtype="str")
        bad = codes[~codes.str.fullmatch(r"GM\d{4}")]
        if len(bad):
            raise DataError(f"{TABLE_FILES.get(name, name)} heeft onjuiste gemeentecode(s), zoals {bad.iloc[0]!r}.",
                            "een gemeentecode is GM met vier cijfers erachter, bijvoorbeeld GM0917.")
    keys = {"activity": ["year", "gemeente_code", "industry_code", "measure"],
            "value_added": ["year", "region_code", "industry_code"],
            "indicators": ["year", "gemeente_code", "indicator"],
            "regions": ["year", "gemeente_code"],
            "regional_jobs": ["year", "corop_code", "industry_code"],
            "boundary_changes": ["from_year", "from_code", "to_year", "to_code"],
            "value_added_series": ["year", "region_code", "industry_code", "measure", "vintage"]}
    for name, key in keys.items():
        dup = getattr(data, name).duplicated(key)
        if dup.any():
            row = getattr(data, name)[dup].iloc[0]
            where = ", ".join(f"{k} {row[k].item() if hasattr(row[k], 'item') else row[k]}" for k in key)
            raise DataError(f"{TABLE_FILES.get(name, name)} heeft meer dan één rij voor {where}.",
                            "haal de dubbele rijen weg.")
    _check_names(data)
    _check_regions_and_weights(data)
    _check_sector_sums(data.value_added)  # a region against itself first: the most local mistake
    _check_corop_sums(data)
    _check_national_sums(data)
    _check_series(data)
    _check_indicator_ranges(data.indicators)


def known_gemeenten(regions: pd.DataFrame, boundary_changes: pd.DataFrame) -> set[str]:
    """Every gemeente code the region lists or the boundary changes know, and GM0000 (CBS's 'not assignable')."""
    return (set(regions["gemeente_code"].astype(str)) | set(boundary_changes["from_code"].astype(str))
            | set(boundary_changes["to_code"].astype(str)) | {UNASSIGNABLE_GEMEENTE})


WHOLE_SHARE = 0.999  # a share of a gemeente's addresses that is all of it (rounding aside)


def formed_after(boundary_changes: pd.DataFrame) -> dict[int, frozenset[str]]:
    """Per year: the gemeente codes the boundary changes form later out of others (Het Hogeland, GM1966, for 2018):
    figures of that year under such a code would count beside those of the gemeenten it was formed from. Such a
    code is a target only, and takes in at least one whole gemeente (every new gemeente since 2016 did); a target
    that only takes a part of another is an existing gemeente left unlisted ("not listed: unchanged")."""
    out = {}
    for (year, _), changes in boundary_changes.groupby(["from_year", "to_year"]):
        whole = changes.loc[pd.to_numeric(changes["share_of_from"], errors="coerce") >= WHOLE_SHARE, "to_code"]
        new = frozenset(whole.astype(str)) - frozenset(changes["from_code"].astype(str))
        out[int(year)] = out.get(int(year), frozenset()) | new
    return out


def dissolved_after(boundary_changes: pd.DataFrame, regions: pd.DataFrame) -> dict[str, tuple[int, str]]:
    """Gemeente codes the boundary changes dissolve: code -> (the last year it existed, the gemeente that took most
    of it). Such a code is listed in the weights up to a year and maps wholly to others (Onderbanken, GM0881: listed
    up to 2018, into Beekdaelen, GM1954); figures under it for a later year belong to a gemeente that no longer
    existed."""
    listed = regions.assign(year=pd.to_numeric(regions["year"], errors="coerce")).groupby(
        regions["gemeente_code"].astype(str))["year"].max()  # the last region list each gemeente is in
    rows = pd.DataFrame({"code": boundary_changes["from_code"].astype(str),
                         "to": boundary_changes["to_code"].astype(str),
                         "year": pd.to_numeric(boundary_changes["from_year"], errors="coerce"),
                         "share": pd.to_numeric(boundary_changes["share_of_from"], errors="coerce")})
    keeps = set(rows.loc[rows["code"] == rows["to"], "code"])  # a gemeente that keeps (part of) itself
    rows = rows[~rows["code"].isin(keeps)]
    last = rows.groupby("code")["year"].transform("max")
    latest = rows[rows["year"] == last].sort_values("share", ascending=False, kind="mergesort").drop_duplicates("code")
    latest = latest[~(latest["code"].map(listed).fillna(-np.inf) > latest["year"])]  # not in a later region list
    return {c: (int(y), t) for c, y, t in zip(latest["code"], latest["year"], latest["to"])}


def check_known_gemeenten(df: pd.DataFrame, label: str, known: set[str],
                          too_new: dict[int, frozenset[str]] | None = None,
                          gone: dict[str, tuple[int, str]] | None = None) -> None:
    """Refuse a file (``label``) with a gemeente code that no region list or boundary change knows, naming the row as
    in the file: a mistyped code would otherwise drop its figures from the allocation without a word, and the
    gemeente it belongs to would get a BLP from the rest. (For a user's files; CBS's own tables carry codes of
    years the region lists do not cover.)"""
    codes = df["gemeente_code"].fillna("").astype(str).reset_index(drop=True)
    unknown = ~codes.isin(known)
    if unknown.any():
        raise _bad_cell(label, pd.DataFrame({"gemeente_code": codes}), unknown, "gemeente_code",
                        f"een gemeentecode die in geen enkel jaar van regions.csv of boundary_changes.csv voorkomt "
                        f"({int(unknown.sum())} rij(en) met zo'n code)",
                        "verbeter de code (een tikfout?), of voeg de gemeente toe aan regions.csv en, als ze is "
                        "opgeheven of samengevoegd, aan boundary_changes.csv.")
    years = pd.to_numeric(df["year"], errors="coerce").reset_index(drop=True) if "year" in df else None
    if gone and years is not None:
        last = codes.map({c: y for c, (y, _) in gone.items()}).fillna(np.inf)
        after = years > last
        if after.any():
            i = int(after.to_numpy().nonzero()[0][0])
            year, into = gone[codes[i]]
            raise _bad_cell(label, pd.DataFrame({"gemeente_code": codes}), after, "gemeente_code",
                            f"een gemeentecode die in {int(years[i])} niet meer bestond (volgens de "
                            f"herindelingsgewichten na {year} opgegaan in {into})",
                            f"geef de cijfers van {int(years[i])} onder de gemeentecodes van dat jaar ({into}), of "
                            f"laat de rij weg; bestond de gemeente in {int(years[i])} nog, zet haar dan in de "
                            f"herindelingsgewichten van {int(years[i])} (from_year).")
    if too_new and years is not None:
        pairs = [(year, code) for year, new in too_new.items() for code in new]
        later = pd.Series(pd.MultiIndex.from_arrays([years, codes]).isin(pairs))
        if later.any():
            i = int(later.to_numpy().nonzero()[0][0])
            raise _bad_cell(label, pd.DataFrame({"gemeente_code": codes}), later, "gemeente_code",
                            f"een gemeentecode die in {int(years[i])} nog niet bestond (later gevormd uit andere "
                            "gemeenten; de cijfers zouden naast die van haar voorgangers meetellen). Dat zeggen de "
                            "herindelingsgewichten: daar krijgt ze hele gemeenten en staat ze zelf niet als oude "
                            "gemeente (from_code)",
                            f"geef de cijfers van {int(years[i])} onder de gemeentecodes van dat jaar, of laat de rij weg; "
                            "bestond de gemeente toen wel, zet haar dan in de herindelingsgewichten ook als oude "
                            "gemeente, met haar eigen aandeel.")


def check_weight_codes(changes: pd.DataFrame, activity: pd.DataFrame, label: str,
                       activity_label: str = "establishments.csv") -> None:
    """Refuse boundary weights (file ``label``) whose old gemeente is not a gemeente of its year: where the activity
    data (``activity``: year, gemeente_code; CBS's cover every gemeente) have that year, every from_code of it is
    among their codes. A mistyped code would otherwise leave the real gemeente unlisted, and its figures would
    be blamed on the gemeente it points to."""
    if not {"from_year", "from_code"} <= set(changes.columns) or not {"year", "gemeente_code"} <= set(activity.columns):
        return
    years = pd.to_numeric(changes["from_year"], errors="coerce").reset_index(drop=True)
    codes = changes["from_code"].fillna("").astype(str).reset_index(drop=True)
    present = activity.assign(year=pd.to_numeric(activity["year"], errors="coerce"))
    have = set(zip(present["year"], present["gemeente_code"].astype(str)))
    covered = years.isin(set(present["year"].dropna()))
    unknown = covered & ~pd.Series([(y, c) in have for y, c in zip(years, codes)])
    if unknown.any():
        i = int(unknown.to_numpy().nonzero()[0][0])
        raise _bad_cell(label, pd.DataFrame({"from_code": codes}), unknown, "from_code",
                        f"een oude gemeente van {int(years[i])} die in de vestigingen van {int(years[i])} "
                        f"({activity_label}) niet voorkomt",
                        "verbeter de from_code (een tikfout?): het is de code die de gemeente in from_year had.")


# Rounding lets a province's published value added differ a little from the sum of its COROP regions (the snapshot
# matches to the million); more than this is a typo in one of them, which the allocation would carry silently.
SUM_TOLERANCE_MEUR, SUM_TOLERANCE_SHARE = 3.0, 0.005


def _check_corop_sums(data: CanonicalData, va: pd.DataFrame | None = None, source: str = "value_added.csv") -> None:
    """The value added of a province's COROP regions adds up to the province's own, per year and group, where the
    data hold both and every COROP region of the province (``va``: another table of value added, ``source`` its
    name in the message)."""
    va = data.value_added if va is None else va
    corop, prov = va[va["region_level"] == "corop"], va[va["region_level"] == "provincie"]
    if corop.empty or prov.empty:
        return
    pairs = data.regions[["corop_code", "provincie_code"]].drop_duplicates()
    members = pairs.groupby("provincie_code")["corop_code"].nunique()
    c = corop.merge(pairs, left_on="region_code", right_on="corop_code")
    sums = c.groupby(["year", "provincie_code", "industry_code"]).agg(total=("value_meur", "sum"),
                                                                      n=("corop_code", "nunique"))
    own = prov.set_index(["year", "region_code", "industry_code"])["value_meur"]
    own.index = own.index.set_names(sums.index.names)
    both = sums.join(own.rename("published"), how="inner")
    both = both[both["n"] == both.index.get_level_values("provincie_code").map(members).to_numpy()]
    off = (both["total"] - both["published"]).abs() > np.maximum(SUM_TOLERANCE_MEUR,
                                                              SUM_TOLERANCE_SHARE * both["published"].abs())
    if off.any():
        (year, code, group), row = next(iter(both[off].iterrows()))
        name = dict(zip(data.regions["provincie_code"], data.regions["provincie_name"])).get(code, "")
        province = f"{name} ({code})" if name else code
        raise DataError(f"{source} ({year}, {group}): de COROP-gebieden van provincie {province} hebben samen "
                        f"{num(row['total'])} miljoen euro toegevoegde waarde, de provincie zelf "
                        f"{num(row['published'])} miljoen: een van die rijen klopt niet.",
                        f"vergelijk de rijen van {code} en haar COROP-gebieden voor {group} in {year} met de bron "
                        "(CBS, regionale rekeningen) en verbeter de afwijkende.")


# A region's implied price change of value added (nominal change / volume change), % a year: measured from -10 % to
# +27 % (Groningen's gas, 2022) in 84432NED; a volume change outside it is a typo (7,1 typed as 71,0).
SERIES_PRICE_RANGE = (-30.0, 50.0)


def _check_series(data: CanonicalData) -> None:
    """The series of value added (every vintage): no year after this one, the regions add up per year as in
    value_added.csv (a typo in one year would otherwise move that year's BLP of every gemeente of the region), and
    each volume change lies above -100 % and implies a possible price change."""
    series = data.value_added_series
    if series is None or series.empty:
        return
    this_year = date.today().year
    future = (series["year"] > this_year).reset_index(drop=True)
    if future.any():
        raise _bad_cell("value_added_series", series, future, "year", f"een jaar na {this_year}",
                        "haal de rijen van jaren die nog niet voorbij zijn weg, of verbeter het jaar.")
    known = {"corop": set(data.regions["corop_code"]), "provincie": set(data.regions["provincie_code"])}
    unknown = pd.Series([code not in known.get(level, {code}) for level, code in
                         zip(series["region_level"], series["region_code"])])
    if unknown.any():  # a region no gemeente lies in would be left out of every sum and year without a word
        raise _bad_cell("value_added_series", series, unknown, "region_code",
                        "een COROP-gebied of provincie die in regions.csv niet voorkomt",
                        "verbeter de code (CR of PV met twee cijfers), of haal de rij weg.")
    nominal = series[series["measure"] == "va_basic_prices"]
    for vintage, part in nominal.groupby("vintage", sort=False):
        part = part.rename(columns={"value": "value_meur"})
        source = f"value_added_series.csv ({vintage})"
        _check_corop_sums(data, part, source)
        _check_national_sums(data, part, source)
    _check_volume_changes(series, nominal)


def _check_volume_changes(series: pd.DataFrame, nominal: pd.DataFrame) -> None:
    """A volume change of −100 % or less, or one that with the year's nominal change implies a price change outside
    ``SERIES_PRICE_RANGE`` (a region's total; extra-regio, the continental shelf's gas, swings more), names its row."""
    volume = series["measure"] == "va_volume_change"
    below = (volume & (series["value"] <= -100)).reset_index(drop=True)
    if below.any():
        raise _bad_cell("value_added_series", series, below, "value",
                        "een volumeverandering van −100% of minder (de hele toegevoegde waarde weg, of meer)",
                        "verbeter de waarde: een volumeverandering staat in procenten op het jaar ervoor.")
    key = ["vintage", "region_code", "industry_code", "year"]
    level = nominal.set_index(key)["value"]
    before = nominal.assign(year=nominal["year"] + 1).set_index(key)["value"]
    rows = series[volume & (series["industry_code"] == "TOTAL") & (series["region_level"] != "extra")]
    index = pd.MultiIndex.from_frame(rows[key])
    growth = level.reindex(index).to_numpy() / before.reindex(index).to_numpy()
    price = pd.Series((growth / (1 + rows["value"].to_numpy() / 100) - 1) * 100, index=rows.index)
    low, high = SERIES_PRICE_RANGE
    off = pd.Series(False, index=series.index)
    off.loc[rows.index] = (price < low) | (price > high)
    off = off.reset_index(drop=True)
    if off.any():
        i = int(off.to_numpy().nonzero()[0][0])
        r = series.iloc[i]
        p = float(price[series.index[i]])
        raise _bad_cell("value_added_series", series, off, "value",
                        f"de volumeverandering van {r.region_code} in {r.year} zou met de nominale groei van dat jaar een "
                        f"prijsverandering van {num(p, 1)}% geven, buiten {num(low)}% tot +{num(high)}% (gemeten is −10% tot +27%)",
                        "verbeter de volumeverandering of de toegevoegde waarde van dat jaar of het jaar ervoor "
                        "(een tikfout of een verschoven komma?).")


# What an indicator's unit allows: a percentage lies in 0..100, counts, amounts, areas and densities are not negative,
# the urbanity class is 1 to 5. A value outside is a typo or a shifted column, and report 3 would rank it.
UNIT_RANGES = {"pct": (0.0, 100.0), "count": (0.0, np.inf), "eur": (0.0, np.inf), "ha": (0.0, np.inf),
               "per_km2": (0.0, np.inf), "class_1_5": (1.0, 5.0)}


def _check_indicator_ranges(indicators: pd.DataFrame) -> None:
    """Refuse an indicator value its unit does not allow, naming the row."""
    low = indicators["unit"].map({u: r[0] for u, r in UNIT_RANGES.items()}).fillna(-np.inf)
    high = indicators["unit"].map({u: r[1] for u, r in UNIT_RANGES.items()}).fillna(np.inf)
    bad = ((indicators["value"] < low) | (indicators["value"] > high)).reset_index(drop=True)
    if bad.any():
        r = indicators.iloc[int(bad.to_numpy().nonzero()[0][0])]
        lo, hi = UNIT_RANGES[r.unit]
        allowed = f"tussen {num(lo)} en {num(hi)}" if np.isfinite(hi) else f"op {num(lo)} of hoger"
        raise _bad_cell("indicators", indicators, bad, "value",
                        f"{r.indicator} van {r.gemeente_code} in {r.year} is {num(r.value)}, maar een waarde in "
                        f"'{r.unit}' ligt {allowed}",
                        "verbeter de waarde (een tikfout, of een verschoven kolom?) of haal de rij weg.")


def _sum_tolerance(published: pd.Series, parts: int) -> pd.Series:
    """How far a sum of ``parts`` rounded figures may lie from a published total: each part rounded to the million."""
    return np.maximum(max(SUM_TOLERANCE_MEUR, 0.5 * parts), SUM_TOLERANCE_SHARE * published.abs())


def _check_sector_sums(va: pd.DataFrame) -> None:
    """A region's sectors add up to its own TOTAL (every region has every sector and TOTAL: checked before)."""
    total = va[va["industry_code"] == TOTAL].set_index(["year", "region_code"])["value_meur"]
    parts = va[va["industry_code"] != TOTAL]
    summed = parts.groupby(["year", "region_code"])["value_meur"].sum().reindex(total.index)
    n = parts.groupby(["year", "region_code"]).size().reindex(total.index)
    off = (summed - total).abs() > _sum_tolerance(total, int(n.max()) if len(n) else 0)
    if off.any():
        year, region = off[off].index[0]
        raise DataError(f"value_added.csv ({year}, {region}): de bedrijfstakken tellen op tot "
                        f"{num(summed[(year, region)])} miljoen euro, de rij {TOTAL} zegt {num(total[(year, region)])} "
                        "miljoen: een van die rijen klopt niet.",
                        f"vergelijk de rijen van {region} in {year} met de bron (CBS, regionale rekeningen) en verbeter "
                        "de afwijkende.")


def _check_national_sums(data: CanonicalData, va: pd.DataFrame | None = None, source: str = "value_added.csv") -> None:
    """The provinces (or, without province rows, the COROP regions) and the extra-regio add up to Nederland, per
    year and group, where the data hold all of them (``va``, ``source``: as ``_check_corop_sums``)."""
    va = data.value_added if va is None else va
    land = va[va["region_level"] == "land"].set_index(["year", "industry_code"])["value_meur"]
    if land.empty:
        return
    extra = va[va["region_level"] == "extra"].groupby(["year", "industry_code"])["value_meur"].sum()
    # the provinces against Nederland (their COROP regions are checked against them: _check_corop_sums)
    level, column, label = (("provincie", "provincie_code", "provincies") if (va["region_level"] == "provincie").any()
                            else ("corop", "corop_code", "COROP-gebieden"))
    rows = va[va["region_level"] == level]
    if rows.empty:
        return
    complete = data.regions.groupby("year")[column].nunique().max()
    sums = rows.groupby(["year", "industry_code"]).agg(total=("value_meur", "sum"), n=("region_code", "nunique"))
    both = sums[sums["n"] >= complete].join(land.rename("published"), how="inner")
    both["total"] += extra.reindex(both.index, fill_value=0.0)
    off = (both["total"] - both["published"]).abs() > _sum_tolerance(both["published"], int(complete) + 1)
    if off.any():
        (year, group), row = next(iter(both[off].iterrows()))
        raise DataError(f"{source} ({year}, {group}): de {label} en extra-regio hebben samen "
                        f"{num(row['total'])} miljoen euro toegevoegde waarde, Nederland zelf "
                        f"{num(row['published'])} miljoen: een van die rijen klopt niet.",
                        f"vergelijk de rijen van {group} in {year} met de bron (CBS, regionale rekeningen) en "
                        "verbeter de afwijkende.")


def _check_names(data: CanonicalData) -> None:
    """Every gemeente, COROP region and province has a name: the reports and messages are made of them."""
    regions = data.regions
    for col in ("gemeente_name", "corop_name", "provincie_name"):
        empty = regions[col].isna() | regions[col].astype(str).str.strip().isin(["", "nan", "None", "<NA>"])
        if empty.any():
            raise _bad_cell("regions", regions, empty, col, "leeg", "vul de naam in, zoals het CBS haar schrijft.")


def _check_regions_and_weights(data: CanonicalData) -> None:
    """Every gemeente lies in a COROP that has value added; populations are positive; boundary weights are
    shares in [0, 1] that add up to 1 per gemeente and point at gemeenten that exist."""
    va = data.value_added
    for year, rows in va.groupby("year"):
        codes = set(rows["industry_code"])
        per_region = rows.groupby("region_code")["industry_code"].nunique()
        short = per_region[per_region < len(codes)]
        if len(short):
            raise DataError(f"value_added.csv: gebied {short.index[0]} heeft {short.iloc[0]} van de {len(codes)} rijen "
                            f"per bedrijfstak van {year}; misschien is het bestand afgebroken of een rij gewist.",
                            "zet het bestand terug; elk gebied heeft elke bedrijfstak en TOTAL nodig.")
        if va[va["value_meur"].isna() & (va["year"] == year)].shape[0]:
            r = rows[rows["value_meur"].isna()].iloc[0]
            raise DataError(f"value_added.csv: geen waarde voor {r.region_code}, {r.industry_code}, {year}.",
                            "vul de gepubliceerde waarde in; de verdeling heeft elk gebied en elke bedrijfstak nodig.")
    provinces = data.regions.groupby(["year", "corop_code"])["provincie_code"]
    split = provinces.transform("nunique") > 1
    if split.any():  # COROP regions lie within one province (NUTS 3 within NUTS 2)
        r = data.regions[split].iloc[0]
        rest = data.regions[(data.regions["year"] == r.year) & (data.regions["corop_code"] == r.corop_code)]
        counts = rest["provincie_code"].value_counts()
        odd = rest[rest["provincie_code"] != counts.index[0]].iloc[0]
        raise DataError(f"regions.csv ({r.year}): COROP-gebied {r.corop_code} ligt in meer dan één provincie: "
                        f"{odd.gemeente_name} ({odd.gemeente_code}) in {odd.provincie_code}, {counts.iloc[0]} andere "
                        f"gemeenten in {counts.index[0]}; een COROP-gebied ligt altijd binnen één provincie.",
                        "verbeter de provincie (of het COROP-gebied) van die gemeente.")
    corops = set(data.value_added.loc[data.value_added["region_level"] == "corop", "region_code"])
    if corops:
        odd = data.regions[~data.regions["corop_code"].isin(corops)]
        if len(odd):
            r = odd.iloc[0]
            raise DataError(f"regions.csv: gemeente {r.gemeente_code} ({r.year}) ligt in COROP {r.corop_code!r}, maar "
                            "dat COROP-gebied heeft geen toegevoegde waarde in value_added.csv.",
                            "verbeter de COROP-code (CR met twee cijfers erachter), of voeg de toegevoegde waarde "
                            "van het COROP-gebied toe.")
    pop = data.indicators[(data.indicators["indicator"] == "population")]
    if (pop["value"] <= 0).any():
        r = pop[pop["value"] <= 0].iloc[0]
        raise DataError(f"indicators.csv: het aantal inwoners (population) van {r.gemeente_code} in {r.year} is "
                        f"{r.value:g}.",
                        "een gemeente heeft inwoners; verbeter de waarde of haal de rij weg.")
    w = data.boundary_changes
    if len(w):
        if ((w["share_of_from"] < 0) | (w["share_of_from"] > 1)).any():
            r = w[(w["share_of_from"] < 0) | (w["share_of_from"] > 1)].iloc[0]
            raise DataError(f"herindelingsgewichten: aandeel {r.share_of_from:g} van {r.from_code} ({r.from_year}) -> "
                            f"{r.to_code} ligt buiten 0..1.", "een aandeel van de adressen ligt tussen 0 en 1.")
        sums = w.groupby(["from_year", "from_code", "to_year"])["share_of_from"].sum()
        off = sums[(sums - 1).abs() > 1e-6]
        if len(off):
            (fy, code, ty), total = off.index[0], off.iloc[0]
            raise DataError(f"herindelingsgewichten: de aandelen van {code} ({fy} -> {ty}) zijn samen {total:g}, "
                            "niet 1.",
                            "alle adressen van een oude gemeente komen ergens terecht: de aandelen zijn samen 1.")
        known = {(int(y), c) for y, c in zip(data.regions["year"], data.regions["gemeente_code"])}
        years = {int(y) for y in data.regions["year"]}
        bad = w[w["to_year"].isin(years) & ~pd.Series([(int(y), c) in known for y, c in zip(w["to_year"], w["to_code"])],
                                                       index=w.index)]
        if len(bad):
            r = bad.iloc[0]
            raise DataError(f"herindelingsgewichten: {r.from_code} ({r.from_year}) gaat naar {r.to_code}, maar dat is "
                            f"geen gemeente van {r.to_year} in regions.csv.", "verbeter de to_code.")


def sha256_of(path: Path) -> str:
    """sha256 of a file's content; of the decompressed content for a gzip file (``.gz``), so an embedded
    copy and its original have the same checksum."""
    digest = hashlib.sha256()
    with (gzip.open if Path(path).suffix == ".gz" else open)(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
