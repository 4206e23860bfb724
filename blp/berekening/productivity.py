"""Value added per job rises with job density: a correction of the jobs key, measured one level up.

The jobs key assumes that a job in a sector adds as much everywhere in its COROP region. The back-test
shows where that fails: the province of Noord-Holland split by jobs gives its regions outside Amsterdam
17 to 37 % too much. Across the COROP regions of a province, value added per job in the same sector
is higher where jobs are denser (jobs per km² of land): published value added and jobs per COROP
region x group give the elasticity, d log(value added per job) / d log(job density), one number for
all groups that are allocated by jobs (not L, allocated by housing value).

The key of a unit is then its jobs times ``density ** elasticity``, relative to its COROP region; the
relative density is held within the range at which the elasticity was measured, so a gemeente denser
(or emptier) than any COROP region relative to its province is not pushed further. Whether the relation
holds one level down, between the gemeenten of a COROP region, cannot be tested (nobody publishes their
value added); the back-test measures it one level up, with the elasticity estimated without the
province under test (``fit_without``), and at the level of provinces, a scale the fit never saw.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from blp.berekening.concordance import TOTAL, build_concordance
from blp.berekening.keys import corop_provinces, memo, nearest, to_units
from blp.data.canonical import CanonicalData
from blp.dutch import num
from blp.errors import DataError

AREA_INDICATORS = ("population", "population_density_per_km2")  # land area = inhabitants / inhabitants per km² land
MIN_CELLS = 20  # fewer COROP x group cells than this give no elasticity
# Inhabitants per km² land of a Dutch gemeente lie between about 20 (Schiermonnikoog) and 7,000 (Den Haag): a figure
# outside these bounds is an error in the data, and one bad figure would move the elasticity for the whole country.
DENSITY_BOUNDS = (1.0, 25_000.0)


@dataclass(frozen=True)
class DensityCorrection:
    """The measured elasticity of value added per job to job density, and where it was measured."""

    elasticity: float   # d log(value added per job) / d log(jobs per km² land)
    low: float          # the range of log relative density (region against its parent) it was measured on
    high: float
    cells: int          # COROP region x group cells in the fit
    regions: int        # COROP regions in the fit
    va_year: int
    jobs_year: int
    area_year: int
    spread: tuple[float, float] = (float("nan"), float("nan"))  # lowest and highest elasticity fitted without one province

    def bounded(self, relative_log_density) -> np.ndarray:
        """The log density against the parent's, held within the range the elasticity was measured on."""
        return np.clip(np.asarray(relative_log_density, dtype="float64"), self.low, self.high)

    def factor(self, relative_log_density) -> np.ndarray:
        """The key's weight per job for a unit whose log density lies ``relative_log_density`` above its
        parent's; held within the measured range."""
        return np.exp(self.elasticity * self.bounded(relative_log_density))

    def percent_per_doubling(self) -> float:
        """How much more value added per job at twice the job density, in %."""
        return (2 ** self.elasticity - 1) * 100


def relative_log_density(jobs: pd.Series, area: pd.Series, parent: pd.Series) -> pd.Series:
    """log(jobs / area) of each unit minus its parent's (all the parent's units' jobs over their area)."""
    frame = pd.DataFrame({"jobs": jobs, "area": area, "parent": parent}).dropna()
    frame = frame[(frame["jobs"] > 0) & (frame["area"] > 0)]
    _, inv = np.unique(frame["parent"].to_numpy(), return_inverse=True)
    j, a = frame["jobs"].to_numpy(dtype="float64"), frame["area"].to_numpy(dtype="float64")
    return pd.Series(np.log(j / a) - np.log(np.bincount(inv, j) / np.bincount(inv, a))[inv], index=frame.index)


def land_area(data: CanonicalData, year: int, boundary_year: int, composition: int) -> tuple[pd.DataFrame, int] | None:
    """Land area (km²) per allocation unit, from inhabitants and inhabitants per km² of land in the indicator
    year nearest ``year``; None when the data do not have both."""
    years = area_years(data)
    if not years:
        return None
    y = nearest(years, year)
    return memo(data, "land_area", y, boundary_year, composition,
                compute=lambda: _land_area(data, y, boundary_year, composition))


def area_years(data: CanonicalData) -> list[int]:
    """The indicator years with both inhabitants and inhabitants per km² land (once per data set)."""
    return memo(data, "land_area_years", compute=lambda: _area_years(data))


def _area_years(data: CanonicalData) -> list[int]:
    ind = data.indicators
    return sorted(set(ind.loc[ind["indicator"] == AREA_INDICATORS[0], "year"])
                  & set(ind.loc[ind["indicator"] == AREA_INDICATORS[1], "year"]))


def _land_area(data: CanonicalData, y: int, boundary_year: int, composition: int) -> tuple[pd.DataFrame, int] | None:
    """Land area per unit in indicator year ``y`` (one of ``_area_years``)."""
    ind = data.indicators
    rows = ind[(ind["year"] == y) & ind["indicator"].isin(AREA_INDICATORS)]
    wide = rows.pivot_table(index="gemeente_code", columns="indicator", values="value", dropna=False)
    wide = wide.reindex(columns=list(AREA_INDICATORS))
    _check_density(wide, y)
    area = (wide[AREA_INDICATORS[0]] / wide[AREA_INDICATORS[1]]).dropna()
    area = area[area > 0].rename("value").reset_index()
    try:
        units, _ = to_units(area, ["value"], y, boundary_year, composition, data)
    except DataError:  # no weights from that year to the report's boundaries: no correction rather than no BLP
        return None
    return units, y


class LandAreaError(DataError):
    """A population density or inhabitant count the land areas of the weighting cannot use."""


def _check_density(wide: pd.DataFrame, year: int) -> None:
    """Every gemeente with inhabitants in ``year`` has a plausible density: a missing or impossible one would give
    it no land area and move the weighting of its whole region, silently."""
    pop, dens = wide[AREA_INDICATORS[0]], wide[AREA_INDICATORS[1]]
    missing = sorted(wide.index[(pop > 0) & dens.isna()])
    low, high = DENSITY_BOUNDS
    bad = sorted(wide.index[dens.notna() & ((dens < low) | (dens > high))])
    fix = ("vul de bevolkingsdichtheid (inwoners per km² land, zoals CBS die publiceert) in of verbeter haar, of zet "
           "de weging uit: density_correction: false in de params, of --no-density bij blp table en blp validate.")
    if missing:
        raise LandAreaError(f"indicators.csv: de bevolkingsdichtheid (indicator population_density_per_km2) ontbreekt "
                            f"voor {len(missing)} gemeente(n) met inwoners in {year}, zoals {', '.join(missing[:5])}: "
                            "zonder haar is de banendichtheid van de verdeelsleutel niet te berekenen.", fix)
    no_population = sorted(wide.index[dens.notna() & ~(pop > 0)])
    if no_population:
        raise LandAreaError(f"indicators.csv: geen inwonertal (population) in {year} voor {len(no_population)} "
                            f"gemeente(n) met een bevolkingsdichtheid, zoals {', '.join(no_population[:5])}: hun "
                            "oppervlakte (inwoners gedeeld door inwoners per km²) is niet te berekenen.",
                            "vul het inwonertal van die gemeenten aan.")
    if bad:
        g = bad[0]
        value = dens[g]
        shown = (num(value, 0 if float(value).is_integer() else 2) if value == 0 or abs(value) >= 0.01 else
                 f"bijna 0 ({value:.0e})")
        raise LandAreaError(f"indicators.csv: de bevolkingsdichtheid (indicator population_density_per_km2) van {g} in "
                            f"{year} is {shown} inwoners per km²; een Nederlandse gemeente ligt tussen {num(low)} en "
                            f"{num(high)}" + (f" ({len(bad)} gemeenten: {', '.join(bad[:5])})" if len(bad) > 1 else "")
                            + ".", fix)


def corop_cells(data: CanonicalData, va_year: int, jobs_year: int, composition: int) -> pd.DataFrame:
    """Published value added (million euro) and employee jobs per COROP region x jobs group, with the region's
    province; only cells with both published and positive, L left out."""
    from blp.berekening.jobs_key import HOUSING_GROUP, jobs_groups  # L: allocated by housing value, not by jobs
    from blp.berekening.value_added import industry_codes, regional_value_added

    rj = data.regional_jobs
    rj = rj[(rj["year"] == jobs_year) & rj["corop_code"].str.fullmatch(r"CR\d\d") & (rj["corop_code"] != "CR99")
            & (rj["industry_code"] != TOTAL)]
    # a code without a single figure that year (a live table can list A+O-Q beside A and O-Q) groups nothing
    published = set(rj.loc[rj["jobs"].notna(), "industry_code"])
    groups = [g for g in jobs_groups(data, jobs_year) if g in published]
    conc = build_concordance(data.industry_sections(), industry_codes(data, va_year), groups)
    va = regional_value_added(data, va_year, conc)
    va = va[~va["estimated"]].rename(columns={"value_meur": "va"})
    jobs = (rj.assign(group=rj["industry_code"].map(conc.key_to_group))
            .groupby(["corop_code", "group"], as_index=False)["jobs"].sum(min_count=1))
    cells = va.merge(jobs, on=["corop_code", "group"])
    cells = cells[(cells["group"] != HOUSING_GROUP) & (cells["va"] > 0) & (cells["jobs"] > 0)]
    province = corop_provinces(data, composition)
    return cells.assign(provincie_code=cells["corop_code"].map(province)).dropna(subset=["provincie_code"])


def corop_density(data: CanonicalData, jobs_year: int, composition: int, boundary_year: int) -> pd.DataFrame | None:
    """Per COROP region: its province, total employee jobs and land area (km²); None without land areas."""
    found = land_area(data, jobs_year, boundary_year, composition)
    if found is None:
        return None
    area = found[0].groupby("corop_code")["value"].sum()
    rj = data.regional_jobs
    jobs = rj[(rj["year"] == jobs_year) & (rj["industry_code"] == TOTAL)].set_index("corop_code")["jobs"]
    province = corop_provinces(data, composition)
    frame = pd.DataFrame({"provincie_code": province, "jobs": jobs.reindex(province.index),
                          "area": area.reindex(province.index)})
    return frame.dropna()


def _fit(cells: pd.DataFrame, density: pd.DataFrame) -> tuple[float, float, float, int, int] | None:
    """Least squares of log(value added per job against the province's, same group) on log(job density
    against the province's), pooled over groups; provinces of one region carry no information. Plain numpy:
    the back-test fits it once per province."""
    rel = relative_log_density(density["jobs"], density["area"], density["provincie_code"])
    province = density.loc[rel.index, "provincie_code"]
    rel = rel[province.map(province.value_counts()) > 1]
    c = cells[cells["corop_code"].isin(rel.index)]
    if len(c) < MIN_CELLS:
        return None
    _, cell_inv = np.unique((c["provincie_code"] + "|" + c["group"]).to_numpy(), return_inverse=True)
    va, cj = c["va"].to_numpy(dtype="float64"), c["jobs"].to_numpy(dtype="float64")
    y = np.log(va / cj) - np.log(np.bincount(cell_inv, va) / np.bincount(cell_inv, cj))[cell_inv]
    x = rel.reindex(c["corop_code"]).to_numpy()
    slope = float(np.polyfit(x, y, 1)[0])
    return slope, float(rel.min()), float(rel.max()), len(c), int(c["corop_code"].nunique())


def fit_without(cells: pd.DataFrame, density: pd.DataFrame, province: str | None) -> DensityCorrection | None:
    """The elasticity and its range estimated without ``province`` (for the back-test of that province)."""
    keep = density[density["provincie_code"] != province] if province else density
    fitted = _fit(cells[cells["provincie_code"] != province] if province else cells, keep)
    return None if fitted is None else DensityCorrection(*fitted, va_year=0, jobs_year=0, area_year=0)


def density_correction(data: CanonicalData, composition: int, boundary_year: int) -> DensityCorrection | None:
    """The elasticity measured on the data's newest year with value added per COROP region and group, with the
    COROP jobs of the year nearest it; None when the data lack what it needs (land areas, enough regions) or the
    measured relation is not positive (``why_not_weighted`` says which)."""
    return _density_status(data, composition, boundary_year)[0]


def why_not_weighted(data: CanonicalData, composition: int, boundary_year: int) -> str:
    """Why the jobs key of these data is not weighted by job density, in Dutch ('' when it is)."""
    return _density_status(data, composition, boundary_year)[1]


def _density_status(data: CanonicalData, composition: int, boundary_year: int) -> tuple[DensityCorrection | None, str]:
    return memo(data, "density_correction", composition, boundary_year,
                compute=lambda: _density_correction(data, composition, boundary_year))


def fit_inputs(data: CanonicalData, composition: int, boundary_year: int) -> tuple[pd.DataFrame, pd.DataFrame, int, int] | None:
    """What the elasticity is fitted on: the COROP cells and densities of the newest year with value added per
    COROP region and group, with the COROP jobs of the year nearest it; None when the data lack them."""
    from blp.berekening.value_added import full_detail_years

    va_years = full_detail_years(data)
    jobs_years = sorted(int(y) for y in data.regional_jobs["year"].unique())
    if not va_years or not jobs_years:
        return None
    va_year = va_years[-1]
    jobs_year = nearest(jobs_years, va_year)
    density = corop_density(data, jobs_year, composition, boundary_year)
    if density is None:
        return None
    return corop_cells(data, va_year, jobs_year, composition), density, va_year, jobs_year


def _density_correction(data: CanonicalData, composition: int, boundary_year: int) -> tuple[DensityCorrection | None, str]:
    inputs = fit_inputs(data, composition, boundary_year)
    if inputs is None:
        if not area_years(data):
            return None, ("de gegevens hebben geen oppervlakte per gemeente (de bevolkingsdichtheid, "
                          "population_density_per_km2 in indicators.csv, ontbreekt)")
        return None, ("de gegevens hebben geen toegevoegde waarde en banen per COROP-gebied en sector om de weging op "
                      "te meten")
    cells, density, va_year, jobs_year = inputs
    fitted = _fit(cells, density)
    if fitted is None:
        return None, (f"de gegevens hebben te weinig COROP-gebieden met toegevoegde waarde en banen per sector (minder "
                      f"dan {MIN_CELLS} combinaties) om de weging op te meten")
    slope, low, high, n_cells, regions = fitted
    if slope <= 0:
        return None, ("in deze gegevens is de toegevoegde waarde per baan niet hoger waar de banen dichter zitten "
                      f"(gemeten elasticiteit {num(slope, 3)}), dus er is niets om naar te wegen")
    without = [fit_without(cells, density, p) for p in sorted(density["provincie_code"].unique())]
    others = [c.elasticity for c in without if c is not None]
    spread = (min(others), max(others)) if others else (slope, slope)
    return DensityCorrection(slope, low, high, n_cells, regions, va_year, jobs_year,
                             land_area(data, jobs_year, boundary_year, composition)[1], spread), ""


def relative_weight(units: pd.DataFrame, corop: str, gemeente: str) -> float | None:
    """How much a job of ``gemeente`` weighs against the average job of its COROP region (``unit_factors``
    frame): 1.13 = 13 % more. None when the unit is not in the frame."""
    if (corop, gemeente) not in units.index:
        return None
    return float(units.loc[(corop, gemeente), "factor"]) / region_mean_factor(units, corop)


def region_mean_factor(units: pd.DataFrame, corop: str) -> float:
    """The factor of the average job of a COROP region (``unit_factors`` frame): its units' factors weighted by
    their jobs."""
    region = units.xs(corop, level="corop_code")
    return float((region["jobs"] * region["factor"]).sum() / region["jobs"].sum())


def unit_factors(correction: DensityCorrection, jobs: pd.DataFrame, area: pd.DataFrame) -> pd.DataFrame:
    """Per allocation unit (index corop_code, gemeente_code): jobs, land area (km²), log density against its
    COROP region and the factor its jobs are weighted by, from ``jobs`` and ``area`` (columns corop_code,
    gemeente_code, value). A unit without an area is weighted as its region (factor 1)."""
    idx = ["corop_code", "gemeente_code"]
    j = jobs.groupby(idx)["value"].sum()
    a = area.groupby(idx)["value"].sum().reindex(j.index)
    rel = relative_log_density(j, a, pd.Series(j.index.get_level_values("corop_code"), index=j.index))
    rel = rel.reindex(j.index)
    return pd.DataFrame({"jobs": j, "area_km2": a, "relative_log_density": rel,
                         "factor": correction.factor(rel.fillna(0.0))}, index=j.index)
