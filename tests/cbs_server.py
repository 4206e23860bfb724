"""A small OData v3 server on 127.0.0.1 that serves CBS-style tables, for testing the live path offline.

The fixture tables are built from the real snapshot figures, laid out as CBS StatLine serves them:
a service document per table, TableInfos, DataProperties, dimension tables with space-padded keys,
CategoryGroups and a TypedDataSet paged with ``odata.nextLink`` (10 000 rows a page, as CBS does),
honouring ``$select`` and the ``$filter`` forms the kit sends. The layouts come from CBS's real
metadata in ``../shared/data/cbs_fixtures`` (read at test time): region titles with their suffixes
(`` (gemeente)``, `` (CR)``, `` (PV)``, `` (LD)``), ``Extra-Regio``, ``Buitenland`` and ``Niet in te delen``,
dissolved gemeenten served with nulls in the years after they ended, the SBI 2008 dimension of a real
table (jobs per section), and every topic key of Regionale kerncijfers (70072ned).

The snapshot has jobs per group, not per section, and the server does not invent a split: a layout
test puts a group's published figure on its first section and 0 on its other sections, so the sections
add up to the published group exactly (a suppressed group: null on its first section). Establishments keep their groups (the snapshot has A
only inside A+O-Q). Topics of 70072ned the kit does not use are served empty, titled by their key.
"""

from __future__ import annotations

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlparse

import pandas as pd

PAGE = 10_000  # rows per page, as CBS serves them
MODIFIED = "2024-06-24T02:00:00"


def _pad(key: str) -> str:
    """Region keys as CBS pads them in its statistical tables: 6 wide (``"CR01  "``, ``"GM0363"``); the
    Gebieden tables pad to 10 (``gebieden_table``)."""
    return f"{key:<6}"


def _table(tid, title, dims, topics, rows):
    """dims: [(Key, Type, Title, [(catkey, cattitle)])]; topics: [(Key, Title, Unit)]; rows: list of dicts."""
    props, sets = [], {}
    for i, (key, typ, t, cats) in enumerate(dims):
        props.append({"odata.type": f"Cbs.OData.{'Dimension' if typ == 'Dimension' else typ}", "ID": i, "Position": i,
                      "ParentID": None, "Type": typ, "Key": key, "Title": t, "Description": ""})
        sets[key] = [{"Key": k, "Title": v, "Description": "", "CategoryGroupID": None} for k, v in cats]
    for j, (key, t, unit) in enumerate(topics, start=len(dims)):
        props.append({"odata.type": "Cbs.OData.Topic", "ID": j, "Position": j, "ParentID": None, "Type": "Topic",
                      "Key": key, "Title": t, "Description": "", "Datatype": "Double", "Unit": unit, "Decimals": 0})
    for i, r in enumerate(rows):
        r["ID"] = i
    sets.update({"TableInfos": [{"ID": 0, "Identifier": tid, "Title": title, "Modified": MODIFIED,
                                 "ShortTitle": title[:40], "Language": "nl", "Catalog": "CBS", "Frequency": "Perjaar"}],
                 "DataProperties": props, "CategoryGroups": [], "TypedDataSet": rows, "UntypedDataSet": rows})
    return sets


REAL = Path(__file__).resolve().parents[2] / "shared" / "data" / "cbs_fixtures"
# Real metadata of the Gebieden tables, as CBS serves them. 84721NED (2020) has no metadata of its own in
# the fixtures; its topic keys (Code_1 ... Omgevingsadressendichtheid_53, read from the derived 2020 CSV)
# are exactly those of 84929NED (2021), whose metadata it is served with.
GEBIEDEN_META = {"85755NED": "85755NED", "84721NED": "84929NED"}


def _csv_records(path: Path) -> list[dict]:
    encoding = "utf-8"
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding=encoding)
    except UnicodeDecodeError:
        df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="cp1252")
    return df.to_dict("records")


def _typed(records: list[dict]) -> list[dict]:
    """cbsodataR wrote every column as text: give IDs and positions their JSON types again (null for empty)."""
    out = []
    for r in records:
        row = {}
        for k, v in r.items():
            if v == "":
                row[k] = None
            elif k in ("ID", "Position", "ParentID", "Decimals", "CategoryGroupID") and v.lstrip("-").isdigit():
                row[k] = int(v)
            else:
                row[k] = v
        out.append(row)
    return out


def gebieden_table(tid: str, year: str, regions: pd.DataFrame) -> dict[str, list]:
    """A Gebieden table from CBS's real metadata (DataProperties with topic groups, TableInfos, CategoryGroups),
    its values from the snapshot's regions, padded as CBS pads them (codes 10 wide, names 50 wide)."""
    meta = REAL / GEBIEDEN_META[tid]
    props = _typed(_csv_records(meta / "DataProperties.csv"))
    info = _typed(_csv_records(meta / "TableInfos.csv"))
    info[0].update({"Identifier": tid, "Title": f"Gebieden in Nederland {year}", "Modified": MODIFIED})
    groups = {p["ID"]: p["Title"] for p in props if p["Type"] == "TopicGroup"}
    key_of = {(groups.get(p["ParentID"]), p["Title"]): p["Key"] for p in props if p["Type"] == "Topic"}
    pad10, pad50 = (lambda s: f"{s:<10}"), (lambda s: f"{s:<50}")
    rows = []
    for i, x in enumerate(regions.itertuples()):
        row = {p["Key"]: None for p in props if p["Type"] == "Topic"}
        row.update({"ID": i, "RegioS": pad10(x.gemeente_code),
                    key_of[("Codes en namen van gemeenten", "Code")]: pad10(x.gemeente_code),
                    key_of[("Codes en namen van gemeenten", "Naam")]: pad50(x.gemeente_name),
                    key_of[("COROP-gebieden", "Code")]: pad10(x.corop_code),
                    key_of[("COROP-gebieden", "Naam")]: pad50(x.corop_name),
                    key_of[("Provincies", "Code")]: pad10(x.provincie_code),
                    key_of[("Provincies", "Naam")]: pad50(x.provincie_name)})
        rows.append(row)
    regio = [{"Key": pad10(x.gemeente_code), "Title": x.gemeente_name, "Description": None, "CategoryGroupID": 1}
             for x in regions.itertuples()]
    return {"TableInfos": info, "DataProperties": props, "CategoryGroups": _typed(_csv_records(meta / "CategoryGroups.csv")),
            "RegioS": regio, "TypedDataSet": rows, "UntypedDataSet": rows}


def region_titles(reg: pd.DataFrame) -> dict[str, str]:
    """CBS's titles of region keys: provinces and COROP regions with their suffix (`` (PV)``, `` (CR)``), a
    gemeente that shares its name with a province or COROP region with `` (gemeente)``."""
    titles = {"NL01": "Nederland", "GM0000": "Niet in te delen", "EXTRA": "Extra-Regio"}
    titles |= {f"LD0{i}": f"{n} (LD)" for i, n in enumerate(["Noord-Nederland", "Oost-Nederland",
                                                              "West-Nederland", "Zuid-Nederland"], 1)}
    latest = reg.sort_values("year").drop_duplicates("gemeente_code", keep="last")
    titles |= dict(zip(latest["provincie_code"], latest["provincie_name"] + " (PV)"))
    titles |= dict(zip(latest["corop_code"], latest["corop_name"] + " (CR)"))
    shared = set(latest["provincie_name"]) | set(latest["corop_name"])
    titles |= {c: f"{n} (gemeente)" if n in shared else n for c, n in zip(latest["gemeente_code"], latest["gemeente_name"])}
    return titles


def region_key(code: str) -> str:
    """The padded key CBS gives a region; Extra-Regio is LD99 in the regional accounts."""
    return _pad("LD99" if code == "EXTRA" else code)


def region_dimension(codes, titles: dict[str, str]) -> list[tuple[str, str]]:
    """The RegioS categories of a table: the regions it has rows for, plus the landsdelen CBS lists as well (no
    rows: the kit must ignore them); a dissolved gemeente the snapshot names nowhere keeps its code as title."""
    keys = list(dict.fromkeys(list(codes) + [f"LD0{i}" for i in range(1, 5)]))
    return [(region_key(c), titles.get(c, c)) for c in keys]


def with_dissolved_as_null(rows: list[dict], topic: str) -> list[dict]:
    """CBS lists every region in every year of a table: a gemeente before it existed or after it was dissolved
    has a row with null. Adds those rows for every (region, industry) the snapshot has in some year."""
    years = sorted({r["Perioden"] for r in rows})
    seen = {(r["RegioS"], r.get("BedrijfstakkenBranchesSBI2008"), r["Perioden"]) for r in rows}
    pairs = dict.fromkeys((r["RegioS"], r.get("BedrijfstakkenBranchesSBI2008")) for r in rows)
    extra = []
    for region, industry in pairs:
        for year in years:
            if (region, industry, year) not in seen:
                row = {"RegioS": region, "Perioden": year, topic: None}
                if industry is not None:
                    row["BedrijfstakkenBranchesSBI2008"] = industry
                extra.append(row)
    return rows + extra


def real_sbi_dimension() -> list[dict]:
    """The SBI 2008 dimension of a real CBS table (80072ned, as cbsodata saved it): keys such as ``'301000 '``,
    titles such as 'A Landbouw, bosbouw en visserij', aggregates (B-F, G-N, O-U), divisions and size classes."""
    return json.loads((REAL / "80072ned_cbsodata_cache" / "BedrijfskenmerkenSBI2008.json").read_text(encoding="utf-8"))


def sections_layout(snapshot_codes) -> dict[str, str]:
    """Kit group -> the key of the real SBI category that carries the group's figure: the category covering
    exactly the group if the real dimension has one, else the group's first section (the others are served
    null, so the sections add up to the group)."""
    from blp.data.cbs_source import _sections_of_title, sections_of

    cats = {c["Key"]: _sections_of_title(c["Key"], c["Title"]) for c in real_sbi_dimension()}
    out = {}
    for code in snapshot_codes:
        need = frozenset(sections_of(code))
        exact = [k for k, v in cats.items() if v == need]
        out[code] = exact[0] if exact else next(k for k, v in cats.items() if v == frozenset(sections_of(code)[:1]))
    return out


def other_sections(carrier: dict[str, str]) -> dict[str, list[str]]:
    """Carrying key -> the keys of the group's other single sections in the real dimension."""
    from blp.data.cbs_source import _sections_of_title, sections_of

    single = {next(iter(v)): c["Key"] for c in real_sbi_dimension()
              if (v := _sections_of_title(c["Key"], c["Title"])) is not None and len(v) == 1}
    return {key: [single[x] for x in sections_of(code)[1:] if x in single]
            for code, key in carrier.items() if code != "TOTAL"}


def _number_or_text(value: str):
    try:
        return float(value)
    except ValueError:  # a few topics are codes (the landsdeel of a region, ...)
        return value


def kerncijfers_2019() -> tuple[list[str], list[dict]]:
    """Regionale kerncijfers (70072ned) as StatLine gave it in December 2019: its 300-odd topic keys, and its
    rows (padded keys, '.' for a missing value), numbers as numbers, codes as text."""
    path = REAL / "70072ned" / "statline_download_csv" / "70072ned_UntypedDataSet_29122019_191739.csv"
    df = pd.read_csv(path, sep=";", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    keys = [c for c in df.columns if c not in ("ID", "RegioS", "Perioden")]
    rows = []
    for rec in df.to_dict("records"):
        row = {"RegioS": rec["RegioS"], "Perioden": rec["Perioden"]}
        for k in keys:
            v = rec[k].strip()
            row[k] = None if v in ("", ".") else _number_or_text(v)
        rows.append(row)
    return keys, rows


def build_fixtures(snapshot: Path) -> dict[str, dict[str, list]]:
    from blp.data.csv_source import locate

    reg = pd.read_csv(locate(snapshot, "regions.csv"), dtype=str)
    va = pd.read_csv(locate(snapshot, "value_added.csv"), dtype={"region_code": str})
    est = pd.read_csv(locate(snapshot, "establishments.csv"), dtype={"gemeente_code": str})
    jobs = pd.read_csv(locate(snapshot, "jobs_corop.csv"), dtype={"corop_code": str})
    ind = pd.read_csv(locate(snapshot, "indicators.csv"), dtype={"gemeente_code": str})
    industries = pd.read_csv(locate(snapshot, "industries.csv"))
    sbi = [(f"SBI{i:02d}" if c != "TOTAL" else "T001081",
            f"{c} {l}" if c != "TOTAL" else "A-U Alle economische activiteiten")
           for i, (c, l) in enumerate(zip(industries["industry_code"], industries["label_nl"]))]
    sbi_key = {c: k for c, (k, _) in zip(industries["industry_code"], sbi)}
    fixtures = {}

    for year, tid in (("2020", "84721NED"), ("2024", "85755NED")):
        fixtures[tid] = gebieden_table(tid, year, reg[reg["year"] == year])

    titles = region_titles(reg)
    regions = region_dimension(va["region_code"].unique(), titles)
    rows = [{"BedrijfstakkenBranchesSBI2008": sbi_key[x.industry_code], "RegioS": region_key(x.region_code),
             "Perioden": f"{x.year}JJ00", "BrutoToegevoegdeWaardeBasisprijzen_3": float(x.value_meur),
             "ProductieBasisprijzen_1": None} for x in va.itertuples()]
    fixtures["84419NED"] = _table("84419NED", "Regionale rekeningen; productieproces naar bedrijfstak, regio",
                                  [("BedrijfstakkenBranchesSBI2008", "Dimension", "Bedrijfstakken", sbi),
                                   ("RegioS", "GeoDimension", "Regio's", regions),
                                   ("Perioden", "TimeDimension", "Perioden", [(f"{y}JJ00", str(y)) for y in va["year"].unique()])],
                                  [("ProductieBasisprijzen_1", "Productie (basisprijzen)", "mln euro"),
                                   ("BrutoToegevoegdeWaardeBasisprijzen_3", "Bruto toegevoegde waarde (basisprijzen)", "mln euro")], rows)

    # The revised regional accounts (85925NED): total, A and B-E per region and year, as in the snapshot
    ser = pd.read_csv(locate(snapshot, "value_added_series.csv"), dtype={"region_code": str})
    ser = ser[(ser["measure"] == "va_basic_prices") & (ser["vintage"] == "revised 2024")]
    series_regions = region_dimension(ser["region_code"].unique(), titles)
    rows = [{"BedrijfstakkenBranchesSBI2008": sbi_key[x.industry_code],
             "RegioS": region_key(x.region_code), "Perioden": f"{x.year}JJ00",
             "BrutoToegevoegdeWaardeBasisprijzen_2": float(x.value), "ArbeidsvolumeWerknemers_5": None}
            for x in ser.itertuples()]
    fixtures["85925NED"] = _table("85925NED", "Regionale rekeningen; productieproces, bedrijfstak, regio (revisie 2024)",
                                  [("BedrijfstakkenBranchesSBI2008", "Dimension", "Bedrijfstakken", sbi),
                                   ("RegioS", "GeoDimension", "Regio's", series_regions),
                                   ("Perioden", "TimeDimension", "Perioden",
                                    [(f"{y}JJ00", str(y)) for y in sorted(ser["year"].unique())])],
                                  [("BrutoToegevoegdeWaardeBasisprijzen_2", "Bruto toegevoegde waarde (basisprijzen)",
                                    "mln euro"), ("ArbeidsvolumeWerknemers_5", "Arbeidsvolume werknemers", "x 1 000")],
                                  rows)

    rows = [{"BedrijfstakkenBranchesSBI2008": sbi_key[x.industry_code], "RegioS": _pad(x.gemeente_code),
             "Perioden": f"{x.year}JJ00", "Vestigingen_1": float(x.establishments)} for x in est.itertuples()]
    rows = with_dissolved_as_null(rows, "Vestigingen_1")
    fixtures["81575NED"] = _table("81575NED", "Vestigingen van bedrijven; bedrijfstak, gemeente",
                                  [("BedrijfstakkenBranchesSBI2008", "Dimension", "Bedrijfstakken", sbi),
                                   ("RegioS", "GeoDimension", "Regio's", region_dimension(est["gemeente_code"].unique(), titles)),
                                   ("Perioden", "TimeDimension", "Perioden", [(f"{y}JJ00", str(y)) for y in est["year"].unique()])],
                                  [("Vestigingen_1", "Vestigingen", "aantal")], rows)

    gm_jobs = pd.read_csv(locate(snapshot, "jobs_gemeente.csv"), dtype={"gemeente_code": str})
    real_sbi = real_sbi_dimension()
    carrier = sections_layout(sorted(set(jobs["industry_code"]) | set(gm_jobs["industry_code"])))
    rows = [{"BedrijfstakkenBranchesSBI2008": carrier[x.industry_code], "RegioS": _pad(x.corop_code),
             "Perioden": f"{x.year}JJ00", "Banen_1": None if pd.isna(x.jobs) else float(x.jobs) / 1000} for x in jobs.itertuples()]
    rows += [{"BedrijfstakkenBranchesSBI2008": carrier[x.industry_code], "RegioS": _pad(x.gemeente_code),
              "Perioden": f"{x.year}JJ00", "Banen_1": float(x.jobs) / 1000} for x in gm_jobs.itertuples()]
    # the other sections of a group: 0 (see the module's docstring)
    others = other_sections(carrier)
    rows += [{**r, "BedrijfstakkenBranchesSBI2008": key, "Banen_1": 0.0}
             for r in list(rows) for key in others.get(r["BedrijfstakkenBranchesSBI2008"], [])]
    rows = with_dissolved_as_null(rows, "Banen_1")
    regions = list(jobs["corop_code"].unique()) + list(gm_jobs["gemeente_code"].unique())
    fixtures["83582NED"] = _table("83582NED", "Banen van werknemers in december; economische activiteit (SBI2008), regio",
                                  [("BedrijfstakkenBranchesSBI2008", "Dimension", "Bedrijfstakken",
                                    [(c["Key"], c["Title"]) for c in real_sbi]),
                                   ("RegioS", "GeoDimension", "Regio's", region_dimension(regions, titles)),
                                   ("Perioden", "TimeDimension", "Perioden",
                                    [(f"{y}JJ00", str(y)) for y in sorted(set(jobs["year"]) | set(gm_jobs["year"]))])],
                                  [("Banen_1", "Banen van werknemers", "x 1 000")], rows)

    kern = ind[ind["indicator"].isin(["population", "dwellings", "mean_woz_value_eur", "population_density_per_km2"])]
    wide = kern.pivot_table(index=["gemeente_code", "year"], columns="indicator", values="value").reset_index()
    rows = [{"RegioS": _pad(x.gemeente_code), "Perioden": f"{x.year}JJ00", "TotaleBevolking_1": float(x.population),
             "Woningvoorraad_3": None if pd.isna(x.dwellings) else float(x.dwellings),
             "GemiddeldeWOZWaardeVanWoningen_4": None if pd.isna(x.mean_woz_value_eur) else float(x.mean_woz_value_eur) / 1000,
             "Bevolkingsdichtheid_57": None if pd.isna(x.population_density_per_km2) else float(x.population_density_per_km2)}
            for x in wide.itertuples()]
    used = [("TotaleBevolking_1", "Totale bevolking", "aantal"), ("Woningvoorraad_3", "Woningvoorraad", "aantal"),
            ("GemiddeldeWOZWaardeVanWoningen_4", "Gemiddelde WOZ-waarde van woningen", "x 1 000 euro"),
            ("Bevolkingsdichtheid_57", "Bevolkingsdichtheid", "aantal inwoners per km²")]
    real_keys, real_rows = kerncijfers_2019()
    rows += [r for r in real_rows if not r["RegioS"].startswith("GM")]  # CBS's own rows of NL, landsdelen, provinces
    others = [(k, k, "aantal") for k in real_keys if k not in {u[0] for u in used}]
    periods = sorted({r["Perioden"] for r in rows})
    fixtures["70072ned"] = _table("70072ned", "Regionale kerncijfers Nederland",
                                  [("RegioS", "GeoDimension", "Regio's",
                                    region_dimension(dict.fromkeys(r["RegioS"].strip() for r in rows), titles)),
                                   ("Perioden", "TimeDimension", "Perioden", [(p, p[:4]) for p in periods])],
                                  used + others, rows)
    # CBS marks its newest figures as provisional: status 'Voorlopig' and a title with '*'
    for period in fixtures["83582NED"]["Perioden"]:
        if period["Key"] == "2024JJ00":
            period.update({"Title": "2024*", "Description": "Voorlopige cijfers", "Status": "Voorlopig"})
    return fixtures


def matches(row: dict, condition: str) -> bool:
    """The OData v3 ``$filter`` forms the kit sends: ``substringof('GM',RegioS)`` and ``RegioS eq 'GM0363'``,
    joined by ``or``; anything else is an error (HTTP 400), as it is for an unsupported filter at CBS."""
    if not condition:
        return True
    import re

    for part in condition.split(" or "):
        part = part.strip()
        if part.startswith("(") and part.endswith(")") and not part.startswith("(substringof"):
            part = part[1:-1].strip()
        if m := re.fullmatch(r"substringof\('([^']*)',\s*(\w+)\)", part):
            if m.group(1) in str(row.get(m.group(2)) or ""):
                return True
        elif m := re.fullmatch(r"(\w+) eq '([^']*)'", part):
            if str(row.get(m.group(1)) or "") == m.group(2):
                return True
        else:
            raise ValueError(f"filter not supported: {part}")
    return False


class CbsServer:
    """Serve ``fixtures`` on 127.0.0.1; count requests; inject faults."""

    def __init__(self, fixtures: dict):
        self.fixtures = fixtures
        self.requests = 0
        self.queries: list[tuple[str, str, dict]] = []  # (table, entity set, query) of every request
        self.loop_next: set[str] = set()  # tables whose nextLink points back at the page itself
        self.reset_pages: dict[tuple[str, int], int] = {}  # (table, skip) -> how many times to reset
        self.fail_status: dict[tuple[str, int], list[int]] = {}  # (table, skip) -> HTTP statuses to answer first
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                server.requests += 1
                url = urlparse(self.path)
                parts = [p for p in url.path.split("/") if p]
                if len(parts) < 3 or parts[:2] != ["ODataFeed", "odata"] or parts[2] not in server.fixtures:
                    return self._send(404, {"odata.error": {"message": {"value": "Not found"}}})
                tid, sets = parts[2], server.fixtures[parts[2]]
                base = f"http://{self.headers['Host']}/ODataFeed/odata/{tid}"
                if len(parts) == 3:
                    return self._send(200, {"odata.metadata": f"{base}/$metadata",
                                            "value": [{"name": n, "url": f"{base}/{n}"} for n in sets]})
                name = parts[3]
                if name not in sets:
                    return self._send(404, {})
                query = parse_qs(url.query)
                skip = int(query.get("$skip", ["0"])[0])
                server.queries.append((tid, name, {k: v[0] for k, v in query.items()}))
                statuses = server.fail_status.get((tid, skip))
                if statuses and name == "TypedDataSet":
                    code = statuses.pop(0)
                    return self._send(code, {"odata.error": {"message": {"value": f"HTTP {code}"}}})
                left = server.reset_pages.get((tid, skip), 0)
                if left:
                    server.reset_pages[(tid, skip)] = left - 1
                    self.connection.shutdown(socket.SHUT_RDWR)  # connection reset mid-table
                    return
                rows = sets[name]
                total = len(rows)
                if name.endswith("DataSet"):
                    try:
                        rows = [r for r in rows if matches(r, query.get("$filter", [""])[0])]
                        total = len(rows)
                    except ValueError as exc:
                        return self._send(400, {"odata.error": {"message": {"value": str(exc)}}})
                    columns = query.get("$select", [",".join(["ID"] + [p["Key"] for p in sets["DataProperties"]
                                                                        if p["Type"] != "TopicGroup"])])[0]
                    rows = [{c: r.get(c) for c in columns.split(",")} for r in rows[skip: skip + PAGE]]
                else:
                    rows = rows[skip: skip + PAGE]
                body = {"odata.metadata": f"{base}/$metadata#{name}", "value": rows}
                if name.endswith("DataSet") and tid in server.loop_next:  # a broken server: the same page again
                    body["odata.nextLink"] = f"{base}/{name}?{urlencode({'$format': 'json', '$skip': skip})}"
                elif name.endswith("DataSet") and skip + PAGE < total:
                    more = {k: v[0] for k, v in query.items() if k in ("$select", "$filter")}
                    body["odata.nextLink"] = f"{base}/{name}?{urlencode({'$format': 'json', **more, '$skip': skip + PAGE})}"
                self._send(200, body)

            def _send(self, code, body):
                data = json.dumps(body).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json;charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()

    def __exit__(self, *exc):
        self.stop()
