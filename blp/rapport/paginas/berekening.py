"""Sections of notebook 02: the BLP, its structure, position, sensitivity and method."""

from __future__ import annotations

import pandas as pd

from blp.beleid.policy import exceptional_per_job
from blp.beleid.scenarios import TREND_YEARS
from blp.berekening.backtest import LEVEL_NL, MIN_REGIONS, variant_of
from blp.berekening.keys import MEASURE_NL
from blp.berekening.productivity import why_not_weighted
from blp.berekening.series import linked_breaks
from blp.berekening.value_added import division_factor, full_detail_years, nominal_before_revision, volume_growth
from blp.dutch import in_sentence, listing, signed_num
from blp.rapport import charts, maps, narrative
from blp.rapport.context import GemeenteView
from blp.rapport.display import md, show_chart, table, wrap_labels
from blp.rapport.figures import planned
from blp.rapport.fmt import eur, meur, meur_pair, num, pct


def title(view: GemeenteView) -> None:
    md(f"# BLP-berekening: {view.name} ({view.gemeente})")


def headline(view: GemeenteView) -> None:
    h = view.headline
    newest = newest_total(view)
    if newest is not None:
        md(narrative.newest_text(newest, h, view.jobs, view.choices.va_year in full_detail_years(view.data)))
    md(narrative.headline_text(h, view.ranks))
    if view.whole_region:
        md(narrative.whole_region_text(h))
    elif view.error_band is not None:
        md(narrative.error_band_text(h, view.error_band, view.name, largest_error(view)))
    else:
        md("**Foutmarge:** met deze gegevens niet te meten (zie ‘Hoe zeker is dit getal?’). Lees het BLP als een "
           "schatting zonder bekende foutmarge.")
    notice = narrative.density_notice(view.name, view.density_effect)
    if notice:
        md(notice)
    md(narrative.choices_text(h, view.result.key.label_nl, view.choices.population_year,
                              view.name if view.whole_region else None))


def largest_error(view: GemeenteView) -> float | None:
    """The largest error the back-test measured for the key's variant at COROP level (%)."""
    bt = view.national.backtest
    if bt is None:
        return None
    s = bt.summary().set_index(["variant", "level"])
    return float(s.loc[(variant_of(view.result.key), "provincie_corop"), "max_abs_pct"])


def backtest_frame(view: GemeenteView) -> pd.DataFrame:
    """The back-test summary: per key and level, median / 90th percentile / largest error, where."""
    s = view.national.backtest.summary()
    names = {**dict(zip(view.data.regions["corop_code"], view.data.regions["corop_name"])),
             **dict(zip(view.data.regions["provincie_code"], view.data.regions["provincie_name"]))}
    main = variant_of(view.result.key)
    names_nl = view.national.backtest.labels()
    return pd.DataFrame({
        "Verdeelsleutel": s["variant"].map(lambda v: names_nl.get(v, v) + (" (hoofdsleutel)" if v == main else "")),
        "Getoetst": s["level"].map(LEVEL_NL),
        "Gebieden": s["n"],
        "Mediane fout": s["median_abs_pct"],
        "90% binnen": s["p90_abs_pct"],
        "Grootste fout": s["max_abs_pct"],
        "Waar": s["worst_region"].map(lambda c: names.get(c, c)),
    })


def uncertainty(view: GemeenteView) -> None:
    """How far the BLP can be off: measured one level up, where the answer is published."""
    bt, band = view.national.backtest, view.error_band
    if view.whole_region:
        md(f"Voor {view.name} is deze vraag eenvoudig: de gemeente is het hele COROP-gebied "
           f"{view.headline['corop_name']}, dus haar BLP is de gepubliceerde toegevoegde waarde van dat gebied en er "
           "is niets over gemeenten verdeeld."
           + (" De toets hieronder, die laat zien hoe ver een verdeling over de gemeenten van een gebied kan afwijken, "
              "geldt voor andere gemeenten; hij staat hier ter vergelijking." if bt is not None else "")
           + _own_region_worst(view))
    if bt is None:
        if view.whole_region:
            return
        md("**Foutmarge:** niet te meten met deze gegevens (er is geen gepubliceerde toegevoegde waarde per "
           "provincie en COROP-gebied, of geen banen per COROP-gebied zonder onderdrukte cellen). Lees het BLP als "
           "een schatting zonder bekende foutmarge.")
        return
    md(f"{'Meestal publiceert niemand' if view.whole_region else 'Niemand publiceert'} het BLP van een gemeente, "
       "dus de uitkomst is niet direct te controleren. Wel publiceert "
       f"het CBS de toegevoegde waarde per provincie en per COROP-gebied. Daarom is dezelfde methode één niveau "
       f"hoger uitgevoerd: de toegevoegde waarde van {bt.va_year} van elke provincie is over haar COROP-gebieden "
       f"verdeeld (en die van Nederland over de provincies), met sleutels die op dat niveau precies zo zijn gemaakt "
       f"als voor gemeenten, en vergeleken met wat het CBS voor die gebieden publiceert. De fout is het verschil in "
       f"procenten van de gepubliceerde waarde, ongeacht of de verdeling te hoog of te laag uitkomt. Een provincie "
       f"met maar één COROP-gebied (zoals Utrecht) telt niet mee: daar klopt elke verdeling vanzelf.")
    pct1 = lambda v: pct(v / 100)  # noqa: E731
    table(backtest_frame(view), formats={"Gebieden": 0, "Mediane fout": pct1, "90% binnen": pct1,
                                         "Grootste fout": pct1})
    if view.whole_region:
        return
    if band is None:
        tested = bt.errors.loc[bt.errors["level"] == "provincie_corop", "region_code"].nunique()
        why = (f"met deze gegevens zijn maar {tested} COROP-gebieden te toetsen (een provincie met één COROP-gebied "
               "telt niet mee), te weinig om er een foutmarge uit af te leiden" if tested < MIN_REGIONS else
               f"het aantal banen van {view.name}, waarop de foutmarge wordt afgestemd, staat niet in de gegevens")
        md(f"**Foutmarge:** niet te geven: {why}. Lees het BLP als een schatting zonder bekende foutmarge.")
    else:
        s = bt.summary().set_index(["variant", "level"])
        md(_key_errors_text(view, s))
        md(f"Binnen de toets op COROP-gebieden wijken kleinere gebieden meer af (bij twee keer zoveel banen is de fout "
           f"ongeveer {pct(1 - 2 ** band.slope, 0)} kleiner). De foutmarge rust op de toets provincie → COROP: daar "
           f"worden gebieden binnen één provincie verdeeld, zoals gemeenten binnen één COROP-gebied; in de toets "
           f"Nederland → provincie wordt heel Nederland verdeeld, een andere situatie. "
           + (f"{view.name} is kleiner dan elk getoetst COROP-gebied: de marge van het kleinste gebied (mediaan "
              f"{pct(band.median_pct / 100)}, 9 van de 10 binnen {pct(band.p90_pct / 100)}) is een ondergrens."
              if band.extrapolated else
              f"Bij de omvang van {view.name} geeft dat de foutmarge bovenaan dit rapport: mediaan "
              f"{pct(band.median_pct / 100)}, 9 van de 10 gevallen binnen {pct(band.p90_pct / 100)}."))


def _own_region_worst(view: GemeenteView) -> str:
    """For a gemeente that is its whole region: where the back-test's worst region is that very region, say what that
    means for it (a reader took the 43 % of Delfzijl en omgeving for Eemsdelta's own margin); else ''."""
    bt = view.national.backtest
    if bt is None:
        return ""
    s = bt.summary().set_index(["variant", "level"])
    key = (variant_of(view.result.key), "provincie_corop")
    if key not in s.index or s.loc[key, "worst_region"] != view.headline["corop_code"]:
        return ""
    return (f" In die toets is {view.headline['corop_name']} zelf het gebied waar de verdeling het verst naast zat "
            f"({pct(s.loc[key, 'max_abs_pct'] / 100)}): zo ver zou het BLP afwijken als het uit de provincie werd "
            f"verdeeld. Voor {view.name} wordt het gepubliceerde cijfer gebruikt, dus die afwijking geldt hier niet.")


def _key_errors_text(view: GemeenteView, s: pd.DataFrame) -> str:
    """Where the run's key errs in the back-test, and why, for the key it is."""
    main = variant_of(view.result.key)
    med = lambda v: s.loc[(v, "provincie_corop"), "median_abs_pct"]  # noqa: E731
    if main == "establishments":
        jobs = view.national.backtest.default_variant
        return (f"De hoofdsleutel van deze berekening is vestigingen. In deze toets verdelen banen per sector beter "
                f"(mediane fout {pct(med(jobs) / 100)} tegen {pct(med('establishments') / 100)} met vestigingen): een "
                "eenmanszaak telt bij vestigingen even zwaar als een ziekenhuis. De standaardsleutel (key: jobs) geeft "
                "een nauwkeuriger BLP.")
    total_better = med("jobs_total") < med(main)
    text = (_density_effect_text(view, s) if main == "jobs" else
            "De grootste bron van fouten is de aanname dat een baan in dezelfde sector overal in het gebied evenveel "
            "toevoegt: ook met de gepubliceerde banen per sector blijft de fout bestaan.")
    return text + (" Banen zonder sectoren scoren in deze toets op het totaal iets beter dan de sectorsleutel; de "
                   "sectorsleutel blijft de hoofdsleutel, omdat de rapporten per sector rekenen (structuur, knoppen, "
                   "effecten) en hij per sector beter is dan vestigingen." if total_better else "")


def _pooled_text(view: GemeenteView, labels: dict[str, str]) -> str:
    """Which sectors the comparison with establishments leaves out, and why: the establishments pool them."""
    groups = view.national.backtest.by_group()
    if "establishments" not in groups or "jobs" not in groups:
        return ""
    pooled = [f"{in_sentence(labels.get(g, g))} ({g})" for g, r in groups.iterrows()
              if pd.isna(r["establishments"]) and pd.notna(r["jobs"])]
    if not pooled:
        return ""
    return (f" {listing(pooled)[0].upper()}{listing(pooled)[1:]} {'is' if len(pooled) == 1 else 'zijn'} niet vergeleken, "
            f"omdat de vestigingencijfers {'die sector' if len(pooled) == 1 else 'ze'} niet apart geven.")


OTHER_REGIONS_NL = "met andere gebieden in de toets had het ook de andere kant op kunnen vallen"


def _chance_text(view: GemeenteView, labels: dict[str, str]) -> str:
    """How much of the per-sector comparison with establishments is the luck of which regions were tested."""
    diff = view.national.backtest.group_difference(variant_of(view.result.key))
    if diff.empty:
        return ""
    name = lambda g: in_sentence(labels.get(g, g))  # noqa: E731
    better = [name(g) for g in diff.loc[diff["p95_pp"] < 0, "group"]]
    worse = [name(g) for g in diff.loc[diff["p05_pp"] > 0, "group"]]
    unsure = len(diff) - len(better) - len(worse)
    if not unsure:
        return ""
    beyond = (f" Alleen {_in_sectors(better)} is de hoofdsleutel duidelijk beter." if better and not worse else
              f" Alleen {_in_sectors(worse)} is de hoofdsleutel duidelijk slechter." if worse and not better else
              f" Duidelijk beter is de hoofdsleutel alleen {_in_sectors(better)}, duidelijk slechter "
              f"{_in_sectors(worse)}." if better else "")
    return (f" Let wel: met {diff['n'].max()} getoetste gebieden is het verschil met vestigingen in {unsure} van de "
            f"{len(diff)} vergeleken sectoren niet van toeval te onderscheiden; {OTHER_REGIONS_NL}."
            + beyond
            + _pooled_text(view, labels))


def _in_sectors(names: list[str]) -> str:
    """'in a en in b': a sector's name may hold 'en' itself."""
    return f"in {names[0]} en in {names[1]}" if len(names) == 2 else f"in {listing(names)}"


EUROS_NL = ("welk deel van de toegevoegde waarde van de sector bij een ander gebied terechtkomt dan waar het CBS het "
            "telt; grote gebieden tellen dan zwaarder dan in de mediaan")


def _in_euros_text(view: GemeenteView, groups: list[str], labels: dict[str, str]) -> str:
    """The sectors where the main key's median error is above that of establishments, weighted by euros: the share of
    the sector's value added that each key puts in another region than CBS counts it in (large regions weigh more)."""
    diff = view.national.backtest.group_difference(variant_of(view.result.key)).set_index("group")
    rows = diff.loc[[g for g in groups if g in diff.index]].dropna(subset=["misplaced_pct"])
    if rows.empty:
        return ""
    beyond = ", ook als andere gebieden getoetst waren geweest"
    chance = f", maar {OTHER_REGIONS_NL}"

    def clause(g: str, r, first: bool) -> str:
        where = f"bij {in_sentence(labels.get(g, g))} ({g})"
        figures = f"{pct(r['misplaced_pct'] / 100)} tegen {pct(r['against_misplaced_pct'] / 100)} met vestigingen"
        shown = round(r["misplaced_pct"], 1) - round(r["against_misplaced_pct"], 1)
        if r["misplaced_p95_pp"] > 0 > r["misplaced_p05_pp"] and abs(shown) < 0.05:
            return (f"doen beide het {where} even goed" if first else f"{where} doen beide het even goed") + f" ({figures})"
        verdict, tail = (("wél beter", beyond + (", terwijl het verschil in de mediaan toeval kan zijn"
                                                 if r["p05_pp"] < 0 < r["p95_pp"] else ""))
                         if r["misplaced_p95_pp"] < 0 else ("ook slechter", beyond) if r["misplaced_p05_pp"] > 0 else
                         ("iets beter", chance) if shown < 0 else ("iets slechter", chance))
        return (f"is de hoofdsleutel {where} {verdict}" if first else f"{where} is de hoofdsleutel {verdict}") + (
            f": {figures}{tail}")

    clauses = [clause(g, r, i == 0) for i, (g, r) in enumerate(rows.iterrows())]
    return f" Gewogen naar euro’s ({EUROS_NL}) " + "; ".join(clauses) + "."


def _density_effect_text(view: GemeenteView, summary: pd.DataFrame) -> str:
    """What the job-density weighting does in the back-test, and what it leaves (also per sector)."""
    names = dict(zip(view.data.regions["corop_code"], view.data.regions["corop_name"]))
    with_, without = summary.loc[("jobs", "provincie_corop")], summary.loc[("jobs_uncorrected", "provincie_corop")]
    groups = view.national.backtest.by_group()
    labels = view.data.industry_labels()
    worse = [g for g, r in groups.iterrows() if pd.notna(r.get("establishments")) and pd.notna(r.get("jobs"))
             and r["jobs"] > r["establishments"]]
    named = [f"{in_sentence(labels.get(g, g))} ({g}), {pct(groups.loc[g, 'jobs'] / 100)} tegen "
             f"{pct(groups.loc[g, 'establishments'] / 100)} met vestigingen" for g in worse]
    published_better = all(groups.loc[g, "jobs_published"] < groups.loc[g, "establishments"] for g in worse)
    blended = view.result.key.blended
    half = (f" Bij {narrative.blended_groups(blended, labels)} bestaat de hoofdsleutel voor de helft uit de vestigingen "
            "zelf (zie ‘Verantwoording’)." if blended else "")
    per_sector = (" Per sector geeft de hoofdsleutel in deze toets een kleinere mediane fout dan een verdeling naar "
                  f"vestigingen, met {'één uitzondering' if len(worse) == 1 else f'{len(worse)} uitzonderingen'}: "
                  f"{'; '.join(named)}." + half
                  + _in_euros_text(view, worse, labels)
                  + (f" Met de banen per sector zoals het CBS ze per COROP-gebied publiceert, is verdelen naar banen ook "
                     f"in {'die sector' if len(worse) == 1 else 'die sectoren'} beter dan naar vestigingen: het zwakke "
                     "punt is de geschatte verdeling van de banen over de sectoren. Een eigen banenbestand per sector (zoals LISA) maakt die "
                     "schatting overbodig." if published_better else "") + _chance_text(view, labels)
                  if worse else " Per sector geeft de hoofdsleutel in deze toets overal een kleinere mediane fout dan een "
                  "verdeling naar vestigingen." + half + _chance_text(view, labels))
    fmt = lambda v: pct(v / 100)  # noqa: E731
    helps = (with_["median_abs_pct"] < without["median_abs_pct"]) and (with_["p90_abs_pct"] <= without["p90_abs_pct"])
    effect = (f"in de toets provincie → COROP is de mediane fout {fmt(without['median_abs_pct'])} zonder weging en "
              f"{fmt(with_['median_abs_pct'])} met weging; 9 van de 10 gebieden liggen binnen "
              f"{fmt(without['p90_abs_pct'])} zonder en {fmt(with_['p90_abs_pct'])} met weging.")
    worst = names.get(with_["worst_region"], with_["worst_region"])
    return ("De grootste bron van fouten is de aanname dat een baan in dezelfde sector overal in het gebied evenveel "
            "toevoegt. De weging naar banendichtheid (zie ‘Zo is het BLP berekend’) is bedoeld om daar een deel van weg "
            "te halen; " + effect + ((" De weging verkleint de fout dus in de meeste gebieden, maar niet in het "
                                      "slechtste geval (zie hieronder)." if with_["max_abs_pct"] > without["max_abs_pct"]
                                      else " De weging verkleint de fout dus.") if helps else
                                     " In deze gegevens verkleint de weging de fout dus niet.")
            + " Die weging is in de toets steeds gemeten zonder de provincie die getoetst wordt, zodat de toets niet "
            "terugvindt wat hij zelf heeft ingesteld. Wat overblijft zijn verschillen in productiviteit die niet met de "
            f"dichtheid samenhangen; de grootste fout met weging is die van {worst} ({fmt(with_['max_abs_pct'])}, zonder "
            f"weging was de grootste fout {fmt(without['max_abs_pct'])})." + per_sector)


def key_figures_frame(view: GemeenteView) -> pd.DataFrame:
    h = view.headline
    unit = {"establishments": "vestiging", "jobs": "baan van een werknemer"}.get(h["key_measure"], h["key_measure"])
    rows = [("BLP", meur(h["blp_meur"])),
            ("BLP per inwoner", eur(h["blp_per_inhabitant_eur"])),
            (f"BLP per {unit}", eur(h["blp_per_key_unit_eur"])),
            (f"Inwoners ({view.choices.population_year}, grenzen {view.choices.boundary_year})", num(h["population"])),
            ("Aandeel in COROP-gebied", pct(h["share_of_corop"])),
            (f"BLP per inwoner {h['corop_name']}", eur(h["corop_per_inhabitant_eur"])),
            ("BLP per inwoner Nederland", eur(h["nl_per_inhabitant_eur"]))]
    return pd.DataFrame(rows, columns=["Kerncijfer", "Waarde"])


def key_figures(view: GemeenteView) -> None:
    table(key_figures_frame(view))
    md("*Wat het BLP is:* de bruto toegevoegde waarde tegen basisprijzen van alle bedrijvigheid in de gemeente. Het "
       "bruto binnenlands product (bbp) van Nederland is hoger: dat telt ook de belastingen op producten min de "
       "subsidies erop mee (zoals btw en accijns), die niet aan een gemeente zijn toe te rekenen."
       + (" *BLP per baan* deelt de toegevoegde waarde van iedereen die er werkt (ook zelfstandigen, en de "
          "toegerekende huur van koopwoningen) door de banen van werknemers alleen: waar veel zelfstandigen werken "
          "(landbouw, bouw, zakelijke diensten), ligt het hoger dan wat één baan werkelijk oplevert."
          if view.headline["key_measure"] == "jobs" else ""))


def structure_title(view: GemeenteView) -> str:
    top = view.structure.sort_values("share_gemeente", ascending=False).iloc[0]
    label = view.data.industry_labels().get(top["group"], top["group"])
    return f"{view.name}: {in_sentence(label)} is de grootste sector, {pct(top['share_gemeente'])} van het BLP"


def structure_figure(view: GemeenteView):
    labels = wrap_labels(view.data.industry_labels())
    fig = charts.sector_chart(view.structure, labels, view.name, view.region_row()["corop_name"])
    return charts.titled(fig, structure_title(view))


def _split_estimated(view: GemeenteView) -> bool:
    """Whether this gemeente's jobs per sector were estimated (by the fit), not published."""
    fit = view.result.key.fit
    if fit is None or view.whole_region:  # a whole region's split is the region's own
        return False
    own = fit.matrix[fit.matrix["gemeente_code"] == view.gemeente]
    return bool(len(own)) and not bool((own["known"] | own["below"].notna()).all())  # a 0 of CBS: published


def structure(view: GemeenteView) -> None:
    labels = view.data.industry_labels()
    show_chart(view, structure_figure, alt=f"Staafdiagram van het aandeel van elke sector in het BLP van {view.name}, "
               f"in het COROP-gebied en in Nederland. {structure_title(view)}.")
    key, estimated = view.result.key, _split_estimated(view)
    md(narrative.structure_text(view.structure, labels, view.name, key.measure, key.density is not None, estimated,
                                key.blended, view.whole_region))
    surplus = narrative.surplus_text(view.name, *key.fit.against_seed(view.gemeente)) if estimated else ""
    if surplus:
        md(surplus)
    exceptional = exceptional_sectors(view)
    if exceptional:
        md(narrative.exceptional_text(view.name, view.region_row()["corop_name"], exceptional,
                                      sum(r["blp_meur"] for r in exceptional) / view.headline["blp_meur"]))
    df = view.structure.assign(Sector=view.structure["group"].map(labels))
    table(df, {"Sector": "Sector", "blp_meur": "BLP (mln euro)", "share_gemeente": "Aandeel gemeente",
               **({} if view.whole_region else {"share_corop": "Aandeel COROP"}), "share_nl": "Aandeel NL",
               "activity_lq": f"Specialisatie (LQ {MEASURE_NL.get(key.measure, key.measure)}"
                              f"{', geschat' if estimated else ''})"},
          {"blp_meur": 1, "share_gemeente": lambda v: pct(v), "share_corop": lambda v: pct(v),
           "share_nl": lambda v: pct(v), "activity_lq": 2})


def exceptional_sectors(view: GemeenteView) -> list[dict]:
    """The sectors of the gemeente's region whose value added per job is exceptional
    (``blp.beleid.policy.exceptional_per_job``), with the gemeente's BLP in each; none for a gemeente that is its
    whole region (its BLP is the region's, nothing was allocated)."""
    if view.whole_region:
        return []
    per_job = view.per_job
    labels, blp = view.data.industry_labels(), view.structure.set_index("group")["blp_meur"]
    return [{"label": labels.get(g, g), "ratio": float(r), "corop_eur": float(per_job.loc[g, "corop"]),
             "nl_eur": float(per_job.loc[g, "nl"]), "blp_meur": float(blp.get(g, 0.0))}
            for g, r in exceptional_per_job(per_job).items() if blp.get(g, 0.0) > 0]


def peers_title(view: GemeenteView) -> str:
    n = view.result.national.set_index("gemeente_code")["blp_per_inhabitant_eur"]
    group = n.reindex([view.gemeente] + view.peers[0]).dropna()
    rank = int((group > group.loc[view.gemeente]).sum()) + 1
    return (f"{view.name}: {eur(view.headline['blp_per_inhabitant_eur'])} BLP per inwoner, plaats {rank} van "
            f"{len(group)} in de vergelijkingsgroep")


def peers_figure(view: GemeenteView):
    fig = charts.peers_chart(view.result.national, view.gemeente, view.peers[0], view.headline["nl_per_inhabitant_eur"])
    return charts.titled(fig, peers_title(view))


def location_title(view: GemeenteView) -> str:
    row = view.region_row()
    members = view.result.national[view.result.national["corop_code"] == row["corop_code"]]
    if len(members) == 1:
        return f"{view.name} is het hele COROP-gebied {row['corop_name']}"
    return (f"{view.name} ligt in het COROP-gebied {row['corop_name']}, met {len(members) - 1} andere "
            f"gemeente{'n' if len(members) > 2 else ''}")


def has_map(view: GemeenteView) -> bool:
    """The data have the gemeente's shape (and so a locator map can be drawn)."""
    return view.gemeente in view.data.shapes.rings


def location_figure(view: GemeenteView):
    n = view.result.national
    row = view.region_row()
    members = n.loc[n["corop_code"] == row["corop_code"], "gemeente_code"].tolist()
    fig = maps.locator(view.data.shapes, view.gemeente, members, view.peers[0],
                       n.set_index("gemeente_code")["gemeente_name"].to_dict(), view.name, row["corop_name"])
    return charts.titled(fig, location_title(view))


def position(view: GemeenteView) -> None:
    r = view.ranks
    if has_map(view):
        show_chart(view, location_figure, alt=f"Kaart van Nederland met {view.name}, zijn COROP-gebied en de "
                   f"vergelijkingsgemeenten, en een uitvergroting van het COROP-gebied. {location_title(view)}.")
    else:
        md(f"Een kaart ontbreekt: de gegevens van deze berekening bevatten geen grenzen van {view.name}.")
    r = r[r["n"] > 1]  # a region of one gemeente (Eemsdelta) ranks it first of one: no comparison
    table(r, {"scope": "Vergeleken met", "n": "Aantal gemeenten", "blp_meur": "Plaats naar BLP",
              "blp_per_inhabitant_eur": "Plaats naar BLP per inwoner"}, name="rangorde")
    peers, desc = view.peers
    show_chart(view, peers_figure, alt=f"Staafdiagram van het BLP per inwoner van {view.name}, de vergelijkingsgemeenten "
               f"en Nederland. {peers_title(view)}.")
    md(narrative.peers_text(view.name, desc, view.result.national, view.gemeente, peers))
    # in the order of the chart and the title's place: highest BLP per inhabitant first
    n = (view.result.national.set_index("gemeente_code").loc[[view.gemeente] + peers].reset_index()
         .sort_values("blp_per_inhabitant_eur", ascending=False, kind="stable"))
    table(n, {"gemeente_name": "Gemeente", "corop_name": "COROP", "population": "Inwoners", "blp_meur": "BLP (mln euro)",
              "blp_per_inhabitant_eur": "BLP per inwoner (euro)"},
          {"population": 0, "blp_meur": 0, "blp_per_inhabitant_eur": 0}, name="vergelijkingsgroep")


def sensitivity_title(view: GemeenteView) -> str:
    """The range the text gives (the main key's own measure), and apart from it the other measures' (a reader saw
    '€ 6,2 tot 9,4 miljard' over the chart and '€ 8,4 tot 9,4 miljard' in the text below it)."""
    sens = view.sensitivity
    own = sens["key"].str.startswith(sens["key"].iloc[0].split("_")[0] + "_").to_numpy()
    blp = sens["blp_meur"]
    low, high = meur_pair(blp[own].min(), blp[own].max())
    title = f"Met varianten van de hoofdsleutel ligt het BLP van {view.name} tussen {low} en {high}"
    if (~own).any():
        names = list(dict.fromkeys(MEASURE_NL.get(k.split("_")[0], k) for k in sens["key"][~own]))
        others = " of ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)
        low, high = meur_pair(blp[~own].min(), blp[~own].max())
        title += f"; naar {others}, die slechter scoren, {low}" + (f" tot {high}" if low != high else "")
    return title


def sensitivity_figure(view: GemeenteView):
    return charts.titled(charts.sensitivity_chart(view.sensitivity, view.name), sensitivity_title(view))


def sensitivity(view: GemeenteView) -> None:
    sens = view.sensitivity
    if len(sens) < 2:
        md("Er is geen andere verdeelsleutel om het BLP mee te vergelijken: de params kiezen er geen (`sensitivity`), "
           "of de gekozen variant past niet bij deze sleutel (de variant zonder weging naar banendichtheid bestaat "
           "alleen bij de sleutel banen).")
        return
    if view.whole_region:
        md(f"Voor {view.name} maakt de verdeelsleutel niet uit: de gemeente is het hele COROP-gebied, dus elke sleutel "
           f"geeft haar de hele toegevoegde waarde van het gebied ({meur(view.headline['blp_meur'])}). De tabel laat "
           "het zien; bij andere gemeenten verschillen de uitkomsten wel.")
    else:
        show_chart(view, sensitivity_figure, alt=f"Staafdiagram van het BLP van {view.name} met elke andere "
                   f"verdeelsleutel. {sensitivity_title(view)}.")
        md(narrative.sensitivity_text(sens, view.name, view.error_band is not None))
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
    """Average annual growth of the BLP (nominal) of the gemeente, its COROP and NL over several periods, and
    the COROP's real growth (volume) where the data have it, beside its nominal growth in the same (older) vintage:
    the revised nominal figures grow differently, so real against revised nominal would imply a wrong inflation."""
    s = view.national.series
    own = s.of(view.gemeente)["blp_meur"]
    corop_code = view.region_row()["corop_code"]
    corop = s.regions[s.regions["corop_code"] == corop_code].set_index("year")["corop_meur"]
    nl = s.regions.drop_duplicates("year").set_index("year")["nl_meur"]
    volume = volume_growth(view.data, corop_code)
    old = nominal_before_revision(view.data, corop_code)
    last = int(own.index.max())
    rows = []
    # the last TREND_YEARS years too: report 4's 0-scenario continues their real growth (a reader could not check it)
    for first in sorted({int(own.index.min()), 2010, last - TREND_YEARS, view.choices.va_year} - {last}):
        if first not in own.index or first >= last:
            continue
        n = last - first

        def cagr(x):
            return (x.loc[last] / x.loc[first]) ** (1 / n) - 1

        vol = volume[(volume.index > first) & (volume.index <= last)]
        real = float(((1 + vol / 100).prod()) ** (1 / n) - 1) if len(vol) == n else float("nan")
        rows.append({"period": f"{first}–{last}", "gemeente": cagr(own), "corop": cagr(corop), "nl": cagr(nl),
                     "corop_old": cagr(old) if {first, last} <= set(old.index) else float("nan"), "corop_real": real})
    return pd.DataFrame(rows)


def trend_title(view: GemeenteView) -> str:
    own = view.national.series.of(view.gemeente)["blp_meur"]
    first, last = int(own.index.min()), int(own.index.max())
    return (f"Het BLP van {view.name} ging van {meur(float(own.loc[first]))} in {first} naar "
            f"{meur(float(own.loc[last]))} in {last} (lopende prijzen)")


def trend_figure(view: GemeenteView):
    fig = charts.trend_chart(view.national.series.of(view.gemeente), view.name, view.choices.va_year,
                             view.whole_region)
    return charts.titled(fig, trend_title(view))


def trend(view: GemeenteView) -> None:
    s = view.national.series
    if s is None:
        md(f"**Trend:** niet te berekenen. De regionale toegevoegde waarde in deze gegevens beslaat alleen "
           f"{view.choices.va_year}.")
        return
    own = s.of(view.gemeente)
    first, last = int(own.index.min()), int(own.index.max())
    held = sorted({int(k) for k in own["key_year"]})
    word = MEASURE_NL.get(view.result.key.measure, view.result.key.measure)
    full_years = full_detail_years(view.data)
    md(f"Het BLP van {view.name} van {first} tot {last}, in lopende prijzen (zonder correctie voor inflatie). "
       f"De gegevens van deze berekening bevatten per COROP-gebied voor elk jaar het totaal, de landbouw en de "
       f"nijverheid (CBS, regionale rekeningen na de revisie van 2024); alle sectoren alleen voor "
       f"{listing([str(y) for y in full_years])}. In de andere jaren is de rest van het totaal over de sectoren verdeeld "
       f"zoals in {'het dichtstbijzijnde van die jaren' if len(full_years) > 1 else full_years[0]} (open rondjes: "
       "geschat). "
       + (f"Omdat {view.name} het hele COROP-gebied is, is het BLP van elk jaar het gepubliceerde totaal van dat "
          "gebied; alleen de verdeling over de sectoren is in de andere jaren geschat." if view.whole_region else
          f"Het aandeel van de gemeente in haar COROP-gebied volgt de {word} van het dichtstbijzijnde jaar met cijfers "
          f"daarvan ({', '.join(map(str, held))}); vóór {held[0]} is het aandeel vastgehouden op dat van {held[0]}, dus "
          "de groei in die jaren is die van het COROP-gebied en zijn sectoren, niet gemeten voor de gemeente zelf."))
    link = division_link(view)
    if link:
        md(link)
    show_chart(view, trend_figure, alt=f"Lijndiagram van het BLP van {view.name} per jaar, {first} tot {last}; open "
               f"rondjes zijn jaren met geschatte sectoren. {trend_title(view)}.")
    pct_signed = lambda v: pct(v, signed=True)  # noqa: E731
    dagger = "" if view.whole_region else "†"
    own_region = {} if view.whole_region else {"corop": f"COROP {view.region_row()['corop_name']} (nominaal, per jaar)"}
    table(growth_frame(view), {"period": "Periode", "gemeente": f"{view.name} (nominaal, per jaar){dagger}",
                               **own_region, "nl": "Nederland (nominaal, per jaar)",
                               "corop_old": "COROP, oudere cijfers: nominaal (per jaar)*",
                               "corop_real": "COROP, oudere cijfers: reëel (volume, per jaar)*"},
          {"gemeente": pct_signed, "corop": pct_signed, "nl": pct_signed, "corop_old": pct_signed,
           "corop_real": pct_signed})
    md(("" if view.whole_region else
         f"† Vóór {held[0]} is dit de groei van het COROP-gebied en zijn sectoren (het aandeel van de gemeente is daar "
         f"vastgehouden); alleen vanaf {held[0]} volgt het aandeel de banen van de gemeente zelf.\n\n")
       + "\\* De reële groei (volume, dus zonder prijsstijging) is die van het **COROP-gebied** als geheel, uit de "
       "regionale rekeningen van vóór de CBS-revisie van 2024 (tabel 84432NED); "
       + (f"omdat {view.name} het hele gebied is, is dat ook haar eigen reële groei. " if view.whole_region else
          "voor de gemeente zelf is geen reële groei te meten. ")
       + "Vergelijk haar met de nominale groei uit dezelfde oudere cijfers ernaast, niet met de "
       "kolommen ervoor: na de revisie groeit de toegevoegde waarde anders, en het verschil tussen die twee zou een "
       "verkeerde prijsstijging suggereren.")


def division_link(view: GemeenteView) -> str:
    """The trend's note on the years before the full-detail year, linked to its COROP division, for the
    gemeente's region (``narrative.division_link_text``); '' where nothing notable was linked."""
    corop, name = view.region_row()["corop_code"], view.region_row()["corop_name"]
    link = division_factor(view.data, corop)
    first = int(view.national.series.of(view.gemeente).index.min())
    found = linked_breaks(view.data)
    found = found[(found["region_code"] == corop) & (found["break_year"] > first)]
    notes = [narrative.series_break_text(name, b.factor, b.break_year, first) for b in found.itertuples()]
    if link is not None and first < link[0]:
        notes.append(narrative.division_link_text(name, link[1], link[0], first))
    return "\n\n".join(n for n in notes if n)


def series_frame(view: GemeenteView) -> pd.DataFrame:
    """The gemeente's BLP per year, as the trend chart draws it: how much of it rests on an estimated sector split, and
    the jobs year its share of the region follows (held before the first)."""
    own = view.national.series.of(view.gemeente)
    frame = pd.DataFrame({
        "year": [f"{y}{' (voorlopig)' if p else ''}" for y, p in zip(own.index, own["provisional"])],
        "blp_meur": own["blp_meur"].to_numpy(),
        "estimated": own["estimated_share"].to_numpy(),
        # a year whose share follows another year's key: held at that year's
        "key_year": [f"{k} (vastgehouden)" if y != k else str(k) for y, k in zip(own.index, own["key_year"])],
    })
    if (own["linked_share"] > 0).any():  # years linked to the newer COROP division (``division_link``)
        frame["linked"] = own["linked_share"].to_numpy()
    return frame


def series_table(view: GemeenteView) -> None:
    """The numbers behind the trend chart, for an auditor and the downloads (a reader's finding: only a chart)."""
    if view.national.series is None:
        return
    md(f"**Het BLP van {view.name} per jaar**, de getallen achter de grafiek onder ‘Ontwikkeling door de tijd’ "
       "(lopende prijzen):")
    word = MEASURE_NL.get(view.result.key.measure, view.result.key.measure)
    frame = series_frame(view)
    table(frame, {"year": "Jaar", "blp_meur": "BLP (mln euro)",
                  "estimated": "Deel uit sectoren die voor dat jaar niet in deze gegevens staan",
                  "key_year": f"Aandeel in het COROP-gebied volgt de {word} van",
                  **({"linked": "Deel omgerekend naar de nieuwere COROP-indeling"} if "linked" in frame else {})},
          {"blp_meur": 1, "estimated": lambda v: pct(v, 0), "linked": lambda v: pct(v, 0)}, name="BLP per jaar")


def reconciliation(view: GemeenteView) -> None:
    """The COROP's value added against what its gemeenten (or parts of gemeenten) received, to the euro."""
    row = view.region_row()
    corop = row["corop_code"]
    shares = view.result.allocation.shares
    parts = shares[shares["corop_code"] == corop].groupby("gemeente_code")["blp_eur"].sum() / 1e6
    names = view.result.national.set_index("gemeente_code")["gemeente_name"]
    members = pd.DataFrame({"gemeente_name": names.reindex(parts.index).to_numpy(), "blp_meur": parts.to_numpy()})
    members = members.sort_values("blp_meur", ascending=False)
    va_total = view.result.va.loc[view.result.va["corop_code"] == corop, "value_meur"].sum()
    recon = view.result.reconciliation()
    diff = int(recon.loc[recon["corop_code"] == corop, "difference_eur"].abs().max())
    outside = view.result.national[(view.result.national["corop_code"] == corop)
                                   & ~view.result.national["gemeente_code"].isin(parts.index)]
    own = set(view.result.national.loc[view.result.national["corop_code"] == corop, "gemeente_code"])
    # a gemeente of another region now that has a part here in the value added's division (Oisterwijk and Tilburg,
    # for the parts of Haaren): counted with the members, but not as one of the region's gemeenten
    guests = [str(names.get(g, g)) for g in parts.index if g not in own]
    n_own = len(members) - len(guests)
    guest_clause = (f", en {listing(guests)} voor de delen die in {view.choices.va_year} bij dit gebied hoorden,"
                    if guests else "")
    md("**Controle op de aansluiting.** Wat "
       + (f"{view.name} als enige gemeente van {row['corop_name']}{guest_clause} uit dit gebied "
          f"{'krijgen' if guests else 'krijgt'}" if n_own == 1 else
          f"de {n_own} gemeenten van {row['corop_name']}{guest_clause} uit dit gebied krijgen")
       + f", telt op tot {meur(members['blp_meur'].sum())}; de toegevoegde waarde van het COROP-gebied is "
       f"{meur(va_total)}. Grootste verschil per sector: {diff} euro."
       + (" Een gemeente die voor een deel in een ander COROP-gebied lag (in de indeling van de toegevoegde waarde), "
          "krijgt dat deel uit dat andere gebied; het staat hier niet bij." if len(outside) or
          (shares.loc[shares["gemeente_code"].isin(parts.index), "corop_code"] != corop).any() else ""))
    table(members, {"gemeente_name": "Gemeente", "blp_meur": "BLP uit dit COROP-gebied (mln euro)"}, {"blp_meur": 1}, name="aansluiting")


def key_table(view: GemeenteView) -> pd.DataFrame:
    """Per group: what its value added is allocated by."""
    labels = view.data.industry_labels()
    key = view.result.key
    return pd.DataFrame({"Sector": [labels.get(g, g) for g in view.result.concordance.groups],
                         "Verdeeld naar": [key.key_of(g, view.region_row()["corop_code"])
                                           for g in view.result.concordance.groups]})


def method(view: GemeenteView) -> None:
    md(narrative.METHOD_TEXT)
    key = view.result.key
    if key.density is not None:
        md(narrative.density_text(key.density))
    elif key.measure == "jobs":
        why = ("die staat uit in de params (`density_correction: false`)" if not view.choices.density_correction else
               why_not_weighted(view.data, view.choices.composition_year or view.choices.boundary_year,
                                view.choices.boundary_year))
        md(f"*Zonder weging naar banendichtheid:* {why}. Elke baan in dezelfde sector telt in het hele COROP-gebied "
           "even zwaar.")
    md("**De verdeelsleutel per sector:**")
    table(key_table(view), name="sleutel per sector")
    if key.blended:
        blended_why(view)


def blended_frame(view: GemeenteView) -> pd.DataFrame:
    """For the groups whose key averages jobs and establishments: the back-test's median error per level with the
    jobs alone, the average (the main key) and the establishments alone."""
    bt, key = view.national.backtest, view.result.key
    if not _unblended_measured(view):
        return pd.DataFrame()
    labels = view.data.industry_labels()
    rows = []
    for level, level_nl in LEVEL_NL.items():
        groups = bt.by_group(level)
        for g in key.blended:
            if g in groups.index:
                rows.append({"Sector": labels.get(g, g), "Toets": level_nl,
                             "Alleen banen": groups.loc[g, "jobs_unblended"], "Gemiddelde (hoofdsleutel)":
                             groups.loc[g, "jobs"], "Alleen vestigingen": groups.loc[g, "establishments"]})
    return pd.DataFrame(rows)


def blended_why(view: GemeenteView) -> None:
    """Why F and R-U average two estimates, with the back-test's figures."""
    names = narrative.blended_groups(view.result.key.blended, view.data.industry_labels())
    frame = blended_frame(view)
    best = not frame.empty and bool((frame["Gemiddelde (hoofdsleutel)"]
                                     < frame[["Alleen banen", "Alleen vestigingen"]].min(axis=1)).all())
    md(f"**Waarom {names} een gemiddelde krijgen.** Voor die sectoren is het aandeel van een gemeente het gemiddelde "
       "van haar aandeel in de geschatte (gewogen) banen en haar aandeel in de vestigingen (niet gewogen). Dat is een "
       "statistische keuze, geen economische: twee schattingen met elk hun eigen fouten zitten er samen vaak minder "
       "naast dan elk apart. "
       + ("De toetsen provincie → COROP en Nederland → provincie (‘Hoe zeker is dit getal?’) laten dat met deze gegevens "
          "zien. De mediane fout per sector:" if best else
          "De toetsen provincie → COROP en Nederland → provincie (‘Hoe zeker is dit getal?’) laten zien hoe dat met deze "
          "gegevens uitvalt. De mediane fout per sector:" if not frame.empty else ""))
    if not frame.empty:
        fmt = lambda v: pct(v / 100)  # noqa: E731
        table(frame, formats={"Alleen banen": fmt, "Gemiddelde (hoofdsleutel)": fmt, "Alleen vestigingen": fmt}, name="middeling met vestigingen")
    totals = _blended_totals(view)
    bt = view.national.backtest
    same = bt is not None and (bt.va_year, bt.key_year) == (2018, 2019)
    md(_blended_in_euros(view) + totals + "De keuze voor deze twee sectoren is gemaakt op de toets met de CBS-cijfers "
       "van 2018 (toegevoegde waarde) en 2019 (banen)"
       + (", dezelfde toets als hierboven: de keuze is dus niet los van deze cijfers getoetst. " if same else ". ")
       + "In handel, vervoer en horeca verkleinde het gemiddelde ook de fout in de sector, maar het maakte de mediane "
       "fout van de totalen provincie → COROP 5,6% in plaats van 4,8%, boven het doel van 5% (gemeten bij die keuze); "
       "die sector en de sectoren waar het gemiddelde niet hielp, worden daarom alleen naar banen verdeeld.")


def _blended_in_euros(view: GemeenteView) -> str:
    """The averaged sectors weighted by euros (province -> COROP): the share of the sector's value added that jobs
    alone, the average and establishments alone put in another region than CBS counts it in; which is best."""
    if not _unblended_measured(view):
        return ""
    bt, labels = view.national.backtest, view.data.industry_labels()
    average = bt.group_difference("jobs").set_index("group")
    alone = bt.group_difference("jobs_unblended").set_index("group")
    groups = [g for g in view.result.key.blended if g in average.index and g in alone.index
              and pd.notna(average.loc[g, "misplaced_pct"]) and pd.notna(alone.loc[g, "misplaced_pct"])]
    if not groups:
        return ""
    parts, average_best = [], True
    for g in groups:
        shares = {"alleen banen": alone.loc[g, "misplaced_pct"], "het gemiddelde": average.loc[g, "misplaced_pct"],
                  "alleen vestigingen": average.loc[g, "against_misplaced_pct"]}
        low = min(round(v, 1) for v in shares.values())
        best = [k for k, v in shares.items() if round(v, 1) == low]
        average_best &= "het gemiddelde" in best
        rest = "; ".join(f"{k} {pct(v / 100)}" for k, v in shares.items() if k not in best)
        parts.append(f"bij {in_sentence(labels.get(g, g))} ({g}) {'is' if len(best) == 1 else 'zijn'} {listing(best)} "
                     f"het best ({pct(low / 100)}; {rest})")
    return (f"Gewogen naar euro’s ({EUROS_NL}; provincie → COROP) " + ("is het gemiddelde overal het best of even goed: "
                                                                      if average_best else
                                                                      "is het gemiddelde niet overal het best: ")
            + "; ".join(parts) + "." + ("" if average_best else
                                        " De keuze is gemaakt op de mediane fout, waarin een klein gebied even zwaar "
                                        "telt als een groot: het BLP moet voor elke gemeente kloppen, groot of klein.")
            + " ")


def _unblended_measured(view: GemeenteView) -> bool:
    """The back-test measured the run's key also without the averaging of F and R-U (the weighted jobs key only)."""
    bt = view.national.backtest
    return bt is not None and variant_of(view.result.key) == "jobs" and "jobs_unblended" in set(bt.errors["variant"])


def _blended_totals(view: GemeenteView) -> str:
    """The back-test's median error of the regions' totals without and with the averaging, per level."""
    bt = view.national.backtest
    if not _unblended_measured(view):
        return ""
    s = bt.summary().set_index(["variant", "level"])["median_abs_pct"]
    change = s[("jobs", "provincie_corop")] - s[("jobs_unblended", "provincie_corop")]
    text = ("Voor de totale toegevoegde waarde van een gebied maakt het gemiddelde de fout "
            + ("iets groter: " if change > 0 else "niet groter: " if change == 0 else "kleiner: ")
            + "; ".join(f"mediane fout {LEVEL_NL[level]} {pct(s[('jobs_unblended', level)] / 100)} zonder en "
                        f"{pct(s[('jobs', level)] / 100)} met het gemiddelde" for level in LEVEL_NL))
    diff = bt.group_difference("jobs", "jobs_unblended", total=True)
    if len(diff) == 1 and diff["p05_pp"].iloc[0] < 0 < diff["p95_pp"].iloc[0]:
        d = diff.iloc[0]
        text += (f" (het verschil in de toets provincie → COROP, {signed_num(d['difference_pp'])} procentpunt, is "
                 f"met {d['n']} gebieden niet van toeval te onderscheiden: met andere getoetste gebieden lag het in 9 van "
                 f"de 10 gevallen tussen {signed_num(d['p05_pp'])} en {signed_num(d['p95_pp'])} procentpunt)")
    return text + ". "


def limits(view: GemeenteView) -> None:
    md(narrative.limits_text(view.result.key.density is not None))


def figures(view: GemeenteView):
    """The charts of this report, in the order it shows them (``blp.rapport.figures``)."""
    yield planned(view, structure_figure)
    if has_map(view):
        yield planned(view, location_figure)
    yield planned(view, peers_figure)
    if view.national.series is not None:
        yield planned(view, trend_figure)
    if len(view.sensitivity) > 1 and not view.whole_region:
        yield planned(view, sensitivity_figure)
