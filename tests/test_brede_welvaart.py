"""Brede welvaart: registry, indicator values, CBS-style scoring and the expected-vs-measured model."""

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from blp.errors import ParamsError
from blp.params import load_params
from blp.welvaart.expected import build_design, expected_vs_measured, fit_expected, summarise
from blp.welvaart.registry import THEMES, check_focus, load_registry
from blp.welvaart.scoring import (BOTTOM, MISSING, NO_CLEAR_CHANGE, NO_JUDGEMENT, TOP, band,
                                  events_change_is_clear, position_table)
from blp.welvaart.values import build_panel, indicator_values


@pytest.fixture(scope="module")
def registry():
    return load_registry()


def test_registry_covers_every_theme_and_uses_snapshot_indicators(registry, data):
    themes = {i.theme for i in registry.values()}
    assert themes == {t for ts in THEMES.values() for t in ts}
    in_data = set(data.indicators["indicator"])
    for ind in registry.values():
        if ind.kind == "indicator":
            assert ind.id in in_data, ind.id
        if ind.kind == "per_1000":
            assert (ind.numerator or ind.id) in in_data, ind.id
        if ind.kind == "population_share":
            assert set(ind.parts) <= in_data, ind.id
    # 'BLP per vestiging' (the COROP's productivity in disguise) is no 'later' indicator any more
    assert not any(i.kind == "blp" and i.dimension == "later" for i in registry.values())
    for dim in ("later", "elders"):  # every dimension has indicators with data
        assert any(i.dimension == dim and i.kind != "unavailable" for i in registry.values()), dim


def test_unknown_focus_indicator_is_a_params_error_with_suggestion(tmp_path):
    (tmp_path / "default.yaml").write_text("brede_welvaart:\n  focus: [crimes_assualt]\n")
    params = load_params(params_dir=tmp_path)  # the shape is right; the registry check names the id
    with pytest.raises(ParamsError, match="bedoel je crimes_assault"):
        check_focus(params.brede_welvaart.focus, "default.yaml")
    check_focus(["crimes_assault"], "test")  # a valid id passes


def test_percentiles_and_bands_match_a_direct_computation(data, result, registry):
    peers = ["GM0882", "GM0928"]
    table = position_table(build_panel(data, result, registry), "GM0917", peers, []).set_index("id")
    ind = data.indicators
    for ind_id in ["household_income_median_standardised_eur", "young_adults_good_health_pct"]:
        vals = ind[(ind["indicator"] == ind_id) & (ind["year"] == 2024)].set_index("gemeente_code")["value"]
        v = vals["GM0917"]
        direct = 100 * ((vals < v).sum() + 0.5 * (vals == v).sum()) / len(vals)
        assert table.loc[ind_id, "percentile"] == pytest.approx(direct)
        assert table.loc[ind_id, "peer_median"] == pytest.approx(vals[peers].median())
        expected_band = TOP if direct >= 75 else BOTTOM if direct <= 25 else "middengroep"
        assert table.loc[ind_id, "band"] == expected_band


def test_lower_is_better_flips_the_judgement(data, result, registry):
    table = position_table(build_panel(data, result, registry), "GM0917", [], []).set_index("id")
    row = table.loc["crimes_assault"]
    # Heerlen has among the most assaults per inhabitant: high percentile, bottom band
    assert row["percentile"] > 90 and row["band"] == BOTTOM and row["score"] == pytest.approx(100 - row["percentile"])
    assert band(10.0, "lower") == TOP and band(10.0, "higher") == BOTTOM and band(50, "neutral") == NO_JUDGEMENT


def test_crime_rate_is_per_1000_inhabitants_of_the_same_year(data, result, registry):
    vals = indicator_values(data, result, registry["crimes_residential_burglary"]).set_index(["year", "gemeente_code"])
    ind = data.indicators.set_index(["year", "gemeente_code", "indicator"])["value"]
    expected = ind[(2025, "GM0917", "crimes_residential_burglary")] / ind[(2025, "GM0917", "population")] * 1000
    assert vals.loc[(2025, "GM0917"), "value"] == pytest.approx(expected)
    assert sorted(vals.index.get_level_values("year").unique()) == [2023, 2024, 2025]


def test_jobs_growth_is_the_mean_yearly_growth_from_the_first_jobs_year_and_says_so(data, result, registry):
    """Shown under its last year (2023), it read as that year's growth (a reader's finding)."""
    vals = indicator_values(data, result, registry["jobs_growth_pct"]).set_index(["year", "gemeente_code"])
    jobs = data.activity[(data.activity["measure"] == "jobs") & (data.activity["industry_code"] == "TOTAL")
                         & (data.activity["gemeente_code"] == "GM0917")].set_index("year")["value"]
    assert vals.loc[(2023, "GM0917"), "value"] == pytest.approx(((jobs[2023] / jobs[2019]) ** (1 / 4) - 1) * 100)
    assert registry["jobs_growth_pct"].label_nl == "Banengroei van werknemers (gemiddeld per jaar)"
    # the position table names the years (the front page said 'sinds het eerste jaar met cijfers': a reader's finding)
    table = position_table(build_panel(data, result, registry), "GM0917", [], []).set_index("id")
    assert table.loc["jobs_growth_pct", "label_nl"] == "Banengroei van werknemers (gemiddeld per jaar, 2019–2023)"


def test_unavailable_indicators_are_missing_never_filled(data, result, registry):
    table = position_table(build_panel(data, result, registry), "GM0917", [], []).set_index("id")
    missing = [i for i, ind in registry.items() if ind.kind == "unavailable"]
    assert missing
    for i in missing:
        assert table.loc[i, "band"] == MISSING and np.isnan(table.loc[i, "value"])
        assert table.loc[i, "source"]


def test_suppressed_income_stays_missing(data, result, registry):
    table = position_table(build_panel(data, result, registry), "GM0088", [], []).set_index("id")  # Schiermonnikoog
    assert table.loc["household_income_median_standardised_eur", "band"] == MISSING


def test_trend_inside_the_noise_is_not_called_a_change(data, result, registry):
    """Heerlen's assaults 2023 -> 2025 (380 -> 366 in the issue): a Poisson test on the counts says no clear
    change; a count test computed here by hand decides every crime indicator's verdict."""
    panel = build_panel(data, result, registry)
    table = position_table(panel, "GM0917", [], []).set_index("id")
    ind = data.indicators.set_index(["year", "gemeente_code", "indicator"])["value"]
    c1, c2 = ind[(2023, "GM0917", "crimes_assault")], ind[(2025, "GM0917", "crimes_assault")]
    assert abs(c2 - c1) < 0.1 * c1  # a small change in the counts ...
    assert table.loc["crimes_assault", "trend"] == NO_CLEAR_CHANGE  # ... is no change
    vals = indicator_values(data, result, registry["crimes_assault"])
    own = vals[vals["gemeente_code"] == "GM0917"].set_index("year")["value"]
    assert table.loc["crimes_assault", "trend_change"] == pytest.approx(own[2025] - own[2023])
    for i, entry in registry.items():
        if entry.basis != "events":
            continue
        a, b = ind[(2023, "GM0917", i)] + 0.5, ind[(2025, "GM0917", i)] + 0.5
        pa, pb = ind[(2023, "GM0917", "population")], ind[(2025, "GM0917", "population")]
        z = np.log((b / pb) / (a / pa)) / np.sqrt(1 / a + 1 / b)
        verdict = table.loc[i, "trend"]
        if abs(z) <= 1.96:
            assert verdict == NO_CLEAR_CHANGE, i
        else:
            assert verdict == ("verbeterd" if b / pb < a / pa else "verslechterd"), i
    assert not events_change_is_clear(380, 87_000, 366, 87_500)
    assert events_change_is_clear(380, 87_000, 300, 87_000)


def test_percentages_change_only_beyond_a_margin():
    import pandas as pd

    from blp.welvaart.registry import Indicator
    from blp.welvaart.scoring import trend

    pct_ind = Indicator("x", "x", "%", "hier_en_nu", "welzijn", "higher", "indicator", "test")
    vals = pd.DataFrame({"year": [2020, 2024], "gemeente_code": ["GM1", "GM1"], "value": [50.0, 51.5]})
    assert trend(vals, "GM1", pct_ind)["trend"] == NO_CLEAR_CHANGE  # 1,5 procentpunt: within the margin
    vals["value"] = [50.0, 52.5]
    assert trend(vals, "GM1", pct_ind)["trend"] == "verbeterd"
    # without a direction a clear change says which way, and no more (WOZ +8 % read 'geen oordeel': a reader's finding)
    neutral = Indicator("woz", "woz", "euro", "later", "economisch_kapitaal", "neutral", "indicator", "test")
    euros = pd.DataFrame({"year": [2020, 2024], "gemeente_code": ["GM1", "GM1"], "value": [200_000.0, 216_000.0]})
    assert trend(euros, "GM1", neutral)["trend"] == "gestegen"
    euros["value"] = [200_000.0, 184_000.0]
    assert trend(euros, "GM1", neutral)["trend"] == "gedaald"
    euros["value"] = [200_000.0, 201_000.0]
    assert trend(euros, "GM1", neutral)["trend"] == NO_CLEAR_CHANGE


def test_few_events_and_small_surveys_carry_a_caution_and_leave_the_summary(data, result, registry, national):
    from blp.rapport.context import GemeenteView
    from blp.rapport.paginas import brede_welvaart

    panel = build_panel(data, result, registry)
    vlieland = position_table(panel, "GM0096", [], []).set_index("id")
    ind = data.indicators.set_index(["year", "gemeente_code", "indicator"])["value"]
    for i, entry in registry.items():
        if entry.basis == "events":
            few = ind[(2025, "GM0096", i)] < 20
            assert (vlieland.loc[i, "caution"] != "") == few, i
        if entry.basis == "survey" and vlieland.loc[i, "band"] != MISSING:
            assert "steekproef" in vlieland.loc[i, "caution"], i
    heerlen = position_table(panel, "GM0917", [], []).set_index("id")
    assert (heerlen["caution"] == "").all()  # 87,000 inhabitants, hundreds of events
    # the summary sentence names no indicator with a caution among the best or worst 25 %
    shown = []
    view = GemeenteView(national, "GM0096", load_params("GM0096"))
    import blp.rapport.paginas.brede_welvaart as page
    original = page.md
    page.md = shown.append
    try:
        pos = brede_welvaart.positions(view)
        brede_welvaart.summary(view, pos)
    finally:
        page.md = original
    careful = pos[(pos["caution"] != "") & pos["band"].isin([TOP, BOTTOM])]
    assert len(careful)
    first = shown[0].split("rusten op te weinig")[0]
    for label in careful["label_nl"]:
        assert label.lower() not in first, label


def test_expected_model_matches_statsmodels_directly(data, result):
    X, y, _ = build_design(data, result)
    corop = result.national.set_index("gemeente_code")["corop_code"].reindex(X.index)
    direct = sm.OLS(y, X).fit(cov_type="cluster", cov_kwds={"groups": pd.factorize(corop)[0]})
    model = fit_expected(data, result)
    assert model.r2 == pytest.approx(direct.rsquared)
    assert model.n == 342 and model.clusters == 40
    # standard errors clustered by COROP, not the plain OLS ones
    assert np.allclose(model.fit.bse, direct.bse) and not np.allclose(model.fit.bse, sm.OLS(y, X).fit().bse)
    assert not any(c.endswith("_L") for c in X.columns)  # L's key is housing value: not in the sector mix
    summary = summarise(model)
    r = expected_vs_measured(summary, "GM0917")
    pred = direct.get_prediction(X.loc[["GM0917"]]).summary_frame(alpha=0.10).iloc[0]
    assert r["expected_low"] == pytest.approx(np.exp(pred["obs_ci_lower"]))
    assert r["expected_high"] == pytest.approx(np.exp(pred["obs_ci_upper"]))
    assert summary.coefficients["std_error"].to_numpy() == pytest.approx(direct.bse.to_numpy())
    assert r["expected"] == pytest.approx(np.exp(direct.fittedvalues["GM0917"]))
    assert r["measured"] == pytest.approx(result.national.set_index("gemeente_code").loc["GM0917", "blp_per_inhabitant_eur"])
    assert r["expected_low"] < r["expected"] < r["expected_high"]
    assert r["ratio"] == pytest.approx(r["measured"] / r["expected"])
    # the sector mix is in shares of activity (0..1): effects on log BLP of a sane size (with L's housing value in
    # euro among job counts they ran into the hundreds of thousands)
    assert model.fit.params.filter(like="aandeel_").abs().max() < 50


def test_national_context_fits_the_model_in_a_child_as_here(national, data, result):
    """The summary computed with the national calculation (in a forked child) equals one fitted here."""
    from blp.welvaart.expected import expected_summary

    here = expected_summary(data, result)
    pd.testing.assert_frame_equal(national.expected.prediction, here.prediction)
    pd.testing.assert_frame_equal(national.expected.coefficients, here.coefficients)
    assert national.expected.r2 == pytest.approx(here.r2)


def test_the_summary_says_once_which_indicators_have_no_figure(national, monkeypatch):
    """'Van 11 indicatoren is er geen cijfer: 11 zitten niet in de gegevens' read like a template (a reader's finding)."""
    from blp.rapport.context import GemeenteView
    import blp.rapport.paginas.brede_welvaart as page

    shown = []
    monkeypatch.setattr(page, "md", shown.append)
    view = GemeenteView(national, "GM0917", load_params("GM0917"))
    page.summary(view, page.positions(view))
    assert "11 indicatoren zitten niet in de gebruikte gegevens. Ze staan onderaan, met hun bron" in shown[0]
    assert "is er geen cijfer" not in shown[0]


def test_the_jobs_per_inhabitant_label_does_not_say_average(registry):
    """'meer dan gemiddeld = inpendel' beside a position above the middle gemeente while report 4 said the gemeente
    has fewer jobs than its inhabitants suggest (against NL as a whole): 'average' meant two things (a reader)."""
    label = registry["jobs_per_1000_inhabitants"].label_nl
    assert label == ("Banen van werknemers per 1.000 inwoners (veel banen per inwoner wijst op mensen die van buiten komen "
                     "werken)")
