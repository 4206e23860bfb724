"""Indicator values per gemeente and year, on the report's boundaries, for every registry entry."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from blp.berekening.calculation import BlpResult
from blp.data.canonical import CanonicalData
from blp.welvaart.registry import Indicator


def _on_boundaries(rows: pd.DataFrame, codes: set[str]) -> pd.DataFrame:
    """Keep only years whose gemeente codes are those of the report's boundary year."""
    keep = [y for y, g in rows.groupby("year") if set(g["gemeente_code"].unique()) <= codes]
    return rows[rows["year"].isin(keep)]


def rows_by_indicator(data: CanonicalData) -> dict[str, pd.DataFrame]:
    """The indicator table split by indicator id, in one pass (``year, gemeente_code, value``)."""
    cols = ["year", "gemeente_code", "value"]
    return {i: rows[cols] for i, rows in data.indicators.groupby("indicator", sort=False)}


def _rows(by_id: dict[str, pd.DataFrame], indicator_id: str) -> pd.DataFrame:
    return by_id.get(indicator_id, pd.DataFrame(columns=["year", "gemeente_code", "value"]))


def indicator_values(data: CanonicalData, result: BlpResult, indicator: Indicator,
                     by_id: dict[str, pd.DataFrame] | None = None) -> pd.DataFrame:
    """Long table year, gemeente_code, value (empty for unavailable indicators; never filled).
    ``by_id``: ``rows_by_indicator(data)``, when the caller has it already."""
    by_id = rows_by_indicator(data) if by_id is None else by_id
    codes = set(result.national["gemeente_code"])
    if indicator.kind == "indicator":
        return _on_boundaries(_rows(by_id, indicator.id), codes).reset_index(drop=True)
    if indicator.kind == "per_1000":
        num = _on_boundaries(_rows(by_id, indicator.id), codes)
        pop = _rows(by_id, "population")
        merged = num.merge(pop, on=["year", "gemeente_code"], suffixes=("", "_pop"))
        merged["value"] = merged["value"] / merged["value_pop"] * 1000
        return merged[["year", "gemeente_code", "value"]].reset_index(drop=True)
    if indicator.kind == "blp":
        n = result.national
        col = "blp_per_inhabitant_eur" if indicator.id == "blp_per_inhabitant" else \
            f"blp_per_{result.key.measure.rstrip('s')}_eur"
        return pd.DataFrame({"year": result.choices.va_year, "gemeente_code": n["gemeente_code"],
                             "value": n[col]}).dropna().reset_index(drop=True)
    return pd.DataFrame(columns=["year", "gemeente_code", "value"])


def national_value(data: CanonicalData, result: BlpResult, indicator: Indicator, year: int,
                   values: pd.DataFrame, by_id: dict[str, pd.DataFrame] | None = None) -> tuple[float, str]:
    """The Dutch value: a true national ratio where it can be formed, else the median gemeente."""
    if indicator.kind == "per_1000":
        by_id = rows_by_indicator(data) if by_id is None else by_id
        num, pop = _rows(by_id, indicator.id), _rows(by_id, "population")
        return float(num.loc[num["year"] == year, "value"].sum() / pop.loc[pop["year"] == year, "value"].sum()
                     * 1000), "Nederland"
    if indicator.id == "blp_per_inhabitant":
        n = result.national
        return float(n["blp_meur"].sum() * 1e6 / n["population"].sum()), "Nederland"
    if indicator.id == "blp_per_key_unit":
        n = result.national
        return float(n["blp_meur"].sum() * 1e6 / n[result.key.measure].sum()), "Nederland"
    return float(values.loc[values["year"] == year, "value"].median()), "mediaan gemeenten"


@dataclass
class IndicatorPanel:
    """Every registry indicator's values computed once: all years, the latest year, the Dutch value."""

    registry: dict[str, Indicator]
    values: dict[str, pd.DataFrame]
    latest: dict[str, pd.Series]
    national: dict[str, tuple[float, str]]


def build_panel(data: CanonicalData, result: BlpResult, registry: dict[str, Indicator]) -> IndicatorPanel:
    values, latest, national = {}, {}, {}
    by_id = rows_by_indicator(data)
    for ind in registry.values():
        vals = indicator_values(data, result, ind, by_id)
        values[ind.id] = vals
        if len(vals):
            year = int(vals["year"].max())
            latest[ind.id] = vals[vals["year"] == year].set_index("gemeente_code")["value"]
            national[ind.id] = national_value(data, result, ind, year, vals, by_id)
    return IndicatorPanel(registry, values, latest, national)
