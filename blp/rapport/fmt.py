"""Dutch number formatting for reports: 1.234,5 and € 2,8 miljard."""

from __future__ import annotations

from blp.dutch import MINUS, not_a_number, num


EURO = "€\u00a0"  # the euro sign, with a space that never breaks the line between it and its amount


def meur(x: float) -> str:
    """Million euro in words: '€ 2,8 miljard' or '€ 540 miljoen'."""
    if (words := not_a_number(x)) is not None:
        return words
    if abs(x) >= 1000:
        return f"{EURO}{num(x / 1000, 1)} miljard"
    return f"{EURO}{num(x, 0 if abs(x) >= 10 else 1)} miljoen"


def eur(x: float) -> str:
    return not_a_number(x) or f"{EURO}{num(x, 0)}"


def pct(x: float, decimals: int = 1, signed: bool = False) -> str:
    """A fraction 0.123 -> '12,3%'."""
    if (words := not_a_number(x)) is not None:
        return words
    shown = round(x * 100, decimals)  # the sign of what is shown: -0.0004 shows as ±0,0%, not −0,0%
    text = num(abs(shown) if signed else shown, decimals) + "%"
    if signed:
        text = ("+" if shown > 0 else MINUS if shown < 0 else "±") + text
    return text


def with_unit(x: float, unit: str) -> str:
    """An indicator's value with its unit ('euro', '%' or none): '€ 30.700', '12,3%', '4,2'."""
    if (words := not_a_number(x)) is not None:
        return words
    if unit == "euro":
        return eur(x)
    return num(x, 1) + ("%" if unit == "%" else "")
