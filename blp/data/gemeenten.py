"""Look up gemeenten: validate a code or name, explain merged gemeenten, suggest near names."""

from __future__ import annotations

import difflib

import pandas as pd

from blp.data.canonical import CanonicalData
from blp.errors import GemeenteError
from blp.params import is_gemeente_code


# What people call a gemeente where CBS's name differs
COMMON_NAMES = {"den haag": "'s-Gravenhage", "den bosch": "'s-Hertogenbosch"}


def _names_by_code(data: CanonicalData) -> dict[str, str]:
    """Every known name for a code, newest boundary year first."""
    names: dict[str, str] = {}
    for row in data.regions.sort_values("year", ascending=False).itertuples():
        names.setdefault(row.gemeente_code, row.gemeente_name)
    return names


def resolve_gemeente(data: CanonicalData, code_or_name: str, boundary_year: int) -> str:
    """Return the gemeente code of ``boundary_year`` for a code or name, or raise with advice."""
    regions = data.regions_of(boundary_year)
    valid = dict(zip(regions["gemeente_code"], regions["gemeente_name"]))
    text = code_or_name.strip()
    if text.upper() in valid:
        return text.upper()
    by_name = {n.casefold(): c for c, n in valid.items()}
    if text.casefold() in by_name:
        return by_name[text.casefold()]
    if COMMON_NAMES.get(text.casefold(), "").casefold() in by_name:  # 'Den Haag' is CBS's 's-Gravenhage
        return by_name[COMMON_NAMES[text.casefold()].casefold()]

    code = text.upper()
    names = _names_by_code(data)
    former = {n.casefold(): c for c, n in names.items() if c not in valid}
    if text.casefold() in former:  # the name of a gemeente that merged ('Weesp'): as its code, explained below
        code = former[text.casefold()]
    successors = data.boundary_changes[
        (data.boundary_changes["from_code"] == code) & (data.boundary_changes["to_year"] == boundary_year)
    ]
    if len(successors):
        latest = successors[successors["from_year"] == successors["from_year"].max()]
        parts = [
            f"{r.to_code} {valid.get(r.to_code, '?')} ({r.share_of_from:.0%} van de adressen)"
            for r in latest.sort_values("share_of_from", ascending=False).itertuples()
        ]
        old = f"{code} {names[code]}" if code in names else code
        raise GemeenteError(
            f"{old} bestaat niet meer binnen de gemeentegrenzen van {boundary_year}: de gemeente is opgegaan in "
            f"{', '.join(parts)}.",
            f"maak het rapport van de gemeente waarin ze is opgegaan, bijvoorbeeld "
            f"`blp run {latest.sort_values('share_of_from').iloc[-1].to_code}`.",
        )
    # 'Bergen' is 'Bergen (NH.)' or 'Bergen (L.)': a name before its province's mark comes first
    close = [c for n, c in by_name.items() if n.split(" (")[0] == text.casefold()]
    close += [by_name[c] for c in difflib.get_close_matches(text.casefold(), list(by_name), n=3, cutoff=0.6)
              if by_name[c] not in close]
    close = close[:3]
    if not close and is_gemeente_code(code):
        number = int(code[2:])
        nearest = sorted(valid, key=lambda c: abs(int(c[2:]) - number))[:3]
        close = [c for c in nearest if abs(int(c[2:]) - number) <= 10]
    if close:
        hint = "bedoel je " + ", ".join(f"{c} {valid[c]}" for c in close) + "?"
    else:
        hint = "`blp gemeenten` toont de geldige codes en namen."
    raise GemeenteError(f"{text!r} is geen gemeente van {boundary_year}.", hint)


def check_peers(peers, gemeente: str, data: CanonicalData, boundary_year: int, source: str) -> None:
    """A params file's peer group (``peers``: PeerParams) can be formed for ``gemeente`` within the run's
    boundaries, checked before any notebook runs: a group size below the number of other gemeenten, and for a
    list, existing gemeenten besides the gemeente itself."""
    others = len(data.regions_of(boundary_year)) - 1
    if peers.method == "similar" and peers.size > others:
        raise GemeenteError(f"{source}: peers.size is {peers.size}, maar er zijn in {boundary_year} maar {others} andere "
                            "gemeenten om mee te vergelijken.",
                            f"kies een kleinere groep (standaard 10; hoogstens {others}).")
    if peers.method != "list":
        return
    check_peer_codes(peers.gemeenten, data, boundary_year, source)
    if not [c for c in peers.gemeenten if c != gemeente]:
        raise GemeenteError(f"{source}: peers.gemeenten noemt alleen {gemeente} zelf; dan is er niets om mee te "
                            "vergelijken.", "zet er andere gemeenten onder, of gebruik method: similar.")


def check_peer_codes(codes: list[str], data: CanonicalData, boundary_year: int, source: str) -> None:
    """The gemeenten a params file names as peers exist within the run's boundaries, checked before any notebook
    runs (a merged one was found only inside the first notebook: a failed run with exit code 1)."""
    for code in codes:
        try:
            found = resolve_gemeente(data, code, boundary_year)
            if found != code:  # a name, or a code in lower case: the peer list holds codes
                raise GemeenteError(f"{code!r} is geen gemeentecode; die gemeente heeft code {found}.")
        except GemeenteError as exc:
            raise GemeenteError(f"{source}: peers.gemeenten noemt {code}: {exc.problem}",
                                "vervang die code in peers.gemeenten door een gemeente van nu (`blp gemeenten`), of "
                                "haal haar weg.") from None


def gemeente_list(data: CanonicalData, boundary_year: int) -> pd.DataFrame:
    """Code, name, COROP and provincie of every gemeente of ``boundary_year``."""
    cols = ["gemeente_code", "gemeente_name", "corop_code", "corop_name", "provincie_code", "provincie_name"]
    return data.regions_of(boundary_year)[cols].sort_values("gemeente_code").reset_index(drop=True)
