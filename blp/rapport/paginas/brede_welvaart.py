"""Sections of notebook 03: the BLP next to the brede-welvaart indicators the gemeente chooses."""

from __future__ import annotations

import pandas as pd

from blp.dutch import in_sentence
from blp.rapport import welvaart_charts as charts
from blp.rapport.charts import titled
from blp.rapport.context import GemeenteView
from blp.rapport.display import md, show_chart, table
from blp.rapport.figures import planned
from blp.rapport.fmt import eur, num, pct, with_unit
from blp.welvaart.expected import expected_vs_measured
from blp.welvaart.registry import DIMENSION_NL, THEME_NL, THEMES, load_registry
from blp.welvaart.scoring import (BOTTOM, MARGIN_POINTS, MARGIN_RELATIVE, MIDDLE, MIN_EVENTS, MIN_SURVEY_POPULATION,
                                  MISSING, TOP, position_table)

DIRECTION_NL = {"higher": "hoger is beter", "lower": "lager is beter", "neutral": "geen oordeel"}


def positions(view: GemeenteView) -> pd.DataFrame:
    peers, _ = view.peers
    return position_table(view.national.indicators, view.gemeente, peers, view.params.brede_welvaart.focus)


def title(view: GemeenteView) -> None:
    md(f"# Brede welvaart: {view.name} ({view.gemeente})")


def summary(view: GemeenteView, pos: pd.DataFrame) -> None:
    scored = pos[pos["band"].isin([TOP, BOTTOM, MIDDLE])]
    careful = scored[scored["caution"] != ""]
    scored = scored[scored["caution"] == ""]
    top = scored[scored["band"] == TOP]["label_nl"].tolist()
    bottom = scored[scored["band"] == BOTTOM]["label_nl"].tolist()
    missing = int((pos["band"] == MISSING).sum())
    _, peer_desc = view.peers
    text = (f"Van de {len(pos)} indicatoren in het overzicht zijn er {len(pos) - missing} voor {view.name} beschikbaar. "
            f"Bij {len(top) or 'geen enkele'} daarvan hoort {view.name} bij de **beste 25%** van alle gemeenten"
            + (f" ({', '.join(in_sentence(x) for x in top)})" if top else "")
            + f", bij {len(bottom) or 'geen enkele'} bij de **slechtste 25%**"
            + (f" ({', '.join(in_sentence(x) for x in bottom)})" if bottom else "") + ". ")
    if len(careful):
        text += (f"{len(careful)} indicator{'en rusten' if len(careful) > 1 else ' rust'} op te weinig waarnemingen "
                 f"om op te oordelen ({', '.join(in_sentence(x) for x in careful['label_nl'])}) en "
                 f"{'tellen' if len(careful) > 1 else 'telt'} hier niet mee. ")
    text += f"De vergelijkingsgroep bestaat uit {peer_desc}. "
    if missing:
        absent, unpublished = _missing_kinds(pos)
        parts = ([f"{absent} {'zit' if absent == 1 else 'zitten'} niet in de gegevens"] if absent else []) + (
            [f"van {unpublished} publiceert de bron geen cijfer voor {view.name}"] if unpublished else [])
        if absent == missing:  # 'Van 11 indicatoren is er geen cijfer: 11 zitten niet in de gegevens' (a reader)
            lead = (f"{missing} indicator{'en zitten' if missing > 1 else ' zit'} niet in de gebruikte gegevens")
        elif unpublished == missing:
            lead = f"Van {missing} indicator{'en' if missing > 1 else ''} publiceert de bron geen cijfer voor {view.name}"
        else:
            lead = f"Van {missing} indicatoren is er geen cijfer: " + " en ".join(parts)
        text += lead + ". Ze staan onderaan, met hun bron, en worden nergens ingevuld of geschat."
    md(text)
    md("*Zo lees je de tabellen:* de *positie* vergelijkt de gemeente met alle gemeenten, waarbij elke gemeente één "
       "keer telt; het cijfer voor *Nederland* telt elke inwoner (of is de middelste gemeente, als er ‘mediaan’ "
       "staat). Een gemeente kan daardoor onder het landelijke cijfer zitten en toch bij de slechtste 25% van de "
       "gemeenten horen, als vooral grote steden het landelijke cijfer bepalen. Een indicator heet alleen "
       "‘verbeterd’ of ‘verslechterd’ als de verandering groter is dan toeval; anders staat er ‘geen duidelijke "
       "verandering’. ‘Let op’ staat bij cijfers die op te weinig waarnemingen rusten (zie de verantwoording "
       "onderaan). Het *percentiel* is de plaats van de waarde zelf onder alle gemeenten (0 = de laagste waarde); "
       "de grafiek draait dat om waar lager beter is (0 = slechtst), dus waar de tabel 98 zegt, kan de grafiek 2 "
       "tonen.")


PERCENTILE = "Percentiel van de waarde (0 = laagste)"
CAUTION_BAND = "geen oordeel (te weinig waarnemingen)"


def focus_is_default(view: GemeenteView) -> bool:
    """True when the focus indicators are the kit's default choice (params/default.yaml), not the gemeente's own
    (known from the params files where the view was loaded from them, else: equal to the default list)."""
    if view.focus_chosen is not None:
        return not view.focus_chosen
    from blp.params import load_params

    return list(view.params.brede_welvaart.focus) == list(load_params().brede_welvaart.focus)


def focus(view: GemeenteView, pos: pd.DataFrame) -> None:
    df = pos[pos["focus"]].copy()
    if df.empty:
        md(f"Voor {view.name} zijn geen focusindicatoren gekozen; de tabellen hieronder tonen alle indicatoren.")
        return
    if focus_is_default(view):
        md(f"{view.name} heeft nog geen eigen focusindicatoren gekozen: hieronder staat een **standaardkeuze**, voor "
           "elke gemeente dezelfde. Geeft de gemeente haar eigen keuze door, dan staan die indicatoren hier.")
    _position_rows(df)


def _position_rows(df: pd.DataFrame) -> None:
    df = df.assign(
        Indicator=df["label_nl"], Thema=df["theme"].map(THEME_NL),
        Jaar=["" if pd.isna(y) else f"{int(y)}*" if p else str(int(y)) for y, p in zip(df["year"], df["provisional"])],
        Gemeente=[with_unit(v, u) for v, u in zip(df["value"], df["unit"])],
        Nederland=[with_unit(v, u) + (" (mediaan)" if k == "mediaan gemeenten" else "") if not pd.isna(v) else MISSING
                   for v, u, k in zip(df["nl_value"], df["unit"], df["nl_kind"])],
        Vergelijkingsgroep=[with_unit(v, u) for v, u in zip(df["peer_median"], df["unit"])],
        **{PERCENTILE: df["percentile"].map(lambda p: "" if pd.isna(p) else num(p, 0))},
        # a figure with 'Let op' gets no judgement, as the summary and the dashboard's title count it
        Positie=[CAUTION_BAND if c and b in (TOP, BOTTOM, MIDDLE) else b for b, c in zip(df["band"], df["caution"])],
        Richting=df["direction"].map(DIRECTION_NL),
        Trend=[("één meting" if t == "één jaar" else t) if pd.isna(f) else
               f"{t} (sinds {int(f)}: {with_unit(v - c, u)})"
               for t, f, v, c, u in zip(df["trend"], df["trend_from"], df["value"], df["trend_change"], df["unit"])],
    )
    columns = ["Indicator", "Thema", "Jaar", "Gemeente", "Nederland", "Vergelijkingsgroep", PERCENTILE, "Positie",
               "Richting", "Trend"]
    names = {c: c for c in columns}
    if (df["caution"] != "").any():
        names["caution"] = "Let op"
    table(df, names)
    if df["provisional"].any():
        md("\\* Voorlopig cijfer: de bron kan het nog herzien.")


def dashboard_title(view: GemeenteView, pos: pd.DataFrame) -> str:
    judged = pos[pos["caution"] == ""]
    top, bottom = int((judged["band"] == TOP).sum()), int((judged["band"] == BOTTOM).sum())
    cautioned = bool(((pos["caution"] != "") & pos["band"].isin([TOP, BOTTOM])).any())
    return (f"{view.name}: {top} indicator{'en' if top != 1 else ''} bij de beste 25% van de gemeenten, "
            f"{bottom} bij de slechtste 25%" + (" (cijfers met ‘Let op’ niet meegeteld)" if cautioned else ""))


def dashboard_figure(view: GemeenteView, pos: pd.DataFrame):
    return titled(charts.dashboard(pos, pos.set_index("id")["peer_score"], view.name),
                         dashboard_title(view, pos))


def dashboard(view: GemeenteView, pos: pd.DataFrame) -> None:
    show_chart(view, dashboard_figure, pos, alt=f"Stippendiagram per thema: de positie van {view.name} onder alle "
               f"gemeenten voor elke indicator, rechts is beter. {dashboard_title(view, pos)}.")
    md("*Zo lees je de grafiek:* elke rode stip is de positie van de gemeente onder alle gemeenten, zo gedraaid dat "
       "rechts altijd *beter* is (voor ‘lager is beter’-indicatoren zoals criminaliteit is de schaal omgekeerd); de "
       "lichtblauwe stip is de mediaan van de vergelijkingsgroep, de stippellijn het midden van alle gemeenten. "
       "Het groene vlak is de beste 25%, het rode de slechtste 25%. Open grijze rondjes zijn indicatoren zonder "
       "oordeel (bijvoorbeeld het aandeel koopwoningen): daar staat de gewone rangorde. Een open rood rondje is een "
       "cijfer met ‘Let op’ (te weinig waarnemingen): het staat op zijn plaats, maar telt in het oordeel niet mee. "
       "★ = focusindicator.")


DIMENSION_TEXT = {
    "hier_en_nu": "Hoe het de inwoners nu gaat, in acht thema's.",
    "later": "De voorraden waar de welvaart van later op rust: economisch, menselijk, sociaal en natuurlijk kapitaal.",
    "elders": "Wat de gemeente betekent voor mensen buiten haar grenzen. De CBS-monitor meet dit alleen voor heel "
              "Nederland; per gemeente laten de gegevens alleen de pendel zien.",
}


def all_indicators(view: GemeenteView, pos: pd.DataFrame) -> None:
    for dim in ("hier_en_nu", "later", "elders"):
        part = pos[pos["dimension"] == dim]
        rows = part[part["band"] != MISSING]
        md(f"### {DIMENSION_NL[dim]}\n\n{DIMENSION_TEXT[dim]}")
        if len(rows):
            _position_rows(rows)
        per_theme = []
        for theme in THEMES[dim]:
            t = part[part["theme"] == theme]
            have, lack = int((t["band"] != MISSING).sum()), t.loc[t["band"] == MISSING, "label_nl"].tolist()
            if lack:
                per_theme.append(f"{THEME_NL[theme]}: {have} met cijfers, ontbreekt: "
                                 + ", ".join(in_sentence(x) for x in lack))
            elif not have:
                per_theme.append(f"{THEME_NL[theme]}: geen indicator in de gegevens")
        if per_theme:
            md("*Wat ontbreekt per thema* (bronnen onderaan): " + "; ".join(per_theme) + ".")


def _focus_ids(view: GemeenteView, pos: pd.DataFrame) -> list[str]:
    """The focus indicators with data, to set against the BLP."""
    band = pos.set_index("id")["band"]
    return [i for i in view.params.brede_welvaart.focus if i != "blp_per_inhabitant" and band.loc[i] != MISSING]


def _with_unit(label: str, unit: str) -> str:
    """An axis label with its unit: 'Mediaan gestandaardiseerd huishoudinkomen (euro)'."""
    return label if unit in ("", "aantal") or unit in label else f"{label} ({unit})"


def scatters_title(view: GemeenteView) -> str:
    return f"BLP per inwoner naast de focusindicatoren van {view.name}, alle gemeenten"


def scatters_figure(view: GemeenteView, pos: pd.DataFrame):
    registry = load_registry()
    ids = _focus_ids(view, pos)
    series = {i: view.national.indicators.latest[i] for i in ids}
    blp = view.result.national.set_index("gemeente_code")["blp_per_inhabitant_eur"]
    fig = charts.focus_scatters(series, {i: _with_unit(registry[i].label_nl, registry[i].unit) for i in ids}, blp, view.gemeente, view.peers[0],
                                view.name)
    return titled(fig, scatters_title(view))


def scatters(view: GemeenteView, pos: pd.DataFrame) -> None:
    focus_ids = _focus_ids(view, pos)
    if not focus_ids:
        md("Er zijn geen focusindicatoren met gegevens om tegen het BLP af te zetten.")
        return
    show_chart(view, scatters_figure, pos, alt=f"Spreidingsdiagrammen: voor alle gemeenten het BLP per inwoner tegen "
               f"elke focusindicator, met {view.name} en de vergelijkingsgroep gemarkeerd. {scatters_title(view)}.")
    registry = load_registry()
    blp = view.result.national.set_index("gemeente_code")["blp_per_inhabitant_eur"]
    latest = view.national.indicators.latest
    corr = {registry[i].label_nl: pd.concat([latest[i], blp], axis=1).dropna().corr(method="spearman").iloc[0, 1]
            for i in focus_ids}
    md("Samenhang over alle gemeenten met het BLP per inwoner (in rangorde: 1 = hoe hoger het een, hoe hoger het "
       "ander; −1 = omgekeerd; 0 = geen samenhang): "
       + "; ".join(f"{in_sentence(k)}: {num(v, 2)}" for k, v in corr.items())
       + ". Een samenhang zegt niet dat het een het ander veroorzaakt.")


def expected_title(view: GemeenteView) -> str:
    r = expected_vs_measured(view.national.expected, view.gemeente)
    word = "hoger" if r["ratio"] > 1 else "lager"
    spread = " (binnen de gewone spreiding)" if r["within_interval"] else ""
    return (f"{view.name}: BLP per inwoner {pct(abs(r['ratio'] - 1), 0)} {word} dan bij gemeenten met dezelfde "
            f"kenmerken{spread}")


def expected_figure(view: GemeenteView):
    fig = charts.expected_chart(view.national.expected, view.gemeente, view.peers[0], view.name)
    return titled(fig, expected_title(view))


def _fit_words(r2: float) -> str:
    """R² in one plain sentence."""
    if r2 >= 0.7:
        return "gemeenten met dezelfde kenmerken hebben meestal een vergelijkbaar BLP per inwoner."
    if r2 >= 0.4:
        return ("een flink deel, maar gemeenten met dezelfde kenmerken kunnen nog ver uiteenlopen; lees de verwachting "
                "als ruwe maat.")
    return "een klein deel; de verwachting zegt weinig over één gemeente."


def expected(view: GemeenteView) -> None:
    model = view.national.expected
    r = expected_vs_measured(model, view.gemeente)
    show_chart(view, expected_figure, alt=f"Spreidingsdiagram: voor alle gemeenten het BLP per inwoner volgens deze "
               f"berekening tegen het verwachte BLP per inwoner. {expected_title(view)}.")
    word = "hoger" if r["ratio"] > 1 else "lager"
    inside = ("Dat verschil valt binnen de spreiding die het model ook bij vergelijkbare gemeenten laat zien."
              if r["within_interval"] else
              "Dat verschil is groter dan het model bij vergelijkbare gemeenten gewoonlijk ziet.")
    md(f"Gemeenten met het inwonertal, de dichtheid, de stedelijkheid en de sectormix van {view.name} hebben volgens "
       f"het model een BLP per inwoner van ongeveer **{eur(round(r['expected'], -2))}** ({int((1 - r['alpha']) * 100)}%-"
       f"voorspellingsinterval {eur(round(r['expected_low'], -2))} tot {eur(round(r['expected_high'], -2))}). "
       + ("Het **BLP** van rapport 2 (hier de gepubliceerde toegevoegde waarde van het COROP-gebied, dat de gemeente "
          "helemaal beslaat) is " if view.whole_region else
          "De **BLP-schatting** van rapport 2 (zelf een verdeling van regionale cijfers, geen meting) is ")
       + f"**{eur(r['measured'])}**: "
       f"{pct(abs(r['ratio'] - 1))} {word} dan verwacht (verhouding schatting/verwacht {num(r['ratio'], 2)}). {inside}\n\n"
       f"*Hoe goed past het model?* Het verklaart {pct(r['r2'], 0)} van de verschillen in BLP per inwoner tussen de "
       f"{r['n']} gemeenten (R²): {_fit_words(r['r2'])} Een deel van die samenhang komt door de methode zelf: "
       + ("gemeenten in één COROP-gebied krijgen per baan in een sector dezelfde opbrengst, alleen gewogen naar hun "
          "banendichtheid, dus het model ‘ziet’ ook in welke regio een gemeente ligt en welke sectoren er zitten, en "
          "via de dichtheid een deel van die weging. " if view.result.key.density is not None else
          "gemeenten in één COROP-gebied krijgen dezelfde opbrengst per baan per sector, dus het model ‘ziet’ ook in "
          "welke regio een gemeente ligt en welke sectoren er zitten. ")
       + "Wie de *verhoudingswaarde* van eerdere BGP-studies kent: die is 100 × verwacht / schatting, het omgekeerde "
       f"van de verhouding hierboven, en komt hier uit op {num(r['verhoudingswaarde'], 0)}; "
       f"{'onder' if r['verhoudingswaarde'] < 100 else 'boven'} 100, dus ook volgens die maat {word} dan verwacht.\n\n"
       "**Let op:** dit is een beschrijving, geen verklaring. Het model zegt hoe de gemeente afwijkt van gemeenten die "
       "erop lijken, niet waardoor.")


def expected_details(view: GemeenteView) -> None:
    """Verantwoording: the regression behind 'verwacht versus berekend'."""
    model = view.national.expected
    md("**Verwacht BLP per inwoner.** Kleinste-kwadratenregressie van het BLP per inwoner (log) over alle "
       f"{model.n} gemeenten op inwonertal, bevolkingsdichtheid, stedelijkheidsklasse en de sectormix van de "
       "verdeelsleutel (zonder vastgoed, waarvan de sleutel woningwaarde is)"
       + (f"; het effect van een sectoraandeel is dat ten opzichte van de grootste sector, "
          f"{in_sentence(model.reference_sector)}, die daarom zelf niet in de tabel staat" if model.reference_sector else "")
       + ". De onzekerheid van de coëfficiënten "
       "houdt er rekening mee dat gemeenten in één COROP-gebied samen afwijken (standaardfouten geclusterd per "
       f"COROP-gebied, {model.clusters} groepen). De laatste kolom is de kans op een effect van minstens "
       f"deze omvang als het kenmerk er in werkelijkheid niet toe doet: boven 0,05 kan het effect ook toeval zijn. "
       f"R² (het deel van de verschillen dat het model verklaart) {num(model.r2, 2)}, gecorrigeerd voor het aantal "
       f"kenmerken {num(model.r2_adj, 2)}. *Lees een effect zo:* is het kenmerk één eenheid hoger, dan is het "
       "verwachte BLP per inwoner ongeveer e^effect keer zo hoog; bij een klein effect is effect × 100 ongeveer het "
       "verschil in procenten (0,05: ongeveer 5% hoger). Een sectoraandeel (van de verdeelsleutel) loopt van 0 tot 1: "
       "één eenheid is de hele sleutel in die sector in plaats van in de referentiesector, één procentpunt dus een "
       "honderdste van het effect.")
    table(model.coefficients, {"label_nl": "Kenmerk", "coefficient": "Effect (log)",
                               "std_error": "Onzekerheid (geclusterd per COROP)", "p_value": "Kans bij toeval"},
          {"coefficient": 2, "std_error": 2, "p_value": lambda p: "< 0,01" if p < 0.005 else num(p, 2)})


def trend_details(view: GemeenteView) -> None:
    """Verantwoording: when a change counts as one, and when a figure rests on too little."""
    md("**Verandering en kleine aantallen.** Een indicator heet alleen ‘verbeterd’ of ‘verslechterd’ als de "
       "verandering groter is dan toeval: voor tellingen van gebeurtenissen (zoals misdrijven) met een Poisson-toets "
       "op de verhouding van de tellingen (95%), voor percentages bij meer dan "
       f"{num(MARGIN_POINTS, 0)} procentpunt, voor andere cijfers bij meer dan {pct(MARGIN_RELATIVE, 0)}. Een "
       f"kanttekening (*Let op*) krijgen cijfers met minder dan {MIN_EVENTS} gebeurtenissen in een jaar en cijfers "
       f"uit een steekproef in een gemeente met minder dan {num(MIN_SURVEY_POPULATION)} inwoners; zij tellen niet "
       "mee in de samenvatting bovenaan.")


def _missing_kinds(pos: pd.DataFrame) -> tuple[int, int]:
    """How many indicators without a figure are not in the data at all, and how many the source has for other
    gemeenten but not for this one."""
    gone = pos[pos["band"] == MISSING]
    return int((gone["n"] == 0).sum()), int((gone["n"] > 0).sum())


def missing(view: GemeenteView, pos: pd.DataFrame) -> None:
    """The indicators without a figure for the gemeente: those the source does not publish for it (it has them for
    other gemeenten), and those the data do not hold at all."""
    df = pos[pos["band"] == MISSING].assign(Thema=lambda d: d["theme"].map(THEME_NL),
                                            Dimensie=lambda d: d["dimension"].map(DIMENSION_NL))
    unpublished, absent = df[df["n"] > 0], df[df["n"] == 0]
    if len(unpublished):
        md(f"**Niet gepubliceerd voor {view.name}.** Deze indicatoren zitten wel in de gegevens, voor andere "
           f"gemeenten (het aantal staat erbij), maar de bron geeft geen cijfer voor {view.name}. Bij een steekproef, "
           "zoals de Gezondheidsmonitor, laat de bron kleine gemeenten vaak weg omdat te weinig mensen zijn "
           "ondervraagd.")
        table(unpublished.assign(Waarde=f"niet gepubliceerd voor {view.name}"),
              {"label_nl": "Indicator zonder cijfer voor de gemeente", "Dimensie": "Dimensie", "Thema": "Thema",
               "n": "Gemeenten met een cijfer", "Waarde": "Waarde", "source": "Bron"}, {"n": 0})
    if len(absent):
        md("**Niet in de gegevens.** Deze indicatoren horen bij brede welvaart, maar zitten niet in de gebruikte "
           "gegevens; de laatste kolom zegt waar ze te halen zijn.")
        table(absent.assign(Waarde=MISSING), {"label_nl": "Indicator niet in de gegevens", "Dimensie": "Dimensie",
                                              "Thema": "Thema", "Waarde": "Waarde", "source": "Waar te halen"})


def figures(view: GemeenteView):
    """The charts of this report the runner can draw ahead, in the order the report shows them."""
    pos = positions(view)
    yield planned(view, dashboard_figure, pos)
    if _focus_ids(view, pos):
        yield planned(view, scatters_figure, pos)
    yield planned(view, expected_figure)
