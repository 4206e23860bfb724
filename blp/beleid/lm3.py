"""LM3 (local multiplier 3, NEF 'The Money Trail', 2002): how much of a euro keeps circulating locally.

Round 1 is the initial income (e.g. a municipal contract); round 2 is the part of it that its
recipients spend locally (on local staff and suppliers); round 3 is the part of round 2 that those
recipients spend locally in turn. LM3 = (R1 + R2 + R3) / R1, between 1 and 3.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class LM3Result:
    round1: float
    round2: float
    round3: float
    spending: pd.DataFrame  # category, amount, local, leaked

    @property
    def lm3(self) -> float:
        return (self.round1 + self.round2 + self.round3) / self.round1


def lm3(round1: float, spending: list[tuple[str, float, float]], round2_local_share: float) -> LM3Result:
    """``spending``: (category, share of round 1, local share of that category)."""
    rows = [{"category": c, "amount": round1 * share, "local": round1 * share * local,
             "leaked": round1 * share * (1 - local)} for c, share, local in spending]
    df = pd.DataFrame(rows, columns=["category", "amount", "local", "leaked"])
    r2 = float(df["local"].sum())
    return LM3Result(round1, r2, r2 * round2_local_share, df)
