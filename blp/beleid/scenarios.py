"""Scenarios: the 0-scenario, an example intervention where a gemeente has none, effect paths, goals.

Amounts are in prices of the value-added year (no inflation): the 0-scenario therefore grows with a
*real* growth rate by default (the COROP's volume growth), and every path starts in the value-added year.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from blp.beleid.policy import NOT_LEVERS, GemeenteMultipliers
from blp.berekening.calculation import BlpResult
from blp.berekening.derived import sector_structure
from blp.berekening.jobs_key import HOUSING_GROUP
from blp.berekening.keys import activity_total, convertible, convertible_years
from blp.berekening.value_added import volume_growth
from blp.dutch import in_sentence, listing, num
from blp.data.canonical import CanonicalData
from blp.errors import DataError, ParamsError
from blp.params import MAX_YEARS, ActivityChange, BeleidParams, Goal, Scenario

TREND_YEARS = 10          # the 0-scenario continues the average growth of the last ten measured years
EXAMPLE_GROWTH = 0.10     # the example intervention: 10 % more jobs ...
EXAMPLE_SECTORS = 3       # ... in each of the gemeente's three largest base sectors ...
EXAMPLE_MIN = 10          # ... of at least ten jobs (or establishments) ...
STRONG_LQ = 1.1           # a base sector: a location quotient of at least 1.1 (report 2 calls it 'relatief sterk')
EXAMPLE_YEARS = 10        # ... over ten years
EFFECT_COLUMNS = ("direct_meur", "local_meur", "local_low_meur", "local_high_meur", "corop_meur", "nl_meur",
                  "abroad_meur", "extra_jobs_direct", "extra_jobs_indirect")


# --- the 0-scenario ------------------------------------------------------------------------------

@dataclass
class Baseline:
    """The 0-scenario: growth per year from the value-added year on, and where it comes from."""

    growth: pd.Series        # year -> growth on the year before (0.012 = 1.2 %)
    trend: float             # the growth used after the last measured year
    method: str              # corop_real | key_trend | fixed | none (what was used)
    trend_years: tuple[int, int] | None = None   # the years the trend was measured over
    measured_until: int | None = None            # corop_real: the last year of measured growth
    fell_back: bool = False  # corop_real was asked but the data have no COROP volume growth
    # corop_real: the average growth over every measured year and those years, beside the ten-year trend it continues
    long_run: tuple[float, int, int] | None = None


def _key_trend(data: CanonicalData, result: BlpResult, gemeente: str) -> tuple[float, tuple[int, int]] | None:
    measure = result.key.measure
    years = convertible_years(data, measure, result.choices.boundary_year)
    if len(years) < 2:
        return None
    first, last = years[0], years[-1]

    def total(y):
        return float(activity_total(data, measure, y, result.choices.boundary_year).get(gemeente, np.nan))

    growth = (total(last) / total(first)) ** (1 / (last - first)) - 1
    return (growth, (first, last)) if np.isfinite(growth) else None


def baseline(beleid: BeleidParams, data: CanonicalData, result: BlpResult, gemeente: str, corop: str,
             end_year: int) -> Baseline:
    """The 0-scenario's growth per year from ``result``'s value-added year to ``end_year``.

    ``corop_real`` (default): the COROP's real growth as CBS measured it (84432NED, before the 2024
    revision) up to its last year, then the average of the last ten measured years; where the data have
    no volume growth, the key's trend. ``key_trend``: the growth of the gemeente's own key activity.
    ``fixed``: a chosen rate. ``none``: no growth."""
    b = beleid.baseline
    va_year = result.choices.va_year
    years = np.arange(va_year + 1, end_year + 1)
    if b.method == "corop_real":
        volume = volume_growth(data, corop) / 100
        recent = volume.iloc[-TREND_YEARS:]
        if len(recent):
            trend = float(np.prod(1 + recent.to_numpy()) ** (1 / len(recent)) - 1)
            growth = pd.Series([float(volume.get(y, trend)) if y <= volume.index.max() else trend for y in years],
                               index=years)
            every = float(np.prod(1 + volume.to_numpy()) ** (1 / len(volume)) - 1)
            return Baseline(growth, trend, "corop_real", (int(recent.index.min()), int(recent.index.max())),
                            int(volume.index.max()),
                            long_run=(every, int(volume.index.min()), int(volume.index.max())))
    if b.method in ("corop_real", "key_trend"):
        found = _key_trend(data, result, gemeente)
        if found is None and b.method == "key_trend":
            raise DataError("Het 0-scenario 'key_trend' heeft de verdeelsleutel nodig in minstens twee jaren op de "
                            "gemeentegrenzen van het rapport.",
                            "gebruik beleid.baseline.method: corop_real, of voeg een tweede jaar van de "
                            "verdeelsleutel toe.")
        if found is not None:
            return Baseline(pd.Series(found[0], index=years), found[0], "key_trend", found[1],
                            fell_back=b.method == "corop_real")
        return Baseline(pd.Series(0.0, index=years), 0.0, "none", fell_back=True)
    rate = b.annual_growth if b.method == "fixed" else 0.0
    return Baseline(pd.Series(rate, index=years), rate, b.method)


def zero_path(base_meur: float, growth: pd.Series, first_year: int) -> pd.DataFrame:
    """The 0-scenario per year from ``first_year`` (the base) on, with every effect column at zero."""
    years = np.concatenate([[first_year], growth.index.to_numpy()])
    level = base_meur * np.concatenate([[1.0], np.cumprod(1 + growth.to_numpy())])
    path = pd.DataFrame({"year": years.astype(int), "baseline_meur": level})
    for col in EFFECT_COLUMNS:
        path[col] = 0.0
    path["scenario_meur"] = path["baseline_meur"]
    return path


# --- an example where the gemeente has no scenario -------------------------------------------------

def example_amount(activity: float) -> float:
    """10 % of a sector's activity, rounded to tens from 100 extra jobs on and to whole jobs below (a floor of ten
    turned 10 % into 40 % in a sector of 25 jobs; tens, 11 % in one of 264)."""
    amount = activity * EXAMPLE_GROWTH
    return float(round(amount, -1)) if amount >= 100 else float(max(1, round(amount)))


PUBLIC_GROUPS = ("O-Q", "A+O-Q")  # public administration, education and care (with agriculture in establishments)


def example_scenario(result: BlpResult, gemeente: str, labels: dict[str, str]) -> Scenario:
    """10 % more activity (jobs with the jobs key, ``example_amount``) in each of the gemeente's base sectors
    (location quotient of its key activity at least ``STRONG_LQ``, at least ``EXAMPLE_MIN`` jobs), at most the three
    largest by that activity, phased in over ten years; in its three largest sectors where it has no base sector.
    Scaled to the gemeente, so it reads the same for Amsterdam and Schiermonnikoog. Not L: its key is housing
    value, and the imputed rent of owner-occupied dwellings does not grow with jobs; not A, whose value added per
    employee job counts the self-employed farmers' too (``NOT_LEVERS``, as the levers). Not public services
    (``PUBLIC_GROUPS``). The description says in Dutch which sectors these are."""
    key = result.key.activity
    groups = [g for g in result.concordance.groups if g != HOUSING_GROUP]
    own = key[key["gemeente_code"] == gemeente].groupby("group")["value"].sum().reindex(groups).fillna(0)
    # the location quotients report 2 gives ('relatief sterk in ...'): the example must not call a sector strong,
    # or none, where report 2 says otherwise (Zwolle's care, 1,10 there, below 1,1 here without L's jobs)
    lq = sector_structure(result, gemeente).set_index("group")["activity_lq"].reindex(groups).fillna(0)
    # a sector of fewer than ten jobs is no base sector; 10 % of it would be less than one job. Public services are
    # no lever of economic policy (their jobs follow public budgets): not chosen, and the description says so.
    levers = own.drop([g for g in (*PUBLIC_GROUPS, *NOT_LEVERS) if g in own.index])
    # strong groups the example does not take (public services; agriculture), named so the count reads true
    strong_left_out = [g for g in (*PUBLIC_GROUPS, *NOT_LEVERS) if g in own.index and lq[g] >= STRONG_LQ
                     and own[g] >= EXAMPLE_MIN]
    strong = list(levers[(lq.reindex(levers.index) >= STRONG_LQ) & (levers >= EXAMPLE_MIN)]
                  .sort_values(ascending=False).index)
    chosen = strong[:EXAMPLE_SECTORS] or [g for g in levers.sort_values(ascending=False).index
                                          if levers[g] >= EXAMPLE_MIN][:EXAMPLE_SECTORS] or [levers.idxmax()]
    unit = "jobs" if result.key.measure == "jobs" else "establishments"
    unit_nl = "banen" if unit == "jobs" else "vestigingen"
    changes = [ActivityChange(labels.get(g, g), {g: 1.0}, 0, example_amount(own[g]), EXAMPLE_YEARS, unit)
               for g in chosen]
    n = len(changes)
    pct_more = f"{round((STRONG_LQ - 1) * 100)}%"
    growth = f"Voorbeeld: {round(EXAMPLE_GROWTH * 100)}% meer {unit_nl} in"
    if not strong:
        largest = "de grootste sector" if n == 1 else f"de {n} grootste sectoren"
        name = f"{growth} {largest}"
        public = listing([in_sentence(labels.get(g, g)) for g in strong_left_out])
        what = (f"{largest} van de gemeente{f' buiten {public}' if public else ''}, omdat zij "
                f"{'daarbuiten ' if public else ''}in geen enkele sector naar verhouding minstens {pct_more} meer "
                f"{unit_nl} heeft dan Nederland")
    else:
        name = f"{growth} {'1 sterke sector' if n == 1 else f'{n} sterke sectoren'}"
        which = f"de {n} grootste sectoren" if len(strong) > n else "de enige sector" if n == 1 else f"de {n} sectoren"
        what = f"{which} waarin de gemeente naar verhouding minstens {pct_more} meer {unit_nl} heeft dan Nederland"
        if strong_left_out:
            what += f", {listing([in_sentence(labels.get(g, g)) for g in strong_left_out])} niet meegeteld"
    return Scenario(name=name, changes=changes, description=what)


# --- effect paths --------------------------------------------------------------------------------

def _group_of(code: str, result: BlpResult) -> str:
    conc = result.concordance
    if code in conc.groups:
        return code
    if code in conc.va_to_group:
        return conc.va_to_group[code]
    raise DataError(f"Scenariogroep {code!r} is geen sectorgroep van deze run.",
                    f"gebruik een van {', '.join(conc.groups)} (of een A10-code die daarbinnen valt).")


def check_scenarios(beleid: BeleidParams, result: BlpResult, source: str, gemeente: str | None = None) -> None:
    """A params file's scenarios can be computed for this run, checked before any report runs, so a mistake is a
    params error naming its file and field: every group is an industry group (or an A10 code in one); no jobs in
    real estate (L: its value added is mostly the imputed rent of owner-occupied homes, so its value added per
    job would credit a job with rent); no establishments in agriculture where CBS counts them with public services
    (a farm's value per establishment is not known); no loss larger than what ``gemeente`` has in a group; a start
    year not before the year of the BLP the scenarios start from."""
    conc = result.concordance
    for i, scenario in enumerate(beleid.scenarios):
        for j, change in enumerate(scenario.changes):
            field = f"'beleid.scenarios[{i}].changes[{j}].groups'"
            _check_loss(change, result, gemeente, f"{source}: 'beleid.scenarios[{i}].changes[{j}]'")
            for code in change.groups:
                if code not in conc.groups and code not in conc.va_to_group:
                    raise ParamsError(f"{source}: {field} noemt {code!r}, geen sectorgroep van deze berekening.",
                                      f"gebruik een van {', '.join(conc.groups)} (of een A10-code daarbinnen).")
                if _group_of(code, result) == HOUSING_GROUP and change.unit == "jobs":
                    raise ParamsError(f"{source}: {field} noemt {code!r} (onroerend goed): de toegevoegde waarde van die "
                                      "sector is vooral de huurwaarde van koopwoningen, die geen baan oplevert; een "
                                      "extra baan zou hier honderdduizenden euro's huur meekrijgen.",
                                      "reken extra banen in vastgoed (makelaars, beheer) mee bij de zakelijke "
                                      "dienstverlening (M-N), of laat ze weg.")
                if _group_of(code, result) == "A" and change.unit == "establishments" and "O-Q" in conc.groups:
                    raise ParamsError(f"{source}: {field} noemt {code!r} met unit 'establishments': het CBS telt de "
                                      "vestigingen van de landbouw alleen samen met openbaar bestuur, onderwijs en zorg, "
                                      "dus wat een boerenbedrijf toevoegt is niet bekend (rapport 4 toont daar geen "
                                      "waarde per vestiging).",
                                      "reken de landbouw in banen (unit: jobs), of laat haar weg.")
    va_year = result.choices.va_year
    if beleid.start_year is not None and not va_year <= beleid.start_year <= va_year + MAX_YEARS:
        raise ParamsError(f"{source}: 'beleid.start_year' {beleid.start_year} ligt "
                          + (f"voor {va_year}, het jaar van het BLP waarvan het 0-scenario en de scenario's uitgaan."
                             if beleid.start_year < va_year else
                             f"meer dan {MAX_YEARS} jaar na {va_year}, het jaar van het BLP waarvan het 0-scenario en "
                             "de scenario's uitgaan."),
                          f"kies een jaar van {va_year} tot {va_year + MAX_YEARS}, of laat start_year weg (dan het "
                          "laatste jaar van de sleutel).")
    for i, goal in enumerate(beleid.goals):
        if goal.year <= va_year:
            raise ParamsError(f"{source}: 'beleid.goals[{i}].year' {goal.year} ligt niet na {va_year}, het jaar van "
                              "het BLP waarvan de scenario's uitgaan: daar valt niets meer te halen.",
                              f"kies een jaar na {va_year}.")


def _check_loss(change: ActivityChange, result: BlpResult, gemeente: str | None, where: str) -> None:
    """A change that removes activity cannot remove more than the gemeente has in a group (of the key's measure)."""
    if gemeente is None or change.end >= change.start or change.unit != result.key.measure:
        return
    act = result.key.activity
    own = act[act["gemeente_code"] == gemeente].groupby("group")["value"].sum()
    unit_nl = "banen" if change.unit == "jobs" else "vestigingen"
    for code, share in change.groups.items():
        group = _group_of(code, result)
        loss, have = (change.start - change.end) * share, float(own.get(group, 0.0))
        if loss > have * 1.0001:
            raise ParamsError(f"{where} haalt {num(loss)} {unit_nl} weg in {code} (start {num(change.start)}, end "
                              f"{num(change.end)}), maar de gemeente heeft er {num(have)} ({result.key.year}, "
                              f"{'deels geschat' if result.key.fit is not None else 'gepubliceerd'}): een verlies kan "
                              "niet groter zijn dan wat er is.",
                              f"maak het verlies ten hoogste {num(have)} {unit_nl}, of verdeel het over meer sectoren "
                              "(groups).")


def direct_change_path(scenario: Scenario, result: BlpResult, per_job: pd.Series, per_est: pd.Series,
                       start_year: int, horizon: int) -> pd.DataFrame:
    """Per year and group: extra activity (jobs/establishments) and direct value added (euro)."""
    rows = []
    for ch in scenario.changes:
        unit_va = per_job if ch.unit == "jobs" else per_est
        for t in range(horizon + 1):
            extra = (ch.end - ch.start) * min(t, ch.years) / ch.years
            for code, share in ch.groups.items():
                group = _group_of(code, result)
                rows.append({"year": start_year + t, "group": group, "unit": ch.unit,
                             "extra_activity": extra * share, "direct_eur": extra * share * unit_va[group]})
    df = pd.DataFrame(rows)
    return df.groupby(["year", "group", "unit"], as_index=False)[["extra_activity", "direct_eur"]].sum()


@dataclass
class ScenarioResult:
    name: str
    path: pd.DataFrame       # year, baseline_meur, scenario_meur and EFFECT_COLUMNS
    by_group: pd.DataFrame   # group, direct_meur, local_meur, corop_meur, nl_meur, abroad_meur at the horizon
    scenario: Scenario
    example: bool = False


@dataclass
class Multipliers:
    """The multipliers a scenario is priced with: at the chosen delta, and the band over other deltas."""

    chosen: GemeenteMultipliers | None
    low: GemeenteMultipliers | None    # the delta that gives the smallest local effect
    high: GemeenteMultipliers | None   # the delta that gives the largest


def run_scenario(scenario: Scenario, result: BlpResult, baseline_path: pd.DataFrame, per_job: pd.Series,
                 per_est: pd.Series, mult: Multipliers, start_year: int, horizon: int, avg_va_per_job: float,
                 example: bool = False) -> ScenarioResult:
    """The scenario's effects per year on top of the 0-scenario: direct, in the gemeente (with the band over
    delta), in the COROP and in NL (type I multipliers), and the imported inputs (abroad)."""
    direct = direct_change_path(scenario, result, per_job, per_est, start_year, horizon)
    groups = list(result.concordance.groups)
    ones, zeros = pd.Series(1.0, index=groups), pd.Series(0.0, index=groups)

    def effect(m: GemeenteMultipliers | None, attr: str) -> pd.Series:
        factors = getattr(m, attr) if m is not None else (zeros if attr == "imports_per_va" else ones)
        return direct["direct_eur"] * direct["group"].map(factors).fillna(0.0 if attr == "imports_per_va" else 1.0)

    direct["local_eur"] = effect(mult.chosen, "gemeente")
    direct["local_low_eur"] = effect(mult.low, "gemeente")
    direct["local_high_eur"] = effect(mult.high, "gemeente")
    direct["corop_eur"] = effect(mult.chosen, "corop")
    direct["nl_eur"] = effect(mult.chosen, "national")
    direct["abroad_eur"] = effect(mult.chosen, "imports_per_va")
    cols = ["direct_eur", "local_eur", "local_low_eur", "local_high_eur", "corop_eur", "nl_eur", "abroad_eur"]
    per_year = direct.groupby("year")[cols].sum() / 1e6
    jobs = direct[direct["unit"] == "jobs"].groupby("year")["extra_activity"].sum()
    path = baseline_path.copy()
    years = path["year"].to_numpy()
    for col in cols:
        path[col.replace("_eur", "_meur")] = per_year[col].reindex(years).fillna(0).to_numpy()
    path["scenario_meur"] = path["baseline_meur"] + path["local_meur"]
    path["extra_jobs_direct"] = jobs.reindex(years).fillna(0).to_numpy()
    path["extra_jobs_indirect"] = (path["local_meur"] - path["direct_meur"]) * 1e6 / avg_va_per_job
    last = direct[direct["year"] == direct["year"].max()].groupby("group")[cols].sum() / 1e6
    last.columns = [c.replace("_eur", "_meur") for c in cols]
    return ScenarioResult(scenario.name, path, last.reset_index(), scenario, example)


# --- goals ---------------------------------------------------------------------------------------

INPUT, MET, NOT_MET, OUTSIDE = "invoer van het scenario", "gehaald", "niet gehaald", "buiten de looptijd"


def _status(goal: Goal, r: pd.Series, value: float) -> str:
    # Extra jobs the scenario itself adds are its input: a goal they meet is met by construction.
    if goal.indicator == "extra_jobs" and r["extra_jobs_direct"] >= goal.target:
        return INPUT
    return MET if value >= goal.target else NOT_MET


def check_goals(goals: list[Goal], paths: dict[str, pd.DataFrame], population: float) -> pd.DataFrame:
    """Per goal and scenario: the value in the goal year and its status (``INPUT`` where the scenario sets
    the goal by construction, then ``MET``/``NOT_MET``, ``OUTSIDE`` the scenario's years)."""
    rows = []
    for goal in goals:
        for name, path in paths.items():
            row = path[path["year"] == goal.year]
            base = {"goal": goal.label, "indicator": goal.indicator, "scenario": name, "year": goal.year,
                    "target": goal.target}
            if row.empty:
                rows.append({**base, "value": np.nan, "status": OUTSIDE, "gap": np.nan})
                continue
            r = row.iloc[0]
            value = float({"blp_meur": r["scenario_meur"],
                           "blp_per_inhabitant_eur": r["scenario_meur"] * 1e6 / population,
                           "extra_jobs": r["extra_jobs_direct"] + r["extra_jobs_indirect"]}[goal.indicator])
            rows.append({**base, "value": value, "status": _status(goal, r, value), "gap": float(goal.target - value)})
    return pd.DataFrame(rows, columns=["goal", "indicator", "scenario", "year", "target", "value", "status", "gap"])


# --- the gemeente's labour market and housing, for 'later' and 'elders' -------------------------------

WORKING_AGE = ("population_age_15_19", "population_age_20_24", "population_age_25_44", "population_age_45_64")


@dataclass
class LocalFacts:
    """Figures from the data that put a scenario's jobs next to the gemeente's people and dwellings."""

    jobs_year: int | None = None
    jobs: float = np.nan                 # employee jobs in the gemeente
    jobs_per_1000: float = np.nan        # per 1,000 inhabitants, same year
    nl_jobs_per_1000: float = np.nan
    age_year: int | None = None
    working_age: float = np.nan          # inhabitants of 15 to 64
    housing_year: int | None = None
    dwellings: float = np.nan
    vacant_pct: float = np.nan
    population_year: int | None = None   # the newest inhabitants on the report's boundaries: what a future year's
    population: float = np.nan           # effect per inhabitant is divided by (its own population is not known)


def _latest(ind: pd.DataFrame, name: str, gemeente: str) -> tuple[int | None, float]:
    rows = ind[(ind["indicator"] == name) & (ind["gemeente_code"] == gemeente)]
    if rows.empty:
        return None, np.nan
    row = rows.loc[rows["year"].idxmax()]
    return int(row["year"]), float(row["value"])


def local_facts(data: CanonicalData, result: BlpResult, gemeente: str) -> LocalFacts:
    """Jobs per inhabitant (against NL), the working-age population and the dwelling stock, newest years."""
    facts = LocalFacts()
    boundary = result.choices.boundary_year
    ind = data.indicators
    jobs_years = convertible_years(data, "jobs", boundary)
    pop = ind[ind["indicator"] == "population"]
    for year in reversed(jobs_years):
        p = pop[pop["year"] == year].set_index("gemeente_code")["value"]
        if gemeente not in p.index:
            continue
        jobs = activity_total(data, "jobs", year, boundary)
        both = pd.concat([jobs.rename("jobs"), p.rename("pop")], axis=1).dropna()
        facts.jobs_year, facts.jobs = year, float(jobs.get(gemeente, np.nan))
        facts.jobs_per_1000 = facts.jobs / float(p[gemeente]) * 1000
        facts.nl_jobs_per_1000 = float(both["jobs"].sum() / both["pop"].sum() * 1000)
        break
    ages = [_latest(ind, name, gemeente) for name in WORKING_AGE]
    if all(y is not None for y, _ in ages) and len({y for y, _ in ages}) == 1:
        facts.age_year, facts.working_age = ages[0][0], float(sum(v for _, v in ages))
    for year in sorted(pop["year"].unique(), reverse=True):
        p = pop[(pop["year"] == year) & (pop["gemeente_code"] == gemeente)]["value"]
        if len(p) and convertible(data, int(year), boundary):
            facts.population_year, facts.population = int(year), float(p.iloc[0])
            break
    facts.housing_year, facts.dwellings = _latest(ind, "dwellings", gemeente)
    _, facts.vacant_pct = _latest(ind, "vacant_dwellings_pct", gemeente)
    return facts
