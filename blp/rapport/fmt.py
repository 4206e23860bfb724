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


def meur_same(values: list[float]) -> list[str]:
    """Amounts shown side by side (a range and its main value), at one precision: in miljard with two decimals where
    they lie within a quarter of each other ('€ 2,1 tot 2,3 miljard' read as 9 % for a spread of 6 %), three where
    two that differ would still read alike; in miljoen with a decimal where two would read alike. Else as ``meur``
    ('tussen € 2,4 miljard en € 2,4 miljard' said nothing: a reader's finding)."""
    shown = [meur(v) for v in values]
    finite = [v for v in values if not not_a_number(v)]
    if len(finite) < 2 or len(set(finite)) < 2:
        return shown
    lo, hi = min(abs(v) for v in finite), max(abs(v) for v in finite)
    if lo >= 1000:
        for decimals in (1 if hi / lo >= 1.25 else 2, 3):
            shown = [meur(v) if not_a_number(v) else f"{EURO}{num(v / 1000, decimals)} miljard" for v in values]
            if _apart(shown, values):
                break
    elif hi < 1000 and not _apart(shown, values):
        shown = [meur(v) if not_a_number(v) else f"{EURO}{num(v, 1)} miljoen" for v in values]
    return shown


def _apart(shown: list[str], values: list[float]) -> bool:
    """Different amounts read differently."""
    return all(a == b or x != y for a, x in zip(values, shown) for b, y in zip(values, shown))


def meur_pair(a: float, b: float) -> tuple[str, str]:
    """Two amounts at one precision (``meur_same``)."""
    x, y = meur_same([a, b])
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
