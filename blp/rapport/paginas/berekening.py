"""Sections of notebook 02: the BLP, its structure, position, sensitivity and method."""

from __future__ import annotations

import pandas as pd

from blp.berekening.backtest import LEVEL_NL, VARIANTS
from blp.berekening.keys import MEASURE_NL
from blp.berekening.value_added import volume_growth
from blp.rapport import charts, narrative
from blp.rapport.context import GemeenteView
from blp.rapport.display import md, show_chart, table, wrap_labels
from blp.rapport.figures import planned
from blp.rapport.fmt import eur, meur, num, pct


def title(view: GemeenteView) -> None:
    md(f"# BLP-berekening: {view.name} ({view.gemeente})")


def headline(view: GemeenteView) -> None:
    h = view.headline
    newest = newest_total(view)
    if newest is not None:
        md(narrative.newest_text(newest, h))
    md(narrative.headline_text(h, view.ranks))
    if view.error_band is not None:
        md(narrative.error_band_text(h, view.error_band, view.name))
    md(narrative.choices_text(h, view.result.key.label_nl, view.choices.population_year))


def backtest_frame(view: GemeenteView) -> pd.DataFrame:
    """The back-test summary: per key and level, median / 90th percentile / largest error."""
    s = view.national.backtest.summary()
    return pd.DataFrame({
        "Verdeelsleutel": s["variant"].map(VARIANTS),
        "Getoetst": s["level"].map(LEVEL_NL),
        "Gebieden": s["n"],
        "Mediaan fout": s["median_abs_pct"],
        "90% binnen": s["p90_abs_pct"],
        "Grootste fout": s["max_abs_pct"],
        "Waar": s["worst_region"],
    })


def uncertainty(view: GemeenteView) -> None:
    """How far the BLP can be off: measured one level up, where the answer is published."""
    if view.national.backtest is None:
        md("**Foutmarge:** niet te meten met deze gegevens (er is geen gepubliceerde toegevoegde waarde per "
           "provincie en COROP-gebied, of geen banen per COROP-gebied zonder onderdrukte cellen). Lees het BLP als "
           "een schatting zonder bekende foutmarge.")
        return
    bt, band = view.national.backtest, view.error_band
    md(f"Niemand publiceert het BLP van een gemeente, dus de uitkomst is niet direct te controleren. Wel publiceert "
       f"het CBS de toegevoegde waarde per provincie en per COROP-gebied. Daarom is dezelfde methode één niveau "
       f"hoger uitgevoerd: de toegevoegde waarde van {bt.va_year} van elke provincie is over haar COROP-gebieden "
       f"verdeeld (en die van Nederland over de provincies), met sleutels die op dat niveau precies zo zijn gemaakt "
       f"als voor gemeenten, en vergeleken met wat het CBS voor die gebieden publiceert. De fout is het verschil in "
       f"procenten van de gepubliceerde waarde (absoluut).")
    pct1 = lambda v: pct(v / 100)  # noqa: E731
    table(backtest_frame(view), formats={"Gebieden": 0, "Mediaan fout": pct1, "90% binnen": pct1,
                                         "Grootste fout": pct1})
    if band is not None:
        md(f"Kleinere gebieden wijken meer af: in deze toets neemt de fout af met de omvang (bij twee keer zoveel "
           f"banen is de fout ongeveer {pct(1 - 2 ** band.slope)} kleiner). Doorgetrokken naar de omvang van "
           f"{view.name} geeft dat de foutmarge bovenaan dit rapport: mediaan {pct(band.median_pct / 100)}, "
           f"9 van de 10 gevallen binnen {pct(band.p90_pct / 100)}."
           + (" Omdat de gemeente kleiner is dan elk getoetst gebied, is dat een doorgetrokken schatting."
              if band.extrapolated else ""))


def key_figures_frame(view: GemeenteView) -> pd.DataFrame:
    h = view.headline
    unit = {"establishments": "vestiging", "jobs": "baan"}.get(h["key_measure"], h["key_measure"])
    rows = [("BLP", meur(h["blp_meur"])),
            ("BLP per inwoner", eur(h["blp_per_inhabitant_eur"])),
            (f"BLP per {unit}", eur(h["blp_per_key_unit_eur"])),
            ("Inwoners", num(h["population"])),
            ("Aandeel in COROP-gebied", pct(h["share_of_corop"])),
            (f"BLP per inwoner {h['corop_name']}", eur(h["corop_per_inhabitant_eur"])),
            ("BLP per inwoner Nederland", eur(h["nl_per_inhabitant_eur"]))]
    return pd.DataFrame(rows, columns=["Kerncijfer", "Waarde"])


def key_figures(view: GemeenteView) -> None:
    table(key_figures_frame(view))


def structure_figure(view: GemeenteView):
    labels = wrap_labels(view.data.industry_labels())
    return charts.sector_chart(view.structure, labels, view.name, view.region_row()["corop_name"])


def structure(view: GemeenteView) -> None:
    labels = view.data.industry_labels()
    show_chart(view, structure_figure)
    measure = view.result.key.measure
    md(narrative.structure_text(view.structure, labels, view.name, measure))
    df = view.structure.assign(Sector=view.structure["group"].map(labels))
    table(df, {"Sector": "Sector", "blp_meur": "BLP (mln euro)", "share_gemeente": "Aandeel gemeente",
               "share_corop": "Aandeel COROP", "share_nl": "Aandeel NL",
               "activity_lq": f"LQ {MEASURE_NL.get(measure, measure)}"},
          {"blp_meur": 1, "share_gemeente": lambda v: pct(v), "share_corop": lambda v: pct(v),
           "share_nl": lambda v: pct(v), "activity_lq": 2})


def peers_figure(view: GemeenteView):
    return charts.peers_chart(view.result.national, view.gemeente, view.peers[0], view.headline["nl_per_inhabitant_eur"])


def position(view: GemeenteView) -> None:
    r = view.ranks
    table(r, {"scope": "Vergeleken met", "n": "Aantal gemeenten", "blp_meur": "Plaats naar BLP",
              "blp_per_inhabitant_eur": "Plaats naar BLP per inwoner"})
    peers, desc = view.peers
    show_chart(view, peers_figure)
    md(narrative.peers_text(view.name, desc, view.result.national, view.gemeente, peers))
    n = view.result.national.set_index("gemeente_code").loc[[view.gemeente] + peers].reset_index()
    table(n, {"gemeente_name": "Gemeente", "corop_name": "COROP", "population": "Inwoners", "blp_meur": "BLP (mln euro)",
              "blp_per_inhabitant_eur": "BLP per inwoner (euro)"},
          {"population": 0, "blp_meur": 0, "blp_per_inhabitant_eur": 0})


def sensitivity_figure(view: GemeenteView):
    return charts.sensitivity_chart(view.sensitivity, view.name)


def sensitivity(view: GemeenteView) -> None:
    sens = view.sensitivity
    show_chart(view, sensitivity_figure)
    md(narrative.sensitivity_text(sens, view.name))
    table(sens, {"label_nl": "Verdeelsleutel", "blp_meur": "BLP (mln euro)", "difference_pct": "Verschil met hoofdsleutel"},
          {"blp_meur": 1, "difference_pct": lambda v: pct(v / 100, signed=True)})


def newest_total(view: GemeenteView) -> dict | None:
    """The gemeente's BLP in the newest year with a published total (if newer than the full-detail year)."""
    s = view.national.series
    if s is None:
        return None
    own = s.of(view.gemeente)
    year = int(own.index.max())
    if year <= view.choices.va_year:
        return None
    row = own.loc[year]
    return {"year": year, "blp_meur": float(row["blp_meur"]), "provisional": bool(row["provisional"]),
            "key_year": int(row["key_year"])}


def growth_frame(view: GemeenteView) -> pd.DataFrame:
    """Average annual growth of the BLP (nominal) of the gemeente, its COROP and NL over several periods,
    and the COROP's real growth (volume) where the data have it."""
    s = view.national.series
    own = s.of(view.gemeente)["blp_meur"]
    corop_code = view.region_row()["corop_code"]
    corop = s.regions[s.regions["corop_code"] == corop_code].set_index("year")["corop_meur"]
    nl = s.regions.drop_duplicates("year").set_index("year")["nl_meur"]
    volume = volume_growth(view.data, corop_code)
    last = int(own.index.max())
    rows = []
    for first in sorted({int(own.index.min()), 2010, view.choices.va_year} - {last}):
        if first not in own.index or first >= last:
            continue
        n = last - first

        def cagr(x):
            return (x.loc[last] / x.loc[first]) ** (1 / n) - 1

        vol = volume[(volume.index > first) & (volume.index <= last)]
        real = float(((1 + vol / 100).prod()) ** (1 / n) - 1) if len(vol) == n else float("nan")
        rows.append({"period": f"{first}–{last}", "gemeente": cagr(own), "corop": cagr(corop), "nl": cagr(nl),
                     "corop_real": real})
    return pd.DataFrame(rows)


def trend_figure(view: GemeenteView):
    return charts.trend_chart(view.national.series.of(view.gemeente), view.name, view.choices.va_year)


def trend(view: GemeenteView) -> None:
    s = view.national.series
    if s is None:
        md(f"**Trend:** niet te berekenen. De regionale toegevoegde waarde in deze gegevens beslaat alleen "
           f"{view.choices.va_year}.")
        return
    own = s.of(view.gemeente)
    first, last = int(own.index.min()), int(own.index.max())
    held = sorted({int(k) for k in own["key_year"]})
    md(f"Het BLP van {view.name} van {first} tot {last}, in lopende prijzen (zonder correctie voor inflatie). "
       f"Het CBS publiceert per COROP-gebied elk jaar het totaal en de landbouw en de nijverheid; alleen voor "
       f"{view.choices.va_year} zijn alle sectoren gepubliceerd. In de andere jaren is de rest van het totaal over de "
       f"sectoren verdeeld zoals in {view.choices.va_year} (open rondjes: geschat). Het aandeel van de gemeente in "
       f"haar COROP-gebied volgt de banen van het dichtstbijzijnde jaar met banencijfers ({', '.join(map(str, held))}); "
       f"vóór {held[0]} is het aandeel vastgehouden op dat van {held[0]}, dus de groei in die jaren is die van het "
       "COROP-gebied en zijn sectoren, niet gemeten voor de gemeente zelf.")
    show_chart(view, trend_figure)
    pct_signed = lambda v: pct(v, signed=True)  # noqa: E731
    table(growth_frame(view), {"period": "Periode", "gemeente": f"{view.name} (nominaal, per jaar)",
                               "corop": f"COROP {view.region_row()['corop_name']} (nominaal)",
                               "nl": "Nederland (nominaal)", "corop_real": "COROP, reëel (volume)"},
          {"gemeente": pct_signed, "corop": pct_signed, "nl": pct_signed, "corop_real": pct_signed})
    md("De reële groei (volume, dus zonder prijsstijging) is die van het **COROP-gebied** als geheel, uit de "
       "regionale rekeningen van vóór de CBS-revisie van 2024 (tabel 84432NED); voor de gemeente zelf is geen "
       "reële groei te meten.")


def reconciliation(view: GemeenteView) -> None:
    row = view.region_row()
    n = view.result.national
    members = n[n["corop_code"] == row["corop_code"]].sort_values("blp_meur", ascending=False)
    va_total = view.result.va.loc[view.result.va["corop_code"] == row["corop_code"], "value_meur"].sum()
    recon = view.result.reconciliation()
    diff = int(recon.loc[recon["corop_code"] == row["corop_code"], "difference_eur"].abs().max())
    md(f"**Controle op de aansluiting.** De {len(members)} gemeenten van {row['corop_name']} tellen op tot "
       f"{meur(members['blp_meur'].sum())}; de toegevoegde waarde van het COROP-gebied is {meur(va_total)}. "
       f"Grootste verschil per sector: {diff} euro.")
    table(members, {"gemeente_name": "Gemeente", "blp_meur": "BLP (mln euro)",
                    "blp_per_inhabitant_eur": "BLP per inwoner (euro)"}, {"blp_meur": 1, "blp_per_inhabitant_eur": 0})


def key_table(view: GemeenteView) -> pd.DataFrame:
    """Per group: what its value added is allocated by."""
    labels = view.data.industry_labels()
    key = view.result.key
    return pd.DataFrame({"Sector": [labels.get(g, g) for g in view.result.concordance.groups],
                         "Verdeeld naar": [key.group_keys.get(g, key.label_nl) for g in view.result.concordance.groups]})


def method(view: GemeenteView) -> None:
    md(narrative.METHOD_TEXT)
    md("**De verdeelsleutel per sector:**")
    table(key_table(view))


def limits(view: GemeenteView) -> None:
    md(narrative.LIMITS_TEXT)


def figures(view: GemeenteView):
    """The charts of this report, in the order it shows them (``blp.rapport.figures``)."""
    yield planned(view, structure_figure)
    yield planned(view, peers_figure)
    if view.national.series is not None:
        yield planned(view, trend_figure)
    yield planned(view, sensitivity_figure)
