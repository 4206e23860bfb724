"""Position scoring as in the CBS regional monitor: percentile, best/worst 25 % (lower-is-better turned round), peers, trend."""

from __future__ import annotations

import numpy as np
import pandas as pd

from blp.data.canonical import ROUNDED_JOBS
from blp.dutch import num
from blp.welvaart.registry import Indicator
from blp.welvaart.values import IndicatorPanel

TOP, BOTTOM, MIDDLE, NO_JUDGEMENT, MISSING = "beste 25%", "slechtste 25%", "middengroep", "geen oordeel", "niet beschikbaar"


def percentile_of(values: pd.Series, value: float) -> float:
    """Share of gemeenten (in %) below ``value``, counting ties half: 0 = lowest, 100 = highest."""
    v = values.dropna().to_numpy()
    return float(100 * ((v < value).sum() + 0.5 * (v == value).sum()) / len(v))


def score_percentile(percentile: float, direction: str) -> float:
    """Percentile turned so that higher is better (lower-is-better indicators are flipped)."""
    return 100 - percentile if direction == "lower" else percentile


def band(percentile: float, direction: str) -> str:
    if np.isnan(percentile):
        return MISSING
    if direction == "neutral":
        return NO_JUDGEMENT
    s = score_percentile(percentile, direction)
    return TOP if s >= 75 else BOTTOM if s <= 25 else MIDDLE


NO_CLEAR_CHANGE = "geen duidelijke verandering"
MARGIN_POINTS = 2.0       # a percentage changes clearly by more than 2 percentage points ...
MARGIN_RELATIVE = 0.05    # ... any other figure by more than 5 %
Z_95 = 1.96               # counts of events: a change beyond chance at the 95 % level
MIN_EVENTS = 20           # fewer events in the newest year: a caution, out of the summary
MIN_SURVEY_POPULATION = 10_000  # survey figures of gemeenten with fewer inhabitants: a caution
MIN_JOBS = ROUNDED_JOBS   # jobs figures of gemeenten with fewer jobs: CBS rounds jobs to hundreds, a caution


def events_change_is_clear(count1: float, exposure1: float, count2: float, exposure2: float) -> bool:
    """Poisson test on two counts of events with their exposures (inhabitants): is the change in the rate
    beyond chance (two-sided, 95 %)? Wald test on the log rate ratio, se = sqrt(1/c1 + 1/c2), with half an
    event added to each count."""
    if count1 + count2 <= 0:
        return False
    c1, c2 = count1 + 0.5, count2 + 0.5  # half an event added to each: defined for a count of zero
    z = np.log((c2 / exposure2) / (c1 / exposure1)) / np.sqrt(1 / c1 + 1 / c2)
    return bool(abs(z) > Z_95)


def trend(values: pd.DataFrame, gemeente: str, indicator: Indicator, counts: pd.DataFrame | None = None) -> dict:
    """Change between the first and last year with a value for the gemeente, and its judgement: a change
    is called one only beyond the noise (events: a Poisson test on the counts; other figures: a margin)."""
    own = values[values["gemeente_code"] == gemeente].sort_values("year")
    if len(own) < 2:
        return {"trend_from": np.nan, "trend_change": np.nan, "trend": "één jaar" if len(own) else MISSING}
    first, last = own.iloc[0], own.iloc[-1]
    change = last["value"] - first["value"]
    relative = change / abs(first["value"]) if first["value"] else np.nan
    if indicator.basis == "events" and counts is not None:
        c = counts[counts["gemeente_code"] == gemeente].set_index("year")
        clear = events_change_is_clear(c.loc[first["year"], "count"], c.loc[first["year"], "population"],
                                       c.loc[last["year"], "count"], c.loc[last["year"], "population"])
    elif indicator.unit == "%":
        clear = abs(change) > MARGIN_POINTS
    else:
        clear = not np.isnan(relative) and abs(relative) > MARGIN_RELATIVE
    if np.isnan(relative) and indicator.basis != "events":
        verdict = NO_JUDGEMENT
    elif not clear:
        verdict = NO_CLEAR_CHANGE
    elif indicator.direction == "neutral":  # a change without a better or worse: say which way, no judgement
        verdict = "gestegen" if change > 0 else "gedaald"
    else:
        better = (change > 0) == (indicator.direction == "higher")
        verdict = "verbeterd" if better else "verslechterd"
    return {"trend_from": int(first["year"]), "trend_change": float(change), "trend": verdict}


def caution(panel: IndicatorPanel, indicator: Indicator, gemeente: str, year: int) -> str:
    """Why a figure rests on too little to judge ('' when it does not): few events, or a survey in a small
    gemeente."""
    if indicator.basis == "events" and indicator.id in panel.counts:
        c = panel.counts[indicator.id]
        row = c[(c["gemeente_code"] == gemeente) & (c["year"] == year)]
        if len(row) and row["count"].iloc[0] < MIN_EVENTS:
            return f"minder dan {MIN_EVENTS} gebeurtenissen"
    if indicator.kind in ("jobs_growth", "jobs_per_1000") and panel.jobs.get(gemeente, np.inf) < MIN_JOBS:
        return f"minder dan {num(MIN_JOBS)} banen, door het CBS afgerond op honderdtallen"
    if indicator.basis == "survey" and panel.population.get(gemeente, np.inf) < MIN_SURVEY_POPULATION:
        return f"steekproef in een gemeente met minder dan {num(MIN_SURVEY_POPULATION)} inwoners"
    return ""


def score_indicator(panel: IndicatorPanel, indicator: Indicator, gemeente: str, peers: list[str]) -> dict:
    """One row of the position table for ``gemeente``."""
    base = {"id": indicator.id, "label_nl": indicator.label_nl, "unit": indicator.unit,
            "dimension": indicator.dimension, "theme": indicator.theme, "direction": indicator.direction,
            "source": indicator.source, "provisional": indicator.id in panel.provisional}
    values = panel.values[indicator.id]
    if values.empty:
        return {**base, "year": np.nan, "value": np.nan, "nl_value": np.nan, "nl_kind": "", "peer_median": np.nan,
                "percentile": np.nan, "score": np.nan, "peer_score": np.nan, "band": MISSING, "n": 0, "caution": "",
                "trend_from": np.nan, "trend_change": np.nan, "trend": MISSING}
    year = int(values["year"].max())
    if "from_year" in values:  # a growth over years: the label names them ('sinds het eerste jaar' said no year)
        base["label_nl"] = (indicator.label_nl[:-1] + f", {int(values['from_year'].min())}–{year})"
                            if indicator.label_nl.endswith(")") else
                            f"{indicator.label_nl} ({int(values['from_year'].min())}–{year})")
    latest = panel.latest[indicator.id]
    value = float(latest.get(gemeente, np.nan))
    nl, nl_kind = panel.national[indicator.id]
    pct = percentile_of(latest, value) if not np.isnan(value) else np.nan
    peer_median = float(latest.reindex(peers).median())
    peer_pct = percentile_of(latest, peer_median) if not np.isnan(peer_median) else np.nan
    return {**base, "year": year, "value": value, "nl_value": nl, "nl_kind": nl_kind,
            "peer_median": peer_median, "percentile": pct,
            "score": score_percentile(pct, indicator.direction) if not np.isnan(pct) else np.nan,
            "peer_score": score_percentile(peer_pct, indicator.direction) if not np.isnan(peer_pct) else np.nan,
            "band": band(pct, indicator.direction), "n": int(latest.notna().sum()),
            "caution": caution(panel, indicator, gemeente, year) if not np.isnan(value) else "",
            **trend(values, gemeente, indicator, panel.counts.get(indicator.id))}


def position_table(panel: IndicatorPanel, gemeente: str, peers: list[str], focus: list[str]) -> pd.DataFrame:
    """Every registry indicator scored for ``gemeente``; focus indicators flagged."""
    df = pd.DataFrame([score_indicator(panel, ind, gemeente, peers) for ind in panel.registry.values()])
    df["focus"] = df["id"].isin(focus)
    return df
