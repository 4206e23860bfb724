"""Sections of notebook 01: which data, from where, and how it was checked."""

from __future__ import annotations

import pandas as pd

from blp.berekening.quality import WARN, checks_table
from blp.berekening.series import linked_breaks
from blp.berekening.keys import MEASURE_NL
from blp.berekening.productivity import region_mean_factor
from blp.berekening.value_added import totals
from blp.rapport import narrative
from blp.rapport.chrome import source_text
from blp.rapport.context import GemeenteView
from blp.rapport.display import md, table
from blp.rapport.fmt import eur, meur, num, pct

TABLE_NL = {
    "regions": "Regio-indeling (gemeente → COROP → provincie)",
    "value_added": "Toegevoegde waarde per COROP × sector",
    "establishments": "Vestigingen per gemeente × sector",
    "regional_jobs": "Banen van werknemers per COROP × sector",
    "indicators": "Kerncijfers per gemeente (inwoners, wonen, inkomen, ...)",
    "boundary_changes": "Herindelingsgewichten (adressen)",
    "industries": "Sectorindeling",
    "jobs_gemeente": "Banen van werknemers per gemeente (totaal, landbouw)",
    "value_added_series": "Toegevoegde waarde per regio en jaar (totaal, landbouw, nijverheid)",
    "shapes": "Gemeentegrenzen voor de kaarten",
}


def _years_text(years) -> str:
    years = sorted(int(y) for y in pd.unique(years))
    return ", ".join(map(str, years)) if len(years) <= 4 else f"{years[0]}–{years[-1]}"


def table_years(view: GemeenteView) -> dict[str, str]:
    """The years each canonical table covers, as read."""
    d = view.data
    series = d.value_added_series
    return {"regions": _years_text(d.regions["year"]), "value_added": _years_text(d.value_added["year"]),
            "value_added_series": _years_text(series["year"]) if series is not None and len(series) else "",
            "establishments": _years_text(d.activity.loc[d.activity["measure"] == "establishments", "year"]),
            "jobs_gemeente": _years_text(d.activity.loc[d.activity["measure"] == "jobs", "year"]),
            "shapes": str(d.shapes.year) if d.shapes and d.shapes.year else "",
            "regional_jobs": _years_text(d.regional_jobs["year"]), "indicators": _years_text(d.indicators["year"]),
            "boundary_changes": (_years_text(d.boundary_changes["from_year"]) + " → "
                                 + _years_text(d.boundary_changes["to_year"])) if len(d.boundary_changes) else "",
            "industries": ""}


# English words in the sources' own descriptions, as a Dutch reader gets them.
SOURCE_WORDS = {"(ages 16-25)": "(16–25 jaar)", "supply and use tables": "aanbod- en gebruikstabellen"}


def _dutch_words(text: str) -> str:
    for english, dutch in SOURCE_WORDS.items():
        text = text.replace(english, dutch)
    return text


def inputs_frame(view: GemeenteView) -> pd.DataFrame:
    """One row per input file: what it is, its source, years, size and checksum."""
    years = table_years(view)
    rows = []
    for f in view.data.inputs:
        rows.append({"Tabel": TABLE_NL.get(f.table, f.table), "Bron": _dutch_words(f.source), "Licentie": f.licence,
                     "Jaren": years.get(f.table, ""), "Rijen": f.rows, "Bestand": f.path.rsplit("/", 1)[-1],
                     "sha256 (begin)": f.sha256[:16]})
    return pd.DataFrame(rows)


def title(view: GemeenteView) -> None:
    md(f"# Dataverzameling: {view.name} ({view.gemeente})\n\n"
       f"Gegevensbron van deze berekening: {source_text(view.data.source)}.")


def inputs(view: GemeenteView) -> None:
    table(inputs_frame(view), formats={"Rijen": 0})
    if view.data.notes:
        md("**Bij de bronnen:**\n" + "\n".join(f"- {n}" for n in view.data.notes))
    weights = [f for f in view.data.inputs if f.table == "boundary_changes"]
    if weights and "NC" in weights[0].licence:
        md(f"**Licentie van de herindelingsgewichten: {weights[0].licence}.** Ze komen uit het pakket "
           "*grenswijzigen* (VNG) en mogen **niet commercieel** worden gebruikt (bijvoorbeeld niet in een betaalde "
           "BLP-pilot); wat ermee is berekend, valt onder dezelfde licentie. Voor commercieel gebruik: eigen "
           "gewichten uit CBS-gegevens.")
    md("De volledige controlegetallen (sha256) staan in `manifest.json` bij deze berekening; met dezelfde bestanden "
       "en dezelfde programmaversie komen er exact dezelfde cijfers uit.")


def region(view: GemeenteView) -> None:
    row = view.region_row()
    n = view.result.national
    members = n[n["corop_code"] == row["corop_code"]].sort_values("gemeente_name")
    md(f"{view.name} ligt in COROP-gebied **{row['corop_name']}** ({row['corop_code']}) in de provincie "
       f"**{row['provincie_name']}**, op de gemeentegrenzen van {view.choices.boundary_year}. "
       + (f"{view.name} is de enige gemeente van het COROP-gebied." if len(members) == 1 else
          f"Het COROP-gebied telt {len(members)} gemeenten: {', '.join(members['gemeente_name'])}."))


def gemeente_activity_frame(view: GemeenteView) -> pd.DataFrame:
    """The gemeente's key per group as used (after boundary conversion), with the COROP's: in the gemeente's
    own COROP region (a part that the value added counts in another COROP is shown in the notes)."""
    key = view.result.key
    corop_code = view.region_row()["corop_code"]
    in_corop = key.table[key.table["corop_code"] == corop_code]
    own = in_corop[in_corop["gemeente_code"] == view.gemeente].groupby("group")["key"].sum()
    corop = in_corop.groupby("group")["key"].sum()
    va = view.result.va
    corop_va = va[va["corop_code"] == corop_code].groupby("group")["value_meur"].sum()
    labels = view.data.industry_labels()
    groups = list(view.result.concordance.groups)
    return pd.DataFrame({
        "Sector": [labels.get(g, g) for g in groups],
        "Verdeeld naar": [key.key_of(g, corop_code) for g in groups],
        "Sleutel gemeente": own.reindex(groups).fillna(0).to_numpy(),
        "Sleutel COROP-gebied": corop.reindex(groups).fillna(0).to_numpy(),
        "Aandeel gemeente": (own.reindex(groups).fillna(0) / corop.reindex(groups)).to_numpy(),
        "Toegevoegde waarde COROP (mln euro)": corop_va.reindex(groups).to_numpy(),
    })


def _weighted_jobs_note(view: GemeenteView) -> str:
    """With the job-density weighting: the key's figures are weighted jobs; the gemeente's factor against the
    average of its region, so it reads as the '6 % more' of reports 2 and 4, not as a second, larger number."""
    key, corop = view.result.key, view.region_row()["corop_code"]
    if key.density is None or key.density_units is None or (corop, view.gemeente) not in key.density_units.index:
        return ""
    factor = float(key.density_units.loc[(corop, view.gemeente), "factor"])
    mean = region_mean_factor(key.density_units, corop)
    weight = view.density_weight
    compared = (f"een baan in {view.name} telt dus {pct(abs(weight - 1), 0)} {'meer' if weight > 1 else 'minder'} dan "
                "een gemiddelde baan in het gebied" if weight is not None and abs(weight - 1) >= 0.005 else
                f"een baan in {view.name} telt dus ongeveer even zwaar als een gemiddelde baan in het gebied")
    blended = (f" Bij {narrative.blended_groups(key.blended, view.data.industry_labels())} is het getal een "
               "rekengetal: het gemiddelde van het aandeel in de gewogen banen en dat in de vestigingen, maal de gewogen "
               "banen van het gebied (de methodebijlage rekent het voor)." if key.blended else "")
    return (f" Bij de weging naar banendichtheid zijn de getallen gewogen banen: de banen van elke gemeente maal haar "
            f"factor (die van {view.name}: {num(factor, 2)}; gemiddeld over alle banen van het COROP-gebied "
            f"{num(mean, 2)}: {compared}).{blended} De geschatte banen zelf staan verderop (‘Banen gemeente’).")


def gemeente_inputs(view: GemeenteView) -> None:
    key = view.result.key
    md(f"**Verdeelsleutel: {key.label_nl}**, per sectorgroep, voor (het deel van) {view.name} in "
       f"{view.region_row()['corop_name']} en voor het hele COROP-gebied. "
       f"Het aandeel van de gemeente in de activiteit van het gebied bepaalt welk deel van de toegevoegde "
       f"waarde van het gebied aan de gemeente wordt toegerekend. De kolom ‘Verdeeld naar’ zegt per sector "
       f"waarnaar, en dus in welke eenheid de twee sleutelkolommen staan (banen, vestigingen, of bij woningwaarde "
       f"euro's); tel ze daarom niet over de sectoren op." + _weighted_jobs_note(view)
       + (f" {view.name} beslaat het hele COROP-gebied: elk aandeel is 100%, welke sleutel ook." if view.whole_region
          else ""))
    table(gemeente_activity_frame(view), name="sleutel per sector", formats={"Sleutel gemeente": 0, "Sleutel COROP-gebied": 0,
                                                  "Aandeel gemeente": lambda v: f"{num(v * 100, 1 if v >= 0.01 else 2)}%",
                                                  "Toegevoegde waarde COROP (mln euro)": 0})
    pop = view.data.indicators[(view.data.indicators["indicator"] == "population")
                               & (view.data.indicators["gemeente_code"] == view.gemeente)]
    used = view.headline["population"]
    if len(pop):
        years = ", ".join(f"{y}: {num(v)}" for y, v in zip(pop["year"], pop["value"]))
        md(f"**Inwoners** van {view.name} (1 januari, op de grenzen van elk jaar): {years}. Gebruikt voor ‘per "
           f"inwoner’: {view.choices.population_year}, omgerekend naar de grenzen van {view.choices.boundary_year}: "
           f"**{num(used)}**"
           + (" (de gemeente van nu omvat gebied dat toen bij een andere gemeente hoorde)."
              if (pop.loc[pop["year"] == view.choices.population_year, "value"] != used).any() else "."))


def _estimated_jobs(v: float) -> str:
    """An estimated number of jobs to the ten; a few jobs read 'minder dan 10', not 0 beside a share of the key
    (Vaals's agriculture: 2,5 estimated jobs showed as 0 while it received € 0,5 miljoen, a reader's finding)."""
    return "minder dan 10" if 0 < v < 5 else num((v + 5) // 10 * 10)  # half up: 5 -> 10


def _zero_origin(bound: float, zero_bound: float) -> str:
    """The origin of a cell CBS publishes as 0: '0 tot 50', or, for a gemeente formed from parts that were each 0
    (whose bound is their sum, and which the table shows to the ten), without the bound."""
    if abs(bound - zero_bound) < 1e-6:
        return f"geschat; CBS: 0, dus 0 tot {num(bound)}"
    return "geschat; CBS: 0 in elk deel van de gemeente"


def key_estimate_frame(view: GemeenteView) -> pd.DataFrame:
    """The gemeente's estimated jobs per group: published cells and fitted ones apart."""
    fit = view.result.key.fit
    m = fit.matrix[fit.matrix["gemeente_code"] == view.gemeente]
    labels = view.data.industry_labels()
    per = m.assign(zero=m["below"].notna(), part=m["at_least"].notna()).groupby("group").agg(
        jobs=("jobs", "sum"), known=("known", "all"), some=("known", "any"), zeros=("zero", "all"),
        some_zero=("zero", "any"), part=("part", "any"), below=("below", "sum"))
    corop = fit.matrix[fit.matrix["corop_code"] == view.region_row()["corop_code"]].groupby("group")["jobs"].sum()
    given = "gepubliceerd (CBS)" if view.data.rounding("jobs", fit.year) else "gegeven (eigen bestand)"
    whole = view.whole_region  # its fitted jobs are its region's, scaled to its own total
    return pd.DataFrame({
        "Sector": [labels.get(g, g) for g in per.index],
        "Banen gemeente": per["jobs"].to_numpy(),  # shown to the ten (``_estimated_jobs``)
        "Herkomst": [given if r.known else "als het COROP-gebied" if whole else _zero_origin(r.below, fit.zero_bound) if r.zeros and not r.part else
                     "deels gepubliceerd" if r.some or r.part else "geschat; deels CBS: 0" if r.some_zero else "geschat"
                     for r in per.itertuples()],
        "Banen COROP": corop.reindex(per.index).round(-1).to_numpy(),
    })


def key_estimate(view: GemeenteView) -> None:
    """How the jobs key was estimated, and that the sector split within the gemeente is an estimate."""
    fit = view.result.key.fit
    if fit is None:
        if view.result.key.measure == "jobs":
            md("De banen per sector komen rechtstreeks uit de bron; er is niets geschat. "
               + narrative.zeros_as_published(view.data, view.result.key.year))
        return
    n_filled = int((fit.per_corop["filled"] != "").sum())
    whole = (f"Voor {view.name} komt die schatting uit op de banen per sector van het COROP-gebied "
             f"{view.headline['corop_name']}, want de gemeente is dat hele gebied: alleen geschaald naar het eigen "
             "totaal van de gemeente, dat door de afronding iets van dat van het gebied kan verschillen. "
             if view.whole_region else "")
    md(("**Voor elke gemeente wordt de verdeling van de banen over de sectoren geschat.** " if whole else
        "**De verdeling van de banen over de sectoren binnen een gemeente is geschat.** ") + whole
       + f"{narrative.jobs_in_data(view.data, fit.year)} De tabel per gemeente × sector is daarom per COROP-gebied "
       f"geschat met *biproportionele aanpassing* (RAS): het startpunt is het aantal vestigingen per sector "
       f"({fit.seed_year}) maal het landelijke aantal banen per vestiging in die sector"
       + (f" (voor de landbouw het landoppervlak van de gemeente ({fit.area_year}) maal het landelijke aantal "
          "landbouwbanen per km², want vestigingen telt het CBS daar alleen samen met openbaar bestuur, onderwijs en "
          "zorg)" if fit.area_year else "")
       + "; dat wordt afwisselend "
       f"geschaald tot elke gemeente haar eigen totaal aantal banen ({fit.year}) heeft en elke sector het "
       f"totaal van het COROP-gebied. "
       + narrative.published_cells(fit, view.data.industry_labels(), view.gemeente, view.name,
                                   view.choices.boundary_year) + "\n\n"
       f"De aanpassing kwam in alle COROP-gebieden in ten hoogste {fit.iterations} rondes tot een grootste afwijking van de totalen per "
       f"gemeente en per sector van "
       f"{num(fit.max_margin_error * 100, 2)}% (eis: 0,1%)"
       + (f"; in {n_filled} COROP-gebied(en) waren sectoren door het CBS onderdrukt en is dat deel geschat uit het "
          "totaal min de gepubliceerde sectoren." if n_filled else ".")
       + f" Banen van {view.name}"
       + (" (heel de gemeente, ook het deel dat in de cijfers nog bij een ander COROP-gebied hoorde)"
          if fit.matrix.loc[fit.matrix["gemeente_code"] == view.gemeente, "corop_code"].nunique() > 1 else "")
       + ", afgerond op tientallen:")
    table(key_estimate_frame(view), formats={"Banen gemeente": _estimated_jobs, "Banen COROP": 0},
          name="banen per sector")
    if view.result.key.blended:
        md(f"Bij {narrative.blended_groups(view.result.key.blended, view.data.industry_labels())} wordt niet alleen "
           "naar deze geschatte banen verdeeld: het aandeel van de gemeente is het gemiddelde van haar aandeel in deze "
           f"banen en dat in de vestigingen van de sector ({fit.seed_year}), omdat dat gemiddelde er bij de toets één "
           "niveau hoger minder naast zit dan banen of vestigingen alleen (rapport 2, onder ‘Verantwoording’).")


def checks(view: GemeenteView) -> None:
    df = checks_table(view.national.checks)
    table(df)
    n_warn = int((df["Uitkomst"] != "in orde").sum())
    md(f"{len(df) - n_warn} van de {len(df)} controles zijn in orde; {n_warn} "
       f"{'vraagt' if n_warn == 1 else 'vragen'} om aandacht (‘{WARN}’).")


def _amount(eur_value: float) -> str:
    """Euro in words, exact below a hundred thousand (where '€ 0,0 miljoen' would hide it)."""
    return meur(eur_value / 1e6) if abs(eur_value) >= 1e5 else eur(eur_value)


def gemeente_notes(view: GemeenteView) -> None:
    """What in the data touches this gemeente in particular."""
    notes = []
    conv = view.result.key.conversion
    into = conv.remapped[conv.remapped["to_code"] == view.gemeente] if len(conv.remapped) else conv.remapped
    predecessors = sorted(set(into["from_code"]) - {view.gemeente}) if len(into) else []
    if predecessors:
        regions = view.data.regions.sort_values("year")
        names = dict(zip(regions["gemeente_code"], regions["gemeente_name"]))  # the newest name of each code
        share = into.groupby("from_code")["share_of_from"].sum()
        listed = "; ".join((f"heel de toenmalige gemeente {names.get(c, c)} ({c})" if share[c] >= 0.9995 else
                            f"{pct(share[c], 2)} van de adressen van de toenmalige gemeente {names.get(c, c)} ({c})")
                           for c in predecessors)
        notes.append(f"De sleutel van {conv.from_year} is omgezet naar de grenzen van {conv.to_year}: "
                     f"{view.name} omvat nu ook {listed}.")
    shares = view.result.allocation.shares
    own = shares[shares["gemeente_code"] == view.gemeente]
    main = view.region_row()["corop_code"]
    corop_names = dict(zip(view.data.regions["corop_code"], view.data.regions["corop_name"]))
    for corop, part in own[own["corop_code"] != main].groupby("corop_code"):
        corop = corop_names.get(corop, corop)
        notes.append(f"Een deel van {view.name} hoorde in de toegevoegde waarde van {view.choices.va_year} nog bij "
                     f"COROP-gebied {corop}. Dat deel krijgt zijn aandeel in de toegevoegde waarde van {corop} "
                     f"({_amount(part['blp_eur'].sum())}); dat bedrag telt mee in het BLP van {view.name}.")
    unassignable = view.result.key.unassignable
    if unassignable:
        notes.append(f"{num(unassignable)} {MEASURE_NL.get(view.result.key.measure, view.result.key.measure)} in de "
                     f"sleutel zijn niet aan een gemeente toe te "
                     f"wijzen (GM0000) en tellen niet mee in de verdeling.")
    for r in linked_breaks(view.data).itertuples():
        if r.region_code == main:
            notes.append(f"In de CBS-reeks van de toegevoegde waarde verandert {corop_names.get(main, main)} in "
                         f"{r.break_year} van indeling: gemeenten gingen over naar of van een ander COROP-gebied. De "
                         f"jaren vóór {r.break_year} zijn omgerekend naar de indeling van {r.break_year} (rapport 2, "
                         "‘Ontwikkeling door de tijd’).")
    notes += _precision_notes(view)
    md("\n".join(f"- {n}" for n in notes) if notes else f"Geen bijzonderheden in de gegevens voor {view.name}.")


def _precision_notes(view: GemeenteView) -> list[str]:
    """What makes this gemeente's figures less precise than most, said where report 1 lists what is special (the
    reports that explain each point say more)."""
    notes = []
    if view.few_jobs:
        notes.append(f"{view.name} heeft ongeveer {num(round(view.jobs, -2))} banen van werknemers. Het CBS rondt de "
                     "banen per gemeente af op honderdtallen; bij zo weinig banen verschuift die afronding het aandeel "
                     "van de gemeente zichtbaar, ook tussen jaren (rapport 2).")
    band = view.error_band
    if band is not None and band.extrapolated:
        notes.append(f"{view.name} is kleiner dan elk gebied waarop de methode getoetst is (het kleinste had "
                     f"{num(band.smallest_jobs)} banen): de foutmarge in rapport 2 is een ondergrens.")
    effect = view.density_effect
    if effect is not None and effect["beyond_range"]:
        denser = effect["difference_pct"] < 0  # the weighting raises the BLP: more jobs per km² (density_notice)
        notes.append(f"De weging naar banendichtheid staat voor {view.name} op haar grens: de gemeente heeft zoveel "
                     f"{'meer' if denser else 'minder'} banen per km² land dan haar COROP-gebied dat het verschil "
                     "buiten het bereik valt waarop de weging gemeten is; de weging is daar afgekapt. Zonder de weging "
                     f"zou het BLP {pct(abs(effect['difference_pct']) / 100, 0)} "
                     f"{'lager' if denser else 'hoger'} zijn ({meur(effect['unweighted_meur'])}; rapport 2, "
                     "‘Gevoeligheid’).")
    return notes


def missing(view: GemeenteView) -> None:
    """Say plainly what the data does not have."""
    lines = []
    if not view.data.activity_years("jobs"):
        lines.append("**Banen per gemeente** ontbreken in deze gegevens: de verdeling gebruikt daarom vestigingen. "
                     "Een eigen banenbestand (bijvoorbeeld van LISA) geeft een betere sleutel.")
    elif view.result.key.fit is not None:
        lines.append("**Banen per gemeente × sector** publiceert het CBS niet in deze gegevens: ze zijn geschat "
                     "(zie hierboven). Een banenbestand per sector (bijv. LISA) maakt die schatting overbodig.")
    va_years = view.data.value_added_years()
    if view.national.series is None and len(va_years) == 1:
        lines.append(f"**Regionale toegevoegde waarde** is alleen beschikbaar voor {va_years[0]}: een trend van het "
                     "BLP is met deze gegevens niet te maken. Het CBS publiceert nieuwere jaren (tabel 85925NED).")
    elif len(va_years) == 1:
        lines.append(f"**Alle sectoren** van de regionale toegevoegde waarde zitten alleen voor {va_years[0]} in deze "
                     "gegevens; voor de andere jaren alleen het totaal, de landbouw en de nijverheid. De andere sectoren "
                     f"zijn in die jaren verdeeld zoals in {va_years[0]} (rapport 2, ontwikkeling door de tijd).")
    va = view.data.value_added[view.data.value_added["year"] == view.choices.va_year]
    if "C" not in set(va["industry_code"]):
        lines.append("De industrie (C) is niet los beschikbaar, alleen binnen ‘nijverheid en energie’ (B-E).")
    lines.append("De *CBS Monitor Brede Welvaart* per gemeente zit niet in deze gegevens; rapport 3 gebruikt de "
                 "beschikbare kerncijfers en meldt wat ontbreekt.")
    md("\n".join(f"- {x}" for x in lines))


def value_added_summary(view: GemeenteView) -> None:
    total, _ = totals(view.data, view.choices.va_year)  # also a year of the series (a breaker's finding: € 0,0)
    md(f"De toegevoegde waarde van Nederland in {view.choices.va_year} was {meur(total)}. Daarvan is "
       f"{meur(view.result.extra_regio_meur)} extra-regio (niet aan een regio toe te rekenen); de rest wordt "
       f"via de 40 COROP-gebieden over de gemeenten verdeeld.")
