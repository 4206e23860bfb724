"""Sections of notebook 04: goals, scenarios, multipliers, levers and local money flows."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from blp.beleid.lm3 import LM3Result, lm3
from blp.rapport import beleid_charts as charts
from blp.beleid.policy import (GemeenteMultipliers, ScenarioResult, baseline_growth, check_goals,
                               economic_base_for, gemeente_multipliers, levers, run_scenario, va_per_establishment,
                               va_per_job, zero_path)
from blp.rapport.context import GemeenteView
from blp.rapport.display import md, show_chart, table
from blp.rapport.figures import planned
from blp.rapport.fmt import eur, meur, num, pct

INDICATOR_NL = {"blp_meur": "BLP (mln euro)", "blp_per_inhabitant_eur": "BLP per inwoner (euro)",
                "extra_jobs": "extra banen (direct + indirect)"}


@dataclass
class PolicyView:
    """Everything the policy report shows for one gemeente."""

    start_year: int
    horizon: int
    per_job: pd.DataFrame
    per_establishment: pd.Series
    multipliers: GemeenteMultipliers | None
    base: dict
    growth: float
    baseline_text: str
    scenarios: list[ScenarioResult]
    paths: dict[str, pd.DataFrame]
    goals: pd.DataFrame
    levers: pd.DataFrame
    lm3: LM3Result | None


def policy_view(view: GemeenteView) -> PolicyView:
    b = view.params.beleid
    r = view.result
    corop = view.region_row()["corop_code"]
    start = b.start_year or view.data.activity_years(r.key.measure)[-1]
    horizon = max([c.years for s in b.scenarios for c in s.changes] + [g.year - start for g in b.goals] + [10])
    per_job = va_per_job(view.data, r, corop)
    per_est = va_per_establishment(view.data, r, view.gemeente)
    mult = gemeente_multipliers(view.national.io, r, view.gemeente, b.io.flq_delta)
    growth, text = baseline_growth(b, view.data, r, view.gemeente)
    jobs = view.data.regional_jobs
    corop_jobs = jobs[(jobs["year"] == per_job.attrs["jobs_year"]) & (jobs["corop_code"] == corop)
                      & (jobs["industry_code"] == "TOTAL")]["jobs"].sum()
    corop_va = r.va.loc[r.va["corop_code"] == corop, "value_meur"].sum()
    avg = corop_va * 1e6 / corop_jobs
    h = view.headline
    results = [run_scenario(s, b, r, view.gemeente, h["blp_meur"], growth, per_job["va_per_job_eur"], per_est, mult,
                            start, horizon, avg) for s in b.scenarios]
    paths = {"0-scenario": zero_path(h["blp_meur"], growth, start, horizon), **{s.name: s.path for s in results}}
    lm = b.lm3
    lm_result = (lm3(lm.round1_eur, [(c.category, c.share, c.local_share) for c in lm.spending], lm.round2_local_share)
                 if lm.round1_eur > 0 and lm.spending else None)
    return PolicyView(start, horizon, per_job, per_est, mult, h, growth, text, results, paths,
                      check_goals(b, paths, h["population"]),
                      levers(r, per_job["va_per_job_eur"], per_est, mult, b.lever_jobs, b.lever_establishments,
                             view.data.industry_labels()), lm_result)


def title(view: GemeenteView) -> None:
    md(f"# Beleidsvertaling: {view.name} ({view.gemeente})")


def per_unit(view: GemeenteView, pol: PolicyView) -> None:
    labels = view.data.industry_labels()
    df = pd.DataFrame({"Sector": [labels.get(g, g) for g in pol.per_job.index],
                       "per_job": pol.per_job["va_per_job_eur"].to_numpy(),
                       "bron": pol.per_job["source"].map({"COROP": f"COROP {view.region_row()['corop_name']}",
                                                          "Nederland": "Nederland (COROP-cel onderdrukt)"}).to_numpy(),
                       "per_est": pol.per_establishment.reindex(pol.per_job.index).to_numpy()})
    md(f"Toegevoegde waarde per **baan** komt uit de COROP-cijfers ({view.choices.va_year}: toegevoegde waarde / banen "
       f"van werknemers {pol.per_job.attrs['jobs_year']}); per **vestiging** uit de BLP-berekening van {view.name}. "
       "Bedragen in prijzen van het basisjaar."
       + (" Vestigingen telt het CBS in deze gegevens voor de landbouw en voor openbaar bestuur, onderwijs en zorg "
          "samen; beide krijgen daarom dezelfde waarde per vestiging (hun BLP samen gedeeld door hun vestigingen "
          "samen)." if {"A", "O-Q"} <= set(pol.per_job.index) else ""))
    table(df, {"Sector": "Sector", "per_job": "Per baan (euro)", "bron": "Bron per baan",
               "per_est": "Per vestiging (euro)"}, {"per_job": eur, "per_est": eur})


def scenarios_figure(view: GemeenteView, pol: PolicyView):
    goals = [(g.label, g.target, g.year) for g in view.params.beleid.goals if g.indicator == "blp_meur"]
    return charts.scenario_paths(pol.paths, view.name, goals)


def scenarios(view: GemeenteView, pol: PolicyView) -> None:
    b = view.params.beleid
    md(pol.baseline_text)
    if not b.scenarios:
        md(f"Voor {view.name} zijn nog **geen scenario's of doelen** vastgelegd. Voeg ze toe in "
           f"`params/{view.gemeente}.yaml` onder `beleid:` (zie `params/GM0917.yaml` voor een voorbeeld). De "
           "multipliers en knoppen hieronder gelden wel al voor deze gemeente.")
        return
    for s in b.scenarios:
        parts = [f"{c.label}: van {num(c.start)} naar {num(c.end)} {'banen' if c.unit == 'jobs' else 'vestigingen'} "
                 f"in {c.years} jaar (verdeeld over {', '.join(f'{g} {pct(v, 0)}' for g, v in c.groups.items())})"
                 for c in s.changes]
        md(f"**Scenario ‘{s.name}’**: " + "; ".join(parts) + ".\n\n" + (s.description or ""))
    show_chart(view, scenarios_figure, pol)
    md("De doorgetrokken lijn is het BLP met de ingreep: het directe effect plus het indirecte effect dat in de "
       "gemeente zelf landt (gekleurd vlak). Bedragen in prijzen van het basisjaar, zonder inflatie.")
    rows = []
    for s in pol.scenarios:
        end = s.path.iloc[-1]
        rows.append({"Scenario": s.name, "Jaar": int(end["year"]), "direct": end["direct_meur"],
                     "local": end["local_meur"], "blp": end["scenario_meur"],
                     "jobs": end["extra_jobs_direct"], "jobs_ind": end["extra_jobs_indirect"]})
    table(pd.DataFrame(rows), {"Scenario": "Scenario", "Jaar": "Eindjaar", "direct": "Direct effect (mln euro)",
                               "local": "Direct + indirect in gemeente (mln euro)", "blp": "BLP met ingreep (mln euro)",
                               "jobs": "Extra banen direct", "jobs_ind": "Extra banen indirect (gemeente)"},
          {"direct": 1, "local": 1, "blp": 0, "jobs": 0, "jobs_ind": 0})


def goals(view: GemeenteView, pol: PolicyView) -> None:
    if pol.goals.empty:
        md("Er zijn geen doelen vastgelegd (`beleid.goals`).")
        return
    df = pol.goals.assign(Indicator=pol.goals["indicator"].map(INDICATOR_NL),
                          Gehaald=pol.goals["met"].map({True: "ja", False: "nee", None: "buiten de looptijd"}))
    table(df, {"goal": "Doel", "Indicator": "Indicator", "scenario": "Scenario", "year": "Jaar", "target": "Doelwaarde",
               "value": "Uitkomst", "Gehaald": "Gehaald?"}, {"target": 0, "value": 0, "year": lambda y: str(int(y))})
    md("‘BLP per inwoner’ gaat uit van een gelijkblijvend inwonertal; ‘extra banen’ telt de directe banen uit het "
       "scenario plus de indirecte banen in de gemeente (indirecte toegevoegde waarde gedeeld door de gemiddelde "
       "toegevoegde waarde per baan in het COROP-gebied).")


def multipliers(view: GemeenteView, pol: PolicyView) -> None:
    eb = economic_base_for(view.result, view.gemeente)
    labels = view.data.industry_labels()
    md("### Methode 1: economische-basismultiplier\n\n"
       "Activiteit boven het Nederlandse aandeel (locatiequotiënt boven 1) geldt als *basisactiviteit*: ze bedient "
       "afnemers buiten de gemeente en brengt geld binnen. De rest is *verzorgend* en volgt de basis. De multiplier is "
       f"totale activiteit / basisactiviteit. Voor {view.name}: basisaandeel {pct(eb['basic_share'])}, "
       f"multiplier **{num(eb['multiplier'], 1)}**.")
    df = pd.DataFrame({"Sector": [labels.get(g, g) for g in eb["lq"].index], "lq": eb["lq"].to_numpy(),
                       "basic": eb["basic"].to_numpy(), "non_basic": eb["non_basic"].to_numpy()})
    table(df, {"Sector": "Sector", "lq": "LQ", "basic": "Basis", "non_basic": "Verzorgend"},
          {"lq": 2, "basic": 0, "non_basic": 0})
    md("*Aannames en beperking:* alles boven het landelijke aandeel wordt ‘geëxporteerd’, al het andere lokaal "
       "afgezet. Bij een grove sectorindeling (9 groepen) en vestigingen als maat wordt de basisactiviteit sterk "
       "onderschat en de multiplier dus overschat: lees haar als bovengrens, niet als schatting.")
    md("### Methode 2: regionale input-outputmultipliers (FLQ)")
    if pol.multipliers is None:
        md(f"**Niet beschikbaar:** {view.national.io.note}")
        return
    io = view.national.io
    m = pol.multipliers
    md(f"Bron: {io.table.description}. Omgezet naar een tabel *bedrijfstak × bedrijfstak* volgens de aanname van een "
       "**vaste afzetstructuur per product** (Eurostat-model D). **Invoer** is per product naar verhouding verwijderd: het "
       "binnenlandse aandeel van een product (binnenlandse productie / (productie + invoer)) geldt voor elke afnemer. "
       "Het gebruik staat in afnemersprijzen: handelsmarges en productbelastingen blijven bij het product waarop ze "
       f"betaald zijn. De afgeleide tabel sluit aan op de bron: productie {meur(io.table.output.sum())}, toegevoegde "
       f"waarde {meur(io.table.value_added.sum())}, per bedrijfstak op de euro.\n\n"
       f"De 64 bedrijfstakken zijn samengevoegd tot de {len(m.national)} sectorgroepen van de kit. De nationale "
       f"coëfficiënten zijn geregionaliseerd met **Flegg's locatiequotiënt (FLQ)**, δ = {num(m.delta, 2)}: een sector "
       "koopt minder lokaal naarmate de gemeente kleiner is en de leverende sector er zwakker vertegenwoordigd is. "
       "Regionale coëfficiënten zijn nooit groter dan de nationale. Type I: gezinsbestedingen zijn niet meegenomen.")
    df = pd.DataFrame({"Sector": [labels.get(g, g) for g in m.national.index], "gem": m.gemeente.to_numpy(),
                       "corop": m.corop.to_numpy(), "nl": m.national.to_numpy()})
    table(df, {"Sector": "Sector", "gem": f"{view.name}", "corop": "COROP-gebied", "nl": "Nederland"},
          {"gem": 2, "corop": 2, "nl": 2})
    md("Lees: 1 euro extra toegevoegde waarde in een sector levert binnen de gemeente in totaal zoveel euro op "
       "(inclusief de eerste euro); in het COROP-gebied en in heel Nederland meer, omdat daar meer toeleveranciers zitten.")


def _where_effects_land(view: GemeenteView, scenario: ScenarioResult) -> dict[str, float]:
    end = scenario.path.iloc[-1]
    return {view.name: end["local_meur"], "rest van het COROP-gebied": end["corop_meur"] - end["local_meur"],
            "rest van Nederland": end["nl_meur"] - end["corop_meur"]}


def impact_figure(view: GemeenteView, pol: PolicyView, i: int):
    return charts.where_effects_land(_where_effects_land(view, pol.scenarios[i]))


def impact(view: GemeenteView, pol: PolicyView) -> None:
    if not pol.scenarios:
        md("Zonder scenario is er geen effect om te verdelen over *hier en nu*, *later* en *elders*. Met een scenario "
           "in het params-bestand toont dit onderdeel per scenario het effect in de gemeente, het pad naar het doeljaar "
           "en het deel dat in de rest van het COROP-gebied en Nederland terechtkomt.")
        return
    for i, s in enumerate(pol.scenarios):
        end = s.path.iloc[-1]
        nl_total = end["nl_meur"]
        split = _where_effects_land(view, s)
        met = pol.goals[pol.goals["scenario"] == s.name] if len(pol.goals) else pol.goals
        later = (", ".join(f"{r.goal}: {'gehaald' if r.met else 'niet gehaald'}" for r in met.itertuples())
                 if len(met) else "geen doelen vastgelegd")
        md(f"**{s.name}** (eindjaar {int(end['year'])})\n\n"
           f"- *Hier en nu*: het BLP van {view.name} stijgt met {meur(end['local_meur'])} per jaar "
           f"({pct(end['local_meur'] / pol.base['blp_meur'])}), met {num(end['extra_jobs_direct'])} directe en naar "
           f"schatting {num(end['extra_jobs_indirect'])} indirecte banen in de gemeente.\n"
           f"- *Later*: {later}.\n"
           f"- *Elders*: van het totale effect in Nederland ({meur(nl_total)}) landt "
           f"{pct(1 - end['local_meur'] / nl_total)} buiten de gemeente: {meur(split['rest van het COROP-gebied'])} in "
           f"de rest van het COROP-gebied en {meur(split['rest van Nederland'])} elders in Nederland. Wat via invoer "
           "naar het buitenland gaat, zit hier niet in.")
        show_chart(view, impact_figure, pol, i)


def levers_figure(view: GemeenteView, pol: PolicyView):
    return charts.levers_chart(pol.levers, view.params.beleid.lever_jobs)


def lever_table(view: GemeenteView, pol: PolicyView) -> None:
    b = view.params.beleid
    show_chart(view, levers_figure, pol)
    table(pol.levers, {"label_nl": "Sector", "jobs_direct_meur": f"+{b.lever_jobs} banen: direct",
                       "jobs_local_meur": f"+{b.lever_jobs} banen: met multiplier (gemeente)",
                       "jobs_nl_meur": f"+{b.lever_jobs} banen: met multiplier (NL)",
                       "est_direct_meur": f"+{b.lever_establishments} vestigingen: direct",
                       "est_local_meur": f"+{b.lever_establishments} vestigingen: met multiplier"},
          {c: 1 for c in ["jobs_direct_meur", "jobs_local_meur", "jobs_nl_meur", "est_direct_meur", "est_local_meur"]})
    md("Bedragen in mln euro per jaar. *Let op bij onroerend goed (L):* de toegevoegde waarde per baan is daar zeer "
       "hoog omdat zij de (toegerekende) huurwaarde van woningen bevat; extra banen in die sector leveren in "
       "werkelijkheid veel minder op. De knoppen tonen waar een extra baan gemiddeld het meeste toevoegt, niet wat "
       "haalbaar of wenselijk is.")


def lm3_figure(view: GemeenteView, pol: PolicyView):
    return charts.lm3_chart(pol.lm3, view.params.beleid.lm3.label)


def money_flows(view: GemeenteView, pol: PolicyView) -> None:
    lm = view.params.beleid.lm3
    if pol.lm3 is None:
        md(f"Er zijn voor {view.name} geen bestedingsaandelen ingevuld (`beleid.lm3` in het params-bestand). De LM3 "
           "vraagt om gegevens uit een enquête onder lokale ondernemers; de kit vult die niet zelf in.")
        return
    r = pol.lm3
    md(f"**{lm.label}.** Bron van de aandelen: {lm.source}\n\n"
       f"Van {eur(r.round1)} (ronde 1) wordt {eur(r.round2)} lokaal besteed (ronde 2) en daarvan weer {eur(r.round3)} "
       f"(ronde 3: de ontvangers besteden het opnieuw lokaal). **LM3 = (R1 + R2 + R3) / R1 = {num(r.lm3, 2)}**: elke euro levert lokaal € {num(r.lm3, 2)} aan "
       "bestedingen op. De rechtergrafiek laat zien waar het geld weglekt.")
    show_chart(view, lm3_figure, pol)


def uncertainty(view: GemeenteView, pol: PolicyView) -> None:
    md("**Hoe zeker zijn deze getallen?** Alle effecten rusten op het BLP (zie de gevoeligheidsanalyse in rapport 2), "
       "op gemiddelde productiviteit per sector in het COROP-gebied, en op multipliers uit een landelijke tabel die "
       "met een vuistregel (FLQ) naar de gemeente is vertaald. Nieuwe banen in een sector zijn niet per se even "
       "productief als het gemiddelde; verdringing (banen die elders verdwijnen) en capaciteitsgrenzen zitten niet in "
       f"het model. Gebruik de uitkomsten als orde van grootte om beleidsopties te vergelijken. Met een andere δ "
       f"(nu {num(view.params.beleid.io.flq_delta, 2)}; de literatuur gebruikt 0,1 tot 0,3) verschuiven de lokale "
       "multipliers merkbaar.")


def figures(view: GemeenteView):
    """The charts of this report, in the order it shows them (``blp.rapport.figures``)."""
    pol = policy_view(view)
    if view.params.beleid.scenarios:
        yield planned(view, scenarios_figure, pol)
    for i in range(len(pol.scenarios)):
        yield planned(view, impact_figure, pol, i)
    yield planned(view, levers_figure, pol)
    if pol.lm3 is not None:
        yield planned(view, lm3_figure, pol)
