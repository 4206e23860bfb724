"""'Expected vs estimated' BLP per inhabitant, in the spirit of the former BGP verhoudingswaarde.

An OLS regression across all gemeenten of log(BLP per inhabitant) on structural characteristics:
log population, log population density, urbanity class (categories) and the sector mix of the
allocation key (without L, whose key is housing value, not activity). The gemeente's BLP (the kit's
estimate, itself an allocation, not a measurement) is set against the model's prediction, with a
prediction interval. Standard errors are clustered by COROP region: gemeenten of one COROP share its
value added per sector, so their errors are not independent. This describes how a gemeente differs
from gemeenten like it; it is not a causal claim, and the BLP itself is built from the same key, so the
sector mix partly explains it by construction.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from blp.berekening.calculation import BlpResult
from blp.berekening.jobs_key import HOUSING_GROUP
from blp.data.canonical import CanonicalData
from blp.dutch import in_sentence


ALPHA = 0.10  # the prediction interval is a 90 % interval


@dataclass
class ExpectedModel:
    """The fitted model and the design it was fitted on (holds statsmodels objects)."""

    fit: object               # statsmodels RegressionResults, standard errors clustered by COROP
    design: pd.DataFrame      # index gemeente_code, columns = regressors incl. const
    y: pd.Series              # log BLP per inhabitant
    density_year: int | None
    clusters: int = 0         # the number of COROP regions the errors are clustered by

    @property
    def r2(self) -> float:
        return float(self.fit.rsquared)

    @property
    def n(self) -> int:
        return int(self.fit.nobs)


@dataclass
class ExpectedSummary:
    """What the reports need of the model, as plain tables: the kernels that draw the reports then never
    load statsmodels (its cost: README, Speed). Built by ``summarise``."""

    prediction: pd.DataFrame  # index gemeente_code: mean, obs_ci_lower, obs_ci_upper (log scale), y
    coefficients: pd.DataFrame
    r2: float
    r2_adj: float
    n: int
    clusters: int
    alpha: float = ALPHA
    reference_sector: str | None = None  # the sector the shares are compared with (Dutch name), when known

    @property
    def fitted(self) -> pd.Series:
        return self.prediction["mean"]

    @property
    def y(self) -> pd.Series:
        return self.prediction["y"]


def summarise(model: ExpectedModel, alpha: float = ALPHA, names: "SectorNames | None" = None) -> ExpectedSummary:
    pred = model.fit.get_prediction(model.design).summary_frame(alpha=alpha)
    pred.index = model.design.index
    frame = pred[["mean", "obs_ci_lower", "obs_ci_upper"]].assign(y=model.y)
    reference = names.labels.get(names.reference, names.reference) if names and names.reference else None
    return ExpectedSummary(frame, coefficient_table(model, names), model.r2, float(model.fit.rsquared_adj), model.n,
                           model.clusters, alpha, reference)


def expected_summary(data: CanonicalData, result: BlpResult) -> ExpectedSummary:
    """Fit the model and keep its summary."""
    model = fit_expected(data, result)
    return summarise(model, names=sector_names(model, data, result))


@dataclass(frozen=True)
class SectorNames:
    """How the coefficient table names the sector shares: Dutch group names, the reference group, the measure."""

    labels: dict[str, str]
    reference: str | None
    measure_nl: str


def sector_names(model: ExpectedModel, data: CanonicalData, result: BlpResult) -> SectorNames:
    """The names of the sectors in ``model``; the reference is the one group of the key left out of the design."""
    in_design = {c[len("aandeel_"):] for c in model.design.columns if c.startswith("aandeel_")}
    left_out = [g for g in result.concordance.groups if g != HOUSING_GROUP and g not in in_design]
    measure = {"jobs": "banen", "establishments": "vestigingen"}.get(result.key.measure, "verdeelsleutel")
    return SectorNames(data.industry_labels(), left_out[0] if len(left_out) == 1 else None, measure)


def build_design(data: CanonicalData, result: BlpResult) -> tuple[pd.DataFrame, pd.Series, int | None]:
    n = result.national.set_index("gemeente_code")
    codes = set(n.index)
    X = pd.DataFrame(index=n.index)
    X["log_inwoners"] = np.log(n["population"])
    density, density_year = data.latest_complete("population_density_per_km2", codes)
    if not density.empty:
        X["log_dichtheid"] = np.log(density.reindex(n.index).clip(lower=1))
    urban, _ = data.latest_complete("urbanity_class", codes)
    if not urban.empty:
        dummies = pd.get_dummies(urban.reindex(n.index).astype(int), prefix="stedelijkheid", dtype=float)
        X = X.join(dummies.iloc[:, 1:])  # class 1 (very strongly urban) is the reference
    key = result.key.table.pivot_table(index="gemeente_code", columns="group", values="key", aggfunc="sum")
    key = key.drop(columns=[HOUSING_GROUP], errors="ignore")  # L's key is housing value in euro, not activity
    shares = key.div(key.sum(axis=1), axis=0).reindex(n.index)
    reference = shares.mean().idxmax()  # the largest group is the reference category
    X = X.join(shares.drop(columns=[reference]).add_prefix("aandeel_"))
    X.insert(0, "const", 1.0)
    y = np.log(n["blp_per_inhabitant_eur"])
    ok = X.notna().all(axis=1) & np.isfinite(y)
    return X[ok], y[ok], density_year


def fit_expected(data: CanonicalData, result: BlpResult) -> ExpectedModel:
    import statsmodels.api as sm  # here, not at the top: the reports only read the summary

    X, y, density_year = build_design(data, result)
    corop = result.national.set_index("gemeente_code")["corop_code"].reindex(X.index)
    groups = pd.factorize(corop)[0]
    fit = sm.OLS(y, X).fit(cov_type="cluster", cov_kwds={"groups": groups})
    return ExpectedModel(fit, X, y, density_year, int(corop.nunique()))


def expected_vs_measured(summary: ExpectedSummary, gemeente: str) -> dict:
    """The kit's BLP per inhabitant ('measured', an estimate) and the expected one, their ratio and the
    (1 - alpha) prediction interval."""
    row = summary.prediction.loc[gemeente]
    measured = float(np.exp(row["y"]))
    expected = float(np.exp(row["mean"]))
    lo, hi = float(np.exp(row["obs_ci_lower"])), float(np.exp(row["obs_ci_upper"]))
    return {"measured": measured, "expected": expected, "expected_low": lo, "expected_high": hi,
            "ratio": measured / expected, "ratio_low": measured / hi, "ratio_high": measured / lo,
            "within_interval": lo <= measured <= hi, "verhoudingswaarde": 100 * expected / measured,
            "r2": summary.r2, "r2_adj": summary.r2_adj, "n": summary.n, "alpha": summary.alpha}


def term_label_nl(term: str, names: SectorNames | None = None) -> str:
    """Dutch description of a regressor name; sector shares by their Dutch names where ``names`` gives them."""
    if term == "const":
        return "constante"
    if term == "log_inwoners":
        return "inwonertal (log)"
    if term == "log_dichtheid":
        return "bevolkingsdichtheid (log)"
    if term.startswith("stedelijkheid_"):
        return f"stedelijkheidsklasse {term.split('_')[1]} (t.o.v. klasse 1, zeer sterk stedelijk)"
    if term.startswith("aandeel_"):
        group = term[len("aandeel_"):]
        if names is None:
            return f"aandeel {group} in de verdeelsleutel (t.o.v. de grootste sector)"
        return f"aandeel {in_sentence(names.labels.get(group, group))} in de {names.measure_nl}"
    return term


def coefficient_table(model: ExpectedModel, names: SectorNames | None = None) -> pd.DataFrame:
    fit = model.fit
    return pd.DataFrame({"term": fit.params.index, "label_nl": [term_label_nl(t, names) for t in fit.params.index],
                         "coefficient": fit.params.to_numpy(),
                         "std_error": fit.bse.to_numpy(), "p_value": fit.pvalues.to_numpy()})
