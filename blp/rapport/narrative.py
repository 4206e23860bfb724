"""Dutch text for the reports, built from the figures (pure functions, so they can be tested)."""

from __future__ import annotations

from blp.berekening.keys import MEASURE_NL
from blp.rapport.fmt import eur, meur, num, pct


def headline_text(h: dict, ranks) -> str:
    """The opening paragraph of the BLP report."""
    nl_rank = ranks.iloc[0]
    unit = MEASURE_NL.get(h["key_measure"], h["key_measure"])
    per_unit = {"vestigingen": "vestiging", "banen": "baan"}.get(unit, unit)
    return (
        f"Het **Bruto Lokaal Product (BLP)** van **{h['gemeente_name']}** bedroeg in {h['choice_va_year']} "
        f"naar schatting **{meur(h['blp_meur'])}**. Dat is **{eur(h['blp_per_inhabitant_eur'])} per inwoner** "
        f"(COROP-gebied {h['corop_name']}: {eur(h['corop_per_inhabitant_eur'])}; Nederland: "
        f"{eur(h['nl_per_inhabitant_eur'])}) en {eur(h['blp_per_key_unit_eur'])} per {per_unit}.\n\n"
        f"{h['gemeente_name']} levert {pct(h['share_of_corop'])} van de toegevoegde waarde van "
        f"{h['corop_name']} ({meur(h['corop_blp_meur'])}). Van de {nl_rank['n']} gemeenten staat "
        f"{h['gemeente_name']} op plaats {nl_rank['blp_meur']} naar omvang van het BLP en op plaats "
        f"{nl_rank['blp_per_inhabitant_eur']} naar BLP per inwoner."
    )


def choices_text(h: dict, key_label: str, population_year: int) -> str:
    """Which years and key were used, stated plainly."""
    return (
        f"*Gebruikte gegevens:* regionale toegevoegde waarde {h['choice_va_year']} (COROP × sector), "
        f"verdeelsleutel {key_label}, gemeentegrenzen van {h['choice_boundary_year']}, "
        f"inwoners {population_year}."
    )


METHOD_TEXT = """\
**Zo is het BLP berekend.** Het CBS (via Eurostat) publiceert de toegevoegde waarde per COROP-gebied
en per sector, maar niet per gemeente. De kit verdeelt daarom de toegevoegde waarde van elk
COROP-gebied en elke sector over de gemeenten in dat gebied, naar rato van hun economische activiteit
in die sector (de *verdeelsleutel*):

> BLP van gemeente *g* = Σ over sectoren *s* van: toegevoegde waarde van COROP *c* in sector *s* ×
> (activiteit van *g* in *s*) / (activiteit van alle gemeenten van *c* in *s*)

De gemeenten van een COROP-gebied tellen zo precies (op de euro) op tot de toegevoegde waarde van
dat gebied. Waar de bronnen sectoren verschillend indelen, worden ze samengevoegd tot de fijnste
indeling die beide ondersteunen (hier: landbouw samen met overheid, onderwijs en zorg).
"""

LIMITS_TEXT = """\
**Waar de uitkomst op leunt, en waar ze wringt.**

- *Gelijke productiviteit binnen een COROP-gebied.* De methode neemt aan dat een vestiging (of baan)
  in dezelfde sector overal in het gebied evenveel toevoegt. Een hoofdkantoor, een chemisch complex of
  een haven maakt een gemeente in werkelijkheid productiever dan het gemiddelde.
- *Vestigingen zijn een zwakke sleutel.* Een zzp'er telt even zwaar als een fabriek met duizend
  werknemers. Banen (bijvoorbeeld uit het LISA-register) zijn een betere sleutel; de kit neemt ze
  over zodra ze als bestand worden aangeleverd.
- *Woon-werkverkeer.* Het BLP meet wat er in de gemeente wordt *gemaakt*, niet wat haar inwoners
  verdienen. Gemeenten met veel inkomende pendel hebben een hoog BLP per inwoner; woongemeenten een laag.
- *Jaren lopen uiteen.* Toegevoegde waarde, sleutel en inwoners komen soms uit verschillende jaren en
  gemeentegrenzen; de kit zet ze om naar één indeling en vermeldt welke jaren zijn gebruikt.
- *Extra-regio* (zoals het continentaal plat) hoort bij geen enkele gemeente en wordt niet verdeeld.

Hoeveel de keuze van de sleutel uitmaakt, laat de gevoeligheidsanalyse hierboven zien.
"""


def sensitivity_text(sens, gemeente_name: str) -> str:
    lo, hi = sens["blp_meur"].min(), sens["blp_meur"].max()
    main = sens["blp_meur"].iloc[0]
    spread = (hi - lo) / main
    return (
        f"Met andere verdeelsleutels ligt het BLP van {gemeente_name} tussen **{meur(lo)}** en **{meur(hi)}** "
        f"(hoofdsleutel: {meur(main)}). De bandbreedte is {pct(spread)} van de hoofduitkomst: "
        + ("de sleutelkeuze maakt voor deze gemeente weinig uit." if spread < 0.05 else
           "de sleutelkeuze doet er voor deze gemeente merkbaar toe; lees het BLP als een orde van grootte."
           if spread < 0.2 else
           "de sleutelkeuze bepaalt de uitkomst in hoge mate; gebruik het BLP met grote voorzichtigheid.")
    )


def peers_text(view_name: str, peers_desc: str, national, gemeente: str, peers: list[str]) -> str:
    n = national.set_index("gemeente_code")
    med = n.loc[peers, "blp_per_inhabitant_eur"].median()
    own = n.loc[gemeente, "blp_per_inhabitant_eur"]
    word = "hoger" if own > med else "lager"
    return (f"Vergeleken met {peers_desc} is het BLP per inwoner van {view_name} ({eur(own)}) "
            f"{word} dan de mediaan van die groep ({eur(med)}, {pct(own / med - 1, signed=True)}).")


def structure_text(structure, labels: dict[str, str], gemeente_name: str) -> str:
    top = structure.sort_values("location_quotient", ascending=False)
    strong = [f"{labels.get(r.group, r.group).lower()} (LQ {num(r.location_quotient, 2)})"
              for r in top.itertuples() if r.location_quotient >= 1.1][:3]
    weak = [f"{labels.get(r.group, r.group).lower()} (LQ {num(r.location_quotient, 2)})"
            for r in top.iloc[::-1].itertuples() if r.location_quotient <= 0.9][:3]
    text = ("De *locatiequotiënt* (LQ) vergelijkt het aandeel van een sector in de gemeente met dat in "
            "Nederland: boven 1 is de sector in de gemeente sterker vertegenwoordigd. ")
    if strong:
        text += f"{gemeente_name} is relatief sterk in {', '.join(strong)}. "
    if weak:
        text += f"Relatief klein zijn {', '.join(weak)}."
    return text
