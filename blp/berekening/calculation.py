"""The national BLP calculation: choose years, build the key, allocate, tabulate all gemeenten."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from blp.berekening.allocation import EUR_PER_MEUR, Allocation, allocate, reconcile
from blp.berekening.concordance import TOTAL, Concordance, build_concordance
from blp.berekening.jobs_key import jobs_groups, jobs_key
from blp.berekening.keys import (Key, activity_key, composition_year, convertible, fitting_boundary_years, nearest,
                                 population_series)
from blp.berekening.value_added import full_detail_years, industry_codes, regional_value_added, totals, va_years
from blp.data.canonical import MEASURE_NL, CanonicalData
from blp.errors import DataError
from blp.params import Params


@dataclass(frozen=True)
class Choices:
    """The years and key a run uses, resolved from params and the data."""

    va_year: int
    key: str
    key_year: int
    boundary_year: int
    population_year: int
    composition_year: int = 0  # the boundary year whose COROP composition the value added follows
    density_correction: bool = True  # jobs key: each unit's jobs weighted by its job density

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def _pick(kind: str, asked: int | None, available: list[int], default_target: int, boundary_year: int,
          data: CanonicalData) -> int:
    usable = [y for y in available if convertible(data, y, boundary_year)]
    if asked is not None:
        if asked not in available:
            raise DataError(f"Geen {kind} voor {asked} in de data.",
                            f"kies een van {', '.join(map(str, available)) or 'geen'}.")
        if asked not in usable:
            raise DataError(f"De {kind} van {asked} zijn niet om te zetten naar de gemeentegrenzen van "
                            f"{boundary_year}.",
                            f"kies een van {', '.join(map(str, usable)) or 'geen'}, of een ander jaar voor de "
                            "gemeentegrenzen.")
        return asked
    if not usable:
        fitting = fitting_boundary_years(data, available)
        raise DataError(f"Geen van de {kind} ({', '.join(map(str, available))}) is om te zetten naar de "
                        f"gemeentegrenzen van {boundary_year}.",
                        f"kies de gemeentegrenzen van {' of '.join(map(str, fitting))}, of geef eigen "
                        f"herindelingsgewichten naar {boundary_year} (--boundary-weights BESTAND)." if fitting else
                        f"geef herindelingsgewichten naar {boundary_year} (--boundary-weights BESTAND).")
    return nearest(usable, default_target)


def resolve_choices(data: CanonicalData, params: Params) -> Choices:
    """Fill unset years: newest boundaries, newest value added, key and population nearest to it."""
    boundary_years = data.boundary_years()
    boundary_year = params.boundary_year if params.boundary_year is not None else boundary_years[-1]
    if boundary_year not in boundary_years:
        raise DataError(f"Geen gemeentegrenzen voor {boundary_year}.",
                        f"kies een jaar voor de gemeentegrenzen uit {', '.join(map(str, boundary_years))}.")
    full_years = full_detail_years(data)
    if not full_years:
        raise DataError("De data bevatten geen regionale toegevoegde waarde per sector.",
                        "voeg value_added.csv toe (docs/data-schema.md).")
    va_year = params.va_year if params.va_year is not None else full_years[-1]
    if va_year not in va_years(data):
        raise DataError(f"Geen regionale toegevoegde waarde voor {va_year}.",
                        f"kies een jaar voor de toegevoegde waarde uit {', '.join(map(str, va_years(data)))}.")
    key_years = data.activity_years(params.key)
    if not key_years:
        raise DataError(f"De data bevatten geen {MEASURE_NL[params.key]} ({params.key}) per gemeente voor de "
                        "verdeelsleutel.",
                        "gebruik key: establishments, of voeg een eigen bestand toe met --activity BESTAND "
                        "(docs/data-schema.md).")
    own = data.own_activity.get(params.key) if params.key_year is None else None  # an own file sets the key year
    key_year = _pick(f"{MEASURE_NL[params.key]} per gemeente" + (" van het eigen bestand (--activity)" if own else ""),
                     params.key_year, sorted(own) if own else key_years, va_year, boundary_year, data)
    pop_year = _pick("inwonertallen", params.population_year, data.indicator_years("population"), va_year,
                     boundary_year, data)
    return Choices(va_year, params.key, key_year, boundary_year, pop_year, composition_year(data, va_year),
                   params.density_correction)


@dataclass
class BlpResult:
    """Everything the national calculation produced, for one set of choices."""

    choices: Choices
    concordance: Concordance
    key: Key
    va: pd.DataFrame              # corop_code, group, value_meur (allocation groups)
    allocation: Allocation
    national: pd.DataFrame        # one row per gemeente (see national_table)
    extra_regio_meur: float
    nl_total_meur: float

    def reconciliation(self) -> pd.DataFrame:
        return reconcile(self.allocation, self.va)


def per_unit_column(measure: str) -> str:
    """The national table's column of BLP per unit of the key: 'blp_per_job_eur', 'blp_per_establishment_eur'."""
    return f"blp_per_{measure.rstrip('s')}_eur"


def national_table(data: CanonicalData, choices: Choices, allocation: Allocation, key: Key,
                   groups: tuple[str, ...]) -> pd.DataFrame:
    """Every gemeente: region, BLP (million euro), per inhabitant, per unit of key, per group."""
    regions = data.regions_of(choices.boundary_year).drop(columns="year")
    per_group = allocation.shares.pivot_table(index="gemeente_code", columns="group", values="blp_eur",
                                              aggfunc="sum", fill_value=0)
    per_group = per_group.reindex(columns=list(groups), fill_value=0)
    blp_eur = per_group.sum(axis=1)
    population, _ = population_series(data, choices.population_year, choices.boundary_year)
    activity = key.activity_by_gemeente()
    table = regions.set_index("gemeente_code")
    table["blp_meur"] = blp_eur.reindex(table.index).fillna(0) / EUR_PER_MEUR
    table["population"] = population.reindex(table.index)
    table["blp_per_inhabitant_eur"] = table["blp_meur"] * EUR_PER_MEUR / table["population"]
    table[key.measure] = activity.reindex(table.index)
    table[per_unit_column(key.measure)] = table["blp_meur"] * EUR_PER_MEUR / table[key.measure]
    for g in groups:
        table[f"blp_meur_{g}"] = per_group[g].reindex(table.index).fillna(0) / EUR_PER_MEUR
    return table.reset_index().sort_values("gemeente_code").reset_index(drop=True)


def key_codes(data: CanonicalData, measure: str, year: int) -> list[str]:
    """The industry codes a key of ``measure`` in ``year`` comes in; for jobs without sector detail per
    gemeente, the A10 groups of the COROP jobs the estimate is fitted to."""
    rows = data.activity[(data.activity["measure"] == measure) & (data.activity["year"] == year)]
    codes = [c for c in rows["industry_code"].unique().tolist() if c != TOTAL]
    if measure == "jobs":
        detailed = set(codes) >= set(jobs_groups(data, year)) and codes
        return codes if detailed else jobs_groups(data, year)
    return codes


def concordance_for(data: CanonicalData, va_year: int, measure: str, key_year: int) -> Concordance:
    """The allocation groups of value added of ``va_year`` and a key of ``measure`` in ``key_year``."""
    va_codes = industry_codes(data, va_year)
    return build_concordance(data.industry_sections(), va_codes, key_codes(data, measure, key_year))


def build_key(data: CanonicalData, measure: str, year: int, boundary_year: int, concordance: Concordance,
              composition: int, corrected: bool = True, averaged: bool = True) -> Key:
    """The key of ``measure`` in ``year``: jobs (estimated per sector where not published, L by housing
    value; with ``corrected`` weighted by job density) or establishments as published."""
    key = (jobs_key(data, year, boundary_year, concordance, composition, corrected, averaged) if measure == "jobs" else
           activity_key(data, measure, year, boundary_year, concordance, composition=composition))
    have = key.activity_by_gemeente()
    missing = [g for g in data.regions_of(boundary_year)["gemeente_code"] if not have.get(g, 0) > 0]
    if missing:
        raise DataError(
            f"De verdeelsleutel ({key.label_nl}) heeft geen {MEASURE_NL[measure]} ({measure}) voor {len(missing)} "
            f"gemeente(n) van {boundary_year}, zoals {', '.join(missing[:5])}: die zouden een BLP van (bijna) niets "
            "krijgen en hun aandeel zou naar hun buren gaan.",
            f"vul de {MEASURE_NL[measure]} ({measure}) van {year} aan voor elke gemeente (een eigen bestand moet alle "
            "gemeenten van zijn jaar bevatten), of kies een ander jaar voor de verdeelsleutel.")
    return key


class KeyCache:
    """Keys built once per run: the same key serves the main calculation, the sensitivity table and the
    time series (a jobs key is a fit per COROP region; no need to fit it three times)."""

    def __init__(self, data: CanonicalData):
        self.data = data
        self._keys: dict[tuple, Key] = {}

    def get(self, measure: str, year: int, boundary_year: int, concordance: Concordance, composition: int,
            corrected: bool = True, averaged: bool = True) -> Key:
        ident = (measure, year, boundary_year, composition, concordance.groups, corrected, averaged)
        if ident not in self._keys:
            self._keys[ident] = build_key(self.data, measure, year, boundary_year, concordance, composition, corrected,
                                          averaged)
        return self._keys[ident]


def compute_blp(data: CanonicalData, choices: Choices, key: Key | None = None, keys: KeyCache | None = None) -> BlpResult:
    """Allocate every COROP's value added to its gemeenten: the whole country at once."""
    concordance = concordance_for(data, choices.va_year, choices.key, choices.key_year)
    va = regional_value_added(data, choices.va_year, concordance)
    if key is None:
        key = (keys or KeyCache(data)).get(choices.key, choices.key_year, choices.boundary_year, concordance,
                                           choices.composition_year, choices.density_correction)
    allocation = allocate(va, key.table)
    national = national_table(data, choices, allocation, key, concordance.groups)
    nl, extra = totals(data, choices.va_year)
    if not np.isfinite(nl) or nl == 0:
        nl = va["value_meur"].sum() + extra
    return BlpResult(choices, concordance, key, va, allocation, national, float(extra), float(nl))
