"""Sections of notebook 04: scenarios against the 0-scenario, goals, indirect effects, hier en nu / later /
elders, levers and local money flows. Complete for every gemeente: where a gemeente has no scenario of its
own, an example derived from its own sector structure stands in, labelled as such."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from blp.beleid.lm3 import LM3Result, lm3
from blp.beleid.policy import (DELTA_BAND, GemeenteMultipliers, gemeente_multipliers, exceptional_per_job, levers,
                               multiplier_band, va_per_establishment)
from blp.beleid.scenarios import (EXAMPLE_GROWTH, EXAMPLE_YEARS, INPUT, MET, NOT_MET, OUTSIDE, Baseline, LocalFacts,
                                  Multipliers, ScenarioResult, baseline, check_goals, example_scenario, local_facts,
                                  run_scenario, zero_path)
from blp.dutch import MINUS, in_sentence, round_estimate
from blp.rapport import beleid_charts as charts
from blp.rapport import narrative
from blp.rapport.charts import titled
from blp.rapport.context import GemeenteView
from blp.rapport.display import literal, md, show_chart, table
from blp.rapport.figures import planned
from blp.rapport.fmt import EURO, eur, meur, meur_pair, num, pct

INDICATOR_NL = {"blp_meur": "BLP (mln euro)", "blp_per_inhabitant_eur": "BLP per inwoner (euro)",
                "extra_jobs": "extra banen (direct + indirect)"}
STATUS_NL = {INPUT: "n.v.t.: invoer van het scenario", MET: "ja", NOT_MET: "nee",
             OUTSIDE: "valt buiten de looptijd"}


@dataclass
class PolicyView:
    """Everything the policy report shows for one gemeente."""

    start_year: int
    end_year: int
    per_job: pd.DataFrame
    per_establishment: pd.Series
    multipliers: GemeenteMultipliers | None
    band: dict[float, GemeenteMultipliers | None]
    base: dict
    baseline: Baseline
    example: bool              # the scenario is the kit's example, not the gemeente's own
    scenarios: list[ScenarioResult]
    paths: dict[str, pd.DataFrame]
    goals: pd.DataFrame
    levers: pd.DataFrame
    lm3: LM3Result | None
    facts: LocalFacts


def policy_view(view: GemeenteView) -> PolicyView:
    b = view.params.beleid
    r = view.result
    corop = view.region_row()["corop_code"]
    start = b.start_year or view.data.activity_years(r.key.measure)[-1]
    own = list(b.scenarios)
    scenarios = own or [example_scenario(r, view.gemeente, view.data.industry_labels())]
    horizon = max([c.years for s in scenarios for c in s.changes] + [g.year - start for g in b.goals] + [10])
    per_job = view.per_job
    per_est = va_per_establishment(view.data, r, view.gemeente)
    mult = gemeente_multipliers(view.national.io, r, view.gemeente, b.io.flq_delta)
    band = multiplier_band(view.national.io, r, view.gemeente) if mult is not None else {}
    jobs = view.data.regional_jobs
    corop_jobs = jobs[(jobs["year"] == per_job.attrs["jobs_year"]) & (jobs["corop_code"] == corop)
                      & (jobs["industry_code"] == "TOTAL")]["jobs"].sum()
    corop_va = r.va.loc[r.va["corop_code"] == corop, "value_meur"].sum()
    avg = corop_va * 1e6 / corop_jobs
    h = view.headline
    base_line = baseline(b, view.data, r, view.gemeente, corop, start + horizon)
    zero = zero_path(h["blp_meur"], base_line.growth, r.choices.va_year)
    priced = Multipliers(mult, band.get(max(DELTA_BAND)), band.get(min(DELTA_BAND)))
    results = [run_scenario(s, r, zero, per_job["va_per_job_eur"], per_est, priced, start, horizon, avg,
                            example=not own) for s in scenarios]
    paths = {"0-scenario": zero, **{s.name: s.path for s in results}}
    lm = b.lm3
    lm_result = (lm3(lm.round1_eur, [(c.category, c.share, c.local_share) for c in lm.spending], lm.round2_local_share)
                 if lm.round1_eur > 0 and lm.spending else None)
    lever_rows = levers(r, per_job["va_per_job_eur"], per_est, mult, b.lever_jobs, b.lever_establishments,
                        view.data.industry_labels())
    facts = local_facts(view.data, r, view.gemeente)
    # a goal's year lies in the future: its BLP per inhabitant is divided by the newest inhabitants in the data
    population = facts.population if facts.population == facts.population else h["population"]
    return PolicyView(start, start + horizon, per_job, per_est, mult, band, h, base_line, not own, results, paths,
                      check_goals(b.goals, paths, population), lever_rows, lm_result, facts)


def title(view: GemeenteView) -> None:
    md(f"# Beleidsvertaling: {view.name} ({view.gemeente})")


def per_unit(view: GemeenteView, pol: PolicyView) -> None:
    labels = view.data.industry_labels()
    df = pd.DataFrame({"Sector": [labels.get(g, g) for g in pol.per_job.index],
                       # a ratio of two rounded totals: shown to the hundred, as the per-establishment figures
                       "per_job": pol.per_job["va_per_job_eur"].round(-2).to_numpy(),
                       "bron": pol.per_job["source"].map({"COROP": f"COROP {view.region_row()['corop_name']}",
                                                          "Nederland": "Nederland (COROP-cel onderdrukt)",
                                                          "Nederland, geen banen": "Nederland (geen banen in het "
                                                                                   "COROP-gebied)"}).to_numpy(),
                       # estimated to the euro, shown to the thousand: '€ 3.488.692' claimed a precision it lacks
                       "per_est": pol.per_establishment.reindex(pol.per_job.index).round(-3).to_numpy()})
    pooled = {"A", "O-Q"} <= set(pol.per_job.index)
    if pooled:  # one establishments count for both: say so in the row, not only in the text above
        # a farm's value per establishment is not known: the pooled figure is shown in the O-Q row only
        df.loc[pol.per_job.index == "A", "per_est"] = float("nan")
        df["samen"] = [f"per vestiging: niet bekend, het CBS telt de vestigingen van de landbouw alleen samen met "
                       f"{in_sentence(labels.get('O-Q', 'O-Q'))}" if g == "A" else
                       f"per vestiging: één waarde voor beide samen met {in_sentence(labels.get('A', 'A'))}"
                       if g == "O-Q" else "" for g in pol.per_job.index]
    md(f"Toegevoegde waarde per **baan** komt uit de COROP-cijfers ({view.choices.va_year}: toegevoegde waarde / banen "
       f"van werknemers {pol.per_job.attrs['jobs_year']}); per **vestiging** uit de BLP-berekening van {view.name}. "
       f"Bedragen in prijzen van {view.choices.va_year}."
       + (" Vestigingen telt het CBS in deze gegevens voor de landbouw en voor openbaar bestuur, onderwijs en zorg "
          "samen. Hun BLP samen gedeeld door hun vestigingen samen staat bij openbaar bestuur, onderwijs en zorg; "
          "voor een boerenbedrijf zegt dat getal niets, dus bij de landbouw staat geen waarde per vestiging."
          if pooled else "")
       + narrative.density_per_job_note(view.name, view.density_weight)
       + _high_per_job_text(pol.per_job["va_per_job_eur"])
       + _exceptional_per_job_text(pol.per_job, view.data.industry_labels(), view.region_row()["corop_name"]))
    table(df, {"Sector": "Sector", "per_job": "Per baan (euro, afgerond op honderdtallen)", "bron": "Bron per baan",
               "per_est": "Per vestiging (euro, afgerond op duizendtallen)",
               **({"samen": "Opmerking"} if pooled else {})},
          {"per_job": eur, "per_est": eur})


def _exceptional_per_job_text(per_job: pd.DataFrame, labels: dict[str, str], corop_name: str) -> str:
    """A warning where the COROP's value added per job in a sector is far above the national figure (Groningen's
    gas in B-E: 2 to 3 times): an extra job there does not add that much. Real estate and agriculture are left to
    ``_high_per_job_text``."""
    high = exceptional_per_job(per_job)
    return "".join(
        f" **Let op:** in {in_sentence(labels.get(g, g))} is de toegevoegde waarde per baan in {corop_name} "
        f"{num(r, 1)} keer het landelijke cijfer ({eur(per_job.loc[g, 'corop'])} tegen {eur(per_job.loc[g, 'nl'])}). "
        "Zo'n verschil komt van een bijzondere activiteit met weinig banen, zoals de gaswinning of een raffinaderij; "
        "een extra baan in die sector levert in de gemeente waarschijnlijk veel minder op dan hier staat."
        for g, r in high.items())


def _high_per_job_text(per_job: pd.Series) -> str:
    """Why real estate and agriculture show a high value per job, said only where they do (above 1.5 times the
    median sector of the gemeente's COROP region)."""
    high = per_job > 1.5 * per_job.median()
    text = ""
    if high.get("L", False):
        text += (" Bij onroerend goed is de waarde per baan zeer hoog: die sector bevat de toegerekende huur van "
                 "koopwoningen, die geen baan oplevert.")
    if high.get("A", False):
        text += (" Bij de landbouw is zij ook hoog: daar werken vooral zelfstandigen, die niet als werknemer "
                 "tellen.")
    return text


def baseline_text(view: GemeenteView, pol: PolicyView) -> str:
    """What the 0-scenario is, in one paragraph."""
    b = pol.baseline
    va_year = view.choices.va_year
    signed = lambda v: pct(v, signed=True)  # noqa: E731
    if b.method == "corop_real":
        first, last = b.trend_years  # the years of the yearly changes: the period runs from the year before
        measured = (f"tot en met {b.measured_until} de gemeten groei van elk jaar, daarna het gemiddelde van "
                    f"{first - 1}–{last}: {signed(b.trend)} per jaar" if b.measured_until > va_year else
                    f"het gemiddelde van {first - 1}–{last}: {signed(b.trend)} per jaar")
        window = ""
        if b.long_run is not None and b.long_run[1] < first:  # periods from the level before the first change
            every, since, until = b.long_run
            window = (f" Tien jaar is een keuze: over alle gemeten jaren ({since - 1}–{until}) groeide het gebied reëel "
                      f"{signed(every)} per jaar; rapport 2 toont de groei over andere perioden.")
        shrink = ""
        if b.trend < 0:
            shrink = " De regio kromp in die jaren: zonder ingreep daalt het BLP dus."
            if view.region_row()["provincie_name"] == "Groningen":
                shrink += (" In Groningen komt die krimp vooral door de afbouw van de gaswinning, niet door de rest "
                           "van de economie. Die afbouw is voorbij: dit 0-scenario trekt de krimp toch door en is voor "
                           "de rest van de economie dus waarschijnlijk te somber.")
        nominal = ""
        if view.national.series is not None:
            own = view.national.series.of(view.gemeente)["blp_meur"]
            last = int(own.index.max())
            if last > va_year:
                nominal = (f" Het BLP van {last} in rapport 2 ({meur(float(own.loc[last]))}) ligt hoger dan deze lijn in "
                           f"{last}: dat bedrag is in lopende prijzen en bevat ook de prijsstijging sinds {va_year}.")
        return ("Het **0-scenario** (wat er gebeurt zonder ingreep) laat het BLP groeien met de **reële groei van het "
                f"COROP-gebied** {view.region_row()['corop_name']}: {measured} (CBS, regionale rekeningen vóór de "
                "revisie van 2024). "
                + ("Omdat de gemeente het hele COROP-gebied is, is dat ook haar eigen groei. " if view.whole_region else
                   "Dat is de groei van de regio als geheel, niet gemeten voor de gemeente zelf. ")
                + f"Alle bedragen in prijzen van {va_year}, zonder inflatie." + window + nominal + shrink
                + " Wie het rapport maakt, kan een ander 0-scenario instellen (de trend van de banen in de gemeente, "
                "of een vaste groei per jaar).")
    if b.method == "key_trend":
        first, last = b.trend_years
        what = "banen" if view.result.key.measure == "jobs" else "vestigingen"
        text = (f"Het **0-scenario** (wat er gebeurt zonder ingreep) trekt de groei van het aantal {what} in "
                f"{view.name} door: {signed(b.trend)} per jaar ({first}–{last}).")
        if what == "vestigingen":
            text += " Dat is een bovengrens: het aantal vestigingen groeit vooral door zzp'ers, die weinig toevoegen."
        if b.fell_back:
            text += " (De reële groei van het COROP-gebied zit niet in de gegevens van deze berekening.)"
        return text
    if b.method == "fixed":
        return (f"Het **0-scenario** (wat er gebeurt zonder ingreep) gaat uit van een vaste groei van "
                f"{signed(b.trend)} per jaar, gekozen door de gemeente.")
    if b.fell_back:
        return ("Het **0-scenario** blijft op het niveau van het basisjaar: de gegevens van deze berekening bevatten "
                "geen groeicijfers voor het COROP-gebied of de gemeente.")
    return "Het **0-scenario** gaat uit van geen groei: het BLP blijft op het niveau van het basisjaar (gekozen door de gemeente)."


def scenarios_title(view: GemeenteView, pol: PolicyView) -> str:
    end = pol.scenarios[0].path.iloc[-1]
    diff = end["scenario_meur"] - end["baseline_meur"]  # shown apart: both totals may round to the same figure
    with_it, without = meur_pair(end["scenario_meur"], end["baseline_meur"])
    return (("Voorbeeld – " if pol.example else "") + f"{view.name} in {int(end['year'])}: BLP "
            f"{with_it} met de ingreep, {without} zonder ({'+' if diff >= 0 else MINUS}{meur(abs(diff))}; prijzen van "
            f"{view.choices.va_year})")


def scenarios_figure(view: GemeenteView, pol: PolicyView):
    goals = [(g.label, g.target, g.year) for g in view.params.beleid.goals if g.indicator == "blp_meur"]
    return titled(charts.scenario_paths(pol.paths, view.name, goals, pol.start_year), scenarios_title(view, pol))


def _change_text(c, labels: dict[str, str]) -> str:
    """One activity change of a scenario in words, its sectors by name (their codes are in the params file)."""
    unit = "banen" if c.unit == "jobs" else "vestigingen"
    groups = "; ".join(f"{in_sentence(labels.get(g, g))} {pct(v, 0)}" for g, v in c.groups.items())
    if c.start == 0:
        return f"{literal(c.label)}: {num(c.end)} extra {unit} in {c.years} jaar (in {groups})"
    return (f"{literal(c.label)}: van {num(c.start)} naar {num(c.end)} {unit} in {c.years} jaar "
            f"(verdeeld over: {groups})")


def scenarios(view: GemeenteView, pol: PolicyView) -> None:
    md(baseline_text(view, pol))
    if pol.example:
        changes = pol.scenarios[0].scenario.changes
        unit = "banen" if changes[0].unit == "jobs" else "vestigingen"
        listed = "; ".join(f"{in_sentence(c.label)} +{num(c.end)}" for c in changes)
        md(f"Voor {view.name} zijn nog geen eigen plannen doorgerekend. Om te laten zien hoe de rekensom werkt, staat "
           f"hier een **voorbeeld** dat uit de eigen sectorstructuur volgt: {pct(EXAMPLE_GROWTH, 0)} meer {unit} in "
           f"{'elk van ' if len(changes) > 1 else ''}{pol.scenarios[0].scenario.description} ({listed}), geleidelijk "
           f"over {EXAMPLE_YEARS} jaar vanaf {pol.start_year}. Openbaar bestuur, onderwijs en zorg kiest het voorbeeld "
           "nooit: die banen volgen vooral overheidsbudgetten, niet het economisch beleid van de gemeente. Landbouw en "
           "onroerend goed evenmin, om dezelfde reden als bij de knoppen hieronder. "
           "*Dit is geen voorstel en geen verwachting: vervang het door de plannen van de gemeente.*")
    else:
        for s in pol.scenarios:
            labels = view.data.industry_labels()
            md(f"**Scenario ‘{literal(s.name)}’**: " + "; ".join(_change_text(c, labels) for c in s.scenario.changes)
               + ".\n\n" + literal(s.scenario.description or ""))
    show_chart(view, scenarios_figure, pol, alt=f"Lijndiagram van het BLP van {view.name} per jaar, het 0-scenario "
               f"(stippellijn) en met de ingreep (doorgetrokken). {scenarios_title(view, pol)}.")
    md(f"De stippellijn is het 0-scenario, de doorgetrokken lijn het BLP met de ingreep vanaf {pol.start_year}: het "
       "directe effect plus het indirecte effect dat in de gemeente zelf landt. De verticale as begint bij nul, zodat "
       "de afstand tussen de lijnen de echte verhouding toont.")
    rows = []
    for s in pol.scenarios:
        end = s.path.iloc[-1]
        rows.append({"Scenario": s.name, "Jaar": str(int(end["year"])), "direct": end["direct_meur"],
                     "local": end["local_meur"], "zero": end["baseline_meur"], "blp": end["scenario_meur"],
                     "jobs": end["extra_jobs_direct"], "jobs_ind": end["extra_jobs_indirect"]})
    table(pd.DataFrame(rows), {"Scenario": "Scenario", "Jaar": "Eindjaar", "zero": "BLP 0-scenario (mln euro)",
                               "direct": "Direct effect (mln euro per jaar)",
                               "local": "Direct + indirect in de gemeente (mln euro per jaar)",
                               "blp": "BLP met ingreep (mln euro)", "jobs": "Extra banen direct",
                               "jobs_ind": "Extra banen indirect (gemeente)"},
          {"direct": 1, "local": 1, "zero": 0, "blp": 0, "jobs": 0, "jobs_ind": 0})


def goals(view: GemeenteView, pol: PolicyView) -> None:
    if pol.goals.empty:
        md(f"Voor {view.name} zijn geen doelen vastgelegd. Een doel (bijvoorbeeld een aantal extra banen of een BLP "
           "per inwoner in een bepaald jaar) wordt hier naast de scenario's gelegd zodra de gemeente het opgeeft.")
        return
    va_year = view.choices.va_year
    now = {"blp_meur": pol.base["blp_meur"], "blp_per_inhabitant_eur": pol.base["blp_per_inhabitant_eur"]}
    already = [ind in now and now[ind] >= target for ind, target in zip(pol.goals["indicator"], pol.goals["target"])]
    status = [f"al gehaald in {va_year}" if done else STATUS_NL[st] for done, st in zip(already, pol.goals["status"])]
    df = pol.goals.assign(Indicator=pol.goals["indicator"].map(INDICATOR_NL), Gehaald=status)
    table(df, {"goal": "Doel", "Indicator": "Indicator", "scenario": "Scenario", "year": "Jaar", "target": "Doelwaarde",
               "value": "Uitkomst", "Gehaald": "Gehaald?"}, {"target": 0, "value": 0, "year": lambda y: str(int(y))})
    f = pol.facts
    held = f"het nieuwste in de gegevens, van {f.population_year}" if f.population == f.population else \
        f"dat van {view.choices.population_year}"
    text = (f"‘BLP per inwoner’ gaat uit van een gelijkblijvend inwonertal ({held}); ‘extra banen’ telt de directe "
            "banen uit het "
            "scenario plus de indirecte banen in de gemeente (indirecte toegevoegde waarde gedeeld door de gemiddelde "
            "toegevoegde waarde per baan in het COROP-gebied).")
    if any(already):
        text += (f" ‘Al gehaald in {va_year}’: de gemeente zat in {va_year} al boven het doel; het doel zegt dan weinig "
                 "over het scenario.")
    if (pol.goals["status"] == INPUT).any():
        text += (" ‘N.v.t.: invoer van het scenario’: het scenario legt dit doel zelf vast (de extra banen zijn zijn "
                 "invoer), dus er valt niets te toetsen; het rekenmodel toetst alleen wat uit die invoer volgt, zoals "
                 "het BLP.")
    md(text)


def _io_source(view: GemeenteView) -> str:
    """Where the national input-output table comes from, in a few words: 'Eurostat, 2022' or the user's file."""
    sources = [i.source for i in view.national.io.inputs]
    if sources and sources[0].startswith("eigen tabel"):
        return f"hier de {literal(sources[0])}"
    return "Eurostat, 2022"


def multipliers(view: GemeenteView, pol: PolicyView) -> None:
    if pol.multipliers is None:
        md(f"**Niet beschikbaar:** {view.national.io.note}")
        return
    labels = view.data.industry_labels()
    m = pol.multipliers
    lo, hi = max(DELTA_BAND), min(DELTA_BAND)
    md("Een nieuwe baan levert meer op dan haar eigen toegevoegde waarde: het bedrijf koopt bij toeleveranciers, die "
       "weer inkopen. Hoeveel daarvan in de gemeente blijft, volgt uit een **input-outputtabel**: wie levert aan wie. "
       f"Die tabel bestaat alleen voor heel Nederland ({_io_source(view)}). Voor de gemeente is ze verkleind met een "
       "vuistregel: hoe kleiner de gemeente en hoe zwakker een leverende sector er vertegenwoordigd is, hoe meer er "
       "van buiten wordt ingekocht. Hoe sterk die vuistregel inkoop naar buiten duwt, staat niet vast. Daarom staat "
       "per sector een **bandbreedte**, van weinig tot veel lokale inkoop, met de gebruikte middenwaarde erbij "
       "(zie de verantwoording onderaan).")
    low, high = pol.band.get(lo), pol.band.get(hi)
    df = pd.DataFrame({"Sector": [labels.get(g, g) for g in m.national.index],
                       "band": [f"{num(a, 2)} – {num(b, 2)}" for a, b in zip(low.gemeente, high.gemeente)],
                       "gem": m.gemeente.to_numpy(), "corop": m.corop.to_numpy(), "nl": m.national.to_numpy()})
    table(df, {"Sector": "Sector", "band": f"{view.name}: bandbreedte", "gem": f"{view.name} (middenwaarde)",
               "corop": "COROP-gebied (middenwaarde)", "nl": "Nederland"}, {"gem": 2, "corop": 2, "nl": 2})
    md("Lees: 1 euro extra toegevoegde waarde in een sector levert binnen de gemeente in totaal zoveel euro op "
       "(inclusief de eerste euro); bij dezelfde instelling in het COROP-gebied minstens zoveel en in heel Nederland "
       "het meest, omdat daar meer toeleveranciers zitten. De bovenkant van de bandbreedte van de gemeente kan boven "
       "de middenwaarde van het COROP-gebied liggen: die bovenkant rekent met de meeste lokale inkoop die de "
       "vuistregel toelaat, de middenwaarden van gemeente en gebied met dezelfde, gebruikte instelling (zie de "
       "verantwoording). Het is dus geen tegenspraak. Alleen de keten van toeleveranciers telt mee, niet de "
       "bestedingen van de nieuwe werknemers: dat "
       "houdt de getallen aan de voorzichtige kant. Een eenvoudiger maat, de ‘economische-basismultiplier’, laten we "
       f"bewust weg: met zo weinig sectoren ({len(pol.multipliers.national)}) geeft zij voor de meeste gemeenten "
       "onwaarschijnlijk hoge waarden.")


def multipliers_details(view: GemeenteView, pol: PolicyView) -> None:
    """Verantwoording: the input-output model behind the multipliers."""
    if pol.multipliers is None:
        return
    m = pol.multipliers
    lo, hi = max(DELTA_BAND), min(DELTA_BAND)
    md(f"**Input-outputmodel.** Bron: {view.national.io.table.description}. Omgezet naar een tabel bedrijfstak × "
       "bedrijfstak met een vaste afzetstructuur per product; invoer is per product naar verhouding verwijderd. De "
       f"64 bedrijfstakken zijn samengevoegd tot {len(m.national)} sectorgroepen. De landelijke coëfficiënten zijn "
       "naar het COROP-gebied en de gemeente vertaald met Flegg's locatiequotiënt (FLQ); regionale coëfficiënten "
       f"zijn nooit groter dan de landelijke. De instelling δ van die vuistregel: gebruikt {num(m.delta, 1)}, "
       f"bandbreedte δ = {num(lo, 1)} (minste lokale inkoop) tot δ = {num(hi, 1)} (meeste); de literatuur gebruikt "
       "0,1 tot 0,4. Type I-multipliers: de bestedingen van huishoudens zijn niet meegenomen. De invoer uit het "
       "buitenland is wat de hele Nederlandse keten aan grondstoffen en diensten invoert per euro directe "
       "toegevoegde waarde.")


def _where_effects_land(view: GemeenteView, end: pd.Series) -> dict[str, float]:
    """Where a scenario's effect lands; a gemeente that is its whole COROP region has no rest of it."""
    rest = {} if view.whole_region else {"rest van het COROP-gebied": end["corop_meur"] - end["local_meur"]}
    return {view.name: end["local_meur"], **rest,
            "rest van Nederland": end["nl_meur"] - end["corop_meur"], "buitenland (invoer)": end["abroad_meur"]}


def impact_title(view: GemeenteView, pol: PolicyView, i: int) -> str:
    end = pol.scenarios[i].path.iloc[-1]
    return (("Voorbeeld – " if pol.example else "")
            + f"{pct(end['local_meur'] / end['nl_meur'], 0)} van het effect in Nederland landt in {view.name}")


def impact_figure(view: GemeenteView, pol: PolicyView, i: int):
    split = _where_effects_land(view, pol.scenarios[i].path.iloc[-1])
    fig = charts.where_effects_land({k: v for k, v in split.items() if k != "buitenland (invoer)"})
    return titled(fig, impact_title(view, pol, i))


def _here_and_now(view: GemeenteView, pol: PolicyView, end: pd.Series) -> str:
    year = int(end["year"])
    f = pol.facts
    known = f.population == f.population
    per_inh = end["local_meur"] * 1e6 / (f.population if known else pol.base["population"])
    pop_year = f.population_year if known else view.choices.population_year
    share = end["local_meur"] / end["baseline_meur"]
    return (f"- **Hier en nu** (in {year}, per jaar): het BLP van {view.name} ligt {meur(end['local_meur'])} hoger dan "
            f"in het 0-scenario (bandbreedte {meur(end['local_low_meur'])} tot {meur(end['local_high_meur'])}; "
            f"{narrative.band_covers(view.whole_region)}), "
            f"{pct(share, 1 if share >= 0.001 else 2)} van het BLP dat het 0-scenario voor dat jaar geeft. Omgerekend "
            f"is dat {eur(per_inh)} extra BLP per inwoner (bij het nieuwste inwonertal in de gegevens, van {pop_year}; "
            f"hoeveel inwoners er in {year} zijn, is niet bekend). "
            f"Er zijn {num(end['extra_jobs_direct'])} banen "
            f"direct bij en {narrative.indirect_jobs(end['extra_jobs_indirect'])} in de gemeente. Het effect op het "
            "*inkomen* van inwoners is niet te berekenen: de beloning van werknemers per regio en de woonplaats van wie "
            "de banen invult zitten niet in deze gegevens.\n")


def _later(view: GemeenteView, pol: PolicyView, end: pd.Series) -> str:
    f = pol.facts
    jobs = end["extra_jobs_direct"] + end["extra_jobs_indirect"]
    human = (f"de naar schatting {num(round_estimate(jobs))} extra banen (direct en indirect) vragen "
             f"evenveel werkenden: {pct(jobs / f.working_age)} van de "
             f"{num(f.working_age)} inwoners van 15 tot 65 jaar ({f.age_year}). Wat dat vraagt aan opleiding en "
             "scholing is niet te zeggen: het opleidingsniveau per gemeente zit niet in deze gegevens (CBS, "
             "Onderwijsniveau bevolking)" if f.working_age == f.working_age else
             "niet beschikbaar (leeftijdsopbouw ontbreekt in de gegevens)")
    vacant = f.vacant_pct
    empty = ((f", waarvan {pct(vacant / 100, 0 if vacant == round(vacant) else 1)} leegstaat (ongeveer "
              f"{num(round_estimate(f.dwellings * vacant / 100))}; leeg wil zeggen dat er niemand ingeschreven staat, "
              "dus ook tweede woningen en vakantiewoningen tellen mee, en die zijn niet vanzelf ruimte voor "
              "nieuwkomers)") if vacant == vacant else " (hoeveel er leegstaan, zit niet in deze gegevens)")
    housing = (f"de gemeente telt {num(f.dwellings)} woningen ({f.housing_year}){empty}. Wie van buiten komt werken en "
               "hier wil wonen, vraagt woningen; hoeveel hangt af van waar de nieuwe werknemers gaan wonen, en dat is "
               "niet bekend" if f.dwellings == f.dwellings else "niet beschikbaar (woningvoorraad ontbreekt in de gegevens)")
    return (f"- **Later** (wat de ingreep doet met de voorraden waar de welvaart van later op rust):\n"
            f"    - *Economisch kapitaal*: zolang de banen blijven, blijft ook de extra toegevoegde waarde van "
            f"{meur(end['local_meur'])} per jaar. Cijfers over de investeringen die ervoor nodig zijn, ontbreken (de "
            "CBS-statistiek van de investeringen per regio zit niet in deze gegevens).\n"
            f"    - *Menselijk kapitaal*: {human}.\n"
            f"    - *Wonen*: {housing}.\n"
            "    - *Natuurlijk kapitaal* (ruimte, bodem, uitstoot): niet beschikbaar; ruimtebeslag en uitstoot per "
            "baan staan niet in deze gegevens (bronnen: IBIS Werklocaties, Klimaatmonitor).\n"
            "    - *Sociaal kapitaal*: niet beschikbaar (CBS, Sociale samenhang en welzijn).\n")


DOMINANT_SHARE = 0.5  # a gemeente with this share of its COROP's value added is most of the region's supply chain


def _elsewhere(view: GemeenteView, pol: PolicyView, end: pd.Series) -> str:
    split = _where_effects_land(view, end)
    f = pol.facts
    commute = ""
    if f.jobs_per_1000 == f.jobs_per_1000:
        more = f.jobs_per_1000 > f.nl_jobs_per_1000
        commute = (f" {view.name} heeft {num(f.jobs_per_1000)} banen van werknemers per 1.000 inwoners ({f.jobs_year}; "
                   f"Nederland {num(f.nl_jobs_per_1000)}): "
                   + ("er werken al meer mensen dan het inwonertal doet verwachten, dus een deel van de nieuwe banen "
                      f"wordt waarschijnlijk ingevuld door mensen die buiten {view.name} wonen. Hun loon landt waar zij "
                      "wonen; het woon-werkverkeer belast de verbindingen tussen hier en daar."
                      if more else
                      "er werken minder mensen dan het inwonertal doet verwachten, dus nieuwe banen kunnen ook "
                      "inwoners die nu elders werken dichter bij huis aan het werk helpen (minder pendel)."))
    share = view.headline["share_of_corop"]
    dominant = (f" {view.name} levert {pct(share, 0)} van de toegevoegde waarde van haar COROP-gebied; de vuistregel "
                "(FLQ) rekent dan bijna alle toelevering binnen het gebied aan de gemeente zelf toe. In werkelijkheid "
                "leveren ook de buurgemeenten: het deel voor de rest van het COROP-gebied is eerder te laag dan te "
                "hoog." if share >= DOMINANT_SHARE and not view.whole_region else "")
    where = (f"landt {meur(split['rest van Nederland'])} elders in Nederland, bij toeleveranciers ({view.name} is het "
             "hele COROP-gebied, dus ook de buurgemeenten tellen hier mee)." if view.whole_region else
             f"landt {meur(split['rest van het COROP-gebied'])} in de rest van het COROP-gebied en "
             f"{meur(split['rest van Nederland'])} elders in Nederland, bij toeleveranciers.")
    return (f"- **Elders** (in {int(end['year'])}, per jaar): *wat het elders oplevert* — van het totale effect in "
            f"Nederland ({meur(end['nl_meur'])}) {where}{dominant} "
            f"{meur(split['buitenland (invoer)'])} aan grondstoffen en diensten komt uit het buitenland (invoer in de "
            f"hele Nederlandse keten). *Pendel en verdringing* — {commute.strip() or 'pendel: niet beschikbaar.'} "
            "Banen die elders verdwijnen doordat bedrijven verhuizen of personeel overnemen (verdringing) zitten niet "
            "in het model: het effect voor Nederland als geheel is daardoor een bovengrens.\n")


def impact(view: GemeenteView, pol: PolicyView) -> None:
    md("Zoals de CBS Monitor Brede Welvaart: *hier en nu* is wat de ingreep in het scenariojaar in de gemeente zelf "
       "oplevert (productie en banen; het inkomen van de inwoners is met deze gegevens niet te meten), *later* wat de ingreep doet met de voorraden waar toekomstige welvaart op rust (economisch, "
       "menselijk, sociaal en natuurlijk kapitaal), *elders* wat er buiten de gemeente gebeurt, in winst én lasten.")
    for i, s in enumerate(pol.scenarios):
        end = s.path.iloc[-1]
        md(f"**{literal(s.name)}** (eindjaar {int(end['year'])})\n\n" + _here_and_now(view, pol, end)
           + _later(view, pol, end)
           + _elsewhere(view, pol, end))
        split = _where_effects_land(view, end)
        show_chart(view, impact_figure, pol, i, alt=f"Gestapelde staaf: waar het effect in Nederland in "
                   f"{int(end['year'])} landt: " + "; ".join(f"{k} {meur(v)}" for k, v in split.items()
                                                            if k != "buitenland (invoer)")
                   + f". {impact_title(view, pol, i)}.")


def levers_title(view: GemeenteView, pol: PolicyView) -> str:
    top = pol.levers.iloc[0]
    return (f"+{view.params.beleid.lever_jobs} banen leveren het meest op in {in_sentence(top['label_nl'])}: "
            f"{meur(top['jobs_local_meur'])} per jaar")


def levers_figure(view: GemeenteView, pol: PolicyView):
    return titled(charts.levers_chart(pol.levers, view.params.beleid.lever_jobs), levers_title(view, pol))


def lever_table(view: GemeenteView, pol: PolicyView) -> None:
    b = view.params.beleid
    show_chart(view, levers_figure, pol, alt=f"Staafdiagram per sector van het extra BLP bij "
               f"{view.params.beleid.lever_jobs} extra banen, direct en via toeleveranciers. {levers_title(view, pol)}.")
    # no '+' in front: a spreadsheet reads a cell starting with '+' as a formula, so the download would show "'+100"
    table(pol.levers, {"label_nl": "Sector", "jobs_direct_meur": f"{b.lever_jobs} banen erbij: direct",
                       "jobs_local_meur": f"{b.lever_jobs} banen erbij: met multiplier (gemeente)",
                       "jobs_nl_meur": f"{b.lever_jobs} banen erbij: met multiplier (NL)",
                       "est_direct_meur": f"{b.lever_establishments} vestigingen erbij: direct",
                       "est_local_meur": f"{b.lever_establishments} vestigingen erbij: met multiplier"},
          {c: 1 for c in ["jobs_direct_meur", "jobs_local_meur", "jobs_nl_meur", "est_direct_meur", "est_local_meur"]})
    md("Bedragen in mln euro per jaar. Twee sectoren staan er niet in. Onroerend goed (L): de toegevoegde waarde van "
       "die sector is vooral de toegerekende huur van koopwoningen, en daar kan een gemeente niet met banen of "
       "vestigingen aan draaien. Landbouw (A): daar werken vooral zelfstandigen, die niet als werknemer tellen, zodat "
       "de toegevoegde waarde per werknemersbaan veel te hoog uitvalt. De knoppen tonen waar een extra baan gemiddeld "
       "het meeste toevoegt, niet wat haalbaar of wenselijk is"
       + (f"; bij een gemeente van ongeveer {num(round(pol.facts.jobs, -2))} banen ({pol.facts.jobs_year}) is "
          f"+{view.params.beleid.lever_jobs} banen in één sector al een grote stap." if pol.facts.jobs == pol.facts.jobs
          and pol.facts.jobs < 100 * view.params.beleid.lever_jobs else ".")  # the step is 1 % of all jobs or more
       + _exceptional_per_job_text(pol.per_job, view.data.industry_labels(), view.region_row()["corop_name"]))


def lm3_title(pol: PolicyView) -> str:
    return f"Met deze bestedingsaandelen levert elke lokaal bestede euro {EURO}{num(pol.lm3.lm3, 2)} aan lokale bestedingen op"


def lm3_figure(view: GemeenteView, pol: PolicyView):
    return titled(charts.lm3_chart(pol.lm3, view.params.beleid.lm3.label), lm3_title(pol))


def money_flows(view: GemeenteView, pol: PolicyView) -> None:
    lm = view.params.beleid.lm3
    if pol.lm3 is None:
        md(f"Voor {view.name} zijn (nog) geen bestedingsaandelen bekend. De LM3 vraagt om gegevens uit een enquête "
           "onder lokale ondernemers: welk deel van hun omzet zij lokaal besteden. Die cijfers zijn niet te schatten "
           "uit openbare statistiek, dus dit onderdeel blijft leeg tot de gemeente ze verzamelt.")
        return
    r = pol.lm3
    md(f"**{literal(lm.label)}.** Bron van de aandelen: {literal(lm.source)}\n\n"
       f"Van {eur(r.round1)} (ronde 1) wordt {eur(r.round2)} lokaal besteed (ronde 2) en daarvan weer {eur(r.round3)} "
       f"(ronde 3: de ontvangers besteden het opnieuw lokaal). **LM3 = (R1 + R2 + R3) / R1 = {num(r.lm3, 2)}**: elke euro levert lokaal {EURO}{num(r.lm3, 2)} aan "
       "bestedingen op. De rechtergrafiek laat zien waar het geld weglekt.")
    show_chart(view, lm3_figure, pol, alt="Twee staafdiagrammen: de drie bestedingsrondes, en per categorie wat "
               f"lokaal blijft en wat weglekt. {lm3_title(pol)}.")


def uncertainty(view: GemeenteView, pol: PolicyView) -> None:
    md("**Hoe zeker zijn deze getallen?** Alle effecten rusten op het BLP ("
       + ("de gepubliceerde toegevoegde waarde van het COROP-gebied, dat de gemeente helemaal beslaat"
          if view.whole_region else "met de foutmarge uit rapport 2") + "), op de "
       "gemiddelde productiviteit per sector in het COROP-gebied, en op een landelijke input-outputtabel die met een "
       "vuistregel naar de gemeente is vertaald (de bandbreedte hierboven). Nieuwe banen in een sector zijn niet per "
       "se even productief als het gemiddelde; verdringing en capaciteitsgrenzen (arbeidsmarkt, ruimte, woningen) "
       "zitten niet in het model. Gebruik de uitkomsten als orde van grootte om beleidsopties te vergelijken, niet "
       "als voorspelling.")


def figures(view: GemeenteView):
    """The charts of this report, in the order it shows them (``blp.rapport.figures``)."""
    pol = policy_view(view)
    yield planned(view, scenarios_figure, pol)
    for i in range(len(pol.scenarios)):
        yield planned(view, impact_figure, pol, i)
    yield planned(view, levers_figure, pol)
    if pol.lm3 is not None:
        yield planned(view, lm3_figure, pol)
