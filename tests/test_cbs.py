"""The live CBS path: cbsodata for real against a local OData server, the cache, and its failure modes."""

import json
import shutil
import sys
import zipfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from cbs_server import REAL, CbsServer, build_fixtures  # noqa: E402
from helpers import shown_text  # noqa: E402

from blp.berekening.calculation import compute_blp, resolve_choices  # noqa: E402
from blp.data import cbs_cache, load_data  # noqa: E402
from blp.data import cbs_source  # noqa: E402
from blp.data.cbs_source import load_cbs, table_ids  # noqa: E402
from blp.errors import DataError  # noqa: E402
from blp.params import load_params  # noqa: E402


@pytest.fixture(scope="module")
def fixtures(snapshot_dir):
    if not REAL.is_dir():
        pytest.skip(f"CBS's real metadata ({REAL}) is not here: a clone outside the development setup")
    return build_fixtures(snapshot_dir)


@pytest.fixture
def server(fixtures, monkeypatch, tmp_path):
    monkeypatch.setattr(cbs_cache, "BACKOFF_S", 0.01)
    monkeypatch.setenv("BLP_CACHE_DIR", str(tmp_path / "cache"))
    with CbsServer(fixtures) as s:
        monkeypatch.setenv("BLP_CBS_URL", s.url)
        yield s


def test_first_fetch_gives_the_same_blp_as_the_snapshot(server, snapshot_dir, tmp_path):
    data = load_cbs(data_dir=snapshot_dir)
    assert server.requests > len(table_ids())  # service documents, entity sets and nextLink pages
    cached = tmp_path / "cache" / "81575NED"
    assert {"TableInfos.json", "DataProperties.json", "TypedDataSet.json", "RegioS.json", "blp-cache.json"} <= \
        {p.name for p in cached.iterdir()}
    manifest = json.loads((cached / "blp-cache.json").read_text())
    assert manifest["modified"] == "2024-06-24T02:00:00" and len(manifest["files"]) >= 5
    snap = load_data("snapshot", snapshot_dir)
    params = load_params()
    live = compute_blp(data, resolve_choices(data, params)).national.set_index("gemeente_code")["blp_meur"]
    offline = compute_blp(snap, resolve_choices(snap, params)).national.set_index("gemeente_code")["blp_meur"]
    assert (live - offline.reindex(live.index)).abs().max() == 0
    # the revised accounts (85925NED) give the series on the live path too: the same BLP for every year
    from blp.berekening.series import compute_series

    live_series = compute_series(data, params).of("GM0917")["blp_meur"]
    offline_series = compute_series(snap, params).of("GM0917")["blp_meur"]
    assert list(live_series.index) == list(range(1995, 2023))
    assert (live_series - offline_series).abs().max() < 1e-6
    assert any("CBS 81575NED" in f.table and f.sha256 == manifest["files"].get(f.table.split("/")[-1]) for f in data.inputs)


def test_cached_rerun_makes_zero_requests(server, snapshot_dir):
    load_cbs(data_dir=snapshot_dir)
    before = server.requests
    load_cbs(data_dir=snapshot_dir)
    assert server.requests == before


def test_server_down_with_cache_uses_it_with_a_warning(server, snapshot_dir, monkeypatch):
    load_cbs(data_dir=snapshot_dir)
    server.stop()
    data = load_cbs(data_dir=snapshot_dir, max_age_days=0)  # stale: a refresh is tried and fails
    assert any("kon niet worden ververst" in n and "81575NED" in n for n in data.notes)
    # and the warning reaches the report
    from blp.rapport import display
    from blp.rapport.context import compute_national, GemeenteView
    from blp.rapport.paginas import dataverzameling
    shown = []
    monkeypatch.setattr(display, "display", lambda obj, raw=False: shown.append(obj))
    view = GemeenteView(compute_national(data, load_params()), "GM0917", load_params("GM0917"))
    dataverzameling.inputs(view)
    assert any("kon niet worden ververst" in shown_text(x) for x in shown)


def test_server_down_without_cache_names_the_table_and_the_fix(server, snapshot_dir):
    server.stop()
    with pytest.raises(DataError) as exc:
        load_cbs(data_dir=snapshot_dir)
    msg = str(exc.value)
    assert "staat niet in de cache" in msg and "blp data fetch" in msg and "blp data import" in msg


def test_connection_reset_mid_table_is_retried(server, tmp_path):
    server.reset_pages[("81575NED", 10_000)] = 1  # the second page of the dataset fails once
    entry = cbs_cache.download("81575NED", tmp_path / "cache")
    rows = json.loads((entry.folder / "TypedDataSet.json").read_text())
    assert len(rows) == len(server.fixtures["81575NED"]["TypedDataSet"])


def test_persistent_reset_never_replaces_a_good_cache(server, tmp_path):
    good = cbs_cache.download("81575NED", tmp_path / "cache")
    before = (good.folder / "blp-cache.json").read_text()
    server.reset_pages[("81575NED", 10_000)] = 100
    with pytest.raises(DataError, match="na 4 pogingen"):
        cbs_cache.download("81575NED", tmp_path / "cache")
    assert (good.folder / "blp-cache.json").read_text() == before
    assert cbs_cache.cached("81575NED", tmp_path / "cache") is not None
    assert not list((tmp_path / "cache").glob(".81575NED.partial*"))


def _load_changed(fixtures, monkeypatch, tmp_path, snapshot_dir, table, key, field, value):
    """load_cbs from a server whose ``table`` has ``field`` of topic ``key`` changed to ``value``."""
    broken = json.loads(json.dumps(fixtures))
    for p in broken[table]["DataProperties"]:
        if p["Key"] == key:
            p[field] = value
    monkeypatch.setenv("BLP_CACHE_DIR", str(tmp_path / "cache"))
    with CbsServer(broken) as s:
        monkeypatch.setenv("BLP_CBS_URL", s.url)
        return load_cbs(data_dir=snapshot_dir)


def test_table_missing_its_measure_is_a_clear_error(fixtures, monkeypatch, tmp_path, snapshot_dir):
    with pytest.raises(DataError) as exc:
        _load_changed(fixtures, monkeypatch, tmp_path, snapshot_dir, "81575NED", "Vestigingen_1", "Title", "Bedrijven")
    assert "81575NED" in str(exc.value) and "['vestigingen']" in str(exc.value) and "cbs_catalog.yaml" in str(exc.value)


def test_export_and_import_round_trip_and_detect_tampering(server, tmp_path, snapshot_dir):
    from blp.cli import main

    cache = tmp_path / "cache"
    assert main(["data", "fetch"]) == 0
    zip_path = tmp_path / "audit.zip"
    assert main(["data", "export", str(zip_path)]) == 0
    shutil.rmtree(cache)
    assert main(["data", "import", str(zip_path)]) == 0
    before = server.requests
    load_cbs(data_dir=snapshot_dir)
    assert server.requests == before  # everything came from the imported snapshot
    tampered = tmp_path / "tampered.zip"
    with zipfile.ZipFile(zip_path) as src, zipfile.ZipFile(tampered, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "81575NED/TypedDataSet.json":
                data = data.replace(b"6635", b"9999", 1)
            dst.writestr(item, data)
    assert main(["data", "import", str(tampered)]) == 2


def test_run_with_live_source_writes_the_same_report_structure(server, snapshot_dir, tmp_path):
    from blp.uitvoering.runner import RunRequest, run_gemeente

    folder = run_gemeente(RunRequest("GM0917", source="cbs", data_dir=str(snapshot_dir),
                                     outputs_dir=tmp_path / "out", progress=False))
    names = {p.name for p in folder.iterdir()}
    assert {"index.html", "manifest.json", "01_dataverzameling.html", "02_blp_berekening.html",
            "03_brede_welvaart.html", "04_beleidsvertaling.html"} <= names
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["data_source"].startswith("cbs:")
    assert any(i["table"].startswith("CBS 81575NED") and "2024-06-24" in i["source"] for i in manifest["inputs"])
    assert 4_300 < manifest["headline"]["blp_meur"] < 4_500  # the same as the snapshot run (jobs key)


# --- CBS's real layouts and failure modes ---------------------------------------------------------

def test_sbi_groups_add_up_sections_of_a_real_cbs_industry_dimension():
    from blp.data.cbs_source import sbi_groups

    if not REAL.is_dir():
        pytest.skip(f"CBS's real metadata ({REAL}) is not here")
    cats = {c["Key"]: c["Title"] for c in json.loads((REAL / "80072ned_cbsodata_cache" /
                                                      "BedrijfskenmerkenSBI2008.json").read_text(encoding="utf-8"))}
    groups = sbi_groups(cats, ["TOTAL", "A", "B-E", "F", "G-I", "J", "K", "L", "M-N", "O-Q", "R-U", "A+O-Q"])
    title = {k.strip(): v.split(" ", 1)[0] for k, v in cats.items()}
    assert groups["TOTAL"] == ["T001081"] and [title[k] for k in groups["A"]] == ["A"]
    assert [title[k] for k in groups["B-E"]] == ["B", "C", "D", "E"]       # no B-E category at CBS: summed
    assert [title[k] for k in groups["G-I"]] == ["G", "H", "I"]
    assert [title[k] for k in groups["R-U"]] == ["R", "S"]                  # T and U not published
    assert [title[k] for k in groups["A+O-Q"]] == ["A", "O", "P", "Q"]
    assert "B-F" not in {title[k] for keys in groups.values() for k in keys}  # an aggregate is not double counted


def test_gebieden_columns_are_found_through_topic_groups_when_keys_move(fixtures, monkeypatch, tmp_path, snapshot_dir):
    moved = json.loads(json.dumps(fixtures))
    table = moved["85755NED"]
    renamed = {"Code_8": "Code_80", "Naam_9": "Naam_90", "Code_26": "Code_7", "Naam_27": "Naam_6"}
    swap = {**renamed, **{v: k for k, v in renamed.items()}}
    for p in table["DataProperties"]:
        p["Key"] = swap.get(p["Key"], p["Key"])
    table["TypedDataSet"] = [{swap.get(k, k): v for k, v in r.items()} for r in table["TypedDataSet"]]
    assert any(p["Type"] == "TopicGroup" and p["Title"] == "COROP-gebieden" for p in table["DataProperties"])
    monkeypatch.setenv("BLP_CACHE_DIR", str(tmp_path / "cache"))
    with CbsServer(moved) as s:
        monkeypatch.setenv("BLP_CBS_URL", s.url)
        data = load_cbs(data_dir=snapshot_dir)
    r = data.regions_of(2024).set_index("gemeente_code")
    assert r.loc["GM0917", "corop_code"] == "CR39" and r.loc["GM0917", "provincie_code"] == "PV31"
    assert r.loc["GM0917", "gemeente_name"] == "Heerlen" and r.loc["GM0917", "corop_name"] == "Zuid-Limburg"


def test_an_unknown_unit_is_an_error_not_a_factor_one(fixtures, monkeypatch, tmp_path, snapshot_dir):
    with pytest.raises(DataError) as exc:
        _load_changed(fixtures, monkeypatch, tmp_path, snapshot_dir, "83582NED", "Banen_1", "Unit", "x 1 000 000")
    assert "83582NED" in str(exc.value) and "'x 1 000 000'" in str(exc.value) and "units" in str(exc.value)


def test_http_500_503_and_429_are_retried(server, tmp_path):
    server.fail_status[("81575NED", 0)] = [500, 503, 429]
    entry = cbs_cache.download("81575NED", tmp_path / "cache")
    assert not server.fail_status[("81575NED", 0)]  # all three answered, then the table came
    assert len(json.loads((entry.folder / "TypedDataSet.json").read_text())) == len(server.fixtures["81575NED"]["TypedDataSet"])


def test_a_server_that_never_answers_hits_the_deadline_naming_the_table(tmp_path):
    import socket
    import threading
    import time

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    held = []
    stop = threading.Event()

    def accept():
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])  # accept, never answer
            except OSError:
                pass

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    started = time.monotonic()
    try:
        with pytest.raises(DataError) as exc:
            cbs_cache.download("81575NED", tmp_path / "cache", url=f"http://127.0.0.1:{listener.getsockname()[1]}",
                               timeout_s=0.5, deadline_s=2.0, backoff_s=0.1)
    finally:
        stop.set()
        thread.join(2)
        for c in held:
            c.close()
        listener.close()
    assert time.monotonic() - started < 10
    assert "81575NED" in str(exc.value)
    assert not list((tmp_path / "cache").glob(".81575NED.partial*"))


@pytest.mark.parametrize("case", ["traversal_table", "traversal_file", "bad_json", "tables_list", "absolute",
                                  "missing_member", "size_lie"])
def test_import_refuses_unsafe_or_broken_exports_and_writes_nothing_outside(case, server, tmp_path):
    from blp.cli import main

    assert main(["data", "fetch", "81575NED"]) == 0
    good = tmp_path / "good.zip"
    assert main(["data", "export", str(good), "81575NED"]) == 0
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "keep.txt").write_text("mine")
    cache = tmp_path / "cache"
    before = sorted(p.name for p in (cache / "81575NED").iterdir())
    with zipfile.ZipFile(good) as src:
        doc = json.loads(src.read("blp-export.json"))
        members = {i.filename: src.read(i) for i in src.infolist() if i.filename != "blp-export.json"}
    entry = doc["tables"]["81575NED"]
    if case == "traversal_table":
        doc["tables"] = {"../../victim": entry}
        members = {f"../../victim/{k.split('/', 1)[1]}": v for k, v in members.items()}
    elif case == "traversal_file":
        entry["files"]["../../victim/keep.txt"] = entry["files"]["TableInfos.json"]
        members["81575NED/../../victim/keep.txt"] = members["81575NED/TableInfos.json"]
    elif case == "absolute":
        entry["files"][str(victim / "keep.txt")] = entry["files"]["TableInfos.json"]
    elif case == "tables_list":
        doc["tables"] = [entry]
    elif case == "missing_member":
        members.pop("81575NED/TableInfos.json")
    elif case == "size_lie":
        entry["sizes"]["TypedDataSet.json"] = 10
    bad = tmp_path / "bad.zip"
    with zipfile.ZipFile(bad, "w") as dst:
        dst.writestr("blp-export.json", "{not json" if case == "bad_json" else json.dumps(doc))
        for name, data in members.items():
            dst.writestr(name, data)
    assert main(["data", "import", str(bad)]) == 2
    assert (victim / "keep.txt").read_text() == "mine" and sorted(p.name for p in victim.iterdir()) == ["keep.txt"]
    assert sorted(p.name for p in (cache / "81575NED").iterdir()) == before  # the good cached table is intact
    assert not [p for p in cache.iterdir() if p.name.startswith(".")]


def test_fetch_and_status_tell_rows_modified_and_provisional_years(server, capsys):
    from blp.cli import main

    assert main(["data", "fetch", "83582NED", "81575NED"]) == 0
    out = capsys.readouterr().out
    assert "83582NED: Banen van werknemers" in out and "rijen, CBS gewijzigd 2024-06-24" in out
    assert main(["data", "status"]) == 0
    status = {line.split()[0]: line for line in capsys.readouterr().out.splitlines()[1:]}
    n = len(server.fixtures["83582NED"]["TypedDataSet"])
    assert f"{n} rijen, voorlopige jaren: 2024" in status["83582NED"]
    assert "voorlopige jaren: geen" in status["81575NED"]
    assert "niet in de cache (blp data fetch 70072ned)" in status["70072ned"]


@pytest.mark.parametrize("change", ["bad_date", "no_date", "unknown_table", "size_text"])
def test_import_refuses_manifests_that_would_break_the_cache_later(change, server, tmp_path):
    from blp.cli import main

    assert main(["data", "fetch", "81575NED"]) == 0
    good = tmp_path / "good.zip"
    assert main(["data", "export", str(good), "81575NED"]) == 0
    with zipfile.ZipFile(good) as src:
        doc = json.loads(src.read("blp-export.json"))
        members = {i.filename: src.read(i) for i in src.infolist() if i.filename != "blp-export.json"}
    entry = doc["tables"]["81575NED"]
    if change == "bad_date":
        entry["downloaded_utc"] = "yesterday"
    elif change == "no_date":
        entry.pop("downloaded_utc")
    elif change == "unknown_table":
        doc["tables"] = {"ABCDE": entry}
        members = {f"ABCDE/{k.split('/', 1)[1]}": v for k, v in members.items()}
    else:
        entry["sizes"]["TableInfos.json"] = str(entry["sizes"]["TableInfos.json"])
    bad = tmp_path / "bad.zip"
    with zipfile.ZipFile(bad, "w") as dst:
        dst.writestr("blp-export.json", json.dumps(doc))
        for name, data in members.items():
            dst.writestr(name, data)
    assert main(["data", "import", str(bad)]) == 2
    assert main(["data", "status"]) == 0  # the cache still reads


def test_retries_mean_attempts_and_zero_is_one_attempt(server, tmp_path):
    """tenacity counts attempts: retries=0 or 1 tries once (a 503 then fails), retries=2 gets past one 503."""
    server.fail_status[("81575NED", 0)] = [503]
    with pytest.raises(DataError, match="na 1 pogingen"):
        cbs_cache.download("81575NED", tmp_path / "a", retries=0, backoff_s=0.01)
    server.fail_status[("81575NED", 0)] = [503]
    cbs_cache.download("81575NED", tmp_path / "b", retries=2, backoff_s=0.01)
    assert not server.fail_status[("81575NED", 0)]


def test_real_layouts_sections_pages_dissolved_gemeenten_and_titles(server, snapshot_dir):
    """What CBS really serves, read right: jobs per SBI section of a real CBS dimension add up to the kit's groups
    (no A+O-Q where A and O-Q come apart), 10 000-row pages followed, dissolved gemeenten's nulls dropped, region
    titles with suffixes (' (gemeente)', ' (CR)') never used as names, landsdelen and Extra-Regio not allocated."""
    data = load_cbs(data_dir=snapshot_dir)
    snap = load_data("snapshot", snapshot_dir)
    # sections -> groups: the COROP jobs per group equal the published groups
    key = ["year", "corop_code", "industry_code"]
    live = data.regional_jobs.dropna(subset=["jobs"]).set_index(key)["jobs"].sort_index()
    offline = snap.regional_jobs.dropna(subset=["jobs"]).set_index(key)["jobs"].sort_index()
    assert set(live.index.get_level_values("industry_code")) == {"A", "B-E", "F", "G-I", "J", "K", "L", "M-N", "O-Q",
                                                                  "R-U", "TOTAL"}
    assert (live - offline.reindex(live.index)).abs().max() == 0 and len(live) == len(offline)
    jobs = data.activity[data.activity["measure"] == "jobs"]
    assert "A+O-Q" not in set(jobs["industry_code"]) and jobs["value"].notna().all()
    # the dataset of 83582NED came in pages of 10 000 rows, and the sections the kit reads were on them
    pages = [q for t, n, q in server.queries if t == "83582NED" and n == "TypedDataSet"]
    assert [q.get("$skip", "0") for q in pages] == ["0", "10000"]
    served = {r["BedrijfstakkenBranchesSBI2008"] for r in server.fixtures["83582NED"]["TypedDataSet"]}
    assert {"305700 ", "307500 ", "346600 ", "348000 "} <= served  # B, C, D, E: B-E from its sections
    # dissolved gemeenten: CBS's null rows are not figures
    gone = {r["RegioS"].strip() for r in server.fixtures["81575NED"]["TypedDataSet"] if r["Vestigingen_1"] is None}
    assert gone and not data.activity["value"].isna().any()
    est = data.activity[data.activity["measure"] == "establishments"]
    assert len(est) == len(snap.activity[snap.activity["measure"] == "establishments"])
    # names come from the Gebieden tables, not from the suffixed region titles of the statistical tables
    titles = {r["Key"].strip(): r["Title"] for r in server.fixtures["83582NED"]["RegioS"]}
    assert titles["GM0014"] == "Groningen (gemeente)" and titles["CR01"] == "Oost-Groningen (CR)"
    names = data.regions[data.regions["year"] == 2024].set_index("gemeente_code")["gemeente_name"]
    offline_names = snap.regions[snap.regions["year"] == 2024].set_index("gemeente_code")["gemeente_name"]
    assert names["GM0014"] == "Groningen" and names.equals(offline_names.reindex(names.index))
    assert not data.value_added["region_code"].str.startswith("LD").any()
    assert set(data.value_added["region_level"]) == {"land", "provincie", "corop", "extra"}


def test_kerncijfers_are_fetched_with_select_and_filter_not_whole(server, snapshot_dir, tmp_path):
    """70072ned has 300-odd topics for every region level: the kit asks CBS for the dimensions and the four
    topics it reads, for gemeenten only, on every page; the cache holds just that and says so."""
    entry = cbs_source.fetch("70072ned", tmp_path / "cache")
    wanted = ["RegioS", "Perioden", "TotaleBevolking_1", "Woningvoorraad_3", "GemiddeldeWOZWaardeVanWoningen_4",
              "Bevolkingsdichtheid_57"]
    asked = [q for t, n, q in server.queries if t == "70072ned" and n == "TypedDataSet"]
    assert asked and all(q["$select"] == ",".join(wanted) and q["$filter"] == "substringof('GM',RegioS)" for q in asked)
    rows = json.loads((entry.folder / "TypedDataSet.json").read_text())
    assert rows and all(list(r) == wanted and r["RegioS"].startswith("GM") for r in rows)
    assert entry.manifest["select"] == wanted and entry.manifest["filter"] == "substringof('GM',RegioS)"
    # what the selection saves: the whole table has every topic and the provinces and landsdelen too
    whole = server.fixtures["70072ned"]["TypedDataSet"]
    topics = [p for p in server.fixtures["70072ned"]["DataProperties"] if p["Type"] == "Topic"]
    assert len(topics) > 300 and len(whole) > len(rows) and not all(r["RegioS"].startswith("GM") for r in whole)
    full = json.dumps([{p["Key"]: r.get(p["Key"]) for p in topics} for r in whole])
    assert len((entry.folder / "TypedDataSet.json").read_bytes()) * 20 < len(full)


def test_a_filter_the_server_refuses_is_an_error_naming_the_table(server, tmp_path, monkeypatch):
    monkeypatch.setitem(cbs_source.spec_of("70072ned"), "filters", "startswith(RegioS,'GM')")
    with pytest.raises(DataError, match="70072ned"):
        cbs_source.fetch("70072ned", tmp_path / "cache")
    assert cbs_cache.cached("70072ned", tmp_path / "cache") is None


def test_a_group_with_a_section_cbs_does_not_publish_is_unknown_not_a_partial_sum(fixtures, monkeypatch, tmp_path,
                                                                                   snapshot_dir):
    broken = json.loads(json.dumps(fixtures))
    rows = broken["83582NED"]["TypedDataSet"]
    # C (industrie) of CR39 in 2019 not published: B-E of CR39 2019 cannot be B + D + E
    hit = [r for r in rows if r["RegioS"] == "CR39  " and r["Perioden"] == "2019JJ00"
           and r["BedrijfstakkenBranchesSBI2008"] == "307500 "]
    assert len(hit) == 1
    hit[0]["Banen_1"] = None
    monkeypatch.setenv("BLP_CACHE_DIR", str(tmp_path / "cache"))
    with CbsServer(broken) as s:
        monkeypatch.setenv("BLP_CBS_URL", s.url)
        data = load_cbs(data_dir=snapshot_dir)
    jobs = data.regional_jobs.set_index(["year", "corop_code", "industry_code"])["jobs"]
    assert ("2019", "CR39", "B-E") not in jobs.dropna().index and (2019, "CR39", "B-E") not in jobs.dropna().index
    assert jobs.dropna().loc[(2019, "CR39", "F")] > 0  # the other groups of that region and year are there


def test_an_activity_table_that_leaves_a_kit_group_unmapped_stops_naming_table_and_group(fixtures, monkeypatch,
                                                                                        tmp_path, snapshot_dir):
    """83582NED without its J category (Informatie en communicatie): no BLP with a group silently missing."""
    broken = json.loads(json.dumps(fixtures))
    table = broken["83582NED"]
    table["BedrijfstakkenBranchesSBI2008"] = [c for c in table["BedrijfstakkenBranchesSBI2008"]
                                              if not c["Title"].startswith("J ")]
    monkeypatch.setenv("BLP_CACHE_DIR", str(tmp_path / "cache"))
    with CbsServer(broken) as s:
        monkeypatch.setenv("BLP_CBS_URL", s.url)
        with pytest.raises(DataError) as exc:
            load_cbs(data_dir=snapshot_dir)
    assert "83582NED" in str(exc.value) and "J" in str(exc.value) and "cbs_catalog.yaml" in str(exc.value)


def _serve_changed(fixtures, monkeypatch, tmp_path, change):
    """load_cbs from a server whose fixtures ``change`` altered (a deep copy)."""
    broken = json.loads(json.dumps(fixtures))
    change(broken)
    monkeypatch.setenv("BLP_CACHE_DIR", str(tmp_path / "cache"))
    with CbsServer(broken) as s:
        monkeypatch.setenv("BLP_CBS_URL", s.url)
        return load_cbs()


def _first(rows, **where):
    return next(r for r in rows if all(r.get(k) == v for k, v in where.items()))


def _repeat_cr39(t):
    t["84419NED"]["TypedDataSet"] += [dict(r) for r in t["84419NED"]["TypedDataSet"] if r["RegioS"] == "CR39  "]


def _text_population(t):
    _first(t["70072ned"]["TypedDataSet"], RegioS="GM0917")["TotaleBevolking_1"] = "86.762"


def _dash_establishments(t):
    rows = [r for r in t["81575NED"]["TypedDataSet"] if r["RegioS"] == "GM0917" and r["Vestigingen_1"] is not None]
    rows[0]["Vestigingen_1"] = "-"


def _duplicate_category(t):
    t["83582NED"]["BedrijfstakkenBranchesSBI2008"].append({"Key": "999999 ", "Title": "B Delfstoffenwinning",
                                                          "Description": None, "CategoryGroupID": 3})


@pytest.mark.parametrize("change, words", [
    (_repeat_cr39, ["84419NED", "CR39", "keer voor"]),
    (_text_population, ["70072ned", "TotaleBevolking_1", "GM0917", "'86.762'"]),
    (_dash_establishments, ["81575NED", "Vestigingen_1", "GM0917", "'-'"]),
    (_duplicate_category, ["83582NED", "dezelfde SBI-secties", "999999"]),
])
def test_what_cbs_could_serve_wrongly_stops_naming_the_table_never_a_number(change, words, fixtures, monkeypatch,
                                                                             tmp_path):
    """A repeated page (rows twice), text where a number belongs, two categories for the same sections: each
    would have given a BLP (doubled, a row dropped, 86.762 inhabitants, one of the two chosen)."""
    with pytest.raises(DataError) as exc:
        _serve_changed(fixtures, monkeypatch, tmp_path, change)
    assert all(w in str(exc.value) for w in words), str(exc.value)


def test_a_null_title_is_no_title_not_a_crash(fixtures, monkeypatch, tmp_path, snapshot_dir):
    def change(t):
        _first(t["83582NED"]["BedrijfstakkenBranchesSBI2008"], Key="422600 ")["Title"] = None  # 861 Ziekenhuizen
    data = _serve_changed(fixtures, monkeypatch, tmp_path, change)
    assert not data.regional_jobs.empty


def test_a_section_cbs_does_not_publish_anywhere_in_a_year_leaves_the_group_unknown_not_gone(fixtures, monkeypatch,
                                                                                              tmp_path):
    """Section B null in every COROP in 2019: B-E of 2019 is unknown (to be filled as suppressed cells are), not a
    group that has left the key (which moved every gemeente's BLP)."""
    def change(t):
        for r in t["83582NED"]["TypedDataSet"]:
            if r["BedrijfstakkenBranchesSBI2008"] == "305700 " and r["Perioden"] == "2019JJ00" and \
                    r["RegioS"].startswith("CR"):
                r["Banen_1"] = None
    data = _serve_changed(fixtures, monkeypatch, tmp_path, change)
    be = data.regional_jobs[(data.regional_jobs["year"] == 2019) & (data.regional_jobs["industry_code"] == "B-E")]
    assert {f"CR{i:02d}" for i in range(1, 41)} <= set(be["corop_code"]) and be["jobs"].isna().all()
    national = compute_blp(data, resolve_choices(data, load_params())).national
    assert national["blp_meur"].notna().all() and (national["blp_meur"] > 0).all()


def test_a_next_link_that_points_back_at_its_page_stops_with_a_message(server, tmp_path):
    server.loop_next.add("81575NED")
    with pytest.raises(DataError, match="dezelfde pagina nog eens"):
        cbs_cache.download("81575NED", tmp_path / "cache")
    assert cbs_cache.cached("81575NED", tmp_path / "cache") is None


def test_the_deadline_holds_while_pages_come_in(server, tmp_path):
    with pytest.raises(DataError, match="niet binnen 0 s"):
        cbs_cache.download("83582NED", tmp_path / "cache", deadline_s=0.0)


def test_a_selection_that_does_not_fit_is_one_message_with_its_own_fix(fixtures, monkeypatch, tmp_path):
    """70072ned without its WOZ topic: the message names the table and the catalogue, once, and does not send the
    user to look for a network connection."""
    def change(t):
        t["70072ned"]["DataProperties"] = [p for p in t["70072ned"]["DataProperties"]
                                           if p["Key"] != "GemiddeldeWOZWaardeVanWoningen_4"]
    with pytest.raises(DataError) as exc:
        _serve_changed(fixtures, monkeypatch, tmp_path, change)
    text = str(exc.value)
    assert "70072ned" in text and "cbs_catalog.yaml" in text and text.count("Oplossing") == 1
    assert "netwerkverbinding" not in text


def test_fetch_prints_no_log_lines_and_nader_voorlopig_is_provisional(server, tmp_path, capfd):
    import logging

    handler = logging.StreamHandler()  # a root handler, as an application around the kit may have
    logging.getLogger().addHandler(handler)
    try:
        cbs_source.fetch("83582NED", tmp_path / "cache", on_page=lambda n: None)
    finally:
        logging.getLogger().removeHandler(handler)
    assert "Download" not in capfd.readouterr().err
    assert cbs_cache.provisional_in([{"Key": "2023JJ00", "Title": "2023", "Status": "Nader voorlopig"},
                                     {"Key": "2022JJ00", "Title": "2022", "Status": "Definitief"}]) == [2023]


@pytest.mark.parametrize("table", ["../victim", "../../victim", "/tmp/x", "81575NED/.."])
def test_fetch_refuses_what_is_no_table_code_and_touches_nothing(table, server, tmp_path, capsys):
    """`blp data fetch ../victim` replaced a folder next to the cache with the table's files (a breaker's finding)."""
    from blp.cli import main

    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "keep.txt").write_text("mine")
    assert main(["data", "fetch", "81575NED", table]) == 2
    err = capsys.readouterr().err
    assert "is geen CBS-tabelcode" in err and "84721NED" in err, err
    assert (victim / "keep.txt").read_text() == "mine" and sorted(p.name for p in victim.iterdir()) == ["keep.txt"]
    assert not (tmp_path / "cache" / "81575NED").exists()  # checked before the first download


def test_fetch_refuses_a_table_without_its_columns_and_keeps_nothing(server, tmp_path, capsys):
    """A server that sent a table without DataProperties: `blp data fetch` said it was fetched ('0 rijen') and
    `--source cbs` refused it later (a breaker's finding)."""
    import copy

    from blp.cli import main

    broken = copy.deepcopy(server.fixtures["81575NED"])
    broken["DataProperties"] = []
    server.fixtures["99999NED"] = broken
    assert main(["data", "fetch", "99999NED"]) == 2
    err = capsys.readouterr().err
    assert "CBS-tabel 99999NED" in err and "zonder beschrijving van haar kolommen (DataProperties)" in err, err
    assert not (tmp_path / "cache" / "99999NED").exists()
