"""Params files are validated on load; errors name the file and the field."""

import re

import pytest

from blp.errors import ParamsError
from blp.params import load_params


@pytest.fixture
def params_dir(tmp_path):
    (tmp_path / "default.yaml").write_text("key: establishments\npeers:\n  size: 10\n")
    return tmp_path


def test_repository_params_files_are_valid():
    from blp.paths import PARAMS_DIR

    for path in PARAMS_DIR.glob("GM*.yaml"):
        p = load_params(path.stem)
        assert p.gemeente == path.stem


def test_gemeente_file_overrides_default(params_dir):
    (params_dir / "GM0917.yaml").write_text("peers:\n  method: corop\n")
    p = load_params("GM0917", params_dir=params_dir)
    assert p.peers.method == "corop"
    assert p.peers.size == 10
    assert p.gemeente == "GM0917"


def test_unknown_key_is_named_with_its_file(params_dir):
    bad = params_dir / "GM0917.yaml"
    bad.write_text("peers:\n  methode: corop\n")
    with pytest.raises(ParamsError) as exc:
        load_params("GM0917", params_dir=params_dir)
    assert "peers.methode" in str(exc.value)
    assert str(bad) in str(exc.value)
    assert "method" in str(exc.value)  # suggests the allowed fields


def test_wrong_type_is_named(params_dir):
    (params_dir / "GM0917.yaml").write_text("key_year: '2018'\n")
    message = r"veld 'key_year' moet een geheel getal of null zijn, maar is de tekst '2018'"
    with pytest.raises(ParamsError, match=message):
        load_params("GM0917", params_dir=params_dir)


def test_bad_choice_is_named(params_dir):
    (params_dir / "GM0917.yaml").write_text("sensitivity: [total, employees]\n")
    with pytest.raises(ParamsError, match=r"sensitivity\[1\]"):
        load_params("GM0917", params_dir=params_dir)


def test_malformed_yaml_is_a_clear_error(params_dir):
    (params_dir / "GM0917.yaml").write_text("peers: [unclosed\n")
    with pytest.raises(ParamsError, match="geen geldige YAML"):
        load_params("GM0917", params_dir=params_dir)


@pytest.mark.parametrize("text, message", [
    ("1: a\nfoo: b\n", "onbekend veld '1' op het hoogste niveau"),  # was a TypeError sorting 1 with 'foo'
    ("beleid:\n  2: a\n  foo: b\n", "onbekend veld 'beleid.2' onder 'beleid'"),
    ("yes: 1\n", "onbekend veld 'yes/true/on'"),  # was 'True'
    ("peers:\n\tmethod: list\n", "vervang de tabs door spaties"),
])
def test_odd_keys_and_tabs_give_a_message_not_a_traceback(params_dir, text, message):
    (params_dir / "GM0917.yaml").write_text(text)
    with pytest.raises(ParamsError) as info:
        load_params("GM0917", params_dir=params_dir)
    assert message in str(info.value), str(info.value)


def test_a_params_file_that_is_no_params_file_is_not_read_whole(tmp_path, monkeypatch):
    """`--params /dev/zero` read until memory ran out (a breaker's finding)."""
    import blp.params

    monkeypatch.setattr(blp.params, "MAX_PARAMS_BYTES", 1000)
    big = tmp_path / "big.yaml"
    big.write_text("# " + "x" * 2000 + "\n")
    with pytest.raises(ParamsError, match="groter dan"):
        load_params("GM0917", params_file=big)


@pytest.mark.parametrize("text, where", [
    ("beleid:\n  scenarios: []\npeers:\n  size: 5\nbeleid:\n  lever_jobs: 200\n",
     "het veld 'beleid' staat twee keer in hetzelfde blok (regel 1 en regel 5)"),
    ("key: jobs\nkey: establishments\n", "het veld 'key' staat twee keer in hetzelfde blok (regel 1 en regel 2)"),
    ("peers:\n  method: list\n  gemeenten: [GM0014]\n  method: similar\n", "het veld 'method' staat twee keer"),
])
def test_a_field_given_twice_is_an_error_not_the_last_one_silently(params_dir, text, where):
    """YAML keeps the last of two equal keys: a second 'beleid:' block dropped a gemeente's own scenario and showed
    the example instead, without a word (found by a breaker)."""
    (params_dir / "GM0917.yaml").write_text(text)
    with pytest.raises(ParamsError, match="geen geldige YAML") as info:
        load_params("GM0917", params_dir=params_dir)
    assert where in str(info.value)


def test_yaml_merge_keys_and_equal_values_in_different_blocks_are_fine(params_dir):
    (params_dir / "GM0917.yaml").write_text("peers:\n  size: 5\nbrede_welvaart:\n  focus: [blp_per_inhabitant]\n")
    assert load_params("GM0917", params_dir=params_dir).peers.size == 5


def test_file_for_another_gemeente_is_refused(params_dir, tmp_path):
    other = tmp_path / "other.yaml"
    other.write_text("gemeente: GM0363\n")
    with pytest.raises(ParamsError, match="is voor gemeente GM0363"):
        load_params("GM0917", params_file=other, params_dir=params_dir)


def test_list_peers_need_codes(params_dir):
    (params_dir / "GM0917.yaml").write_text("peers:\n  method: list\n")
    with pytest.raises(ParamsError, match="peers.gemeenten"):
        load_params("GM0917", params_dir=params_dir)


@pytest.mark.parametrize("text, message", [
    ("beleid: {lever_jobs: -100}\n", "'beleid.lever_jobs' moet een positief getal zijn"),
    ("beleid: {baseline: {method: fixed, annual_growth: -5}}\n", "moet tussen -0.5 en 0.5 liggen"),
    ("va_year: -2018\n", "veld 'va_year' -2018 ligt buiten 1900-2100"),
    ("beleid:\n  scenarios:\n    - name: x\n      changes:\n        - {label: y, groups: {F: 1}, start: 0, end: 1, years: 1000000}\n",
     "'beleid.scenarios[0].changes[0].years' moet tussen 1 en 50 liggen"),
    ("beleid: {goals: [{label: g, indicator: blp_meur, target: 1, year: 99999}]}\n", "ligt buiten 1900-2150"),
    ("beleid:\n  scenarios:\n    - name: x\n      changes:\n        - {label: y, groups: {F: 1}, start: 0, end: 1e12, years: 5}\n",
     "'beleid.scenarios[0].changes[0].end' moet een aantal tussen 0 en 10.000.000 zijn, maar is 1.000.000.000.000."),
    ("beleid:\n  scenarios:\n    - name: x\n      changes:\n        - {label: y, groups: {F: 1}, start: -0.4, end: 5, years: 5}\n",
     "'beleid.scenarios[0].changes[0].start' moet een aantal tussen 0 en 10.000.000 zijn, maar is −0,40."),
    # a value just outside the range is not shown as one inside it (−0,004 read '0,00')
    ("beleid:\n  scenarios:\n    - name: x\n      changes:\n        - {label: y, groups: {F: 1}, start: -0.004, end: 5, years: 5}\n",
     "maar is −0,004."),
    ("beleid:\n  scenarios:\n    - name: x\n      changes:\n        - {label: y, groups: {F: 1}, start: 0, end: 10000000.001, years: 5}\n",
     "maar is 10.000.000,001."),
    ("beleid:\n  lm3: {source: s, round1_eur: 1e400, spending: [{category: a, share: 0.5, local_share: 0.5}]}\n",
     "'beleid.lm3.round1_eur' moet een bedrag groter dan 0 en hoogstens 100.000.000.000 euro zijn, maar is geen eindig getal"),
    ("beleid:\n  lm3: {source: s, round1_eur: -1e6, spending: [{category: a, share: 0.5, local_share: 0.5}]}\n",
     "maar is −1.000.000."),
    # 'samen zijn ze 1' said nothing about {B-E: 1.5, G-I: -0.5} (a breaker's finding)
    ("beleid:\n  scenarios:\n    - name: x\n      changes:\n        - {label: y, groups: {B-E: 1.5, G-I: -0.5}, start: 0, "
     "end: 5, years: 5}\n", "'beleid.scenarios[0].changes[0].groups' heeft een negatief aandeel (G-I: -0.5)"),
])
def test_params_out_of_range_are_errors_naming_the_field(tmp_path, text, message):
    (tmp_path / "default.yaml").write_text(text)
    with pytest.raises(ParamsError, match=re.escape(message)):
        load_params(params_dir=tmp_path)


@pytest.mark.parametrize("written, read", [("1e4", 10000.0), ("1.06E+4", 10600.0), ("2_500", 2500), ("10600", 10600),
                                           ("1_0e2", "1_0e2")])
def test_numbers_with_an_exponent_are_numbers_as_in_yaml_1_2_and_json(tmp_path, written, read):
    """PyYAML follows YAML 1.1, where '1e4' is text ('moet een getal zijn, maar is de tekst 1e4' puzzled a
    breaker); a quoted "1e4" stays text."""
    (tmp_path / "default.yaml").write_text(
        f"beleid:\n  scenarios:\n    - name: x\n      changes:\n        - {{label: y, groups: {{F: 1}}, start: 0, "
        f"end: {written}, years: 5}}\n")
    if isinstance(read, str):  # not a number in YAML 1.2 either: text, which 'end' refuses
        with pytest.raises(ParamsError, match=f"maar is de tekst '{read}'"):
            load_params(params_dir=tmp_path)
        return
    assert load_params(params_dir=tmp_path).beleid.scenarios[0].changes[0].end == read
    (tmp_path / "default.yaml").write_text('va_year: "2e3"\n')
    with pytest.raises(ParamsError, match="maar is de tekst '2e3'"):
        load_params(params_dir=tmp_path)


def test_error_messages_quote_values_briefly_even_for_an_alias_bomb(tmp_path):
    lines = ['peers: {gemeenten: &a0 ["GM0001", "GM0002", "GM0003", "GM0004", "GM0005", "GM0006", "GM0007"]}']
    lines += [f"x{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 9)]
    lines[-1] = lines[-1].replace("x8:", "sensitivity:")
    (tmp_path / "default.yaml").write_text("\n".join(lines) + "\n")
    with pytest.raises(ParamsError) as exc:
        load_params(params_dir=tmp_path)
    assert len(str(exc.value)) < 400


def test_too_many_yaml_aliases_are_refused(tmp_path):
    (tmp_path / "default.yaml").write_text("a: &x 1\nb: [" + ", ".join(["*x"] * 150) + "]\n")
    with pytest.raises(ParamsError, match="meer dan 100 YAML-aliassen"):
        load_params(params_dir=tmp_path)


def test_a_missing_params_dir_or_a_folder_as_params_file_is_an_error(tmp_path, monkeypatch):
    monkeypatch.setenv("BLP_PARAMS_DIR", str(tmp_path / "nowhere"))
    with pytest.raises(ParamsError, match="BLP_PARAMS_DIR wijst naar .*nowhere, en dat is geen map"):
        load_params("GM0917")
    monkeypatch.delenv("BLP_PARAMS_DIR")
    with pytest.raises(ParamsError, match="is een map"):
        load_params("GM0917", params_file=tmp_path)


def test_whole_numbers_written_with_an_exponent_or_a_point_fill_whole_number_fields(tmp_path):
    """'years: 1e1' was refused as 'moet een geheel getal zijn, maar is het getal 10.0' (a breaker's finding)."""
    (tmp_path / "default.yaml").write_text(
        "va_year: 2.018e3\nbeleid:\n  scenarios:\n    - name: x\n      changes:\n        - {label: y, groups: {F: 1}, "
        "start: 0, end: 5, years: 1e1}\n")
    p = load_params(params_dir=tmp_path)
    assert p.va_year == 2018 and isinstance(p.va_year, int) and p.beleid.scenarios[0].changes[0].years == 10
    (tmp_path / "default.yaml").write_text("va_year: 2018.5\n")
    with pytest.raises(ParamsError, match="moet een geheel getal"):
        load_params(params_dir=tmp_path)


@pytest.mark.parametrize("spending, message", [
    ("[{category: a, share: 1.5, local_share: 0.5}]", "'beleid.lm3.spending[0].share' is 1,50; een aandeel ligt tussen"),
    ("[{category: a, share: 0.7, local_share: 0.5}, {category: b, share: 0.6, local_share: 0.2}]",
     "de aandelen 'share' onder 'beleid.lm3.spending' zijn samen 1,30, meer dan 1"),
])
def test_lm3_shares_name_their_field(params_dir, spending, message):
    """'de aandelen onder beleid.lm3 moeten tussen 0 en 1 liggen' named no row, no field and no fix (a breaker)."""
    (params_dir / "GM0917.yaml").write_text(f"beleid:\n  lm3:\n    label: x\n    source: y\n    round1_eur: 1000\n"
                                            f"    spending: {spending}\n")
    with pytest.raises(ParamsError) as info:
        load_params("GM0917", params_dir=params_dir)
    assert message in str(info.value) and info.value.fix, str(info.value)


def test_every_params_error_says_how_to_fix_it():
    """'peers.size' 0 and 'beleid.start_year' 1990 gave a problem without an 'Oplossing' (a breaker's finding): every
    ParamsError raised in blp/params.py gets a fix."""
    import ast
    from pathlib import Path

    import blp.params

    tree = ast.parse(Path(blp.params.__file__).read_text(encoding="utf-8"))
    bare = [n.lineno for n in ast.walk(tree) if isinstance(n, ast.Raise) and isinstance(n.exc, ast.Call)
            and getattr(n.exc.func, "id", "") == "ParamsError" and len(n.exc.args) + len(n.exc.keywords) < 2]
    assert bare == []


def test_a_peer_group_of_size_0_says_what_to_give(tmp_path):
    (tmp_path / "default.yaml").write_text("peers:\n  size: 0\n")
    with pytest.raises(ParamsError) as err:
        load_params(params_dir=tmp_path)
    assert err.value.fix == "geef het aantal vergelijkingsgemeenten (standaard 10)."
