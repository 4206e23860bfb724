"""Boundary conversion onto the report year, and gemeente look-up with advice."""

import dataclasses

import pandas as pd
import pytest

from blp.berekening.boundaries import convert_to_boundaries, no_weights_error
from blp.berekening.calculation import compute_blp, resolve_choices
from blp.berekening.jobs_key import _seed_year
from blp.params import load_params
from blp.data.gemeenten import gemeente_list, resolve_gemeente
from blp.errors import DataError, GemeenteError


def test_2018_establishments_onto_2024_keep_the_national_total(data):
    est = data.activity[(data.activity["year"] == 2018) & (data.activity["industry_code"] == "TOTAL")]
    targets = set(data.regions_of(2024)["gemeente_code"])
    out, conv = convert_to_boundaries(est[["gemeente_code", "value"]], ["value"], 2018, 2024,
                                      data.boundary_changes, targets)
    assert set(out["gemeente_code"]) == targets
    assert out["value"].sum() == pytest.approx(est["value"].sum())
    assert conv.n_remapped == data.boundary_changes.query("from_year == 2018")["from_code"].nunique()


def test_weesp_2018_goes_wholly_to_amsterdam(data):
    est = data.activity[(data.activity["year"] == 2018) & (data.activity["industry_code"] == "TOTAL")]
    targets = set(data.regions_of(2024)["gemeente_code"])
    out, _ = convert_to_boundaries(est[["gemeente_code", "value"]], ["value"], 2018, 2024,
                                   data.boundary_changes, targets)
    before = est.set_index("gemeente_code")["value"]
    after = out.set_index("gemeente_code")["value"]
    assert after["GM0363"] == pytest.approx(before["GM0363"] + before["GM0457"])


def test_codes_without_weights_are_an_error_naming_them(data):
    df = pd.DataFrame({"gemeente_code": ["GM9999"], "value": [1.0]})
    with pytest.raises(DataError, match="GM9999"):
        convert_to_boundaries(df, ["value"], 2018, 2024, data.boundary_changes, {"GM0363"})


def test_resolve_by_code_and_by_name(data):
    assert resolve_gemeente(data, "GM0917", 2024) == "GM0917"
    assert resolve_gemeente(data, "gm0917", 2024) == "GM0917"
    assert resolve_gemeente(data, "heerlen", 2024) == "GM0917"


def test_merged_gemeente_says_what_it_became(data):
    with pytest.raises(GemeenteError) as exc:
        resolve_gemeente(data, "GM0457", 2024)
    msg = str(exc.value)
    assert "Weesp" in msg and "GM0363 Amsterdam" in msg and "blp run GM0363" in msg


@pytest.mark.parametrize("name, became", [("Weesp", "GM0363 Amsterdam"), ("delfzijl", "GM1979 Eemsdelta"),
                                          ("Haaren", "GM0824 Oisterwijk")])
def test_a_merged_gemeente_by_its_name_says_what_it_became(data, name, became):
    """By name as by code: 'Weesp' was answered with 'bedoel je GM0988 Weert?'."""
    with pytest.raises(GemeenteError) as exc:
        resolve_gemeente(data, name, 2024)
    assert "bestaat niet meer binnen de gemeentegrenzen van 2024" in str(exc.value) and became in str(exc.value)


def test_common_names_and_names_before_a_province_mark_are_found(data):
    assert resolve_gemeente(data, "Den Haag", 2024) == "GM0518" and resolve_gemeente(data, "den bosch", 2024) == "GM0796"
    with pytest.raises(GemeenteError, match=r"bedoel je GM0373 Bergen \(NH\.\), GM0893 Bergen \(L\.\)"):
        resolve_gemeente(data, "Bergen", 2024)


def test_split_gemeente_lists_all_successors(data):
    with pytest.raises(GemeenteError) as exc:
        resolve_gemeente(data, "GM0788", 2024)  # Haaren, split in 2021
    msg = str(exc.value)
    assert "GM0824" in msg and "GM0855" in msg


def test_unknown_name_suggests_near_names(data):
    with pytest.raises(GemeenteError, match="bedoel je GM0917 Heerlen"):
        resolve_gemeente(data, "Herlen", 2024)


def test_gemeente_list_has_342_gemeenten(data):
    df = gemeente_list(data, 2024)
    assert len(df) == 342
    assert df["gemeente_code"].is_unique


def test_a_peer_list_naming_a_merged_gemeente_or_a_name_is_refused_before_any_notebook(tmp_path, snapshot_dir):
    """A breaker's peers.gemeenten [GM0457] (Weesp, merged) was found only inside notebook 00: a failed run, exit 1,
    without the merger. Now the run is refused at once with exit code 2 and the merger, and nothing is written."""
    from helpers import run_cli

    for listed, message in ((["GM0457", "GM0014"], "peers.gemeenten noemt GM0457: GM0457 Weesp bestaat niet meer "
                                                   "binnen de gemeentegrenzen van 2024: de gemeente is opgegaan in "
                                                   "GM0363 Amsterdam"),
                            (["Rotterdam"], "peers.gemeenten noemt Rotterdam: 'Rotterdam' is geen gemeentecode; die "
                                            "gemeente heeft code GM0599.")):
        params = tmp_path / "p.yaml"
        params.write_text(f"peers:\n  method: list\n  gemeenten: [{', '.join(listed)}]\n")
        code, _, err = run_cli("run", "GM0917", "--params", str(params), "--data", str(snapshot_dir), "--out",
                               str(tmp_path / "out"), "--no-progress")
        assert code == 2 and message in err, err
        assert "vervang die code in peers.gemeenten door een gemeente van nu" in err
        assert not (tmp_path / "out" / "GM0917").exists()


@pytest.mark.parametrize("peers, message", [
    ("method: list\n  gemeenten: [GM0882, GM0882, GM0928]", "'peers.gemeenten' noemt GM0882 meer dan eens"),
    ("method: list\n  gemeenten: [GM0917]", "peers.gemeenten noemt alleen GM0917 zelf"),
    ("method: similar\n  size: 100000", "peers.size is 100000, maar er zijn in 2024 maar 341 andere gemeenten"),
    ("method: corop\n  gemeenten: [GM9999]", "wordt alleen gebruikt met method 'list'"),
])
def test_a_peer_group_that_cannot_be_formed_is_refused_before_any_notebook(tmp_path, snapshot_dir, peers, message):
    """A breaker's findings, each exit 0 with a wrong comparison: Landgraaf three times weighed thrice in the peer
    median; Heerlen as its own only peer gave 'de 0 gemeenten' and a median 'niet beschikbaar'; size 100000 was
    printed as the group's size; a list under method corop was ignored without a word."""
    from helpers import run_cli

    params = tmp_path / "p.yaml"
    params.write_text(f"peers:\n  {peers}\n")
    code, _, err = run_cli("run", "GM0917", "--params", str(params), "--data", str(snapshot_dir), "--out",
                           str(tmp_path / "out"), "--no-progress")
    assert code == 2 and message in err, err
    assert not (tmp_path / "out").exists()


def test_figures_of_a_year_under_a_code_formed_later_are_refused_also_from_cbs(data):
    """Het Hogeland (GM1966) was formed in 2019: 2018 figures under its code would count beside those of Bedum and
    the others it was formed from. The allocation refuses them whatever the source (the CSV path names the row)."""
    from blp.berekening.keys import to_units

    df = pd.DataFrame({"gemeente_code": ["GM1966"], "value": [1.0]})
    with pytest.raises(DataError, match=r"Cijfers van 2018 staan onder gemeentecode\(s\) die toen nog niet bestonden: "
                                        r"GM1966 \(later gevormd uit andere gemeenten\)"):
        to_units(df, ["value"], 2018, 2024, 2020, data)
    assert to_units(df, ["value"], 2019, 2024, 2020, data)[0]["value"].sum() == pytest.approx(1.0)


@pytest.mark.parametrize("key", ["jobs", "establishments"])
def test_boundaries_of_2020_are_refused_with_a_fix_the_data_can_use(data, key):
    """The embedded weights go to 2024 only, so no figures of the key fit the boundaries of 2020. The fix named
    'de gemeentegrenzen van 2018' (no boundary year of the data) or 'uit de jaren van de data (2018, 2022, 2024)'
    (the establishments' years); it now names 2024 and the own-weights option."""
    params = load_params(overrides={"boundary_year": 2020, "key": key})
    with pytest.raises(DataError) as exc:
        compute_blp(data, resolve_choices(data, params))
    err = exc.value
    assert "gemeentegrenzen van 2020" in err.problem
    assert "2024" in err.fix and "--boundary-weights" in err.fix
    assert not any(str(y) in err.fix for y in (2018, 2019, 2022))


def test_a_conversion_without_weights_suggests_only_usable_years(data):
    err = no_weights_error({"GM0457"}, 2019, 2020, data.boundary_changes, data.boundary_years())
    assert "GM0457" in err.problem and "van 2019" in err.problem and "gemeentegrenzen van 2020" in err.problem
    assert err.fix == ("kies gemeentegrenzen waarnaar de gewichten van 2019 wel gaan (2024); of geef eigen "
                       "herindelingsgewichten van 2019 naar 2020 (--boundary-weights BESTAND).")
    own = no_weights_error({"GM9999"}, 2020, 2024, data.boundary_changes, data.boundary_years())
    assert own.fix.startswith("kies cijfers van een jaar met herindelingsgewichten naar 2024 "
                              "(2016, 2017, 2018, 2019, 2020, 2021, 2022)")
    assert "; of kies de gemeentegrenzen van 2020" in own.fix


def test_the_fit_starts_from_the_nearest_establishments_year_that_fits_the_boundaries(data):
    """Without the weights of 2018 the establishments of 2018 cannot be put on 2024's gemeenten: the fit of
    2019's jobs starts from those of 2022 instead of stopping at 2018's."""
    changes = data.boundary_changes
    without_2018 = dataclasses.replace(data, boundary_changes=changes[changes["from_year"] != 2018])
    assert _seed_year(data, 2019, 2024) == 2018
    assert _seed_year(without_2018, 2019, 2024) == 2022
