"""Dutch number formatting for reports: 1.234,5 and € 2,8 miljard."""

from __future__ import annotations

import math

from blp.dutch import num


def meur(x: float) -> str:
    """Million euro in words: '€ 2,8 miljard' or '€ 540 miljoen'."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "niet beschikbaar"
    if abs(x) >= 1000:
        return f"€ {num(x / 1000, 1)} miljard"
    return f"€ {num(x, 0 if abs(x) >= 10 else 1)} miljoen"


def eur(x: float) -> str:
    return "niet beschikbaar" if x is None or (isinstance(x, float) and math.isnan(x)) else f"€ {num(x, 0)}"


def pct(x: float, decimals: int = 1, signed: bool = False) -> str:
    """A fraction 0.123 -> '12,3%'."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "niet beschikbaar"
    shown = round(x * 100, decimals)  # the sign of what is shown: -0.0004 shows as ±0,0%, not −0,0%
    text = num(abs(shown) if signed else shown, decimals) + "%"
    if signed:
        text = ("+" if shown > 0 else "−" if shown < 0 else "±") + text
    return text
