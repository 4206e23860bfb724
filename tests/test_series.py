"""The BLP over time: every year with regional value added, split where only a total is published."""

import io

import numpy as np
import pandas as pd
import pytest

from blp.berekening.series import compute_series
from blp.berekening.value_added import region_table, va_years
from helpers import run_cli


@pytest.fixture(scope="module")
def series(data, default_params):
    return compute_series(data, default_params)


def test_every_year_adds_up_to_its_corop_regions(series, data):
    assert va_years(data)[0] == 1995 and va_years(data)[-1] == 2022
    per_year = series.table.groupby("year")["blp_meur"].sum()
    corop = series.regions.groupby("year")["corop_meur"].sum()
    assert np.allclose(per_year, corop.reindex(per_year.index), atol=1e-3)
    published = region_table(data, 2022)
    cr39 = published[(published["region_code"] == "CR39") & (published["industry_code"] == "TOTAL")]["value_meur"].iloc[0]
    members = series.table[(series.table["year"] == 2022)].merge(
        data.regions_of(2024)[["gemeente_code", "corop_code"]], on="gemeente_code")
    # Zuid-Limburg's gemeenten carry its published 2022 total (the COROP composition is that of 2020, unchanged here)
    assert members.loc[members["corop_code"] == "CR39", "blp_meur"].sum() == pytest.approx(cr39, abs=1e-3)


def test_the_full_detail_year_is_the_main_calculation_and_others_are_marked(series, result):
    heerlen = series.of("GM0917")
    assert heerlen.loc[2018, "blp_meur"] == pytest.approx(result.national.set_index("gemeente_code").loc["GM0917", "blp_meur"])
    assert heerlen.loc[2018, "estimated_share"] == 0
    assert 0 < heerlen.loc[2022, "estimated_share"] < 1  # A and B-E are published, the rest split
    assert heerlen.loc[1995, "key_year"] == 2019 and heerlen.loc[2021, "key_year"] == 2021


def test_split_groups_follow_the_2018_structure(data):
    t = region_table(data, 2010)
    cr39 = t[t["region_code"] == "CR39"].set_index("industry_code")
    assert not cr39.loc["A", "estimated"] and cr39.loc["K", "estimated"]
    rest = cr39.loc["TOTAL", "value_meur"] - cr39.loc[["A", "B-E"], "value_meur"].sum()
    split = cr39.loc[cr39["estimated"], "value_meur"]
    assert split.sum() == pytest.approx(rest)
    base = data.value_added[(data.value_added["region_code"] == "CR39")].set_index("industry_code")["value_meur"]
    assert split["K"] / split.sum() == pytest.approx(base["K"] / base[split.index].sum())


def test_table_for_2022_and_the_series_from_the_command_line(snapshot_dir, tmp_path):
    code, out, _ = run_cli("table", "--data", str(snapshot_dir), "--va-year", "2022")
    assert code == 0
    t22 = pd.read_csv(io.StringIO(out)).set_index("gemeente_code")
    assert t22.loc["GM0917", "blp_meur"] == pytest.approx(4907.84, abs=0.01)
    path = tmp_path / "series.csv"
    code, _, err = run_cli("table", "--data", str(snapshot_dir), "--series", "--out", str(path))
    assert code == 0 and "28 jaren x 342 gemeenten" in err
    s = pd.read_csv(path)
    assert list(s.columns) == ["year", "gemeente_code", "gemeente_name", "blp_meur", "key_year", "estimated_share",
                               "provisional"]
    assert s.loc[(s["year"] == 2022) & (s["gemeente_code"] == "GM0917"), "blp_meur"].iloc[0] == pytest.approx(4907.84, abs=0.01)
    code, _, err = run_cli("table", "--data", str(snapshot_dir), "--va-year", "1990")
    assert code == 2 and "1995, 1996" in err
