"""Regional multipliers: Flegg's location quotient (FLQ) and the economic-base multiplier.

FLQ (Flegg et al.): SLQ_i = (x_i^r / x^r) / (x_i^n / x^n); CILQ_ij = SLQ_i / SLQ_j;
lambda* = [log2(1 + x^r / x^n)]^delta; FLQ_ij = lambda* * CILQ_ij (diagonal: lambda* * SLQ_i);
a_ij^r = a_ij^n * min(FLQ_ij, 1). Regional coefficients never exceed national ones.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def slq(region: pd.Series, nation: pd.Series) -> pd.Series:
    """Simple location quotient per industry."""
    return (region / region.sum()) / (nation / nation.sum())


def flegg_lambda(region_total: float, nation_total: float, delta: float) -> float:
    return float(np.log2(1 + region_total / nation_total) ** delta)


def flq_matrix(region: pd.Series, nation: pd.Series, delta: float) -> pd.DataFrame:
    """FLQ_ij for supplying industry i (rows) and purchasing industry j (columns)."""
    s = slq(region, nation).fillna(0.0)
    lam = flegg_lambda(region.sum(), nation.sum(), delta)
    with np.errstate(divide="ignore", invalid="ignore"):
        cilq = np.outer(s.to_numpy(), 1 / s.replace(0, np.nan).to_numpy())
    cilq = np.nan_to_num(cilq, nan=0.0, posinf=0.0)
    np.fill_diagonal(cilq, s.to_numpy())
    return pd.DataFrame(lam * cilq, index=s.index, columns=s.index)


def regionalise(a_national: pd.DataFrame, region: pd.Series, nation: pd.Series, delta: float) -> pd.DataFrame:
    """Regional technical coefficients: a^n * min(FLQ, 1)."""
    flq = flq_matrix(region.reindex(a_national.index).fillna(0), nation.reindex(a_national.index), delta)
    return a_national * flq.clip(upper=1.0)


def economic_base(region: pd.Series, nation: pd.Series) -> dict:
    """Basic activity from location quotients: the part of each industry above the national share.

    basic_i = max(0, x_i^r - x^r * x_i^n / x^n); multiplier = x^r / sum basic_i.
    """
    expected = region.sum() * nation / nation.sum()
    basic = (region - expected).clip(lower=0)
    total_basic = float(basic.sum())
    return {"basic": basic, "non_basic": region - basic, "lq": slq(region, nation),
            "basic_share": total_basic / float(region.sum()) if region.sum() else np.nan,
            "multiplier": float(region.sum()) / total_basic if total_basic > 0 else np.nan}
