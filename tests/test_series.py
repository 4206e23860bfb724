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



def test_series_years_before_the_full_detail_year_are_linked_to_its_division(data, series):
    """CBS's series has Leerdam and Zederik in Zuidoost-Zuid-Holland up to 2018 (Utrecht since 2019), the full detail
    of 2018 has them in Utrecht: Dordrecht's BLP fell 3,1 % from 2017 to 2018 and rose 6,2 % after, a break of
    division, not of the economy. Years before 2018 are scaled by the 2018 ratio; later years stay as published."""
    from blp.berekening.value_added import _series, division_links

    links = division_links(data).set_index(["region_code", "industry_code"])["factor"]
    raw = _series(data).set_index(["year", "region_code", "industry_code"])["value"]
    full = data.value_added.set_index(["region_code", "industry_code"])["value_meur"]
    assert links[("CR30", "TOTAL")] == pytest.approx(full[("CR30", "TOTAL")] / raw[(2018, "CR30", "TOTAL")])
    assert links[("CR30", "TOTAL")] == pytest.approx(1 / 1.073, abs=0.001)  # the series is 7,3 % higher in 2018
    assert links[("CR17", "TOTAL")] == pytest.approx(1.0154, abs=0.0001) and links[("NL01", "TOTAL")] == 1.0
    # regions on the same division in both agree to the rounding of a million
    agree = links.xs("TOTAL", level=1).drop(["CR17", "CR21", "CR23", "CR30", "CR34", "CR35", "PV26", "PV28"])
    assert ((agree - 1).abs() < 0.001).all()
    table = region_table(data, 2017).set_index(["region_code", "industry_code"])["value_meur"]
    assert table[("CR30", "TOTAL")] == pytest.approx(raw[(2017, "CR30", "TOTAL")] * links[("CR30", "TOTAL")])
    assert region_table(data, 2019).set_index(["region_code", "industry_code"]).loc[("CR30", "TOTAL"), "value_meur"] \
        == raw[(2019, "CR30", "TOTAL")]  # after the break: as published
    dordrecht = series.of("GM0505")["blp_meur"]
    assert dordrecht[2018] / dordrecht[2017] - 1 == pytest.approx(0.039, abs=0.001)  # was -3,1 %


def test_the_trend_says_where_older_years_were_linked(national):
    from blp.params import load_params
    from blp.rapport.context import GemeenteView
    from blp.rapport.paginas import berekening

    text = berekening.division_link(GemeenteView(national, "GM0505", load_params("GM0505")))
    assert text.startswith("**Let op, oudere jaren omgerekend:** in de reeks van het CBS volgt Zuidoost-Zuid-Holland tot "
                           "en met 2018 een oudere COROP-indeling")
    assert "In 2018 is het totaal van Zuidoost-Zuid-Holland in de reeks 7,3% hoger" in text
    assert "De jaren 1995 tot en met 2017 zijn daarom met die verhouding omgerekend" in text
    assert "1,5% lager" in berekening.division_link(GemeenteView(national, "GM1961", load_params("GM1961")))
    assert berekening.division_link(GemeenteView(national, "GM0917", load_params("GM0917"))) == ""
    # Groot-Amsterdam differs by 0,3 % (Haarlemmerliede): within what is worth a note
    assert berekening.division_link(GemeenteView(national, "GM0394", load_params("GM0394"))) == ""
