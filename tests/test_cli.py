"""The command line: national table, gemeente list, and errors a person can act on."""

import io
import subprocess
import sys

import pandas as pd

from helpers import run_cli


def test_table_to_stdout_has_every_gemeente_and_adds_up(snapshot_dir, result):
    code, out, _ = run_cli("table", "--data", str(snapshot_dir))
    assert code == 0
    df = pd.read_csv(io.StringIO(out))
    assert len(df) == 342
    assert {"gemeente_code", "gemeente_name", "corop_code", "blp_meur", "blp_per_inhabitant_eur",
            "blp_meur_A", "blp_meur_O-Q", "blp_meur_L"} <= set(df.columns)
    assert abs(df["blp_meur"].sum() - (result.nl_total_meur - result.extra_regio_meur)) < 1e-3
    groups = [c for c in df.columns if c.startswith("blp_meur_")]
    assert (df[groups].sum(axis=1) - df["blp_meur"]).abs().max() < 1e-5


def test_table_options_change_the_key_year(snapshot_dir, tmp_path):
    out_file = tmp_path / "nl.csv"
    code, _, err = run_cli("table", "--data", str(snapshot_dir), "--key-year", "2022", "--out", str(out_file))
    assert code == 0 and "key jobs 2022" in err
    df24 = pd.read_csv(out_file).set_index("gemeente_code")
    _, out, _ = run_cli("table", "--data", str(snapshot_dir))
    df18 = pd.read_csv(io.StringIO(out)).set_index("gemeente_code")
    assert df24.loc["GM0917", "blp_meur"] != df18.loc["GM0917", "blp_meur"]
    assert abs(df24["blp_meur"].sum() - df18["blp_meur"].sum()) < 1e-3


def test_bad_key_year_is_an_error_listing_valid_years(snapshot_dir):
    code, _, err = run_cli("table", "--data", str(snapshot_dir), "--key-year", "2018")
    assert code == 2
    assert "2019, 2020, 2021, 2022, 2023" in err
    code, _, err = run_cli("table", "--data", str(snapshot_dir), "--key", "establishments", "--key-year", "2019")
    assert code == 2 and "2018, 2022, 2024" in err


def test_gemeenten_lists_codes_and_names(snapshot_dir):
    code, out, _ = run_cli("gemeenten", "--data", str(snapshot_dir))
    df = pd.read_csv(io.StringIO(out))
    assert code == 0 and len(df) == 342
    assert df.set_index("gemeente_code").loc["GM0917", "gemeente_name"] == "Heerlen"


def test_run_with_unknown_gemeente_fails_before_writing_anything(snapshot_dir, tmp_path):
    code, _, err = run_cli("run", "GM9999", "--data", str(snapshot_dir), "--out", str(tmp_path))
    assert code == 2
    assert "'GM9999' is not a gemeente of 2024" in err
    assert list(tmp_path.iterdir()) == []


def test_run_with_merged_gemeente_names_its_successor(snapshot_dir, tmp_path):
    code, _, err = run_cli("run", "GM0457", "--data", str(snapshot_dir), "--out", str(tmp_path))
    assert code == 2 and "GM0363 Amsterdam" in err
    assert list(tmp_path.iterdir()) == []


def test_module_entry_point_works(snapshot_dir):
    proc = subprocess.run([sys.executable, "-m", "blp", "gemeenten", "--data", str(snapshot_dir)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0 and "GM0917,Heerlen" in proc.stdout


def test_workers_must_be_positive(capsys):
    import pytest

    from blp.cli import main

    with pytest.raises(SystemExit) as exc:
        main(["run", "GM0917", "--workers", "-3"])
    assert exc.value.code == 2 and "-3 is not a positive number" in capsys.readouterr().err


def test_output_paths_that_cannot_be_written_are_messages(tmp_path):
    afile = tmp_path / "afile"
    afile.write_text("x")
    for args, message in [(["table", "--out", str(tmp_path / "nodir" / "x.csv")], "does not exist"),
                          (["table", "--out", str(tmp_path)], "is a folder; the output is a file"),
                          (["validate", "--out", str(tmp_path)], "is a folder; the output is a file"),
                          (["run", "GM0917", "--out", str(afile)], "is a file; it names the folder"),
                          (["table", "--data", str(afile)], "is a file; --data and BLP_DATA_DIR name a folder"),
                          (["run", "GM0917", "--out", str(afile / "sub")], "check that the folder exists, is writable")]:
        code, _, err = run_cli(*args)
        assert code == 2 and message in err, (args, err)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["afile"]


def test_jobs_of_2023_are_usable_on_2024_boundaries(snapshot_dir):
    code, out, _ = run_cli("table", "--data", str(snapshot_dir), "--key-year", "2023")
    assert code == 0
    t = pd.read_csv(io.StringIO(out)).set_index("gemeente_code")
    assert len(t) == 342 and t["blp_meur"].gt(0).all()
