"""Biproportional fitting (RAS, iterative proportional fitting) of a matrix to given row and column sums.

Some cells may be known (published): they are kept as they are and only the other cells are fitted,
so that known + fitted cells add up to the targets.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

TOLERANCE = 1e-3  # largest relative margin error at which the fit has converged (0.1 %)
MAX_ITERATIONS = 2000


@dataclass
class RasFit:
    """A fitted matrix and how well it meets its margins."""

    matrix: np.ndarray
    iterations: int
    max_row_error: float   # largest |row sum - target| / target over the free cells' rows with a target > 0
    max_col_error: float   # the same for columns, after the margins were made consistent
    converged: bool


def _relative_error(sums: np.ndarray, targets: np.ndarray) -> float:
    pos = targets > 0
    if not pos.any():
        return 0.0
    return float(np.max(np.abs(sums[pos] - targets[pos]) / targets[pos]))


def fit(seed: np.ndarray, row_targets: np.ndarray, col_targets: np.ndarray, known: np.ndarray | None = None,
        tol: float = TOLERANCE, max_iter: int = MAX_ITERATIONS) -> RasFit:
    """Scale ``seed`` (rows x columns, >= 0) until its rows sum to ``row_targets`` and its columns to
    ``col_targets``. Cells where ``known`` is not NaN are fixed at that value and not fitted.

    The column targets are scaled to the rows' grand total (after the known cells), so the margins are
    consistent; a row or column with a positive target but no seed gets the other margin's proportions
    as its seed, so every target can be met. Negative targets after the known cells are set to 0.
    """
    seed = np.asarray(seed, dtype="float64").copy()
    rows, cols = seed.shape
    fixed = np.zeros_like(seed, dtype=bool) if known is None else ~np.isnan(known)
    fixed_values = np.where(fixed, np.nan_to_num(known) if known is not None else 0.0, 0.0)
    r = np.clip(np.asarray(row_targets, dtype="float64") - fixed_values.sum(axis=1), 0, None)
    c = np.clip(np.asarray(col_targets, dtype="float64") - fixed_values.sum(axis=0), 0, None)
    seed[fixed] = 0.0
    seed = np.clip(np.nan_to_num(seed), 0, None)
    free = ~fixed
    # A row or column without free cells cannot take more than its known cells; what the margins then
    # disagree on is left to the other cells (rows, the gemeenten's own totals, keep theirs).
    r[~free.any(axis=1)] = 0.0
    c[~free.any(axis=0)] = 0.0
    if c.sum() > 0:
        c = c * r.sum() / c.sum()
    # A row (column) that must hold something but has no seed: spread it like the columns (rows).
    empty_rows = (seed.sum(axis=1) == 0) & (r > 0)
    if empty_rows.any():
        seed[empty_rows] = np.where(free[empty_rows], c / c.sum() if c.sum() > 0 else 1.0, 0.0)
    empty_cols = (seed.sum(axis=0) == 0) & (c > 0)
    if empty_cols.any():
        seed[:, empty_cols] = np.where(free[:, empty_cols], (r / r.sum() if r.sum() > 0 else 1.0)[:, None], 0.0)
    m = seed
    iterations, row_err, col_err = 0, np.inf, np.inf
    while iterations < max_iter:
        iterations += 1
        rs = m.sum(axis=1)
        m = m * np.divide(r, rs, out=np.zeros_like(r), where=rs > 0)[:, None]
        cs = m.sum(axis=0)
        m = m * np.divide(c, cs, out=np.zeros_like(c), where=cs > 0)[None, :]
        row_err, col_err = _relative_error(m.sum(axis=1), r), _relative_error(m.sum(axis=0), c)
        if row_err <= tol and col_err <= tol:
            break
    out = np.where(fixed, fixed_values, m)
    return RasFit(out, iterations, row_err, col_err, bool(row_err <= tol and col_err <= tol))


def fit_bounded(seed: np.ndarray, row_targets: np.ndarray, col_targets: np.ndarray, known: np.ndarray | None,
                upper: np.ndarray, lower: np.ndarray | None = None, tol: float = TOLERANCE,
                max_iter: int = MAX_ITERATIONS) -> RasFit:
    """``fit``, with free cells that may not exceed ``upper`` or fall below ``lower`` (NaN: no bound), such as a
    figure published as 0 that only says "fewer than half the rounding unit". A cell the fit puts beyond a bound is
    fixed at that bound and the rest fitted again, until no cell is beyond its bounds (each pass fixes at least one
    cell)."""
    known = np.full(np.shape(seed), np.nan) if known is None else np.array(known, dtype="float64")
    upper = np.asarray(upper, dtype="float64")
    lower = np.full(np.shape(seed), np.nan) if lower is None else np.asarray(lower, dtype="float64")
    rounds = 0  # the iterations of every pass, so a report's count of rounds is the whole work
    while True:
        result = fit(seed, row_targets, col_targets, known, tol, max_iter)
        rounds += result.iterations
        free = np.isnan(known)
        over = free & ~np.isnan(upper) & (result.matrix > upper)
        under = free & ~np.isnan(lower) & (result.matrix < lower)
        if not (over.any() or under.any()):
            return replace(result, iterations=rounds)
        known[over] = upper[over]
        known[under] = lower[under]
