"""Data-quality checks on the inputs of a run, with outcomes in plain Dutch."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from blp.berekening.calculation import BlpResult
from blp.berekening.concordance import TOTAL
from blp.berekening.keys import MEASURE_NL
from blp.berekening.series import linked_breaks
from blp.berekening.value_added import region_table
from blp.data.canonical import UNASSIGNABLE_GEMEENTE, CanonicalData
from blp.dutch import num

OK, WARN, FAIL = "in orde", "let op", "fout"


@dataclass(frozen=True)
class Check:
    """One check: what was checked, the outcome, and what it means."""

    name: str
    status: str
    detail: str


def _va_checks(data: CanonicalData, year: int) -> list[Check]:
    va = region_table(data, year)
    wide = va.pivot_table(index="region_code", columns="industry_code", values="value_meur", aggfunc="sum")
    parts = wide.drop(columns=[TOTAL]).sum(axis=1)
    dev = (parts - wide[TOTAL]).abs().max()
    checks = [Check("Toegevoegde waarde: sectoren tellen op tot het totaal",
                    OK if dev <= 1 else WARN, f"grootste afwijking {num(dev)} mln euro (afronding tot 1 mln is normaal)")]
    if va["estimated"].any():
        checks.append(Check(f"Toegevoegde waarde {year}: sectoren geschat", WARN,
                            "het CBS publiceert dit jaar per regio alleen het totaal, landbouw en nijverheid; de andere "
                            "sectoren zijn verdeeld zoals in het dichtstbijzijnde jaar met alle sectoren"))
    levels = va.drop_duplicates("region_code").set_index("region_code")["region_level"]
    corop = wide[levels.reindex(wide.index) == "corop"].sum()
    nl = wide[levels.reindex(wide.index) == "land"].sum()
    extra = wide[levels.reindex(wide.index) == "extra"].sum()
    if len(nl) and nl.notna().all():
        gap = (nl - extra.reindex(nl.index).fillna(0) - corop).abs().max()
        checks.append(Check("Toegevoegde waarde: COROP-gebieden tellen op tot Nederland min extra-regio",
                            OK if gap <= 1 else WARN, f"grootste afwijking {num(gap)} mln euro"))
    if len(extra) and extra.get(TOTAL, 0):
        checks.append(Check("Extra-regio (continentaal plat, ambassades)", OK,
                            f"{num(extra[TOTAL])} mln euro hoort bij geen enkele gemeente en wordt niet verdeeld"))
    return checks


def _activity_checks(data: CanonicalData, result: BlpResult) -> list[Check]:
    c = result.choices
    rows = data.activity[(data.activity["measure"] == c.key) & (data.activity["year"] == c.key_year)]
    wide = rows.pivot_table(index="gemeente_code", columns="industry_code", values="value", aggfunc="sum")
    checks = []
    detail = [col for col in wide.columns if col != TOTAL]
    if TOTAL in wide.columns and result.key.fit is None and len(detail) > 1:
        dev = (wide[detail].sum(axis=1) - wide[TOTAL]).abs().max()
        checks.append(Check(f"Sleutel ({MEASURE_NL.get(c.key, c.key)} {c.key_year}): sectoren tellen op tot het totaal",
                            OK if dev == 0 else WARN, f"grootste afwijking {num(dev)}"))
    if TOTAL in wide.columns:
        total = wide[TOTAL].sum()
        unassignable = wide[TOTAL].get(UNASSIGNABLE_GEMEENTE, 0.0)
        checks.append(Check("Niet aan een gemeente toe te wijzen (GM0000)",
                            OK if unassignable == 0 else WARN,
                            f"{num(unassignable)} van {num(total)} {MEASURE_NL.get(c.key, c.key)}"
                            + (f" ({num(unassignable / total * 100, 2)}%)" if total > 0 else "")
                            + "; buiten de verdeling gelaten"))
    fit = result.key.fit
    if fit is not None:
        checks.append(Check(f"Banen per gemeente × sector {fit.year}: schatting (RAS) sluit aan op de randtotalen",
                            OK if fit.converged else FAIL,
                            f"in ten hoogste {num(fit.iterations)} rondes; grootste afwijking "
                            f"{num(fit.max_margin_error * 100, 2)}% (eis 0,1%); de verdeling over sectoren binnen een "
                            "gemeente is geschat"))
    # Sudden jumps between years point to reclassification (e.g. K in 2024); establishments are the key
    # or the seed of the jobs estimate.
    labels = data.industry_labels()
    all_rows = data.activity[(data.activity["measure"] == "establishments") & (data.activity["industry_code"] != TOTAL)]
    nat = all_rows.groupby(["industry_code", "year"])["value"].sum().unstack()
    share = nat / nat.sum()
    jumps = []
    years = list(share.columns)
    for a, b in zip(years, years[1:]):
        for code in share.index:
            before, after = share.at[code, a], share.at[code, b]
            if before > 0 and not 0.7 <= after / before <= 1.5:
                jumps.append(f"{labels.get(code, code).lower()} {a}→{b}: aandeel × {num(after / before, 2)}")
            elif before == 0 and after > 0:  # a sector that had no establishments at all
                jumps.append(f"{labels.get(code, code).lower()} {a}→{b}: aandeel van 0 naar {num(after * 100, 2)}%")
    checks.append(Check("Vestigingen: trendbreuken in het sectoraandeel tussen jaren",
                        WARN if jumps else OK,
                        "; ".join(jumps) + " (waarschijnlijk herclassificatie door CBS: behandel met zorg)" if jumps
                        else "geen sprongen groter dan 30 % omlaag of 50 % omhoog"))
    return checks


def _series_breaks_check(data: CanonicalData, names: dict[str, str]) -> Check:
    """Report 1 said 'geen bijzonderheden' for Súdwest-Fryslân while report 2 linked its series across 2014 (a
    reader's finding): the check lists each change of division found inside the series, and that it was linked."""
    found = linked_breaks(data)
    if found.empty:
        return Check("Reeks toegevoegde waarde: grenswijzigingen binnen de CBS-reeks", OK, "geen gevonden")
    parts = [f"{year}: " + ", ".join(f"{names.get(r.region_code, r.region_code)} × {num(r.factor, 2)}"
                                     for r in rows.itertuples())
             for year, rows in found.groupby("break_year")]
    return Check("Reeks toegevoegde waarde: grenswijzigingen binnen de CBS-reeks", OK,
                 "; ".join(parts) + ". De jaren ervoor zijn omgerekend naar de indeling van dat jaar (rapport 2).")


def _region_names(data: CanonicalData) -> dict[str, str]:
    """Gemeente and COROP codes of every boundary year -> their names (the newest year's where a code recurs)."""
    regions = data.regions.sort_values("year")
    return {**dict(zip(regions["corop_code"], regions["corop_name"])),
            **dict(zip(regions["gemeente_code"], regions["gemeente_name"]))}


def corop_switches(data: CanonicalData, result: BlpResult) -> pd.DataFrame:
    """Re-mapped gemeenten whose predecessor lay in another COROP than its successor."""
    remapped = result.key.conversion.remapped
    if remapped.empty:
        return pd.DataFrame(columns=["from_code", "from_corop", "to_code", "to_corop", "share_of_from"])
    older = data.regions[data.regions["year"] < result.choices.boundary_year].sort_values("year")
    from_corop = older.drop_duplicates("gemeente_code", keep="last").set_index("gemeente_code")["corop_code"]
    to_corop = data.regions_of(result.choices.boundary_year).set_index("gemeente_code")["corop_code"]
    df = remapped.assign(from_corop=remapped["from_code"].map(from_corop), to_corop=remapped["to_code"].map(to_corop))
    df = df[df["from_corop"].notna() & (df["from_corop"] != df["to_corop"])]
    return df[["from_code", "from_corop", "to_code", "to_corop", "share_of_from"]].reset_index(drop=True)


def run_checks(data: CanonicalData, result: BlpResult) -> list[Check]:
    """All checks for a run, national in scope."""
    c = result.choices
    checks = _va_checks(data, c.va_year) + _activity_checks(data, result)
    conv = result.key.conversion
    if conv.from_year != conv.to_year:
        checks.append(Check(f"Gemeentelijke herindelingen {conv.from_year}→{conv.to_year}", OK,
                            f"{conv.n_remapped} gemeentecodes van {conv.from_year} omgezet naar de grenzen van "
                            f"{conv.to_year} met adresgewichten (VNG grenswijzigen, CC BY-NC-SA 4.0)"))
    switches = corop_switches(data, result)
    units = set(zip(result.allocation.shares["gemeente_code"], result.allocation.shares["corop_code"]))
    kept = all((r.to_code, r.from_corop) in units for r in switches.itertuples())
    names = _region_names(data)
    checks.append(Check("Herindelingen over een COROP-grens", OK if kept else WARN,
                        "; ".join(f"{names.get(r.from_code, r.from_code)} ({r.from_code}, {names.get(r.from_corop, r.from_corop)}) "
                                  f"→ {names.get(r.to_code, r.to_code)} ({r.to_code}, {names.get(r.to_corop, r.to_corop)}): "
                                  f"{num(r.share_of_from * 100, 2)}% van de adressen"
                                  for r in switches.itertuples())
                        + (f". Elk deel wordt verdeeld binnen het COROP-gebied waartoe het in de cijfers van {c.va_year} "
                           "behoorde en daarna bij de nieuwe gemeente opgeteld." if kept else
                           ". De toegevoegde waarde van het oude gebied zit nog in het oude COROP-gebied.")
                        if len(switches) else "geen"))
    checks.append(_series_breaks_check(data, names))
    recon = result.reconciliation()
    worst = int(recon["difference_eur"].abs().max())
    checks.append(Check("Aansluiting: gemeenten tellen op tot hun COROP (per sector, op de euro)",
                        OK if worst == 0 else FAIL, f"grootste verschil {worst} euro over {len(recon)} COROP×sector-cellen"))
    unalloc = result.allocation.unallocated["value_eur"].sum() / 1e6
    checks.append(Check("Niet verdeelde regionale toegevoegde waarde", OK if unalloc == 0 else WARN,
                        f"{num(unalloc, 1)} mln euro (COROP-gebied en sector zonder activiteit in de sleutel)"))
    jobs = data.regional_jobs
    n_missing = int(jobs["jobs"].isna().sum())
    used = result.key.fit.year if result.key.fit is not None else None
    n_used = int(jobs.loc[jobs["year"] == used, "jobs"].isna().sum()) if used else 0
    checks.append(Check("Banen per COROP: onderdrukte cellen (CBS)", OK if n_used == 0 else WARN,
                        f"{n_missing} lege cellen over alle jaren, niet aangevuld in de gegevens"
                        + (f"; in {used}, het jaar van de sleutel: {n_used}"
                           + (", geschat uit het COROP-totaal min de gepubliceerde sectoren" if n_used else "")
                           if used else "")))
    pop = result.national["population"]
    checks.append(Check(f"Inwoners {c.population_year} voor elke gemeente", OK if pop.notna().all() else WARN,
                        f"{int(pop.isna().sum())} gemeenten zonder inwonertal"))
    return checks


def checks_table(checks: list[Check]) -> pd.DataFrame:
    return pd.DataFrame([c.__dict__ for c in checks]).rename(
        columns={"name": "Controle", "status": "Uitkomst", "detail": "Toelichting"})
