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

    @property
    def fitted(self) -> pd.Series:
        return self.prediction["mean"]

    @property
    def y(self) -> pd.Series:
        return self.prediction["y"]


def summarise(model: ExpectedModel, alpha: float = ALPHA) -> ExpectedSummary:
    pred = model.fit.get_prediction(model.design).summary_frame(alpha=alpha)
    pred.index = model.design.index
    frame = pred[["mean", "obs_ci_lower", "obs_ci_upper"]].assign(y=model.y)
    return ExpectedSummary(frame, coefficient_table(model), model.r2, float(model.fit.rsquared_adj), model.n,
                           model.clusters, alpha)


def expected_summary(data: CanonicalData, result: BlpResult) -> ExpectedSummary:
    """Fit the model and keep its summary."""
    return summarise(fit_expected(data, result))


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


def term_label_nl(term: str) -> str:
    """Dutch description of a regressor name."""
    if term == "const":
        return "constante"
    if term == "log_inwoners":
        return "inwonertal (log)"
    if term == "log_dichtheid":
        return "bevolkingsdichtheid (log)"
    if term.startswith("stedelijkheid_"):
        return f"stedelijkheidsklasse {term.split('_')[1]} (t.o.v. klasse 1, zeer sterk stedelijk)"
    if term.startswith("aandeel_"):
        return f"aandeel {term[len('aandeel_'):]} in de verdeelsleutel (t.o.v. de grootste sector)"
    return term


def coefficient_table(model: ExpectedModel) -> pd.DataFrame:
    fit = model.fit
    return pd.DataFrame({"term": fit.params.index, "label_nl": [term_label_nl(t) for t in fit.params.index], "coefficient": fit.params.to_numpy(),
                         "std_error": fit.bse.to_numpy(), "p_value": fit.pvalues.to_numpy()})
