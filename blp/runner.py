"""`blp run`: execute the report notebooks for a gemeente into a new, complete output folder.

Outputs are written to a hidden ``.<run-id>.partial`` folder and renamed into place only when
everything succeeded, so a folder named after a run id is always complete. A failed run is
kept as ``<run-id>.failed`` with its error notebook, and earlier runs are never touched.
"""

from __future__ import annotations

import os
import secrets
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from blp import derived
from blp.context import GemeenteView, compute_national
from blp.data import load_data
from blp.errors import RunError
from blp.gemeenten import resolve_gemeente
from blp.html_export import index_page, notebook_to_html
from blp.manifest import add_outputs, build_manifest, utc_now, write_manifest
from blp.params import load_params
from blp.calculation import resolve_choices
from blp.fmt import eur, meur
from blp.paths import DEFAULT_OUTPUTS_DIR, NOTEBOOKS_DIR
from blp.schema import to_dict

NOTEBOOKS = [
    ("01_dataverzameling", "Dataverzameling"),
    ("02_blp_berekening", "BLP-berekening"),
    ("03_brede_welvaart", "Brede welvaart"),
    ("04_beleidsvertaling", "Beleidsvertaling"),
]


@dataclass
class RunRequest:
    """What to run: a gemeente (code or name) and where data, params and outputs are."""

    gemeente: str
    source: str = "snapshot"
    data_dir: str | None = None
    params_file: str | None = None
    outputs_dir: Path = DEFAULT_OUTPUTS_DIR
    activity_files: list[str] = field(default_factory=list)
    command: list[str] = field(default_factory=lambda: list(sys.argv))


def new_run_id() -> str:
    """Sortable and unique: UTC time plus a short random suffix."""
    return datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ") + "-" + secrets.token_hex(2)


def write_tables(view: GemeenteView, folder: Path) -> list[str]:
    """The result tables of a run as CSV (national and for the gemeente)."""
    folder.mkdir(parents=True, exist_ok=True)
    r = view.result
    tables = {
        "blp_gemeenten.csv": r.national,
        "sectorstructuur.csv": view.structure,
        "gevoeligheid_gemeenten.csv": view.national.sensitivity.reset_index(names="gemeente_code"),
        "gevoeligheid.csv": view.sensitivity,
        "posities.csv": view.ranks,
        "aansluiting.csv": r.reconciliation(),
        "niet_verdeeld.csv": r.allocation.unallocated,
        "concordantie.csv": r.concordance.table(),
        "verdeling.csv": r.allocation.shares,
        "controles.csv": pd.DataFrame([c.__dict__ for c in view.national.checks]),
    }
    for name, df in tables.items():
        df.to_csv(folder / name, index=False, lineterminator="\n")
    return list(tables)


def _execute(nb_name: str, out_path: Path, parameters: dict, cwd: Path) -> None:
    import papermill as pm

    pm.execute_notebook(
        str(NOTEBOOKS_DIR / f"{nb_name}.ipynb"), str(out_path), parameters=parameters,
        kernel_name="python3", progress_bar=False, log_output=False, cwd=str(cwd), execution_timeout=600,
    )


def run_gemeente(req: RunRequest) -> Path:
    """Run all report notebooks for one gemeente; return the completed run folder."""
    started = utc_now()
    data = load_data(req.source, req.data_dir, req.activity_files)
    base = load_params(params_file=req.params_file) if req.params_file else load_params()
    code = resolve_gemeente(data, req.gemeente, resolve_choices(data, base).boundary_year)
    params = load_params(code, params_file=req.params_file)
    national = compute_national(data, params)
    view = GemeenteView(national, code, params)

    root = Path(req.outputs_dir) / code
    root.mkdir(parents=True, exist_ok=True)
    run_id = new_run_id()
    partial = root / f".{run_id}.partial"
    partial.mkdir()
    workdir = Path(tempfile.mkdtemp(prefix="blp-run-"))
    try:
        context_file = workdir / "context.pkl"
        national.save(context_file)
        tables = write_tables(view, partial / "tables")
        parameters = {"gemeente": code, "data_dir": str(req.data_dir) if req.data_dir else None,
                      "params_file": req.params_file, "source": req.source,
                      "context_file": str(context_file), "activity_files": list(req.activity_files)}
        (partial / "notebooks").mkdir()
        for nb_name, title in NOTEBOOKS:
            executed = partial / "notebooks" / f"{nb_name}.ipynb"
            try:
                _execute(nb_name, executed, parameters, workdir)
            except Exception as exc:  # papermill raises its own types; keep the error notebook
                if executed.exists():
                    notebook_to_html(executed, partial / f"{nb_name}.html", f"{title} (mislukt) – {view.name}")
                raise RunError(f"Notebook {nb_name} failed for {code}: {type(exc).__name__}: {exc}".strip(),
                               f"open the error notebook in the failed run folder to see the cell that failed.") from exc
            notebook_to_html(executed, partial / f"{nb_name}.html", f"{title} – {view.name}")

        h = view.headline
        summary = (f"BLP {h['choice_va_year']}: <strong>{meur(h['blp_meur'])}</strong>, "
                   f"{eur(h['blp_per_inhabitant_eur'])} per inwoner.<br><small>Verdeelsleutel: "
                   f"{view.result.key.label_nl}; gemeentegrenzen {h['choice_boundary_year']}; run {run_id}.</small>")
        reports = [(f"{i}. {title}", f"{nb}.html") for i, (nb, title) in enumerate(NOTEBOOKS, 1)]
        extras = [("manifest.json (parameters, versies, bronnen met controlegetallen)", "manifest.json")]
        extras += [(f"tabel: {t}", f"tables/{t}") for t in tables]
        (partial / "index.html").write_text(index_page(f"Bruto Lokaal Product {view.name} ({code})", summary,
                                                       reports, extras), encoding="utf-8")
        manifest = build_manifest(
            run_id=run_id, gemeente={"code": code, "name": view.name, "requested": req.gemeente},
            params=to_dict(params), choices=national.choices.as_dict(), data_source=data.source,
            inputs=[f.as_dict() for f in data.inputs + national.io.inputs], headline=derived.headline(view.result, code),
            command=req.command, started=started)
        write_manifest(add_outputs(manifest, partial), partial / "manifest.json")
        final = root / run_id
        os.rename(partial, final)
        return final
    except BaseException as exc:
        failed = root / f"{run_id}.failed"
        os.rename(partial, failed)
        (failed / "ERROR.txt").write_text(f"{type(exc).__name__}: {exc}\n", encoding="utf-8")
        if isinstance(exc, RunError):
            exc.fix = f"see {failed} (error notebook and ERROR.txt)."
        raise
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
