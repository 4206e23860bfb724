"""The result tables of a run as CSV (full precision, for reuse): the batch's national tables and the gemeente's own."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from blp.rapport.context import GemeenteView, NationalContext
from blp.rapport.downloads import safe_texts

# The tables that are the same for every gemeente of a batch: file name -> how to get it from the context.
NATIONAL_TABLES: dict[str, Callable[[NationalContext], pd.DataFrame]] = {
    "blp_gemeenten.csv": lambda n: n.result.national,
    "gevoeligheid_gemeenten.csv": lambda n: n.sensitivity.reset_index(names="gemeente_code"),
    "aansluiting.csv": lambda n: n.result.reconciliation(),
    "niet_verdeeld.csv": lambda n: n.result.allocation.unallocated,
    "concordantie.csv": lambda n: n.result.concordance.table(),
    "verdeling.csv": lambda n: n.result.allocation.shares,
    "controles.csv": lambda n: pd.DataFrame([c.__dict__ for c in n.checks]),
}


def write_csv(df: pd.DataFrame, path: Path) -> None:
    """A result table as CSV; texts a spreadsheet would run as a formula (a name starting with '=') stay text."""
    safe_texts(df).to_csv(path, index=False, lineterminator="\n")


def national_tables(national: NationalContext) -> dict[str, pd.DataFrame]:
    """The tables that are the same for every gemeente of a batch."""
    return {name: table_of(national) for name, table_of in NATIONAL_TABLES.items()}


def write_national_tables(national: NationalContext, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, df in national_tables(national).items():
        write_csv(df, folder / name)


def write_tables(view: GemeenteView, folder: Path, national_folder: Path | None = None) -> list[str]:
    """The result tables of a run as CSV: the batch's national tables (copied) and the gemeente's own."""
    folder.mkdir(parents=True, exist_ok=True)
    if national_folder is None or not (national_folder / next(iter(NATIONAL_TABLES))).exists():
        write_national_tables(view.national, folder)
    else:
        for name in NATIONAL_TABLES:
            shutil.copyfile(national_folder / name, folder / name)
    ranks = view.ranks.rename(columns={"blp_meur": "rank_blp", "blp_per_inhabitant_eur": "rank_blp_per_inhabitant"})
    own = {"sectorstructuur.csv": view.structure, "gevoeligheid.csv": view.sensitivity, "posities.csv": ranks}
    for name, df in own.items():
        write_csv(df, folder / name)
    return list(NATIONAL_TABLES) + list(own)
