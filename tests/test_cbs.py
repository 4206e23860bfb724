"""The live CBS path: cbsodata for real against a local OData server, the cache, and its failure modes."""

import json
import shutil
import sys
import zipfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from cbs_server import CbsServer, build_fixtures  # noqa: E402

from blp.berekening.calculation import compute_blp, resolve_choices  # noqa: E402
from blp.data import cbs_cache, load_data  # noqa: E402
from blp.data.cbs_source import load_cbs, table_ids  # noqa: E402
from blp.errors import DataError  # noqa: E402
from blp.params import load_params  # noqa: E402


@pytest.fixture(scope="module")
def fixtures(snapshot_dir):
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
    assert any("kon niet worden ververst" in str(getattr(x, "data", "")) for x in shown)


def test_server_down_without_cache_names_the_table_and_the_fix(server, snapshot_dir):
    server.stop()
    with pytest.raises(DataError) as exc:
        load_cbs(data_dir=snapshot_dir)
    msg = str(exc.value)
    assert "is not in the cache" in msg and "blp data fetch" in msg and "blp data import" in msg


def test_connection_reset_mid_table_is_retried(server, tmp_path):
    server.reset_pages[("81575NED", 400)] = 1  # the second page of the dataset fails once
    entry = cbs_cache.download("81575NED", tmp_path / "cache")
    rows = json.loads((entry.folder / "TypedDataSet.json").read_text())
    assert len(rows) == len(server.fixtures["81575NED"]["TypedDataSet"])


def test_persistent_reset_never_replaces_a_good_cache(server, tmp_path):
    good = cbs_cache.download("81575NED", tmp_path / "cache")
    before = (good.folder / "blp-cache.json").read_text()
    server.reset_pages[("81575NED", 800)] = 100
    with pytest.raises(DataError, match="after 4 attempts"):
        cbs_cache.download("81575NED", tmp_path / "cache")
    assert (good.folder / "blp-cache.json").read_text() == before
    assert cbs_cache.cached("81575NED", tmp_path / "cache") is not None
    assert not list((tmp_path / "cache").glob(".81575NED.partial*"))


def test_table_missing_its_measure_is_a_clear_error(fixtures, monkeypatch, tmp_path, snapshot_dir):
    broken = json.loads(json.dumps(fixtures))
    for p in broken["81575NED"]["DataProperties"]:
        if p["Key"] == "Vestigingen_1":
            p["Title"] = "Bedrijven"
    monkeypatch.setenv("BLP_CACHE_DIR", str(tmp_path / "cache"))
    with CbsServer(broken) as s:
        monkeypatch.setenv("BLP_CBS_URL", s.url)
        with pytest.raises(DataError) as exc:
            load_cbs(data_dir=snapshot_dir)
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
    assert 4_000 < manifest["headline"]["blp_meur"] < 4_300  # the same as the snapshot run (jobs key)
