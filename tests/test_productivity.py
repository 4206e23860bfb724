"""The job-density weighting of the jobs key: its elasticity, its range, and what it does to the key."""

import dataclasses
import math

import numpy as np
import pandas as pd
import pytest

from blp.berekening.calculation import compute_blp, resolve_choices
from blp.berekening.productivity import (DensityCorrection, density_correction, fit_without, relative_log_density,
                                         unit_factors)
from blp.data.canonical import CanonicalData
from blp.params import load_params


def _synthetic(elasticity: float, noise: float = 0.0):
    """Three provinces of four COROP regions, three groups: value added per job = group level x density^e."""
    rng = np.random.default_rng(7)
    density, cells = [], []
    for p in range(3):
        for c in range(4):
            corop, jobs, area = f"CR{p}{c}", 10_000 * (c + 1), 100 * (4 - c) ** 2
            density.append({"corop_code": corop, "provincie_code": f"PV{p}", "jobs": jobs, "area": area})
            for g, level in (("F", 60_000), ("K", 150_000), ("M-N", 80_000)):
                per_job = level * (jobs / area) ** elasticity * math.exp(rng.normal(0, noise) if noise else 0)
                cells.append({"corop_code": corop, "provincie_code": f"PV{p}", "group": g, "jobs": jobs / 3,
                              "va": per_job * jobs / 3 / 1e6})
    return pd.DataFrame(cells), pd.DataFrame(density).set_index("corop_code")


def test_the_fit_finds_the_elasticity_in_the_figures():
    cells, density = _synthetic(0.2)
    fitted = fit_without(cells, density, None)
    assert fitted.elasticity == pytest.approx(0.2, abs=1e-9)
    assert fitted.cells == 36 and fitted.regions == 12
    rel = relative_log_density(density["jobs"], density["area"], density["provincie_code"])
    assert (fitted.low, fitted.high) == (pytest.approx(rel.min()), pytest.approx(rel.max()))
    assert fit_without(*_synthetic(0.0), None).elasticity == pytest.approx(0.0, abs=1e-9)
    # noise moves it, a province left out moves it again
    noisy = fit_without(*_synthetic(0.2, noise=0.1), None).elasticity
    assert noisy != pytest.approx(0.2, abs=1e-6) and abs(noisy - 0.2) < 0.1
    assert fit_without(*_synthetic(0.2, noise=0.1), "PV1").elasticity != pytest.approx(noisy, abs=1e-9)


def test_the_weight_is_held_within_the_range_it_was_measured_on():
    c = DensityCorrection(0.1, -1.0, 0.5, 100, 30, 2018, 2018, 2020)
    assert c.factor(0.0) == pytest.approx(1.0)
    assert c.factor(0.5) == pytest.approx(math.exp(0.05)) == c.factor(3.0)
    assert c.factor(-1.0) == pytest.approx(math.exp(-0.1)) == c.factor(-4.0)
    assert c.percent_per_doubling() == pytest.approx((2 ** 0.1 - 1) * 100)


def test_units_are_weighted_against_their_own_corop_region():
    c = DensityCorrection(0.5, -10, 10, 100, 30, 2018, 2018, 2020)
    idx = ["corop_code", "gemeente_code"]
    jobs = pd.DataFrame({"corop_code": ["CR01", "CR01", "CR02"], "gemeente_code": ["GM1", "GM2", "GM3"],
                         "value": [400.0, 100.0, 50.0]})
    area = jobs.assign(value=[1.0, 4.0, 1.0])
    u = unit_factors(c, jobs, area).reset_index().set_index(idx)
    # CR01: density 500 / 5 = 100; GM1 400 (4x), GM2 25 (1/4x); GM3 alone in CR02: as its region
    assert u.loc[("CR01", "GM1"), "factor"] == pytest.approx(2.0)
    assert u.loc[("CR01", "GM2"), "factor"] == pytest.approx(0.5)
    assert u.loc[("CR02", "GM3"), "factor"] == pytest.approx(1.0)


def test_the_snapshot_key_is_jobs_times_the_density_weight_except_real_estate(result):
    key, corr = result.key, result.key.density
    assert corr is not None and 0.05 < corr.elasticity < 0.3 and corr.cells > 300 and corr.regions == 38
    units = key.density_units
    weighted = key.table.merge(key.activity.rename(columns={"value": "jobs"}), on=["gemeente_code", "corop_code", "group"])
    weighted = weighted.join(units["factor"], on=["corop_code", "gemeente_code"])
    # not L, and not a COROP x group without jobs (shared by all jobs: Overig Groningen's J, one gemeente)
    assert list(key.cell_notes) == [("CR02", "J")]
    # nor F and R-U, whose share averages these weighted jobs' and the establishments' (the next test)
    assert key.blended == ("F", "R-U")
    jobs_groups = weighted[~weighted["group"].isin(["L", "F", "R-U"])
                           & ~((weighted["corop_code"] == "CR02") & (weighted["group"] == "J"))]
    assert np.allclose(jobs_groups["key"], jobs_groups["jobs"] * jobs_groups["factor"])
    assert 0.75 < units["factor"].min() < 1 < units["factor"].max() < 1.2
    # within Zuid-Limburg, Heerlen (dense) weighs more per job than Eijsden-Margraten (sparse)
    assert units.loc[("CR39", "GM0917"), "factor"] > 1 > units.loc[("CR39", "GM1903"), "factor"]
    # per-job figures stay jobs: the national table counts jobs, not weighted jobs
    n = result.national.set_index("gemeente_code")
    assert n.loc["GM0917", "jobs"] == pytest.approx(key.activity_by_gemeente()["GM0917"])


def test_construction_and_other_services_average_the_share_of_weighted_jobs_and_of_establishments(data, result):
    """F and R-U: a gemeente's share of its COROP's key is half its share of the fitted, weighted jobs plus half its
    share of the group's establishments (README, method), computed here from the input tables; the key's total per
    COROP x group stays the weighted jobs'. Twente (CR12): no boundary change between the years."""
    key = result.key
    est = data.activity[(data.activity["measure"] == "establishments") & (data.activity["year"] == key.fit.seed_year)]
    members = key.table.loc[key.table["corop_code"] == "CR12", "gemeente_code"].unique()
    factor = key.density_units["factor"].xs("CR12", level="corop_code")
    for group in ("F", "R-U"):
        jobs = key.activity[(key.activity["corop_code"] == "CR12") & (key.activity["group"] == group)].set_index(
            "gemeente_code")["value"] * factor
        firms = est[est["industry_code"] == group].set_index("gemeente_code")["value"].reindex(members)
        expected = 0.5 * jobs / jobs.sum() + 0.5 * firms / firms.sum()
        got = key.table[(key.table["corop_code"] == "CR12") & (key.table["group"] == group)].set_index("gemeente_code")["key"]
        assert got.sum() == pytest.approx(jobs.sum())
        assert np.allclose((got / got.sum()).reindex(expected.index), expected)
        assert not np.allclose((jobs / jobs.sum()).reindex(expected.index), expected)  # the averaging does something
    assert ("het aandeel van de gemeente is het gemiddelde van haar aandeel in deze banen en dat in de vestigingen van de "
            "sector (2018)") in key.key_of("F")
    assert "vestigingen" not in key.key_of("J")


def test_with_published_jobs_per_group_nothing_is_averaged(data, result):
    """Where jobs per gemeente x group are published (an own file, the live path), they are the key as such: here the
    snapshot's fitted jobs of 2023 (gemeente codes of 2023 are those of 2024) handed in as if published."""
    from blp.berekening.jobs_key import jobs_key

    estimated = jobs_key(data, 2023, 2024, result.concordance, 2020, corrected=False)  # the snapshot: F averaged
    detail = estimated.fit.matrix.rename(columns={"group": "industry_code", "jobs": "value"}).groupby(
        ["gemeente_code", "industry_code"], as_index=False)["value"].sum().assign(year=2023, measure="jobs")
    act = data.activity
    fields = {f.name: getattr(data, f.name) for f in dataclasses.fields(data)}
    own = {"own_activity": {"jobs": {2023: "lisa_2023.csv"}}}  # exact figures: a 0 is a 0
    act = act[~((act["measure"] == "jobs") & (act["year"] == 2023) & (act["industry_code"] == "A"))]
    published = CanonicalData(**{**fields, **own, "activity": pd.concat([act, detail[list(act.columns)]],
                                                                         ignore_index=True)})
    key = jobs_key(published, 2023, 2024, result.concordance, 2020, corrected=False)
    assert key.fit is None and key.blended == ()
    assert "vestigingen" not in key.key_of("F")
    # the same as CBS's figures, rounded to hundreds, zeros and all: still used as such (fitting only the zeros cannot
    # meet totals that differ from the sum of their rounded sectors: a breaker's finding); report 1 says a 0 counts as 0
    rounded = detail.assign(value=(detail["value"] / 100).round() * 100)
    cbs = CanonicalData(**{**fields, "activity": pd.concat([act, rounded[list(act.columns)]], ignore_index=True)})
    assert (rounded["value"] == 0).any()
    key = jobs_key(cbs, 2023, 2024, result.concordance, 2020, corrected=False)
    assert key.fit is None and key.blended == ()
    from blp.rapport.narrative import zeros_as_published

    assert zeros_as_published(cbs, 2023) == ("Een 0 in die cijfers betekent 0 tot 50 banen (het CBS rondt af op "
                                             "honderdtallen); de berekening telt die als 0.")
    assert zeros_as_published(published, 2023) == ""  # an own file: a 0 is a 0
    # only F and R-U published (for every gemeente), the rest estimated: where a COROP's F cells are all published
    # (Twente), F is not averaged; the part of a gemeente that lay in another COROP is still estimated (Weesp)
    some = CanonicalData(**{**fields, "activity": pd.concat(
        [act, detail[detail["industry_code"].isin(["F", "R-U"])][list(act.columns)]], ignore_index=True)})
    key = jobs_key(some, 2023, 2024, result.concordance, 2020, corrected=False)
    assert key.fit is not None
    for k, averaged in ((key, False), (estimated, True)):
        for group in ("F", "R-U"):
            cells = k.table[(k.table["group"] == group) & (k.table["corop_code"] == "CR12")].merge(
                k.activity, on=["gemeente_code", "corop_code", "group"])
            assert len(cells) == 14 and np.allclose(cells["key"], cells["value"]) != averaged


def test_without_the_weighting_the_key_is_the_fitted_jobs(data, result):
    params = dataclasses.replace(load_params(), density_correction=False)
    plain = compute_blp(data, resolve_choices(data, params))
    assert plain.key.density is None and ", niet gewogen naar banendichtheid" in plain.key.label_nl
    t = plain.key.table[plain.key.table["group"] != "L"].merge(plain.key.activity, on=["gemeente_code", "corop_code", "group"])
    t = t[~t.set_index(["corop_code", "group"]).index.isin(list(plain.key.cell_notes)) & ~t["group"].isin(["F", "R-U"])]
    assert np.allclose(t["key"], t["value"])
    a, b = plain.national.set_index("gemeente_code"), result.national.set_index("gemeente_code")
    # the weighting moves value added to the dense gemeente of a region; every region still adds up
    assert b.loc["GM0917", "blp_meur"] > a.loc["GM0917", "blp_meur"]
    assert b.loc["GM1903", "blp_meur"] < a.loc["GM1903", "blp_meur"]
    per_region = [r.allocation.shares.groupby(["corop_code", "group"])["blp_eur"].sum() for r in (plain, result)]
    assert per_region[0].equals(per_region[1])  # to the euro, in the value added's own COROP regions


def test_data_without_land_areas_give_the_plain_jobs_key_and_say_so(data):
    ind = data.indicators[data.indicators["indicator"] != "population_density_per_km2"]
    fields = {f.name: getattr(data, f.name) for f in dataclasses.fields(data)}
    bare = CanonicalData(**{**fields, "indicators": ind})
    assert density_correction(bare, 2020, 2024) is None
    from blp.berekening.productivity import why_not_weighted

    assert why_not_weighted(bare, 2020, 2024) == ("de gegevens hebben geen oppervlakte per gemeente (de "
                                                  "bevolkingsdichtheid, population_density_per_km2 in indicators.csv, "
                                                  "ontbreekt)")
    res = compute_blp(bare, resolve_choices(bare, load_params()))
    assert res.key.density is None and ", niet gewogen naar banendichtheid" in res.key.label_nl
    assert not any("gewogen" in v for v in res.key.group_keys.values())


def _without_density(data):
    fields = {f.name: getattr(data, f.name) for f in dataclasses.fields(data)}
    return CanonicalData(**{**fields, "indicators": data.indicators[
        data.indicators["indicator"] != "population_density_per_km2"]})


def test_a_relation_that_is_not_positive_is_not_used_and_the_report_says_why(data, monkeypatch):
    """Where value added per job does not rise with density, nothing is weighted (never '+−28% per verdubbeling')."""
    from blp.berekening import productivity

    fields = {f.name: getattr(data, f.name) for f in dataclasses.fields(data)}
    fresh = CanonicalData(**fields)  # a new data object: the memo of the real one stays untouched
    monkeypatch.setattr(productivity, "_fit", lambda cells, density: (-0.473, -1.4, 0.9, 334, 38))
    assert density_correction(fresh, 2020, 2024) is None
    assert productivity.why_not_weighted(fresh, 2020, 2024) == (
        "in deze gegevens is de toegevoegde waarde per baan niet hoger waar de banen dichter zitten (gemeten "
        "elasticiteit −0,473), dus er is niets om naar te wegen")
    res = compute_blp(fresh, resolve_choices(fresh, load_params()))
    assert res.key.density is None and ", niet gewogen naar banendichtheid" in res.key.label_nl


def test_a_back_test_where_no_province_shows_a_positive_relation_is_not_called_weighted(data, monkeypatch):
    """A breaker inverted the densities: blp validate printed 'jobs = ... gewogen (standaard)' with the unweighted
    figures. With no positive elasticity anywhere nothing is weighted, and the back-test says so."""
    from blp.berekening import productivity
    from blp.berekening.backtest import run_backtest

    fields = {f.name: getattr(data, f.name) for f in dataclasses.fields(data)}
    fresh = CanonicalData(**fields)
    monkeypatch.setattr(productivity, "_fit", lambda cells, density: (-0.473, -1.4, 0.9, 334, 38))
    bt = run_backtest(fresh, 2018, 2019, 2020)
    assert not bt.weighted and "jobs" not in set(bt.errors["variant"]) and "jobs" not in bt.labels()
    assert "niet gewogen" in bt.labels()["jobs_published"]


def test_the_back_test_without_land_areas_has_no_weighted_variant_and_says_so(data):
    from blp.berekening.backtest import run_backtest

    bt = run_backtest(_without_density(data), 2018, 2019, 2020)
    assert not bt.weighted and set(bt.errors["variant"]) == {"jobs_uncorrected", "jobs_published", "establishments",
                                                             "jobs_total", "population"}
    assert "jobs" not in bt.labels() and bt.labels()["jobs_published"] == (
        "banen per sector zoals het CBS ze per COROP publiceert, niet gewogen naar banendichtheid (zonder de schatting "
        "van de verdeling over de sectoren)")
    assert round(bt.summary().set_index(["variant", "level"]).loc[("jobs_uncorrected", "provincie_corop"),
                                                                  "median_abs_pct"], 1) == 6.9


def test_no_density_with_the_establishments_key_leaves_nothing_to_compare_and_says_so(data, monkeypatch):
    from blp.rapport import display
    from blp.rapport.context import GemeenteView, compute_national
    from blp.rapport.paginas import berekening
    from blp.rapport.paginas import figure_plan

    params = dataclasses.replace(load_params(), key="establishments", sensitivity=["no_density"])
    view = GemeenteView(compute_national(data, params), "GM0917", params)
    shown = []
    monkeypatch.setattr(display, "display", lambda obj, raw=False: shown.append(obj))
    berekening.sensitivity(view)
    assert len(shown) == 1 and "Er is geen andere verdeelsleutel om het BLP mee te vergelijken" in shown[0]["text/plain"]
    assert "berekening.sensitivity_figure" not in [k for k, _ in figure_plan(view)]


def test_a_gemeente_with_a_density_but_no_inhabitants_in_the_area_year_is_an_error(data):
    from blp.berekening.productivity import land_area
    from blp.errors import DataError

    ind = data.indicators
    drop = (ind["indicator"] == "population") & (ind["gemeente_code"] == "GM0917") & (ind["year"] == 2021)
    fields = {f.name: getattr(data, f.name) for f in dataclasses.fields(data)}
    broken = CanonicalData(**{**fields, "indicators": ind[~drop]})
    with pytest.raises(DataError, match="geen inwonertal \\(population\\) in 2021 voor 1 gemeente\\(n\\) met een "
                                        "bevolkingsdichtheid, zoals GM0917"):
        land_area(broken, 2021, 2024, 2020)
    assert land_area(broken, 2020, 2024, 2020)[1] == 2020  # another year is whole


def test_turning_the_weighting_off_is_the_way_out_of_a_bad_density_and_keeps_the_error_band(data):
    """The error message's own advice (density_correction: false) gives a run with its back-test and error band; with
    the weighting on, the bad figure stops the run."""
    from blp.berekening.productivity import LandAreaError
    from blp.rapport.context import GemeenteView, compute_national

    ind = data.indicators
    bad = (ind["indicator"] == "population_density_per_km2") & (ind["gemeente_code"] == "GM0917") & (ind["year"] == 2020)
    fields = {f.name: getattr(data, f.name) for f in dataclasses.fields(data)}
    broken = CanonicalData(**{**fields, "indicators": ind.assign(value=ind["value"].where(~bad, 0.0))})
    with pytest.raises(LandAreaError, match="GM0917 in 2020 is 0 inwoners per km²"):
        compute_national(broken, load_params())
    params = dataclasses.replace(load_params("GM0917"), density_correction=False)
    view = GemeenteView(compute_national(broken, params), "GM0917", params)
    assert view.national.backtest is not None and not view.national.backtest.weighted
    assert (round(view.error_band.median_pct, 1), round(view.error_band.p90_pct, 1)) == (12.0, 36.4)
