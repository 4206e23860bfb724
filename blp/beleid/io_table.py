"""Input-output tables: read, derive industry-by-industry from supply and use tables, aggregate.

An ``IOTable`` holds domestic intermediate flows between industries (million euro), each
industry's output, value added and imported intermediate use, so that per industry

    output = domestic intermediate inputs + imported intermediate inputs + other inputs + value added

where ``other`` closes the column (e.g. net taxes on products in a symmetric table).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from blp.dutch import num
from blp.errors import DataError


@dataclass
class IOTable:
    """Industry-by-industry table: ``flows.loc[i, j]`` = domestic input from i used by j (million euro)."""

    flows: pd.DataFrame
    output: pd.Series
    value_added: pd.Series
    imported_inputs: pd.Series
    other_inputs: pd.Series
    description: str

    @property
    def industries(self) -> list[str]:
        return list(self.flows.columns)

    def coefficients(self) -> pd.DataFrame:
        """Technical coefficients A = Z diag(x)^-1 (domestic inputs per euro of output)."""
        x = self.output.replace(0, np.nan)
        return self.flows.div(x, axis=1).fillna(0.0)

    def va_ratio(self) -> pd.Series:
        return (self.value_added / self.output.replace(0, np.nan)).fillna(0.0)

    def check_balance(self, tol: float = 1.0) -> pd.Series:
        """Output minus the sum of all inputs per industry: 0 within ``tol`` million euro when consistent."""
        gap = self.output - (self.flows.sum(axis=0) + self.imported_inputs + self.other_inputs + self.value_added)
        return gap[gap.abs() > tol]

    def aggregate(self, mapping: dict[str, str], order: list[str] | None = None) -> "IOTable":
        """Sum industries into groups (``mapping``: industry -> group); unmapped industries are an error."""
        missing = [i for i in self.industries if i not in mapping]
        if missing:
            raise DataError(f"Bedrijfstakken {missing[:5]} van de input-outputtabel horen bij geen enkele groep van de "
                            "samenvoeging.")
        groups = order or list(dict.fromkeys(mapping[i] for i in self.industries))
        m = pd.Series(mapping).reindex(self.industries)
        flows = self.flows.groupby(m.values).sum()
        flows = flows.T.groupby(m.values).sum().T
        agg = lambda s: s.groupby(m.values).sum().reindex(groups)  # noqa: E731
        return IOTable(flows.reindex(index=groups, columns=groups), agg(self.output), agg(self.value_added),
                       agg(self.imported_inputs), agg(self.other_inputs), self.description + " (geaggregeerd)")


def leontief_inverse(a: pd.DataFrame) -> pd.DataFrame:
    """L = (I - A)^-1."""
    n = len(a)
    inv = np.linalg.inv(np.eye(n) - a.to_numpy())
    return pd.DataFrame(inv, index=a.index, columns=a.columns)


def output_multipliers(a: pd.DataFrame) -> pd.Series:
    """Type I output multipliers: column sums of the Leontief inverse."""
    return leontief_inverse(a).sum(axis=0)


def va_multipliers(a: pd.DataFrame, va_ratio: pd.Series) -> pd.Series:
    """Type I value-added multipliers: total value added per euro of direct value added."""
    L = leontief_inverse(a)
    v = va_ratio.reindex(a.index).to_numpy()
    total = v @ L.to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        return pd.Series(np.where(v > 0, total / v, np.nan), index=a.columns)


# --- readers -------------------------------------------------------------------------------

def read_teaching_table(path: str | Path) -> IOTable:
    """The 6-sector Dutch teaching table (rOpenGov/iotables, year 2000; NOT official CBS figures)."""
    df = pd.read_csv(path, sep=";").set_index("prod_na")
    inds = ["agriculture_group", "mining_group", "manufacturing_group", "utilities_group", "construction_group",
            "services_group"]
    flows = df.loc[inds, inds].astype(float)
    output = df.loc["output_bp", inds].astype(float)
    va = df.loc["value_added_bp", inds].astype(float)
    imports = df.loc["imports", inds].astype(float)
    other = output - flows.sum(axis=0) - imports - va  # net taxes on products
    return IOTable(flows, output, va, imports, other,
                   "Onderwijstabel NL 2000, 6 sectoren (rOpenGov/iotables; geen officiële CBS-tabel)")


def _jsonstat_matrix(path: Path, row_dim: str, col_dim: str) -> pd.DataFrame:
    """A two-dimensional JSON-stat 2.0 dataset (other dimensions of size 1) as a DataFrame."""
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise DataError(f"JSON-stat-bestand {path} is niet te lezen: {exc}") from None
    try:
        dims, sizes = list(doc["id"]), dict(zip(doc["id"], doc["size"]))
        doc["dimension"], doc["value"]
    except (KeyError, TypeError):
        raise DataError(f"{path} is geen JSON-stat 2.0-bestand (de velden id, size, dimension en value ontbreken).",
                        "download het opnieuw van Eurostat (JSON-stat 2.0), of laat beleid.io.path leeg voor de "
                        "tabel die in de kit is ingebouwd.") from None
    if {row_dim, col_dim} - set(dims) or any(sizes[d] != 1 for d in dims if d not in (row_dim, col_dim)):
        raise DataError(f"{path} is geen JSON-stat-tabel {row_dim} x {col_dim}.")

    def labels(dim: str) -> list[str]:
        index = doc["dimension"][dim]["category"]["index"]
        return sorted(index, key=index.get) if isinstance(index, dict) else list(index)

    rows, cols = labels(row_dim), labels(col_dim)
    if dims.index(row_dim) > dims.index(col_dim):
        raise DataError(f"{path}: de dimensies staan in een onverwachte volgorde.")
    values = np.full(len(rows) * len(cols), np.nan)
    for key, v in doc["value"].items():
        values[int(key)] = v
    return pd.DataFrame(values.reshape(len(rows), len(cols)), index=rows, columns=cols)


def _a64_industries(supply: pd.DataFrame) -> list[str]:
    """NACE A*64 industries with data: leaf codes, using aggregate codes where sub-codes are empty."""
    codes = [c for c in supply.index if c[:1].isalpha() and c[0].isupper() and not c.startswith(("TOTAL", "TS_", "P7", "D21", "OTTM"))]
    has_data = {c for c in codes if supply.loc[c].fillna(0).abs().sum() > 0}
    chosen = []
    for c in codes:
        if c not in has_data:
            continue
        children = [d for d in codes if d != c and d in has_data and _is_child(d, c)]
        if not children:
            chosen.append(c)
    return chosen


def _is_child(code: str, parent: str) -> bool:
    """'C10' is a child of 'C10-12' and 'C'; 'A01' of 'A'."""
    if "-" in parent or "_" in parent:
        letter = parent[0]
        lo, hi = parent[1:].replace("_", "-").split("-")
        num = code[1:3]
        return code[0] == letter and num.isdigit() and len(code) == 3 and int(lo) <= int(num) <= int(hi[-2:])
    return len(parent) == 1 and code[0] == parent and len(code) > 1


def read_eurostat_sut(supply_path: str | Path, use_path: str | Path) -> tuple[IOTable, dict]:
    """Industry-by-industry table from Eurostat supply (naio_10_cp15) and use (naio_10_cp16) tables.

    Assumptions, stated in the report:
    - fixed product sales structure (each product has the same sales structure whichever industry
      makes it; Eurostat model D): flows = T @ U_dom with market shares T = V diag(q)^-1;
    - imported intermediate use is removed proportionally per product: the domestic share of a
      product is domestic output / (domestic output + imports), applied to every user;
    - the use table is at purchasers' prices: trade margins and product taxes stay with the product
      they are paid on (no basic-price valuation matrices are available).
    Returns the table and the control totals of the source (output, value added per industry).
    """
    supply = _jsonstat_matrix(Path(supply_path), "ind_impv", "prd_amo")  # rows industries/P7, cols products
    use = _jsonstat_matrix(Path(use_path), "ind_use", "prd_ava").T          # rows products/B1G/P1, cols industries
    industries = _a64_industries(supply)
    products = [f"CPA_{c}" for c in industries]
    missing = [p for p in products if p not in supply.columns or p not in use.index]
    if missing:
        raise DataError(f"Producten {missing[:5]} ontbreken in de aanbod- en gebruikstabellen; de twee tabellen passen "
                        "niet bij elkaar.")
    V = supply.loc[industries, products].fillna(0.0)                    # industry x product (make)
    q = V.sum(axis=0)                                                    # domestic output per product
    imports = supply.loc["P7", products].fillna(0.0)
    U = use.loc[products, industries].fillna(0.0)                        # product x industry, total use pp
    with np.errstate(divide="ignore", invalid="ignore"):
        domestic_share = (q / (q + imports)).fillna(0.0)
        T = V.div(q.replace(0, np.nan), axis=1).fillna(0.0)              # market shares
    U_dom = U.mul(domestic_share, axis=0)
    flows = pd.DataFrame(T.to_numpy() @ U_dom.to_numpy(), index=industries, columns=industries)
    output = use.loc["P1", industries].astype(float)
    va = use.loc["B1G", industries].astype(float)
    imported = (U - U_dom).sum(axis=0)
    other = output - flows.sum(axis=0) - imported - va
    table = IOTable(flows, output, va, imported, other,
                    "Eurostat aanbod- en gebruikstabellen NL 2022 (naio_10_cp15/cp16; product × bedrijfstak), 64 bedrijfstakken")
    controls = {"output": output, "value_added": va, "industry_output_from_supply": V.sum(axis=1),
                "total_output": float(use.loc["P1", "TOTAL"]), "total_value_added": float(use.loc["B1G", "TOTAL"])}
    return table, controls


def read_io_csv(path: str | Path) -> IOTable:
    """A user's own industry-by-industry table (docs/io-table-format.md): rows and columns are industries,
    plus rows ``imports``, ``other``, ``value_added``, ``output``; million euro; comma-separated. Every cell
    must be a number; what cannot be a table of an economy (negative flows, inputs above output) is refused."""
    name = Path(path).name
    fix = "zie docs/io-table-format.md voor de opmaak."
    try:
        df = pd.read_csv(path, index_col=0, dtype=str, keep_default_na=False, encoding="utf-8")
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError, OSError) as exc:
        raise DataError(f"{name} is geen leesbare input-outputtabel (CSV): {str(exc).splitlines()[0][:120]}",
                        fix) from None
    df.index = df.index.astype(str).str.strip()
    df.columns = [str(c).strip() for c in df.columns]
    needed = {"value_added", "output"}
    if needed - set(df.index):
        raise DataError(f"{name}: de rijen {', '.join(sorted(needed - set(df.index)))} ontbreken.", fix)
    inds = list(df.columns)
    for what, labels in (("kolom", inds), ("rij", list(df.index))):
        twice = sorted({x for x in labels if labels.count(x) > 1})
        if twice:
            raise DataError(f"{name}: {what} {twice[0]!r} staat er meer dan eens in.", "haal de dubbele weg.")
    missing_rows = [i for i in inds if i not in df.index]
    if missing_rows:
        raise DataError(f"{name}: bedrijfstakken {missing_rows[:5]} hebben een kolom maar geen rij.", fix)
    numbers = df.apply(lambda col: pd.to_numeric(col.str.strip(), errors="coerce"))
    bad = numbers.isna() | ~np.isfinite(numbers.fillna(0.0))
    if bad.to_numpy().any():
        r, c = np.argwhere(bad.to_numpy())[0]
        cell = df.iat[r, c]
        raise DataError(f"{name}, rij {df.index[r]!r}, kolom {df.columns[c]!r}: "
                        + ("een lege cel" if not cell.strip() else f"{cell[:40]!r} is geen getal") + ".",
                        "elke cel is een bedrag in miljoen euro, met een punt als decimaalteken (0 als er niets is).")
    flows = numbers.loc[inds, inds]
    get = lambda r: numbers.loc[r, inds] if r in numbers.index else pd.Series(0.0, index=inds)  # noqa: E731
    output, va = get("output"), get("value_added")
    imports = get("imports")
    other = get("other") if "other" in numbers.index else output - flows.sum(axis=0) - imports - va
    table = IOTable(flows, output, va, imports, other, f"Eigen tabel {name}")
    check_io_table(table, name)
    return table


def check_io_table(table: IOTable, name: str) -> None:
    """Refuse a table that cannot describe an economy: negative flows or imports, an industry without output,
    or one whose inputs bought from industries (domestic and imported) reach its output; its multipliers would
    be negative or infinite."""
    for label, frame in (("een levering tussen bedrijfstakken", table.flows),
                         ("een ingevoerd verbruik (imports)", table.imported_inputs.to_frame("imports").T)):
        neg = frame < 0
        if neg.to_numpy().any():
            r, c = np.argwhere(neg.to_numpy())[0]
            raise DataError(f"{name}: {label} is negatief (rij {frame.index[r]!r}, kolom {frame.columns[c]!r}: "
                            f"{num(frame.iat[r, c], 1)}).", "leveringen en invoer zijn bedragen van 0 of meer.")
    no_output = table.output[table.output <= 0]
    if len(no_output):
        raise DataError(f"{name}: bedrijfstak {no_output.index[0]!r} heeft een productie (output) van "
                        f"{num(no_output.iloc[0], 1)}.", "een bedrijfstak in de tabel heeft een productie groter dan 0.")
    inputs = table.flows.sum(axis=0) + table.imported_inputs
    over = inputs[inputs >= table.output]
    if len(over):
        i = over.index[0]
        raise DataError(f"{name}: bedrijfstak {i!r} koopt voor {num(inputs[i], 1)} mln euro in bij bedrijfstakken "
                        f"(binnenland en invoer), meer dan of evenveel als haar productie ({num(table.output[i], 1)}).",
                        "controleer of de kolommen de kopers zijn en de rijen de leveranciers, en of alles in "
                        "dezelfde eenheid staat (miljoen euro).")


def write_io_csv(table: IOTable, path: str | Path) -> None:
    """Write ``table`` in the CSV format ``read_io_csv`` reads (full float precision: it reads back exactly)."""
    inds = table.industries
    df = table.flows.loc[inds, inds].copy()
    for name, row in (("imports", table.imported_inputs), ("other", table.other_inputs),
                      ("value_added", table.value_added), ("output", table.output)):
        df.loc[name] = row.reindex(inds).to_numpy()
    df.to_csv(path, lineterminator="\n")


def section_of(nace: str) -> str:
    """SBI/NACE section letter of an A*64 code ('C10-12' -> 'C', 'M69_70' -> 'M')."""
    return nace[0]
