"""The walkthrough notebook (00): the method on one gemeente's real numbers, one visible step per cell.

Each step shows what one function of the kit does (named in its text) with the numbers of this run, so a
presenter can walk a webinar through it and a researcher can check it by hand.
"""

from __future__ import annotations

import math

import pandas as pd

from blp.berekening.allocation import EUR_PER_MEUR
from blp.berekening.productivity import region_mean_factor
from blp.dutch import in_sentence
from blp.rapport import narrative
from blp.rapport.context import GemeenteView
from blp.rapport.display import md, table
from blp.rapport.fmt import meur, num, pct, with_unit
from blp.rapport.paginas.brede_welvaart import focus_is_default


def _corop(view: GemeenteView) -> str:
    return view.region_row()["corop_code"]


def _labels(view: GemeenteView) -> dict[str, str]:
    return view.data.industry_labels()


def title(view: GemeenteView) -> None:
    md(f"# De methode stap voor stap: {view.name} ({view.gemeente})\n\n"
       f"Hoe het BLP van {view.name} tot stand komt, met de echte cijfers van deze berekening. Elke stap noemt de "
       "functie in de kit die haar uitvoert, zodat wie wil het na kan rekenen. De instellingen (welke gemeente, "
       "welke gegevens) staan in de eerste cel van het notebook; in deze HTML-versie is die verborgen.")


def corop_value_added_frame(view: GemeenteView) -> pd.DataFrame:
    va = view.result.va[view.result.va["corop_code"] == _corop(view)]
    return pd.DataFrame({"Sector": va["group"].map(_labels(view)).to_numpy(), "group": va["group"].to_numpy(),
                         "Toegevoegde waarde COROP (mln euro)": va["value_meur"].to_numpy()})


def corop_value_added(view: GemeenteView) -> None:
    """Step 1: the COROP's value added per group (blp.berekening.value_added.regional_value_added)."""
    df = corop_value_added_frame(view)
    md(f"**Stap 1. De toegevoegde waarde van het COROP-gebied {view.region_row()['corop_name']}** in "
       f"{view.choices.va_year}, per sector (`blp.berekening.value_added.regional_value_added`). Samen "
       f"{meur(df['Toegevoegde waarde COROP (mln euro)'].sum())}.")
    table(df.drop(columns="group"), formats={"Toegevoegde waarde COROP (mln euro)": 1})


def activity_frame(view: GemeenteView) -> pd.DataFrame:
    """The fitted jobs of the gemeente's part in its COROP, and the COROP's, per group."""
    fit = view.result.key.fit
    m = fit.matrix[fit.matrix["corop_code"] == _corop(view)]
    own = m[m["gemeente_code"] == view.gemeente].groupby("group")["jobs"].sum()
    corop = m.groupby("group")["jobs"].sum()
    return pd.DataFrame({"Sector": [_labels(view).get(g, g) for g in corop.index],
                         _own_jobs_column(view): own.reindex(corop.index).fillna(0).to_numpy(),
                         "Banen COROP (randtotaal, geschaald naar de gemeenten)": corop.to_numpy()})


def _own_jobs_column(view: GemeenteView) -> str:
    """The gemeente's jobs per sector are estimated, unless it is its whole COROP region: then they are the region's."""
    return "Banen gemeente (= COROP-gebied)" if view.whole_region else "Banen gemeente (geschat)"


def _farm_jobs_clause(view: GemeenteView) -> str:
    """Whether the data hold the gemeente's own farm jobs: ', en ook de banen in de landbouw (300)', a published 0
    (0 to 50), those of a part of it (a gemeente formed from several, not all published), or none."""
    m = view.result.key.fit.matrix
    farm = m[(m["gemeente_code"] == view.gemeente) & (m["group"] == "A")]
    if farm.empty:
        return ""
    if farm["known"].all():
        return f", en ook de banen in de landbouw ({num(farm['jobs'].sum())})"
    if farm["below"].notna().all() and farm["at_least"].isna().all():
        return f", en de banen in de landbouw als 0 (dat is 0 tot {num(farm['below'].sum())}, zie hieronder)"
    if (farm["known"] | farm["below"].notna() | farm["at_least"].notna()).any():
        return ", en de banen in de landbouw van een deel van de gemeente (de rest is geschat)"
    return ", maar niet de banen in de landbouw"


def activity(view: GemeenteView) -> None:
    """Step 2: the key, and for the jobs key how it was fitted (blp.berekening.jobs_key, blp.berekening.ras)."""
    key, fit = view.result.key, view.result.key.fit
    if fit is None:
        md(f"**Stap 2. De verdeelsleutel: {key.label_nl}**, zoals gepubliceerd; er is niets geschat. "
           + (narrative.zeros_as_published(view.data, key.year) if key.measure == "jobs" else ""))
        density_step(view)
        return
    row = fit.per_corop.set_index("corop_code").loc[_corop(view)]
    m = fit.matrix
    parts = m[m["gemeente_code"] == view.gemeente].groupby("corop_code")["jobs"].sum()
    total = parts.get(_corop(view), 0.0)
    corop_name = view.region_row()["corop_name"]
    # a gemeente whose parts lay in two COROP regions in the value-added year (Amsterdam and Weesp, 2018)
    names = dict(zip(view.data.regions["corop_code"], view.data.regions["corop_name"]))
    others = " en ".join(names.get(c, c) for c in parts.index if c != _corop(view))
    part = (f" in het deel dat bij COROP-gebied {corop_name} hoort; de overige {num(round(parts.sum() - total, -2))} "
            f"tellen bij {others}, waar dat deel bij de toegevoegde waarde van {view.choices.va_year} hoorde"
            if len(parts) > 1 else "")
    md(f"**Stap 2. De verdeelsleutel: banen per sector.** Van {view.name} staat in de gegevens het totaal aantal "
       f"banen van werknemers (ongeveer {num(round(total, -2))} in {fit.year}{part}){_farm_jobs_clause(view)}; van "
       f"COROP-gebied {corop_name} ook de banen per sector. De tabel gemeente × "
       f"sector wordt daarom geschat met biproportionele aanpassing (`blp.berekening.jobs_key.estimate_jobs`, "
       f"`blp.berekening.ras.fit_bounded`): startpunt zijn de vestigingen per sector ({fit.seed_year}) maal het landelijke "
       f"aantal banen per vestiging"
       + (f" (voor de landbouw het landoppervlak ({fit.area_year}) maal het landelijke aantal landbouwbanen per km²: "
          "vestigingen telt het CBS daar alleen samen met openbaar bestuur, onderwijs en zorg)" if fit.area_year else "")
       + f"; dan worden de rijen geschaald tot elke gemeente haar eigen totaal heeft en de "
       f"kolommen tot elke sector het totaal van het COROP-gebied, om en om. In dit COROP-gebied: {row['units']} "
       f"gemeente{'n' if row['units'] != 1 else ''}, {row['iterations']} ronde{'s' if row['iterations'] != 1 else ''} (rapport 1 geeft het hoogste aantal over alle COROP-gebieden), grootste afwijking op de randtotalen (de totalen per gemeente en per "
       f"sector) "
       f"{num(max(row['max_row_error'], row['max_col_error']) * 100, 2)}%. "
       + narrative.published_cells(fit, _labels(view), view.gemeente, view.name, view.choices.boundary_year)
       + (f" {view.name} beslaat het hele COROP-gebied, dus wat de schatting ook doet, de gemeente krijgt precies "
          "de banen per sector van het gebied." if view.whole_region else ""))
    table(activity_frame(view), formats={_own_jobs_column(view): 0,
                                         "Banen COROP (randtotaal, geschaald naar de gemeenten)": 0})
    md(f"De vastgoedsector (L) wordt niet naar deze banen verdeeld maar naar {key.group_keys.get('L', 'banen')}; de "
       "banen van L hierboven tellen alleen mee in de randtotalen.")
    density_step(view)
    if key.blended:
        weighted = "gewogen " if key.density is not None else ""
        md(f"**Bij {narrative.blended_groups(key.blended, _labels(view))}** is het aandeel van een gemeente het "
           f"gemiddelde van twee schattingen, elk voor de helft: haar aandeel in de {weighted}geschatte banen van het "
           f"gebied en haar aandeel in de vestigingen van die sector ({fit.seed_year}; niet gewogen). De sleutel in "
           f"stap 3 is daar dat gemiddelde aandeel maal de {weighted}banen van het hele gebied: een rekengetal, geen "
           "aantal banen. Eén niveau hoger getoetst (`blp validate`: provincies verdeeld over hun COROP-gebieden, "
           "Nederland over de provincies) zit dat gemiddelde er in die sectoren minder naast dan banen of vestigingen "
           "alleen (rapport 2, ‘Verantwoording’).")


def density_step(view: GemeenteView) -> None:
    """The job-density weight of the gemeente's jobs (blp.berekening.productivity), if the key has one."""
    key = view.result.key
    units = key.density_units
    if key.density is None or units is None or (_corop(view), view.gemeente) not in units.index:
        return
    own = units.loc[(_corop(view), view.gemeente)]
    corop = units.xs(_corop(view), level="corop_code")
    dens_own, dens_corop = own["jobs"] / own["area_km2"], corop["jobs"].sum() / corop["area_km2"].sum()
    c = key.density
    decimals = 1 if min(dens_own, dens_corop) < 100 else 0  # shown so the division can be redone by hand
    a, b = round(dens_own, decimals), round(dens_corop, decimals)
    ratio = a / b
    bounded = float(c.bounded(math.log(ratio)))
    held = ratio if bounded == math.log(ratio) else math.exp(bounded)
    shown = (f"{num(ratio, 2)}" if held == ratio else
             f"{num(ratio, 2)}, begrensd op {num(held, 2)}: verder dan gemeten gaat de weging niet")
    mean = region_mean_factor(units, _corop(view))
    weight = view.density_weight
    md(f"**De weging naar banendichtheid** (`blp.berekening.productivity`). {view.name} heeft "
       f"{num(a, decimals)} banen per km² land, het COROP-gebied {num(b, decimals)}. De banen van {view.name} wegen "
       f"daarom mee met de factor ({num(a, decimals)} / {num(b, decimals)} = {shown}) tot de macht "
       f"{num(c.elasticity, 3)} = **{num(own['factor'], 2)}**; de gemeenten van het gebied hebben factoren van "
       f"{num(corop['factor'].min(), 2)} tot {num(corop['factor'].max(), 2)}, gemiddeld over alle banen van het "
       f"gebied {num(mean, 2)}. Een baan in {view.name} telt dus {pct(abs(weight - 1), 0)} "
       f"{'meer' if weight >= 1 else 'minder'} dan een gemiddelde baan in het gebied (zonder afronding gerekend). In "
       f"stap 3 is de sleutel van elke sector behalve L{_except_blended(key)} daarom: banen × factor. Alleen de "
       "verhouding tussen de "
       "gemeenten telt: het gebied als geheel krijgt precies zijn eigen toegevoegde waarde.")


def _except_blended(key) -> str:
    """', F en R-U' for the groups whose key also counts establishments."""
    return "".join(f", {g}" if i < len(key.blended) - 1 else f" en {g}" for i, g in enumerate(key.blended))


def shares_frame(view: GemeenteView) -> pd.DataFrame:
    """Per group: the gemeente's key, the COROP's, the share, the COROP's value added and the product."""
    key = view.result.key.table
    in_corop = key[key["corop_code"] == _corop(view)]
    own = in_corop[in_corop["gemeente_code"] == view.gemeente].groupby("group")["key"].sum()
    total = in_corop.groupby("group")["key"].sum()
    va = view.result.va[view.result.va["corop_code"] == _corop(view)].set_index("group")["value_meur"]
    shares = view.result.allocation.shares
    allocated = shares[(shares["gemeente_code"] == view.gemeente) & (shares["corop_code"] == _corop(view))] \
        .groupby("group")["blp_eur"].sum()
    groups = list(va.index)
    share = own.reindex(groups).fillna(0) / total.reindex(groups)
    built = view.result.key
    averaged = f" (sleutel: gemiddeld aandeel × {'gewogen ' if built.density is not None else ''}banen van het gebied)"
    names = [_labels(view).get(g, g) + (" (sleutel: WOZ-waarde in euro)" if g == "L" and "WOZ" in built.group_keys.get(g, "")
                                        else averaged if g in built.blended else "") for g in groups]
    return pd.DataFrame({
        "group": groups, "Sector": names,
        "Sleutel gemeente": own.reindex(groups).fillna(0).to_numpy(),
        "Sleutel COROP": total.reindex(groups).to_numpy(),
        "Aandeel": share.to_numpy(),
        "Toegevoegde waarde COROP (euro)": (va * EUR_PER_MEUR).round().to_numpy(),
        "Aandeel × toegevoegde waarde (euro)": (share * va * EUR_PER_MEUR).to_numpy(),
        "Toegerekend (hele euro's)": allocated.reindex(groups).fillna(0).astype("int64").to_numpy(),
    })


def shares(view: GemeenteView) -> None:
    """Steps 3 and 4: the gemeente's share per group, times the COROP's value added (blp.berekening.allocation)."""
    md(f"**Stap 3 en 4. Het aandeel van {view.name} per sector, maal de toegevoegde waarde van het gebied** "
       "(`blp.berekening.allocation.allocate`). Het aandeel is de sleutel van de gemeente gedeeld door die van het "
       "hele COROP-gebied. Het product wordt in hele euro's toegerekend; de afrondingen per sector worden zo verdeeld "
       "dat de gemeenten samen precies de toegevoegde waarde van het gebied krijgen: wie de grootste rest achter de "
       "komma heeft, krijgt de overblijvende euro (grootste-restmethode).")
    df = shares_frame(view)
    # a key of a few jobs shows its decimal; a key in euros (housing value) is whole
    table(df.drop(columns="group"), formats={"Sleutel gemeente": lambda v: num(v, 0 if abs(v) >= 100_000 else 1),
                                             "Sleutel COROP": 0, "Aandeel": lambda v: pct(v, 2),
                                             "Toegevoegde waarde COROP (euro)": 0,
                                             "Aandeel × toegevoegde waarde (euro)": 2, "Toegerekend (hele euro's)": 0})


def total_frame(view: GemeenteView) -> pd.DataFrame:
    """The sum over the groups, every part of the gemeente (also one in another COROP), against the national table."""
    shares = view.result.allocation.shares
    own = shares[shares["gemeente_code"] == view.gemeente]
    per_corop = own.groupby("corop_code")["blp_eur"].sum()
    national = view.result.national.set_index("gemeente_code").loc[view.gemeente, "blp_meur"]
    names = dict(zip(view.data.regions["corop_code"], view.data.regions["corop_name"]))
    main = _corop(view)
    rows = [{"Onderdeel": f"uit COROP-gebied {names.get(c, c)}"
             + ("" if c == main else f" (het deel dat in de cijfers van {view.choices.va_year} daar nog bij hoorde)"),
             "Euro": int(v)} for c, v in per_corop.items()]
    rows.append({"Onderdeel": "BLP, som van de stappen", "Euro": int(per_corop.sum())})
    rows.append({"Onderdeel": "BLP in de landelijke tabel (blp_gemeenten.csv)", "Euro": int(round(national * EUR_PER_MEUR))})
    return pd.DataFrame(rows)


def total(view: GemeenteView) -> None:
    """Step 5: the sum, and the check that the COROP adds up to the euro (blp.berekening.allocation.reconcile)."""
    df = total_frame(view)
    recon = view.result.reconciliation()
    worst = int(recon.loc[recon["corop_code"] == _corop(view), "difference_eur"].abs().max())
    md(f"**Stap 5. Optellen.** Het BLP van {view.name} is de som over de sectoren (en over de delen van de gemeente "
       f"die in de toegevoegde waarde nog bij een ander gebied hoorden). De controle "
       f"(`blp.berekening.allocation.reconcile`): alle gemeenten van {view.region_row()['corop_name']} samen krijgen "
       f"per sector precies de toegevoegde waarde van het gebied; grootste verschil {worst} euro.")
    table(df, formats={"Euro": 0})


def band(view: GemeenteView) -> None:
    """Step 6: the error band from the back-test (blp.berekening.backtest)."""
    b = view.error_band
    if view.whole_region:
        md(f"**Stap 6. Hoe zeker?** {view.name} is het hele COROP-gebied {view.region_row()['corop_name']}: er is niets "
           "verdeeld, dus de verdeling heeft geen foutmarge (`blp.berekening.derived.whole_regions`). Het BLP is de "
           "gepubliceerde toegevoegde waarde van het gebied.")
        return
    if b is None:
        md("**Stap 6. De foutmarge** is met deze gegevens niet te meten.")
        return
    md("**Stap 6. Hoe zeker?** De methode is één niveau hoger getoetst, waar het antwoord wel gepubliceerd is: de "
       "toegevoegde waarde van elke provincie verdeeld over haar COROP-gebieden en vergeleken met wat het CBS "
       "publiceert (`blp.berekening.backtest.run_backtest`, `blp validate`). De fout hangt af van de omvang "
       "(`blp.berekening.backtest.error_band`, een lijn door de toetsuitkomsten): "
       + (f"{view.name} is kleiner dan elk getoetst gebied; al bij het kleinste is de fout in 9 van de 10 gevallen "
          f"tot {pct(b.p90_pct / 100)}, bij de gemeente waarschijnlijk meer." if b.extrapolated else
          f"voor een gebied met de banen van {view.name} in de helft van de gevallen minder dan "
          f"{pct(b.median_pct / 100)}, in 9 van de 10 minder dan {pct(b.p90_pct / 100)}."))


def welvaart(view: GemeenteView) -> None:
    """Step 7: how one brede-welvaart indicator is scored (blp.welvaart.scoring)."""
    from blp.welvaart.scoring import position_table

    peers = view.peers[0]
    scored = position_table(view.national.indicators, view.gemeente, peers, list(view.params.brede_welvaart.focus))
    row = scored[scored["focus"] & scored["value"].notna()].head(1)
    if row.empty:
        row = scored[scored["value"].notna()].head(1)
        which = ("de eerste indicator met cijfers (geen focusindicator heeft er)" if view.params.brede_welvaart.focus
                 else "de eerste indicator met cijfers (er zijn geen focusindicatoren gekozen)")
    elif focus_is_default(view):
        which = "de eerste focusindicator met cijfers (een standaardkeuze: de gemeente koos nog geen eigen)"
    else:
        which = "de eerste focusindicator met cijfers die de gemeente koos"
    r = row.iloc[0]
    md(f"**Stap 7. Brede welvaart: één indicator gescoord** (`blp.welvaart.scoring.score_indicator`), {which}. "
       f"*{r['label_nl']}* ({int(r['year'])}{', voorlopig' if r['provisional'] else ''}): {view.name} "
       f"{with_unit(r['value'], r['unit'])}; dat is percentiel {num(r['percentile'], 0)} van "
       f"alle gemeenten ({'hoger is beter' if r['direction'] == 'higher' else 'lager is beter' if r['direction'] == 'lower' else 'geen richting'}). "
       f"Een gemeente bij de beste of slechtste 25% krijgt een oordeel (bij ‘lager is beter’ is de laagste waarde de "
       f"beste), zoals de CBS Monitor Brede Welvaart doet; "
       f"{view.name} valt hier in: **{r['band']}**.")


def beleid(view: GemeenteView) -> None:
    """Step 8: how a scenario becomes an effect (blp.beleid.policy)."""
    frame = view.per_job
    per_job = frame["va_per_job_eur"]
    group = per_job.dropna().idxmax() if "G-I" not in per_job.dropna().index else "G-I"
    n = view.params.beleid.lever_jobs
    md(f"**Stap 8. Van scenario naar effect** (`blp.beleid.policy.va_per_job`, `blp.beleid.scenarios.direct_change_path`). Elke extra "
       f"baan in een sector voegt toe wat een baan in die sector in het COROP-gebied gemiddeld toevoegt: in "
       f"{in_sentence(_labels(view).get(group, group))} {num(per_job[group], 0)} euro per jaar (toegevoegde waarde "
       f"{view.choices.va_year} gedeeld door de banen van werknemers van {frame.attrs['jobs_year']}). {n} extra banen "
       f"daar geven "
       f"dus direct {meur(n * per_job[group] / EUR_PER_MEUR)} per jaar; rapport 4 telt daar de indirecte effecten "
       "(multipliers) bij op." + narrative.density_per_job_note(view.name, view.density_weight))
