"""The report layer where a reader looks: number formats, the sentences of report 2 for a fixed gemeente
(golden text on the embedded data, checked against a direct computation), band edges, the quality
check's failure path, the overview's order and the run fingerprint."""

import dataclasses
import re

import numpy as np
import pandas as pd
import pytest

from blp.berekening.quality import FAIL, OK, run_checks
from blp.params import load_params
from blp.rapport import narrative
from blp.rapport.context import GemeenteView
from blp.rapport.fmt import eur, meur, num, pct
from blp.welvaart.scoring import BOTTOM, MIDDLE, TOP, band


@pytest.mark.parametrize("value, decimals, text", [
    (1234.5, 1, "1.234,5"), (1234567.891, 0, "1.234.568"), (0.5, 2, "0,50"), (-1234.5, 1, "\u22121.234,5"),
    (999.96, 1, "1.000,0"), (float("nan"), 0, "niet beschikbaar"), (np.float32("nan"), 1, "niet beschikbaar"),
    (pd.NA, 1, "niet beschikbaar"), (None, 0, "niet beschikbaar"), (float("inf"), 2, "niet te berekenen"),
    (-np.inf, 0, "niet te berekenen"), (np.int64(1234), 0, "1.234"), (-0.004, 2, "0,00"), (-0.4, 0, "0"),
    (-0.006, 2, "\u22120,01"),
])
def test_num(value, decimals, text):
    assert num(value, decimals) == text


@pytest.mark.parametrize("value, text", [(1.2, "+1,2"), (-0.4, "\u22120,4"), (0.0, "0,0"), (0.04, "0,0"), (-0.04, "0,0"),
                                         (0.06, "+0,1"), (10.6, "+10,6")])
def test_signed_num_shows_a_sign_only_where_the_shown_number_has_one(value, text):
    from blp.dutch import signed_num

    assert signed_num(value) == text


@pytest.mark.parametrize("fmt", [meur, eur, pct])
def test_no_formatter_shows_nan_or_inf(fmt):
    assert [fmt(v) for v in (np.float32("nan"), pd.NA, np.inf)] == ["niet beschikbaar"] * 2 + ["niet te berekenen"]


@pytest.mark.parametrize("value, text", [
    (2819.7, "€\u00a02,8 miljard"), (540.2, "€\u00a0540 miljoen"), (4.56, "€\u00a04,6 miljoen"), (71693.0, "€\u00a071,7 miljard"),
    (999.6, "€\u00a01.000 miljoen"), (-1500.0, "€\u00a0\u22121,5 miljard"),
])
def test_meur(value, text):
    assert meur(value) == text


@pytest.mark.parametrize("value, kwargs, text", [
    (0.123, {}, "12,3%"), (0.123, {"signed": True}, "+12,3%"), (-0.052, {"signed": True}, "−5,2%"),
    (0.0, {"signed": True}, "±0,0%"), (0.5, {"decimals": 0}, "50%"), (-0.052, {}, "\u22125,2%"),
])
def test_pct(value, kwargs, text):
    assert pct(value, **kwargs) == text


def test_eur():
    assert eur(47600.4) == "€\u00a047.600" and eur(float("nan")) == "niet beschikbaar"


@pytest.mark.parametrize("percentile, direction, expected", [
    (75.0, "higher", TOP), (74.99, "higher", MIDDLE), (25.0, "higher", BOTTOM), (25.01, "higher", MIDDLE),
    (25.0, "lower", TOP), (75.0, "lower", BOTTOM), (24.99, "lower", TOP), (75.01, "lower", BOTTOM),
])
def test_band_edges_are_25_and_75(percentile, direction, expected):
    assert band(percentile, direction) == expected


@pytest.fixture(scope="module")
def heerlen(national):
    return GemeenteView(national, "GM0917", load_params("GM0917"))


# where the value per job carries the conclusion, it is said not to be measured for the gemeente (a reader's finding)
ASSUMED = (" De toegevoegde waarde per baan is daarbij niet voor de gemeente zelf gemeten: het is die van het COROP-gebied "
           "per sector, hoger of lager naar de banendichtheid van de gemeente.")


@pytest.mark.parametrize("code, conclusion", [
    ("GM0034", "Dat het BLP per inwoner lager is dan in Nederland, komt vooral door het aantal banen per inwoner (naar "
               "verhouding weinig banen: inwoners die elders werken, of niet werken), niet door wat een baan toevoegt."),
    ("GM0088", "Dat het BLP per inwoner lager is dan in Nederland, komt vooral door de toegevoegde waarde per baan, niet "
               "door het aantal banen per inwoner." + ASSUMED),
    ("GM0363", "Dat het BLP per inwoner hoger is dan in Nederland, komt zowel door het aantal banen per inwoner als door "
               "de toegevoegde waarde per baan." + ASSUMED),
    # Apeldoorn: € 42.701 per inwoner, within 10 % of NL, but by two differences that cancel: said (a reader's finding)
    ("GM0200", "Dat het BLP per inwoner dicht bij het landelijke ligt, komt doordat twee verschillen elkaar opheffen: "
               "naar verhouding veel banen per inwoner, maar een lagere toegevoegde waarde per baan (€\u00a070.877 "
               "tegen €\u00a082.079)." + ASSUMED),
    ("GM0757", ""),  # Boxtel: 9,4 % below NL, within 10 % too (the rule was lopsided: a breaker's finding)
    ("GM1979", "Dat het BLP per inwoner hoger is dan in Nederland, komt door de toegevoegde waarde per baan; het aantal "
               "banen per inwoner werkt de andere kant op."),  # Eemsdelta had "zowel ... als" (a breaker's finding);
    # no 'not measured for the gemeente': Eemsdelta is its whole COROP region, its value per job is the region's own
])
def test_blp_per_inhabitant_is_split_into_per_job_and_jobs_per_inhabitant(national, code, conclusion):
    """Almere's low BLP per inhabitant is its few jobs per inhabitant, not what a job adds (a reader's finding)."""
    from blp.rapport.samenvatting import blp_card

    view = GemeenteView(national, code, load_params(code))
    h = view.headline
    assert narrative.parts_conclusion(h) == conclusion
    card = blp_card(view).lines
    assert any(line.startswith("Per baan €\u00a0") and line.endswith(conclusion or "491).") for line in card)


@pytest.mark.parametrize("change", [{"key_per_1000_inhabitants": 0.0}, {"blp_per_key_unit_eur": float("nan")},
                                    {"nl_per_key_unit_eur": float("inf")}, {"key_measure": "establishments"}])
def test_the_per_inhabitant_split_says_nothing_without_jobs_to_split_by(heerlen, change):
    assert narrative.parts_conclusion({**heerlen.headline, **change}) == ""


def test_headline_sentence_of_heerlen(heerlen, national):
    """Golden text on the embedded data; ranks and the COROP share computed here independently."""
    text = narrative.headline_text(heerlen.headline, heerlen.ranks)
    assert text == (
        "Het **Bruto Lokaal Product (BLP)** van **Heerlen** bedroeg in 2018 naar schatting **€\u00a04,4 miljard**. "
        "Dat is **€\u00a049.954 per inwoner** (COROP-gebied Zuid-Limburg: €\u00a035.986; Nederland: €\u00a040.287; de middelste "
        "gemeente: €\u00a028.100) en "
        "€\u00a082.706 per baan (COROP-gebied: €\u00a080.820; Nederland: €\u00a082.079). Het BLP per inwoner is het BLP "
        "per baan maal het aantal banen per inwoner: Heerlen heeft 604 banen van werknemers per 1.000 inwoners "
        "(banen 2019, inwoners 2020; Nederland: 491). Dat het BLP per inwoner hoger is dan in Nederland, komt vooral door het aantal banen per "
        "inwoner (naar verhouding veel banen, ook voor mensen die van buiten komen werken), niet door wat een baan "
        "toevoegt.\n\nHeerlen levert 20,2% van de toegevoegde waarde van Zuid-Limburg (€\u00a021,5 miljard). "
        "Van de 342 gemeenten staat Heerlen op plaats 29 naar omvang van het BLP en op plaats 27 naar BLP per "
        "inwoner.")
    n = national.result.national.set_index("gemeente_code")
    # per job and jobs per inhabitant, computed here from the national table
    assert n["blp_meur"].sum() * 1e6 / n["jobs"].sum() == pytest.approx(82_079, abs=0.5)
    assert n.loc["GM0917", "jobs"] / n.loc["GM0917", "population"] * 1000 == pytest.approx(604, abs=0.5)
    assert n["jobs"].sum() / n["population"].sum() * 1000 == pytest.approx(491, abs=0.5)
    zl = n[n["corop_code"] == "CR39"]
    assert zl["blp_meur"].sum() * 1e6 / zl["jobs"].sum() == pytest.approx(80_820, abs=0.5)
    assert int((n["blp_meur"] > n.loc["GM0917", "blp_meur"]).sum()) + 1 == 29
    assert int((n["blp_per_inhabitant_eur"] > n.loc["GM0917", "blp_per_inhabitant_eur"]).sum()) + 1 == 27
    va = national.result.va
    corop_va = va.loc[va["corop_code"] == "CR39", "value_meur"].sum()
    assert pct(n.loc["GM0917", "blp_meur"] / corop_va) == "20,2%"


def test_headline_ranks_by_size_and_per_inhabitant_are_not_swapped(national):
    """Heerlen ranked 28th on both after the density weighting (now 29th and 27th): Haarlemmermeer (5th by size, 2nd
    per inhabitant) keeps a golden sentence in which swapping the two ranks shows."""
    view = GemeenteView(national, "GM0394", load_params("GM0394"))
    assert narrative.headline_text(view.headline, view.ranks).endswith(
        "Van de 342 gemeenten staat Haarlemmermeer op plaats 5 naar omvang van het BLP en op plaats 2 naar BLP per "
        "inwoner.")
    n = national.result.national.set_index("gemeente_code")
    assert int((n["blp_meur"] > n.loc["GM0394", "blp_meur"]).sum()) + 1 == 5
    assert int((n["blp_per_inhabitant_eur"] > n.loc["GM0394", "blp_per_inhabitant_eur"]).sum()) + 1 == 2


def test_peer_sentence_says_higher_or_lower_with_the_right_sign(heerlen, national):
    peers, desc = heerlen.peers
    n = national.result.national.set_index("gemeente_code")
    own, med = n.loc["GM0917", "blp_per_inhabitant_eur"], n.loc[peers, "blp_per_inhabitant_eur"].median()
    text = narrative.peers_text("Heerlen", desc, national.result.national, "GM0917", peers)
    assert own > med and " hoger dan de mediaan" in text and "lager" not in text
    assert f"({eur(med)}, +{pct(own / med - 1)})" in text
    # a gemeente below its peers' median reads "lager" with a minus sign
    low = n.loc[peers, "blp_per_inhabitant_eur"].idxmin()
    others = [c for c in n.index if c != low][:10]
    text = narrative.peers_text("X", "een groep", national.result.national, low, others)
    if n.loc[low, "blp_per_inhabitant_eur"] < n.loc[others, "blp_per_inhabitant_eur"].median():
        assert " lager dan de mediaan" in text and ", −" in text


def test_sector_sentence_names_the_specialisations_from_own_jobs(heerlen, national):
    text = narrative.structure_text(heerlen.structure, national.data.industry_labels(), "Heerlen", "jobs")
    act = national.result.key.activity
    act = act[act["group"] != "L"]
    own = act[act["gemeente_code"] == "GM0917"].groupby("group")["value"].sum()
    nl = act.groupby("group")["value"].sum()
    lq = ((own / own.sum()) / (nl / nl.sum())).dropna().sort_values(ascending=False)
    labels = national.data.industry_labels()
    strong = [g for g, v in lq.items() if v >= 1.1][:3]
    assert strong, "Heerlen has specialisations"
    named = [f"{labels[g].lower()} ({num(lq[g], 2)})" for g in strong]
    expected = named[0] if len(named) == 1 else "; ".join(named[:-1]) + " en " + named[-1]  # names hold commas
    assert f"Heerlen is relatief sterk in {expected}. " in text
    assert "geschat" not in text  # nothing said estimated unless it is
    from blp.rapport.paginas.berekening import _split_estimated

    assert _split_estimated(heerlen)
    estimated = narrative.structure_text(heerlen.structure, national.data.industry_labels(), "Heerlen", "jobs",
                                         estimated=True)
    assert ", met de geschatte verdeling van de banen over de sectoren. " in estimated
    assert "Let wel" not in estimated  # Heerlen's split departs from Zuid-Limburg's by more than the mirror's spread
    # Den Haag's estimated split mostly copies its region's: said so
    hague = GemeenteView(national, "GM0518", load_params("GM0518"))
    assert ("Let wel: in 's-Gravenhage wijkt het aandeel van elke sector in het BLP hooguit 9% af van dat in het "
            "COROP-gebied. De geschatte verdeling volgt hier dus grotendeels die van de regio, en de specialisaties "
            "zeggen vooral iets over de regio. ") in narrative.structure_text(
        hague.structure, national.data.industry_labels(), "'s-Gravenhage", "jobs", estimated=True)
    amsterdam = GemeenteView(national, "GM0363", load_params("GM0363"))
    assert "Let wel" not in narrative.structure_text(amsterdam.structure, national.data.industry_labels(), "Amsterdam",
                                                     "jobs", estimated=True)
    assert ("Die verdeling over de sectoren is geschat uit de vestigingen per sector (de landbouw uit het "
            "landoppervlak, dat ook natuur telt, zoals duinen en kwelders op de Waddeneilanden): een grote werkgever telt daarin "
            "als één vestiging, zodat een gemeente met één groot bedrijf in een sector (een chemisch complex, een "
            "pensioenfonds) daar lager uitkomt dan ze is, en holdings zonder personeel tellen mee in de financiële "
            "dienstverlening, zodat een gemeente met veel holdings daar te hoog uitkomt. Openbaar bestuur, onderwijs en "
            "zorg telt het CBS bij de vestigingen samen met de boerenbedrijven, dus in een regio met veel landbouw "
            "schuift die sector in de schatting naar de plattelandsgemeenten, en komt een centrumgemeente met "
            "ziekenhuis en scholen daar lager uit dan ze is. Wie de eigen banen per sector kent (LISA), "
            "ziet het preciezer. ") in estimated  # the last but one sentence: a reader of 's-Hertogenbosch's 0,81
    assert "Uitzondering" not in estimated
    blended = narrative.structure_text(heerlen.structure, national.data.industry_labels(), "Heerlen", "jobs",
                                       density=True, estimated=True, blended=heerlen.result.key.blended)
    assert blended.endswith(
        "De toegevoegde waarde per baan in een sector is in deze berekening die van het COROP-gebied, alleen hoger of "
        "lager naar de banendichtheid van de gemeente: of de gemeente in een sector om een andere reden productiever "
        "is dan haar regio, is met deze gegevens niet te zien. Uitzondering: bij bouwnijverheid (F) en cultuur, "
        "recreatie, overige diensten (R-U) tellen ook de vestigingen mee in de verdeling (zie ‘Verantwoording’), zodat "
        "de toegevoegde waarde per baan daar hoger uitkomt in een gemeente met naar verhouding veel vestigingen, en "
        "lager in een gemeente met weinig.")


def test_peer_table_holds_the_gemeente_and_its_peers_in_the_order_of_the_chart(heerlen, monkeypatch):
    from blp.rapport import display
    from blp.rapport.paginas import berekening

    shown = []
    monkeypatch.setattr(display, "display", lambda obj, raw=False: shown.append(obj))
    berekening.position(heerlen)
    tables = [s["text/plain"] for s in shown if isinstance(s, dict) and s.get("text/html", "").startswith("<table")]
    peer_table = next(t for t in tables if t.startswith("Gemeente\tCOROP"))
    names = [line.split("\t")[0] for line in peer_table.splitlines()[1:]]
    n = heerlen.result.national.set_index("gemeente_code")
    group = n.loc[["GM0917"] + heerlen.peers[0]].sort_values("blp_per_inhabitant_eur", ascending=False)
    assert names == list(group["gemeente_name"])  # highest BLP per inhabitant first, as the chart
    assert names[:3] == ["Nieuwegein", "Venlo", "Heerlen"]  # the title's 'plaats 3 van 11'
    assert "plaats 3 van 11" in berekening.peers_title(heerlen)


def test_sensitivity_difference_has_the_sign_of_the_variant(heerlen):
    sens = heerlen.sensitivity.set_index("key")
    main = sens["blp_meur"].iloc[0]
    for key, row in sens.iterrows():
        assert row["difference_pct"] == pytest.approx((row["blp_meur"] / main - 1) * 100)
    population = sens.loc["population_2020"]
    assert population["blp_meur"] < main and population["difference_pct"] < 0
    assert pct(population["difference_pct"] / 100, signed=True) == "−28,0%"
    unweighted = sens.loc["jobs_2019_uncorrected"]  # the job-density weighting gives Heerlen, denser than its region, more
    assert unweighted["blp_meur"] < main and pct(unweighted["difference_pct"] / 100, signed=True) == "−5,8%"
    # F and R-U by the estimated jobs alone (not averaged with establishments): Heerlen 1,2 % higher
    alone = sens.loc["jobs_2019_not_averaged"]
    assert pct(alone["difference_pct"] / 100, signed=True) == "+1,2%"
    assert alone["label_nl"] == ("banen per sector (2019), sectorverdeling geschat, gewogen naar banendichtheid; ook "
                                 "bij bouw en cultuur/overige diensten alleen naar banen")
    assert unweighted["label_nl"] == ("banen per sector (2019), sectorverdeling geschat, niet gewogen naar "
                                      "banendichtheid; bij bouw en cultuur/overige diensten gemiddeld met vestigingen "
                                      "(2018)")


def test_the_reconciliation_check_fails_when_a_euro_is_missing(national):
    result = national.result
    checks = {c.name: c for c in run_checks(national.data, result)}
    name = "Aansluiting: gemeenten tellen op tot hun COROP (per sector, op de euro)"
    assert checks[name].status == OK
    shares = result.allocation.shares.copy()
    shares.loc[shares.index[0], "blp_eur"] -= 1  # one euro lost in the allocation
    broken = dataclasses.replace(result, allocation=dataclasses.replace(result.allocation, shares=shares))
    failed = {c.name: c for c in run_checks(national.data, broken)}[name]
    assert failed.status == FAIL and "1 euro" in failed.detail


def test_the_data_checks_write_dutch_numbers_and_never_divide_by_zero(national):
    """The checks of report 1: a key without any activity and a sector appearing from nothing read as Dutch text,
    not as 'nan%' or '× inf'."""
    data = national.data
    activity = data.activity.copy()
    key = (activity["measure"] == national.result.key.measure) & (activity["year"] == national.choices.key_year)
    activity.loc[key, "value"] = 0.0  # every gemeente's activity 0: no share of GM0000 to compute
    establishments = activity["measure"] == "establishments"
    first = activity.loc[establishments, "year"].min()
    activity.loc[establishments & (activity["year"] == first) & (activity["industry_code"] == "J"), "value"] = 0.0
    checks = {c.name: c for c in run_checks(dataclasses.replace(data, activity=activity), national.result)}
    unassignable = checks["Niet aan een gemeente toe te wijzen (GM0000)"].detail
    assert unassignable == f"0 van 0 {'banen' if national.result.key.measure == 'jobs' else 'vestigingen'}; " \
                           "buiten de verdeling gelaten"
    jumps = checks["Vestigingen: trendbreuken in het sectoraandeel tussen jaren"].detail
    assert f"informatie en communicatie {first}→" in jumps and "aandeel van 0 naar " in jumps
    shown = " ".join(c.detail for c in checks.values())
    assert not re.search(r"\b(nan|inf)\b|niet beschikbaar%", shown), shown


def test_overview_lists_gemeenten_from_the_largest_blp_down(national, tmp_path):
    import re

    from blp.rapport.overview import write_overview

    page = write_overview(tmp_path, national).read_text()
    body = page.split("<tbody>")[1]
    codes = re.findall(r'<tr><td data-v="(GM\d{4})">', body)
    expected = national.result.national.sort_values("blp_meur", ascending=False)["gemeente_code"].tolist()
    assert codes == expected
    assert codes[0] == "GM0363"  # Amsterdam has the largest BLP


def test_the_run_fingerprint_changes_with_every_input_parameter_and_notebook(national, tmp_path, monkeypatch):
    from blp.uitvoering import runner

    params = load_params("GM0917")
    base = runner.fingerprint(params, national, "code-a", national.data.source)
    assert base == runner.fingerprint(params, national, "code-a", national.data.source)
    for i in range(len(national.data.inputs)):  # any input file
        inputs = list(national.data.inputs)
        inputs[i] = dataclasses.replace(inputs[i], sha256="0" * 64)
        changed = dataclasses.replace(national, data=dataclasses.replace(national.data, inputs=inputs))
        assert runner.fingerprint(params, changed, "code-a", national.data.source) != base, inputs[i].table
    other = load_params("GM0917", overrides={"sensitivity": ["total"]})
    assert runner.fingerprint(other, national, "code-a", national.data.source) != base
    assert runner.fingerprint(params, national, "code-b", national.data.source) != base
    # the code digest covers the notebooks: a changed notebook gives another digest
    nb_dir = tmp_path / "notebooks"
    nb_dir.mkdir()
    (nb_dir / "01_dataverzameling.ipynb").write_text("{}")
    monkeypatch.setattr(runner, "NOTEBOOKS_DIR", nb_dir)
    first = runner._code_digest()
    (nb_dir / "01_dataverzameling.ipynb").write_text('{"cells": []}')
    assert runner._code_digest() != first


def test_the_expected_model_has_every_term(national):
    from blp.welvaart.expected import build_design

    X, y, _ = build_design(national.data, national.result)
    groups = [g for g in national.result.concordance.groups if g != "L"]
    shares = [c for c in X.columns if c.startswith("aandeel_")]
    assert {"const", "log_inwoners", "log_dichtheid"} <= set(X.columns)
    assert sorted(c for c in X.columns if c.startswith("stedelijkheid_")) == [f"stedelijkheid_{k}" for k in (2, 3, 4, 5)]
    assert len(shares) == len(groups) - 1  # one group is the reference
    assert np.allclose(y, np.log(national.result.national.set_index("gemeente_code").loc[X.index,
                                                                                          "blp_per_inhabitant_eur"]))
    assert isinstance(X, pd.DataFrame) and len(X) == 342


def test_the_front_page_states_the_error_band_of_a_large_and_of_a_small_gemeente(heerlen, national):
    """Golden text of the 'Hoe zeker is dit getal?' card: Heerlen (52,600 jobs) lies within the sizes the
    back-test covers; IJsselstein (10,800 jobs) is smaller than every tested region, so its band is a lower bound."""
    from blp.rapport.samenvatting import band_card

    assert band_card(heerlen).lines == [
        "Bij gebieden van deze omvang zit de methode in de helft van de gevallen minder dan <strong>7,5%</strong> naast "
        "de werkelijke waarde, in 9 van de 10 minder dan 28,9%."]  # as report 2 gives them, to the decimal
    small = GemeenteView(national, "GM0353", load_params("GM0353"))
    assert small.error_band.extrapolated
    assert band_card(small).lines == [
        "<strong>Zeer onzeker.</strong> De gemeente is kleiner dan elk gebied waarop de methode getoetst is; volgens "
        "die toets is bij een gebied zo klein als het kleinste getoetste de fout in de helft van de gevallen al meer "
        "dan 12,1%, bij deze gemeente waarschijnlijk meer. Lees het BLP als orde van grootte."]


@pytest.mark.parametrize("name, main, text", [
    ("jobs_2019", True, "banen per sector 2019 (hoofdsleutel)"),
    ("jobs_2019_uncorrected", False, "banen per sector 2019, zonder weging naar dichtheid"),
    ("jobs_2019_not_averaged", False, "banen per sector 2019, zonder middeling met vestigingen"),
    ("jobs_2019_total", False, "banen 2019, in totaal, zonder sectoren"), ("population_2020", False, "inwoners 2020"),
    ("establishments_2018", False, "vestigingen per sector 2018"),
])
def test_the_sensitivity_chart_names_each_key_by_what_sets_it_apart(name, main, text):
    """The chart's labels were the keys' full descriptions, wrapped into each other (a reader's finding)."""
    from blp.rapport.charts import short_key_label

    assert short_key_label(name, main) == text
