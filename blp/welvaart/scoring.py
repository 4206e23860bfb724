"""Position scoring as in the CBS regional monitor: percentile, top/bottom 25 %, peers, trend."""

from __future__ import annotations

import numpy as np
import pandas as pd

from blp.welvaart.registry import Indicator
from blp.welvaart.values import IndicatorPanel

TOP, BOTTOM, MIDDLE, NO_JUDGEMENT, MISSING = "top 25%", "onderste 25%", "middengroep", "geen oordeel", "niet beschikbaar"


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


def trend(values: pd.DataFrame, gemeente: str, direction: str) -> dict:
    """Change between the first and last year with a value for the gemeente, and its judgement."""
    own = values[values["gemeente_code"] == gemeente].sort_values("year")
    if len(own) < 2:
        return {"trend_from": np.nan, "trend_change": np.nan, "trend": "één jaar" if len(own) else MISSING}
    first, last = own.iloc[0], own.iloc[-1]
    change = last["value"] - first["value"]
    relative = change / abs(first["value"]) if first["value"] else np.nan
    if direction == "neutral" or np.isnan(relative):
        verdict = NO_JUDGEMENT
    elif abs(relative) < 0.01:
        verdict = "gelijk gebleven"
    else:
        better = (change > 0) == (direction == "higher")
        verdict = "verbeterd" if better else "verslechterd"
    return {"trend_from": int(first["year"]), "trend_change": float(change), "trend": verdict}


def score_indicator(panel: IndicatorPanel, indicator: Indicator, gemeente: str, peers: list[str]) -> dict:
    """One row of the position table for ``gemeente``."""
    base = {"id": indicator.id, "label_nl": indicator.label_nl, "unit": indicator.unit,
            "dimension": indicator.dimension, "theme": indicator.theme, "direction": indicator.direction,
            "source": indicator.source}
    values = panel.values[indicator.id]
    if values.empty:
        return {**base, "year": np.nan, "value": np.nan, "nl_value": np.nan, "nl_kind": "", "peer_median": np.nan,
                "percentile": np.nan, "score": np.nan, "peer_score": np.nan, "band": MISSING, "n": 0,
                "trend_from": np.nan, "trend_change": np.nan, "trend": MISSING}
    year = int(values["year"].max())
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
            **trend(values, gemeente, indicator.direction)}


def position_table(panel: IndicatorPanel, gemeente: str, peers: list[str], focus: list[str]) -> pd.DataFrame:
    """Every registry indicator scored for ``gemeente``; focus indicators flagged."""
    df = pd.DataFrame([score_indicator(panel, ind, gemeente, peers) for ind in panel.registry.values()])
    df["focus"] = df["id"].isin(focus)
    return df
