"""Sections of notebook 01: which data, from where, and how it was checked."""

from __future__ import annotations

import pandas as pd

from blp.berekening.concordance import TOTAL
from blp.berekening.quality import WARN, checks_table, corop_switches
from blp.rapport.context import GemeenteView
from blp.rapport.display import md, table
from blp.rapport.fmt import meur, num

TABLE_NL = {
    "regions": "Regio-indeling (gemeente → COROP → provincie)",
    "value_added": "Toegevoegde waarde per COROP × sector",
    "establishments": "Vestigingen per gemeente × sector",
    "regional_jobs": "Banen van werknemers per COROP × sector",
    "indicators": "Kerncijfers per gemeente (inwoners, wonen, inkomen, ...)",
    "boundary_changes": "Herindelingsgewichten (adressen)",
    "industries": "Sectorindeling",
}


def _years_text(years) -> str:
    years = sorted(int(y) for y in pd.unique(years))
    return ", ".join(map(str, years)) if len(years) <= 4 else f"{years[0]}–{years[-1]}"


def table_years(view: GemeenteView) -> dict[str, str]:
    """The years each canonical table covers, as read."""
    d = view.data
    return {"regions": _years_text(d.regions["year"]), "value_added": _years_text(d.value_added["year"]),
            "establishments": _years_text(d.activity.loc[d.activity["measure"] == "establishments", "year"]),
            "regional_jobs": _years_text(d.regional_jobs["year"]), "indicators": _years_text(d.indicators["year"]),
            "boundary_changes": (_years_text(d.boundary_changes["from_year"]) + " → "
                                 + _years_text(d.boundary_changes["to_year"])) if len(d.boundary_changes) else "",
            "industries": ""}


def inputs_frame(view: GemeenteView) -> pd.DataFrame:
    """One row per input file: what it is, its source, years, size and checksum."""
    years = table_years(view)
    rows = []
    for f in view.data.inputs:
        rows.append({"Tabel": TABLE_NL.get(f.table, f.table), "Bron": f.source, "Jaren": years.get(f.table, ""),
                     "Rijen": f.rows, "Bestand": f.path.rsplit("/", 1)[-1], "sha256 (begin)": f.sha256[:16]})
    return pd.DataFrame(rows)


def title(view: GemeenteView) -> None:
    md(f"# Dataverzameling: {view.name} ({view.gemeente})\n\n"
       f"Gegevensbron van deze run: `{view.data.source}`.")


def inputs(view: GemeenteView) -> None:
    table(inputs_frame(view), formats={"Rijen": 0})
    if view.data.notes:
        md("**Bij de bronnen:**\n" + "\n".join(f"- {n}" for n in view.data.notes))
    md("De volledige controlegetallen (sha256) staan in `manifest.json` bij deze run; met dezelfde bestanden "
       "en dezelfde kitversie komen er exact dezelfde cijfers uit.")


def region(view: GemeenteView) -> None:
    row = view.region_row()
    n = view.result.national
    members = n[n["corop_code"] == row["corop_code"]].sort_values("gemeente_name")
    md(f"{view.name} ligt in COROP-gebied **{row['corop_name']}** ({row['corop_code']}) in de provincie "
       f"**{row['provincie_name']}**, op de gemeentegrenzen van {view.choices.boundary_year}. "
       f"Het COROP-gebied telt {len(members)} gemeenten: {', '.join(members['gemeente_name'])}.")


def gemeente_activity_frame(view: GemeenteView) -> pd.DataFrame:
    """The gemeente's key activity per group as used (after boundary conversion), with the COROP's."""
    key = view.result.key.table
    own = key[key["gemeente_code"] == view.gemeente].set_index("group")["key"]
    corop = key[key["corop_code"] == view.region_row()["corop_code"]].groupby("group")["key"].sum()
    va = view.result.va
    corop_va = va[va["corop_code"] == view.region_row()["corop_code"]].set_index("group")["value_meur"]
    labels = view.data.industry_labels()
    groups = list(view.result.concordance.groups)
    return pd.DataFrame({
        "Sector": [labels.get(g, g) for g in groups],
        "Gemeente": own.reindex(groups).fillna(0).to_numpy(),
        "COROP": corop.reindex(groups).fillna(0).to_numpy(),
        "Aandeel gemeente": (own.reindex(groups).fillna(0) / corop.reindex(groups)).to_numpy(),
        "Toegevoegde waarde COROP (mln euro)": corop_va.reindex(groups).to_numpy(),
    })


def gemeente_inputs(view: GemeenteView) -> None:
    key = view.result.key
    md(f"**Verdeelsleutel: {key.label_nl}**, per sectorgroep, voor {view.name} en het hele COROP-gebied. "
       f"Het aandeel van de gemeente in de activiteit van het gebied bepaalt welk deel van de toegevoegde "
       f"waarde van het gebied aan de gemeente wordt toegerekend.")
    table(gemeente_activity_frame(view), formats={"Gemeente": 0, "COROP": 0,
                                                  "Aandeel gemeente": lambda v: f"{num(v * 100, 1)}%",
                                                  "Toegevoegde waarde COROP (mln euro)": 0})
    pop = view.data.indicators[(view.data.indicators["indicator"] == "population")
                               & (view.data.indicators["gemeente_code"] == view.gemeente)]
    if len(pop):
        years = ", ".join(f"{y}: {num(v)}" for y, v in zip(pop["year"], pop["value"]))
        md(f"**Inwoners** van {view.name} (1 januari, op de grenzen van elk jaar): {years}. "
           f"Gebruikt voor ‘per inwoner’: {view.choices.population_year}.")


def checks(view: GemeenteView) -> None:
    df = checks_table(view.national.checks)
    table(df)
    n_warn = int((df["Uitkomst"] != "in orde").sum())
    md(f"{len(df) - n_warn} van de {len(df)} controles zijn in orde; {n_warn} vragen om aandacht (‘{WARN}’).")


def gemeente_notes(view: GemeenteView) -> None:
    """What in the data touches this gemeente in particular."""
    notes = []
    conv = view.result.key.conversion
    into = conv.remapped[conv.remapped["to_code"] == view.gemeente] if len(conv.remapped) else conv.remapped
    predecessors = sorted(set(into["from_code"]) - {view.gemeente}) if len(into) else []
    if predecessors:
        notes.append(f"De sleutel van {conv.from_year} is omgezet naar de grenzen van {conv.to_year}: "
                     f"{view.name} omvat (delen van) de toenmalige gemeente(n) {', '.join(predecessors)}.")
    switches = corop_switches(view.data, view.result)
    mine = switches[switches["to_code"] == view.gemeente]
    for r in mine.itertuples():
        notes.append(f"Let op: {r.from_code} lag in {r.from_corop}, maar hoort nu bij {r.to_corop}. De toegevoegde "
                     f"waarde van {view.choices.va_year} rekent dat gebied nog tot {r.from_corop}; de activiteit ervan "
                     f"telt hier mee in {r.to_corop}. Dit is een bekende grensfout in de uitkomst.")
    unassignable = view.result.key.unassignable
    if unassignable:
        notes.append(f"{num(unassignable)} {view.result.key.measure} in de sleutel zijn niet aan een gemeente toe te "
                     f"wijzen (GM0000) en tellen niet mee in de verdeling.")
    md("\n".join(f"- {n}" for n in notes) if notes else f"Geen bijzonderheden in de gegevens voor {view.name}.")


def missing(view: GemeenteView) -> None:
    """Say plainly what the data does not have."""
    lines = []
    if not view.data.activity_years("jobs"):
        lines.append("**Banen per gemeente** ontbreken in deze gegevens: de verdeling gebruikt daarom vestigingen. "
                     "Lever een banenbestand (bijv. LISA) aan met `--activity BESTAND` voor een betere sleutel.")
    va_years = view.data.value_added_years()
    if len(va_years) == 1:
        lines.append(f"**Regionale toegevoegde waarde** is alleen beschikbaar voor {va_years[0]}: een trend van het "
                     "BLP is met deze gegevens niet te maken. Het CBS publiceert nieuwere jaren (tabel 84419NED).")
    va = view.data.value_added[view.data.value_added["year"] == view.choices.va_year]
    if "C" not in set(va["industry_code"]):
        lines.append("De industrie (C) is niet los beschikbaar, alleen binnen ‘nijverheid en energie’ (B-E).")
    lines.append("De *CBS Monitor Brede Welvaart* per gemeente zit niet in deze gegevens; notebook 03 gebruikt de "
                 "beschikbare kerncijfers en meldt wat ontbreekt.")
    md("\n".join(f"- {x}" for x in lines))


def value_added_summary(view: GemeenteView) -> None:
    va = view.data.value_added[view.data.value_added["year"] == view.choices.va_year]
    total = va[(va["region_level"] == "land") & (va["industry_code"] == TOTAL)]["value_meur"].sum()
    md(f"De toegevoegde waarde van Nederland in {view.choices.va_year} was {meur(total)}. Daarvan is "
       f"{meur(view.result.extra_regio_meur)} extra-regio (niet aan een regio toe te rekenen); de rest wordt "
       f"via de 40 COROP-gebieden over de gemeenten verdeeld.")
