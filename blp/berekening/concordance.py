"""Industry concordance: map each source's codes onto the finest groups both sides support.

Value added comes in A10 groups with A separate; establishments put A inside ``A+O-Q``.
Codes are linked through the SBI sections they cover: two sections belong to the same
allocation group when any code of either source covers both. The result is the finest
partition on which both sides can be summed without splitting a code.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from blp.data.canonical import TOTAL


@dataclass(frozen=True)
class Concordance:
    """Allocation groups and how each source's codes map onto them."""

    groups: tuple[str, ...]
    va_to_group: dict[str, str]
    key_to_group: dict[str, str]
    group_sections: dict[str, tuple[str, ...]]

    def table(self) -> pd.DataFrame:
        """One row per group: its SBI sections and the codes of each side that feed it."""
        rows = []
        for g in self.groups:
            rows.append({
                "group": g,
                "sbi_sections": ", ".join(self.group_sections[g]),
                "value_added_codes": ", ".join(c for c, grp in self.va_to_group.items() if grp == g),
                "key_codes": ", ".join(c for c, grp in self.key_to_group.items() if grp == g),
            })
        return pd.DataFrame(rows)


def build_concordance(sections: dict[str, tuple[str, ...]], va_codes: list[str], key_codes: list[str]) -> Concordance:
    """Finest common grouping of ``va_codes`` and ``key_codes`` (TOTAL is ignored)."""
    va_codes = [c for c in dict.fromkeys(va_codes) if c != TOTAL]
    key_codes = [c for c in dict.fromkeys(key_codes) if c != TOTAL]
    parent: dict[str, str] = {}

    def find(s: str) -> str:
        while parent.setdefault(s, s) != s:
            parent[s] = parent[parent[s]]
            s = parent[s]
        return s

    for code in va_codes + key_codes:
        secs = sections[code]
        for s in secs[1:]:
            parent[find(s)] = find(secs[0])
        find(secs[0])

    components: dict[str, set[str]] = {}
    for s in list(parent):
        components.setdefault(find(s), set()).add(s)

    def codes_in(codes: list[str], comp: set[str]) -> list[str]:
        return [c for c in codes if set(sections[c]) <= comp]

    order = {s: i for i, s in enumerate(sorted({s for secs in sections.values() for s in secs}))}
    va_to_group, key_to_group, group_sections = {}, {}, {}
    for comp in sorted(components.values(), key=lambda c: min(order.get(s, 99) for s in c)):
        va_in, key_in = codes_in(va_codes, comp), codes_in(key_codes, comp)
        # Name a group after a code that covers it exactly, preferring the key's own code.
        exact = [c for c in key_in + va_in if set(sections[c]) == comp]
        name = exact[0] if exact else "+".join(va_in or key_in)
        group_sections[name] = tuple(sorted(comp, key=lambda s: order.get(s, 99)))
        va_to_group.update({c: name for c in va_in})
        key_to_group.update({c: name for c in key_in})
    groups = tuple(group_sections)
    return Concordance(groups, va_to_group, key_to_group, group_sections)
