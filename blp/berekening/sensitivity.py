"""How much does the choice of allocation key matter? The BLP under alternative keys."""

from __future__ import annotations

import pandas as pd

from blp.berekening.allocation import EUR_PER_MEUR, allocate
from blp.berekening.calculation import BlpResult, KeyCache, build_key, concordance_for, regional_value_added
from blp.berekening.keys import Key, activity_key, convertible, nearest, population_key
from blp.data.canonical import CanonicalData


def alternative_keys(data: CanonicalData, result: BlpResult, variants: list[str], keys: KeyCache | None = None) -> list[Key]:
    """The keys named in ``variants``: no_density (the jobs key without its job-density weighting), no_average
    (the jobs key with F and R-U by the estimated jobs alone, not averaged with establishments), total (no
    sectors), population, other_years (the key measured in other years), other_key (the other activity
    measure: establishments for jobs and vice versa)."""
    c, conc = result.choices, result.concordance
    comp = c.composition_year or c.boundary_year
    cache = keys or KeyCache(data)
    keys: list[Key] = []
    corrected = c.density_correction
    for variant in variants:
        if variant == "no_density":
            if c.key == "jobs" and result.key.density is not None:
                keys.append(cache.get(c.key, c.key_year, c.boundary_year, conc, comp, corrected=False))
        elif variant == "no_average":
            if c.key == "jobs" and result.key.blended:
                keys.append(cache.get(c.key, c.key_year, c.boundary_year, conc, comp, corrected, averaged=False))
        elif variant == "total":
            keys.append(activity_key(data, c.key, c.key_year, c.boundary_year, conc, by_industry=False, composition=comp))
        elif variant == "population":
            keys.append(population_key(data, c.population_year, c.boundary_year, conc, composition=comp))
        elif variant == "other_years":
            for year in data.activity_years(c.key):
                if year != c.key_year and convertible(data, year, c.boundary_year):
                    keys.append(cache.get(c.key, year, c.boundary_year, conc, comp, corrected))
        elif variant == "other_key":
            other = "establishments" if c.key == "jobs" else "jobs"
            years = [y for y in data.activity_years(other) if convertible(data, y, c.boundary_year)]
            if years:
                year = nearest(years, c.va_year)
                other_conc = concordance_for(data, c.va_year, other, year)
                if other_conc.groups == conc.groups:
                    keys.append(cache.get(other, year, c.boundary_year, conc, comp, corrected))
                else:  # a coarser grouping (establishments put A in A+O-Q): allocate on that grouping
                    key = build_key(data, other, year, c.boundary_year, other_conc, comp, corrected)
                    key.own_va = regional_value_added(data, c.va_year, other_conc)
                    keys.append(key)
    return keys


def sensitivity_table(data: CanonicalData, result: BlpResult, variants: list[str],
                      keys: KeyCache | None = None) -> pd.DataFrame:
    """BLP (million euro) of every gemeente under the main key and each alternative (wide)."""
    columns = {result.key.name: result.national.set_index("gemeente_code")["blp_meur"]}
    labels = {result.key.name: result.key.label_nl + " (hoofdsleutel)"}
    for key in alternative_keys(data, result, variants, keys):
        alloc = allocate(result.va if key.own_va is None else key.own_va, key.table)
        columns[key.name] = alloc.by_gemeente() / EUR_PER_MEUR
        labels[key.name] = key.label_nl
    table = pd.DataFrame(columns)
    table.attrs["labels"] = labels
    return table


def gemeente_sensitivity(table: pd.DataFrame, gemeente: str) -> pd.DataFrame:
    """One gemeente: BLP per key and the difference with the main key (first column)."""
    labels = table.attrs.get("labels", {})
    row = table.loc[gemeente]
    main = row.iloc[0]
    return pd.DataFrame({
        "key": list(row.index),
        "label_nl": [labels.get(k, k) for k in row.index],
        "blp_meur": row.to_numpy(dtype=float),
        "difference_pct": (row.to_numpy(dtype=float) / main - 1) * 100,
    })
