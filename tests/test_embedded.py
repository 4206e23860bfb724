"""The data set inside the kit: the same bytes as the reference snapshot, found without any setting."""

import hashlib
import json
import os
import shutil
import subprocess
import sys

import numpy as np
import pandas as pd

from blp.beleid.io_table import read_eurostat_sut, read_io_csv
from blp.beleid.policy import EMBEDDED_IO
from blp.data import embedded, load_data
from blp.paths import EMBEDDED_DATA_DIR, PROJECT_ROOT
from helpers import run_cli


def test_embedded_files_match_their_recorded_checksums():
    assert embedded.verify() == []
    doc = embedded.manifest()
    assert set(doc["files"]) >= {"regions.csv", "value_added.csv", "boundary_changes.csv", "README.md",
                                 "jobs_gemeente.csv", "value_added_series.csv", "gemeenten_2024.geojson"}
    assert (EMBEDDED_DATA_DIR / "LICENCE-boundary_changes.md").read_text().startswith(
        "# Licence of `boundary_changes.csv.gz`: CC BY-NC-SA 4.0")


def test_embedded_copy_equals_the_reference_snapshot_file_by_file(shared_dir):
    reference = sorted(p for p in (shared_dir / "snapshot").iterdir() if p.is_file())
    doc = embedded.manifest()
    assert sorted(doc["files"]) == [p.name for p in reference]
    for p in reference:
        stored = EMBEDDED_DATA_DIR / embedded.stored_name(p.name)
        assert embedded.content_sha256(stored) == hashlib.sha256(p.read_bytes()).hexdigest(), p.name


def test_refresh_is_deterministic(shared_dir, tmp_path):
    target = tmp_path / "snapshot"
    embedded.refresh(shared_dir / "snapshot", target)
    first = {p.name: p.read_bytes() for p in target.iterdir() if p.name != embedded.MANIFEST}
    embedded.refresh(shared_dir / "snapshot", target)
    assert first == {p.name: p.read_bytes() for p in target.iterdir() if p.name != embedded.MANIFEST}
    for name in first:
        if name.endswith(".gz"):
            assert first[name] == (EMBEDDED_DATA_DIR / name).read_bytes(), name


def test_embedded_io_table_is_what_the_kit_derives_from_eurostat(shared_dir):
    d = shared_dir / "data" / "raw" / "eurostat_sut_nl_2022"
    derived, _ = read_eurostat_sut(d / "naio_10_cp15_NL_2022.json", d / "naio_10_cp16_NL_2022.json")
    ours = read_io_csv(EMBEDDED_IO)
    assert ours.industries == derived.industries
    assert np.array_equal(ours.flows.to_numpy(), derived.flows.to_numpy())
    assert np.array_equal(ours.output.to_numpy(), derived.output.to_numpy())
    prov = json.loads(EMBEDDED_IO.with_suffix(".json").read_text())
    for name, digest in prov["sources"].items():
        assert hashlib.sha256((d / name).read_bytes()).hexdigest() == digest


def test_no_setting_means_the_embedded_data_and_the_same_numbers(monkeypatch, shared_dir):
    monkeypatch.delenv("BLP_DATA_DIR", raising=False)
    code, out, _ = run_cli("table")
    assert code == 0
    code, ref, _ = run_cli("table", "--data", str(shared_dir / "snapshot"))
    assert code == 0 and out == ref


def test_own_boundary_weights_replace_the_licensed_ones(tmp_path, snapshot_dir):
    src = pd.read_csv(snapshot_dir / "boundary_changes.csv.gz" if (snapshot_dir / "boundary_changes.csv.gz").exists()
                      else snapshot_dir / "boundary_changes.csv", dtype={"from_code": str, "to_code": str})
    own = tmp_path / "my_weights.csv"
    src.drop(columns=["licence"]).to_csv(own, index=False)
    data = load_data("snapshot", snapshot_dir, boundary_weights=own)
    weights = next(f for f in data.inputs if f.table == "boundary_changes")
    assert weights.path == str(own) and weights.licence == "eigen bestand"
    code, _, err = run_cli("table", "--data", str(snapshot_dir), "--boundary-weights", str(tmp_path / "nope.csv"))
    assert code == 2 and "nope.csv bestaat niet" in err


def test_a_built_wheel_runs_a_gemeente_in_an_empty_folder(tmp_path):
    """pip install . and `blp run GM0917` outside the checkout: data, notebooks and params come from the wheel."""
    wheels, target, empty = tmp_path / "wheels", tmp_path / "site", tmp_path / "empty"
    empty.mkdir()
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run(pip + ["wheel", "--no-deps", "--no-build-isolation", "-w", str(wheels), str(PROJECT_ROOT)],
                   check=True, capture_output=True, cwd=tmp_path)
    subprocess.run(pip + ["install", "--no-deps", "--target", str(target), *map(str, wheels.glob("*.whl"))],
                   check=True, capture_output=True)
    env = {k: v for k, v in os.environ.items() if k not in ("BLP_DATA_DIR", "BLP_PARAMS_DIR")}
    env["PYTHONPATH"] = str(target)
    proc = subprocess.run([sys.executable, "-m", "blp", "run", "GM0917", "--no-progress"], cwd=empty, env=env,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    runs = list((empty / "outputs" / "GM0917").iterdir())
    assert len(runs) == 1 and (runs[0] / "04_beleidsvertaling.html").exists()
    manifest = json.loads((runs[0] / "manifest.json").read_text())
    assert manifest["data_source"] == "snapshot:ingebouwd"
    assert all(str(target) in i["path"] for i in manifest["inputs"] if i["table"] != "io_table")
    shutil.rmtree(target)
