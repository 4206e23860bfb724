"""Numbers written the Dutch way (1.234.567,8), for every stage: the reports and the data checks they show."""

from __future__ import annotations

import math


def num(x: float, decimals: int = 0) -> str:
    """1234567.8 -> '1.234.568' (decimals=0) or '1.234.567,8'; a missing number reads 'niet beschikbaar'."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "niet beschikbaar"
    text = f"{x:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
