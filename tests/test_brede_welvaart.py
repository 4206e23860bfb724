"""Brede welvaart: registry, indicator values, CBS-style scoring and the expected-vs-measured model."""

import numpy as np
import pytest
import statsmodels.api as sm

from blp.errors import ParamsError
from blp.params import load_params
from blp.welvaart.expected import build_design, expected_vs_measured, fit_expected
from blp.welvaart.registry import THEMES, check_focus, load_registry
from blp.welvaart.scoring import BOTTOM, MISSING, NO_JUDGEMENT, TOP, band, position_table
from blp.welvaart.values import build_panel, indicator_values


@pytest.fixture(scope="module")
def registry():
    return load_registry()


def test_registry_covers_every_theme_and_uses_snapshot_indicators(registry, data):
    themes = {i.theme for i in registry.values()}
    assert themes == {t for ts in THEMES.values() for t in ts}
    in_data = set(data.indicators["indicator"])
    for ind in registry.values():
        if ind.kind in ("indicator", "per_1000"):
            assert ind.id in in_data, ind.id


def test_unknown_focus_indicator_is_a_params_error_with_suggestion(tmp_path):
    (tmp_path / "default.yaml").write_text("brede_welvaart:\n  focus: [crimes_assualt]\n")
    params = load_params(params_dir=tmp_path)  # the shape is right; the registry check names the id
    with pytest.raises(ParamsError, match="did you mean crimes_assault"):
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


def test_trend_compares_first_and_last_year(data, result, registry):
    table = position_table(build_panel(data, result, registry), "GM0917", [], []).set_index("id")
    vals = indicator_values(data, result, registry["crimes_assault"])
    own = vals[vals["gemeente_code"] == "GM0917"].set_index("year")["value"]
    assert table.loc["crimes_assault", "trend_change"] == pytest.approx(own[2025] - own[2023])
    assert table.loc["crimes_assault", "trend"] == ("verbeterd" if own[2025] < own[2023] * 0.99 else
                                                    "verslechterd" if own[2025] > own[2023] * 1.01 else "gelijk gebleven")


def test_expected_model_matches_statsmodels_directly(data, result):
    X, y, _ = build_design(data, result)
    direct = sm.OLS(y, X).fit()
    model = fit_expected(data, result)
    assert model.r2 == pytest.approx(direct.rsquared)
    assert model.n == 342
    r = expected_vs_measured(model, "GM0917")
    assert r["expected"] == pytest.approx(np.exp(direct.fittedvalues["GM0917"]))
    assert r["measured"] == pytest.approx(result.national.set_index("gemeente_code").loc["GM0917", "blp_per_inhabitant_eur"])
    assert r["expected_low"] < r["expected"] < r["expected_high"]
    assert r["ratio"] == pytest.approx(r["measured"] / r["expected"])
    # Amsterdam is far above what its structure predicts
    assert expected_vs_measured(model, "GM0363")["ratio"] > 1.4
