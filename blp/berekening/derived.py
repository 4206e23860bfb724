"""Figures derived from the national BLP table: shares, location quotients, ranks, headline."""

from __future__ import annotations

import pandas as pd

from blp.berekening.calculation import BlpResult, per_unit_column


def group_columns(result: BlpResult) -> list[str]:
    return [f"blp_meur_{g}" for g in result.concordance.groups]


def sector_structure(result: BlpResult, gemeente: str) -> pd.DataFrame:
    """Per group: BLP of the gemeente, its share, the COROP's and NL's share, and the LQ vs NL."""
    n = result.national.set_index("gemeente_code")
    cols = group_columns(result)
    row = n.loc[gemeente]
    corop = n[n["corop_code"] == row["corop_code"]][cols].sum()
    nl = n[cols].sum()
    out = pd.DataFrame({
        "group": list(result.concordance.groups),
        "blp_meur": row[cols].to_numpy(dtype=float),
        "share_gemeente": (row[cols] / row[cols].sum()).to_numpy(dtype=float),
        "share_corop": (corop / corop.sum()).to_numpy(dtype=float),
        "share_nl": (nl / nl.sum()).to_numpy(dtype=float),
    })
    out["location_quotient"] = out["share_gemeente"] / out["share_nl"]
    # The gemeente's own activity (jobs, establishments) per group against NL's: what it specialises in,
    # independent of the COROP's productivity that its allocated value added mirrors.
    act = result.key.activity
    own = act[act["gemeente_code"] == gemeente].groupby("group")["value"].sum().reindex(out["group"]).fillna(0)
    nl_act = act.groupby("group")["value"].sum().reindex(out["group"])
    out["activity_share"] = (own / own.sum()).to_numpy() if own.sum() > 0 else float("nan")
    out["activity_lq"] = out["activity_share"] / (nl_act / nl_act.sum()).to_numpy()
    # a group allocated by something else than the key's activity (L by housing value) has no activity LQ
    other = [g for g in out["group"] if not str(result.key.group_keys.get(g, "")).startswith(
        ("banen", "vestigingen"))]
    out.loc[out["group"].isin(other), "activity_lq"] = float("nan")
    return out


def location_quotients(result: BlpResult) -> pd.DataFrame:
    """LQ per gemeente x group: the group's share of the gemeente's BLP over its share of NL's."""
    n = result.national.set_index("gemeente_code")
    cols = group_columns(result)
    shares = n[cols].div(n[cols].sum(axis=1), axis=0)
    nl_share = n[cols].sum() / n[cols].sum().sum()
    lq = shares / nl_share
    lq.columns = list(result.concordance.groups)
    return lq


def ranks(result: BlpResult, gemeente: str) -> pd.DataFrame:
    """Rank (1 = highest) of the gemeente's BLP and BLP per inhabitant in NL, province and COROP."""
    n = result.national
    row = n.set_index("gemeente_code").loc[gemeente]
    scopes = [("Nederland", n),
              (f"provincie {row['provincie_name']}", n[n["provincie_code"] == row["provincie_code"]]),
              (f"COROP {row['corop_name']}", n[n["corop_code"] == row["corop_code"]])]
    rows = []
    for label, df in scopes:
        r = {"scope": label, "n": len(df)}
        for col in ("blp_meur", "blp_per_inhabitant_eur"):
            ranked = df.set_index("gemeente_code")[col].rank(ascending=False, method="min")
            r[col] = int(ranked.loc[gemeente])
        rows.append(r)
    return pd.DataFrame(rows)


def whole_regions(result: BlpResult, gemeente: str) -> list[str]:
    """The COROP regions (of the value added's composition) that are this gemeente and nothing else: every
    sector's value added of each goes wholly to it, and no other gemeente shares in them (Eemsdelta is
    Delfzijl en omgeving), also in the report's boundaries, and none of their value added was left unallocated. Its
    BLP is then the published value added itself, with nothing allocated. [] when any part of its BLP comes from a
    region it shares."""
    shares = result.allocation.shares
    own = shares[shares["gemeente_code"] == gemeente]
    if own.empty or not ((own["share"] - 1).abs() < 1e-9).all():
        return []
    codes = sorted(own["corop_code"].unique())
    members = set(shares.loc[shares["corop_code"].isin(codes), "gemeente_code"])  # also one that received nothing
    members |= set(result.national.loc[result.national["corop_code"].isin(codes), "gemeente_code"])
    left = result.allocation.unallocated
    if members != {gemeente} or (left["corop_code"].isin(codes) & (left["value_eur"] != 0)).any():
        return []
    return codes


def whole_region_gemeenten(result: BlpResult) -> list[str]:
    """Every gemeente that is its whole COROP region (``whole_regions``)."""
    shares = result.allocation.shares
    per_region = shares.groupby("corop_code")["gemeente_code"].nunique()
    alone = shares.loc[shares["corop_code"].isin(per_region[per_region == 1].index), "gemeente_code"].unique()
    return sorted(g for g in alone if whole_regions(result, g))


def headline(result: BlpResult, gemeente: str) -> dict:
    """The key figures of one gemeente, with its COROP's and NL's totals for context."""
    n = result.national
    row = n.set_index("gemeente_code").loc[gemeente]
    corop = n[n["corop_code"] == row["corop_code"]]
    corop_va = result.va.loc[result.va["corop_code"] == row["corop_code"], "value_meur"].sum()
    shares = result.allocation.shares
    own_part = shares.loc[(shares["gemeente_code"] == gemeente) & (shares["corop_code"] == row["corop_code"]),
                          "blp_eur"].sum() / 1e6
    measure = result.key.measure
    per_unit = per_unit_column(measure)
    nl_pop = n["population"].sum()
    return {
        "gemeente_code": gemeente,
        "gemeente_name": row["gemeente_name"],
        "corop_code": row["corop_code"],
        "corop_name": row["corop_name"],
        "provincie_name": row["provincie_name"],
        "blp_meur": float(row["blp_meur"]),
        "population": float(row["population"]),
        "blp_per_inhabitant_eur": float(row["blp_per_inhabitant_eur"]),
        "key_measure": measure,
        "key_activity": float(row[measure]),
        "blp_per_key_unit_eur": float(row[per_unit]),
        # the COROP's own value added and the part of it the gemeente receives (a part of a merged gemeente
        # that the value added counts in another COROP is not in either)
        "share_of_corop": float(own_part / corop_va) if corop_va else float("nan"),
        # the gemeente is its COROP region(s): its BLP is the published value added, nothing was allocated
        "whole_region": bool(whole_regions(result, gemeente)),
        # its region's value added of this year has sectors split from a published total (a year without full detail)
        "corop_sectors_estimated": bool(result.va.loc[result.va["corop_code"] == row["corop_code"], "estimated"].any()),
        "corop_blp_meur": float(corop_va),
        "corop_per_inhabitant_eur": float(corop["blp_meur"].sum() * 1e6 / corop["population"].sum()),
        "nl_per_inhabitant_eur": float(n["blp_meur"].sum() * 1e6 / nl_pop),
        # the middle gemeente: NL's figure counts every inhabitant, so the large cities pull it up (Almere, the median
        # gemeente, read as 30 % behind NL: a reader's finding)
        "median_per_inhabitant_eur": float(n["blp_per_inhabitant_eur"].median()),
        # per unit of the key (employee job, establishment) in the COROP and NL, and units per inhabitant: BLP per
        # inhabitant = BLP per unit x units per inhabitant
        "corop_per_key_unit_eur": float(corop["blp_meur"].sum() * 1e6 / corop[measure].sum()),
        "nl_per_key_unit_eur": float(n["blp_meur"].sum() * 1e6 / n[measure].sum()),
        "key_per_1000_inhabitants": float(row[measure] / row["population"] * 1000),
        "nl_key_per_1000_inhabitants": float(n[measure].sum() / nl_pop * 1000),
        **{f"choice_{k}": v for k, v in result.choices.as_dict().items()},
    }
