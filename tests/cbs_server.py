"""A small OData v3 server on 127.0.0.1 that serves CBS-style tables, for testing the live path offline.

The fixture tables are built from the real snapshot figures, laid out as CBS StatLine serves them:
a service document per table, TableInfos, DataProperties, dimension tables with space-padded keys,
CategoryGroups and a TypedDataSet paged with ``odata.nextLink``.
"""

from __future__ import annotations

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pandas as pd

PAGE = 400
MODIFIED = "2024-06-24T02:00:00"


def _pad(key: str) -> str:
    return f"{key:<10}"


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

    regions = [(_pad("LD99" if c == "EXTRA" else c), "Extra-Regio" if c == "EXTRA" else c) for c in va["region_code"].unique()]
    rows = [{"BedrijfstakkenBranchesSBI2008": sbi_key[x.industry_code], "RegioS": _pad("LD99" if x.region_code == "EXTRA" else x.region_code),
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
    series_regions = [(_pad("LD99" if c == "EXTRA" else c), "Extra-Regio" if c == "EXTRA" else c)
                      for c in ser["region_code"].unique()]
    rows = [{"BedrijfstakkenBranchesSBI2008": sbi_key[x.industry_code],
             "RegioS": _pad("LD99" if x.region_code == "EXTRA" else x.region_code), "Perioden": f"{x.year}JJ00",
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
    fixtures["81575NED"] = _table("81575NED", "Vestigingen van bedrijven; bedrijfstak, gemeente",
                                  [("BedrijfstakkenBranchesSBI2008", "Dimension", "Bedrijfstakken", sbi),
                                   ("RegioS", "GeoDimension", "Regio's", [(_pad(c), c) for c in est["gemeente_code"].unique()]),
                                   ("Perioden", "TimeDimension", "Perioden", [(f"{y}JJ00", str(y)) for y in est["year"].unique()])],
                                  [("Vestigingen_1", "Vestigingen", "aantal")], rows)

    gm_jobs = pd.read_csv(locate(snapshot, "jobs_gemeente.csv"), dtype={"gemeente_code": str})
    rows = [{"BedrijfstakkenBranchesSBI2008": sbi_key[x.industry_code], "RegioS": _pad(x.corop_code),
             "Perioden": f"{x.year}JJ00", "Banen_1": None if pd.isna(x.jobs) else float(x.jobs) / 1000} for x in jobs.itertuples()]
    rows += [{"BedrijfstakkenBranchesSBI2008": sbi_key[x.industry_code], "RegioS": _pad(x.gemeente_code),
              "Perioden": f"{x.year}JJ00", "Banen_1": float(x.jobs) / 1000} for x in gm_jobs.itertuples()]
    regions = list(jobs["corop_code"].unique()) + list(gm_jobs["gemeente_code"].unique())
    fixtures["83582NED"] = _table("83582NED", "Banen van werknemers in december; economische activiteit (SBI2008), regio",
                                  [("BedrijfstakkenBranchesSBI2008", "Dimension", "Bedrijfstakken", sbi),
                                   ("RegioS", "GeoDimension", "Regio's", [(_pad(c), c) for c in regions]),
                                   ("Perioden", "TimeDimension", "Perioden",
                                    [(f"{y}JJ00", str(y)) for y in sorted(set(jobs["year"]) | set(gm_jobs["year"]))])],
                                  [("Banen_1", "Banen van werknemers", "x 1 000")], rows)

    kern = ind[ind["indicator"].isin(["population", "dwellings", "mean_woz_value_eur"])]
    wide = kern.pivot_table(index=["gemeente_code", "year"], columns="indicator", values="value").reset_index()
    rows = [{"RegioS": _pad(x.gemeente_code), "Perioden": f"{x.year}JJ00", "TotaleBevolking_1": float(x.population),
             "Mannen_2": None, "Woningvoorraad_3": None if pd.isna(x.dwellings) else float(x.dwellings),
             "GemiddeldeWOZWaardeVanWoningen_4": None if pd.isna(x.mean_woz_value_eur) else float(x.mean_woz_value_eur) / 1000}
            for x in wide.itertuples()]
    fixtures["70072ned"] = _table("70072ned", "Regionale kerncijfers Nederland",
                                  [("RegioS", "GeoDimension", "Regio's", [(_pad(c), c) for c in wide["gemeente_code"].unique()]),
                                   ("Perioden", "TimeDimension", "Perioden", [(f"{y}JJ00", str(y)) for y in wide["year"].unique()])],
                                  [("TotaleBevolking_1", "Totale bevolking", "aantal"), ("Mannen_2", "Mannen", "aantal"),
                                   ("Woningvoorraad_3", "Woningvoorraad", "aantal"),
                                   ("GemiddeldeWOZWaardeVanWoningen_4", "Gemiddelde WOZ-waarde van woningen", "x 1 000 euro")],
                                  rows)
    # CBS marks its newest figures as provisional: status 'Voorlopig' and a title with '*'
    for period in fixtures["83582NED"]["Perioden"]:
        if period["Key"] == "2024JJ00":
            period.update({"Title": "2024*", "Description": "Voorlopige cijfers", "Status": "Voorlopig"})
    return fixtures


class CbsServer:
    """Serve ``fixtures`` on 127.0.0.1; count requests; inject faults."""

    def __init__(self, fixtures: dict):
        self.fixtures = fixtures
        self.requests = 0
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
                skip = int(parse_qs(url.query).get("$skip", ["0"])[0])
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
                body = {"odata.metadata": f"{base}/$metadata#{name}", "value": rows[skip: skip + PAGE]}
                if name.endswith("DataSet") and skip + PAGE < len(rows):
                    body["odata.nextLink"] = f"{base}/{name}?$format=json&$skip={skip + PAGE}"
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
