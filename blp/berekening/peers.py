"""Peer groups: similar gemeenten by size and urbanity, or the same COROP, province or a list."""

from __future__ import annotations

import numpy as np
import pandas as pd

from blp.data.canonical import CanonicalData
from blp.errors import ParamsError
from blp.params import PeerParams


def urbanity(data: CanonicalData, boundary_year: int) -> pd.Series:
    """CBS stedelijkheid (1 very strongly urban .. 5 not urban) on the boundary year, newest year with those codes."""
    return data.latest_complete("urbanity_class", set(data.regions_of(boundary_year)["gemeente_code"]))[0]


def similar_gemeenten(national: pd.DataFrame, urban: pd.Series, gemeente: str, size: int) -> list[str]:
    """The ``size`` gemeenten nearest in log population and urbanity class (standardised distance)."""
    df = national.set_index("gemeente_code")[["population"]].assign(urbanity=urban)
    df = df.dropna()
    logpop = np.log(df["population"])
    z_pop = (logpop - logpop.mean()) / logpop.std()
    z_urb = (df["urbanity"] - df["urbanity"].mean()) / df["urbanity"].std()
    dist = np.hypot(z_pop - z_pop.loc[gemeente], z_urb - z_urb.loc[gemeente]).drop(gemeente)
    return dist.sort_values(kind="mergesort").index[:size].tolist()


def peer_group(national: pd.DataFrame, urban: pd.Series, gemeente: str, params: PeerParams) -> tuple[list[str], str]:
    """Peer codes and a Dutch description of how they were chosen."""
    n = national.set_index("gemeente_code")
    if params.method == "similar":
        if urban.empty:
            peers = similar_gemeenten(national, pd.Series(3.0, index=n.index), gemeente, params.size)
            return peers, f"de {params.size} gemeenten met het meest vergelijkbare inwonertal (stedelijkheid ontbreekt)"
        return (similar_gemeenten(national, urban, gemeente, params.size),
                f"de {params.size} gemeenten die qua inwonertal en stedelijkheid het meest op deze gemeente lijken")
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
    shown = (", ".join(names[:5]) + f" en {len(names) - 5} andere" if len(names) > 6 else
             " en ".join([", ".join(names[:-1]), names[-1]]) if len(names) > 1 else "".join(names))
    return chosen, f"de {len(chosen)} gemeenten die voor deze gemeente als vergelijking zijn gekozen ({shown})"
