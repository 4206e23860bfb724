"""Report 01/02 text on the method: golden sentences for Heerlen, so a wrong word or number fails."""

import re
from pathlib import Path

import pytest

from blp.params import load_params
from blp.rapport import display
from blp.rapport.context import GemeenteView
from blp.rapport.paginas import berekening, dataverzameling
from helpers import shown_text


@pytest.fixture
def heerlen(national):
    return GemeenteView(national, "GM0917", load_params("GM0917"))


@pytest.fixture
def shown(monkeypatch):
    items = []
    monkeypatch.setattr(display, "display", lambda obj, raw=False: items.append(obj))
    return items


def _text(items) -> str:
    parts = []
    for x in items:
        parts.append(shown_text(x))
    return re.sub(r"\s+", " ", " ".join(parts))


def test_headline_gives_the_newest_total_first_and_the_measured_band(heerlen, shown):
    berekening.headline(heerlen)
    text = _text(shown)
    assert text.startswith("**BLP 2022: € 4,9 miljard** (het nieuwste jaar met de toegevoegde waarde per COROP-gebied "
                           "in deze gegevens")
    assert "afronding" not in text  # Heerlen is large enough: no rounding caution
    assert "bedroeg in 2018 naar schatting **€ 4,4 miljard**" in text
    band = heerlen.error_band
    assert 5 < band.median_pct < band.p90_pct < 60 and not band.extrapolated
    assert "Foutmarge (geschat uit een toets op COROP-gebieden)" in text
    assert f"minder dan **{band.median_pct:.1f}%**".replace(".", ",") in text
    assert ("verdeelsleutel banen per sector (2019), sectorverdeling geschat, gewogen naar banendichtheid; bij bouw en "
            "cultuur/overige diensten gemiddeld met vestigingen (2018)") in text


def test_trend_shows_the_series_growth_and_labels_real_growth_as_the_corops(heerlen, shown):
    berekening.trend(heerlen)
    text = _text(shown)
    assert "Het BLP van Heerlen van 1995 tot 2022, in lopende prijzen" in text
    assert "vastgehouden op dat van 2019" in text
    assert any(isinstance(x, dict) and "image/svg+xml" in x for x in shown)
    growth = berekening.growth_frame(heerlen).set_index("period")
    assert list(growth.index) == ["1995–2022", "2010–2022", "2012–2022", "2018–2022"]
    # the row behind report 4's 0-scenario, which continues the last ten years' real growth (a reader could not check it)
    from blp.beleid.scenarios import baseline
    trend = baseline(heerlen.params.beleid, heerlen.data, heerlen.result, "GM0917", "CR39", 2036).trend
    assert growth.loc["2012–2022", "corop_real"] == pytest.approx(trend, abs=1e-9)
    assert growth.loc["2018–2022", "gemeente"] == pytest.approx((4907.836481 / 4350.291857) ** 0.25 - 1, abs=1e-6)
    assert 0 < growth.loc["1995–2022", "corop_real"] < growth.loc["1995–2022", "corop"]
    assert "is die van het **COROP-gebied** als geheel" in text and "84432NED" in text


def test_uncertainty_section_comes_from_the_backtest_and_sensitivity_is_called_what_it_is(heerlen, shown):
    berekening.uncertainty(heerlen)
    berekening.sensitivity(heerlen)
    text = _text(shown)
    assert "één niveau hoger uitgevoerd" in text and "provincie → COROP" in text
    # the default key's median error province -> COROP, with and without the job-density weighting
    assert ("in de toets provincie → COROP is de mediane fout 6,9% zonder weging en 4,8% met weging; 9 van de 10 "
            "gebieden liggen binnen 32,1% zonder en 25,8% met weging. De weging verkleint de fout dus in de meeste "
            "gebieden, maar niet in het slechtste geval (zie hieronder).") in text
    assert "gemeten zonder de provincie die getoetst wordt" in text
    assert ("de grootste fout met weging is die van Delfzijl en omgeving (43,1%, zonder weging was de grootste fout "
            "37,9%).") in text
    assert ("Per sector geeft de hoofdsleutel in deze toets een kleinere mediane fout dan een verdeling naar "
            "vestigingen, met één uitzondering: informatie en communicatie (J), 28,3% tegen 27,1% met vestigingen. Bij "
            "bouwnijverheid (F) en cultuur, recreatie, overige diensten (R-U) bestaat de hoofdsleutel voor de helft uit "
            "de vestigingen zelf (zie ‘Verantwoording’). Gewogen naar euro’s (welk deel van de toegevoegde waarde van de "
            "sector bij een ander gebied terechtkomt dan waar het CBS het telt; grote gebieden tellen dan zwaarder dan "
            "in de mediaan) is de hoofdsleutel bij informatie en communicatie (J) wél beter: 11,9% tegen 15,7% met "
            "vestigingen, ook als andere gebieden getoetst waren geweest, terwijl het verschil in de mediaan toeval kan "
            "zijn. Met de banen per sector zoals het CBS ze per COROP-gebied publiceert, is verdelen naar banen ook in "
            "die sector beter dan naar vestigingen: het zwakke punt is de geschatte verdeling van de banen over de "
            "sectoren. Een eigen banenbestand per sector (zoals LISA) maakt die schatting overbodig. Let wel: met 38 "
            "getoetste gebieden is het verschil met vestigingen in 6 van de 8 vergeleken sectoren niet van toeval te "
            "onderscheiden; met andere gebieden in de toets had het ook de andere kant op kunnen vallen. Alleen in "
            "financiële dienstverlening en in verhuur en handel van onroerend goed is de hoofdsleutel duidelijk beter. "
            "Landbouw, bosbouw en visserij (A) en openbaar bestuur, onderwijs en zorg (O-Q) zijn niet vergeleken, omdat "
            "de vestigingencijfers ze niet apart geven.") in text
    assert "niet hoe dicht het BLP bij de werkelijkheid ligt" in text
    assert "zeker" not in text.replace("onzeker", "").replace("Hoe zeker", "")


def test_method_lists_the_key_of_every_sector(heerlen, shown):
    berekening.method(heerlen)
    keys = berekening.key_table(heerlen).set_index("Sector")["Verdeeld naar"]
    assert keys["Verhuur en handel van onroerend goed"] == "woningvoorraad × gemiddelde WOZ-waarde (2020)"
    assert keys["Handel, vervoer en horeca"] == ("banen in de sector (2019), geschat per gemeente, gewogen naar "
                                                 "banendichtheid (+9,8% per baan bij twee keer zoveel banen per km²)")
    assert keys["Landbouw, bosbouw en visserij"].startswith("banen in de landbouw (2019)")
    text = _text(shown)
    assert "Landbouw, bosbouw en visserij" in text
    assert ("gemiddeld 9,8% hoger bij twee keer zoveel banen per km². Dat is gemeten op 334 combinaties van "
            "COROP-gebied en sector in 2018, elk gebied vergeleken met zijn provincie als geheel. Meet je het opnieuw en "
            "laat je telkens één provincie weg, dan komt er tussen 6,0% en 11,4% uit: zo zeker is het getal.") in text
    assert "tot de macht 0,135 (de *elasticiteit*" in text
    assert ("meer dan 2,5 keer zoveel banen per km² heeft als haar gebied, of minder dan 23% daarvan, weegt als een "
            "gemeente op die grens") in text


def test_specialisation_is_judged_by_the_gemeentes_own_jobs(heerlen, shown):
    berekening.structure(heerlen)
    text = _text(shown)
    s = heerlen.structure.set_index("group")
    assert s.loc["B-E", "activity_lq"] > 1.1 and s.loc["J", "activity_lq"] < 0.9
    assert "Heerlen is relatief sterk in nijverheid (geen bouw) en energie (1,25)" in text
    assert "die van het COROP-gebied" in text


def test_data_report_says_the_sector_split_is_estimated_with_the_fit(heerlen, shown):
    dataverzameling.key_estimate(heerlen)
    text = _text(shown)
    assert "De verdeling van de banen over de sectoren binnen een gemeente is geschat." in text
    fit = heerlen.result.key.fit
    assert f"in alle COROP-gebieden in ten hoogste {fit.iterations} rondes" in text and "(eis: 0,1%)" in text
    assert f"voor de landbouw het landoppervlak van de gemeente ({fit.area_year}) maal" in text
    frame = dataverzameling.key_estimate_frame(heerlen)
    assert frame["Banen gemeente"].sum() == pytest.approx(52_600, rel=1e-3)
    assert ("In de gegevens van deze berekening staan de banen van werknemers per gemeente alleen in totaal en, voor 67 "
            "van de 355 gemeenten van 2019, in de landbouw; volledig per sector staan ze er alleen per COROP-gebied in. Dat ligt "
            "aan de ingebouwde gegevens: die bevatten een uittreksel van CBS-tabel 83582NED met alleen het totaal en, "
            "voor een deel van de gemeenten, de landbouw. Het CBS publiceert de banen per gemeente ook per sector") in text
    assert ("Gepubliceerde aantallen blijven zoals ze zijn, behalve een 0. Publiceert het CBS voor een gemeente 0 banen "
            "in een sector, dan zijn het er 0 tot 50: het CBS rondt af op honderdtallen. Zo'n 0 wordt daarom niet "
            "overgenomen maar meegeschat, met 50 als bovengrens. In 2019 geldt dat voor landbouw, bosbouw en visserij in "
            "15 gemeenten in heel Nederland (in de grenzen van 2024).") in text
    assert ("Van een gemeente die in 2019 nog uit meer gemeenten bestond (in de grenzen van 2024) waarvan niet elk deel "
            "gepubliceerd is, telt het gepubliceerde deel als ondergrens") in text  # Land van Cuijk (a reader's finding)
    assert "Het CBS publiceert banen van werknemers per gemeente alleen in totaal" not in text  # it publishes more


def test_a_farm_jobs_figure_published_as_0_is_shown_as_estimated_below_50(national):
    """Brunssum's farm jobs: CBS publishes 0 (0 to 50 jobs, rounded to hundreds): estimated, not 'gepubliceerd'."""
    frame = dataverzameling.key_estimate_frame(GemeenteView(national, "GM0899", load_params("GM0899")))
    farm = frame.set_index("Sector").loc["Landbouw, bosbouw en visserij"]
    assert farm["Herkomst"] == "geschat; CBS: 0, dus 0 tot 50" and 0 < farm["Banen gemeente"] < 50
    assert set(frame.loc[frame["Sector"] != "Landbouw, bosbouw en visserij", "Herkomst"]) == {"geschat"}


def test_a_run_without_the_density_weighting_says_why(data, shown):
    """Turned off in the params: the method says so, the error band is the unweighted key's, the key is plain jobs."""
    import dataclasses

    from blp.rapport.context import compute_national

    params = dataclasses.replace(load_params("GM0917"), density_correction=False)
    view = GemeenteView(compute_national(data, params), "GM0917", params)
    berekening.method(view)
    berekening.uncertainty(view)
    text = _text(shown)
    assert ("*Zonder weging naar banendichtheid:* die staat uit in de params (`density_correction: false`). Elke baan "
            "in dezelfde sector telt in het hele COROP-gebied even zwaar.") in text
    assert "Weging naar banendichtheid." not in text and "ook met de gepubliceerde banen per sector" in text
    assert (round(view.error_band.median_pct, 1), round(view.error_band.p90_pct, 1)) == (12.0, 36.4)
    assert view.result.key.label_nl == ("banen per sector (2019), sectorverdeling geschat, niet gewogen naar "
                                        "banendichtheid; bij bouw en cultuur/overige diensten gemiddeld met vestigingen "
                                        "(2018)")


def test_with_the_establishments_key_the_error_text_speaks_of_establishments(data, shown):
    import dataclasses

    from blp.rapport.context import compute_national

    params = dataclasses.replace(load_params("GM0917"), key="establishments")
    view = GemeenteView(compute_national(data, params), "GM0917", params)
    berekening.uncertainty(view)
    text = _text(shown)
    assert ("De hoofdsleutel van deze berekening is vestigingen. In deze toets verdelen banen per sector beter (mediane "
            "fout 4,8% tegen 10,0% met vestigingen)") in text
    assert "Banen zonder sectoren scoren" not in text and "aanname dat een baan" not in text


def test_the_sensitivity_chart_leaves_room_for_its_numbers_and_its_ticks(national):
    """Amsterdam's axis read '60.00070.00080.000' and its bar labels ran past the edge: at most six ticks, in Dutch
    thousands, and the axis reaches past the longest bar by more than its label needs."""
    amsterdam = GemeenteView(national, "GM0363", load_params("GM0363"))
    fig = berekening.sensitivity_figure(amsterdam)
    ax = fig.axes[0]
    fig.canvas.draw()
    labels = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
    assert 3 <= len(labels) <= 6 and "80.000" in labels
    boxes = [t.get_window_extent() for t in ax.get_xticklabels() if t.get_text()]
    assert all(a.x1 < b.x0 for a, b in zip(boxes, boxes[1:]))  # no two tick labels touch
    right = ax.get_window_extent().x1
    assert all(t.get_window_extent().x1 <= right for t in ax.texts)  # every bar's number inside the axes


def test_sectors_where_the_median_is_worse_are_also_judged_in_euros(heerlen, monkeypatch):
    """Where the main key's median error per sector is above that of establishments, the text says how it does in
    euros: better or worse beyond chance, better or worse within chance, or equal (from the back-test's figures)."""
    import dataclasses

    import pandas as pd

    bt = heerlen.national.backtest
    e = bt.errors
    labels = heerlen.data.industry_labels()

    def with_jobs_errors(group: str, factor: float) -> None:  # the default key's euros in ``group`` scaled by factor
        pick = (e["variant"] == "jobs") & (e["group"] == group)
        scaled = e.loc[pick, "published_meur"] + (e.loc[pick, "allocated_meur"] - e.loc[pick, "published_meur"]) * factor
        monkeypatch.setattr(heerlen.national, "backtest", dataclasses.replace(
            bt, errors=pd.concat([e[~pick], e[pick].assign(allocated_meur=scaled)], ignore_index=True)))

    def said(groups=("J",)) -> str:
        text = berekening._in_euros_text(heerlen, list(groups), labels)
        assert text.startswith(" Gewogen naar euro’s (welk deel van de toegevoegde waarde van de sector bij een ander "
                               "gebied terechtkomt dan waar het CBS het telt; grote gebieden tellen dan zwaarder dan in "
                               "de mediaan) ")
        return text.split("in de mediaan) ", 1)[1]

    assert said() == ("is de hoofdsleutel bij informatie en communicatie (J) wél beter: 11,9% tegen 15,7% met "
                      "vestigingen, ook als andere gebieden getoetst waren geweest, terwijl het verschil in de mediaan "
                      "toeval kan zijn.")
    chance = ", maar met andere gebieden in de toets had het ook de andere kant op kunnen vallen."
    with_jobs_errors("J", 1.25)
    assert said() == ("is de hoofdsleutel bij informatie en communicatie (J) iets beter: 14,8% tegen 15,7% met "
                      "vestigingen" + chance)
    with_jobs_errors("J", 15.7 / 11.86)  # the same share of euros misplaced as establishments, to the shown decimal
    assert said() == "doen beide het bij informatie en communicatie (J) even goed (15,7% tegen 15,7% met vestigingen)."
    with_jobs_errors("J", 1.4)
    assert said() == ("is de hoofdsleutel bij informatie en communicatie (J) iets slechter: 16,6% tegen 15,7% met "
                      "vestigingen" + chance)
    with_jobs_errors("J", 2)
    assert said(["J", "K"]) == ("is de hoofdsleutel bij informatie en communicatie (J) ook slechter: 23,7% tegen 15,7% "
                                "met vestigingen, ook als andere gebieden getoetst waren geweest; bij financiële "
                                "dienstverlening (K) is de hoofdsleutel wél beter: 22,2% tegen 29,4% met vestigingen, ook "
                                "als andere gebieden getoetst waren geweest.")  # K's median differs beyond chance too
    assert berekening._in_euros_text(heerlen, ["A"], labels) == ""  # the establishments pool A: nothing to compare


def test_the_averaged_sectors_in_euros_say_whether_the_average_is_the_best_there_too(heerlen, monkeypatch):
    import dataclasses

    import pandas as pd

    lead = ("Gewogen naar euro’s (welk deel van de toegevoegde waarde van de sector bij een ander gebied terechtkomt dan "
            "waar het CBS het telt; grote gebieden tellen dan zwaarder dan in de mediaan; provincie → COROP) ")
    rule = ("De keuze is gemaakt op de mediane fout, waarin een klein gebied even zwaar telt als een groot: het BLP moet "
            "voor elke gemeente kloppen, groot of klein.")
    assert berekening._blended_in_euros(heerlen) == (
        lead + "is het gemiddelde niet overal het best: bij bouwnijverheid (F) zijn het gemiddelde en alleen "
        "vestigingen het best (9,5%; "
        "alleen banen 10,6%); bij cultuur, recreatie, overige diensten (R-U) is alleen banen het best (6,6%; het "
        "gemiddelde 7,3%; alleen vestigingen 9,3%). " + rule + " ")
    e = heerlen.national.backtest.errors
    pick = (e["variant"] == "jobs") & (e["group"] == "R-U")
    halved = e.loc[pick, "published_meur"] + (e.loc[pick, "allocated_meur"] - e.loc[pick, "published_meur"]) / 2
    monkeypatch.setattr(heerlen.national, "backtest", dataclasses.replace(
        heerlen.national.backtest, errors=pd.concat([e[~pick], e[pick].assign(allocated_meur=halved)])))
    assert berekening._blended_in_euros(heerlen) == (
        lead + "is het gemiddelde overal het best of even goed: bij bouwnijverheid (F) zijn het gemiddelde en alleen "
        "vestigingen het best (9,5%; alleen banen 10,6%); bij cultuur, recreatie, overige diensten (R-U) is het "
        "gemiddelde het best (3,6%; alleen banen 6,6%; alleen vestigingen 9,3%). ")


def test_the_choice_of_averaged_sectors_says_it_was_made_on_this_very_test_only_when_it_was(heerlen, shown, monkeypatch):
    import dataclasses

    berekening.blended_why(heerlen)
    assert "(banen), dezelfde toets als hierboven: de keuze is dus niet los van deze cijfers getoetst." in _text(shown)
    shown.clear()
    monkeypatch.setattr(heerlen.national, "backtest", dataclasses.replace(heerlen.national.backtest, va_year=2017))
    berekening.blended_why(heerlen)
    text = _text(shown)
    assert "2019 (banen). In handel, vervoer en horeca" in text and "dezelfde toets" not in text


def test_the_chance_text_names_the_sectors_clearly_better_and_clearly_worse(heerlen, monkeypatch):
    import dataclasses

    import pandas as pd

    labels = heerlen.data.industry_labels()
    assert " Alleen in financiële dienstverlening en in verhuur en handel van onroerend goed is de hoofdsleutel " \
        "duidelijk beter." in berekening._chance_text(heerlen, labels)
    bt = heerlen.national.backtest
    e = bt.errors
    est_j = e[(e["variant"] == "establishments") & (e["group"] == "J")]
    worse_j = est_j.assign(variant="jobs", error_pct=est_j["error_pct"].abs() + 5)  # worse in every region by 5 points
    jobs_j = (e["variant"] == "jobs") & (e["group"] == "J")
    monkeypatch.setattr(heerlen.national, "backtest", dataclasses.replace(
        bt, errors=pd.concat([e[~jobs_j], worse_j], ignore_index=True)))
    text = berekening._chance_text(heerlen, labels)
    assert (" Duidelijk beter is de hoofdsleutel alleen in financiële dienstverlening en in verhuur en handel van "
            "onroerend goed, duidelijk slechter in informatie en communicatie.") in text
    assert "in 5 van de 8 vergeleken sectoren niet van toeval te onderscheiden" in text


@pytest.mark.parametrize("jobs, text", [(2.5, "minder dan 10"), (0.0, "0"), (4.9, "minder dan 10"), (5.0, "10"),
                                        (1234.0, "1.230")])
def test_an_estimated_handful_of_jobs_is_not_shown_as_none(jobs, text):
    """Vaals's agriculture, 2,5 estimated jobs, showed as 0 while it received € 0,5 miljoen (a reader's finding)."""
    assert dataverzameling._estimated_jobs(jobs) == text


@pytest.mark.parametrize("code, shown_text", [
    ("GM0394", "**Extra onzeker in Haarlemmermeer:** de gemeente heeft 2,1 keer zoveel banen (178.800) als haar "
               "vestigingen bij het landelijke aantal banen per vestiging doen verwachten (84.300)."),
    ("GM0034", None),  # Almere: about as many jobs as its establishments suggest
])
def test_a_gemeente_with_far_more_jobs_than_its_establishments_suggest_is_told_its_split_is_uncertain(
        national, shown, code, shown_text):
    """Haarlemmermeer's surplus of jobs (Schiphol) was spread over every sector, finance 4 times the national jobs per
    establishment, without a word (a reader's finding)."""
    fit = national.result.key.fit
    jobs, expected = fit.against_seed(code)
    m = fit.matrix[fit.matrix["gemeente_code"] == code]
    assert jobs == pytest.approx(m["jobs"].sum()) and expected == pytest.approx(m["seed"].sum())
    berekening.structure(GemeenteView(national, code, load_params(code)))
    text = _text(shown)
    if shown_text is None:
        assert "Extra onzeker" not in text and jobs / expected < 1.5
    else:
        assert shown_text in text and "in welke richting is met deze gegevens niet te zeggen" in text


def test_the_series_behind_the_trend_chart_is_a_table_too(heerlen, shown):
    """The BLP per year was only a chart: not to be checked or downloaded (a reader's finding)."""
    frame = berekening.series_frame(heerlen).set_index("year")
    assert len(frame) == 28 and frame.index[0] == "1995" and frame.index[-1] == "2022"
    assert frame.loc["1995", "key_year"] == "2019 (vastgehouden)" and frame.loc["2021", "key_year"] == "2021"
    assert frame.loc["2018", "blp_meur"] == pytest.approx(4350.29, abs=0.01) and frame.loc["2018", "estimated"] == 0
    assert frame.loc["2022", "blp_meur"] == pytest.approx(4907.84, abs=0.01) and 0.5 < frame.loc["2022", "estimated"] < 1
    berekening.series_table(heerlen)
    text = _text(shown)
    assert "2018 4.350,3 0% 2019 (vastgehouden)" in text and "2019 4.485,0" in text and "2.018" not in text
    assert "Aandeel in het COROP-gebied volgt de banen van" in text
    notebook = Path(__file__).resolve().parents[1] / "notebooks" / "02_blp_berekening.ipynb"
    assert "page.series_table(view)" in notebook.read_text(encoding="utf-8")


@pytest.fixture
def eemsdelta(national):
    return GemeenteView(national, "GM1979", load_params("GM1979"))


def test_a_whole_corop_region_is_reported_as_published_without_an_allocation_band(eemsdelta, heerlen, shown):
    """Eemsdelta is the whole of Delfzijl en omgeving, yet its reports called its BLP an estimate with a band of
    € 1,5 to 4,1 miljard, and its value per job 'not measured for the gemeente' (a reader's finding)."""
    berekening.headline(eemsdelta)
    text = _text(shown)
    assert ("bedroeg in 2018 **€ 2,2 miljard**: de gepubliceerde toegevoegde waarde van het COROP-gebied Delfzijl en "
            "omgeving, dat uit alleen deze gemeente bestaat. Dat is **€ 48.019 per inwoner** (Nederland: € 40.287; de "
            "middelste gemeente: € 28.100)") in text
    assert "**Foutmarge van de verdeling: geen.** Eemsdelta is precies het COROP-gebied Delfzijl en omgeving" in text
    for wrong in ("naar schatting", "Foutmarge (geschat", "niet voor de gemeente zelf gemeten", "levert 100"):
        assert wrong not in text
    shown.clear()
    berekening.structure(eemsdelta)
    text = _text(shown)
    assert "Omdat Eemsdelta het hele COROP-gebied is, zijn haar banen per sector die van het gebied" in text
    assert "Let wel" not in text and "Specialisatie (LQ banen)" in text and "LQ banen, geschat" not in text
    shown.clear()
    berekening.sensitivity(eemsdelta)
    text = _text(shown)
    assert "Voor Eemsdelta maakt de verdeelsleutel niet uit" in text and "laagste uitkomst" not in text
    assert not [x for x in shown if isinstance(x, dict) and "image/svg+xml" in x]  # no chart of equal bars
    charts = lambda view: [key for key, _ in berekening.figures(view)]  # noqa: E731
    assert "berekening.sensitivity_figure" not in charts(eemsdelta)
    assert "berekening.sensitivity_figure" in charts(heerlen)
    assert berekening.location_title(eemsdelta) == "Eemsdelta is het hele COROP-gebied Delfzijl en omgeving"
    assert berekening.location_title(heerlen).endswith("Zuid-Limburg, met 15 andere gemeenten")
    shown.clear()
    berekening.uncertainty(eemsdelta)
    text = _text(shown)
    assert text.startswith("Voor Eemsdelta is deze vraag eenvoudig") and "Bij de omvang van Eemsdelta" not in text


def test_a_whole_region_s_other_reports_say_nothing_was_allocated(eemsdelta, shown):
    from blp.rapport import narrative, samenvatting
    from blp.rapport.paginas import methode

    blp_card = " ".join(samenvatting.blp_card(eemsdelta).lines)
    assert "Omdat de gemeente het hele COROP-gebied is, is dat ook haar eigen reële groei." in blp_card
    assert "dus trek de twee niet van elkaar af; rapport 2 legt uit waarom" in blp_card
    assert "volgt haar eigen banen pas vanaf" not in blp_card  # nothing is allocated, so no share is held
    assert "in het COROP-gebied en" not in blp_card  # not its growth beside its own (+4,8 % against +4,8 %)
    assert "in het COROP-gebied en" in " ".join(samenvatting.blp_card(GemeenteView(
        eemsdelta.national, "GM0917", load_params("GM0917"))).lines)
    dataverzameling.key_estimate(eemsdelta)
    assert _text(shown).startswith("**Voor elke gemeente wordt de verdeling van de banen over de sectoren geschat.** "
                                   "Voor Eemsdelta komt die schatting uit op de banen per sector van het COROP-gebied")
    shown.clear()
    # with a value-added year without full detail (va_year 2022: a breaker's finding) the sectors are not published
    h = dict(eemsdelta.headline, corop_sectors_estimated=True)
    assert ("de gepubliceerde toegevoegde waarde van dat gebied, in totaal; de verdeling over de sectoren is in dat jaar "
            "wel geschat") in narrative.whole_region_text(h)
    assert "ook per sector" in narrative.whole_region_text(eemsdelta.headline)
    card = " ".join(samenvatting.band_card(eemsdelta).lines)
    assert card.startswith("<strong>Geen foutmarge van de verdeling.</strong> Eemsdelta is precies het COROP-gebied")
    assert "foutmarge" not in narrative.band_covers(True) and "foutmarge" in narrative.band_covers(False)
    methode.band(eemsdelta)
    assert "er is niets verdeeld, dus de verdeling heeft geen foutmarge" in _text(shown)
    frame = dataverzameling.key_estimate_frame(eemsdelta).set_index("Herkomst")
    assert set(frame.index) <= {"gepubliceerd (CBS)", "als het COROP-gebied"}
    assert (frame["Banen gemeente"] - frame["Banen COROP"]).abs().max() < 100  # the region's, to its own total


def test_a_whole_region_s_trend_policy_and_margin_read_as_its_own(eemsdelta, heerlen, shown):
    """From a reader of Eemsdelta: its trend said the share was 'held' and its growth 'not measured for the gemeente',
    report 4 sent supply to 'the rest of the COROP region' (there is none), the back-test's worst region (its own,
    43 %) read as its margin, and informatie en communicatie said 'COROP-cel onderdrukt' where CBS publishes 0."""
    from blp.rapport.paginas import beleid

    berekening.trend(eemsdelta)
    text = _text(shown)
    assert "Omdat Eemsdelta het hele COROP-gebied is, is het BLP van elk jaar het gepubliceerde totaal" in text
    assert "omdat Eemsdelta het hele gebied is, is dat ook haar eigen reële groei" in text
    assert "vastgehouden" not in text and "niet gemeten voor de gemeente zelf" not in text and "†" not in text
    assert "COROP Delfzijl en omgeving (nominaal, per jaar)" not in text  # not its growth beside its own
    shown.clear()
    berekening.position(eemsdelta)
    text = _text(shown)
    assert "provincie Groningen" in text and "COROP Delfzijl en omgeving" not in text  # no 'first of one'
    shown.clear()
    berekening.structure(eemsdelta)
    assert "Aandeel COROP" not in _text(shown)
    shown.clear()
    berekening.structure(heerlen)
    assert "Aandeel COROP" in _text(shown)
    shown.clear()
    berekening.trend(heerlen)
    assert "vóór 2019 is het aandeel vastgehouden op dat van 2019" in _text(shown) and "†" in _text(shown)
    shown.clear()
    berekening.uncertainty(eemsdelta)
    assert ("In die toets is Delfzijl en omgeving zelf het gebied waar de verdeling het verst naast zat (43,1%)"
            in _text(shown))
    pol = beleid.policy_view(eemsdelta)
    end = pol.scenarios[0].path.iloc[-1]
    elsewhere = beleid._elsewhere(eemsdelta, pol, end)
    assert "elders in Nederland, bij toeleveranciers (Eemsdelta is het hele COROP-gebied" in elsewhere
    assert "rest van het COROP-gebied" not in elsewhere and "rest van het COROP-gebied" not in beleid._where_effects_land(
        eemsdelta, end)
    assert "Omdat de gemeente het hele COROP-gebied is, is dat ook haar eigen groei." in beleid.baseline_text(eemsdelta, pol)
    shown.clear()
    beleid.per_unit(eemsdelta, pol)
    text = _text(shown)
    assert "Nederland (geen banen in het COROP-gebied)" in text and "onderdrukt" not in text


def test_the_front_page_repeats_report_4s_warning_on_an_exceptional_value_per_job(eemsdelta, heerlen):
    """Eemsdelta's example scenario: most of its € 194 miljoen comes from 350 jobs in nijverheid at Groningen's gas
    productivity; report 4 warned, the front page did not (a reader's finding)."""
    from blp.rapport.samenvatting import policy_card

    lines = policy_card(eemsdelta).lines
    assert lines[1] == ("<strong>Let op:</strong> in nijverheid (geen bouw) en energie is de toegevoegde waarde per baan "
                        "in het COROP-gebied veel hoger dan landelijk, door een bijzondere activiteit met weinig banen; "
                        "een extra baan levert daar waarschijnlijk veel minder op dan hier staat (rapport 4).")
    assert not any("Let op" in line for line in policy_card(heerlen).lines)


def test_a_whole_region_s_key_and_appendix_say_the_key_changes_nothing(eemsdelta, heerlen, shown):
    """From a reader of Eemsdelta: 'Gebruikte gegevens' named the key 'sectorverdeling geschat' without a word that
    it makes no difference here, and the appendix headed the region's own jobs 'Banen gemeente (geschat)'."""
    from blp.rapport.paginas import methode

    berekening.headline(eemsdelta)
    assert ("sectorverdeling geschat, gewogen naar banendichtheid; bij bouw en cultuur/overige diensten gemiddeld met "
            "vestigingen (2018) (voor Eemsdelta, dat het hele COROP-gebied beslaat, maakt de sleutel niets uit), "
            "gemeentegrenzen van 2024") in _text(shown)
    shown.clear()
    berekening.headline(heerlen)
    assert "maakt de sleutel niets uit" not in _text(shown)
    assert list(methode.activity_frame(eemsdelta).columns)[1] == "Banen gemeente (= COROP-gebied)"
    assert list(methode.activity_frame(heerlen).columns)[1] == "Banen gemeente (geschat)"
    shown.clear()
    methode.activity(eemsdelta)
    assert ("Eemsdelta beslaat het hele COROP-gebied, dus wat de schatting ook doet, de gemeente krijgt precies de "
            "banen per sector van het gebied.") in _text(shown)
    shown.clear()
    dataverzameling.gemeente_inputs(eemsdelta)
    assert "Eemsdelta beslaat het hele COROP-gebied: elk aandeel is 100%, welke sleutel ook." in _text(shown)
    shown.clear()
    dataverzameling.gemeente_inputs(heerlen)
    assert "elk aandeel is 100%" not in _text(shown)
    notebook = Path(__file__).resolve().parents[1] / "notebooks" / "03_brede_welvaart.ipynb"
    assert "## Verwacht versus berekend BLP" in notebook.read_text(encoding="utf-8")


def test_the_reconciliation_counts_only_the_region_s_own_gemeenten_as_its_gemeenten(national, shown):
    """''s-Hertogenbosch: "Wat de 13 gemeenten van Noordoost-Noord-Brabant" while the region has 11; Oisterwijk and
    Tilburg only receive the parts of the former Haaren (a reader's finding)."""
    berekening.reconciliation(GemeenteView(national, "GM0796", load_params("GM0796")))
    assert _text(shown).startswith(
        "**Controle op de aansluiting.** Wat de 11 gemeenten van Noordoost-Noord-Brabant, en Oisterwijk en Tilburg voor "
        "de delen die in 2018 bij dit gebied hoorden, uit dit gebied krijgen, telt op tot € 26,5 miljard")
    shown.clear()
    berekening.reconciliation(GemeenteView(national, "GM0917", load_params("GM0917")))
    assert _text(shown).startswith("**Controle op de aansluiting.** Wat de 16 gemeenten van Zuid-Limburg uit dit "
                                   "gebied krijgen")


@pytest.mark.parametrize("a, b, shown", [
    (2354.2, 2449.3, ("€\u00a02,35 miljard", "€\u00a02,45 miljard")),   # 'tussen € 2,4 miljard en € 2,4 miljard'
    (4166.0, 4241.0, ("€\u00a04,17 miljard", "€\u00a04,24 miljard")),   # '€ 4,2 miljard met de ingreep, € 4,2 zonder'
    (800.0, 1300.0, ("€\u00a0800 miljoen", "€\u00a01,3 miljard")),       # apart already: as meur gives them
    (6200.0, 9400.0, ("€\u00a06,2 miljard", "€\u00a09,4 miljard")),       # far apart: one decimal
    (2100.0, 2240.0, ("€\u00a02,10 miljard", "€\u00a02,24 miljard")),     # '€ 2,1 tot 2,2' read as 5 % for 6,7 %
    (540.2, 540.4, ("€\u00a0540,2 miljoen", "€\u00a0540,4 miljoen")),
    (2400.0, 2400.0, ("€\u00a02,4 miljard", "€\u00a02,4 miljard")),     # equal: nothing to tell apart
])
def test_two_amounts_that_differ_never_read_alike(a, b, shown):
    from blp.rapport.fmt import meur_pair

    assert meur_pair(a, b) == shown


def test_the_sensitivity_chart_s_title_gives_the_text_s_range_and_the_other_measures_apart(national):
    """'s-Hertogenbosch's chart said '€ 6,2 tot 9,4 miljard', the text below it '€ 8,4 tot 9,4 miljard': the title
    took the keys the text leaves out as worse (a reader's finding); Súdwest-Fryslân's text read 'tussen € 2,4 miljard
    en € 2,4 miljard'."""
    from blp.rapport import narrative

    bosch = GemeenteView(national, "GM0796", load_params("GM0796"))
    assert berekening.sensitivity_title(bosch) == (
        "Met varianten van de hoofdsleutel ligt het BLP van 's-Hertogenbosch tussen €\u00a08,39 miljard en €\u00a09,35 "
        "miljard; naar inwoners of vestigingen, die slechter scoren, €\u00a06,20 miljard tot €\u00a06,51 miljard")
    sudwest = GemeenteView(national, "GM1900", load_params("GM1900"))
    assert "tussen €\u00a02,35 miljard en €\u00a02,45 miljard" in berekening.sensitivity_title(sudwest)
    assert "tussen **€\u00a02,35 miljard** en **€\u00a02,45 miljard**" in narrative.sensitivity_text(
        sudwest.sensitivity, sudwest.name)


def test_a_peer_group_of_smaller_gemeenten_says_so(national):
    """Almere (211.893 inhabitants) was compared with gemeenten of 65.753 to 162.912 'qua inwonertal' without a word
    (a reader's finding); Heerlen, inside its peers' range, gets no such note."""
    almere = GemeenteView(national, "GM0034", load_params("GM0034")).peers[1]
    assert almere.endswith("(uit heel Nederland, niet naar ligging gekozen); deze gemeente is groter dan elk van hen "
                           "(zij hebben 65.753 tot 162.912 inwoners): stedelijkheid en banen per inwoner wegen even "
                           "zwaar als het inwonertal")
    assert GemeenteView(national, "GM0917", load_params("GM0917")).peers[1].endswith("niet naar ligging gekozen)")


def test_an_exceptional_sector_of_the_region_is_named_in_report_2_and_on_the_front_page(national, shown):
    """Groningen: a quarter of its BLP is nijverheid en energie at 2,2 times NL's value per job (gas), allocated by its
    jobs; report 4 said so, report 2 and the front page did not (a reader's finding)."""
    from blp.rapport.samenvatting import blp_card

    groningen = GemeenteView(national, "GM0014", load_params("GM0014"))
    berekening.structure(groningen)
    assert ("**Let op, een uitzonderlijke sector:** in Overig Groningen is de toegevoegde waarde per baan in deze "
            "sector veel hoger dan landelijk (nijverheid (geen bouw) en energie: 2,2 keer het landelijke cijfer "
            "(€ 272.468 tegen € 122.012 per baan), bij Groningen € 3,2 miljard van het BLP).") in _text(shown)
    assert "ook als de activiteit zelf elders in het gebied zit: 24,5% van het BLP van Groningen." in _text(shown)
    card = " ".join(blp_card(groningen).lines)
    assert ("<strong>Let op:</strong> 24,5% daarvan is nijverheid (geen bouw) en energie, waarin de toegevoegde waarde "
            "per baan in het COROP-gebied 2,2 keer het landelijke cijfer is") in card
    shown.clear()
    heerlen = GemeenteView(national, "GM0917", load_params("GM0917"))
    berekening.structure(heerlen)
    assert "uitzonderlijke sector" not in _text(shown) and "Let op:</strong> " not in " ".join(blp_card(heerlen).lines)
    assert berekening.exceptional_sectors(GemeenteView(national, "GM1979", load_params("GM1979"))) == []


def test_a_blp_per_inhabitant_near_nl_s_by_two_differences_that_cancel_says_so(national):
    """Heerenveen: € 44.231 per inhabitant, within 10 % of NL's, by many jobs per inhabitant (683 against 491) at a low
    value per job (€ 64.730 against € 82.079); nothing was said, while Súdwest-Fryslân got its sentence (a reader's
    finding). Heerlen's sentence stays."""
    from blp.rapport.narrative import parts_conclusion

    heerenveen = GemeenteView(national, "GM0074", load_params("GM0074")).headline
    assert parts_conclusion(heerenveen).startswith(
        "Dat het BLP per inwoner dicht bij het landelijke ligt, komt doordat twee verschillen elkaar opheffen: naar "
        "verhouding veel banen per inwoner, maar een lagere toegevoegde waarde per baan (€\u00a064.730 tegen "
        "€\u00a082.079). De toegevoegde waarde per baan is daarbij niet voor de gemeente zelf gemeten")
    assert parts_conclusion(GemeenteView(national, "GM0917", load_params("GM0917")).headline).startswith(
        "Dat het BLP per inwoner hoger is dan in Nederland, komt vooral door het aantal banen per inwoner")
