"""Indicator values per gemeente and year, on the report's boundaries, for every registry entry."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from blp.berekening.calculation import BlpResult
from blp.berekening.keys import activity_total, convertible_years
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
        merged = counts(by_id, indicator, codes)
        merged["value"] = merged["count"] / merged["population"] * 1000
        return merged[["year", "gemeente_code", "value"]].reset_index(drop=True)
    if indicator.kind == "population_share":
        parts = [_on_boundaries(_rows(by_id, p), codes).set_index(["year", "gemeente_code"])["value"]
                 for p in indicator.parts]
        pop = _rows(by_id, "population").set_index(["year", "gemeente_code"])["value"]
        share = (sum(parts) / pop * 100).dropna()
        return share.rename("value").reset_index()
    if indicator.kind in ("jobs_per_1000", "jobs_growth"):
        jobs = _jobs(data, result, by_id)
        if jobs.empty:
            return pd.DataFrame(columns=["year", "gemeente_code", "value"])
        if indicator.kind == "jobs_per_1000":
            pop = _rows(by_id, "population")
            merged = jobs.merge(pop, on=["year", "gemeente_code"], suffixes=("", "_pop"))
            merged["value"] = merged["value"] / merged["value_pop"] * 1000
            return merged[["year", "gemeente_code", "value"]].reset_index(drop=True)
        first, last = int(jobs["year"].min()), int(jobs["year"].max())
        if first == last:
            return pd.DataFrame(columns=["year", "gemeente_code", "value"])
        wide = jobs.pivot_table(index="gemeente_code", columns="year", values="value")
        growth = ((wide[last] / wide[first]) ** (1 / (last - first)) - 1) * 100
        return pd.DataFrame({"year": last, "gemeente_code": growth.index, "value": growth.to_numpy(),
                             "from_year": first}).dropna()
    if indicator.kind == "blp":
        n = result.national
        return pd.DataFrame({"year": result.choices.va_year, "gemeente_code": n["gemeente_code"],
                             "value": n["blp_per_inhabitant_eur"]}).dropna().reset_index(drop=True)
    return pd.DataFrame(columns=["year", "gemeente_code", "value"])


def counts(by_id: dict[str, pd.DataFrame], indicator: Indicator, codes: set[str]) -> pd.DataFrame:
    """A per-1 000 indicator's counts and the population of the same year: year, gemeente_code, count,
    population (the report's boundary years only)."""
    num = _on_boundaries(_rows(by_id, indicator.numerator or indicator.id), codes)
    pop = _rows(by_id, "population")
    merged = num.merge(pop, on=["year", "gemeente_code"], suffixes=("", "_pop"))
    return merged.rename(columns={"value": "count", "value_pop": "population"})[
        ["year", "gemeente_code", "count", "population"]]


def _jobs_per_year(data: CanonicalData, result: BlpResult) -> pd.DataFrame:
    """Employee jobs per gemeente for every year the data put on the report's boundaries."""
    boundary = result.choices.boundary_year
    years = convertible_years(data, "jobs", boundary)
    frames = [activity_total(data, "jobs", y, boundary).rename("value").reset_index().assign(year=y) for y in years]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=["year", "gemeente_code", "value"])


JOBS_KEY = "__jobs_per_year__"  # where rows_by_indicator's dict keeps the jobs once computed


def _jobs(data: CanonicalData, result: BlpResult, by_id: dict[str, pd.DataFrame]) -> pd.DataFrame:
    if JOBS_KEY not in by_id:
        by_id[JOBS_KEY] = _jobs_per_year(data, result)
    return by_id[JOBS_KEY]


def national_value(data: CanonicalData, result: BlpResult, indicator: Indicator, year: int,
                   values: pd.DataFrame, by_id: dict[str, pd.DataFrame] | None = None) -> tuple[float, str]:
    """The Dutch value: a true national ratio where it can be formed, else the median gemeente."""
    if indicator.kind == "per_1000":
        by_id = rows_by_indicator(data) if by_id is None else by_id
        num, pop = _rows(by_id, indicator.numerator or indicator.id), _rows(by_id, "population")
        return float(num.loc[num["year"] == year, "value"].sum() / pop.loc[pop["year"] == year, "value"].sum()
                     * 1000), "Nederland"
    if indicator.kind == "jobs_per_1000":
        by_id = rows_by_indicator(data) if by_id is None else by_id
        jobs = _jobs(data, result, by_id)
        pop = _rows(by_id, "population")
        both = jobs[jobs["year"] == year].merge(pop[pop["year"] == year], on=["year", "gemeente_code"])
        return float(both["value_x"].sum() / both["value_y"].sum() * 1000), "Nederland"
    if indicator.id == "blp_per_inhabitant":
        n = result.national
        return float(n["blp_meur"].sum() * 1e6 / n["population"].sum()), "Nederland"
    return float(values.loc[values["year"] == year, "value"].median()), "mediaan gemeenten"


@dataclass
class IndicatorPanel:
    """Every registry indicator's values computed once: all years, the latest year, the Dutch value."""

    registry: dict[str, Indicator]
    values: dict[str, pd.DataFrame]
    latest: dict[str, pd.Series]
    national: dict[str, tuple[float, str]]
    counts: dict[str, pd.DataFrame] = field(default_factory=dict)   # events indicators: counts and population
    population: pd.Series = field(default_factory=pd.Series)         # inhabitants per gemeente, newest year
    jobs: pd.Series = field(default_factory=pd.Series)               # employee jobs per gemeente, newest year
    provisional: set[str] = field(default_factory=set)                # indicators whose newest year is provisional


def inputs_of(indicator: Indicator) -> list[str]:
    """The data indicators a registry indicator is computed from (the population a rate divides by aside)."""
    if indicator.kind == "per_1000":
        return [indicator.numerator or indicator.id]
    if indicator.kind == "population_share":
        return list(indicator.parts or [])
    return [indicator.id] if indicator.kind == "indicator" else []


def build_panel(data: CanonicalData, result: BlpResult, registry: dict[str, Indicator]) -> IndicatorPanel:
    values, latest, national, event_counts = {}, {}, {}, {}
    by_id = rows_by_indicator(data)
    codes = set(result.national["gemeente_code"])
    for ind in registry.values():
        if ind.basis == "events" and ind.kind == "per_1000":
            event_counts[ind.id] = counts(by_id, ind, codes)
        vals = indicator_values(data, result, ind, by_id)
        values[ind.id] = vals
        if len(vals):
            year = int(vals["year"].max())
            latest[ind.id] = vals[vals["year"] == year].set_index("gemeente_code")["value"]
            national[ind.id] = national_value(data, result, ind, year, vals, by_id)
    pop = _on_boundaries(_rows(by_id, "population"), codes)
    newest = pop[pop["year"] == pop["year"].max()].set_index("gemeente_code")["value"] if len(pop) else pd.Series()
    jobs = _jobs(data, result, by_id)
    newest_jobs = (jobs[jobs["year"] == jobs["year"].max()].set_index("gemeente_code")["value"] if len(jobs)
                   else pd.Series(dtype=float))
    provisional = {ind.id for ind in registry.values() if ind.id in latest and any(
        (name, int(values[ind.id]["year"].max())) in data.provisional_indicators for name in inputs_of(ind))}
    return IndicatorPanel(registry, values, latest, national, event_counts, newest, newest_jobs, provisional)
