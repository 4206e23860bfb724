"""The canonical tables every source is turned into; the calculation only sees these."""

from __future__ import annotations

import gzip
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

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
REGION_LEVELS = {"land", "provincie", "corop", "extra"}
MEASURES = {"establishments", "jobs"}


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

    def __post_init__(self) -> None:
        for name, columns in COLUMNS.items():
            if name in OPTIONAL and getattr(self, name) is None:
                setattr(self, name, pd.DataFrame(columns=columns))
            setattr(self, name, _conform(getattr(self, name), name, columns))
        _check_codes(self)

    # Convenience views -------------------------------------------------
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


def _conform(df: pd.DataFrame, name: str, columns: list[str]) -> pd.DataFrame:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise DataError(
            f"Canonical table '{name}' lacks column(s) {', '.join(missing)}.",
            "the source that built it does not follow docs/data-schema.md; fix that source.",
        )
    df = df[columns].copy()
    for col in columns:
        if col in ("year", "from_year", "to_year"):
            df[col] = df[col].astype("int64")
        elif col in ("value_meur", "value", "jobs", "share_of_from"):
            df[col] = pd.to_numeric(df[col], errors="raise").astype("float64")
        elif col == "provisional":
            df[col] = df[col].astype(str).str.lower().isin(["true", "1", "*"])
        else:
            df[col] = df[col].astype(str)
    return df.reset_index(drop=True)


def _check_codes(data: CanonicalData) -> None:
    bad_levels = set(data.value_added["region_level"].unique()) - REGION_LEVELS
    if bad_levels:
        raise DataError(f"value_added has unknown region_level(s) {sorted(bad_levels)}.")
    bad_measures = set(data.activity["measure"].unique()) - MEASURES
    if bad_measures:
        raise DataError(f"activity has unknown measure(s) {sorted(bad_measures)}; use establishments or jobs.")
    known = set(data.industries["industry_code"])
    for name in ("value_added", "activity", "regional_jobs"):
        unknown = set(getattr(data, name)["industry_code"].unique()) - known
        if unknown:
            raise DataError(
                f"{name} uses industry code(s) {sorted(unknown)} that are not in the industry list.",
                "add them to industries.csv with their SBI sections, or recode the input.",
            )
    for name, col in (("regions", "gemeente_code"), ("activity", "gemeente_code"), ("indicators", "gemeente_code")):
        codes = pd.Series(getattr(data, name)[col].unique(), dtype="str")
        bad = codes[~codes.str.fullmatch(r"GM\d{4}")]
        if len(bad):
            raise DataError(f"{name} has malformed gemeente code(s) such as {bad.iloc[0]!r}; expected GM + 4 digits.")
    keys = {"activity": ["year", "gemeente_code", "industry_code", "measure"],
            "value_added": ["year", "region_code", "industry_code"],
            "indicators": ["year", "gemeente_code", "indicator"],
            "regions": ["year", "gemeente_code"]}
    for name, key in keys.items():
        dup = getattr(data, name).duplicated(key)
        if dup.any():
            row = getattr(data, name)[dup].iloc[0]
            raise DataError(f"{name} has more than one row for {dict(row[key])}.", "remove the duplicate rows.")


def sha256_of(path: Path) -> str:
    """sha256 of a file's content; of the decompressed content for a gzip file (``.gz``), so an embedded
    copy and its original have the same checksum."""
    digest = hashlib.sha256()
    with (gzip.open if Path(path).suffix == ".gz" else open)(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
