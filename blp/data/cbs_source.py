"""The live CBS source: tables from the cache (filled with cbsodata) turned into canonical tables.

cbsodata has no reader for a saved directory, so this module reads its on-disk format: one JSON
array per entity set (TableInfos, DataProperties, the dimension tables, TypedDataSet).
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import pandas as pd

from blp.data.canonical import CanonicalData, InputFile, sha256_of
from blp.data.csv_source import licence_of, locate
from blp.data.cbs_cache import cached, default_cache_dir, download
from blp.errors import DataError

CATALOG_FILE = Path(__file__).with_name("cbs_catalog.yaml")
SECTIONS = "ABCDEFGHIJKLMNOPQRSTU"


@lru_cache(maxsize=1)
def catalog() -> dict:
    from blp.schema import parse_yaml

    return parse_yaml(CATALOG_FILE.read_text(encoding="utf-8"))


def table_ids() -> list[str]:
    ids = []
    for spec in catalog()["tables"].values():
        ids += list(spec["ids"].values()) if isinstance(spec["ids"], dict) else list(spec["ids"])
    return ids


def sections_of(code: str) -> list[str]:
    """SBI sections of a kit code: 'B-E' -> B..E, 'A+O-Q' -> A, O..Q, 'TOTAL' -> A..U."""
    if code == "TOTAL":
        return list(SECTIONS)
    out = []
    for part in code.split("+"):
        lo, _, hi = part.partition("-")
        out += list(SECTIONS[SECTIONS.index(lo): SECTIONS.index(hi or lo) + 1])
    return out


class CbsTable:
    """One table in cbsodata's on-disk format."""

    def __init__(self, table_id: str, folder: Path):
        self.table_id, self.folder = table_id, folder
        self.props = self._load("DataProperties")
        self.info = (self._load("TableInfos") or [{}])[0]
        self.rows = self._load("TypedDataSet")

    def _load(self, name: str) -> list:
        path = self.folder / f"{name}.json"
        if not path.exists():
            raise DataError(f"CBS table {self.table_id}: {name}.json is missing in {self.folder}.",
                            f"fetch it again: `blp data fetch {self.table_id}`.")
        return json.loads(path.read_text(encoding="utf-8"))

    def dims(self, kind: str) -> list[str]:
        return [p["Key"] for p in self.props if p.get("Type") == kind]

    def categories(self, dim: str) -> dict[str, str]:
        return {c["Key"]: c.get("Title", "") for c in self._load(dim)}

    def topic(self, words: list[str]) -> tuple[str, str]:
        """The one topic whose Title contains all ``words``: its key and unit."""
        topics = [p for p in self.props if p.get("Type") == "Topic"]
        hits = [p for p in topics if all(w.lower() in p.get("Title", "").lower() for w in words)]
        if len(hits) != 1:
            found = ", ".join(f"{p['Key']} ({p.get('Title')})" for p in (hits or topics)[:8])
            raise DataError(
                f"CBS table {self.table_id} ({self.info.get('Title', '?')}): "
                f"{'no' if not hits else 'more than one'} measure whose title contains {words}. Topics: {found}.",
                f"update the words for this table in {CATALOG_FILE.name}, or the table id if CBS replaced the table.")
        return hits[0]["Key"], hits[0].get("Unit", "") or ""

    def frame(self) -> pd.DataFrame:
        df = pd.DataFrame(self.rows)
        for col in df.columns:
            if pd.api.types.is_string_dtype(df[col]) or df[col].dtype == object:
                df[col] = df[col].map(lambda v: v.strip() if isinstance(v, str) else v)
        return df


def _years(df: pd.DataFrame, col: str) -> pd.DataFrame:
    df = df[df[col].astype(str).str.fullmatch(r"\d{4}JJ00")]
    return df.assign(year=df[col].str[:4].astype(int))


def _industry_map(table: CbsTable) -> tuple[str | None, dict[str, str]]:
    """The industry dimension and CBS key -> kit code, by SBI prefix of the title (or the key)."""
    wanted = catalog()["industries"]
    for dim in table.dims("Dimension"):
        cats = table.categories(dim)
        mapping = {}
        for key, title in cats.items():
            for code, prefixes in wanted.items():
                if any(key.strip() == p.strip() or title.startswith(p) for p in prefixes):
                    mapping[key.strip()] = code
                    break
        if mapping:
            return dim, mapping
    return None, {}


def _other_dims_to_totals(table: CbsTable, df: pd.DataFrame, used: set[str]) -> pd.DataFrame:
    """Keep the total category (key T001...) of any dimension the kit does not use."""
    for dim in table.dims("Dimension"):
        if dim in used:
            continue
        keys = [k.strip() for k in table.categories(dim)]
        total = next((k for k in keys if k.startswith("T00")), keys[0])
        df = df[df[dim] == total]
    return df


def _measure(table: CbsTable, spec: dict, industry: bool) -> pd.DataFrame:
    """Long table region, year, industry_code (if any), value for the catalogue's measure."""
    key, unit = table.topic(spec["measure"])
    factor = 1.0
    for name, f in (spec.get("unit_factor") or {}).items():
        if name.lower() == unit.strip().lower():
            factor = float(f)
    geo = (table.dims("GeoDimension") or ["RegioS"])[0]
    time = (table.dims("TimeDimension") or ["Perioden"])[0]
    df = _years(table.frame(), time)
    used = set()
    if industry:
        dim, mapping = _industry_map(table)
        if dim is None:
            raise DataError(f"CBS table {table.table_id}: no industry dimension with the kit's SBI groups.",
                            f"check the 'industries' prefixes in {CATALOG_FILE.name}.")
        used.add(dim)
        df = df[df[dim].isin(mapping)].assign(industry_code=lambda d: d[dim].map(mapping))
    df = _other_dims_to_totals(table, df, used)
    # Round away the float noise of the unit factor (6.1 x 1000 jobs), so live and offline figures agree exactly.
    out = df.rename(columns={geo: "region"}).assign(value=(pd.to_numeric(df[key], errors="coerce") * factor).round(6))
    return out[["region", "year"] + (["industry_code"] if industry else []) + ["value"]]


def _region_names(table: CbsTable) -> dict[str, str]:
    geo = (table.dims("GeoDimension") or ["RegioS"])[0]
    return {k.strip(): v for k, v in table.categories(geo).items()}


def build_canonical(tables: dict[str, CbsTable], boundary_changes: pd.DataFrame, inputs: list[InputFile],
                    notes: list[str]) -> CanonicalData:
    cat = catalog()["tables"]
    # regions, one table per boundary year
    regions = []
    for year, tid in cat["regions"]["ids"].items():
        t = tables[tid]
        geo = (t.dims("GeoDimension") or ["RegioS"])[0]
        df = t.frame()
        df = df[df[geo].str.startswith("GM")]
        out = pd.DataFrame({"year": int(year), "gemeente_code": df[geo], "gemeente_name": df[geo].map(_region_names(t))})
        for col, words in cat["regions"]["topics"].items():
            out[col] = df[t.topic(words)[0]].astype(str).str.strip().to_numpy()
        regions.append(out)
    # value added per region level
    va_frames = []
    for tid in cat["value_added"]["ids"]:
        t = tables[tid]
        df = _measure(t, cat["value_added"], industry=True)
        names = _region_names(t)
        level = df["region"].map(lambda r, names=names: "land" if r.startswith("NL") else "provincie" if r.startswith("PV")
                                 else "corop" if r.startswith("CR") and r != "CR99" else
                                 "extra" if "extra" in names.get(r, "").lower() else None)
        df = df.assign(region_level=level, region_code=df["region"].where(level != "extra", "EXTRA"))
        va_frames.append(df[df["region_level"].notna()].rename(columns={"value": "value_meur"}))
    value_added = pd.concat(va_frames, ignore_index=True)
    # activity per gemeente: establishments and jobs; jobs per COROP
    activity, regional_jobs = [], []
    for name, measure in (("establishments", "establishments"), ("jobs", "jobs")):
        for tid in cat[name]["ids"]:
            df = _measure(tables[tid], cat[name], industry=True)
            gm = df[df["region"].str.startswith("GM")]
            activity.append(gm.rename(columns={"region": "gemeente_code"}).assign(measure=measure).dropna(subset=["value"]))
            if name == "jobs":
                cr = df[df["region"].str.fullmatch(r"CR\d\d")]
                regional_jobs.append(cr.rename(columns={"region": "corop_code", "value": "jobs"}))
    pop = []
    specs = cat["population"].get("indicators") or {"population": {"measure": cat["population"]["measure"], "unit": "count"}}
    for tid in cat["population"]["ids"]:
        for indicator, spec in specs.items():
            df = _measure(tables[tid], spec, industry=False)
            df = df[df["region"].str.startswith("GM")].dropna(subset=["value"])
            pop.append(df.rename(columns={"region": "gemeente_code"}).assign(indicator=indicator, unit=spec["unit"]))
    codes = sorted(set(value_added["industry_code"]) | set(pd.concat(activity)["industry_code"]))
    labels = {}
    for t in tables.values():
        dim, mapping = _industry_map(t)
        if dim:
            titles = t.categories(dim)
            for key, code in mapping.items():
                labels.setdefault(code, next((v for k, v in titles.items() if k.strip() == key), code))
    industries = pd.DataFrame({"industry_code": codes,
                               "label_nl": [labels.get(c, c).split(" ", 1)[-1] if c != "TOTAL" else "Totaal" for c in codes],
                               "sbi_sections": [";".join(sections_of(c)) for c in codes]})
    return CanonicalData(
        regions=pd.concat(regions, ignore_index=True),
        value_added=value_added,
        activity=pd.concat(activity, ignore_index=True),
        regional_jobs=pd.concat(regional_jobs, ignore_index=True) if regional_jobs else
        pd.DataFrame(columns=["year", "corop_code", "industry_code", "jobs"]),
        indicators=pd.concat(pop, ignore_index=True),
        boundary_changes=boundary_changes,
        industries=industries,
        source="cbs:" + ", ".join(sorted(tables)),
        inputs=inputs,
        notes=notes,
    )


def load_cbs(cache_dir: Path | None = None, data_dir: Path | None = None, max_age_days: float = 30.0,
             url: str | None = None, boundary_weights: Path | None = None) -> CanonicalData:
    """Canonical tables from CBS: cached tables younger than ``max_age_days`` are used without any request;
    older ones are refreshed, falling back to the cache (with a note) when CBS cannot be reached."""
    cache_dir = Path(cache_dir) if cache_dir else default_cache_dir()
    tables, inputs, notes = {}, [], []
    for tid in table_ids():
        entry = cached(tid, cache_dir)
        if entry is None:
            try:
                entry = download(tid, cache_dir, url)
            except DataError as exc:
                raise DataError(
                    f"CBS table {tid} is not in the cache ({cache_dir}) and could not be downloaded: {exc.problem}",
                    f"with a network connection run `blp data fetch {tid}`; without one, import an audit snapshot "
                    "with `blp data import FILE.zip`, or use the offline snapshot with --source snapshot.") from None
        elif entry.age_days > max_age_days:
            try:
                entry = download(tid, cache_dir, url)
            except DataError as exc:
                notes.append(f"Let op: CBS-tabel {tid} kon niet worden ververst ({exc.problem.splitlines()[0]}); "
                             f"gebruikt is de cache van {entry.manifest['downloaded_utc']} "
                             f"(tabel gewijzigd {entry.manifest.get('modified')}).")
        tables[tid] = CbsTable(tid, entry.folder)
        for name, digest in entry.manifest["files"].items():
            inputs.append(InputFile(table=f"CBS {tid}/{name}", path=str(entry.folder / name), sha256=digest,
                                    rows=0, source=f"CBS {tid}, gewijzigd {entry.manifest.get('modified')}"))
    changes = pd.DataFrame(columns=["from_year", "from_code", "to_year", "to_code", "share_of_from"])
    weights = Path(boundary_weights) if boundary_weights else (locate(Path(data_dir), "boundary_changes.csv")
                                                               if data_dir else None)
    if weights is not None and weights.exists():
        changes = pd.read_csv(weights, dtype={"from_code": str, "to_code": str})
        licence = "eigen bestand" if boundary_weights else licence_of(changes, "")
        inputs.append(InputFile(table="boundary_changes", path=str(weights), sha256=sha256_of(weights),
                                rows=len(changes), source="herindelingsgewichten (adressen)", licence=licence))
        notes.append(f"Herindelingsgewichten uit {weights.name} ({licence}).")
    else:
        notes.append("Geen herindelingsgewichten: gegevens op oudere gemeentegrenzen kunnen niet worden omgezet.")
    return build_canonical(tables, changes, inputs, notes)
