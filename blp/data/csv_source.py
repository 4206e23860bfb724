"""The tidy-CSV source: a directory in the snapshot schema (docs/data-schema.md)."""

from __future__ import annotations

import csv
import gzip
import re
import warnings

from pathlib import Path

import numpy as np
import pandas as pd

from blp.data.canonical import (COUNT_COLUMNS, EMBEDDED_SOURCE, MEASURE_NL, TOTAL, UNASSIGNABLE_GEMEENTE, CanonicalData, InputFile,
                                check_flags, check_known_gemeenten, check_numbers, check_weight_codes, check_years,
                                dissolved_after, formed_after, known_gemeenten, provisional_rows, sha256_of)
from blp.data.shapes import Shapes, find_shapes, read_shapes
from blp.dutch import num
from blp.errors import DataError, interrupted
from blp.paths import EMBEDDED_DATA_DIR

FILES = {
    "regions": "regions.csv",
    "value_added": "value_added.csv",
    "establishments": "establishments.csv",
    "regional_jobs": "jobs_corop.csv",
    "indicators": "indicators.csv",
    "boundary_changes": "boundary_changes.csv",
    "industries": "industries.csv",
}
# Files a snapshot may lack (older snapshots, own data sets): the kit then does without them.
OPTIONAL_FILES = {
    "jobs_gemeente": "jobs_gemeente.csv",
    "value_added_series": "value_added_series.csv",
}
CODE_COLUMNS = ["gemeente_code", "corop_code", "provincie_code", "region_code", "industry_code",
                "from_code", "to_code", "indicator", "unit"]


def locate(data_dir: Path, filename: str) -> Path:
    """``filename`` in ``data_dir``, or its gzip-compressed form (``.gz``, as in the embedded data set)."""
    path = data_dir / filename
    return path if path.exists() or not (data_dir / f"{filename}.gz").exists() else data_dir / f"{filename}.gz"


# Where the embedded lists without a source column come from (blp/data/snapshot/README.md).
EMBEDDED_SOURCES = {
    "regions": "CBS Gebieden in Nederland 2020 en 2024 (provincie per COROP-gebied uit de NUTS-indeling)",
    "industries": "CBS A10-indeling (SBI 2008)",
    "boundary_changes": "grenswijzigen (H. Weda, VNG): aandeel adressen per oude en nieuwe gemeente",
}


def licence_of(df: pd.DataFrame, source: str) -> str:
    """The licence a file states (a ``licence`` column), else the one of its named source."""
    if "licence" in df.columns and df["licence"].notna().any():
        return "; ".join(sorted(df["licence"].dropna().astype(str).unique()))
    if "Eurostat" in source:
        return "Eurostat: hergebruik met bronvermelding"
    if "CBS" in source:
        return "CC BY 4.0 (Bron: CBS)"
    return "niet vermeld"


class _Watched:
    """A file handle that remembers a Ctrl-C in its ``read``: pandas' C parser turns a KeyboardInterrupt raised
    there into a ParserError ('Calling read(nbytes) on source failed'), which is the interrupt, not a bad file."""

    def __init__(self, fh):
        self._fh, self.interrupted = fh, False

    def read(self, *args):
        try:
            return self._fh.read(*args)
        except KeyboardInterrupt:
            self.interrupted = True
            raise

    def __iter__(self):
        return iter(self._fh)

    def __getattr__(self, name):
        return getattr(self._fh, name)


def read_csv_strict(path: Path) -> pd.DataFrame:
    """A CSV file (or .csv.gz) as text columns where codes and counts are, refusing what is not a CSV file of the
    schema: a missing or empty file, an Excel workbook, semicolons, rows longer than the header, bad encoding."""
    if not path.exists():
        raise DataError(
            f"Invoerbestand {path.name} ontbreekt in {path.parent}.",
            "gebruik een map in het snapshot-schema (docs/data-schema.md), of laat --data en BLP_DATA_DIR "
            "leeg om de dataset te gebruiken die in de kit is ingebouwd.",
        )
    if path.is_dir():
        raise DataError(f"{path} is een map, geen CSV-bestand.", "geef het bestand zelf op.")
    if path.suffix != ".gz":
        with open(path, "rb") as raw:
            if raw.read(4) == b"PK\x03\x04":  # the start of a zip file: an Excel workbook (.xlsx), not text
                raise DataError(f"{path} is een Excel-bestand (of een ander zip-bestand), geen CSV-bestand.",
                                "sla het in Excel op als 'CSV UTF-8 (door komma's gescheiden)' en geef dat bestand op.")
    fh = _Watched(gzip.open(path, "rb") if path.suffix == ".gz" else open(path, "rb"))
    try:
        # counts and amounts as text: read as numbers, '52.600' (a Dutch thousands separator) would be 52.6 before
        # check_numbers could see it
        # index_col=False: rows with more fields than the header would otherwise shift every column by one
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", pd.errors.ParserWarning)
            df = pd.read_csv(fh, dtype={c: str for c in [*CODE_COLUMNS, *COUNT_COLUMNS]}, keep_default_na=True,
                             encoding="utf-8", index_col=False)
    except pd.errors.EmptyDataError:
        raise DataError(f"{path} is leeg.", "zet het bestand terug (docs/data-schema.md noemt de kolommen).") from None
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        if fh.interrupted or interrupted():  # Ctrl-C while pandas' C parser was reading: not a bad file
            raise KeyboardInterrupt from None
        fields = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(exc))
        if fields:
            width, line, seen = fields.groups()
            raise _longer_row(path, line, seen, width) from None
        raise DataError(f"{path} is niet te lezen als CSV: {exc}",
                        "controleer het scheidingsteken en de codering (UTF-8).") from None
    except (EOFError, OSError) as exc:  # a truncated or mislabelled .gz, an unreadable file
        raise DataError(f"{path} is niet te lezen: {type(exc).__name__}: {exc}",
                        "het bestand is beschadigd of niet wat de naam zegt; zet het terug.") from None
    finally:
        fh.close()
    if len(df.columns) == 1 and any(sep in df.columns[0] for sep in ";\t"):
        sep = "puntkomma's" if ";" in df.columns[0] else "tabs"
        raise DataError(f"{path}: de kolommen zijn gescheiden door {sep}; de kit leest CSV met komma's.",
                        "sla het bestand op met komma's als scheidingsteken en punten voor decimalen (in Excel: "
                        "'CSV UTF-8 (door komma's gescheiden)').")
    longer = any(issubclass(w.category, pd.errors.ParserWarning) for w in caught)  # pandas dropped fields
    if longer or (len(df.columns) and df[df.columns[-1]].isna().any()):  # or an empty last cell: a row cut short?
        _check_row_lengths(path, len(df.columns))
    return df


def _check_row_lengths(path: Path, width: int) -> None:
    """Refuse a row with fewer fields than the header (pandas fills them with 'no value' without a word: a file
    cut off halfway a row, or a row that lost its separators) or with more values (pandas drops them). Blank lines,
    and empty fields after the last column (a trailing comma), pass, as pandas reads them."""
    with (gzip.open(path, "rt", encoding="utf-8", newline="") if path.suffix == ".gz"
          else open(path, encoding="utf-8", newline="")) as fh:
        rows = csv.reader(fh)
        header = next(rows, [])
        for row in rows:
            if row and len(row) < width:
                raise DataError(f"{path.name}, rij {rows.line_num}: {len(row)} velden waar de kopregel er {width} "
                                f"heeft (kolom '{header[len(row)]}' en verder ontbreken).",
                                "het bestand is afgekapt of de rij mist scheidingstekens; herstel de rij (een lege "
                                "cel schrijf je als niets tussen twee komma's).")
            if any(cell.strip() for cell in row[width:]):
                raise _longer_row(path, rows.line_num, len(row), width)


def _longer_row(path: Path, line, seen, width) -> DataError:
    return DataError(f"{path.name}, rij {line}: {seen} velden waar de kopregel er {width} heeft (de rij heeft meer "
                     "waarden dan er kolommen zijn).",
                     "geef elke waarde een kolomnaam in de kopregel, of haal de overtollige waarden weg (een komma in "
                     "een tekst zet je tussen aanhalingstekens).")


def _source_of(df: pd.DataFrame, default: str) -> str:
    if "source" in df.columns and df["source"].notna().any():
        return "; ".join(sorted({s.split(";")[0] for s in df["source"].dropna().astype(str).unique()}))
    return default


def read_activity_file(path: str | Path) -> tuple[pd.DataFrame, InputFile]:
    """Read activity per gemeente x industry (a value column ``establishments`` or ``jobs``).

    This is also the "bring your own data" path, e.g. a gemeente's LISA jobs file.
    """
    path = Path(path)
    if not path.exists():
        raise DataError(f"Het activiteitenbestand {path} bestaat niet.",
                        "geef bij --activity het pad van een CSV-bestand (docs/data-schema.md, 'Bring your own "
                        "activity').")
    df = read_csv_strict(path)
    measures = [m for m in ("establishments", "jobs") if m in df.columns]
    if len(measures) != 1:
        raise DataError(
            f"{path} moet precies één kolom met waarden hebben, met de naam 'establishments' of 'jobs'.",
            "kolommen: year, gemeente_code, industry_code, jobs (of establishments), source.",
        )
    measure = measures[0]
    for col in ("year", "gemeente_code", "industry_code"):
        if col not in df.columns:
            raise DataError(f"In {path} ontbreekt de kolom '{col}'.",
                            "docs/data-schema.md beschrijft de kolommen van een activiteitenbestand.")
    twice = df.duplicated(["year", "gemeente_code", "industry_code"]).reset_index(drop=True)
    if twice.any():
        i = int(twice.to_numpy().nonzero()[0][0])
        row = df.iloc[i]
        raise DataError(f"{path.name}, rij {i + 2}: een tweede rij voor {row['gemeente_code']}, {row['industry_code']}, "
                        f"{row['year']}.", "haal de dubbele rij weg (of tel ze op als ze samen het getal vormen).")
    df = df.assign(year=check_years(df, "year", path.name))
    check_numbers(df, measure, path.name)
    empty = df[measure].isna().reset_index(drop=True)
    if empty.any():
        raise DataError(f"{path.name}, rij {int(empty.to_numpy().nonzero()[0][0]) + 2}, kolom '{measure}': leeg.",
                        "een verdeelsleutel bestaat uit getallen van 0 of meer; laat rijen weg waarvan je de "
                        "waarde niet weet.")
    _check_sectors(df, measure, path.name)
    out = df.assign(measure=measure, value=df[measure])
    info = InputFile(table=f"activity ({measure})", path=str(path), sha256=sha256_of(path),
                     rows=len(df), source=_source_of(df, path.name))
    return out, info


# A file with this many sectors per gemeente is a sector breakdown (not TOTAL with a few published sectors):
# each of its gemeenten must have a row for each of its sectors, and their sum must be its TOTAL where it has one.
SECTOR_FILE = 3
# The sum of a gemeente's sectors against its TOTAL: CBS rounds each cell to a hundred jobs (five establishments),
# so they differ by up to half a rounding unit per sector; a tenth more than that is a different count.
TOTAL_TOLERANCE = 0.10


def _check_sectors(df: pd.DataFrame, measure: str, name: str) -> None:
    """A sector breakdown: no sector missing for a gemeente (it would count as 0), and its sum close to TOTAL."""
    values = pd.to_numeric(df[measure])
    sectors = sorted(set(df["industry_code"]) - {TOTAL})
    if len(sectors) < SECTOR_FILE:
        return
    parts = df[df["industry_code"] != TOTAL].assign(v=values)
    counts = parts.groupby(["year", "gemeente_code"])["industry_code"].nunique()
    short = counts[counts < len(sectors)]
    if len(short):
        year, code = short.index[0]
        have = set(parts.loc[(parts["year"] == year) & (parts["gemeente_code"] == code), "industry_code"])
        raise DataError(f"{name}: {code} ({year}) heeft geen rij voor sector(en) {', '.join(sorted(set(sectors) - have))}, "
                        f"die het bestand voor andere gemeenten wel heeft; een ontbrekende rij zou als 0 tellen.",
                        "voeg de rij toe, met 0 als de gemeente in die sector echt geen "
                        f"{MEASURE_NL[measure]} heeft.")
    totals = df[df["industry_code"] == TOTAL].assign(v=values).set_index(["year", "gemeente_code"])["v"]
    summed = parts.groupby(["year", "gemeente_code"])["v"].sum().reindex(totals.index)
    allowed = np.maximum(TOTAL_TOLERANCE * totals, (100 if measure == "jobs" else 5) / 2 * len(sectors))
    off = (summed - totals).abs() > allowed
    if off.any():
        year, code = off[off].index[0]
        raise DataError(f"{name}: de sectoren van {code} ({year}) tellen op tot {num(summed[(year, code)])}, de rij "
                        f"{TOTAL} zegt {num(totals[(year, code)])}: dat kan niet allebei kloppen.",
                        f"verbeter de sectoren of de rij {TOTAL} van die gemeente (of laat de rij {TOTAL} weg).")


def _check_coverage(own: pd.DataFrame, name: str, activities: list[pd.DataFrame], measure: str) -> None:
    """An own file replaces all figures of its measure and year: refuse one that lacks gemeenten the replaced
    figures have (they would get no share, and their value added would go to their neighbours)."""
    for year, rows in own.groupby("year"):
        before = set().union(*(a.loc[(a["measure"] == measure) & (a["year"].astype(int) == year), "gemeente_code"]
                               for a in activities)) - {UNASSIGNABLE_GEMEENTE}
        missing = sorted(before - set(rows["gemeente_code"]))
        if missing:
            raise DataError(f"{name} ({year}) mist {len(missing)} gemeente(n) die de data voor dat jaar wel hebben, "
                            f"zoals {', '.join(missing[:5])}: een eigen bestand vervangt alle {MEASURE_NL[measure]} "
                            f"({measure}) van zijn jaar, dus die gemeenten zouden geen aandeel krijgen.",
                            "neem alle gemeenten van dat jaar op in het bestand (met 0 waar er echt geen zijn).")


def _code_check(frames: dict[str, pd.DataFrame]):
    """``check(df, file name)``: refuse gemeente codes the region lists and boundary changes do not know (a no-op
    while those lists lack their columns: that error comes when the tables are put in canonical form)."""
    regions, changes = frames["regions"], frames["boundary_changes"]
    if "gemeente_code" not in regions or not {"from_code", "to_code"} <= set(changes.columns):
        return lambda df, label: None
    known = known_gemeenten(regions, changes)
    later, gone = {}, {}
    if {"from_year", "to_year", "share_of_from"} <= set(changes.columns):
        dated = changes.assign(from_year=pd.to_numeric(changes["from_year"], errors="coerce")).dropna(subset=["from_year"])
        later, gone = formed_after(dated), dissolved_after(dated, regions)

    def check(df: pd.DataFrame, label: str) -> None:
        if "gemeente_code" in df:
            check_known_gemeenten(df, label, known, later, gone)
    return check


def _suppressed_note(jobs: pd.DataFrame) -> list[str]:
    """The note on the cells CBS suppressed in jobs_corop.csv; a cell marked suppressed that has a number
    contradicts itself (which of the two is wrong, the kit cannot tell)."""
    suppressed = check_flags(jobs, "suppressed", "jobs_corop.csv")
    values = pd.to_numeric(jobs["jobs"], errors="coerce")
    with_value = suppressed & values.notna()
    if with_value.any():
        i = int(with_value.to_numpy().nonzero()[0][0])
        raise DataError(f"jobs_corop.csv, rij {i + 2}: kolom 'suppressed' zegt dat het CBS deze cel onderdrukt, maar "
                        f"kolom 'jobs' heeft een waarde ({values.iloc[i]:g}).",
                        "laat 'jobs' leeg als de cel onderdrukt is, of zet 'suppressed' op False als het getal "
                        "gepubliceerd is.")
    n = int(suppressed.sum())
    # a note for report 1's reader (a file name there read as a leak of the machinery: a reader's finding)
    return [f"Banen per COROP-gebied en sector (CBS): {n} cellen heeft het CBS niet gepubliceerd (geheimhouding); ze "
            "staan leeg in de gegevens, en de berekening verdeelt er het totaal van het gebied min de gepubliceerde "
            "sectoren over."] if n else []


def load_csv_dir(data_dir: Path, extra_activity: list[Path] | None = None,
                 boundary_weights: Path | None = None) -> CanonicalData:
    """Read a snapshot-schema directory (plus optional own activity files and boundary weights) into
    canonical tables. Files may be gzip-compressed (``regions.csv.gz``)."""
    data_dir = Path(data_dir)
    frames: dict[str, pd.DataFrame] = {}
    inputs: list[InputFile] = []
    for table, filename in {**FILES, **OPTIONAL_FILES}.items():
        path = locate(data_dir, filename)
        if table in OPTIONAL_FILES and not path.exists():
            continue
        if table == "boundary_changes" and boundary_weights is not None:
            path = Path(boundary_weights)
        df = read_csv_strict(path)
        frames[table] = df
        source = _source_of(df, path.name)
        if data_dir == EMBEDDED_DATA_DIR and source == path.name:  # the lists without a source column (README.md)
            source = EMBEDDED_SOURCES.get(table, source)
        licence = licence_of(df, source) if path.parent == data_dir else "eigen bestand"
        if licence == "niet vermeld" and data_dir == EMBEDDED_DATA_DIR:
            licence = "CC BY 4.0 (Bron: CBS)"  # the embedded region and industry lists are CBS's (README.md)
        inputs.append(InputFile(table=table, path=str(path), sha256=sha256_of(path), rows=len(df), source=source,
                                licence=licence))

    check_codes = _code_check(frames)
    weights_label = Path(boundary_weights).name if boundary_weights is not None else FILES["boundary_changes"]
    est = frames.pop("establishments")
    check_numbers(est, "establishments", "establishments.csv")
    check_weight_codes(frames["boundary_changes"], est, weights_label)
    check_codes(est, "establishments.csv")
    activities = [est.assign(measure="establishments", value=est["establishments"])]
    if "jobs_gemeente" in frames:
        check_numbers(frames["jobs_gemeente"], "jobs", "jobs_gemeente.csv")
        check_codes(frames["jobs_gemeente"], "jobs_gemeente.csv")
        jobs = frames.pop("jobs_gemeente").dropna(subset=["jobs"])
        activities.append(jobs.assign(measure="jobs", value=jobs["jobs"]))
    check_codes(frames["indicators"], "indicators.csv")
    own: dict[str, dict[int, str]] = {}
    for extra in extra_activity or []:
        df, info = read_activity_file(extra)
        check_codes(df, Path(extra).name)
        # An own file replaces what the snapshot has of the same measure and year.
        own_measure, own_years = df["measure"].iloc[0], set(df["year"].astype(int))
        own.setdefault(own_measure, {}).update({year: Path(extra).name for year in sorted(own_years)})
        _check_coverage(df, Path(extra).name, activities, own_measure)
        activities = [a[~((a["measure"] == own_measure) & a["year"].astype(int).isin(own_years))] for a in activities]
        activities.append(df)
        inputs.append(info)

    if "derived" in frames["value_added"].columns:
        check_flags(frames["value_added"], "derived", "value_added.csv")
    jobs = frames["regional_jobs"]
    notes = []
    if {"suppressed", "jobs"} <= set(jobs.columns):  # without 'jobs' the canonical check names the column
        notes += _suppressed_note(jobs)

    shapes = Shapes()
    shapes_path = find_shapes(data_dir)
    if shapes_path is not None:
        shapes = read_shapes(shapes_path)
        inputs.append(InputFile(table="shapes", path=str(shapes_path), sha256=sha256_of(shapes_path),
                                rows=len(shapes.rings), source="CBS/Kadaster Wijk- en buurtkaart (PDOK), vereenvoudigd",
                                licence="CC BY 4.0 (Bron: CBS, Kadaster)"))

    return CanonicalData(
        regions=frames["regions"],
        value_added=frames["value_added"],
        activity=pd.concat(activities, ignore_index=True),
        regional_jobs=jobs,
        indicators=frames["indicators"],
        boundary_changes=frames["boundary_changes"],
        industries=frames["industries"],
        value_added_series=frames.get("value_added_series"),
        source=EMBEDDED_SOURCE if data_dir == EMBEDDED_DATA_DIR else f"snapshot:{data_dir}",
        inputs=inputs,
        notes=notes,
        shapes=shapes,
        own_activity=own,
        provisional_indicators=provisional_rows(frames["indicators"]),
    )
