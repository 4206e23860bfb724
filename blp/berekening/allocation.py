"""Allocate regional value added to gemeenten in proportion to an activity key.

``BLP_{g,s} = VA_{c,s} * key_{g,s} / sum_{g' in c} key_{g',s}``, in whole euros with the
largest-remainder method, so the gemeenten of each COROP add up exactly, to the euro, to
the COROP's value added per group and in total.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

EUR_PER_MEUR = 1_000_000


@dataclass
class Allocation:
    """Per gemeente x group BLP in euro, and the regional value added left unallocated."""

    shares: pd.DataFrame       # gemeente_code, corop_code, group, key, share, blp_eur (int64)
    unallocated: pd.DataFrame  # corop_code, group, value_eur, reason

    def by_gemeente(self) -> pd.Series:
        return self.shares.groupby("gemeente_code")["blp_eur"].sum()


def allocate(va: pd.DataFrame, key: pd.DataFrame) -> Allocation:
    """Allocate ``va`` (corop_code, group, value_meur) by ``key`` (gemeente_code, corop_code, group, key).

    Value added of a (COROP, group) whose key sums to zero, or that no gemeente shares, is
    returned as unallocated with the reason; nothing is dropped silently.
    """
    va = va.assign(value_eur=np.rint(va["value_meur"].to_numpy() * EUR_PER_MEUR).astype("int64"))
    key = key[key["key"] > 0]
    totals = key.groupby(["corop_code", "group"], as_index=False)["key"].sum().rename(columns={"key": "key_total"})
    cells = va.merge(totals, on=["corop_code", "group"], how="left")
    no_key = cells["key_total"].isna()
    unallocated = cells.loc[no_key & (cells["value_eur"] != 0), ["corop_code", "group", "value_eur"]].assign(
        reason="geen activiteit in de verdeelsleutel voor deze COROP en sector")

    merged = key.merge(cells.loc[~no_key, ["corop_code", "group", "value_eur", "key_total"]],
                       on=["corop_code", "group"], how="inner")
    merged = merged.sort_values(["corop_code", "group", "gemeente_code"], kind="mergesort").reset_index(drop=True)
    merged["share"] = merged["key"] / merged["key_total"]
    merged["blp_eur"] = _largest_remainder(merged)
    shares = merged[["gemeente_code", "corop_code", "group", "key", "share", "blp_eur"]]
    return Allocation(shares=shares, unallocated=unallocated.reset_index(drop=True))


def _largest_remainder(df: pd.DataFrame) -> np.ndarray:
    """Integer euros per row that sum exactly to ``value_eur`` within each (corop, group)."""
    quota = df["value_eur"].to_numpy(dtype="float64") * df["share"].to_numpy()
    floor = np.floor(quota)
    frac = quota - floor
    floor = floor.astype("int64")
    cell = df.groupby(["corop_code", "group"], sort=False).ngroup().to_numpy()
    deficit = df["value_eur"].to_numpy() - np.bincount(cell, weights=floor, minlength=cell.max() + 1).astype("int64")[cell]
    # Rank rows within their cell by fractional part (largest first, ties by row order).
    order = np.lexsort((np.arange(len(df)), -frac, cell))
    rank = np.empty(len(df), dtype="int64")
    starts = np.r_[0, np.flatnonzero(np.diff(cell[order])) + 1]
    sizes = np.diff(np.r_[starts, len(df)])
    rank[order] = np.arange(len(df)) - np.repeat(starts, sizes)
    size = np.repeat(sizes, sizes)[np.argsort(order)]
    # Float rounding can leave a cell one euro over (deficit < 0): take it back from the
    # rows with the smallest remainders, so the sum is exact either way.
    return floor + (rank < deficit).astype("int64") - ((size - 1 - rank) < -deficit).astype("int64")


def reconcile(allocation: Allocation, va: pd.DataFrame) -> pd.DataFrame:
    """Per (COROP, group): regional value added vs allocated + unallocated, in euro; diff must be 0."""
    regional = va.assign(value_eur=np.rint(va["value_meur"] * EUR_PER_MEUR).astype("int64"))
    allocated = allocation.shares.groupby(["corop_code", "group"], as_index=False)["blp_eur"].sum()
    left = allocation.unallocated.groupby(["corop_code", "group"], as_index=False)["value_eur"].sum()
    out = regional[["corop_code", "group", "value_eur"]].merge(allocated, on=["corop_code", "group"], how="left")
    out = out.merge(left.rename(columns={"value_eur": "unallocated_eur"}), on=["corop_code", "group"], how="left")
    out = out.fillna({"blp_eur": 0, "unallocated_eur": 0}).astype({"blp_eur": "int64", "unallocated_eur": "int64"})
    out["difference_eur"] = out["value_eur"] - out["blp_eur"] - out["unallocated_eur"]
    return out
