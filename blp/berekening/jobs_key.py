"""The default key: employee jobs per gemeente x A10 group, estimated where the data do not hold it.

CBS publishes employee jobs per gemeente and per COROP region x A10 group, but the embedded snapshot holds them
per gemeente only in total (and for agriculture, A, in some gemeenten), and the live table leaves cells out. The
matrix is estimated per COROP region by biproportional fitting (``blp.berekening.ras``): rows are each allocation
unit's total jobs, columns the COROP's jobs per group, the seed is the unit's establishments per group times the
national jobs per establishment of that group. Published cells (A where known, or all cells from a full jobs file)
are kept and only the rest is fitted; a 0 of CBS's figures, rounded to hundreds, is fitted up to 50. Suppressed COROP
cells are filled from the COROP total minus its published cells, spread by the seed.

Real estate (L) is mostly the imputed rent of owner-occupied dwellings, which has no jobs: L is
allocated by the value of the housing stock (dwellings x mean WOZ value) instead. In construction (F) and
culture and other services (R-U) a gemeente's share is the average of its share of the fitted jobs and its
share of the group's establishments (``blend_with_establishments``), where the split is estimated.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from blp.berekening import ras
from blp.berekening.concordance import TOTAL, Concordance
from blp.berekening.keys import (Key, activity_key, activity_rows, convertible_years, fitting_boundary_years,
                                 has_industry_detail, memo, nearest, to_units)
from blp.berekening.productivity import LandAreaError, density_correction, land_area, unit_factors
from blp.data.canonical import JOBS_ROUNDING, UNASSIGNABLE_GEMEENTE, CanonicalData
from blp.dutch import num
from blp.errors import DataError

HOUSING_GROUP = "L"
AGRICULTURE = "A"  # its jobs are published per gemeente where CBS has them; its fit is seeded by land area
HOUSING_INDICATORS = ("dwellings", "mean_woz_value_eur")
# Where the split over the groups within a gemeente is estimated, a gemeente's share of these groups is the average
# of two estimates of it: its share of the fitted (and weighted) jobs and its share of the group's establishments.
# Measured one level up (`blp validate`), each estimate alone errs more than their average in both groups, at both
# levels (README, method); in G-I it helps the group but not the regions' totals, in the other groups it does not
# help. Equal weights: not fitted.
BLENDED_GROUPS = ("F", "R-U")
SHORT_NL = {"F": "bouw", "R-U": "cultuur/overige diensten"}  # in the key's label, where it has to be short
ESTABLISHMENTS_WEIGHT = 0.5


@dataclass
class JobsFit:
    """How the jobs matrix was estimated."""

    year: int
    seed_year: int
    per_corop: pd.DataFrame   # corop_code, units, iterations, max_row_error, max_col_error, margin_gap_pct, filled
    matrix: pd.DataFrame      # gemeente_code, corop_code, group, jobs, known, below, at_least, seed
    area_year: int | None = None  # the land areas A's seed came from (None: A seeded by establishments)
    zero_bound: float | None = None  # a published 0 means fewer than this many jobs (None: the figures are exact)

    @property
    def iterations(self) -> int:
        return int(self.per_corop["iterations"].max())

    @property
    def max_margin_error(self) -> float:
        return float(self.per_corop[["max_row_error", "max_col_error"]].max().max())

    @property
    def converged(self) -> bool:
        return self.max_margin_error <= ras.TOLERANCE

    def against_seed(self, gemeente: str) -> tuple[float, float]:
        """A gemeente's jobs and the jobs its establishments suggest (national jobs per establishment of each group;
        agriculture by land area): where the first is much larger, the fit spreads the surplus over every group in
        proportion, while in fact a few large employers hold it (Schiphol in Haarlemmermeer: 2,1 times)."""
        own = self.matrix[self.matrix["gemeente_code"] == gemeente]
        return float(own["jobs"].sum()), float(own["seed"].sum())

    @property
    def below_rounding(self) -> pd.DataFrame:
        """The cells published as 0 in rounded figures ("fewer than half the rounding unit"): fitted, up to that."""
        return self.matrix[self.matrix["below"].notna()]


def jobs_groups(data: CanonicalData, year: int) -> list[str]:
    """The A10 groups of the COROP jobs table of ``year``."""
    rj = data.regional_jobs
    return [c for c in dict.fromkeys(rj.loc[rj["year"] == year, "industry_code"]) if c != TOTAL]


def seed_group(group: str, sections: dict[str, tuple[str, ...]], est_codes: list[str]) -> str:
    """The establishments code whose sections cover ``group`` (O-Q and A both lie in A+O-Q)."""
    mine = set(sections[group])
    for code in est_codes:
        if mine <= set(sections[code]):
            return code
    raise DataError(f"Geen enkele groep van de vestigingen (establishments) omvat bedrijfstak {group}; de schatting "
                    "van de banen per sector heeft er een nodig als startpunt.",
                    f"voeg de vestigingen van bedrijfstak {group} toe aan de vestigingen (establishments.csv: elke "
                    "groep van industries.csv; docs/data-schema.md).")


def jobs_per_establishment(nl_jobs: pd.Series, nl_est: pd.Series, seed_of: dict[str, str], year: int,
                           est_year: int) -> dict[str, float]:
    """The national jobs per establishment of each group (the seed's weight). A group with jobs but not one
    establishment in the whole country is contradictory data, not a zero: refused, naming the group."""
    empty = [g for g in seed_of if nl_est.get(seed_of[g], 0) <= 0 < nl_jobs.get(g, 0)]
    if empty:
        raise DataError(
            f"De vestigingen (establishments) van {est_year} tellen in bedrijfstak {', '.join(empty)} in heel Nederland "
            f"geen enkele vestiging, terwijl er in {year} banen van werknemers zijn; de schatting van de banen per "
            "sector kan daar niet van uitgaan.",
            f"controleer de vestigingen van {est_year} in die bedrijfstak (establishments.csv, kolom establishments).")
    return {g: nl_jobs.get(g, 0) / nl_est[seed_of[g]] if nl_est.get(seed_of[g], 0) > 0 else 0.0 for g in seed_of}


def _corop_columns(data: CanonicalData, year: int, groups: list[str]) -> pd.DataFrame:
    """COROP x group jobs of ``year`` (wide); suppressed cells NaN; plus the COROP total."""
    rj = data.regional_jobs[(data.regional_jobs["year"] == year) & data.regional_jobs["corop_code"].str.fullmatch(r"CR\d\d")
                            & (data.regional_jobs["corop_code"] != "CR99")]
    if rj.empty:
        raise DataError(f"Geen banen van werknemers per COROP-gebied voor {year} (jobs_corop.csv).",
                        "de verdeelsleutel banen heeft die nodig; kies een ander jaar voor de verdeelsleutel of "
                        "key: establishments.")
    # one row per COROP, group and year (duplicates are refused on load); a suppressed cell stays NaN
    wide = rj.pivot(index="corop_code", columns="industry_code", values="jobs")
    return wide.reindex(columns=groups + [TOTAL])


def _establishments_wide(data: CanonicalData, year: int, boundary_year: int, composition: int) -> pd.DataFrame:
    """Establishments per allocation unit (rows: COROP, gemeente) x establishments group (columns)."""
    est = activity_rows(data, "establishments", year)
    est = est[(est["gemeente_code"] != UNASSIGNABLE_GEMEENTE) & (est["industry_code"] != TOTAL)]
    codes = list(dict.fromkeys(est["industry_code"]))
    units, _ = to_units(est[["gemeente_code", "industry_code", "value"]], ["value"], year, boundary_year,
                        composition, data)
    wide = units.pivot_table(index=["corop_code", "gemeente_code"], columns="industry_code", values="value",
                             aggfunc="sum", fill_value=0.0)
    return wide.reindex(columns=codes)


def estimate_jobs(data: CanonicalData, year: int, boundary_year: int, composition: int,
                  agriculture_by_area: bool = True) -> JobsFit:
    """Employee jobs per allocation unit x A10 group in ``year``, fitted to the published margins (once per data
    set: the weighted and the unweighted key share the fit). ``agriculture_by_area=False``: agriculture seeded by
    establishments as the other groups, for the back-test of that choice (``blp.berekening.backtest``)."""
    return memo(data, "estimate_jobs", year, boundary_year, composition, agriculture_by_area,
                compute=lambda: _estimate_jobs(data, year, boundary_year, composition, agriculture_by_area))


def _seed_year(data: CanonicalData, year: int, boundary_year: int) -> int:
    """The establishments year the fit starts from: the nearest to ``year`` that can be put on the boundaries."""
    usable = convertible_years(data, "establishments", boundary_year)
    if not usable:
        years = data.activity_years("establishments")
        fitting = fitting_boundary_years(data, years)
        raise DataError(
            f"De verdeelsleutel banen schat de banen per sector met de vestigingen als startpunt, maar geen jaar van "
            f"de vestigingen ({', '.join(map(str, years)) or 'geen'}) is om te zetten naar de gemeentegrenzen van "
            f"{boundary_year}.",
            (f"kies de gemeentegrenzen van {' of '.join(map(str, fitting))} (--boundary-year, boundary_year), of "
             if fitting else "") + f"geef eigen herindelingsgewichten naar {boundary_year} (--boundary-weights BESTAND).")
    return nearest(usable, year)


def _estimate_jobs(data: CanonicalData, year: int, boundary_year: int, composition: int,
                   agriculture_by_area: bool = True) -> JobsFit:
    groups = jobs_groups(data, year)
    sections = data.industry_sections()
    rows = activity_rows(data, "jobs", year)
    rows = rows[rows["gemeente_code"] != UNASSIGNABLE_GEMEENTE]
    totals, _ = to_units(rows.loc[rows["industry_code"] == TOTAL, ["gemeente_code", "value"]], ["value"], year,
                         boundary_year, composition, data)
    if totals.empty:
        raise DataError(f"Geen totaal aantal banen van werknemers per gemeente voor {year}.",
                        "de verdeelsleutel banen heeft die nodig.")
    rounding = data.rounding("jobs", year)
    zero_bound = rounding / 2 if rounding else None
    cells = _published_cells(data, rows, groups, year, boundary_year, composition, zero_bound)

    seed_year = _seed_year(data, year, boundary_year)
    est_wide = memo(data, "establishments_wide", seed_year, boundary_year, composition,
                    compute=lambda: _establishments_wide(data, seed_year, boundary_year, composition))
    est_codes = list(est_wide.columns)
    columns = _corop_columns(data, year, groups)
    seed_of = {g: seed_group(g, sections, est_codes) for g in groups}
    nl_jobs = columns[groups].sum()
    nl_est = est_wide.sum()
    ratio = jobs_per_establishment(nl_jobs, nl_est, seed_of, year, seed_year)

    tot = totals.set_index(["corop_code", "gemeente_code"])["value"].sort_index()
    units = tot.index
    seed_all = est_wide.reindex(units).reindex(columns=[seed_of[g] for g in groups]).fillna(0).to_numpy() \
        * np.array([ratio[g] for g in groups])
    area_year = None
    if AGRICULTURE in groups and agriculture_by_area:
        seed_all[:, groups.index(AGRICULTURE)], area_year = _agriculture_seed(
            data, year, boundary_year, composition, units, float(nl_jobs[AGRICULTURE]), seed_all[:, groups.index(AGRICULTURE)])
    known_all, upper_all, lower_all = (np.full((len(units), len(groups)), np.nan) for _ in range(3))
    if cells is not None:
        known_all, upper_all, lower_all = (cells[c].reindex(index=units, columns=groups).to_numpy(dtype="float64")
                                           for c in ("known", "upper", "lower"))
    totals_all = tot.to_numpy(dtype="float64")
    corops = units.get_level_values("corop_code").to_numpy()
    missing = sorted(set(corops) - set(columns.index))
    if missing:
        raise DataError(f"Geen banen van werknemers per groep voor COROP {missing[0]} in {year}.",
                        "de verdeelsleutel banen heeft elk COROP-gebied nodig in jobs_corop.csv.")
    published_all = columns.reindex(columns=groups)
    corop_total = columns[TOTAL]
    starts = np.r_[0, np.flatnonzero(corops[1:] != corops[:-1]) + 1, len(corops)]
    per_corop, fitted = [], np.empty_like(seed_all)
    for a, b in zip(starts[:-1], starts[1:]):
        corop = corops[a]
        seed, known_m, row_targets = seed_all[a:b], known_all[a:b], totals_all[a:b]
        published = published_all.loc[corop].to_numpy(dtype="float64")
        if np.isnan(published).all() and pd.isna(corop_total.loc[corop]):
            raise DataError(f"jobs_corop.csv: alle groepen en het totaal van COROP {corop} in {year} zijn onderdrukt.",
                            "daar zijn de banen per sector niet te schatten; kies een ander jaar voor de "
                            "verdeelsleutel (--key-year) of key: establishments.")
        filled = [g for g, v in zip(groups, published) if np.isnan(v)]
        col_targets = published.copy()
        if filled:
            total = corop_total.loc[corop]
            rest = max(float(total) - float(np.nansum(published)), 0.0) if pd.notna(total) else 0.0
            idx = [groups.index(g) for g in filled]
            weights = seed[:, idx].sum(axis=0)
            weights = weights / weights.sum() if weights.sum() > 0 else np.full(len(idx), 1 / len(idx))
            col_targets[idx] = rest * weights
        # The gemeenten's totals (rounded to 100 jobs each) and the COROP's groups differ a little:
        # the columns are scaled to the rows, so the gemeenten keep their published totals.
        gap = (col_targets.sum() / row_targets.sum() - 1) * 100 if row_targets.sum() > 0 else 0.0
        if abs(gap) > MAX_MARGIN_GAP_PCT and pd.notna(corop_total.loc[corop]):
            _margin_error(corop, year, units[a:b], row_targets, float(corop_total.loc[corop]), data)
        _check_against_region(corop, year, groups, published, known_m, upper_all[a:b], lower_all[a:b], zero_bound, data)
        if col_targets.sum() > 0:
            col_targets = col_targets * row_targets.sum() / col_targets.sum()
        result = ras.fit_bounded(seed, row_targets, col_targets, known_m, upper_all[a:b], lower_all[a:b])
        fitted[a:b] = result.matrix
        per_corop.append({"corop_code": corop, "units": b - a, "iterations": result.iterations,
                          "max_row_error": result.max_row_error, "max_col_error": result.max_col_error,
                          "margin_gap_pct": gap, "filled": ", ".join(filled)})
    n_units, n_groups = fitted.shape
    matrix = pd.DataFrame({
        "corop_code": np.repeat(corops, n_groups),
        "gemeente_code": np.repeat(units.get_level_values("gemeente_code").to_numpy(), n_groups),
        "group": np.tile(np.array(groups, dtype=object), n_units),
        "jobs": fitted.reshape(-1),
        "known": ~np.isnan(known_all).reshape(-1),
        "below": upper_all.reshape(-1),  # published as 0 of rounded figures: fitted, but at most this many
        "at_least": lower_all.reshape(-1),  # only some parts of the unit published: fitted, at least their sum
        "seed": seed_all.reshape(-1),  # the jobs the establishments (or land area) suggest, before the fit
    })
    return JobsFit(year, seed_year, pd.DataFrame(per_corop), matrix, area_year, zero_bound)


def _published_cells(data: CanonicalData, rows: pd.DataFrame, groups: list[str], year: int, boundary_year: int,
                     composition: int, zero_bound: float | None) -> pd.DataFrame | None:
    """The published jobs per allocation unit x group, wide, under three headings: ``known`` where every part of the
    unit is published (a unit can join several gemeenten of ``year``), ``upper`` where every part is published as 0
    in rounded figures (0 to ``zero_bound`` jobs each: fitted, up to their sum), and ``lower`` where only some parts
    are published (fitted, at least their sum: Land van Cuijk's farm jobs are not those of Boxmeer and Cuijk alone,
    a breaker's finding). None without published groups."""
    published = rows[rows["industry_code"].isin(groups)]
    if published.empty:
        return None
    _check_against_totals(data, rows, published, year, zero_bound)
    codes = pd.unique(pd.concat([rows.loc[rows["industry_code"] == TOTAL, "gemeente_code"], published["gemeente_code"]]))
    grid = pd.MultiIndex.from_product([codes, list(dict.fromkeys(published["industry_code"]))],
                                      names=["gemeente_code", "industry_code"]).to_frame(index=False)
    grid = grid.merge(published[["gemeente_code", "industry_code", "value"]].astype({"value": "float64"}), how="left")
    grid = grid.assign(present=grid["value"].notna().astype("float64"), part=1.0,
                       bound=np.where(grid["value"] == 0, zero_bound or 0.0, 0.0), value=grid["value"].fillna(0.0))
    units, _ = to_units(grid, ["value", "bound", "present", "part"], year, boundary_year, composition, data)
    wide = units.pivot_table(index=["corop_code", "gemeente_code"], columns="industry_code",
                             values=["value", "bound", "present", "part"], aggfunc="sum")
    whole = (wide["present"] - wide["part"]).abs() < 1e-9
    some = (wide["present"] > 1e-9) & ~whole
    zeros = whole & (wide["bound"] > 0)  # every part published, some of them as 0 (each 0 to ``zero_bound``)
    return pd.concat({"known": wide["value"].where(whole & ~zeros), "upper": (wide["value"] + wide["bound"]).where(zeros),
                      "lower": wide["value"].where((some | zeros) & (wide["value"] > 0))}, axis=1)


def _check_against_totals(data: CanonicalData, rows: pd.DataFrame, published: pd.DataFrame, year: int,
                          zero_bound: float | None) -> None:
    """Refuse a gemeente whose published groups hold more jobs than its own total (A 90.000 beside a total of 9.400
    gave every other sector 0 with exit code 0: a breaker's finding); each rounded figure may be off by half a unit."""
    totals = rows[rows["industry_code"] == TOTAL].set_index("gemeente_code")["value"].astype("float64")
    parts = published.astype({"value": "float64"}).groupby("gemeente_code")["value"].agg(["sum", "count"])
    slack = (zero_bound or 0.0) * (parts["count"] + 1)
    over = parts.index[parts["sum"] > totals.reindex(parts.index) + slack]
    if len(over):
        code = over[0]
        source = data.activity_file("jobs", year)
        raise DataError(f"{source} ({year}): gemeente {code} heeft in de sectoren samen {num(parts.loc[code, 'sum'])} "
                        f"banen van werknemers, meer dan haar totaal (TOTAL: {num(totals[code])}).",
                        f"controleer de kolom jobs van {code} in {year} in {source}.")


def _check_against_region(corop: str, year: int, groups: list[str], published: np.ndarray, known: np.ndarray,
                          upper: np.ndarray, lower: np.ndarray, zero_bound: float | None, data: CanonicalData) -> None:
    """Refuse a group whose published gemeenten cannot belong to the COROP's own figure: more jobs than the region
    (a breaker's finding), or, all of them published with zeros among them, fewer than it could hold (every 0 means
    fewer than ``zero_bound``: all of a region's farm jobs published as 0 beside 1.700 farm jobs in the region)."""
    for j, group in enumerate(groups):
        if np.isnan(published[j]):
            continue
        col_known, col_upper, col_lower = known[:, j], upper[:, j], lower[:, j]
        least = np.nansum(col_known) + np.nansum(col_lower)
        free = np.isnan(col_known) & np.isnan(col_upper)
        most = np.inf if free.any() else np.nansum(col_known) + np.nansum(col_upper)
        # each published figure is rounded too, and so is the region's (CBS: to hundreds), also beside an own file
        # whose figures are exact (0,5 farm jobs in an own file beside the region's published 0 was refused)
        slack = (zero_bound or 0.0) * int((~np.isnan(col_known) | ~np.isnan(col_lower)).sum()) + JOBS_ROUNDING / 2
        if least > published[j] + slack or published[j] > most + slack:
            source = data.activity_file("jobs", year)
            # a decimal where a whole number would hide the difference ('al 0 banen ... geeft het gebied er 0')
            jobs = lambda x: num(x, 0 if abs(x) >= 10 or x == round(x) else 1)  # noqa: E731
            said = (f"samen al {jobs(least)} banen in bedrijfstak {group}" if least > published[j] + slack else
                    f"samen ten hoogste {jobs(most)} banen in bedrijfstak {group} (elke 0 betekent minder dan "
                    f"{num(zero_bound)})")
            raise DataError(
                f"{source} ({year}): de gemeenten van COROP-gebied {corop} hebben {said}, maar jobs_corop.csv geeft het "
                f"gebied er {jobs(published[j])}: dat kan niet allebei kloppen.",
                f"controleer de banen in bedrijfstak {group} van {year} in {source} voor de gemeenten van {corop} (en "
                "die van het gebied in jobs_corop.csv).")


def _agriculture_seed(data: CanonicalData, year: int, boundary_year: int, composition: int, units: pd.MultiIndex,
                      nl_jobs: float, fallback: np.ndarray) -> tuple[np.ndarray, int | None]:
    """The fit's seed for agriculture (A): each unit's land area times the national A jobs per km², and the year of
    the areas. Establishments cannot seed A: CBS counts them for agriculture together with public services,
    education and care (A+O-Q), so a city full of schools and care homes got a third to three quarters of its
    region's farm jobs (Zwolle half, Groningen 77 %: a reader's finding). Measured on the gemeenten whose A jobs
    CBS publishes, hidden and estimated again (``blp.berekening.backtest.agriculture_backtest``, printed by `blp
    validate`), land area
    misplaces far fewer of them. Where a unit has no land area, the establishments seed stays (``fallback``), for every unit."""
    try:
        area = land_area(data, year, boundary_year, composition)
    except LandAreaError:  # a bad density figure: refused by the weighting; switched off, the seed does without
        return fallback, None
    if area is None:
        return fallback, None
    values = area[0].set_index(["corop_code", "gemeente_code"])["value"].reindex(units)
    if values.isna().any() or values.sum() <= 0:
        return fallback, None
    return values.to_numpy(dtype="float64") * nl_jobs / float(values.sum()), area[1]


# The jobs of a COROP's gemeenten against the COROP's own total: CBS's own figures differ by rounding (at most 3 %
# in the snapshot), a user's file (LISA, which also counts the self-employed) by a fifth or so; half or more is a
# figure that cannot be right, and a BLP made from it would be one gemeente's typo spread over its region.
MAX_MARGIN_GAP_PCT = 50.0


def _margin_error(corop: str, year: int, units: pd.MultiIndex, row_targets: np.ndarray, corop_total: float,
                  data: CanonicalData) -> None:
    """Refuse gemeente totals that cannot belong to their COROP region, naming the largest one."""
    names = dict(zip(data.regions["gemeente_code"], data.regions["gemeente_name"]))
    largest = int(np.argmax(row_targets))
    code = units[largest][1]
    source = data.activity_file("jobs", year)
    raise DataError(
        f"{source} ({year}): de gemeenten van COROP-gebied {corop} hebben samen {num(row_targets.sum())} "
        f"banen van werknemers, het COROP-gebied zelf {num(corop_total)} (jobs_corop.csv): dat kan niet allebei "
        f"kloppen. De grootste is {names.get(code, code)} ({code}) met {num(row_targets[largest])} banen.",
        f"controleer de kolom jobs van jaar {year} in {source} voor de gemeenten van {corop} (en het totaal "
        "van dat gebied in jobs_corop.csv).")


def housing_value(data: CanonicalData, year: int, boundary_year: int, composition: int) -> tuple[pd.DataFrame, int]:
    """Dwellings x mean WOZ value (euro) per allocation unit, in the indicator year nearest ``year``."""
    return memo(data, "housing_value", year, boundary_year, composition,
                compute=lambda: _housing_value(data, year, boundary_year, composition))


def _housing_value(data: CanonicalData, year: int, boundary_year: int, composition: int) -> tuple[pd.DataFrame, int]:
    ind = data.indicators
    years = sorted(set(ind.loc[ind["indicator"] == HOUSING_INDICATORS[0], "year"])
                   & set(ind.loc[ind["indicator"] == HOUSING_INDICATORS[1], "year"]))
    if not years:
        raise DataError("Geen woningen en gemiddelde WOZ-waarden in de indicatoren (indicators.csv): de verdeelsleutel "
                        "van L (onroerend goed) heeft die nodig.")
    y = nearest(years, year)
    wide = ind[ind["year"] == y].pivot_table(index="gemeente_code", columns="indicator", values="value")
    wide = wide.reindex(columns=list(HOUSING_INDICATORS))
    _check_housing(wide, y)
    # CBS leaves the mean WOZ value of a few gemeenten empty: those take the median of their COROP region
    # (said in the key's description), so their real estate is not allocated to their neighbours.
    corop = pd.Series(dict(zip(data.regions_of(composition)["gemeente_code"], data.regions_of(composition)["corop_code"])))
    woz = wide[HOUSING_INDICATORS[1]]
    by_corop = woz.groupby(woz.index.map(corop)).median()
    filled = woz.isna() & wide[HOUSING_INDICATORS[0]].notna()
    woz = woz.fillna(pd.Series(woz.index.map(corop), index=woz.index).map(by_corop))
    value = (wide[HOUSING_INDICATORS[0]] * woz).dropna().rename("value").reset_index()
    units, _ = to_units(value, ["value"], y, boundary_year, composition, data)
    units.attrs["woz_filled"] = sorted(woz.index[filled & woz.notna()])
    return units, y


WOZ_RANGE_EUR = (10_000, 10_000_000)  # a gemeente's mean WOZ value outside this is a typo (NL 2020-2025: 150k to 1.5M)


def _check_housing(wide: pd.DataFrame, year: int) -> None:
    """Refuse dwellings or WOZ values that cannot be: L (real estate) would follow them silently (a negative value
    was set to nothing, a thousandfold one took a region's real estate)."""
    dwellings, woz = wide[HOUSING_INDICATORS[0]], wide[HOUSING_INDICATORS[1]]
    low, high = WOZ_RANGE_EUR
    for code, v in dwellings[dwellings < 1].items():
        raise DataError(f"indicators.csv: het aantal woningen (dwellings) van {code} in {year} is {num(v)}.",
                        "verbeter of verwijder die rij: de verdeelsleutel van onroerend goed (L) rekent met het aantal "
                        "woningen maal de gemiddelde WOZ-waarde.")
    for code, v in woz[(woz < low) | (woz > high)].items():
        raise DataError(f"indicators.csv: de gemiddelde WOZ-waarde (mean_woz_value_eur) van {code} in {year} is "
                        f"{num(v)} euro, buiten {num(low)} tot {num(high)} euro.",
                        "verbeter de waarde (in euro, niet in duizenden) of maak het veld leeg: een gemeente zonder "
                        "WOZ-waarde krijgt de mediaan van haar COROP-gebied.")


def jobs_key(data: CanonicalData, year: int, boundary_year: int, concordance: Concordance, composition: int,
             corrected: bool = True, averaged: bool = True) -> Key:
    """The jobs key: fitted (or published) jobs per group, A by its own jobs, L by housing value; with
    ``corrected``, each unit's jobs weighted by its job density (``blp.berekening.productivity``)."""
    if split_published(data, year, concordance):
        base = activity_key(data, "jobs", year, boundary_year, concordance, composition=composition)
        activity, fit, cells = base.activity, None, None
        what = f"banen in de sector ({year})"
        group_keys = {g: what for g in concordance.groups}
        conversion, unassignable = base.conversion, base.unassignable
    else:
        fit = estimate_jobs(data, year, boundary_year, composition)
        cells = fit.matrix.assign(group=fit.matrix["group"].map(lambda c: concordance.va_to_group.get(c, c)))
        activity = cells.groupby(["gemeente_code", "corop_code", "group"], as_index=False)["jobs"].sum()
        activity = activity.rename(columns={"jobs": "value"})
        group_keys = {g: f"banen in de sector ({year}), geschat per gemeente" for g in concordance.groups}
        if AGRICULTURE in group_keys:
            zeros = fit.below_rounding
            group_keys[AGRICULTURE] = (f"banen in de landbouw ({year}); geschat waar ze per gemeente niet in de gegevens "
                                       "staan" + (f" of als 0 (dus 0 tot {num(fit.zero_bound)})"
                                                  if (zeros["group"] == AGRICULTURE).any() else "")
                                       + (", met het landoppervlak van de gemeente als startpunt" if fit.area_year else ""))
        rows = activity_rows(data, "jobs", year)
        unassignable = float(rows.loc[(rows["gemeente_code"] == UNASSIGNABLE_GEMEENTE) & (rows["industry_code"] == TOTAL),
                                      "value"].sum())
        assignable = (rows["industry_code"] == TOTAL) & (rows["gemeente_code"] != UNASSIGNABLE_GEMEENTE)
        _, conversion = to_units(rows.loc[assignable, ["gemeente_code", "value"]], ["value"], year, boundary_year,
                                 composition, data)
    table = activity.rename(columns={"value": "key"})
    correction = density_correction(data, composition, boundary_year) if corrected else None
    area = land_area(data, year, boundary_year, composition) if correction is not None else None
    if correction is not None and area is not None:
        density_units = unit_factors(correction, activity, area[0])
        weight = pd.MultiIndex.from_frame(table[["corop_code", "gemeente_code"]]).map(density_units["factor"].to_dict())
        table = table.assign(key=table["key"] * np.asarray(weight, dtype="float64"))
        doubling = num(correction.percent_per_doubling(), 1)
        group_keys = {g: f"{text}, gewogen naar banendichtheid (+{doubling}% per baan bij twee keer zoveel banen "
                         "per km²)" for g, text in group_keys.items()}
    else:
        correction, density_units = None, None
    blended: tuple[str, ...] = ()
    if fit is not None and averaged:  # only an estimated split: published jobs per gemeente x group are used as such
        est = establishments_of_groups(data, fit.seed_year, boundary_year, composition, table)
        # a COROP x group whose jobs CBS publishes for every gemeente is no estimate: it is not averaged
        # (a 0 of rounded figures counts as published here: only that cell is estimated, not the group's split)
        published = cells.assign(published=cells["known"] | cells["below"].notna()).groupby(
            ["corop_code", "group"])["published"].all()
        table, blended = blend_with_establishments(table, est[est["group"].isin(concordance.groups)], "corop_code",
                                                   "gemeente_code", skip=set(published[published].index))
        for g in blended:
            group_keys[g] += (f"; het aandeel van de gemeente is het gemiddelde van haar aandeel in deze banen en dat "
                              f"in de vestigingen van de sector ({fit.seed_year})")
    if HOUSING_GROUP in concordance.groups:
        housing, housing_year = housing_value(data, year, boundary_year, composition)
        table = pd.concat([table[table["group"] != HOUSING_GROUP],
                           housing.rename(columns={"value": "key"}).assign(group=HOUSING_GROUP)], ignore_index=True)
        group_keys[HOUSING_GROUP] = f"woningvoorraad × gemiddelde WOZ-waarde ({housing_year})"
        if housing.attrs.get("woz_filled"):
            n = len(housing.attrs["woz_filled"])
            group_keys[HOUSING_GROUP] += (f"; voor {n} gemeente{'n' if n > 1 else ''} zonder gepubliceerde WOZ-waarde "
                                          "de mediaan van hun COROP-gebied")
    table, fallback = _fill_empty_cells(table, activity)
    notes = {(corop, group): "in dit COROP-gebied heeft de sector geen banen: verdeeld naar alle banen"
             for corop, group in fallback}
    table = table[["gemeente_code", "corop_code", "group", "key"]].sort_values(["corop_code", "group", "gemeente_code"])
    label = (f"banen per sector ({year})" + (", sectorverdeling geschat" if fit is not None else "")
             + (", gewogen naar banendichtheid" if correction is not None else ", niet gewogen naar banendichtheid")
             + (f"; bij {' en '.join(SHORT_NL.get(g, g) for g in blended)} gemiddeld met vestigingen ({fit.seed_year})"
                if blended else "")
             + (f"; ook bij {' en '.join(SHORT_NL.get(g, g) for g in BLENDED_GROUPS)} alleen naar banen"
                if fit is not None and not averaged else ""))
    name = f"jobs_{year}" + ("" if corrected else "_uncorrected") + ("" if averaged else "_not_averaged")
    return Key(name, label, "jobs", year, True, table.reset_index(drop=True), conversion, unassignable,
               activity=activity, group_keys=group_keys, fit=fit, cell_notes=notes, density=correction,
               density_units=density_units, blended=blended)


def split_published(data: CanonicalData, year: int, concordance: Concordance) -> bool:
    """Whether the data give every gemeente's jobs of ``year`` in every group, so nothing is fitted (the live table
    leaves cells out: then those are fitted, and a 0 of CBS's rounded figures with them, up to 50). In a complete
    breakdown a 0 stays 0: fitting only the zeros cannot meet totals that differ from the sum of their rounded
    sectors (a breaker's finding), and report 1 says what such a 0 means."""
    if not has_industry_detail(data, "jobs", year, concordance):
        return False
    rows = activity_rows(data, "jobs", year)
    rows = rows[rows["gemeente_code"] != UNASSIGNABLE_GEMEENTE]
    detail = rows[rows["industry_code"] != TOTAL]
    per_gemeente = detail.groupby("gemeente_code")["industry_code"].nunique()
    complete = (per_gemeente.reindex(rows["gemeente_code"].unique()) == detail["industry_code"].nunique()).all()
    return bool(complete)


def blend_with_establishments(key: pd.DataFrame, est: pd.DataFrame, region: str, unit: str,
                               value: str = "key", skip: set = frozenset(),
                               weight: float = ESTABLISHMENTS_WEIGHT) -> tuple[pd.DataFrame, tuple[str, ...]]:
    """``key`` (region, unit, group, ``value``) with each group of BLENDED_GROUPS that ``est`` (region, unit, group,
    est) counts: a unit's key becomes the average of its share of its region's key and its share of the region's
    establishments (the latter with ``weight``), times the region's key (the region's total per group is unchanged). A region without key or
    without establishments in a group, or whose (region, group) is in ``skip``, keeps its key. Returns the key and
    the groups blended somewhere. The same function serves gemeenten and the back-test one level up."""
    present = set(est["group"].unique()) & set(key["group"].unique())
    regions = key[region].unique()
    groups = tuple(g for g in BLENDED_GROUPS if g in present and not {(r, g) for r in regions} <= set(skip))
    if not groups:
        return key, ()
    part = key[key["group"].isin(groups)].merge(est.loc[est["group"].isin(groups), [region, unit, "group", "est"]],
                                                on=[region, unit, "group"], how="left")
    est_values = part["est"].fillna(0.0)
    by_region = part.groupby([region, "group"])
    key_sum, est_sum = by_region[value].transform("sum"), est_values.groupby([part[region], part["group"]]).transform("sum")
    both = (key_sum > 0) & (est_sum > 0)
    if skip:
        both &= ~pd.MultiIndex.from_frame(part[[region, "group"]]).isin(list(skip))
    average = ((1 - weight) * part[value] / key_sum.where(both) + weight * est_values / est_sum.where(both)) * key_sum
    part[value] = average.where(both, part[value])
    return pd.concat([key[~key["group"].isin(groups)], part[key.columns]], ignore_index=True), groups


def establishments_of_groups(data: CanonicalData, year: int, boundary_year: int, composition: int,
                             units: pd.DataFrame, groups: tuple[str, ...] = BLENDED_GROUPS) -> pd.DataFrame:
    """Establishments per allocation unit of the groups the establishments count exactly (corop_code,
    gemeente_code, group, est). Every gemeente of ``units`` (corop_code, gemeente_code: the key's) must have
    establishments that year: one without would get only half its share in these groups (an own establishments
    file of one gemeente moved its BLP by 12 %: a breaker's finding)."""
    wide = memo(data, "establishments_wide", year, boundary_year, composition,
                compute=lambda: _establishments_wide(data, year, boundary_year, composition))
    counted = wide.sum(axis=1)
    have = set(counted[counted > 0].index.get_level_values("gemeente_code"))
    missing = sorted(set(units["gemeente_code"].unique()) - have)
    if missing:
        raise DataError(
            f"De vestigingen (establishments) van {year} ontbreken voor {len(missing)} gemeente(n), zoals "
            f"{', '.join(missing[:5])}; de sleutel van {' en '.join(groups)} middelt banen met vestigingen en zou die "
            "gemeenten daar maar de helft van hun aandeel geven.",
            f"vul de vestigingen van {year} aan voor elke gemeente (een eigen bestand moet alle gemeenten van zijn "
            "jaar bevatten).")
    own = [g for g in groups if g in wide.columns]
    long = wide[own].stack().rename("est").reset_index()
    return long.rename(columns={long.columns[2]: "group"})


def _fill_empty_cells(table: pd.DataFrame, activity: pd.DataFrame) -> tuple[pd.DataFrame, list[tuple[str, str]]]:
    """A COROP x group without any jobs (a published 0) still has value added: its units share it by their
    total jobs, so nothing is left unallocated. Returns the key and the cells so filled."""
    sums = table.groupby(["corop_code", "group"])["key"].sum()
    empty = [cell for cell, s in sums.items() if s <= 0]
    if not empty:
        return table, []
    totals = activity.groupby(["corop_code", "gemeente_code"], as_index=False)["value"].sum()
    filled = [table[~table.set_index(["corop_code", "group"]).index.isin(empty)]]
    for corop, group in empty:
        t = totals[totals["corop_code"] == corop].rename(columns={"value": "key"})
        filled.append(t.assign(group=group))
    return pd.concat(filled, ignore_index=True), empty
