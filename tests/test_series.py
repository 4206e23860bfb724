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
    assert code == 0 and "28 jaren x 342 gemeenten (verdeelsleutel banen per sector, sectorverdeling geschat" in err
    s = pd.read_csv(path)
    assert list(s.columns) == ["year", "gemeente_code", "gemeente_name", "blp_meur", "key_year", "estimated_share",
                               "linked_share", "provisional"]
    dordrecht = s[s["gemeente_code"] == "GM0505"].set_index("year")["linked_share"]
    assert dordrecht[2017] == 1 and dordrecht[2018] == 0  # an auditor sees which years were linked
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
    assert text.startswith("**Let op, oudere jaren omgerekend:** in de reeks van het CBS volgt Zuidoost-Zuid-Holland in "
                           "2018 een oudere COROP-indeling dan in de cijfers per sector van dat jaar")
    assert "is het totaal van het gebied in de reeks 7,3% hoger" in text
    assert "De jaren 1995 tot en met 2017 zijn daarom met die verhouding omgerekend" in text
    assert "1,5% lager" in berekening.division_link(GemeenteView(national, "GM1961", load_params("GM1961")))
    assert berekening.division_link(GemeenteView(national, "GM0917", load_params("GM0917"))) == ""
    # Groot-Amsterdam differs by 0,3 % (Haarlemmerliede), beyond the rounding of a million: linked and said
    assert "0,3% lager" in berekening.division_link(GemeenteView(national, "GM0394", load_params("GM0394")))


def test_the_older_vintage_is_linked_too_and_its_growth_across_the_break_corrected(data):
    """The pre-revision figures (84432NED) break the same way: Zuidoost-Zuid-Holland's real growth of 2019 read
    -4,0 % and its nominal -1,6 % while NL grew (a reader's finding); its years up to 2018 are linked like the
    revised series, and the volume change of 2019 divided by the factor."""
    from blp.berekening.value_added import (_pre_revision, division_links, nominal_before_revision,
                                            volume_growth)

    factor = division_links(data).set_index(["region_code", "industry_code"]).loc[("CR30", "TOTAL"), "factor"]
    raw = _pre_revision(data, "va_basic_prices", "CR30")
    old = nominal_before_revision(data, "CR30")
    assert old[2018] == pytest.approx(raw[2018] * factor) and old[2019] == raw[2019] and old[1995] == raw[1995] * factor
    assert raw[2019] / raw[2018] - 1 == pytest.approx(-0.016, abs=0.001) and old[2019] / old[2018] - 1 > 0.05
    raw_volume, volume = _pre_revision(data, "va_volume_change", "CR30"), volume_growth(data, "CR30")
    assert raw_volume[2019] == pytest.approx(-4.0) and volume[2019] == pytest.approx((0.96 / factor - 1) * 100)
    assert volume.drop(2019).equals(raw_volume.drop(2019))
    assert volume_growth(data, "CR39").equals(_pre_revision(data, "va_volume_change", "CR39"))  # Zuid-Limburg: as is


def test_linked_years_are_marked_in_the_series_table(series):
    dordrecht = series.of("GM0505")["linked_share"]
    assert (dordrecht.loc[:2017] == 1).all() and (dordrecht.loc[2018:] == 0).all()
    assert (series.of("GM0917")["linked_share"] == 0).all()  # Zuid-Limburg: nothing moved


@pytest.mark.parametrize("region, code, value, message", [
    ("CR30", "TOTAL", 1478.3, "is 1.478,3 mln euro, in value_added.csv 13.779,0: een verschil van +12.300,7, meer dan een "
                               "verschuiving van COROP-grenzen"),  # a tenth
    ("CR30", "TOTAL", 29566.0, "een verschil van −15.787,0, meer dan een verschuiving van COROP-grenzen"),  # twice
    # A ten times, or a digit more: with its province and NL moved alike (below), NL's A is the first to differ
    ("CR30", "A", 1010.0, "de toegevoegde waarde van NL01, A, 2018 is"),
    ("CR39", "A", 3520.0, "de toegevoegde waarde van NL01, A, 2018 is"),
    ("CR39", "A", 151.0, "meer dan het verschil in het totaal van dat gebied"),  # within range, but nothing moved
    ("CR30", "TOTAL", 0.0, "de toegevoegde waarde van CR30, TOTAL, 2018 is 0,0, tegen 13.779,0"),
    ("CR30", "TOTAL", None, "de toegevoegde waarde van CR30, TOTAL, 2018 ontbreekt"),
    # NL alone: the loader's check that the provinces add up to NL (``canonical._check_series``) refuses it first
    ("NL01", "TOTAL", 713557.0, "de provincies en extra-regio hebben samen"),
])
def test_a_difference_no_change_of_division_explains_is_refused(snapshot_dir, tmp_path, region, code, value, message):
    """A typo in the series' 2018 row was carried into 23 years and called a boundary change (a breaker's finding)."""
    import shutil

    from blp.data import load_data
    from blp.errors import DataError
    from blp.params import load_params

    data_dir = tmp_path / "data"
    shutil.copytree(snapshot_dir, data_dir)
    path = next(data_dir.glob("value_added_series.csv*"))
    frame = pd.read_csv(path)
    row = ((frame["year"] == 2018) & (frame["region_code"] == region) & (frame["industry_code"] == code)
           & (frame["measure"] == "va_basic_prices") & (frame["vintage"] == "revised 2024"))
    assert row.sum() == 1
    if value is None:
        frame = frame[~row]
    else:
        if region.startswith("CR"):  # its province and NL moved alike, so the sums agree and only the link can tell
            same = ((frame["year"] == 2018) & (frame["industry_code"] == code) & (frame["measure"] == "va_basic_prices")
                    & (frame["vintage"] == "revised 2024"))
            frame.loc[same & frame["region_code"].isin([{"CR30": "PV28", "CR39": "PV31"}[region], "NL01"]),
                      "value"] += value - float(frame.loc[row, "value"].iloc[0])
        frame.loc[row, "value"] = value
    path.unlink()
    frame.to_csv(data_dir / "value_added_series.csv", index=False)
    with pytest.raises(DataError) as err:
        compute_series(load_data("snapshot", data_dir), load_params())
    assert message in str(err.value) and "value_added_series.csv" in str(err.value)
    if region.startswith("CR"):
        assert "controleer de rij van 2018 in value_added_series.csv (kolom value)" in err.value.fix


def test_a_change_of_division_inside_the_series_is_found_in_its_employment_and_linked(data, series, national):
    """De Fryske Marren (2014) moved Skarsterlân from Zuidoost- to Zuidwest-Friesland. CBS's series follows each
    year's division, so Súdwest-Fryslân's BLP rose 32 % from 2013 to 2014, its region's real growth read +23,9 %, and
    report 4's 0-scenario grew +4,2 % a year on that one year (a reader's finding). The break is found where the
    employment of the series jumps against NL and other regions of the province move the other way; nowhere else."""
    from blp.berekening.value_added import SERIES_VINTAGE, VOLUME_VINTAGE, _pre_revision, breaks, volume_growth
    from blp.params import load_params
    from blp.rapport.context import GemeenteView
    from blp.rapport.paginas import berekening

    for vintage in (SERIES_VINTAGE, VOLUME_VINTAGE):
        found = breaks(data, vintage)
        total = found[found["industry_code"] == "TOTAL"].set_index("region_code")
        assert set(found["break_year"]) == {2014} and set(total.index) == {"CR04", "CR05", "CR06"}
        assert 1.2 < total.loc["CR05", "factor"] < 1.3 and total.loc["CR06", "factor"] < 1
    own = series.table[series.table["gemeente_code"] == "GM1900"].set_index("year")
    assert own.loc[2014, "blp_meur"] / own.loc[2013, "blp_meur"] - 1 == pytest.approx(0.016, abs=0.002)
    assert own.loc[2013, "linked_share"] == 1 and own.loc[2014, "linked_share"] == 0
    assert _pre_revision(data, "va_volume_change", "CR05")[2014] == pytest.approx(23.9)
    assert volume_growth(data, "CR05")[2014] == pytest.approx(1.06, abs=0.01)
    assert 1.5 < volume_growth(data, "CR05").loc[2013:2022].mean() < 2.5  # was 4,2 with the break's 23,9
    text = berekening.division_link(GemeenteView(national, "GM1900", load_params("GM1900")))
    assert text.startswith("**Let op, grenswijziging in 2014:** in dat jaar gingen gemeenten (of delen ervan) over "
                           "van het ene COROP-gebied naar het andere")
    assert "Ook het aantal werkenden in de reeks springt dat jaar tussen de gebieden" in text
    assert "Zonder omrekening zou Zuidwest-Friesland in 2014 29,6% groeien door die verschuiving alleen" in text
    assert "De jaren 1995 tot en met 2013 zijn daarom omgerekend naar de indeling van 2014" in text
    assert "krimpen" in berekening.division_link(GemeenteView(national, "GM0074", load_params("GM0074")))
