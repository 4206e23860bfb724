"""Derived figures, peers, sensitivity and quality checks on the snapshot."""

import numpy as np
import pytest

from blp.berekening import derived
from blp.berekening.peers import peer_group
from blp.berekening.quality import FAIL, OK, WARN
from blp.params import PeerParams


def test_sector_shares_sum_to_one_and_lq_is_share_ratio(result):
    s = derived.sector_structure(result, "GM0917")
    for col in ("share_gemeente", "share_corop", "share_nl"):
        assert s[col].sum() == pytest.approx(1)
    assert np.allclose(s["location_quotient"], s["share_gemeente"] / s["share_nl"])
    lq = derived.location_quotients(result)
    assert np.allclose(lq.loc["GM0917"].to_numpy(), s["location_quotient"].to_numpy())


def test_ranks_against_direct_sort(result):
    r = derived.ranks(result, "GM0917").set_index("scope")
    n = result.national
    expected = int((n["blp_meur"] > n.set_index("gemeente_code").loc["GM0917", "blp_meur"]).sum()) + 1
    assert r.loc["Nederland", "blp_meur"] == expected
    assert r.loc["Nederland", "n"] == 342
    assert r.iloc[2]["n"] == (n["corop_code"] == "CR39").sum()


def test_headline_per_inhabitant_is_blp_over_population(result):
    h = derived.headline(result, "GM0363")
    assert h["blp_per_inhabitant_eur"] == pytest.approx(h["blp_meur"] * 1e6 / h["population"])
    assert h["choice_va_year"] == 2018 and h["choice_boundary_year"] == 2024


def test_similar_peers_are_close_in_size_and_urbanity(national):
    peers, desc = peer_group(national.result.national, national.urbanity, "GM0917", PeerParams())
    assert len(peers) == 10 and "GM0917" not in peers
    n = national.result.national.set_index("gemeente_code")
    ratio = n.loc[peers, "population"] / n.loc["GM0917", "population"]
    assert ratio.between(0.5, 2).all()
    assert (national.urbanity[peers] - national.urbanity["GM0917"]).abs().max() <= 1


def test_corop_peers_are_the_rest_of_the_corop(national):
    peers, _ = peer_group(national.result.national, national.urbanity, "GM0917", PeerParams(method="corop"))
    n = national.result.national
    assert set(peers) == set(n.loc[(n["corop_code"] == "CR39") & (n["gemeente_code"] != "GM0917"), "gemeente_code"])


def test_a_chosen_list_of_peers_is_described_by_its_names(national):
    """A reader asked 'chosen by whom?': the description says the list was chosen for this gemeente and names it."""
    chosen = PeerParams(method="list", gemeenten=["GM0599", "GM0518", "GM0344", "GM0014", "GM0855", "GM0772", "GM0363"])
    peers, desc = peer_group(national.result.national, national.urbanity, "GM0363", chosen)
    assert peers == ["GM0599", "GM0518", "GM0344", "GM0014", "GM0855", "GM0772"]
    assert desc == ("de 6 gemeenten die voor deze gemeente als vergelijking zijn gekozen (Rotterdam, 's-Gravenhage, "
                    "Utrecht, Groningen, Tilburg en Eindhoven)")
    longer = PeerParams(method="list", gemeenten=chosen.gemeenten + ["GM0034"])  # Amsterdam's own list: all named
    assert peer_group(national.result.national, national.urbanity, "GM0363", longer)[1].endswith(
        "(Rotterdam, 's-Gravenhage, Utrecht, Groningen, Tilburg, Eindhoven en Almere)")
    longest = PeerParams(method="list", gemeenten=longer.gemeenten + ["GM0363", "GM0200", "GM0268", "GM0202",
                                                                      "GM0153"])
    assert peer_group(national.result.national, national.urbanity, "GM0363", longest)[1].startswith(
        "de 11 gemeenten die voor deze gemeente als vergelijking zijn gekozen (Rotterdam, 's-Gravenhage, Utrecht, "
        "Groningen, Tilburg, Eindhoven, Almere, Apeldoorn en 3 andere)")


def test_sensitivity_has_main_key_first_and_alternatives(national):
    t = national.sensitivity
    assert list(t.columns)[0] == "jobs_2019"
    assert {"jobs_2019_total", "population_2020", "jobs_2020", "jobs_2021", "jobs_2022", "establishments_2018"} <= set(t.columns)
    # every alternative also distributes all value added
    assert np.allclose(t.sum(), t.iloc[:, 0].sum())
    # population key: BLP per inhabitant is the COROP's average for all its gemeenten
    n = national.result.national.set_index("gemeente_code")
    per_inh = t["population_2020"] / n["population"]
    assert per_inh[n["corop_code"] == "CR39"].std() / per_inh[n["corop_code"] == "CR39"].mean() < 1e-7  # whole-euro rounding only


def test_quality_checks_flag_known_snapshot_issues(national):
    checks = {c.name: c for c in national.checks}
    assert all(c.status in (OK, WARN, FAIL) for c in checks.values())
    assert checks["Aansluiting: gemeenten tellen op tot hun COROP (per sector, op de euro)"].status == OK
    jumps = checks["Vestigingen: trendbreuken in het sectoraandeel tussen jaren"]
    assert jumps.status == WARN and "financiële dienstverlening 2022→2024: aandeel × 0,51" in jumps.detail
    switches = checks["Herindelingen over een COROP-grens"]
    # Weesp's part is allocated within CR24, as the 2018 value added counts it: handled, so in order
    assert switches.status == OK and ("Weesp (GM0457, Het Gooi en Vechtstreek) → Amsterdam (GM0363, Groot-Amsterdam): 100,00% van de "
                                         "adressen") in switches.detail
    suppressed = checks["Banen per COROP: onderdrukte cellen (CBS)"]
    assert "68 lege cellen" in suppressed.detail and "in 2019, het jaar van de sleutel: 0" in suppressed.detail
    fit = checks["Banen per gemeente × sector 2019: schatting (RAS) sluit aan op de randtotalen"]
    assert fit.status == OK and "geschat" in fit.detail


def test_only_eemsdelta_is_a_whole_corop_region_and_its_blp_is_the_published_value_added(result):
    """Eemsdelta (Appingedam, Delfzijl and Loppersum) is the COROP region Delfzijl en omgeving, also in the
    composition of the value added: its BLP is that region's published value added, nothing allocated."""
    whole = {g: derived.whole_regions(result, g) for g in result.national["gemeente_code"]}
    assert {g: c for g, c in whole.items() if c} == {"GM1979": ["CR02"]}
    h = derived.headline(result, "GM1979")
    published = result.va.loc[result.va["corop_code"] == "CR02", "value_meur"].sum()
    assert h["whole_region"] and h["blp_meur"] == pytest.approx(published, abs=1e-9)
    assert not derived.headline(result, "GM0917")["whole_region"]


def test_a_gemeente_with_a_neighbour_that_received_nothing_is_not_a_whole_region():
    """All of a region's value added going to one gemeente does not make it the region: another gemeente there
    (with no activity) means the key decided, and the reports must not say nothing was allocated."""
    import pandas as pd
    from types import SimpleNamespace

    rows = [("GM1", "CR1", "A", 1.0), ("GM2", "CR1", "A", 0.0), ("GM3", "CR2", "A", 1.0), ("GM4", "CR3", "A", 0.6),
            ("GM4", "CR4", "A", 1.0), ("GM5", "CR3", "A", 0.4)]
    shares = pd.DataFrame(rows, columns=["gemeente_code", "corop_code", "group", "share"])
    national = shares[["gemeente_code", "corop_code"]].drop_duplicates("gemeente_code")
    nothing_left = pd.DataFrame(columns=["corop_code", "group", "value_eur"])
    result = SimpleNamespace(allocation=SimpleNamespace(shares=shares, unallocated=nothing_left), national=national)
    assert [derived.whole_regions(result, g) for g in ("GM1", "GM2", "GM3", "GM4", "GM9")] == [[], [], ["CR2"], [], []]
    assert derived.whole_region_gemeenten(result) == ["GM3"]
    # value added of the region left unallocated (no key for a sector): the BLP is not the published figure
    left = pd.DataFrame([("CR2", "K", 4.2e7)], columns=["corop_code", "group", "value_eur"])
    assert derived.whole_regions(SimpleNamespace(allocation=SimpleNamespace(shares=shares, unallocated=left),
                                                 national=national), "GM3") == []
    # in the report's boundaries another gemeente lies in the region (moved there since the value added's year)
    moved = pd.concat([national, pd.DataFrame([("GM8", "CR2")], columns=["gemeente_code", "corop_code"])])
    assert derived.whole_regions(SimpleNamespace(allocation=SimpleNamespace(shares=shares, unallocated=nothing_left),
                                                 national=moved), "GM3") == []
