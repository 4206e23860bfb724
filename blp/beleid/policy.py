"""From BLP to policy: the national IO table, value added per unit of activity, multipliers per gemeente and
the levers. Scenarios are in ``blp.beleid.scenarios``. Amounts are in prices of the value-added year."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from blp.beleid.io_table import (IOTable, check_io_table, leontief_inverse, read_eurostat_sut, read_io_csv,
                                va_multipliers)
from blp.beleid.multipliers import regionalise
from blp.berekening.calculation import BlpResult
from blp.berekening.jobs_key import HOUSING_GROUP
from blp.berekening.keys import activity_rows, nearest, to_units
from blp.berekening.concordance import TOTAL
from blp.data.canonical import UNASSIGNABLE_GEMEENTE, CanonicalData, InputFile, sha256_of
from blp.errors import DataError
from blp.params import IOParams

IO_DIR_ENV = "BLP_IO_DIR"
SUPPLY_FILE, USE_FILE = "naio_10_cp15_NL_2022.json", "naio_10_cp16_NL_2022.json"
# The industry-by-industry table the kit derives from those two files (read_eurostat_sut, write_io_csv),
# embedded so a run without them still has it; its provenance is in the .json beside it.
EMBEDDED_IO = Path(__file__).resolve().with_name("io_nl_2022.csv")


# --- the national IO table on the kit's groups ------------------------------------------------

@dataclass
class NationalIO:
    """The national table (as read and aggregated to allocation groups) and where it came from."""

    table: IOTable | None
    grouped: IOTable | None
    inputs: list[InputFile] = field(default_factory=list)
    note: str = ""


def default_io_dir(data: CanonicalData) -> Path | None:
    if os.environ.get(IO_DIR_ENV):
        return Path(os.environ[IO_DIR_ENV])
    if data.source.startswith("snapshot:"):
        candidate = Path(data.source.split(":", 1)[1]).parent / "data" / "raw" / "eurostat_sut_nl_2022"
        if candidate.is_dir():
            return candidate
    return None


def load_national_io(data: CanonicalData, io: IOParams, group_sections: dict[str, tuple[str, ...]]) -> NationalIO:
    """Read the configured table and aggregate it to the allocation groups (by SBI section)."""
    if io.table == "none":
        return NationalIO(None, None, note="Geen input-outputtabel gekozen (beleid.io.table: none).")
    if io.table == "eurostat_sut":
        folder = Path(io.path) if io.path else default_io_dir(data)
        if folder is not None and (folder / SUPPLY_FILE).exists() and (folder / USE_FILE).exists():
            table, _ = read_eurostat_sut(folder / SUPPLY_FILE, folder / USE_FILE)
            check_io_table(table, f"{SUPPLY_FILE} en {USE_FILE}")
            files = [folder / SUPPLY_FILE, folder / USE_FILE]
            source = "Eurostat naio_10_cp15 / naio_10_cp16, NL 2022"
        elif io.path:
            raise DataError(f"In beleid.io.path {io.path!r} staan niet {SUPPLY_FILE} en {USE_FILE}.",
                            "laat het wijzen naar de map met beide Eurostat-bestanden, of laat het leeg voor de "
                            "tabel die in de kit is ingebouwd.")
        else:
            table = read_io_csv(EMBEDDED_IO)
            table.description = "Eurostat aanbod- en gebruikstabellen NL 2022 (naio_10_cp15/cp16; product × bedrijfstak)"
            files = [EMBEDDED_IO]
            source = "Eurostat naio_10_cp15 / naio_10_cp16, NL 2022 (in de kit ingebouwd, afgeleid)"
    else:
        if not io.path or not Path(io.path).exists():
            raise DataError(f"beleid.io.path {io.path!r} wijst niet naar een input-outputtabel als CSV-bestand.",
                            "docs/io-table-format.md beschrijft de opmaak.")
        table, files, source = read_io_csv(io.path), [Path(io.path)], f"eigen tabel {Path(io.path).name}"
    section_group = {s: g for g, secs in group_sections.items() for s in secs}
    mapping = {ind: section_group.get(ind[0]) for ind in table.industries}
    unmapped = [i for i, g in mapping.items() if g is None]
    if unmapped:
        raise DataError(f"Bedrijfstakken {unmapped[:5]} van de input-outputtabel vallen in geen enkele groep van de "
                        "verdeling.")
    inputs = [InputFile("io_table", str(f), sha256_of(f), 0, source) for f in files]
    return NationalIO(table, table.aggregate(mapping, list(group_sections)), inputs)


# --- per gemeente -----------------------------------------------------------------------------

def va_per_job(data: CanonicalData, result: BlpResult, corop: str) -> pd.DataFrame:
    """Value added per employee job per allocation group in the COROP (NL where CBS suppressed a cell).

    The Dutch figure divides the value added of the COROP regions whose jobs are published by those
    jobs: numerator and denominator cover the same regions."""
    year = result.choices.va_year
    jobs = data.regional_jobs
    jy = nearest(sorted(jobs["year"].unique()), year)
    j = jobs[(jobs["year"] == jy) & (jobs["industry_code"] != TOTAL)]
    j = j.assign(group=j["industry_code"].map(lambda c: result.concordance.va_to_group.get(c, c)))
    j = j[j["corop_code"].str.fullmatch(r"CR\d\d") & (j["corop_code"] != "CR99")]
    cells = j.groupby(["corop_code", "group"])["jobs"].sum(min_count=1)
    va = result.va.groupby(["corop_code", "group"])["value_meur"].sum()
    both = pd.DataFrame({"jobs": cells, "va": va}).dropna()
    both = both[both["jobs"] > 0]
    corop_jobs = cells.xs(corop, level="corop_code") if corop in cells.index.get_level_values(0) else pd.Series(dtype=float)
    suppressed = corop_jobs[corop_jobs.isna()].index
    corop_va = va.xs(corop, level="corop_code")
    nl = both.groupby(level="group").sum()
    out = pd.DataFrame({"corop": corop_va * 1e6 / corop_jobs.where(corop_jobs > 0), "nl": nl["va"] * 1e6 / nl["jobs"]})
    # NL's figure where CBS suppressed the region's cell, or publishes no jobs there (a 0: fewer than 50)
    out["source"] = np.where(out.index.isin(suppressed), "Nederland",
                             np.where(out["corop"].isna(), "Nederland, geen banen", "COROP"))
    out["va_per_job_eur"] = out["corop"].where(out["source"] == "COROP", out["nl"])
    out.attrs["jobs_year"] = int(jy)
    return out.reindex(list(result.concordance.groups))


def va_per_establishment(data: CanonicalData, result: BlpResult, gemeente: str) -> pd.Series:
    """The gemeente's value added per establishment per allocation group. Where establishments are counted
    for several groups together (A+O-Q), the groups share that figure: their BLP over their establishments."""
    shares = result.allocation.shares
    blp = shares[shares["gemeente_code"] == gemeente].groupby("group")["blp_eur"].sum()
    groups = list(result.concordance.groups)
    year = nearest(data.activity_years("establishments"), result.choices.key_year)
    rows = activity_rows(data, "establishments", year)
    rows = rows[(rows["industry_code"] != TOTAL) & (rows["gemeente_code"] != UNASSIGNABLE_GEMEENTE)]
    units, _ = to_units(rows[["gemeente_code", "industry_code", "value"]], ["value"], year,
                        result.choices.boundary_year, result.choices.composition_year or result.choices.boundary_year, data)
    est = units[units["gemeente_code"] == gemeente].groupby("industry_code")["value"].sum()
    sections = data.industry_sections()
    out = {}
    for g in groups:
        mine = set(result.concordance.group_sections[g])
        code = next((c for c in est.index if mine <= set(sections[c])), None)
        if code is None or est[code] <= 0:
            out[g] = np.nan
            continue
        covered = [h for h in groups if set(result.concordance.group_sections[h]) <= set(sections[code])]
        out[g] = blp.reindex(covered).fillna(0).sum() / est[code]
    return pd.Series(out).reindex(groups)


@dataclass
class GemeenteMultipliers:
    """Type I value-added multipliers: national, regionalised to the COROP and to the gemeente."""

    national: pd.Series
    corop: pd.Series
    gemeente: pd.Series
    a_national: pd.DataFrame
    a_gemeente: pd.DataFrame
    delta: float
    imports_per_va: pd.Series   # imported intermediate inputs along the national supply chain per euro of direct
                                # value added (goes abroad)


def gemeente_multipliers(io: NationalIO, result: BlpResult, gemeente: str, delta: float) -> GemeenteMultipliers | None:
    if io.grouped is None:
        return None
    t = io.grouped
    a_n = t.coefficients()
    va_ratio = t.va_ratio()
    groups = list(a_n.index)
    shares = result.allocation.shares
    region = shares[shares["gemeente_code"] == gemeente].groupby("group")["blp_eur"].sum().reindex(groups).fillna(0)
    corop_code = shares.loc[shares["gemeente_code"] == gemeente, "corop_code"].iloc[0]
    corop = result.va[result.va["corop_code"] == corop_code].set_index("group")["value_meur"].reindex(groups).fillna(0)
    nation = result.va.groupby("group")["value_meur"].sum().reindex(groups)
    a_c = regionalise(a_n, corop, nation, delta)
    # The gemeente lies in its COROP region: what its firms buy inside the gemeente they buy inside the region, so
    # no coefficient of the gemeente exceeds the region's (FLQ alone can give a gemeente with a stronger location
    # quotient more: Vaals's industry 1,26 against its region's 1,24, a reader's finding)
    a_g = np.minimum(regionalise(a_n, region / 1e6, nation, delta), a_c)
    import_ratio = (t.imported_inputs / t.output.replace(0, np.nan)).reindex(groups).fillna(0.0)
    imports = pd.Series(import_ratio.to_numpy() @ leontief_inverse(a_n).to_numpy(), index=groups)
    return GemeenteMultipliers(va_multipliers(a_n, va_ratio), va_multipliers(a_c, va_ratio),
                               va_multipliers(a_g, va_ratio), a_n, a_g, delta,
                               (imports / va_ratio.replace(0, np.nan)).fillna(0.0))


DELTA_BAND = (0.1, 0.4)  # the range of Flegg's delta in the literature (Flegg & Tohmo); 0.3 the usual choice


def multiplier_band(io: NationalIO, result: BlpResult, gemeente: str) -> dict[float, GemeenteMultipliers]:
    """The gemeente's multipliers at each delta of the band (a smaller delta keeps more inputs local)."""
    return {d: gemeente_multipliers(io, result, gemeente, d) for d in DELTA_BAND}


NOT_LEVERS = (HOUSING_GROUP, "A")  # groups whose value added per job is no lever (see ``levers``)


def levers(result: BlpResult, per_job: pd.Series, per_est: pd.Series, mult: GemeenteMultipliers | None,
           n_jobs: int, n_est: int, labels: dict[str, str]) -> pd.DataFrame:
    """What +n jobs or +n establishments per group add to the BLP, directly and with multipliers; ranked.

    Not L (real estate): most of its value added is the imputed rent of owner-occupied dwellings, which
    no job or establishment brings; its value added per job is no lever a gemeente can pull. Not A
    (agriculture): most farm work is self-employed, so value added per *employee* job overstates what a job adds."""
    groups = [g for g in result.concordance.groups if g not in NOT_LEVERS]
    m_g = mult.gemeente.reindex(groups) if mult else pd.Series(np.nan, index=groups)
    m_n = mult.national.reindex(groups) if mult else pd.Series(np.nan, index=groups)
    df = pd.DataFrame({"group": groups, "label_nl": [labels.get(g, g) for g in groups],
                       "jobs_direct_meur": (n_jobs * per_job.reindex(groups) / 1e6).to_numpy(),
                       "est_direct_meur": (n_est * per_est.reindex(groups) / 1e6).to_numpy(),
                       "multiplier_local": m_g.to_numpy(), "multiplier_nl": m_n.to_numpy()})
    df["jobs_local_meur"] = df["jobs_direct_meur"] * df["multiplier_local"].fillna(1)
    df["jobs_nl_meur"] = df["jobs_direct_meur"] * df["multiplier_nl"].fillna(1)
    df["est_local_meur"] = df["est_direct_meur"] * df["multiplier_local"].fillna(1)
    return df.sort_values("jobs_local_meur", ascending=False).reset_index(drop=True)


EXCEPTIONAL_PER_JOB = 1.75  # a COROP's value added per job in a sector this many times NL's: one exceptional activity


def exceptional_per_job(per_job: pd.DataFrame) -> pd.Series:
    """Per sector whose value added per job in the COROP (``va_per_job``) is over ``EXCEPTIONAL_PER_JOB`` times NL's
    (Groningen's gas in B-E: 2 to 3 times): that ratio. Real estate and agriculture, high for reasons of their own
    (imputed rent, the self-employed), are left out."""
    ratio = per_job["corop"] / per_job["nl"]
    return ratio[(ratio > EXCEPTIONAL_PER_JOB) & (per_job["source"] == "COROP") & ~ratio.index.isin(["L", "A"])]
