"""How good is the allocation? A back-test one level up, where the answer is published.

The kit cannot check a gemeente's BLP: nobody publishes it. But CBS publishes value added per province
and per COROP region. So the same method is run one level up: each province's value added is allocated
to its COROP regions (and the Netherlands' to its provinces) with keys built at that level exactly as the
kit builds them for gemeenten, and the result is compared with the published figures. The errors
measured there are the error band the reports give, with their dependence on the size of the unit. A
region that is its province's only COROP region is exact by construction and not counted.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from blp.berekening import ras
from blp.berekening.allocation import EUR_PER_MEUR, allocate
from blp.berekening.concordance import TOTAL, build_concordance
from blp.berekening.jobs_key import (AGRICULTURE, ESTABLISHMENTS_WEIGHT, HOUSING_GROUP, blend_with_establishments,
                                     estimate_jobs, housing_value, jobs_groups, jobs_per_establishment, seed_group)
from blp.berekening.keys import activity_rows, corop_provinces, nearest, to_units
from blp.berekening.productivity import fit_inputs, fit_without, land_area, relative_log_density
from blp.data.canonical import UNASSIGNABLE_GEMEENTE, CanonicalData
from blp.errors import DataError


def variant_labels(weighted: bool) -> dict[str, str]:
    """The variants' Dutch descriptions; without the weighting (no land areas in the data) the published jobs were
    not weighted either and the weighted default does not exist."""
    if weighted:
        return dict(VARIANTS)
    return {k: v for k, v in {**VARIANTS, "jobs_published": VARIANTS_UNWEIGHTED_PUBLISHED}.items()
            if k not in ("jobs", "jobs_unblended")}


DIFFERENCE_COLUMNS = ["group", "n", "median_abs_pct", "against_abs_pct", "difference_pp", "p05_pp", "p95_pp",
                      "left_out_min_pp", "left_out_max_pp", "misplaced_n", "misplaced_pct", "against_misplaced_pct",
                      "misplaced_difference_pp", "misplaced_p05_pp", "misplaced_p95_pp"]
BOOTSTRAP_DRAWS = 2000  # resamples of the tested regions for the interval of a difference between keys
LEVELS = {"provincie_corop": ("provincie", "corop"), "land_provincie": ("land", "provincie")}
LEVEL_NL = {"provincie_corop": "provincie → COROP", "land_provincie": "Nederland → provincie"}
VARIANTS = {
    "jobs": "banen per sector, geschat zoals voor gemeenten, gewogen naar banendichtheid; bij bouw en cultuur/overige "
            "diensten gemiddeld met vestigingen",
    "jobs_unblended": "banen per sector, geschat zoals voor gemeenten, gewogen naar banendichtheid; ook bij bouw en "
                      "cultuur/overige diensten alleen naar banen",
    "jobs_uncorrected": "banen per sector, geschat zoals voor gemeenten, niet gewogen naar banendichtheid; bij bouw en "
                        "cultuur/overige diensten gemiddeld met vestigingen",
    "jobs_published": "banen per sector zoals het CBS ze per COROP publiceert, gewogen naar banendichtheid (zonder de "
                      "schatting van de verdeling over de sectoren)",
    "establishments": "vestigingen per sector",
    "jobs_total": "banen in totaal, zonder sectoren",
    "population": "inwoners",
}
AVERAGED_VARIANTS = ("jobs", "jobs_uncorrected")  # the variants that average F and R-U with establishments
VARIANTS_UNWEIGHTED_PUBLISHED = ("banen per sector zoals het CBS ze per COROP publiceert, niet gewogen naar "
                                 "banendichtheid (zonder de schatting van de verdeling over de sectoren)")


@dataclass
class Backtest:
    """Per variant, level and region: published and allocated value added, total and per group."""

    errors: pd.DataFrame        # variant, level, region_code, group, published_meur, allocated_meur, error_pct, size_jobs
    va_year: int
    key_year: int
    weighted: bool = True       # the jobs variants were weighted by job density (the data allowed it)
    # group_difference's results: a report asks for the same comparison several times, a batch's kernel for every
    # gemeente (its bootstrap is ~0.1 s); not copied by dataclasses.replace, which makes another back-test
    _differences: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    @property
    def default_variant(self) -> str:
        """The variant that measures the default jobs key as these data allow it: weighted by job density, or not."""
        return "jobs" if self.weighted else "jobs_uncorrected"

    def labels(self) -> dict[str, str]:
        """What each variant is, in Dutch, as measured here."""
        return variant_labels(self.weighted)

    def summary(self) -> pd.DataFrame:
        """Per variant and level, in total: n, median and 90th percentile absolute error, the worst region."""
        t = self.errors[self.errors["group"] == TOTAL].assign(abs_pct=lambda d: d["error_pct"].abs())
        rows = []
        for (variant, level), g in t.groupby(["variant", "level"], sort=False):
            worst = g.loc[g["abs_pct"].idxmax()]
            rows.append({"variant": variant, "level": level, "n": len(g), "median_abs_pct": g["abs_pct"].median(),
                         "p90_abs_pct": g["abs_pct"].quantile(0.9), "max_abs_pct": worst["abs_pct"],
                         "worst_region": worst["region_code"]})
        return pd.DataFrame(rows)

    def by_group(self, level: str = "provincie_corop") -> pd.DataFrame:
        """Median absolute error per group and variant (wide), at ``level``."""
        t = self.errors[(self.errors["level"] == level) & (self.errors["group"] != TOTAL)]
        t = t.assign(abs_pct=t["error_pct"].abs())
        return t.pivot_table(index="group", columns="variant", values="abs_pct", aggfunc="median")

    def group_difference(self, variant: str, against: str = "establishments", level: str = "provincie_corop",
                         draws: int = BOOTSTRAP_DRAWS, total: bool = False) -> pd.DataFrame:
        """Per group that both variants have: the median absolute error of ``variant`` minus that of ``against``
        over the same regions (percentage points), and how much that difference owes to which regions happened to
        be tested: its 90 % bootstrap interval (regions drawn with replacement, ``draws`` times, a fixed seed) and
        its range when one region at a time is left out. Empty when a variant is missing. ``total``: the regions'
        totals (group TOTAL) instead of the groups."""
        key = (variant, against, level, draws, total)
        if key not in self._differences:
            self._differences[key] = self._group_difference(variant, against, level, draws, total)
        return self._differences[key].copy()

    def _group_difference(self, variant: str, against: str, level: str, draws: int, total: bool) -> pd.DataFrame:
        e = self.errors
        t = e[(e["level"] == level) & ((e["group"] == TOTAL) == total) & e["variant"].isin([variant, against])]
        wide = t.assign(off_meur=(t["allocated_meur"] - t["published_meur"]).abs()).pivot(
            index="region_code", columns=["variant", "group"], values=["error_pct", "off_meur", "published_meur"])
        rows = []
        rng = np.random.default_rng(0)
        for group in sorted(set(t.loc[t["variant"] == variant, "group"]) & set(t.loc[t["variant"] == against, "group"])):
            cells = pd.DataFrame({k: wide[(c, v, group)] for k, v, c in (
                ("a", variant, "error_pct"), ("b", against, "error_pct"), ("a_off", variant, "off_meur"),
                ("b_off", against, "off_meur"), ("published", variant, "published_meur"))})
            both = cells[["a", "b"]].dropna()  # a region CBS counts no value added of the group in has no error in %
            if len(both) < MIN_REGIONS:
                continue
            a, b = both["a"].abs().to_numpy(), both["b"].abs().to_numpy()
            pick = rng.integers(0, len(a), size=(draws, len(a)))
            euros = cells.dropna(subset=["a_off", "b_off"])
            boot = np.median(a[pick], axis=1) - np.median(b[pick], axis=1)
            left_out = [np.median(np.delete(a, i)) - np.median(np.delete(b, i)) for i in range(len(a))]
            rows.append({"group": group, "n": len(a), "median_abs_pct": np.median(a), "against_abs_pct": np.median(b),
                         "difference_pp": np.median(a) - np.median(b), "p05_pp": np.quantile(boot, 0.05),
                         "p95_pp": np.quantile(boot, 0.95), "left_out_min_pp": min(left_out),
                         "left_out_max_pp": max(left_out), **_misplaced(euros, pick if euros.index.equals(both.index)
                                                                         else None, draws)})
        return pd.DataFrame(rows, columns=DIFFERENCE_COLUMNS)


def misplaced_pct(published, off) -> float:
    """Half the sum of the absolute differences ``off`` over the sum ``published``, in %: the share a key puts in
    another place than where it is counted (each misplaced unit is too much in one place, too little in another)."""
    return float(50 * np.sum(off) / np.sum(published))


def agriculture_backtest(data: CanonicalData, year: int, boundary_year: int, composition: int) -> pd.DataFrame:
    """The seed of agriculture's jobs fit tested where the answer is published: the A jobs CBS publishes per
    gemeente are hidden, the matrix is fitted again with each seed, and the estimates are set beside the published
    jobs. Per gemeente with published A jobs: gemeente_code, published, by_area, by_establishments."""
    rows = data.activity
    published = rows[(rows["measure"] == "jobs") & (rows["industry_code"] == AGRICULTURE)
                     & (pd.to_numeric(rows["year"]) == year)]
    hidden = replace(data, activity=rows.drop(published.index))  # its own memo: the run's fit is not touched
    answer, _ = to_units(published[["gemeente_code", "value"]].assign(value=lambda d: d["value"].astype(float)),
                         ["value"], year, boundary_year, composition, data)
    out = answer.groupby("gemeente_code")["value"].sum().rename("published").to_frame()
    for name, by_area in (("by_area", True), ("by_establishments", False)):
        m = estimate_jobs(hidden, year, boundary_year, composition, agriculture_by_area=by_area).matrix
        out[name] = m[m["group"] == AGRICULTURE].groupby("gemeente_code")["jobs"].sum()
    return out.reset_index()


def agriculture_errors(test: pd.DataFrame) -> pd.DataFrame:
    """Per seed of ``agriculture_backtest``: the median absolute error in % (of the gemeenten with published jobs
    above 0: the error is relative) and the share of the published jobs put in the wrong gemeente."""
    some = test[test["published"] > 0]
    return pd.DataFrame({"n": len(test), "n_median": len(some),
                         "median_abs_pct": [float(np.median((some[c] / some["published"] - 1).abs() * 100))
                                            for c in SEEDS],
                         "misplaced_pct": [misplaced_pct(test["published"], (test[c] - test["published"]).abs())
                                           for c in SEEDS]}, index=list(SEEDS))


SEEDS = ("by_area", "by_establishments")  # agriculture_backtest's columns, the run's seed first


def _misplaced(cells: pd.DataFrame, pick: np.ndarray | None, draws: int) -> dict:
    """In euros: half the absolute differences over the published value added, the share a key allocates to another
    region than the one CBS counts it in (each misplaced euro is too much in one region and too little in another),
    for ``a_off`` and ``b_off`` (absolute differences per region) over ``published``, with a bootstrap interval of
    the difference: on the medians' draws ``pick`` where the regions are theirs, else on draws of its own (a fixed
    seed). Regions where CBS counts nothing of the group count too: a key that puts value added there errs."""
    published = cells["published"].to_numpy()
    off = {k: cells[f"{k}_off"].to_numpy() for k in ("a", "b")}
    if len(published) < MIN_REGIONS or published.sum() <= 0:
        return dict.fromkeys(DIFFERENCE_COLUMNS[DIFFERENCE_COLUMNS.index("misplaced_n"):], np.nan)
    share = {k: misplaced_pct(published, off[k]) for k in off}
    if pick is None:
        pick = np.random.default_rng(1).integers(0, len(published), size=(draws, len(published)))
    with np.errstate(invalid="ignore", divide="ignore"):  # a draw of only regions without the group: left out
        boot = 50 * (off["a"][pick].sum(axis=1) - off["b"][pick].sum(axis=1)) / published[pick].sum(axis=1)
    boot = boot[np.isfinite(boot)]
    return {"misplaced_n": len(published), "misplaced_pct": share["a"], "against_misplaced_pct": share["b"],
            "misplaced_difference_pp": share["a"] - share["b"], "misplaced_p05_pp": np.quantile(boot, 0.05),
            "misplaced_p95_pp": np.quantile(boot, 0.95)}


def _parents(data: CanonicalData, composition: int, level: str) -> pd.Series:
    """Child region -> parent region code for ``level``."""
    if level == "provincie_corop":
        return corop_provinces(data, composition)
    return pd.Series("NL01", index=sorted(data.regions_of(composition)["provincie_code"].unique()))


def _only_children(data: CanonicalData, composition: int, level: str) -> set[str]:
    """The child regions that are their parent's only one (Utrecht and Flevoland are one COROP region each): any
    key allocates them their parent's value added exactly, so they test nothing and are left out of the errors."""
    parents = _parents(data, composition, level)
    counts = parents.value_counts()
    return set(parents[parents.map(counts) == 1].index)


def _corop_of_units(df: pd.DataFrame, value_cols: list[str], year: int, data: CanonicalData, composition: int,
                    by: list[str]) -> pd.DataFrame:
    units, _ = to_units(df, value_cols, year, data.boundary_years()[-1], composition, data)
    return units.groupby(["corop_code"] + by, as_index=False)[value_cols].sum()


def _to_level(per_corop: pd.DataFrame, data: CanonicalData, composition: int, level: str) -> pd.DataFrame:
    """COROP rows -> child regions of ``level`` (COROP or province), with their parent."""
    if level == "provincie_corop":
        out = per_corop.rename(columns={"corop_code": "child"})
    else:
        out = per_corop.assign(child=per_corop["corop_code"].map(corop_provinces(data, composition))).drop(
            columns="corop_code")
        keys = [c for c in out.columns if c not in ("value",)]
        out = out.groupby(keys, as_index=False)["value"].sum()
    return out.assign(parent=out["child"].map(_parents(data, composition, level)))


def _fit_level(jobs_child: pd.DataFrame, est_child: pd.DataFrame, groups: list[str], seed_of: dict[str, str],
               ratio: dict[str, float]) -> pd.DataFrame:
    """RAS per parent: rows = child total jobs, columns = the parent's jobs per group, seed = establishments
    x national jobs per establishment; A kept as published (as for gemeenten where CBS publishes it)."""
    pieces = []
    wide = jobs_child.pivot_table(index=["parent", "child"], columns="industry_code", values="value", aggfunc="sum")
    est = est_child.pivot_table(index=["parent", "child"], columns="industry_code", values="value", aggfunc="sum",
                                fill_value=0.0)
    for parent, block in wide.groupby(level="parent"):
        seed = np.column_stack([est.reindex(block.index)[seed_of[g]].fillna(0).to_numpy() * ratio[g] for g in groups])
        known = np.full(seed.shape, np.nan)
        if "A" in groups:
            known[:, groups.index("A")] = block["A"].to_numpy()
        fit = ras.fit(seed, block[TOTAL].to_numpy(), block[groups].sum().to_numpy(), known)
        frame = pd.DataFrame(fit.matrix, index=block.index, columns=groups).stack().rename("value").reset_index()
        pieces.append(frame.rename(columns={frame.columns[2]: "group"}))
    return pd.concat(pieces, ignore_index=True)


def run_backtest(data: CanonicalData, va_year: int, key_year: int, composition: int,
                 weighting: bool = True, average_weight: float = ESTABLISHMENTS_WEIGHT) -> Backtest:
    """Every variant at both levels, per group and in total; ``weighting=False`` (the run turned the job-density
    weighting off) leaves the weighted variants out and does not read the land areas. ``average_weight``: the
    establishments' weight where the jobs variants average F and R-U with them (to test that choice)."""
    va = data.value_added[data.value_added["year"] == va_year]
    if not {"land", "provincie", "corop"} <= set(va["region_level"]):
        levels = data.value_added.groupby("year")["region_level"].agg(set)
        usable = [int(y) for y, have in levels.items() if {"land", "provincie", "corop"} <= have]
        raise DataError(f"Geen regionale toegevoegde waarde voor {va_year} per provincie en COROP-gebied om de "
                        "verdeling aan te toetsen.",
                        "kies een jaar met toegevoegde waarde per sector voor Nederland, de provincies en de "
                        f"COROP-gebieden: {', '.join(map(str, usable)) or 'geen'} (--va-year).")
    groups = jobs_groups(data, key_year)
    sections = data.industry_sections()
    rj = data.regional_jobs[(data.regional_jobs["year"] == key_year) & data.regional_jobs["corop_code"].str.fullmatch(r"CR\d\d")
                            & (data.regional_jobs["corop_code"] != "CR99")]
    jobs_corop = rj.rename(columns={"jobs": "value"})[["corop_code", "industry_code", "value"]]
    if jobs_corop["value"].isna().any():
        raise DataError(f"De banen van werknemers per COROP-gebied van {key_year} hebben onderdrukte cellen; toets met "
                        "een ander jaar voor de verdeelsleutel.")
    est_year = nearest(data.activity_years("establishments"), key_year)
    est = activity_rows(data, "establishments", est_year)
    est = est[(est["gemeente_code"] != UNASSIGNABLE_GEMEENTE) & (est["industry_code"] != TOTAL)]
    est_corop = _corop_of_units(est[["gemeente_code", "industry_code", "value"]], ["value"], est_year, data,
                                composition, ["industry_code"])
    est_codes = list(dict.fromkeys(est["industry_code"]))
    seed_of = {g: seed_group(g, sections, est_codes) for g in groups}
    nl_jobs = jobs_corop.groupby("industry_code")["value"].sum()
    nl_est = est_corop.groupby("industry_code")["value"].sum()
    ratio = jobs_per_establishment(nl_jobs, nl_est, seed_of, key_year, est_year)
    # the key of L as for gemeenten (the same WOZ fallback), summed per COROP region
    housing, _ = housing_value(data, key_year, data.boundary_years()[-1], composition)
    housing_corop = housing.groupby("corop_code", as_index=False)["value"].sum()
    ind = data.indicators
    pop_year = nearest(data.indicator_years("population"), va_year)
    pop = ind[(ind["indicator"] == "population") & (ind["year"] == pop_year)][["gemeente_code", "value"]]
    pop_corop = _corop_of_units(pop, ["value"], pop_year, data, composition, [])
    # the job-density weighting as for gemeenten: its elasticity fitted without the province under test
    inputs = fit_inputs(data, composition, data.boundary_years()[-1]) if weighting else None
    area = land_area(data, key_year, data.boundary_years()[-1], composition) if weighting else None
    area_corop = area[0].groupby("corop_code", as_index=False)["value"].sum() if area is not None else None

    va_codes = va["industry_code"].unique().tolist()
    rows, weighted = [], True
    for level, (parent_level, child_level) in LEVELS.items():
        parent_va = va[va["region_level"] == parent_level]
        if parent_level == "land":  # the continental shelf (extra-regio) belongs to no province
            extra = va[va["region_level"] == "extra"].set_index("industry_code")["value_meur"]
            parent_va = parent_va.assign(value_meur=parent_va["value_meur"]
                                         - parent_va["industry_code"].map(extra).fillna(0).to_numpy())
        child_va = va[va["region_level"] == child_level]
        jobs_child = _to_level(jobs_corop, data, composition, level)
        est_child = _to_level(est_corop, data, composition, level)
        fitted = _fit_level(jobs_child, est_child, groups, seed_of, ratio)
        est_groups = est_child.rename(columns={"industry_code": "group", "value": "est"})
        housing_child = _to_level(housing_corop, data, composition, level)
        pop_child = _to_level(pop_corop, data, composition, level)
        total_jobs = jobs_child[jobs_child["industry_code"] == TOTAL]
        only_children = _only_children(data, composition, level)
        weights = _density_weights(inputs, area_corop, total_jobs, data, composition, level)
        if weights is not None and weights.empty:  # no province with a positive relation: nothing weighted
            weights = None
        if weights is None:
            weighted = False
        for variant in VARIANTS:
            if variant in ("jobs", "jobs_unblended") and weights is None:
                continue  # no weighting possible: the unweighted variant is the kit's key
            if variant == "establishments":
                key_codes = est_codes
            else:
                key_codes = groups
            conc = build_concordance(sections, va_codes, key_codes)
            if variant in ("jobs", "jobs_unblended", "jobs_uncorrected", "jobs_published"):
                base = fitted if variant != "jobs_published" else jobs_child[jobs_child["industry_code"] != TOTAL].rename(
                    columns={"industry_code": "group"})
                key = base[["parent", "child", "group", "value"]]
                if weights is not None and variant != "jobs_uncorrected":  # L is replaced by housing value below
                    key = key.assign(value=key["value"] * key["child"].map(weights).fillna(1.0).to_numpy())
                if variant in AVERAGED_VARIANTS:  # an estimated split: F and R-U averaged with establishments
                    key, _ = blend_with_establishments(key, est_groups, "parent", "child", value="value",
                                                       weight=average_weight)
                if HOUSING_GROUP in conc.groups:
                    key = pd.concat([key[key["group"] != HOUSING_GROUP],
                                     housing_child.assign(group=HOUSING_GROUP)[["parent", "child", "group", "value"]]])
            elif variant == "establishments":
                key = est_child.assign(group=est_child["industry_code"].map(conc.key_to_group))
            else:
                per = total_jobs if variant == "jobs_total" else pop_child
                key = per[["parent", "child", "value"]].merge(pd.DataFrame({"group": list(conc.groups)}), how="cross")
            key = key.groupby(["parent", "child", "group"], as_index=False)["value"].sum()
            key = key.rename(columns={"parent": "corop_code", "child": "gemeente_code", "value": "key"})
            pva = parent_va[parent_va["industry_code"] != TOTAL].assign(
                group=lambda d: d["industry_code"].map(conc.va_to_group))
            pva = pva.rename(columns={"region_code": "corop_code"}).groupby(["corop_code", "group"], as_index=False)[
                "value_meur"].sum()
            alloc = allocate(pva, key).shares
            got = alloc.groupby(["gemeente_code", "group"])["blp_eur"].sum() / EUR_PER_MEUR
            cva = child_va[child_va["industry_code"] != TOTAL].assign(
                group=lambda d: d["industry_code"].map(conc.va_to_group))
            published = cva.groupby(["region_code", "group"])["value_meur"].sum()
            published.index = published.index.set_names(["gemeente_code", "group"])
            both = pd.DataFrame({"published_meur": published, "allocated_meur": got}).fillna(0.0)
            total = both.groupby(level="gemeente_code").sum()
            total.index = pd.MultiIndex.from_arrays([total.index, [TOTAL] * len(total)], names=["gemeente_code", "group"])
            frame = pd.concat([both, total]).reset_index().rename(columns={"gemeente_code": "region_code"})
            size = total_jobs.set_index("child")["value"]
            frame = frame[~frame["region_code"].isin(only_children)]
            rows.append(frame.assign(variant=variant, level=level, size_jobs=frame["region_code"].map(size)))
    errors = pd.concat(rows, ignore_index=True)[["variant", "level", "region_code", "group", "published_meur",
                                                 "allocated_meur", "size_jobs"]]
    errors["error_pct"] = np.where(errors["published_meur"] > 0,
                                   (errors["allocated_meur"] / errors["published_meur"] - 1) * 100, np.nan)
    return Backtest(errors, va_year, key_year, weighted)


def _density_weights(inputs, area_corop: pd.DataFrame | None, total_jobs: pd.DataFrame, data: CanonicalData,
                     composition: int, level: str) -> pd.Series | None:
    """Per child region: the job-density weight of its jobs, as the kit gives gemeenten. Province -> COROP: the
    elasticity fitted without the province under test; NL -> provinces: fitted on all COROP regions (a scale
    the fit never saw). None when the data lack what the weighting needs."""
    if inputs is None or area_corop is None:
        return None
    cells, density = inputs[0], inputs[1]
    area = _to_level(area_corop, data, composition, level).set_index("child")["value"]
    jobs = total_jobs.set_index("child")["value"]
    parent = total_jobs.set_index("child")["parent"]
    rel = relative_log_density(jobs, area.reindex(jobs.index), parent)
    weights = {}
    for prov, children in parent.groupby(parent):
        correction = fit_without(cells, density, prov if level == "provincie_corop" else None)
        if correction is None or correction.elasticity <= 0:
            continue  # as for gemeenten: no positive relation measured, no weighting
        for child in children.index:
            if child in rel.index:
                weights[child] = float(correction.factor(rel[child]))
    return pd.Series(weights, dtype="float64")


def variant_of(key) -> str:
    """The back-test variant that measures a run's key (``blp.berekening.keys.Key``)."""
    if key.measure != "jobs":
        return "establishments"
    return "jobs" if key.density is not None else "jobs_uncorrected"


@dataclass(frozen=True)
class ErrorBand:
    """The measured error of the default key for a unit of a given size, from the back-test."""

    median_pct: float        # half of the units of this size err less than this (absolute)
    p90_pct: float           # 90 % err less than this
    slope: float             # d log|error| / d log size, from the back-test
    n: int
    extrapolated: bool       # the size lies below every region of the back-test: the band is a lower bound
    smallest_jobs: float = float("nan")  # the jobs of the smallest tested region


MIN_REGIONS = 5  # fewer tested regions than this give no error band (a line through three points says nothing)


def error_band(backtest: Backtest, size_jobs: float, variant: str = "jobs",
               level: str = "provincie_corop") -> ErrorBand | None:
    """The error to expect for a unit with ``size_jobs`` jobs: |error| = a * size^b fitted on the back-test's
    COROP regions (log-log least squares; the level most like gemeenten: units within a province, not
    provinces within the whole country), with the 50th and 90th percentile of the residuals. Smaller units
    err more; below the smallest region the band is held at that region's (a lower bound), and that is said.
    None when fewer than ``MIN_REGIONS`` regions were tested (data in which most provinces are one region)."""
    t = backtest.errors[(backtest.errors["variant"] == variant) & (backtest.errors["group"] == TOTAL)
                        & (backtest.errors["level"] == level)]
    t = t[(t["size_jobs"] > 0) & t["error_pct"].notna()]
    if len(t) < MIN_REGIONS:
        return None
    x = np.log(t["size_jobs"].to_numpy())
    y = np.log(np.maximum(t["error_pct"].abs().to_numpy(), 0.05))  # a hit within 0.05 % counts as 0.05 %
    slope, intercept = np.polyfit(x, y, 1)
    slope = min(slope, 0.0)  # larger units never err more by assumption of the band; a positive slope is noise
    if slope == 0.0:
        intercept = float(np.mean(y))
    resid = y - (intercept + slope * x)
    # Below the smallest tested region the line is not extended (a power law fitted on 38 regions says
    # little about a gemeente of a few thousand jobs): the band is that of the smallest region, a lower bound.
    at = intercept + slope * np.log(max(size_jobs, float(t["size_jobs"].min())))
    smallest = float(t["size_jobs"].min())
    return ErrorBand(float(np.exp(at + np.quantile(resid, 0.5))), float(np.exp(at + np.quantile(resid, 0.9))),
                     float(slope), len(t), bool(size_jobs < smallest), smallest)
