"""The allocation formula and its exact reconciliation, on hand cases and on the snapshot."""

import numpy as np
import pandas as pd
import pytest

from blp.berekening.allocation import allocate, reconcile


def _va(rows):
    return pd.DataFrame(rows, columns=["corop_code", "group", "value_meur"])


def _key(rows):
    return pd.DataFrame(rows, columns=["gemeente_code", "corop_code", "group", "key"])


def test_hand_case_shares_value_added_by_key():
    va = _va([("CR01", "F", 10), ("CR01", "K", 3), ("CR02", "F", 7)])
    key = _key([("GM0001", "CR01", "F", 1), ("GM0002", "CR01", "F", 3), ("GM0001", "CR01", "K", 2),
                ("GM0002", "CR01", "K", 1), ("GM0003", "CR02", "F", 5)])
    alloc = allocate(va, key)
    blp = alloc.shares.set_index(["gemeente_code", "group"])["blp_eur"]
    assert blp[("GM0001", "F")] == 2_500_000
    assert blp[("GM0002", "F")] == 7_500_000
    assert blp[("GM0001", "K")] == 2_000_000
    assert blp[("GM0002", "K")] == 1_000_000
    assert blp[("GM0003", "F")] == 7_000_000
    assert alloc.unallocated.empty


def test_thirds_sum_exactly_to_the_euro():
    va = _va([("CR01", "F", 1)])  # 1 000 000 euro over three equal keys
    key = _key([(f"GM000{i}", "CR01", "F", 1) for i in range(1, 4)])
    blp = allocate(va, key).shares["blp_eur"]
    assert blp.sum() == 1_000_000
    assert sorted(blp) == [333_333, 333_333, 333_334]


def test_cell_without_key_is_reported_unallocated_not_dropped():
    va = _va([("CR01", "F", 5), ("CR01", "J", 2)])
    key = _key([("GM0001", "CR01", "F", 4), ("GM0001", "CR01", "J", 0)])
    alloc = allocate(va, key)
    assert alloc.shares["blp_eur"].sum() == 5_000_000
    assert alloc.unallocated[["corop_code", "group", "value_eur"]].values.tolist() == [["CR01", "J", 2_000_000]]
    recon = reconcile(alloc, va)
    assert (recon["difference_eur"] == 0).all()


@pytest.mark.parametrize("seed", range(5))
def test_random_cases_reconcile_exactly(seed):
    rng = np.random.default_rng(seed)
    va = _va([(f"CR{c:02d}", g, int(rng.integers(1, 90_000))) for c in range(1, 6) for g in "ABCD"])
    key = _key([(f"GM{c}{i:03d}", f"CR{c:02d}", g, float(rng.random() * 1000))
                for c in range(1, 6) for i in range(int(rng.integers(1, 40))) for g in "ABCD"])
    alloc = allocate(va, key)
    assert (reconcile(alloc, va)["difference_eur"] == 0).all()
    # and each share is the proportional one, within one euro
    merged = alloc.shares.merge(va, on=["corop_code", "group"])
    exact = merged["value_meur"] * 1e6 * merged["share"]
    assert (merged["blp_eur"] - exact).abs().max() <= 1


def test_snapshot_gemeenten_add_up_exactly_to_their_corop(result):
    recon = result.reconciliation()
    assert len(recon) == 40 * len(result.concordance.groups)
    assert (recon["difference_eur"] == 0).all()
    assert (recon["unallocated_eur"] == 0).all()
    # in total too: all gemeenten = NL minus extra-regio, to the euro
    total_eur = result.allocation.shares["blp_eur"].sum()
    assert total_eur == round((result.nl_total_meur - result.extra_regio_meur) * 1e6)


def test_snapshot_allocation_matches_the_formula_computed_directly(data, result):
    """Recompute BLP_g = sum_s VA_cs * key_gs / sum key_cs with plain pandas and compare."""
    key = result.key.table
    va = result.va
    k = key.merge(key.groupby(["corop_code", "group"])["key"].sum().rename("tot").reset_index())
    k = k.merge(va, on=["corop_code", "group"])
    direct = (k["value_meur"] * k["key"] / k["tot"]).groupby(k["gemeente_code"]).sum()
    ours = result.national.set_index("gemeente_code")["blp_meur"]
    assert (ours - direct.reindex(ours.index)).abs().max() < 1e-5  # under ten euro per gemeente


def test_heerlen_and_amsterdam_blp_on_snapshot(result):
    n = result.national.set_index("gemeente_code")
    # establishments 2018 key on 2024 boundaries, value added 2018: Heerlen ~2.8 bn, Amsterdam ~76 bn
    assert 2_700 < n.loc["GM0917", "blp_meur"] < 2_950
    assert 74_000 < n.loc["GM0363", "blp_meur"] < 78_000
    assert n.loc["GM0363", "blp_meur"] == n["blp_meur"].max()
