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


def meur_pair(a: float, b: float) -> tuple[str, str]:
    """Two amounts as ``meur`` gives them, with a decimal more (up to three) where they differ but would read alike:
    'tussen € 2,4 miljard en € 2,4 miljard' said nothing (a reader's finding); '€ 2,35 miljard en € 2,45 miljard'."""
    x, y = meur(a), meur(b)
    for decimals in (2, 3):
        if x != y or not_a_number(a) or not_a_number(b) or a == b or min(abs(a), abs(b)) < 1000:
            break
        x, y = (f"{EURO}{num(v / 1000, decimals)} miljard" for v in (a, b))
    if x == y and a != b and max(abs(a), abs(b)) < 1000:
        x, y = (f"{EURO}{num(v, 1)} miljoen" for v in (a, b))
    return x, y


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
