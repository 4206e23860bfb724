"""The command line: national table, gemeente list, and errors a person can act on."""

import io
import subprocess
import sys

import pandas as pd
import pytest

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
    assert code == 0 and ("verdeelsleutel banen per sector (2022), sectorverdeling geschat, gewogen naar "
                          "banendichtheid; bij bouw en cultuur/overige diensten gemiddeld met vestigingen (2022)") in err
    df24 = pd.read_csv(out_file).set_index("gemeente_code")
    _, out, _ = run_cli("table", "--data", str(snapshot_dir))
    df18 = pd.read_csv(io.StringIO(out)).set_index("gemeente_code")
    assert df24.loc["GM0917", "blp_meur"] != df18.loc["GM0917", "blp_meur"]
    assert abs(df24["blp_meur"].sum() - df18["blp_meur"].sum()) < 1e-3
    code, _, err = run_cli("table", "--data", str(snapshot_dir), "--no-density", "--out", str(tmp_path / "plain.csv"))
    plain = pd.read_csv(tmp_path / "plain.csv").set_index("gemeente_code")
    assert code == 0 and "niet gewogen naar banendichtheid" in err
    assert plain.loc["GM0917", "blp_meur"] < df18.loc["GM0917", "blp_meur"]  # Heerlen, denser than its region
    assert abs(plain["blp_meur"].sum() - df18["blp_meur"].sum()) < 1e-3


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
    assert "'GM9999' is geen gemeente van 2024" in err
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
    err = capsys.readouterr().err
    assert exc.value.code == 2 and "blp run: fout: argument --workers: -3 is geen positief getal" in err


def test_output_paths_that_cannot_be_written_are_messages(tmp_path):
    afile = tmp_path / "afile"
    afile.write_text("x")
    for args, message in [(["table", "--out", str(tmp_path / "nodir" / "x.csv")], "nodir bestaat niet"),
                          (["table", "--out", str(tmp_path)], "is een map; de uitvoer is een bestand"),
                          (["validate", "--out", str(tmp_path)], "is een map; de uitvoer is een bestand"),
                          (["run", "GM0917", "--out", str(afile)], "is een bestand; --out is de map"),
                          (["table", "--data", str(afile)], "is een bestand; --data en BLP_DATA_DIR wijzen een map"),
                          (["run", "GM0917", "--out", str(afile / "sub")],
                           "controleer of de map bestaat, of je erin mag schrijven")]:
        code, out, err = run_cli(*args)
        assert code == 2 and message in err, (args, err)
        assert not out  # refused before anything is computed or printed (validate printed its whole report first)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["afile"]


def test_a_folder_where_the_overview_goes_is_refused_before_any_report(tmp_path):
    """A breaker's folder named index.html in the outputs folder: the run made every report, then failed on the
    overview with the name of a hidden temporary file."""
    for name in ("index.html", "blp_gemeenten_nl.csv"):
        out = tmp_path / name.split(".")[0]
        (out / name).mkdir(parents=True)
        code, stdout, err = run_cli("run", "GM0917", "--out", str(out))
        assert code == 2 and not stdout, err
        assert err.startswith(f"blp: fout: {out / name} is een map; elke run schrijft daar het overzicht als bestand.")
        assert "haal die map weg of geef haar een andere naam" in err
        assert [p.name for p in out.iterdir()] == [name]


def test_a_file_named_like_a_gemeente_in_the_outputs_folder_is_refused_before_any_report(tmp_path):
    """A breaker's file 'GM0917' in the outputs folder was found only when Heerlen's report was written, with the
    generic 'bestaat al'."""
    (tmp_path / "GM0917").write_text("x")
    code, stdout, err = run_cli("run", "GM0917", "--out", str(tmp_path))
    assert code == 2 and not stdout, err
    assert err.startswith(f"blp: fout: {tmp_path / 'GM0917'} is een bestand; de runs van Heerlen komen in een map met "
                          "die naam.")
    assert "haal het bestand weg of geef het een andere naam" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["GM0917"]


def test_os_errors_are_dutch_with_a_fix_that_fits():
    import errno

    from blp.errors import OS_FIXES, os_problem as _os_problem

    assert _os_problem(OSError(errno.ENAMETOOLONG, "File name too long")) == "de naam van het bestand of de map is te lang"
    assert "korter pad" in OS_FIXES[errno.ENAMETOOLONG] and "TMPDIR" in OS_FIXES[errno.ENAMETOOLONG]
    assert _os_problem(OSError(errno.EISDIR, "Is a directory")) == "dit is een map, geen bestand"
    # a job's error in a batch reads the same (it was "[Errno 36] File name too long: ...")
    from blp.uitvoering.jobs import error_line

    assert error_line(OSError(errno.ENAMETOOLONG, "File name too long", "/x/y.csv")) == \
        "de naam van het bestand of de map is te lang (/x/y.csv)"
    assert error_line(ValueError("eerste regel\ntweede")) == "eerste regel"


def test_out_never_overwrites_an_input_file_and_an_empty_out_is_refused(tmp_path, snapshot_dir):
    """A breaker's 'blp validate --data D --out D/value_added.csv' destroyed its own input file."""
    import shutil

    data = tmp_path / "data"
    shutil.copytree(snapshot_dir, data)
    before = (data / "value_added.csv.gz").read_bytes()
    for command in ("validate", "table"):
        code, out, err = run_cli(command, "--data", str(data), "--out", str(data / "value_added.csv.gz"))
        assert code == 2 and "value_added.csv.gz is een invoerbestand van deze berekening" in err and not out
    assert (data / "value_added.csv.gz").read_bytes() == before


@pytest.mark.parametrize("args", [("run", "GM0917", "--out", ""), ("run", "GM0917", "--params", ""),
                                  ("gemeenten", "--data", ""), ("table", "--activity", " "),
                                  ("data", "import", ""), ("validate", "--out", ""), ("table", "--out", "")])
def test_an_empty_file_or_folder_name_is_refused_not_taken_as_not_given(args, capsys):
    """`blp run GM0917 --out ""` wrote a run into the project's outputs folder, and `--params ""` used the
    gemeente's own file (a breaker's finding); `table --out ""` was refused, `validate --out ""` too."""
    from blp.cli import main

    with pytest.raises(SystemExit) as stop:
        main(list(args))
    err = capsys.readouterr().err
    assert stop.value.code == 2 and f"{args[-2] if args[-2].startswith('--') else 'BESTAND.zip'}: een lege naam" in err, err


def test_boundary_year_0_is_refused_not_the_newest(tmp_path):
    code, out, err = run_cli("gemeenten", "--boundary-year", "0")
    assert code == 2 and "Geen gemeentegrenzen voor 0" in err and not out


def test_jobs_of_2023_are_usable_on_2024_boundaries(snapshot_dir):
    code, out, _ = run_cli("table", "--data", str(snapshot_dir), "--key-year", "2023")
    assert code == 0
    t = pd.read_csv(io.StringIO(out)).set_index("gemeente_code")
    assert len(t) == 342 and t["blp_meur"].gt(0).all()


# Words that give an English message away (checked in lower case, so "Fix:" is "fix:").
ENGLISH = (" the ", " not ", " is a ", " does ", " cannot ", " must ", " missing", " use ", " should ", "did you mean",
           " found", " file", "error", "fix:", "folder")


def test_error_messages_are_dutch(snapshot_dir, tmp_path, monkeypatch):
    """Municipal staff read these: every failing command says what is wrong and the fix in Dutch."""
    flq = tmp_path / "flq"
    flq.mkdir()
    (flq / "default.yaml").write_text("beleid:\n  io:\n    flq_delta: 1.5\n")
    wrong_type = tmp_path / "type"
    wrong_type.mkdir()
    (wrong_type / "default.yaml").write_text("key_year: '2018'\n")
    cases = [(None, ["run", "GM9999", "--data", str(snapshot_dir), "--out", str(tmp_path / "out")],
              ["'GM9999' is geen gemeente van 2024", "blp gemeenten"]),
             (None, ["run", "Herlen", "--data", str(snapshot_dir), "--out", str(tmp_path / "out")],
              ["bedoel je GM0917 Heerlen"]),
             (None, ["table", "--data", str(tmp_path / "nergens")], ["Datamap", "nergens bestaat niet", "--data"]),
             (flq, ["table", "--data", str(snapshot_dir)], ["default.yaml", "'beleid.io.flq_delta'", "1.5"]),
             (wrong_type, ["table", "--data", str(snapshot_dir)],
              ["default.yaml", "veld 'key_year' moet een geheel getal of null zijn", "'2018'"])]
    for params_dir, args, expected in cases:
        if params_dir is None:
            monkeypatch.delenv("BLP_PARAMS_DIR", raising=False)
        else:
            monkeypatch.setenv("BLP_PARAMS_DIR", str(params_dir))
        code, out, err = run_cli(*args)
        assert code == 2 and out == "", (args, err)
        assert err.startswith("blp: fout: ") and "\n  Oplossing: " in err, err
        for part in expected:
            assert part in err, (part, err)
        text = err.replace(str(tmp_path), "<tmp>").replace(str(snapshot_dir), "<data>").lower()  # paths aside
        assert not [w for w in ENGLISH if w in text], err
    assert not (tmp_path / "out").exists()


def test_gemeenten_after_options_count_as_gemeenten_and_unknown_options_stay_errors(tmp_path, capsys):
    """`blp run GM0917 --out X GM0882` refused GM0882 as an unknown argument (a breaker's finding)."""
    code, _, err = run_cli("run", "GM0917", "--out", str(tmp_path / "out"), "Herlen", "--no-progress")
    assert code == 2 and "'Herlen' is geen gemeente van 2024." in err and "onbekende argumenten" not in err
    from blp.cli import main

    for args, unknown in ((["table", "--bogus"], "--bogus"), (["run", "GM0917", "--bogus", "x"], "--bogus x")):
        with pytest.raises(SystemExit) as exc:
            main(args)
        assert exc.value.code == 2 and f"onbekende argumenten: {unknown}" in capsys.readouterr().err


def test_out_follows_a_link_keeps_the_mode_and_refuses_a_pipe(tmp_path):
    """`--out link.csv` replaced the link with a file and left its target old, a file of mode 600 came back 644,
    and a named pipe (or /dev/stdout) was replaced by a file (a breaker's findings)."""
    import os
    import stat

    target = tmp_path / "target.csv"
    target.write_text("old\n")
    target.chmod(0o600)
    link = tmp_path / "link.csv"
    link.symlink_to(target.name)
    code, _, err = run_cli("table", "--out", str(link))
    assert code == 0, err
    assert link.is_symlink() and target.read_text().startswith("gemeente_code,")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    code, out, err = run_cli("table", "--out", str(fifo))
    assert code == 2 and "is geen gewoon bestand" in err and not out
    assert stat.S_ISFIFO(fifo.lstat().st_mode)


def test_year_options_are_named_as_typed_and_validate_names_the_usable_years():
    """'blp table --va-year 1800' blamed "veld 'va_year'", and 'blp validate --va-year 2022' gave no fix (a breaker's
    findings)."""
    code, _, err = run_cli("table", "--va-year", "1800")
    assert code == 2 and "--va-year 1800 ligt buiten 1900-2100" in err and "veld" not in err, err
    code, _, err = run_cli("validate", "--va-year", "2022")
    assert code == 2 and "per provincie en COROP-gebied" in err and "COROP-gebieden: 2018 (--va-year)" in err, err
