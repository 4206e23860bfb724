"""Dutch text for the reports, built from the figures (pure functions, so they can be tested)."""

from __future__ import annotations

import math

from blp.beleid.scenarios import STRONG_LQ
from blp.berekening.keys import MEASURE_NL
from blp.berekening.series import LINKED
from blp.data.canonical import EMBEDDED_SOURCE, ROUNDED_JOBS, TOTAL, UNASSIGNABLE_GEMEENTE
from blp.dutch import in_sentence, listing, round_estimate
from blp.rapport.fmt import eur, meur, meur_same, num, pct


def headline_text(h: dict, ranks) -> str:
    """The opening paragraph of the BLP report."""
    nl_rank = ranks.iloc[0]
    unit = MEASURE_NL.get(h["key_measure"], h["key_measure"])
    per_unit = {"vestigingen": "vestiging", "banen": "baan"}.get(unit, unit)
    whole = h.get("whole_region", False)
    return (
        f"Het **Bruto Lokaal Product (BLP)** van **{h['gemeente_name']}** bedroeg in {h['choice_va_year']} "
        + (f"**{meur(h['blp_meur'])}**: de gepubliceerde toegevoegde waarde van het COROP-gebied {h['corop_name']}, dat "
           "uit alleen deze gemeente bestaat. Dat is" if whole else
           f"naar schatting **{meur(h['blp_meur'])}**. Dat is") + f" **{eur(h['blp_per_inhabitant_eur'])} per inwoner** ("
        + ("" if whole else f"COROP-gebied {h['corop_name']}: {eur(h['corop_per_inhabitant_eur'])}; ")
        + f"Nederland: {eur(h['nl_per_inhabitant_eur'])}; de middelste gemeente: "
        f"{eur(round(h['median_per_inhabitant_eur'], -2))}) en {eur(h['blp_per_key_unit_eur'])} per {per_unit} ("
        + ("" if whole else f"COROP-gebied: {eur(h['corop_per_key_unit_eur'])}; ")
        + f"Nederland: {eur(h['nl_per_key_unit_eur'])}). "
        + per_inhabitant_parts(h) + "\n\n"
        + ("" if whole else
           f"{h['gemeente_name']} levert {pct(h['share_of_corop'])} van de toegevoegde waarde van "
           f"{h['corop_name']} ({meur(h['corop_blp_meur'])})")
        + (f"; daarnaast {meur(h['blp_meur'] - h['share_of_corop'] * h['corop_blp_meur'])} voor het deel van de "
           f"gemeente dat in de cijfers van {h['choice_va_year']} nog bij een ander COROP-gebied hoorde"
           if h["blp_meur"] - h["share_of_corop"] * h["corop_blp_meur"] > 0.05 else "")
        + ("" if whole else ". ") + f"Van de {nl_rank['n']} gemeenten staat "
        f"{h['gemeente_name']} op plaats {nl_rank['blp_meur']} naar omvang van het BLP en op plaats "
        f"{nl_rank['blp_per_inhabitant_eur']} naar BLP per inwoner."
    )


# what a scenario's band covers: only the share of the supply chain that stays local (FLQ's delta), not the BLP's own
# error band or displacement (a reader's finding: it read as far more precise than it is)
LOCAL_SHARE_ONLY = "die dekt alleen hoeveel van de toelevering in de gemeente blijft"
BAND_COVERS = LOCAL_SHARE_ONLY + "; de foutmarge van het BLP zelf (rapport 2) komt daar nog bij"


def band_covers(whole_region: bool) -> str:
    """``BAND_COVERS``; a gemeente that is its whole COROP region has no error band of its own to add."""
    return LOCAL_SHARE_ONLY if whole_region else BAND_COVERS


def whole_region_text(h: dict) -> str:
    """In place of the error band, for a gemeente that is its whole COROP region (Eemsdelta): nothing was allocated,
    so the allocation has no error to measure; what stays uncertain is the published figure itself."""
    sectors = (", in totaal; de verdeling over de sectoren is in dat jaar wel geschat (uit het gepubliceerde totaal)"
               if h.get("corop_sectors_estimated") else ", ook per sector")
    return (f"**Foutmarge van de verdeling: geen.** {h['gemeente_name']} is precies het COROP-gebied "
            f"{h['corop_name']}, ook in de gemeentelijke indeling waarin de toegevoegde waarde van "
            f"{h['choice_va_year']} is gepubliceerd. Het BLP is daarom de gepubliceerde toegevoegde waarde van dat "
            f"gebied{sectors}: er is niets over gemeenten verdeeld, en elke verdeelsleutel geeft hetzelfde. Onzeker "
            "blijft alleen wat bij elk gepubliceerd cijfer onzeker is: regionale rekeningen worden bij een revisie "
            "bijgesteld.")


PARTS_CLEAR = 1.5  # one factor of BLP per inhabitant against NL's moves it this many times as much as the other


def per_inhabitant_parts(h: dict) -> str:
    """BLP per inhabitant = BLP per job x jobs per inhabitant, with which of the two sets the gemeente apart from NL
    (``parts_conclusion``). Only for the jobs key."""
    if h["key_measure"] != "jobs":
        return ""
    return (f"Het BLP per inwoner is het BLP per baan maal het aantal banen per inwoner: {h['gemeente_name']} heeft "
            f"{num(h['key_per_1000_inhabitants'])} banen van werknemers per 1.000 inwoners ({split_years(h)}; Nederland: "
            f"{num(h['nl_key_per_1000_inhabitants'])}). " + parts_conclusion(h)).strip()


def split_years(h: dict) -> str:
    """'banen 2019, inwoners 2020': the years behind jobs per inhabitant (reports 3 and 4 show the newest year's)."""
    return f"banen {h['choice_key_year']}, inwoners {h['choice_population_year']}"


def parts_conclusion(h: dict) -> str:
    """Which factor of BLP per inhabitant sets the gemeente apart from NL: its jobs per inhabitant or its BLP per job
    (a reader's finding: Almere's low BLP per inhabitant is its few jobs per inhabitant, not what a job adds). '' with
    another key, without jobs, or within 10 % of NL per inhabitant unless two differences of 10 % or more cancel."""
    values = [h["key_per_1000_inhabitants"], h["nl_key_per_1000_inhabitants"], h["blp_per_key_unit_eur"],
              h["nl_per_key_unit_eur"]]
    if h["key_measure"] != "jobs" or not all(math.isfinite(v) and v > 0 for v in values):
        return ""  # no jobs (or no value added) to split by: nothing to say
    by_jobs = math.log(h["key_per_1000_inhabitants"] / h["nl_key_per_1000_inhabitants"])
    by_value = math.log(h["blp_per_key_unit_eur"] / h["nl_per_key_unit_eur"])
    # the value per job within a COROP region is the region's per sector (weighted by job density), not measured for
    # the gemeente: where it carries the conclusion, say so (a reader's finding)
    assumed = ("" if h.get("whole_region") else  # the gemeente is its region: its value per job is measured
               " De toegevoegde waarde per baan is daarbij niet voor de gemeente zelf gemeten: het is die van het "
               "COROP-gebied per sector" + (", hoger of lager naar de banendichtheid van de gemeente"
                                            if h.get("choice_density_correction") else "") + ".")
    total = by_jobs + by_value
    if abs(math.exp(total) - 1) < 0.1:
        # close to NL, but by two differences that cancel (Heerenveen: 683 jobs per 1.000 inhabitants against 491, at
        # € 64.730 a job against € 82.079): said, since a reader looks for it there (a reader's finding)
        if by_jobs * by_value < 0 and min(abs(by_jobs), abs(by_value)) >= math.log(1.1):
            return (f"Dat het BLP per inwoner dicht bij het landelijke ligt, komt doordat twee verschillen elkaar "
                    f"opheffen: naar verhouding {'veel' if by_jobs > 0 else 'weinig'} banen per inwoner, maar een "
                    f"{'lagere' if by_value < 0 else 'hogere'} toegevoegde waarde per baan ("
                    f"{eur(h['blp_per_key_unit_eur'])} tegen {eur(h['nl_per_key_unit_eur'])})." + assumed)
        return ""
    jobs = ("het aantal banen per inwoner ("
            + ("naar verhouding weinig banen: inwoners die elders werken, of niet werken" if by_jobs < 0 else
               "naar verhouding veel banen, ook voor mensen die van buiten komen werken") + ")")
    value = "de toegevoegde waarde per baan"
    lead = f"Dat het BLP per inwoner {'lager' if total < 0 else 'hoger'} is dan in Nederland, komt "
    opposing = by_jobs * by_value < 0  # the two pull apart: the one that points the way of the total sets it apart
    by_main_jobs = by_jobs * total > 0 if opposing else abs(by_jobs) >= abs(by_value)
    main, minor = (by_jobs, by_value) if by_main_jobs else (by_value, by_jobs)
    if opposing and math.exp(abs(minor)) - 1 >= 0.1:  # Eemsdelta: much value per job despite few jobs
        main_text, other = (jobs, value) if by_main_jobs else (value, "het aantal banen per inwoner")
        return lead + f"door {main_text}; {other} werkt de andere kant op." + assumed
    if opposing or abs(main) > PARTS_CLEAR * abs(minor):
        return (lead + f"vooral door {jobs}, niet door wat een baan toevoegt." if by_main_jobs else
                lead + f"vooral door {value}, niet door het aantal banen per inwoner." + assumed)
    return lead + "zowel door het aantal banen per inwoner als door de toegevoegde waarde per baan." + assumed


SMALL_JOBS = ROUNDED_JOBS  # below this many jobs, CBS's rounding of jobs to hundreds moves a gemeente's share visibly


def newest_text(newest: dict, h: dict, jobs: float | None = None, full_detail: bool = True) -> str:
    """The newest year with a published total, first, with the report's own year beside it (``full_detail``: that year
    has figures for every sector)."""
    text = (f"**BLP {newest['year']}{' (voorlopig)' if newest['provisional'] else ''}: {meur(newest['blp_meur'])}** "
            f"(het nieuwste jaar met de toegevoegde waarde per COROP-gebied in deze gegevens; de sectoren behalve "
            f"landbouw en nijverheid zijn daarin geschat). Hieronder volgt {h['choice_va_year']}, "
            + ("het nieuwste jaar met cijfers voor alle sectoren" if full_detail else
               "het gekozen jaar (ook daarin zijn de sectoren behalve landbouw en nijverheid geschat)")
            + "; daarop rust de rest van dit rapport.")
    if jobs is not None and jobs < SMALL_JOBS:
        text += (f" Let op: het CBS rondt banen per gemeente af op honderdtallen. Bij een gemeente met ongeveer "
                 f"{num(round(jobs, -2))} banen kan het verschil tussen jaren daardoor voor een groot deel afronding "
                 "zijn; vergelijk jaren alleen met voorzichtigheid.")
    return text


def division_link_text(corop_name: str, factor: float, link_year: int, first_year: int) -> str:
    """Where the series' years before ``link_year`` were linked to the newer COROP division (``factor``: full-detail
    value / series value in ``link_year``, ``blp.berekening.value_added.division_links``), say so; '' where the two
    agree within ``LINKED`` (the rounding of a million)."""
    if abs(factor - 1) <= LINKED:
        return ""
    return (f"**Let op, oudere jaren omgerekend:** in de reeks van het CBS volgt {corop_name} in {link_year} een oudere "
            "COROP-indeling dan in de cijfers per sector van dat jaar waarop deze berekening rust: gemeenten die er nu "
            "bij horen, hoorden er toen niet bij, of andersom. Daardoor is het totaal van het gebied in de reeks "
            f"{pct(abs(1 / factor - 1))} {'hoger' if factor < 1 else 'lager'}. De jaren {first_year} tot en met "
            f"{link_year - 1} zijn daarom met die verhouding omgerekend naar de nieuwere indeling (in de oudere CBS-cijfers "
            f"van vóór de revisie, de kolommen met *, ook {link_year} zelf en de reële groei van {link_year + 1}); zonder die omrekening zou {link_year} een sprong van "
            "die omvang tonen die niets met de economie te maken heeft. Dat is een benadering: het verschoven deel is "
            f"in elk jaar even groot verondersteld als in {link_year}.")


def exceptional_text(name: str, corop_name: str, rows: list[dict], share: float) -> str:
    """A sector whose value added per job in the region is far above NL's (one exceptional activity, such as gas
    extraction) is allocated by jobs like any other: the gemeente gets its share of that activity by its jobs in the
    sector, wherever in the region the activity itself is (Groningen: a quarter of its BLP in B-E at 2,2 times NL's
    value per job, said only in report 4: a reader's finding). ``rows``: label, ratio, corop_eur, nl_eur, blp_meur."""
    parts = "; ".join(f"{in_sentence(r['label'])}: {num(r['ratio'], 1)} keer het landelijke cijfer ({eur(r['corop_eur'])} tegen "
                      f"{eur(r['nl_eur'])} per baan), bij {name} {meur(r['blp_meur'])} van het BLP" for r in rows)
    return (f"**Let op, een uitzonderlijke sector:** in {corop_name} is de toegevoegde waarde per baan in "
            f"{'deze sector' if len(rows) == 1 else 'deze sectoren'} veel hoger dan landelijk ({parts}). Dat wijst op "
            "één bijzondere activiteit met veel toegevoegde waarde en weinig banen, zoals gaswinning. Het BLP verdeelt "
            "die waarde naar rato van de banen in de sector, dus de gemeente krijgt er een deel van naar haar banen, "
            f"ook als de activiteit zelf elders in het gebied zit: {'samen ' if len(rows) > 1 else ''}{pct(share)} van het "
            f"BLP van {name}. Lees dat "
            "deel als een verdeling van de regio, niet als een meting in de gemeente.")


def series_break_text(corop_name: str, factor: float, break_year: int, first_year: int) -> str:
    """Where the series changes COROP division inside it (``blp.berekening.series_breaks``: ``factor`` links the years
    before ``break_year``), say so; '' within ``LINKED``."""
    if abs(factor - 1) <= LINKED:
        return ""
    return (f"**Let op, grenswijziging in {break_year}:** in dat jaar gingen gemeenten (of delen ervan) over van het "
            "ene COROP-gebied naar het andere, en de reeks van het CBS volgt elk jaar de indeling van dat jaar. Zonder "
            f"omrekening zou {corop_name} in {break_year} {pct(abs(factor - 1))} "
            f"{'groeien' if factor > 1 else 'krimpen'} door die verschuiving alleen. Ook het aantal werkenden in de "
            "reeks springt dat jaar tussen de gebieden; daaraan is de grenswijziging herkend. De jaren "
            f"{first_year} tot en met {break_year - 1} zijn daarom omgerekend naar de indeling van {break_year}: de "
            f"gebieden die gemeenten uitwisselden, zijn verondersteld in {break_year} samen even hard te zijn gegroeid. "
            f"Hetzelfde is gedaan met de oudere CBS-cijfers (de kolommen met *), ook met hun reële groei in "
            f"{break_year}. Dat is een benadering: het CBS publiceert die jaren niet op de nieuwe indeling, en welke "
            "gemeenten verschoven, staat niet in deze gegevens.")


def choices_text(h: dict, key_label: str, population_year: int, whole_region_of: str | None = None) -> str:
    """Which years and key were used, stated plainly; ``whole_region_of``: the name of a gemeente that is its whole
    COROP region, for which the key changes nothing."""
    key_note = (f" (voor {whole_region_of}, dat het hele COROP-gebied beslaat, maakt de sleutel niets uit)"
                if whole_region_of else "")
    return (
        f"*Gebruikte gegevens:* regionale toegevoegde waarde {h['choice_va_year']} (COROP × sector), "
        f"verdeelsleutel {key_label}{key_note}, gemeentegrenzen van {h['choice_boundary_year']}, "
        f"inwoners {population_year}."
    )


METHOD_TEXT = """\
**Zo is het BLP berekend.** Het CBS publiceert de toegevoegde waarde per COROP-gebied en per sector,
maar niet per gemeente. Het BLP verdeelt daarom de toegevoegde waarde van elk COROP-gebied en elke
sector over de gemeenten in dat gebied, naar rato van hun economische activiteit in die sector (de
*verdeelsleutel*; welke per sector, staat hieronder):

> BLP van gemeente *g* = Σ over sectoren *s* van: toegevoegde waarde van COROP *c* in sector *s* ×
> (sleutel van *g* in *s*) / (sleutel van alle gemeenten van *c* in *s*)

De gemeenten van een COROP-gebied tellen zo precies (op de euro) op tot de toegevoegde waarde van
dat gebied. Er wordt verdeeld binnen de COROP-indeling waarin de toegevoegde waarde is gepubliceerd;
een gemeente die sindsdien is samengevoegd met een gemeente uit een ander COROP-gebied krijgt voor elk
deel het aandeel in het eigen gebied van toen.
"""

def density_text(correction) -> str:
    """The job-density weighting of the jobs key, with its measured elasticity (blp.berekening.productivity)."""
    import math

    e = correction.elasticity
    low, high = ((2 ** x - 1) * 100 for x in correction.spread)
    return (
        "**Weging naar banendichtheid.** Bij de sleutel banen telt niet elke baan even zwaar. In de cijfers die het "
        "CBS per COROP-gebied publiceert, is de toegevoegde waarde per baan in dezelfde sector hoger waar de banen "
        f"dichter op elkaar zitten (banen per km² land): gemiddeld {num(correction.percent_per_doubling(), 1)}% hoger "
        f"bij twee keer zoveel banen per km². Dat is gemeten op {correction.cells} combinaties van COROP-gebied en "
        f"sector in {correction.va_year}, elk gebied vergeleken met zijn provincie als geheel. Meet je het opnieuw en "
        f"laat je telkens één provincie weg, dan komt er tussen {num(low, 1)}% en {num(high, 1)}% uit: zo zeker is het "
        "getal. "
        "De banen van een gemeente wegen daarom mee met een factor: de banendichtheid van de gemeente gedeeld door die "
        f"van haar COROP-gebied, tot de macht {num(e, 3)} (de *elasticiteit*: zo groeit de toegevoegde waarde per baan "
        "mee met de dichtheid). Verder dan gemeten gaat de weging niet: een gemeente die meer dan "
        f"{num(math.exp(correction.high), 1)} keer zoveel banen per km² heeft als haar gebied, of "
        f"minder dan {pct(math.exp(correction.low), 0)} daarvan, weegt als een gemeente op die grens. Onroerend goed (L) "
        "wordt naar de woningwaarde verdeeld en niet gewogen. Of de samenhang ook tussen de gemeenten binnen een "
        "COROP-gebied zo geldt, is niet te toetsen: niemand publiceert hun toegevoegde waarde. Wat de weging één "
        "niveau hoger doet, staat bij ‘Hoe zeker is dit getal?’. De gemeenten van een gebied tellen nog steeds "
        "precies op tot de toegevoegde waarde van het gebied."
    )


DENSITY_NOTICE_PCT = 10.0  # the weighting moves a gemeente's BLP by this much or more: said beside the headline


def large_density_effect(effect: dict | None) -> dict | None:
    """``effect`` (``GemeenteView.density_effect``) when the weighting moves the BLP enough to say so wherever the
    BLP is shown (``DENSITY_NOTICE_PCT``), else None."""
    return effect if effect is not None and abs(effect["difference_pct"]) >= DENSITY_NOTICE_PCT else None


def density_notice(gemeente_name: str, effect: dict | None) -> str:
    """A warning where the job-density weighting moves the BLP much: by how much, why, and when it misleads."""
    if large_density_effect(effect) is None:
        return ""
    sparse = effect["difference_pct"] > 0  # without the weighting the BLP would be higher: fewer jobs per km²
    return (f"**Let op, weging naar banendichtheid:** zonder die weging zou het BLP van {gemeente_name} "
            f"{pct(abs(effect['difference_pct']) / 100, 0)} {'hoger' if sparse else 'lager'} zijn "
            f"({meur(effect['unweighted_meur'])}). {gemeente_name} heeft {'minder' if sparse else 'meer'} banen per "
            "km² land dan haar COROP-gebied"
            + (", een groter verschil dan in de gebieden waarop de weging gemeten is (de weging staat op haar grens)"
               if effect["beyond_range"] else "")
            + ". "
            + ("Liggen er in de gemeente uitzonderlijk productieve bedrijven (een haven, een luchthaven, "
               "energiecentrales, een datacentrum), dan valt het BLP met de weging waarschijnlijk te laag uit." if sparse
               else "Zijn de banen in de gemeente vooral banen met een lage toegevoegde waarde, dan valt het BLP met de "
               "weging waarschijnlijk te hoog uit.")
            + " De gevoeligheidsanalyse verderop toont beide uitkomsten.")


def published_cells(fit, labels: dict[str, str], gemeente: str, gemeente_name: str, boundary_year: int) -> str:
    """What the jobs fit did with published figures: kept, except a 0 of CBS's rounded figures (0 to 50 jobs),
    which is fitted up to its bound; names the gemeente if it is one of them."""
    cells = fit.below_rounding
    if cells.empty:
        return ("Gepubliceerde aantallen blijven zoals ze zijn." if fit.zero_bound else
                "Gegeven aantallen (uit het eigen bestand) blijven zoals ze zijn.")
    bound = num(fit.zero_bound)
    groups = listing([in_sentence(labels.get(g, g)) for g in dict.fromkeys(cells["group"])])
    n = cells["gemeente_code"].nunique()
    own = fit.matrix[(fit.matrix["gemeente_code"] == gemeente) & fit.matrix["group"].isin(set(cells["group"]))]
    estimates = []
    for group, part in own.groupby("group", sort=False):
        if part["below"].isna().any():  # only part of the gemeente published as 0 (its other part lay elsewhere)
            continue
        jobs, most, least = float(part["jobs"].sum()), float(part["below"].sum()), float(part["at_least"].sum())
        # a gemeente formed from several (or parts) of that year: its bounds are their sums, not 0 to 50
        merged = abs(most - fit.zero_bound) > 1e-6 or least > 0
        estimates.append(("" if cells["group"].nunique() == 1 else f"{in_sentence(labels.get(group, group))}: ")
                         + f"geschat op {num(round(jobs))}" + (", de bovengrens" if jobs >= most - 1e-6 else "")
                         + (f"; de grenzen zijn hier {num(round(least))} en {num(round(most))}, omdat de gemeente in "
                            f"{fit.year} uit meer dan één gemeente of delen daarvan bestond" if merged else ""))
    mine = f", waaronder {gemeente_name} ({'; '.join(estimates)})" if estimates else ""
    return (f"Gepubliceerde aantallen blijven zoals ze zijn, behalve een 0. Publiceert het CBS voor een gemeente "
            f"0 banen in een sector, dan zijn het er 0 tot {bound}: het CBS rondt af op honderdtallen. Zo'n 0 wordt "
            f"daarom niet overgenomen maar meegeschat, met {bound} als bovengrens. In {fit.year} geldt dat voor "
            f"{groups} in {n} {'gemeente' if n == 1 else 'gemeenten'} in heel Nederland (in de grenzen van "
            f"{boundary_year}){mine}." + partly_published(fit, boundary_year))


def partly_published(fit, boundary_year: int) -> str:
    """What the fit does with a gemeente of ``boundary_year`` of which the data publish only some parts; or ''."""
    if fit.matrix["at_least"].isna().all():
        return ""
    return (f" Van een gemeente die in {fit.year} nog uit meer gemeenten bestond (in de grenzen van {boundary_year}) "
            "waarvan niet elk deel gepubliceerd is, telt het gepubliceerde deel als ondergrens; de rest wordt geschat "
            "(‘deels gepubliceerd’ in de tabel).")


def zeros_as_published(data, year: int) -> str:
    """For a complete breakdown of CBS's rounded jobs, what a 0 in it means and that it counts as 0; else ''."""
    rows = data.activity[(data.activity["measure"] == "jobs") & (data.activity["year"] == year)
                         & (data.activity["industry_code"] != TOTAL)]
    if not data.rounding("jobs", year) or not (rows["value"] == 0).any():
        return ""
    return (f"Een 0 in die cijfers betekent 0 tot {num(data.rounding('jobs', year) / 2)} banen (het CBS rondt af op "
            "honderdtallen); de berekening telt die als 0.")


def jobs_in_data(data, year: int) -> str:
    """What the data of a run hold of employee jobs per gemeente in ``year``, and, for the embedded snapshot,
    that this is the extract's limit and not CBS's (CBS publishes them per section too)."""
    rows = data.activity[(data.activity["measure"] == "jobs") & (data.activity["year"] == year)
                         & (data.activity["gemeente_code"] != UNASSIGNABLE_GEMEENTE)]
    n = rows["gemeente_code"].nunique()
    groups = set(rows["industry_code"]) - {TOTAL}
    farms = rows.loc[rows["industry_code"] == "A", "gemeente_code"].nunique()
    if not groups:
        held = "alleen in totaal"
    elif groups == {"A"}:
        held = ("alleen in totaal en in de landbouw" if farms == n else
                f"alleen in totaal en, voor {num(farms)} van de {num(n)} gemeenten van {year}, in de landbouw")
    else:
        held = "in totaal en voor een deel van de gemeenten en sectoren ook per sector"
    own = data.own_activity.get("jobs", {}).get(year)
    where = f"In het eigen banenbestand ({own})" if own else "In de gegevens van deze berekening"
    text = (f"{where} staan de banen van werknemers per gemeente {held}; volledig per sector staan ze er alleen per "
            "COROP-gebied in.")
    if data.source == EMBEDDED_SOURCE and groups <= {"A"} and not own:
        text += (" Dat ligt aan de ingebouwde gegevens: die bevatten een uittreksel van CBS-tabel 83582NED met alleen "
                 "het totaal en, voor een deel van de gemeenten, de landbouw. Het CBS publiceert de banen per gemeente "
                 "ook per sector; een berekening met de actuele CBS-gegevens gebruikt die en schat alleen waar het "
                 "CBS een cel weglaat.")
    return text


def blended_groups(groups, labels: dict[str, str]) -> str:
    """The groups whose share averages jobs and establishments, in a sentence: 'bouwnijverheid (F) en cultuur,
    recreatie, overige diensten (R-U)'."""
    return listing([f"{in_sentence(labels.get(g, g))} ({g})" for g in groups])


def indirect_jobs(n: float) -> str:
    """The indirect jobs of a scenario, rounded as an estimate: 'naar schatting 770 indirect', or 'vrijwel geen
    indirecte' where that rounds to nothing (not 'naar schatting 0')."""
    rounded = round_estimate(n)
    return "vrijwel geen indirecte" if rounded == 0 else f"naar schatting {num(rounded)} indirect"


def density_per_job_note(gemeente_name: str, weight: float | None) -> str:
    """Why the policy effects value an extra job at the COROP's average although the BLP weights jobs by density."""
    if weight is None or abs(weight - 1) < 0.005:
        return ""
    return (f" In de BLP-berekening (rapport 2) telt een baan in {gemeente_name} door de weging naar banendichtheid "
            f"{pct(abs(weight - 1), 0)} {'meer' if weight > 1 else 'minder'} dan een gemiddelde baan in het "
            "COROP-gebied; of een extra baan dat ook doet, is niet gemeten. De effecten rekenen daarom met het "
            "gemiddelde van het gebied.")


def limits_text(density: bool) -> str:
    """Where the result leans and where it chafes; ``density``: the key is weighted by job density."""
    first = ("- *Productiviteit binnen een COROP-gebied.* De methode neemt aan dat een baan in dezelfde sector\n"
             "  overal in het gebied evenveel toevoegt"
             + (" als elders bij dezelfde banendichtheid" if density else "") + ". Een hoofdkantoor, een chemisch\n"
             "  complex, een haven of een luchthaven maakt een gemeente in werkelijkheid productiever dan "
             + ("haar dichtheid doet vermoeden" if density else "het gemiddelde") + ". Dit is"
             + (" nog steeds" if density else "") + " de grootste bron van\n  fouten in het BLP.\n")
    return LIMITS_TEXT.replace("{first}\n", first)


LIMITS_TEXT = """\
**Waar de uitkomst op leunt, en waar ze wringt.**

{first}
- *De verdeling van banen over sectoren binnen een gemeente is geschat* uit het totaal aantal banen
  van de gemeente, de banen per sector in het COROP-gebied en de vestigingen per sector (bij de landbouw
  het landoppervlak en de landbouwbanen van de gemeente, voor zover die in de gegevens staan). Een
  banenbestand per sector (bijvoorbeeld uit het LISA-register) maakt die schatting overbodig.
- *Woon-werkverkeer.* Het BLP meet wat er in de gemeente wordt *gemaakt*, niet wat haar inwoners
  verdienen. Gemeenten met veel inkomende pendel hebben een hoog BLP per inwoner; woongemeenten een laag.
- *Jaren lopen uiteen.* Toegevoegde waarde, sleutel en inwoners komen soms uit verschillende jaren en
  gemeentegrenzen; ze worden omgezet naar één indeling en de gebruikte jaren staan erbij.
- *Extra-regio* (zoals het continentaal plat) hoort bij geen enkele gemeente en wordt niet verdeeld.
"""


def error_band_text(h: dict, band, gemeente_name: str, largest_pct: float | None = None) -> str:
    """The error band of the BLP, estimated from the back-test, in words and euros."""
    # error = estimate / actual - 1, so the actual value lies between estimate / (1 + e) and estimate / (1 - e)
    e = band.p90_pct / 100
    lead = "**Foutmarge (geschat uit een toets op COROP-gebieden):** "
    measured = ""
    if largest_pct is not None:
        measured = (f" Ter vergelijking: de grootste afwijking die de toets op {band.n} COROP-gebieden werkelijk "
                    f"mat, was {pct(largest_pct / 100)}")
        if band.p90_pct > largest_pct:
            measured += ("; de marge hierboven is ruimer, omdat zij meeneemt dat kleinere gebieden meer afwijken en de "
                         "toets maar weinig kleine gebieden bevat")
        measured += "."
    if band.extrapolated:
        return (lead + f"**zeer groot**: {gemeente_name} is kleiner dan elk getoetst gebied. Volgens een lijn door de "
                f"toetsuitkomsten (fout naar omvang) wijkt bij het kleinste COROP-gebied de verdeling in de helft van de "
                f"gevallen minder dan {pct(band.median_pct / 100)} af en in 9 van de 10 minder dan {pct(e)}; bij een "
                f"gemeente van deze omvang is de fout waarschijnlijk nog groter. Lees het BLP als een orde van grootte."
                + measured)
    # the gemeente cannot have more than all of its COROP region's value added (and what it has from another region)
    most = h["blp_meur"] + h["corop_blp_meur"] * (1 - h["share_of_corop"])
    upper = h["blp_meur"] / (1 - e)
    capped = upper >= most
    return (lead + f"volgens een lijn door de toetsuitkomsten (fout naar omvang) wijkt een gebied van deze omvang in de "
            f"helft van de gevallen minder dan **{pct(band.median_pct / 100)}** af van de werkelijkheid, in 9 van de 10 "
            f"gevallen minder dan **{pct(e)}** (te hoog of te laag). Het werkelijke BLP ligt dan in 9 van de 10 "
            "gevallen tussen "
            f"{meur(h['blp_meur'] / (1 + e))} en {meur(min(upper, most))}"
            + (f" (de bovengrens is de hele toegevoegde waarde van {h['corop_name']}: meer kan de gemeente niet "
               "hebben, ook als de rest van het gebied niets zou krijgen)" if capped else "")
            + ". De fout is gemeten als percentage van "
            "het werkelijke BLP; daarom ligt de bovengrens verder van het bedrag dan de ondergrens." + measured)


def sensitivity_text(sens, gemeente_name: str, has_band: bool = True) -> str:
    """The spread among the variants of the main key's own measure (years, weighting, averaging, no sectors), and
    apart from it what the other measures give: those did worse in the test, so they are a comparison, not part of
    a range of equally good choices (a reader took Vaals's € 129 to 364 miljoen, the top from inhabitants, for one)."""
    measure = sens["key"].iloc[0].split("_")[0]
    own = sens[sens["key"].str.startswith(measure + "_")]
    other = sens[~sens["key"].str.startswith(measure + "_")]
    lo, hi = own["blp_meur"].min(), own["blp_meur"].max()
    main = sens["blp_meur"].iloc[0]
    low, high, main_shown = meur_same([lo, hi, main])
    spread = (hi - lo) / main
    extreme = ("laagste" if main <= lo else "hoogste" if main >= hi else "")
    compared = "; ".join(f"naar {MEASURE_NL.get(k.split('_')[0], k)} ({k.split('_')[1]}) {meur(v)}"
                         for k, v in zip(other["key"], other["blp_meur"]))
    return (
        f"Met de andere varianten van de sleutel naar {MEASURE_NL.get(measure, measure)} (andere jaren, zonder weging of "
        f"middeling, zonder sectoren) ligt het BLP van {gemeente_name} tussen **{low}** en **{high}** "
        f"(hoofdsleutel: {main_shown}); het verschil tussen de uitersten is {pct(spread, 0 if spread >= 0.1 else 1)} "
        "van de hoofduitkomst. "
        + (f"Ter vergelijking, met sleutels die in de toets slechter scoren: {compared}. " if compared else "")
        + (f"De hoofdsleutel geeft hier de {extreme} uitkomst van deze varianten; hij is gekozen op de toets tegen "
           "gepubliceerde cijfers (‘Hoe zeker is dit getal?’), niet om zijn uitkomst. " if extreme else "")
        + "Dit zegt hoeveel de *keuze* van de sleutel uitmaakt, niet hoe dicht het BLP bij de werkelijkheid ligt: "
        "ook sleutels die op elkaar lijken kunnen er samen naast zitten. "
        + ("Hoe groot die fout is, staat bij de foutmarge hierboven." if has_band else
           "Hoe groot die fout is, is met deze gegevens niet te meten (zie hierboven).")
    )


def peers_text(view_name: str, peers_desc: str, national, gemeente: str, peers: list[str]) -> str:
    n = national.set_index("gemeente_code")
    med = n.loc[peers, "blp_per_inhabitant_eur"].median()
    own = n.loc[gemeente, "blp_per_inhabitant_eur"]
    word = "hoger" if own > med else "lager"
    return (f"Vergeleken met {peers_desc} is het BLP per inwoner van {view_name} ({eur(own)}) "
            f"{word} dan de mediaan van die groep ({eur(med)}, {pct(own / med - 1, signed=True)}).")


MIRROR_SPREAD = 1.25  # sector weights within this factor of each other (gemeente against region): a copy of the region


def _mirrors_region(structure) -> float | None:
    """How far at most the gemeente's sector weights depart from its region's (0.09: 9 %), when they all lie within
    ``MIRROR_SPREAD`` of each other: then the estimated split is mostly the region's own; else None. Real estate
    (allocated by housing value) and sectors under 1 % of the region are left out."""
    s = structure[(structure["group"] != "L") & (structure["share_corop"] > 0.01)]
    ratio = (s["share_gemeente"] / s["share_corop"]).dropna()
    if len(ratio) < 3 or ratio.min() <= 0 or ratio.max() / ratio.min() >= MIRROR_SPREAD:
        return None
    return float(max(1 - ratio.min(), ratio.max() - 1))


SURPLUS_NOTED = 1.5  # this many times the jobs its establishments suggest: a gemeente is told its split is uncertain


def surplus_text(gemeente_name: str, jobs: float, expected: float) -> str:
    """Where a gemeente has far more jobs than its establishments suggest, the fit spreads the surplus over every
    sector in proportion, while a few large employers hold it (Haarlemmermeer, Schiphol: a reader's finding); ''."""
    if expected <= 0 or jobs / expected < SURPLUS_NOTED:
        return ""
    return (f"**Extra onzeker in {gemeente_name}:** de gemeente heeft {num(jobs / expected, 1)} keer zoveel banen "
            f"({num(round(jobs, -2))}) als haar vestigingen bij het landelijke aantal banen per vestiging doen verwachten "
            f"({num(round(expected, -2))}). De schatting verdeelt dat overschot naar verhouding over alle sectoren, "
            "terwijl het in werkelijkheid meestal bij enkele grote werkgevers in één of twee sectoren zit (een "
            "luchthaven, een ziekenhuis, een hoofdkantoor). De sectoren van die werkgevers komen daardoor waarschijnlijk "
            "te laag uit en de andere te hoog. Ook het totale BLP kan daardoor verschuiven, want een baan voegt in de ene "
            "sector meer toe dan in de andere; in welke richting is met deze gegevens niet te zeggen.")


def structure_text(structure, labels: dict[str, str], gemeente_name: str, measure: str = "jobs",
                   density: bool = False, estimated: bool = False, blended: tuple[str, ...] = (),
                   whole_region: bool = False) -> str:
    """Which sectors the gemeente specialises in, judged by its own activity (its share of jobs against
    NL's), not by its allocated value added, which follows the COROP's productivity; ``estimated``: its jobs per
    sector were estimated from establishments, and what that misses is said; ``blended``: the groups whose key also
    counts establishments (their value added per job is not the region's); ``whole_region``: the gemeente is its
    COROP region, so its value added per sector is the region's published one and nothing here is allocated."""
    unit = MEASURE_NL.get(measure, measure)
    top = structure.dropna(subset=["activity_lq"]).sort_values("activity_lq", ascending=False)
    strong = [f"{in_sentence(labels.get(r.group, r.group))} ({num(r.activity_lq, 2)})"
              for r in top.itertuples() if r.activity_lq >= STRONG_LQ][:3]
    weak = [f"{in_sentence(labels.get(r.group, r.group))} ({num(r.activity_lq, 2)})"
            for r in top.iloc[::-1].itertuples() if r.activity_lq <= 0.9][:3]
    text = (f"Welke sectoren zijn in {gemeente_name} sterk vertegenwoordigd? Dat volgt uit de eigen activiteit van "
            f"de gemeente: het aandeel van een sector in haar {unit}, gedeeld door dat aandeel in Nederland (de "
            "*locatiequotiënt van de {unit}*; boven 1 is de sector in de gemeente sterker vertegenwoordigd)"
            + (", met de geschatte verdeling van de banen over de sectoren" if estimated else "") + ". ")
    text = text.replace("{unit}", unit)
    if strong:
        text += f"{gemeente_name} is relatief sterk in {listing(strong)}. "
    if weak:
        text += f"Relatief klein {'is' if len(weak) == 1 else 'zijn'} {listing(weak)}. "
    mirrored = _mirrors_region(structure) if estimated else None
    if mirrored is not None:
        text += (f"Let wel: in {gemeente_name} wijkt het aandeel van elke sector in het BLP hooguit {pct(mirrored, 0)} "
                 "af van dat in het COROP-gebied. De geschatte verdeling volgt hier dus grotendeels die van de regio, "
                 "en de specialisaties zeggen vooral iets over de regio. ")
    if estimated and (strong or weak):
        text += ("Die verdeling over de sectoren is geschat uit de vestigingen per sector (de landbouw uit het "
                 "landoppervlak, dat ook natuur telt, zoals duinen en kwelders op de Waddeneilanden): een grote "
                 "werkgever telt "
                 "daarin als één vestiging, zodat een gemeente met één groot bedrijf in een sector (een chemisch "
                 "complex, een pensioenfonds) daar lager uitkomt dan ze is, en holdings zonder personeel tellen mee in "
                 "de financiële dienstverlening, zodat een gemeente met veel holdings daar te hoog uitkomt. Openbaar "
                 "bestuur, onderwijs en zorg telt het CBS bij de vestigingen samen met de boerenbedrijven, dus in een "
                 "regio met veel landbouw schuift die sector in de schatting naar de plattelandsgemeenten, en komt een "
                 "centrumgemeente met ziekenhuis en scholen daar lager uit dan ze is. Wie de eigen "
                 "banen per sector kent (LISA), ziet het preciezer. ")
    if whole_region:
        return text + (f"Omdat {gemeente_name} het hele COROP-gebied is, zijn haar banen per sector die van het gebied "
                       "en is haar toegevoegde waarde per sector de gepubliceerde van het gebied: hier is niets "
                       "verdeeld, en de specialisaties zijn die van de gemeente zelf.")
    if density:
        text += ("De toegevoegde waarde per baan in een sector is in deze berekening die van het COROP-gebied, alleen "
                 "hoger of lager naar de banendichtheid van de gemeente: of de gemeente in een sector om een andere "
                 "reden productiever is dan haar regio, is met deze gegevens niet te zien.")
    else:
        text += ("De toegevoegde waarde per baan in een sector is in deze berekening die van het COROP-gebied: "
                 "of de gemeente in een sector productiever is dan haar regio, is met deze gegevens niet te zien.")
    if blended:
        text += (f" Uitzondering: bij {blended_groups(blended, labels)} tellen ook de vestigingen mee in de verdeling "
                 "(zie ‘Verantwoording’), zodat de toegevoegde waarde per baan daar hoger uitkomt in een gemeente met "
                 "naar verhouding veel vestigingen, en lager in een gemeente met weinig.")
    return text
