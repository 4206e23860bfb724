"""Dutch as the reports write it, for every stage: numbers (1.234.567,8) and names within a sentence."""

from __future__ import annotations

import math


def not_a_number(x) -> str | None:
    """What a report says instead of a value that is no number to show: 'niet beschikbaar' for a missing one
    (None, or a NaN of any kind: Python, numpy, pandas' NA), 'niet te berekenen' for an infinite one (a division
    by zero upstream); None for a number."""
    if x is None:
        return "niet beschikbaar"
    try:
        if x != x:  # only NaN differs from itself
            return "niet beschikbaar"
    except TypeError:  # pandas' NA: any comparison with it is NA again
        return "niet beschikbaar"
    return "niet te berekenen" if math.isinf(x) else None


MINUS = "\u2212"  # the minus sign of every negative number the reports show (signed percentages already had it)


def num(x: float, decimals: int = 0) -> str:
    """1234567.8 -> '1.234.568' (decimals=0) or '1.234.567,8'; -1,5 with a minus sign ('−1,5'), never a hyphen;
    never 'nan' or 'inf' (``not_a_number``)."""
    words = not_a_number(x)
    if words is not None:
        return words
    text = f"{x:,.{decimals}f}"
    if text.startswith("-") and not text.strip("-0.,"):  # -0.004 shown with 2 decimals: 0,00, not -0,00
        text = text[1:]
    text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return MINUS + text[1:] if text.startswith("-") else text


def signed_num(x: float, decimals: int = 1) -> str:
    """A difference with its sign: '+1,2', '−0,4', and '0,0' where it rounds to nothing (no '+0,0')."""
    return ("+" if round(x, decimals) > 0 else "") + num(x, decimals)


def in_sentence(label: str) -> str:
    """A label as it reads within a sentence: its first letter in lower case ('Woningen' -> 'woningen'), unless the
    label starts with an abbreviation ('BLP per inwoner', 'CO2-uitstoot', 'WOZ-waarde' stay as they are)."""
    if len(label) < 2 or label[1].isupper() or label[1].isdigit():
        return label
    return label[0].lower() + label[1:]


def listing(items: list[str]) -> str:
    """Items in a sentence, where an item may hold commas itself ('cultuur, recreatie, overige diensten'):
    'a; b en c'."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return "; ".join(items[:-1]) + " en " + items[-1]


def round_estimate(x: float) -> float:
    """An estimated count as precise as it can be: to hundreds from 1.000 on, to tens from 100 (11.547 -> 11.500)."""
    if not_a_number(x) is not None:
        return x
    return float(round(x, -2)) if abs(x) >= 1000 else float(round(x, -1)) if abs(x) >= 100 else float(round(x))
