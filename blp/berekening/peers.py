"""Peer groups: similar gemeenten by size, urbanity and jobs per inhabitant, or the same COROP, province or a list."""

from __future__ import annotations

import numpy as np
import pandas as pd

from blp.data.canonical import CanonicalData
from blp.dutch import num
from blp.errors import ParamsError
from blp.params import PeerParams


def urbanity(data: CanonicalData, boundary_year: int) -> pd.Series:
    """CBS stedelijkheid (1 very strongly urban .. 5 not urban) on the boundary year, newest year with those codes."""
    return data.latest_complete("urbanity_class", set(data.regions_of(boundary_year)["gemeente_code"]))[0]


def similar_gemeenten(national: pd.DataFrame, urban: pd.Series, gemeente: str, size: int,
                      jobs_ratio: pd.Series | None = None) -> list[str]:
    """The ``size`` gemeenten nearest in log population, urbanity class and, where given, log employee jobs per
    inhabitant (standardised distance). The jobs ratio tells a job centre from a commuter town of the same size:
    without it Vaals (177 jobs per 1.000 inhabitants, at the German border) was compared with the wealthy commuter
    towns of het Gooi, and its BLP per inhabitant with Ouder-Amstel's, home to the Johan Cruijff ArenA."""
    df = national.set_index("gemeente_code")[["population"]].assign(urbanity=urban)
    columns = [np.log(df["population"]), df["urbanity"]]
    if jobs_ratio is not None and not jobs_ratio.empty:
        columns.append(np.log(jobs_ratio.reindex(df.index).where(lambda s: s > 0)))
    z = pd.concat(columns, axis=1).dropna()
    z = (z - z.mean()) / z.std()
    dist = np.sqrt(((z - z.loc[gemeente]) ** 2).sum(axis=1)).drop(gemeente)
    return dist.sort_values(kind="mergesort").index[:size].tolist()


def _size_note(population: pd.Series, gemeente: str, peers: list[str], by_jobs: bool) -> str:
    """Where the gemeente is larger or smaller than every peer, say so: Almere (211.893 inhabitants) beside peers of
    65.753 to 91.271, 'qua inwonertal' alone, was questioned (a reader's finding); the other traits weigh as much."""
    own, others = population.get(gemeente), population.reindex(peers).dropna()
    if own is None or others.empty or others.min() <= own <= others.max():
        return ""
    return (f"; deze gemeente is {'groter' if own > others.max() else 'kleiner'} dan elk van hen (zij hebben "
            f"{num(others.min())} tot {num(others.max())} inwoners): "
            + ("stedelijkheid en banen per inwoner wegen" if by_jobs else "stedelijkheid weegt") + " even zwaar als het "
            "inwonertal")


def peer_group(national: pd.DataFrame, urban: pd.Series, gemeente: str, params: PeerParams,
               jobs_ratio: pd.Series | None = None) -> tuple[list[str], str]:
    """Peer codes and a Dutch description of how they were chosen."""
    n = national.set_index("gemeente_code")
    if params.method == "similar":
        by_jobs = jobs_ratio is not None and pd.notna(jobs_ratio.get(gemeente, np.nan))
        ratio = jobs_ratio if by_jobs else None
        if urban.empty:
            peers = similar_gemeenten(national, pd.Series(3.0, index=n.index), gemeente, params.size, ratio)
            return peers, (f"de {params.size} gemeenten met het meest vergelijkbare inwonertal"
                           + (" en aantal banen per inwoner" if by_jobs else "") + " (stedelijkheid ontbreekt)")
        peers = similar_gemeenten(national, urban, gemeente, params.size, ratio)
        return (peers, f"de {params.size} gemeenten die qua inwonertal, stedelijkheid"
                + (" en banen per inwoner" if by_jobs else "") + " het meest op deze gemeente lijken (uit heel "
                "Nederland, niet naar ligging gekozen)" + _size_note(n["population"], gemeente, peers, by_jobs))
    if params.method in ("corop", "provincie"):
        col = f"{params.method}_code"
        peers = n.index[(n[col] == n.loc[gemeente, col]) & (n.index != gemeente)].tolist()
        name = n.loc[gemeente, f"{params.method}_name"]
        return peers, f"de andere gemeenten in {'COROP-gebied' if params.method == 'corop' else 'provincie'} {name}"
    unknown = [c for c in params.gemeenten if c not in n.index]
    if unknown:
        raise ParamsError(f"peers.gemeenten noemt {unknown}, maar dat zijn geen gemeenten binnen de gekozen "
                          "gemeentegrenzen.", "gebruik codes uit `blp gemeenten`.")
    chosen = [c for c in params.gemeenten if c != gemeente]
    names = n.reindex(chosen)["gemeente_name"].tolist()
    shown = (", ".join(names[:8]) + f" en {len(names) - 8} andere" if len(names) > 10 else
             " en ".join([", ".join(names[:-1]), names[-1]]) if len(names) > 1 else "".join(names))
    return chosen, f"de {len(chosen)} gemeenten die voor deze gemeente als vergelijking zijn gekozen ({shown})"
