"""A bad-input corpus built by code from the real snapshot: every case ends in a message that names the file
(and where it can, the row and column) with exit code 2, and nothing is written; never in a number."""

import gzip
import io
import shutil
from pathlib import Path

import pandas as pd
import pytest

from helpers import run_cli

FILES = ["regions", "value_added", "establishments", "jobs_corop", "jobs_gemeente", "indicators", "boundary_changes",
         "industries", "value_added_series"]


def _read(folder: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(folder / f"{name}.csv", dtype=str, keep_default_na=False)


def _write(folder: Path, name: str, df: pd.DataFrame) -> None:
    df.to_csv(folder / f"{name}.csv", index=False, lineterminator="\n")


def _edit(name):
    def deco(fn):
        def apply(folder):
            df = _read(folder, name)
            _write(folder, name, fn(df))
        return apply
    return deco


def _mask(df, where):
    mask = pd.Series(True, index=df.index)
    for k, v in where.items():
        mask &= df[k] == v
    return mask


def _set(name, where, col, value):
    @_edit(name)
    def f(df):
        mask = _mask(df, where)
        df.loc[mask[mask].index[:1], col] = value
        return df
    return f


def _drop(name, where):
    return _edit(name)(lambda df: df[~_mask(df, where)])


def _dup(name, where):
    return _edit(name)(lambda df: pd.concat([df, df[_mask(df, where)].iloc[:1]]))


def _truncate(name, keep):
    def f(folder):
        text = (folder / f"{name}.csv").read_text()
        (folder / f"{name}.csv").write_text(text[: int(len(text) * keep)])
    return f


def _cut_row(name, line):
    """Line ``line`` (1 = header) loses its last field and separator: a row cut short."""
    def f(folder):
        lines = (folder / f"{name}.csv").read_text().split("\n")
        lines[line - 1] = lines[line - 1].rsplit(",", 1)[0]
        (folder / f"{name}.csv").write_text("\n".join(lines))
    return f


def _extra_field(name, line=None):
    """One more value on line ``line`` (or on every row but the header): pandas shifted or dropped columns."""
    def f(folder):
        lines = (folder / f"{name}.csv").read_text().split("\n")
        for i in ([line - 1] if line else range(1, len(lines))):
            if lines[i]:
                lines[i] += ",extra"
        (folder / f"{name}.csv").write_text("\n".join(lines))
    return f


def _swap_headers(name, a, b):
    def f(folder):
        text = (folder / f"{name}.csv").read_text()
        head, rest = text.split("\n", 1)
        cols = head.split(",")
        i, j = cols.index(a), cols.index(b)
        cols[i], cols[j] = cols[j], cols[i]
        (folder / f"{name}.csv").write_text(",".join(cols) + "\n" + rest)
    return f


def _empty(name):
    return lambda folder: (folder / f"{name}.csv").write_text("")


CASES = {
    "non_numeric_jobs": (_set("jobs_gemeente", {"gemeente_code": "GM0917", "year": "2019"}, "jobs", "5OO"),
                         ["jobs_gemeente.csv", "rij", "kolom 'jobs'", "geen getal"]),
    "dutch_thousands": (_set("value_added", {"region_code": "CR39", "industry_code": "F"}, "value_meur", "1.234,5"),
                        ["value_added.csv", "kolom 'value_meur'", "geen getal"]),
    "dutch_thousands_as_decimal": (_set("value_added", {"region_code": "CR39", "industry_code": "G-I"}, "value_meur",
                                        "3.811"), ["value_added.csv", "scheidingsteken voor duizendtallen"]),
    "empty_year": (_set("establishments", {"gemeente_code": "GM0917"}, "year", ""),
                   ["establishments.csv", "kolom 'year'", "geen heel jaartal"]),
    "infinite": (_set("jobs_corop", {"corop_code": "CR39", "year": "2019"}, "jobs", "inf"),
                 ["jobs_corop.csv", "geen eindig getal"]),
    "negative_jobs": (_set("jobs_gemeente", {"gemeente_code": "GM0917", "year": "2019"}, "jobs", "-500"),
                      ["jobs_gemeente.csv", "negatief"]),
    "negative_value_added": (_set("value_added", {"region_code": "CR39", "industry_code": "F"}, "value_meur", "-480"),
                             ["value_added.csv", "negatief"]),
    "cut_mid_file": (_truncate("value_added", 0.5), ["value_added.csv"]),
    "empty_file": (_empty("indicators"), ["indicators.csv is leeg"]),
    "duplicate_jobs_corop": (_dup("jobs_corop", {"corop_code": "CR39", "year": "2019"}), ["jobs_corop.csv", "meer dan één rij"]),
    "duplicate_series": (_dup("value_added_series", {"region_code": "CR04", "year": "2020"}),
                         ["value_added_series.csv", "meer dan één rij"]),
    # a typo in a series year other than the link year (2018) went into every report (a breaker's finding)
    "series_typo": (_set("value_added_series", {"region_code": "CR39", "year": "2010", "measure": "va_basic_prices",
                                                "vintage": "revised 2024"}, "value", "179080"),
                    ["value_added_series.csv (revised 2024) (2010, TOTAL): de COROP-gebieden van provincie Limburg "
                     "(PV31) hebben samen 193.934 miljoen euro"]),
    "series_typo_older_vintage": (_set("value_added_series", {"region_code": "CR39", "year": "2010",
                                                              "measure": "va_basic_prices",
                                                              "vintage": "before 2024 revision"}, "value", "177550"),
                                  ["value_added_series.csv (before 2024 revision) (2010, TOTAL)", "Limburg (PV31)"]),
    "volume_change_typo": (_set("value_added_series", {"region_code": "CR39", "year": "2021",
                                                       "measure": "va_volume_change", "industry_code": "TOTAL"},
                                "value", "71.0"),
                           ["value_added_series.csv, rij ", "kolom 'value': de volumeverandering van CR39 in 2021 zou",
                            "prijsverandering van −33,8% geven", "(waarde '71.0')"]),
    "volume_change_below_minus_100": (_set("value_added_series", {"region_code": "CR39", "year": "2020",
                                                                  "measure": "va_volume_change"}, "value", "-520"),
                                      ["value_added_series.csv, rij ", "volumeverandering van −100% of minder",
                                       "(waarde '-520.0')"]),
    "series_unknown_region": (_set("value_added_series", {"region_code": "CR39", "year": "2010",
                                                          "measure": "labour_volume"}, "region_code", "CR77"),
                              ["value_added_series.csv, rij ", "kolom 'region_code': een COROP-gebied of provincie die "
                               "in regions.csv niet voorkomt (waarde 'CR77')"]),
    "series_future_year": (_set("value_added_series", {"region_code": "CR39", "year": "2010",
                                                       "measure": "va_basic_prices", "vintage": "revised 2024"},
                                "year", "2090"),
                           ["value_added_series.csv, rij ", "kolom 'year': een jaar na", "(waarde '2090')"]),
    "corop_unknown": (_set("regions", {"gemeente_code": "GM0917", "year": "2024"}, "corop_code", "CR41"),
                      ["regions.csv", "GM0917", "'CR41'"]),
    "corop_with_space": (_set("regions", {"gemeente_code": "GM0917", "year": "2024"}, "corop_code", " CR39"),
                         ["regions.csv", "GM0917", "' CR39'"]),
    "population_zero": (_set("indicators", {"gemeente_code": "GM0917", "indicator": "population", "year": "2020"},
                             "value", "0"), ["indicators.csv", "inwoners (population) van GM0917"]),
    "weight_five": (_set("boundary_changes", {"from_code": "GM0457"}, "share_of_from", "5.0"),
                    ["herindelingsgewichten", "buiten 0..1"]),
    "weight_negative": (_set("boundary_changes", {"from_code": "GM0457"}, "share_of_from", "-1"),
                        ["boundary_changes.csv", "negatief"]),
    "weight_to_nowhere": (_set("boundary_changes", {"from_code": "GM0457"}, "to_code", "GM9999"),
                          ["herindelingsgewichten", "GM9999"]),
    "weight_duplicate": (_dup("boundary_changes", {"from_code": "GM0457"}), ["boundary_changes.csv", "meer dan één rij"]),
    "gemeente_without_jobs": (_drop("jobs_gemeente", {"gemeente_code": "GM0088", "year": "2019"}),
                              ["geen banen (jobs) voor 1 gemeente(n) van 2024", "GM0088"]),
    # the land area of the job-density weighting: a missing or impossible density would move a whole region silently
    "density_empty": (_set("indicators", {"gemeente_code": "GM0917", "indicator": "population_density_per_km2",
                                          "year": "2020"}, "value", ""),
                      ["indicators.csv", "population_density_per_km2", "ontbreekt", "GM0917", "density_correction: false",
                       "--no-density bij blp table en blp validate"]),
    "density_zero": (_set("indicators", {"gemeente_code": "GM0917", "indicator": "population_density_per_km2",
                                         "year": "2020"}, "value", "0"),
                     ["indicators.csv", "population_density_per_km2", "van GM0917 in 2020 is 0 inwoners per km²"]),
    "density_tiny": (_set("indicators", {"gemeente_code": "GM0917", "indicator": "population_density_per_km2",
                                         "year": "2020"}, "value", "0.000000001"),
                     ["indicators.csv", "van GM0917 in 2020 is bijna 0 (1e-09) inwoners per km²", "tussen 1 en 25.000"]),
    "density_negative": (_set("indicators", {"gemeente_code": "GM0917", "indicator": "population_density_per_km2",
                                             "year": "2020"}, "value", "-1171"),
                         ["indicators.csv, rij ", "kolom 'value': population_density_per_km2 van GM0917 in 2020 is −1.171, "
                          "maar een waarde in 'per_km2' ligt op 0 of hoger"]),
    "population_empty": (_set("indicators", {"gemeente_code": "GM0917", "indicator": "population", "year": "2020"},
                              "value", ""),
                         ["indicators.csv", "geen inwonertal (population)", "2020", "GM0917",
                          "vul het inwonertal van die gemeenten aan"]),
    # figures a breaker found turned into a number: a gemeente's jobs that cannot fit its region, impossible housing
    "jobs_total_absurd": (_set("jobs_gemeente", {"gemeente_code": "GM0917", "year": "2019", "industry_code": "TOTAL"},
                               "jobs", "410000"),
                          ["jobs_gemeente.csv (2019)", "COROP-gebied CR39", "623.300", "266.000",
                           "Heerlen (GM0917) met 410.000 banen", "controleer de kolom jobs van jaar 2019"]),
    "corop_value_added_tenfold": (lambda folder: _write(folder, "value_added", _read(folder, "value_added").assign(
        value_meur=lambda d: d["value_meur"].where(
            ~((d["region_code"] == "CR38") & d["industry_code"].isin(["G-I", "TOTAL"])),  # its TOTAL moves along
            (d["value_meur"].astype(float) + 15444).astype(int).astype(str)))),
                                  ["value_added.csv (2018, G-I)", "provincie Limburg (PV31) hebben samen 23.781 miljoen",
                                   "de provincie zelf 8.337 miljoen", "verbeter de afwijkende"]),
    "establishments_fraction": (_set("establishments", {"gemeente_code": "GM0917", "year": "2018"}, "establishments",
                                     "2.5"), ["establishments.csv", "kolom 'establishments': geen heel getal", "'2.5'"]),
    "gemeente_name_empty": (_set("regions", {"gemeente_code": "GM0917", "year": "2024"}, "gemeente_name", ""),
                            ["regions.csv", "kolom 'gemeente_name': leeg"]),
    "woz_negative": (_set("indicators", {"gemeente_code": "GM0917", "indicator": "mean_woz_value_eur", "year": "2020"},
                          "value", "-190000"),
                     ["indicators.csv, rij ", "mean_woz_value_eur van GM0917 in 2020 is −190.000"]),
    "woz_thousandfold": (_set("indicators", {"gemeente_code": "GM0917", "indicator": "mean_woz_value_eur",
                                             "year": "2020"}, "value", "190000000"),
                         ["indicators.csv", "190.000.000 euro, buiten 10.000 tot 10.000.000 euro"]),
    "dwellings_negative": (_set("indicators", {"gemeente_code": "GM0917", "indicator": "dwellings", "year": "2020"},
                                "value", "-5"), ["indicators.csv, rij ", "dwellings van GM0917 in 2020 is −5"]),
    # a mistyped gemeente code dropped its row from the allocation without a word (a breaker's finding)
    "jobs_unknown_gemeente": (_set("jobs_gemeente", {"gemeente_code": "GM0917", "year": "2019", "industry_code": "TOTAL"},
                                   "gemeente_code", "GM9917"),
                              ["jobs_gemeente.csv, rij ", ", kolom 'gemeente_code': een gemeentecode die in geen "
                               "enkel jaar van regions.csv of boundary_changes.csv voorkomt (1 rij(en) met zo'n code) "
                               "(waarde 'GM9917')", "een tikfout?"]),
    "indicator_unknown_gemeente": (_set("indicators", {"gemeente_code": "GM0917", "indicator": "dwellings",
                                                       "year": "2020"}, "gemeente_code", "GM0916"),
                                   ["indicators.csv, rij ", "kolom 'gemeente_code'", "(waarde 'GM0916')"]),
    # the key of F and R-U averages jobs with establishments: a gemeente without establishments got half its share
    "establishments_gemeente_missing": (_drop("establishments", {"gemeente_code": "GM0935", "year": "2018"}),
                                        ["De vestigingen (establishments) van 2018 ontbreken voor 1 gemeente(n), zoals "
                                         "GM0935", "vul de vestigingen van 2018 aan voor elke gemeente"]),
    # a code used in a year before it existed counted beside its predecessors' figures (a breaker's finding)
    "establishments_code_formed_later": (_set("establishments", {"gemeente_code": "GM0005", "year": "2018"},
                                              "gemeente_code", "GM1966"),
                                         ["establishments.csv, rij ", "kolom 'gemeente_code': een gemeentecode die in "
                                          "2018 nog niet bestond", "(waarde 'GM1966')",
                                          "geef de cijfers van 2018 onder de gemeentecodes van dat jaar"]),
    # a row cut short: pandas read the missing fields as 'no value' without a word
    "row_cut_short": (_cut_row("jobs_corop", 3), ["jobs_corop.csv, rij 3: 5 velden waar de kopregel er 6 heeft",
                                                 "kolom 'source' en verder ontbreken", "het bestand is afgekapt"]),
    "row_cut_short_value": (_cut_row("establishments", 7),
                            ["establishments.csv, rij 7: 4 velden", "kolom 'source' en verder ontbreken"]),
    "row_with_an_extra_value": (_extra_field("value_added", 9),
                                ["value_added.csv, rij 9: 8 velden waar de kopregel er 7 heeft"]),
    "every_row_an_extra_value": (_extra_field("regions"), ["regions.csv, rij 2: 8 velden waar de kopregel er 7 heeft",
                                                          "meer waarden dan er kolommen zijn"]),
    "headers_swapped": (_swap_headers("value_added", "year", "value_meur"),
                        ["value_added.csv, rij 2, kolom 'year': geen jaartal tussen 1900 en 2100 (waarde '13855')",
                         "verschoven of verwisseld"]),
    # a yes/no cell that is neither: 'yes' was read as 'no' ('provisional' labels a year as provisional)
    "provisional_odd": (_set("value_added_series", {"region_code": "CR04", "year": "2020"}, "provisional", "yes"),
                        ["value_added_series.csv, rij ", "kolom 'provisional': geen ja/nee-waarde (waarde 'yes')",
                         "schrijf True of False"]),
    "suppressed_odd": (_set("jobs_corop", {"corop_code": "CR39", "year": "2019"}, "suppressed", "ja"),
                       ["jobs_corop.csv, rij ", "kolom 'suppressed': geen ja/nee-waarde (waarde 'ja')"]),
    "derived_odd": (_set("value_added", {"region_code": "CR39", "industry_code": "F"}, "derived", "maybe"),
                    ["value_added.csv, rij ", "kolom 'derived': geen ja/nee-waarde (waarde 'maybe')"]),
    "suppressed_with_a_number": (_set("jobs_corop", {"corop_code": "CR39", "year": "2019", "industry_code": "F"},
                                      "suppressed", "True"),
                                 ["jobs_corop.csv, rij ", "kolom 'suppressed' zegt dat het CBS deze cel onderdrukt, "
                                  "maar kolom 'jobs' heeft een waarde (", "laat 'jobs' leeg"]),
    # figures a breaker found turned into a number: a percentage of 250, a negative income, a COROP region in two
    # provinces, sectors that do not add up to their total, regions that do not add up to Nederland
    "indicator_pct_above_100": (_set("indicators", {"gemeente_code": "GM0917", "indicator": "young_adults_good_health_pct"},
                                     "value", "250"),
                                ["indicators.csv, rij ", "young_adults_good_health_pct van GM0917 in 2024 is 250, maar "
                                 "een waarde in 'pct' ligt tussen 0 en 100"]),
    "corop_in_two_provinces": (_set("regions", {"gemeente_code": "GM0917", "year": "2024"}, "provincie_code", "PV30"),
                               ["regions.csv (2024): COROP-gebied CR39 ligt in meer dan één provincie: Heerlen (GM0917) "
                                "in PV30, 15 andere gemeenten in PV31"]),
    "sectors_not_their_total": (_set("value_added", {"region_code": "CR39", "industry_code": "B-E"}, "value_meur",
                                     "43320"),
                                ["value_added.csv (2018, CR39): de bedrijfstakken tellen op tot ", "de rij TOTAL zegt "
                                 "21.490 miljoen"]),
    "regions_not_nederland": (lambda folder: _write(folder, "value_added", _read(folder, "value_added").pipe(
        lambda d: d[d["region_level"] != "provincie"]).assign(value_meur=lambda d: d["value_meur"].where(
            ~((d["region_code"] == "CR39") & d["industry_code"].isin(["B-E", "TOTAL"])),
            (d["value_meur"].astype(float) + 1000).astype(int).astype(str)))),
        ["value_added.csv (2018, B-E): de COROP-gebieden en extra-regio hebben samen ", "Nederland zelf 103.759 miljoen"]),
    "corop_all_suppressed": (lambda folder: _write(folder, "jobs_corop", _read(folder, "jobs_corop").assign(
        jobs=lambda d: d["jobs"].where(~((d["corop_code"] == "CR04") & (d["year"] == "2019")), ""))),
        ["jobs_corop.csv", "CR04", "onderdrukt"]),
}


@pytest.fixture(scope="module")
def plain_snapshot(tmp_path_factory, snapshot_dir):
    folder = tmp_path_factory.mktemp("plain")
    for name in FILES:
        src = snapshot_dir / f"{name}.csv.gz"
        with gzip.open(src, "rb") as fh, open(folder / f"{name}.csv", "wb") as out:
            shutil.copyfileobj(fh, out)
    return folder


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_is_a_message_with_exit_2_and_no_output(case, plain_snapshot, tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(plain_snapshot, folder)
    corrupt, expected = CASES[case]
    corrupt(folder)
    out = tmp_path / "nl.csv"
    code, stdout, err = run_cli("table", "--data", str(folder), "--out", str(out))
    assert code == 2, err
    assert "Traceback" not in err and err.startswith("blp: fout:")
    for part in expected:
        assert part in err, (part, err)
    assert not out.exists() and not list(tmp_path.glob(".*partial"))


def test_a_damaged_gz_is_a_message(tmp_path, snapshot_dir):
    folder = tmp_path / "data"
    shutil.copytree(snapshot_dir, folder)
    raw = (folder / "regions.csv.gz").read_bytes()
    (folder / "regions.csv.gz").write_bytes(raw[: len(raw) // 2])
    code, _, err = run_cli("table", "--data", str(folder))
    assert code == 2 and "regions.csv.gz is niet te lezen" in err


@pytest.mark.parametrize("rows, message", [
    ("year,gemeente_code,industry_code,jobs,source\n2019,GM0088,TOTAL,90000,LISA\n",
     "own.csv (2019) mist 354 gemeente(n) die de data voor dat jaar wel hebben, zoals GM0003"),
    ("year,gemeente_code,industry_code,jobs,source\n2019.5,GM0088,TOTAL,90,LISA\n", "geen heel jaartal"),
    ("year,gemeente_code,industry_code,jobs,source\n2019,GM0088,TOTAL,inf,LISA\n", "geen eindig getal"),
    # a breaker's findings: a traceback, a number, or a message that blamed another file
    ("year,gemeente_code,industry_code,jobs\n,GM0088,TOTAL,900\n", "own.csv, rij 2, kolom 'year': geen heel jaartal "
     "(een lege cel)"),
    ("year,gemeente_code,industry_code,jobs\ntwintig,GM0088,TOTAL,900\n", "own.csv, rij 2, kolom 'year': geen heel "
     "jaartal (waarde 'twintig')"),
    ("year,gemeente_code,industry_code,jobs\n2019,GM0088,TOTAL,900\n2019,GM0917,TOTAL,52.600\n",
     "own.csv, rij 3, kolom 'jobs': lijkt een getal met een punt als scheidingsteken voor duizendtallen (waarde '52.600')"),
    ("year,gemeente_code,industry_code,jobs\n2019,GM0088,TOTAL,1e300\n", "own.csv, rij 2, kolom 'jobs': een miljard of "
     "meer"),
    ("year,gemeente_code,industry_code,jobs\n2019,GM0088,TOTAL,\n", "own.csv, rij 2, kolom 'jobs': leeg"),
    ("year,gemeente_code,industry_code,jobs\n2019,GM0088,TOTAL,900\n2019,GM0088,TOTAL,900\n",
     "own.csv, rij 3: een tweede rij voor GM0088, TOTAL, 2019"),
    ("year;gemeente_code;industry_code;jobs\n2019;GM0088;TOTAL;900\n", "de kolommen zijn gescheiden door puntkomma's"),
    ("year,gemeente_code,industry_code,jobs\n2019,GM0881,TOTAL,900\n", "own.csv, rij 2, kolom 'gemeente_code': een "
     "gemeentecode die in 2019 niet meer bestond (volgens de herindelingsgewichten na 2018 opgegaan in GM1954)"),
    ("year,gemeente_code,industry_code,jobs\n" + "".join(f"2019,{g},{s},10\n" for g in ("GM0088", "GM0917")
                                                          for s in ("F", "J", "K") if (g, s) != ("GM0917", "J")),
     "own.csv: GM0917 (2019) heeft geen rij voor sector(en) J, die het bestand voor andere gemeenten wel heeft"),
    ("year,gemeente_code,industry_code,jobs\n2019,GM0088,F,100\n2019,GM0088,J,100\n2019,GM0088,K,100\n"
     "2019,GM0088,TOTAL,500\n", "own.csv: de sectoren van GM0088 (2019) tellen op tot 300, de rij TOTAL zegt 500"),
])
def test_an_own_activity_file_that_does_not_fit_is_refused(tmp_path, rows, message):
    path = tmp_path / "own.csv"
    path.write_text(rows)
    code, _, err = run_cli("table", "--activity", str(path))
    assert code == 2 and message in err, err


def test_an_own_file_that_is_no_csv_or_not_there_says_so(tmp_path):
    xlsx = tmp_path / "lisa.csv"
    xlsx.write_bytes(b"PK\x03\x04" + bytes(200))  # a workbook saved under a .csv name
    code, _, err = run_cli("table", "--activity", str(xlsx))
    assert code == 2 and "lisa.csv is een Excel-bestand" in err and "CSV UTF-8" in err, err
    code, _, err = run_cli("table", "--activity", str(tmp_path / "missing.csv"))
    assert code == 2 and "Het activiteitenbestand" in err and "missing.csv bestaat niet" in err, err
    assert "BLP_DATA_DIR" not in err


def test_own_weights_that_move_part_of_a_gemeente_into_an_unlisted_one_are_accepted(plain_snapshot, tmp_path):
    """'Gemeenten not listed are unchanged': a part of Onderbanken (GM0881, 2018) moved into Heerlen, which the weights
    do not list, was refused as if Heerlen had been formed later (a breaker's finding)."""
    weights = pd.read_csv(plain_snapshot / "boundary_changes.csv", dtype=str, keep_default_na=False)
    onderbanken = (weights["from_code"] == "GM0881") & (weights["from_year"] == "2018")
    weights.loc[onderbanken, "share_of_from"] = "0.9"
    part = weights[onderbanken].assign(to_code="GM0917", share_of_from="0.1")
    path = tmp_path / "weights.csv"
    pd.concat([weights, part]).to_csv(path, index=False)
    code, out, err = run_cli("table", "--key", "establishments", "--boundary-weights", str(path))
    assert code == 0, err
    table = pd.read_csv(io.StringIO(out)).set_index("gemeente_code")
    _, plain, _ = run_cli("table", "--key", "establishments")  # establishments of 2018: moved with the weights
    before = pd.read_csv(io.StringIO(plain)).set_index("gemeente_code")
    assert table.loc["GM0917", "blp_meur"] > before.loc["GM0917", "blp_meur"]
    assert table.loc["GM1954", "blp_meur"] < before.loc["GM1954", "blp_meur"]


def test_own_weights_with_a_mistyped_old_gemeente_name_that_row(plain_snapshot, tmp_path):
    """A mistyped from_code in own weights (GM9999 for Ten Boer, GM0009, in 2018) was blamed on Ten Boer's
    establishments as 'no longer existing in 2018' (a breaker's finding); it names the weights row."""
    weights = pd.read_csv(plain_snapshot / "boundary_changes.csv", dtype=str, keep_default_na=False)
    ten_boer = (weights["from_code"] == "GM0009") & (weights["from_year"] == "2018")
    assert ten_boer.sum() == 1
    weights.loc[ten_boer, "from_code"] = "GM9999"
    path = tmp_path / "weights.csv"
    weights.to_csv(path, index=False)
    code, out, err = run_cli("table", "--boundary-weights", str(path))
    row = int(ten_boer.to_numpy().nonzero()[0][0]) + 2
    assert code == 2 and out == "", err
    assert f"weights.csv, rij {row}, kolom 'from_code'" in err and "'GM9999'" in err, err
    assert "establishments.csv, rij" not in err and "tikfout" in err, err


def test_jobs_not_assignable_to_a_gemeente_are_left_out_not_an_error(plain_snapshot, tmp_path):
    """GM0000 (CBS: not assignable to a gemeente) is legitimate in jobs as in establishments (it stopped the jobs key
    with a message about boundary weights: a breaker's finding)."""
    folder = tmp_path / "data"
    shutil.copytree(plain_snapshot, folder)
    with open(folder / "jobs_gemeente.csv", "a", encoding="utf-8") as fh:
        fh.write("2019,GM0000,TOTAL,5000,CBS\n")
    code, stdout, err = run_cli("table", "--data", str(folder))
    assert code == 0, err
    code, plain, _ = run_cli("table", "--data", str(plain_snapshot))
    assert stdout == plain  # left out of the key, as CBS leaves it out of the gemeenten
