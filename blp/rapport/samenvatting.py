"""The run's front page, "in één oogopslag": the BLP (level, per inhabitant, growth), its error band, its place
among similar gemeenten, the strongest and weakest brede-welvaart indicators and the main scenario result,
each with a link to the report that explains it. Everything from params or data is escaped here."""

from __future__ import annotations

import html
from dataclasses import dataclass

import pandas as pd

from blp.berekening.value_added import full_detail_years
from blp.dutch import in_sentence, listing
from blp.rapport.chrome import PageChrome
from blp.rapport.context import GemeenteView
from blp.rapport.fmt import eur, meur, num, pct
from blp.rapport.narrative import band_covers, indirect_jobs, large_density_effect, parts_conclusion, split_years
from blp.rapport.pages import render_page
from blp.welvaart.scoring import BOTTOM, MIDDLE, MISSING, NO_JUDGEMENT, TOP

esc = html.escape


@dataclass
class Card:
    """One block of the front page: a heading, sentences (HTML whose data parts are escaped here) and the report
    that explains it."""

    heading: str
    lines: list[str]
    link: tuple[str, str]   # (label, href)


def _growth(view: GemeenteView) -> str | None:
    s = view.national.series
    if s is None:
        return None
    from blp.rapport.paginas.berekening import growth_frame

    frame = growth_frame(view)
    if frame.empty:
        return None
    row = frame.iloc[-1]  # the longest period ending in the newest year
    for r in frame.itertuples():
        if r.period.startswith(str(view.choices.va_year)):
            row = frame.loc[r.Index]
    # the older vintage's own nominal growth, so nobody takes inflation as revised nominal minus older real growth;
    # said as what it is (beside NL's +5,8 %, Almere's older '+5,8 %' in the same sentence read as one figure)
    old = (f"; die cijfers geven het gebied een nominale groei van {esc(pct(row['corop_old'], signed=True))} per jaar, niet "
           f"{esc(pct(row['corop'], signed=True))}, dus trek de twee niet van elkaar af; rapport 2 legt uit waarom"
           if pd.notna(row["corop_old"]) else "")
    start = int(str(row["period"])[:4])
    own = s.of(view.gemeente)
    key_year = int(own.loc[start, "key_year"]) if start in own.index else start
    held = (f" Het aandeel van de gemeente in het gebied volgt haar eigen banen pas vanaf {key_year}; de groei tot "
            f"{key_year} is die van het gebied." if key_year > start and not view.whole_region else "")
    grew = (f"groeide het COROP-gebied {esc(pct(row['corop_real'], signed=True))}" if row["corop_real"] >= 0 else
            f"kromp het COROP-gebied {esc(pct(-row['corop_real']))}") if pd.notna(row["corop_real"]) else ""
    real = (f" Na aftrek van prijsstijgingen {grew} per "
            f"jaar (oudere CBS-cijfers, van vóór de revisie van 2024{old}). "
            + ("Omdat de gemeente het hele COROP-gebied is, is dat ook haar eigen reële groei." if view.whole_region else
               "Voor de gemeente zelf is de reële groei niet te meten.") if pd.notna(row["corop_real"]) else "")
    return (f"Groei {esc(row['period'])}: {esc(pct(row['gemeente'], signed=True))} per jaar (nominaal, met "
            "prijsstijgingen), tegen "
            + ("" if view.whole_region else f"{esc(pct(row['corop'], signed=True))} in het COROP-gebied en ")
            + f"{esc(pct(row['nl'], signed=True))} in Nederland." + held + real
            + (f" Met zo weinig banen kan de groei van de gemeente zelf ({esc(pct(row['gemeente'], signed=True))}) "
               "voor een groot deel afronding van de banen door het CBS zijn (rapport 2)." if view.few_jobs else ""))


def blp_card(view: GemeenteView) -> Card:
    h = view.headline
    lines = []
    s = view.national.series
    if s is not None:
        own = s.of(view.gemeente)
        last = int(own.index.max())
        if last > h["choice_va_year"]:
            lines.append(f"<strong>{esc(meur(float(own.loc[last, 'blp_meur'])))}</strong> in {last} (sectoren deels "
                         "geschat" + ("; met zo weinig banen kan de afronding van de banen door het CBS dit getal van "
                                      "jaar tot jaar sterk verschuiven" if view.few_jobs else "") + ").")
    pop_year = view.choices.population_year
    per = "" if pop_year == h["choice_va_year"] else f" (inwoners van {pop_year})"  # the data may lack that year's
    full = full_detail_years(view.data)
    which = ("het laatste jaar met alle sectoren" if h["choice_va_year"] == max(full, default=None) else
             "een jaar met alle sectoren" if h["choice_va_year"] in full else "de sectoren deels geschat")
    lines.append(f"{esc(meur(h['blp_meur']))} in {h['choice_va_year']}, {which}: "
                 f"<strong>{esc(eur(h['blp_per_inhabitant_eur']))} per inwoner</strong>{per}, tegen "
                 f"{esc(eur(h['nl_per_inhabitant_eur']))} in Nederland als geheel en "
                 f"{esc(eur(round(h['median_per_inhabitant_eur'], -2)))} bij de middelste gemeente.")
    from blp.rapport.paginas.berekening import exceptional_sectors

    exceptional = exceptional_sectors(view)
    if exceptional:  # Groningen: a quarter of its BLP at 2,2 times NL's value per job, said only in report 4 (a reader)
        share = sum(r["blp_meur"] for r in exceptional) / h["blp_meur"]
        sectors = listing([in_sentence(r["label"]) for r in exceptional])
        lines.append(f"<strong>Let op:</strong> {esc(pct(share))} daarvan is {esc(sectors)}, waarin de toegevoegde "
                     f"waarde per baan in het COROP-gebied {esc(num(max(r['ratio'] for r in exceptional), 1))} keer het "
                     "landelijke cijfer is (een bijzondere activiteit zoals gaswinning); die is naar de banen over de "
                     "gemeenten verdeeld, ook als ze elders in het gebied zit (rapport 2).")
    effect = large_density_effect(view.density_effect)
    if effect is not None:
        lines.append(f"Dat is met de weging naar banendichtheid; zonder die weging was het BLP van {h['choice_va_year']} "
                     f"{esc(meur(effect['unweighted_meur']))}; zie ‘Hoe zeker is dit getal?’.")
    if h["key_measure"] == "jobs":
        conclusion = parts_conclusion(h)
        lines.append(f"Per baan {esc(eur(h['blp_per_key_unit_eur']))} (Nederland {esc(eur(h['nl_per_key_unit_eur']))}), "
                     f"met {esc(num(h['key_per_1000_inhabitants']))} banen van werknemers per 1.000 inwoners "
                     f"({esc(split_years(h))}; Nederland {esc(num(h['nl_key_per_1000_inhabitants']))})."
                     + (f" {esc(conclusion)}" if conclusion else ""))
    growth = _growth(view)
    if growth:
        lines.append(growth)
    return Card("Het BLP", lines, ("Rapport 2: BLP-berekening", "02_blp_berekening.html"))


def band_card(view: GemeenteView) -> Card:
    band = view.error_band
    if view.whole_region:
        lines = [f"<strong>Geen foutmarge van de verdeling.</strong> {esc(view.name)} is precies het COROP-gebied "
                 f"{esc(view.headline['corop_name'])}: het BLP is de gepubliceerde toegevoegde waarde van dat gebied, "
                 "er is niets verdeeld."]
    elif band is None and view.national.backtest is None:
        lines = ["De foutmarge is met deze gegevens niet te meten (er is geen toets tegen gepubliceerde cijfers)."]
    elif band is None:
        lines = ["De foutmarge is met deze gegevens niet te geven (rapport 2 zegt waarom). Lees het BLP als een "
                 "schatting zonder bekende foutmarge."]
    elif band.extrapolated:
        lines = ["<strong>Zeer onzeker.</strong> De gemeente is kleiner dan elk gebied waarop de methode getoetst is; "
                 "volgens die toets is bij een gebied zo klein als het kleinste getoetste de fout in de helft van de "
                 f"gevallen al meer dan {esc(pct(band.median_pct / 100, 1))}, bij deze gemeente "
                 "waarschijnlijk meer. Lees het BLP als orde van grootte."]
    else:
        # the figures of report 2, to the decimal: 'minder dan 5%' here beside '4,5%' there read as two margins
        lines = [f"Bij gebieden van deze omvang zit de methode in de helft van de gevallen minder dan "
                 f"<strong>{esc(pct(band.median_pct / 100, 1))}</strong> naast de werkelijke waarde, in 9 van de 10 "
                 f"minder dan {esc(pct(band.p90_pct / 100, 1))}."]
    effect = large_density_effect(view.density_effect)
    if effect is not None:
        lines.append(f"Zonder de weging naar banendichtheid zou dit BLP {esc(pct(abs(effect['difference_pct']) / 100, 0))} "
                     f"{'hoger' if effect['difference_pct'] > 0 else 'lager'} zijn; rapport 2 zegt wanneer de weging "
                     "misleidt.")
    return Card("Hoe zeker is dit getal?", lines, ("Rapport 2: de foutmarge", "02_blp_berekening.html"))


def position_card(view: GemeenteView) -> Card:
    n = view.result.national.set_index("gemeente_code")
    peers, description = view.peers
    group = n.loc[[view.gemeente] + [p for p in peers if p in n.index], "blp_per_inhabitant_eur"]
    rank = int((group > group.loc[view.gemeente]).sum()) + 1
    ranks = view.ranks.set_index("scope")["blp_per_inhabitant_eur"]
    lines = [f"BLP per inwoner: <strong>nummer {rank} van {len(group)}</strong> in de vergelijkingsgroep, dat is "
             f"{esc(view.name)} en {esc(description)}; nummer {int(ranks.iloc[0])} van {len(n)} in Nederland."]
    if large_density_effect(view.density_effect) is not None:
        unweighted = view.national.sensitivity[f"{view.result.key.name}_uncorrected"] * 1e6 / n["population"]
        lines.append(f"Zonder de weging naar banendichtheid: nummer "
                     f"{int((unweighted > unweighted.loc[view.gemeente]).sum()) + 1} van {len(n)} in Nederland.")
    return Card("Positie", lines, ("Rapport 2: vergelijking", "02_blp_berekening.html"))


def welvaart_card(view: GemeenteView) -> Card:
    from blp.rapport.paginas.brede_welvaart import positions

    pos = positions(view)
    judged = pos[(pos["band"] != MISSING) & (pos["direction"] != "neutral") & (pos["caution"] == "")
                 & (pos["band"] != NO_JUDGEMENT) & (pos["id"] != "blp_per_inhabitant")].dropna(subset=["score"])
    # the best: in the top 25 % (else the upper half); the weakest: in the bottom 25 % (else the lower half);
    # never the same indicator in both
    best = judged[judged["band"] == TOP]
    best_top = bool(len(best))
    best = (best if best_top else judged[judged["score"] > 50]).sort_values("score", ascending=False)
    worst = judged[(judged["band"] == BOTTOM) & ~judged["id"].isin(best["id"])]
    worst_bottom = bool(len(worst))
    worst = (worst if worst_bottom else judged[(judged["score"] < 50) & ~judged["id"].isin(best["id"])])
    worst = worst.sort_values("score")

    def items(df: pd.DataFrame) -> str:
        shown = "; ".join(f"{esc(in_sentence(r.label_nl))} ({esc(r.band)})" for r in df.head(3).itertuples())
        return f"op: {shown}" if len(df) <= 3 else f"op, onder meer (3 van de {len(df)}): {shown}"

    # counted as report 3 counts them: the figures that would have had a judgement
    cautioned = int((pos["band"].isin([TOP, BOTTOM, MIDDLE]) & (pos["caution"] != "")).sum())
    if len(judged):
        blp = pos.loc[pos["id"] == "blp_per_inhabitant", "band"]
        blp = blp.iloc[0] if len(blp) and blp.iloc[0] in (TOP, BOTTOM) else None  # rapport 3 counts it among them
        # 'Het best scoort X op: ... (middengroep)' read as a contradiction: say that none reaches the top 25 %
        best_line = (f"Het best scoort {esc(view.name)} {items(best)}." if best_top else
                     f"Bij geen indicator (buiten het BLP) hoort {esc(view.name)} bij de {esc(TOP)}; relatief het "
                     f"best scoort de gemeente {items(best)}." if len(best) else
                     f"Alleen bij het BLP per inwoner zelf hoort {esc(view.name)} bij de {esc(TOP)}." if blp == TOP else
                     f"{esc(view.name)} scoort bij geen enkele indicator met een oordeel boven het midden van alle "
                     "gemeenten.")
        worst_line = (f"Het zwakst scoort {esc(view.name)} {items(worst)}." if worst_bottom else
                      f"Bij geen indicator (buiten het BLP) hoort {esc(view.name)} bij de {esc(BOTTOM)}; relatief het "
                      f"zwakst scoort de gemeente {items(worst)}." if len(worst) else
                      f"{esc(view.name)} scoort bij geen enkele indicator met een oordeel onder het midden van alle "
                      "gemeenten.")
        # 'Relatief het zwakst: jongvolwassenen met een goede gezondheid' read as if good health were the weakness
        lines = [best_line, worst_line]
        if blp and (len(best) or blp == BOTTOM):
            lines.append(f"Het BLP per inwoner zelf (zie ‘Het BLP’) hoort bij de {esc(blp)} van alle gemeenten; "
                         "rapport 3 telt het mee.")
    elif cautioned:
        lines = [f"De cijfers van {esc(view.name)} rusten voor {cautioned} indicatoren op te weinig waarnemingen "
                 "(een kleine gemeente) om sterk en zwak te benoemen; rapport 3 toont ze met een kanttekening."]
    else:
        lines = ["Te weinig indicatoren met gegevens om sterk en zwak te benoemen."]
    return Card("Brede welvaart", lines, ("Rapport 3: brede welvaart", "03_brede_welvaart.html"))


def policy_card(view: GemeenteView) -> Card:
    from blp.beleid.policy import exceptional_per_job
    from blp.rapport.paginas.beleid import policy_view

    pol = policy_view(view)
    s = pol.scenarios[0]
    end = s.path.iloc[-1]
    lines = [f"Scenario ‘{esc(s.name)}’: in {int(end['year'])} <strong>{esc(meur(end['local_meur']))} per jaar</strong> "
             f"extra BLP in de gemeente (in prijzen van {view.choices.va_year}; direct en via toeleveranciers; "
             f"bandbreedte {esc(meur(end['local_low_meur']))} tot {esc(meur(end['local_high_meur']))}; {band_covers(view.whole_region)}), "
             f"{esc(num(end['extra_jobs_direct']))} banen direct en "
             f"{esc(indirect_jobs(end['extra_jobs_indirect']))}."]
    groups = {g for change in s.scenario.changes for g in change.groups}
    high = [g for g in exceptional_per_job(pol.per_job).index if g in groups]
    if high:  # Eemsdelta's example: most of its effect is nijverheid at Groningen's gas productivity (a reader's finding)
        labels = view.data.industry_labels()
        lines.append(f"<strong>Let op:</strong> in {esc(listing([in_sentence(labels.get(g, g)) for g in high]))} is de "
                     "toegevoegde waarde per baan in het COROP-gebied veel hoger dan landelijk, door een bijzondere "
                     "activiteit met weinig banen; een extra baan levert daar waarschijnlijk veel minder op dan hier "
                     "staat (rapport 4).")
    if pol.example:
        lines.append("Een voorbeeld uit de eigen sectorstructuur, geen plan: vervang het door de plannen van de gemeente.")
    elif s.scenario.description:  # the gemeente's own scenario says what it rests on (an example's assumptions)
        lines.append(esc(s.scenario.description.split(". ")[0].rstrip(".")) + ".")
    return Card("Beleid", lines, ("Rapport 4: beleidsvertaling", "04_beleidsvertaling.html"))


def cards(view: GemeenteView) -> list[Card]:
    return [blp_card(view), band_card(view), position_card(view), welvaart_card(view), policy_card(view)]


def front_page(view: GemeenteView, chrome: PageChrome, reports: list[tuple[str, str]],
               extras: list[tuple[str, str]], note: str = "", blocks: list[Card] | None = None) -> str:
    """The run's index.html (template ``templates/pages/front_page.html.j2``); ``blocks``: ``cards(view)`` if
    computed already."""
    from markupsafe import Markup

    shown = [Card(c.heading, [Markup(line) for line in c.lines], c.link) for c in blocks or cards(view)]
    # a file saved from the page carries the gemeente's code: two gemeenten's tables do not overwrite each other in
    # a Downloads folder (their file names in the run folder are the same)
    files = [(label, href, f"{view.gemeente}_{href.rsplit('/', 1)[-1]}" if href.endswith((".csv", ".xlsx")) else "")
             for label, href in extras]
    return render_page("front_page.html.j2", title=f"Bruto Lokaal Product {view.name} ({view.gemeente})",
                       note=note, cards=shown, reports=reports, extras=files,
                       nav=Markup(chrome.nav_html("index.html")), footer=Markup(chrome.footer_html()))
