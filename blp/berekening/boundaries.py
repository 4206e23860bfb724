"""Bring figures on older gemeente boundaries onto the report's boundary year.

Uses the boundary-change weights (share of a from-gemeente's addresses in each to-gemeente).
Gemeenten not listed for a year are unchanged. The weights in the snapshot are
CC BY-NC-SA 4.0 (reidhin/grenswijzigen, VNG): non-commercial, share-alike.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from blp.errors import DataError


@dataclass
class BoundaryConversion:
    """What a conversion did: which codes were re-mapped, and to where."""

    from_year: int
    to_year: int
    remapped: pd.DataFrame = field(default_factory=pd.DataFrame)  # from_code, to_code, share_of_from

    @property
    def n_remapped(self) -> int:
        return int(self.remapped["from_code"].nunique()) if len(self.remapped) else 0


def no_weights_error(unknown: set[str], from_year: int, to_year: int, changes: pd.DataFrame,
                     boundary_years: list[int] | None = None) -> DataError:
    """The error for gemeente codes of ``from_year`` that no weights bring onto the boundaries of ``to_year``;
    its fix names only years the data can use."""
    years = lambda ys: ", ".join(map(str, sorted(set(ys))))  # noqa: E731
    from_years = changes.loc[changes["to_year"] == to_year, "from_year"]
    to_years = changes.loc[changes["from_year"] == from_year, "to_year"]
    options = []
    if len(from_years):
        options.append(f"kies cijfers van een jaar met herindelingsgewichten naar {to_year} ({years(from_years)})")
    if len(to_years):
        options.append(f"kies gemeentegrenzen waarnaar de gewichten van {from_year} wel gaan ({years(to_years)})")
    if boundary_years is None or from_year in boundary_years:
        options.append(f"kies de gemeentegrenzen van {from_year}")
    options.append(f"geef eigen herindelingsgewichten van {from_year} naar {to_year} (--boundary-weights BESTAND)")
    return DataError(
        f"Geen herindelingsgewichten zetten gemeentecode(s) {sorted(unknown)[:5]} van {from_year} om naar de "
        f"gemeentegrenzen van {to_year}.",
        "; of ".join(options) + ".")


def convert_to_boundaries(
    df: pd.DataFrame,
    value_cols: list[str],
    from_year: int,
    to_year: int,
    changes: pd.DataFrame,
    target_codes: set[str],
    code_col: str = "gemeente_code",
    boundary_years: list[int] | None = None,
) -> tuple[pd.DataFrame, BoundaryConversion]:
    """Re-express ``df`` (codes of ``from_year``) on ``to_year`` gemeenten, summing values. ``boundary_years``:
    the data's boundary years, for the fix of a conversion without weights."""
    report = BoundaryConversion(from_year, to_year)
    if from_year == to_year:
        unknown = set(df[code_col].unique()) - target_codes
        if unknown:
            raise DataError(f"De codes {sorted(unknown)[:5]} zijn geen gemeenten van {to_year}.")
        return df.copy(), report
    weights = changes[(changes["from_year"] == from_year) & (changes["to_year"] == to_year)]
    listed = set(weights["from_code"])
    unlisted = set(df[code_col].unique()) - listed
    unknown = unlisted - target_codes
    if unknown:
        raise no_weights_error(unknown, from_year, to_year, changes, boundary_years)
    moving = df[df[code_col].isin(listed)]
    staying = df[~df[code_col].isin(listed)]
    w = weights[["from_code", "to_code", "share_of_from"]].rename(columns={"from_code": code_col})
    moved = moving.merge(w, on=code_col)
    for col in value_cols:
        moved[col] = moved[col] * moved["share_of_from"]
    report.remapped = (
        moved[[code_col, "to_code", "share_of_from"]].drop_duplicates()
        .rename(columns={code_col: "from_code"}).reset_index(drop=True)
    )
    moved = moved.drop(columns=[code_col, "share_of_from"]).rename(columns={"to_code": code_col})
    combined = pd.concat([staying, moved[staying.columns]], ignore_index=True)
    keys = [c for c in combined.columns if c not in value_cols]
    out = combined.groupby(keys, as_index=False, sort=True)[value_cols].sum()
    return out, report
