"""The live CBS source: tables from the cache (filled with cbsodata) turned into canonical tables.

cbsodata has no reader for a saved directory, so this module reads its on-disk format: one JSON
array per entity set (TableInfos, DataProperties, the dimension tables, TypedDataSet).
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import pandas as pd

from blp.data.canonical import CanonicalData, InputFile, check_weight_codes, sha256_of
from blp.data.csv_source import licence_of, locate, read_csv_strict
from blp.data.cbs_cache import DownloadError, cached, default_cache_dir, download, provisional_in
from blp.errors import DataError

CATALOG_FILE = Path(__file__).with_name("cbs_catalog.yaml")
SECTIONS = "ABCDEFGHIJKLMNOPQRSTU"


@lru_cache(maxsize=1)
def catalog() -> dict:
    from blp.schema import parse_yaml

    return parse_yaml(CATALOG_FILE.read_text(encoding="utf-8"))


def _ids(spec: dict) -> list[str]:
    """A catalogue entry's table ids (one per boundary year, or a list)."""
    return list(spec["ids"].values()) if isinstance(spec["ids"], dict) else list(spec["ids"])


def table_ids() -> list[str]:
    return [tid for spec in catalog()["tables"].values() for tid in _ids(spec)]


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

    def __init__(self, table_id: str, folder: Path | None, props: list | None = None):
        self.table_id, self.folder, self._categories = table_id, folder, {}
        if folder is None:  # only the DataProperties, before the table is downloaded (``selection``)
            self.props, self.info, self.rows = props or [], {}, []
            return
        self.props = self._load("DataProperties")
        self.info = (self._load("TableInfos") or [{}])[0]
        self.rows = self._load("TypedDataSet")

    def _load(self, name: str) -> list:
        path = self.folder / f"{name}.json"
        if not path.exists():
            raise DataError(f"CBS-tabel {self.table_id}: {name}.json ontbreekt in {self.folder}.",
                            f"haal de tabel opnieuw op: `blp data fetch {self.table_id}`.")
        return json.loads(path.read_text(encoding="utf-8"))

    def dims(self, kind: str) -> list[str]:
        return [p["Key"] for p in self.props if p.get("Type") == kind]

    def categories(self, dim: str) -> dict[str, str]:
        """Key -> title of a dimension's categories, read once. A category without key cannot be read; one
        without title has none (CBS sends null, not "")."""
        if dim not in self._categories:
            self._categories[dim] = {str(c["Key"]): str(c.get("Title") or "") for c in self._load(dim)
                                     if c.get("Key") is not None}
        return self._categories[dim]

    def topic(self, words: list[str]) -> tuple[str, str]:
        """The one topic whose Title contains all ``words``: its key and unit."""
        topics = [p for p in self.props if p.get("Type") == "Topic"]
        hits = [p for p in topics if all(w.lower() in str(p.get("Title") or "").lower() for w in words)]
        if len(hits) != 1:
            found = ", ".join(f"{p['Key']} ({p.get('Title')})" for p in (hits or topics)[:8])
            raise DataError(
                f"CBS-tabel {self.table_id} ({self.info.get('Title', '?')}): "
                f"{'geen' if not hits else 'meer dan één'} onderwerp met {words} in de titel. Onderwerpen: {found}.",
                f"pas de woorden voor deze tabel aan in {CATALOG_FILE.name}, of de tabelcode als het CBS de tabel "
                "heeft vervangen.")
        return hits[0]["Key"], hits[0].get("Unit", "") or ""

    def topic_in_group(self, group: str, title: str) -> str:
        """The key of the topic titled ``title`` inside the topic group titled ``group`` (Gebieden tables:
        every group has its own "Code" and "Naam", and their keys move between years)."""
        groups = [p for p in self.props if p.get("Type") == "TopicGroup"
                  and str(p.get("Title", "")).strip().lower() == group.lower()]
        hits = [p for p in self.props if p.get("Type") == "Topic" and p.get("ParentID") in {g["ID"] for g in groups}
                and str(p.get("Title", "")).strip().lower() == title.lower()]
        if len(hits) != 1:
            names = sorted({str(p.get("Title")) for p in self.props if p.get("Type") == "TopicGroup"})[:12]
            raise DataError(
                f"CBS-tabel {self.table_id} ({self.info.get('Title', '?')}): "
                f"{'geen' if not hits else 'meer dan één'} onderwerp '{title}' in een onderwerpgroep '{group}'. "
                f"Onderwerpgroepen: {', '.join(names)}.",
                f"pas de groep en de titel voor deze tabel aan in {CATALOG_FILE.name}.")
        return hits[0]["Key"]

    def frame(self) -> pd.DataFrame:
        df = pd.DataFrame(self.rows)
        for col in df.columns:
            if pd.api.types.is_string_dtype(df[col]) or df[col].dtype == object:
                df[col] = df[col].map(lambda v: v.strip() if isinstance(v, str) else v)
        return df


def spec_of(table_id: str) -> dict:
    """The catalogue entry of a table (empty for a table the catalogue does not name)."""
    return next((spec for spec in catalog()["tables"].values() if table_id in _ids(spec)), {})


def selection(table_id: str):
    """For a table the catalogue marks ``select: true``: a function from its DataProperties to the columns to
    fetch (its dimensions and the topics the kit reads) and the catalogue's row filter; None for other tables."""
    spec = spec_of(table_id)
    if not spec.get("select"):
        return None

    def choose(props: list) -> tuple[list[str], str | None]:
        table = CbsTable(table_id, None, props)
        measures = [spec["measure"]] + [s["measure"] for s in (spec.get("indicators") or {}).values()]
        topics = dict.fromkeys(table.topic(words)[0] for words in measures)
        dims = [p["Key"] for p in props if p.get("Type") in ("Dimension", "GeoDimension", "TimeDimension")]
        return dims + list(topics), spec.get("filters")

    return choose


def fetch(table_id: str, cache_dir: Path, url: str | None = None, **kwargs):
    """Download a table into the cache (``cbs_cache.download``), with the catalogue's column and row selection."""
    return download(table_id, cache_dir, url, selection=selection(table_id), **kwargs)


def _years(df: pd.DataFrame, col: str) -> pd.DataFrame:
    df = df[df[col].astype(str).str.fullmatch(r"\d{4}JJ00")]
    return df.assign(year=df[col].str[:4].astype(int))


OPTIONAL_SECTIONS = {"T", "U"}  # households as employers, extraterritorial bodies: often not published


def _sections_of_title(key: str, title: str) -> frozenset[str] | None:
    """The SBI sections a category covers, from its key (T001081: all) or the code its title starts with
    ('A Landbouw...' -> A, 'B-F Nijverheid en energie' -> B..F, 'A+O-Q ...' -> A, O..Q); None for divisions
    ('10-12 Voedings...') and other categories."""
    if key.strip() == "T001081":
        return frozenset(SECTIONS)
    code = title.split(" ", 1)[0]
    parts = code.split("+")
    if not all(len(p) in (1, 3) and p[0] in SECTIONS and (len(p) == 1 or (p[1] == "-" and p[2] in SECTIONS))
               for p in parts):
        return None
    return frozenset(sections_of(code))


def sbi_groups(categories: dict[str, str], codes: list[str]) -> dict[str, list[str]]:
    """For each kit code, the CBS categories whose values add up to it: one category covering exactly its SBI
    sections, else the single-section categories that do (sections T and U may be missing: CBS often does not
    publish them). Codes that cannot be covered are left out."""
    title_of = {k.strip(): v for k, v in categories.items()}
    parsed = {k: s for k, v in title_of.items() if (s := _sections_of_title(k, v)) is not None}
    by_sections: dict[frozenset, list[str]] = {}
    for k, s in parsed.items():
        by_sections.setdefault(s, []).append(k)
    twice = [keys for keys in by_sections.values() if len(keys) > 1]
    if twice:  # which one holds the figures? not a guess
        raise ValueError("; ".join(f"{', '.join(repr(title_of[k]) for k in keys)} (sleutels {', '.join(keys)})"
                                   for keys in twice))
    out: dict[str, list[str]] = {}
    for code in codes:
        need = frozenset(sections_of(code))
        exact = [k for k, s in parsed.items() if s == need]
        if exact:
            out[code] = exact[:1]
            continue
        singles = {next(iter(s)): k for k, s in parsed.items() if len(s) == 1 and s <= need}
        if set(singles) >= need - OPTIONAL_SECTIONS and singles:
            out[code] = [singles[s] for s in sorted(singles)]
    return out


def _industry_map(table: CbsTable) -> tuple[str | None, dict[str, list[str]]]:
    """The industry dimension and kit code -> the CBS keys that add up to it (by SBI section)."""
    wanted = list(catalog()["industries"])
    for dim in table.dims("Dimension"):
        try:
            mapping = sbi_groups(table.categories(dim), wanted)
        except ValueError as exc:
            raise DataError(f"CBS-tabel {table.table_id}: de dimensie {dim} heeft categorieën voor dezelfde SBI-secties: "
                            f"{exc}.", "de kit kiest daar niet zelf uit; controleer de tabelcode in "
                            f"{CATALOG_FILE.name} of meld het aan het CBS.") from None
        if mapping:
            return dim, mapping
    return None, {}


def _check_every_group(table: CbsTable, mapping: dict[str, list[str]]) -> None:
    """An activity table must give every kit group (A and O-Q apart or as A+O-Q): a group left out would get no
    key, and its value added would silently go elsewhere."""
    groups = [c for c in catalog()["industries"] if "+" not in c]
    covered = set(mapping) | ({"A", "O-Q"} if "A+O-Q" in mapping else set())
    missing = [g for g in groups if g not in covered]
    if missing:
        raise DataError(f"CBS-tabel {table.table_id} ({table.info.get('Title', '?')}): geen categorie of SBI-secties "
                        f"voor de bedrijfstakgroep(en) {', '.join(missing)}.",
                        f"controleer de tabelcode en de indeling 'industries' in {CATALOG_FILE.name}; het CBS kan de "
                        "bedrijfstakindeling van de tabel hebben veranderd.")


def _other_dims_to_totals(table: CbsTable, df: pd.DataFrame, used: set[str]) -> pd.DataFrame:
    """Keep the total category (key T001...) of any dimension the kit does not use."""
    for dim in table.dims("Dimension"):
        if dim in used:
            continue
        keys = [k.strip() for k in table.categories(dim)]
        total = next((k for k in keys if k.startswith("T00")), keys[0])
        df = df[df[dim] == total]
    return df


def unit_factor(table: CbsTable, key: str, unit: str, units: dict) -> float:
    """The factor from CBS's unit to the kit's, strictly: an unknown unit is an error, never a factor 1."""
    wanted = " ".join(unit.split()).lower()
    for name, factor in units.items():
        if " ".join(str(name).split()).lower() == wanted:
            return float(factor)
    raise DataError(f"CBS-tabel {table.table_id}: onderwerp {key} heeft de eenheid {unit!r}, en die kent de kit "
                    f"daarvoor niet (bekend: {', '.join(map(str, units)) or 'geen'}).",
                    f"voeg de eenheid met haar factor toe onder 'units' bij deze tabel in {CATALOG_FILE.name}.")


def provisional_years(table: CbsTable) -> list[int]:
    """Years CBS marks as provisional: Perioden status 'Voorlopig' or a title ending in '*'."""
    time = (table.dims("TimeDimension") or ["Perioden"])[0]
    try:
        return provisional_in(table._load(time))
    except DataError:
        return []


def _checked(table: CbsTable, df: pd.DataFrame, key: str, geo: str, time: str) -> None:
    """Every row once (a repeated page or row would be added twice) and every value a number or null (CBS's
    JSON has numbers; text such as '86.762' or '-' is not read as anything)."""
    dims = [geo, time] + [d for d in table.dims("Dimension") if d in df.columns]
    twice = df[df.duplicated(dims, keep=False)]
    if len(twice):
        r = twice.iloc[0]
        raise DataError(f"CBS-tabel {table.table_id}: de rij {', '.join(f'{d} {r[d]!r}' for d in dims)} komt "
                        f"{int((df[dims] == r[dims]).all(axis=1).sum())} keer voor ({len(twice)} rijen dubbel).",
                        f"haal de tabel opnieuw op: `blp data fetch {table.table_id}`.")
    values = df[key]
    bad = values.notna() & ~values.map(lambda v: isinstance(v, (int, float)) and not isinstance(v, bool))
    if bad.any():
        r = df[bad].iloc[0]
        raise DataError(f"CBS-tabel {table.table_id}: onderwerp {key} is geen getal voor {r[geo]} {r[time]}"
                        f"{' ' + str(r[dims[2]]) if len(dims) > 2 else ''}: {r[key]!r} ({int(bad.sum())} zulke waarden).",
                        f"haal de tabel opnieuw op: `blp data fetch {table.table_id}`; blijft het, meld het aan het CBS.")


def _measure(table: CbsTable, spec: dict, industry: bool, keep_unknown: bool = False) -> pd.DataFrame:
    """Long table region, year, industry_code (if any), value for the catalogue's measure. ``keep_unknown``: a
    group CBS does not publish (a null section) stays as a row without value, as a suppressed cell."""
    key, unit = table.topic(spec["measure"])
    factor = unit_factor(table, key, unit, spec.get("units") or {})
    geo = (table.dims("GeoDimension") or ["RegioS"])[0]
    time = (table.dims("TimeDimension") or ["Perioden"])[0]
    df = _years(table.frame(), time)
    _checked(table, df, key, geo, time)
    used = set()
    if industry:
        dim, mapping = _industry_map(table)
        if dim is None:
            raise DataError(f"CBS-tabel {table.table_id}: geen dimensie met bedrijfstakken (SBI-secties).",
                            f"controleer de tabelcode in {CATALOG_FILE.name}.")
        used.add(dim)
        if spec.get("all_groups"):
            _check_every_group(table, mapping)
        # a category can count in more than one kit code (section A in A and in A+O-Q)
        titles = {k.strip(): v for k, v in table.categories(dim).items()}
        optional = {k for keys in mapping.values() for k in keys  # (every mapped key has sections)
                    if _sections_of_title(k, titles[k]) <= OPTIONAL_SECTIONS}
        df = pd.concat([df[df[dim].isin(keys)].assign(industry_code=code, needed=len(set(keys) - optional))
                        for code, keys in mapping.items()], ignore_index=True)
        df["required"] = ~df[dim].isin(optional)
    df = _other_dims_to_totals(table, df, used)
    # Round away the float noise of the unit factor (6.1 x 1000 jobs), so live and offline figures agree exactly.
    out = df.rename(columns={geo: "region"}).assign(value=(pd.to_numeric(df[key], errors="coerce") * factor).round(6))
    cols = ["region", "year"] + (["industry_code"] if industry else [])
    if industry:
        # the sections of a kit group add up, if every one of them has a value: a section CBS does not publish
        # (null: suppressed) leaves the group unknown, never a partial sum (T and U may be missing)
        out = out.assign(present=out["required"] & out["value"].notna())
        summed = out.groupby(cols, as_index=False).agg(value=("value", lambda v: v.sum(min_count=1)),
                                                        present=("present", "sum"), needed=("needed", "first"))
        out = summed.assign(value=summed["value"].where(summed["present"] >= summed["needed"]))
        if not keep_unknown:
            out = out.dropna(subset=["value"])
        # A+O-Q is the snapshot's grouping: only where a table does not give A and O-Q apart
        known = out.dropna(subset=["value"])
        apart = known[known["industry_code"].isin(["A", "O-Q"])].groupby(["region", "year"])["industry_code"].nunique()
        both = set(apart[apart == 2].index)
        pooled = out["industry_code"] == "A+O-Q"
        out = out[~(pooled & pd.Series(list(zip(out["region"], out["year"])), index=out.index).isin(both))]
    return out[cols + ["value"]]


def _regional(table: CbsTable, spec: dict) -> pd.DataFrame:
    """Value added per region level (NL, provinces, COROP, extra-regio) and kit industry code, million euro."""
    df = _measure(table, spec, industry=True)
    names = _region_names(table)
    level = df["region"].map(lambda r: "land" if r.startswith("NL") else "provincie" if r.startswith("PV")
                             else "corop" if r.startswith("CR") and r != "CR99" else
                             "extra" if "extra" in names.get(r, "").lower() else None)
    df = df.assign(region_level=level, region_code=df["region"].where(level != "extra", "EXTRA"))
    return df[df["region_level"].notna()].rename(columns={"value": "value_meur"})[
        ["year", "region_code", "region_level", "industry_code", "value_meur"]]


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
        out = pd.DataFrame({"year": int(year), "gemeente_code": df[geo]})
        for col, where in cat["regions"]["topics"].items():
            out[col] = df[t.topic_in_group(where["group"], where["title"])].astype(str).str.strip().to_numpy()
        regions.append(out)
    # value added: the revised accounts (85925NED) per year; years in which they give every kit group are the
    # full-detail years, other years the series; 84419NED fills full-detail years the revised table lacks
    series_frames, provisional = [], set()
    for tid in cat.get("value_added_series", {}).get("ids", []):
        df = _regional(tables[tid], cat["value_added_series"])
        provisional |= set(provisional_years(tables[tid]))
        series_frames.append(df)
    series = pd.concat(series_frames, ignore_index=True) if series_frames else pd.DataFrame(
        columns=["year", "region_code", "region_level", "industry_code", "value_meur"])
    groups = [c for c in catalog()["industries"] if c != "TOTAL" and "+" not in c]
    detail = series.groupby("year")["industry_code"].agg(lambda c: set(groups) <= set(c))
    full_years = set(detail[detail].index)
    va_frames = [series[series["year"].isin(full_years)]]
    for tid in cat["value_added"]["ids"]:
        df = _regional(tables[tid], cat["value_added"])
        va_frames.append(df[~df["year"].isin(full_years)])
    value_added = pd.concat(va_frames, ignore_index=True)
    value_added_series = series.rename(columns={"value_meur": "value"}).assign(
        measure="va_basic_prices", vintage=cat.get("value_added_series", {}).get("vintage", ""),
        provisional=lambda d: d["year"].isin(provisional))
    # activity per gemeente: establishments and jobs; jobs per COROP
    activity_parts, regional_jobs = [], []
    for name, measure in (("establishments", "establishments"), ("jobs", "jobs")):
        for tid in cat[name]["ids"]:
            df = _measure(tables[tid], cat[name], industry=True, keep_unknown=name == "jobs")
            gm = df[df["region"].str.startswith("GM")]
            activity_parts.append(gm.rename(columns={"region": "gemeente_code"}).assign(measure=measure)
                                  .dropna(subset=["value"]))
            if name == "jobs":
                cr = df[df["region"].str.fullmatch(r"CR\d\d")]
                regional_jobs.append(cr.rename(columns={"region": "corop_code", "value": "jobs"}))
    activity = pd.concat(activity_parts, ignore_index=True)
    weights = next((i.path for i in inputs if i.table == "boundary_changes"), "herindelingsgewichten")
    check_weight_codes(boundary_changes, activity[activity["measure"] == "establishments"], Path(weights).name,
                       "CBS " + ", ".join(cat["establishments"]["ids"]))
    pop, provisional = [], set()
    specs = cat["population"].get("indicators") or {"population": {"measure": cat["population"]["measure"], "unit": "count"}}
    for tid in cat["population"]["ids"]:
        provisional |= {(indicator, year) for indicator in specs for year in provisional_years(tables[tid])}
        for indicator, spec in specs.items():
            df = _measure(tables[tid], spec, industry=False)
            df = df[df["region"].str.startswith("GM")].dropna(subset=["value"])
            pop.append(df.rename(columns={"region": "gemeente_code"}).assign(indicator=indicator, unit=spec["unit"]))
    codes = sorted(set(value_added["industry_code"]) | set(activity["industry_code"]))
    labels = {}
    for t in tables.values():
        dim, mapping = _industry_map(t)
        if dim:
            titles = {k.strip(): v for k, v in t.categories(dim).items()}
            for code, keys in mapping.items():
                if len(keys) == 1:
                    labels.setdefault(code, titles.get(keys[0], code))
    industries = pd.DataFrame({"industry_code": codes,
                               "label_nl": [labels.get(c, c).split(" ", 1)[-1] if c != "TOTAL" else "Totaal" for c in codes],
                               "sbi_sections": [";".join(sections_of(c)) for c in codes]})
    return CanonicalData(
        regions=pd.concat(regions, ignore_index=True),
        value_added=value_added,
        value_added_series=value_added_series,
        activity=activity,
        regional_jobs=pd.concat(regional_jobs, ignore_index=True) if regional_jobs else
        pd.DataFrame(columns=["year", "corop_code", "industry_code", "jobs"]),
        indicators=pd.concat(pop, ignore_index=True),
        boundary_changes=boundary_changes,
        industries=industries,
        source="cbs:" + ", ".join(sorted(tables)),
        inputs=inputs,
        notes=notes,
        provisional_indicators=provisional,
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
                entry = fetch(tid, cache_dir, url)
            except DownloadError as exc:  # (a problem of the table itself keeps its own message and fix)
                raise DataError(
                    f"CBS-tabel {tid} staat niet in de cache ({cache_dir}) en kon niet worden gedownload: "
                    f"{exc.problem}",
                    f"voer met een netwerkverbinding `blp data fetch {tid}` uit; zonder verbinding: importeer een "
                    "auditsnapshot met `blp data import BESTAND.zip`, of gebruik de offline snapshot met "
                    "--source snapshot.") from None
        elif entry.age_days > max_age_days:
            try:
                entry = fetch(tid, cache_dir, url)
            except DataError as exc:  # the cache is used, and the report says why
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
        changes = read_csv_strict(weights)
        licence = "eigen bestand" if boundary_weights else licence_of(changes, "")
        inputs.append(InputFile(table="boundary_changes", path=str(weights), sha256=sha256_of(weights),
                                rows=len(changes), source="herindelingsgewichten (adressen)", licence=licence))
        notes.append(f"Herindelingsgewichten uit {weights.name} ({licence}).")
    else:
        notes.append("Geen herindelingsgewichten: gegevens op oudere gemeentegrenzen kunnen niet worden omgezet.")
    return build_canonical(tables, changes, inputs, notes)
