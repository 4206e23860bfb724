"""What a report notebook works with: the national results, computed once, and one gemeente's view."""

from __future__ import annotations

import pickle
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pandas as pd

from blp.beleid.policy import NationalIO, load_national_io, va_per_job
from blp.berekening import derived
from blp.berekening.backtest import Backtest, ErrorBand, error_band, run_backtest, variant_of
from blp.berekening.keys import activity_total, nearest
from blp.berekening.calculation import BlpResult, Choices, KeyCache, compute_blp, resolve_choices
from blp.berekening.peers import peer_group, urbanity
from blp.berekening.productivity import LandAreaError, relative_weight
from blp.berekening.quality import Check, run_checks
from blp.berekening.sensitivity import gemeente_sensitivity, sensitivity_table
from blp.berekening.series import BlpSeries, compute_series
from blp.berekening.value_added import va_years
from blp.data import CanonicalData, load_data
from blp.data.canonical import ROUNDED_JOBS
from blp.data.gemeenten import resolve_gemeente
from blp.errors import DataError
from blp.params import Params, load_params, sets_field
from blp.rapport.figures import FigureFolder
from blp.rapport.forked import ForkedCall
from blp.welvaart.expected import ExpectedSummary, expected_summary
from blp.welvaart.registry import check_params_focus, load_registry
from blp.welvaart.values import IndicatorPanel, build_panel

JOBS_RATIO = "jobs_per_1000_inhabitants"  # the registry's employee jobs per 1.000 inhabitants, for the peer group


@dataclass
class NationalContext:
    """Gemeente-independent results for one data set and one set of choices."""

    data: CanonicalData
    choices: Choices
    sensitivity_variants: tuple[str, ...]
    result: BlpResult
    sensitivity: pd.DataFrame
    urbanity: pd.Series
    indicators: IndicatorPanel
    io: NationalIO
    io_params: object = None
    checks: list[Check] = field(default_factory=list)
    backtest: Backtest | None = None
    series: BlpSeries | None = None
    _expected: object = field(default=None, repr=False)

    @property
    def expected(self) -> ExpectedSummary:
        """The expected-BLP model's summary (``blp.welvaart.expected.ExpectedSummary``): fitted with the
        national calculation, in a forked child so its statsmodels import overlaps with the rest; fitted
        here on first use for a context made otherwise."""
        if self._expected is None:
            self._expected = expected_summary(self.data, self.result)
        return self._expected

    def fits(self, params: Params) -> bool:
        """True if this context was computed with the choices ``params`` lead to."""
        return (resolve_choices(self.data, params) == self.choices
                and tuple(params.sensitivity) == self.sensitivity_variants
                and params.beleid.io == self.io_params)

    def save(self, path: Path) -> None:
        """Write the context for other processes; this process keeps using the object itself."""
        path = Path(path)
        with open(path, "wb") as fh:
            pickle.dump(self, fh, protocol=pickle.HIGHEST_PROTOCOL)
        _LOADED.clear()
        _LOADED[_cache_key(path)] = self

    @staticmethod
    def load(path: Path) -> "NationalContext":
        """Load a saved context; kept in memory per process, so notebooks in one kernel load it once."""
        path = Path(path)
        key = _cache_key(path)
        if key not in _LOADED:
            with open(path, "rb") as fh:
                _LOADED.clear()
                _LOADED[key] = pickle.load(fh)
        return _LOADED[key]


_LOADED: dict[tuple[str, int], "NationalContext"] = {}


def _cache_key(path: Path) -> tuple[str, int]:
    return str(path.resolve()), path.stat().st_mtime_ns


def compute_national(data: CanonicalData, params: Params) -> NationalContext:
    """Run the national calculation and everything derived from it that is not gemeente-specific."""
    choices = resolve_choices(data, params)
    keys = KeyCache(data)
    result = compute_blp(data, choices, keys=keys)
    model = ForkedCall(expected_summary, data, result)
    try:
        return _national(data, params, choices, keys, result, model)
    finally:
        model.cancel()


def _national(data, params, choices, keys, result, model: ForkedCall) -> NationalContext:
    return NationalContext(
        data=data,
        choices=choices,
        sensitivity_variants=tuple(params.sensitivity),
        result=result,
        sensitivity=sensitivity_table(data, result, list(params.sensitivity), keys),
        urbanity=urbanity(data, choices.boundary_year),
        indicators=build_panel(data, result, load_registry()),
        io=load_national_io(data, params.beleid.io, result.concordance.group_sections),
        io_params=params.beleid.io,
        checks=run_checks(data, result),
        backtest=backtest_for(data, choices),
        series=compute_series(data, params, keys=keys) if len(va_years(data)) > 1 else None,
        _expected=model.result(),
    )


def backtest_for(data: CanonicalData, choices: Choices) -> Backtest | None:
    """The back-test one level up for the run's value-added and key years, if the data allow one (published
    value added per province and COROP, jobs per COROP without suppressed cells in the key year)."""
    try:
        bt = run_backtest(data, choices.va_year, choices.key_year if choices.key == "jobs" else
                          nearest(data.activity_years("jobs") or [choices.key_year], choices.va_year),
                          choices.composition_year or choices.boundary_year, choices.density_correction)
    except LandAreaError:
        raise  # bad figures are an error, not a missing back-test
    except DataError:
        return None
    # the comparisons report 2 shows, computed here once so the kept national context holds them (every report
    # kernel of a later run or a batch would compute them again: ~0.2 s)
    for variant in (bt.default_variant, "jobs_unblended"):
        bt.group_difference(variant)
    bt.group_difference("jobs", "jobs_unblended", total=True)
    return bt


@dataclass
class GemeenteView:
    """One gemeente's figures, drawn from the national context."""

    national: NationalContext
    gemeente: str
    params: Params
    figures: FigureFolder | None = None  # where the runner draws this gemeente's charts ahead, if it does
    focus_chosen: bool | None = None  # the gemeente's own params set its focus indicators (None: not known)

    def __post_init__(self) -> None:
        from blp.rapport.display import protect

        regions = self.national.data.regions
        protect(pd.unique(regions[["gemeente_name", "corop_name", "provincie_name"]].to_numpy().ravel()))
        protect(self.national.data.industry_labels().values())

    @property
    def data(self) -> CanonicalData:
        return self.national.data

    @property
    def result(self) -> BlpResult:
        return self.national.result

    @property
    def choices(self) -> Choices:
        return self.national.choices

    @cached_property
    def headline(self) -> dict:
        return derived.headline(self.result, self.gemeente)

    @property
    def name(self) -> str:
        return self.headline["gemeente_name"]

    @property
    def whole_region(self) -> bool:
        """The gemeente is its COROP region: its BLP is published value added, with nothing allocated."""
        return self.headline["whole_region"]

    @cached_property
    def structure(self) -> pd.DataFrame:
        return derived.sector_structure(self.result, self.gemeente)

    @cached_property
    def per_job(self) -> pd.DataFrame:
        """Value added per employee job per group in the gemeente's COROP region (``blp.beleid.policy.va_per_job``):
        report 2's exceptional sectors, report 4 and the front page's cards ask for it."""
        return va_per_job(self.data, self.result, self.region_row()["corop_code"])

    @cached_property
    def ranks(self) -> pd.DataFrame:
        return derived.ranks(self.result, self.gemeente)

    @cached_property
    def peers(self) -> tuple[list[str], str]:
        ratio = self.national.indicators.latest.get(JOBS_RATIO)  # as report 3 shows it: newest year, same boundaries
        return peer_group(self.result.national, self.national.urbanity, self.gemeente, self.params.peers, ratio)

    @cached_property
    def jobs(self) -> float | None:
        """The gemeente's employee jobs in the jobs key (None with another key, which has no jobs column)."""
        n = self.result.national
        return float(n.set_index("gemeente_code").loc[self.gemeente, "jobs"]) if "jobs" in n.columns else None

    @property
    def few_jobs(self) -> bool:
        """So few jobs that CBS's rounding of jobs per gemeente to hundreds moves its share visibly."""
        return self.jobs is not None and self.jobs < ROUNDED_JOBS

    @cached_property
    def error_band(self) -> ErrorBand | None:
        """The measured error to expect for a unit of this gemeente's size (jobs), from the back-test."""
        bt = self.national.backtest
        if bt is None:
            return None
        if self.choices.key == "jobs":  # the key's own activity: the gemeente's total jobs
            size = self.jobs
        else:
            years = self.data.activity_years("jobs")
            if not years:
                return None
            jobs = activity_total(self.data, "jobs", nearest(years, self.choices.va_year), self.choices.boundary_year)
            size = float(jobs.get(self.gemeente, float("nan")))
        if not size > 0:
            return None
        return error_band(bt, size, variant_of(self.result.key))

    @cached_property
    def density_weight(self) -> float | None:
        """How much a job here weighs in the key against the average job of its COROP region (1.13: 13 % more);
        None without the job-density weighting."""
        key = self.result.key
        if key.density is None or key.density_units is None:
            return None
        return relative_weight(key.density_units, self.region_row()["corop_code"], self.gemeente)

    @cached_property
    def sensitivity(self) -> pd.DataFrame:
        return gemeente_sensitivity(self.national.sensitivity, self.gemeente)

    @cached_property
    def density_effect(self) -> dict | None:
        """What the job-density weighting does to this gemeente's BLP: the BLP without it (million euro), the
        difference in % of the BLP with it, and whether the gemeente's density lies beyond the measured range;
        None without the weighting or without the unweighted key in the sensitivity table."""
        key = self.result.key
        if key.density is None or key.density_units is None:
            return None
        row = self.sensitivity.set_index("key").reindex([f"{key.name}_uncorrected"]).iloc[0]
        if pd.isna(row["blp_meur"]):
            return None
        units = key.density_units.xs(self.gemeente, level="gemeente_code")
        rel = units["relative_log_density"].dropna().to_numpy()
        beyond = bool((key.density.bounded(rel) != rel).any())
        return {"unweighted_meur": float(row["blp_meur"]), "difference_pct": float(row["difference_pct"]),
                "beyond_range": beyond}

    def region_row(self) -> pd.Series:
        return self.result.national.set_index("gemeente_code").loc[self.gemeente]


def run_boundary_year(data: CanonicalData, params_file: str | None = None) -> int:
    """The gemeente boundaries a run uses before any gemeente is known (default or ``params_file``
    params): names and codes on the command line are resolved against these."""
    return resolve_choices(data, load_params(params_file=params_file)).boundary_year


def load_context(gemeente: str, data_dir: str | None = None, params_file: str | None = None,
                 source: str = "snapshot", context_file: str | None = None,
                 activity_files: list[str] | None = None, boundary_weights: str | None = None) -> GemeenteView:
    """The view a notebook needs; reuses ``context_file`` (written by `blp run`) when it fits."""
    if context_file and Path(context_file).exists():
        national = NationalContext.load(Path(context_file))
        data, boundary_year = national.data, national.choices.boundary_year  # the run's boundaries
    else:
        national = None
        data = load_data(source, data_dir, activity_files, boundary_weights)
        boundary_year = run_boundary_year(data, params_file)
    code = resolve_gemeente(data, gemeente, boundary_year)
    params = load_params(code, params_file=params_file)
    check_params_focus(params, code, params_file)
    figures = None
    if national is None or not national.fits(params):
        national = compute_national(data, params)
    elif (folder := FigureFolder.for_gemeente(context_file, code, params)).exists():
        figures = folder
    return GemeenteView(national, code, params, figures,
                        sets_field("brede_welvaart.focus", code, params_file=params_file))
