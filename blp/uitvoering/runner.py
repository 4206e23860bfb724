"""`blp run`: execute the report notebooks for one or many gemeenten into complete output folders.

Each gemeente's run is built in a hidden ``.<run-id>.partial`` folder and renamed into place only
when everything succeeded, so a folder named after a run id is always complete. A failed run is
kept as ``<run-id>.failed`` with its error notebook and HTML; earlier runs are never touched.

The national calculation runs once per batch (per distinct set of choices) and is shared with
every notebook through a saved context file. Gemeenten run in parallel worker processes, each
with one long-lived kernel (``blp.uitvoering.engine.KernelSession``).
"""

from __future__ import annotations

import hashlib
import json
import logging
import multiprocessing
import os
import secrets
import shutil
import sys
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from blp import __version__
from blp.data import load_data
from blp.data.gemeenten import resolve_gemeente
from blp.errors import BlpError, RunError
from blp.params import Params, load_params, params_source
from blp.paths import NOTEBOOKS_DIR, PACKAGE_DIR
from blp.rapport.chrome import PageChrome, source_text
from blp.rapport.downloads import safe_text, tables_of, write_csvs, write_workbook
from blp.rapport.samenvatting import cards, front_page
from blp.rapport.context import GemeenteView, NationalContext, run_boundary_year
from blp.rapport.figures import ChartsAhead, FigureFolder, child_process_signals
from blp.rapport.html_export import code_exporter, exporter, notebook_to_html, save_and_export
from blp.rapport.paginas import chart_pages, figure_plan
from blp.schema import digest, to_dict
from blp.uitvoering.engine import (NotebookFailed, close_shared_session, forget_temporary_parameters,
                                   shared_session)
from blp.uitvoering.manifest import add_outputs, build_manifest, utc_now, write_manifest
from blp.beleid.scenarios import check_scenario_groups
from blp.uitvoering.context_cache import national_context
from blp.uitvoering.request import RunRequest, has_spare_core, planned_workers, start_kernel_if_single
from blp.welvaart.registry import check_params_focus

NOTEBOOKS = [
    ("01_dataverzameling", "Dataverzameling"),
    ("02_blp_berekening", "BLP-berekening"),
    ("03_brede_welvaart", "Brede welvaart"),
    ("04_beleidsvertaling", "Beleidsvertaling"),
]
# Every run's method appendix: the walkthrough notebook, exported with its code.
APPENDIX = ("00_methode", "Bijlage: de methode stap voor stap")


@dataclass
class Job:
    """One gemeente's run, with everything a worker needs."""

    code: str
    name: str
    params: Params
    context_file: str
    fingerprint: str
    notebook_parameters: dict
    outputs_dir: str
    command: list[str]
    notebooks_dir: str
    draw_ahead: bool = False  # draw the charts on a spare core while the kernel works (blp.rapport.figures)


@dataclass
class JobResult:
    code: str
    name: str
    status: str              # done | failed | skipped
    folder: str | None = None
    error: str | None = None


@dataclass
class BatchResult:
    results: list[JobResult]
    overview: Path


def new_run_id() -> str:
    """Sortable and unique: UTC time plus a short random suffix."""
    return datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ") + "-" + secrets.token_hex(2)


# --- selecting gemeenten and preparing the batch ---------------------------------------------

def select_gemeenten(req: RunRequest, data, boundary_year: int) -> list[str]:
    regions = data.regions_of(boundary_year)
    codes: list[str] = []
    if req.all:
        codes += sorted(regions["gemeente_code"])
    for column, label, wanted in (("corop_code", "COROP", req.corop), ("provincie_code", "provincie", req.provincie)):
        for value in wanted:
            found = regions.loc[regions[column] == value.upper(), "gemeente_code"]
            if found.empty:
                raise BlpError(f"{value!r} is geen {label}-code van {boundary_year}.",
                               f"gebruik een van {', '.join(sorted(regions[column].unique()))}.")
            codes += sorted(found)
    for g in req.named():
        codes.append(resolve_gemeente(data, g, boundary_year))
    if not codes:
        raise BlpError("Geen gemeente gekozen.",
                       "noem er een of meer (blp run GM0917 GM0363), of gebruik --all, --corop of --provincie.")
    return list(dict.fromkeys(codes))


def _files_digest(paths: list[Path]) -> str:
    h = hashlib.sha256()
    for p in sorted(paths):
        h.update(str(p.relative_to(p.parents[1])).encode())
        h.update(p.read_bytes())
    return h.hexdigest()


def _code_digest() -> str:
    """The kit's code and notebooks: a change in either invalidates earlier runs for --resume."""
    files = list(PACKAGE_DIR.rglob("*.py")) + list(PACKAGE_DIR.rglob("*.yaml")) + list(NOTEBOOKS_DIR.glob("*.ipynb"))
    return _files_digest([f for f in files if "__pycache__" not in f.parts])


def fingerprint(params: Params, national: NationalContext, code_digest: str, source: str) -> str:
    """Same fingerprint = same inputs, parameters and code, so the same numbers."""
    doc = {"params": to_dict(params), "choices": national.choices.as_dict(), "source": source,
           "inputs": sorted(f.sha256 for f in national.data.inputs + national.io.inputs),
           "kit": __version__, "code": code_digest}
    return digest(doc)


def complete_run_with(folder: Path, fp: str) -> Path | None:
    """The newest complete run of a gemeente with fingerprint ``fp``, if any."""
    from blp.rapport.overview import complete_runs

    for run in reversed(complete_runs(folder)):
        try:
            if json.loads((run / "manifest.json").read_text()).get("fingerprint") == fp and (run / "index.html").exists():
                return run
        except (OSError, json.JSONDecodeError):
            continue
    return None


# --- one gemeente (runs in a worker) --------------------------------------------------------

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
    df = df.copy()
    for col in df.columns:
        if df[col].dtype == object or pd.api.types.is_string_dtype(df[col]):
            df[col] = df[col].map(lambda v: safe_text(v) if isinstance(v, str) else v)
    df.to_csv(path, index=False, lineterminator="\n")


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


def execute_notebooks(job: Job, name: str, folder: Path, release_kernel: bool = False,
                      chrome: PageChrome | None = None) -> None:
    """Execute the report notebooks in this process's kernel and export each to HTML.

    The notebooks are read and parameterized first; writing an executed notebook and its HTML export
    run on a background thread while the kernel executes the next one (this thread mostly waits for
    the kernel). A failed notebook is exported too, as the error report, before the failure is raised. ``release_kernel``: this process runs no more notebooks, so
    the kernel shuts down while the last export runs."""
    (folder / "notebooks").mkdir()
    session = shared_session()
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="blp-html") as background:
        # load nbconvert and its templates while the kernel starts
        exports = [background.submit(exporter), background.submit(code_exporter)]
        # the appendix first: its export then overlaps with the next notebook, not with nothing at the end
        run = [APPENDIX] + NOTEBOOKS
        prepared = [session.prepare(Path(job.notebooks_dir) / f"{nb_name}.ipynb", job.notebook_parameters)
                    for nb_name, _ in run]  # so the kernel goes from one notebook to the next at once
        downloads = []
        for (nb_name, title), nb in zip(run, prepared):
            executed = folder / "notebooks" / f"{nb_name}.ipynb"
            try:
                nb = session.execute(nb, executed, write=False)
            except NotebookFailed as exc:
                background.submit(notebook_to_html, executed, folder / f"{nb_name}.html", f"{title} (mislukt) – {name}",
                                  chrome)
                raise RunError(f"Notebook {nb_name} is mislukt voor {job.code}: {exc}",
                               "open het notebook met de fout in de map van de mislukte run; daar staat welke cel "
                               "mislukte.") from exc
            exports.append(background.submit(save_and_export, forget_temporary_parameters(nb), executed,
                                             folder / f"{nb_name}.html", f"{title} – {name}",
                                             (nb_name, title) == APPENDIX, chrome))
            if (nb_name, title) != APPENDIX:
                downloads += tables_of(nb, nb_name)
        exports.append(background.submit(write_downloads, downloads, folder, f"BLP {name}"))
        if release_kernel:
            close_shared_session(wait=False)
        for export in exports:
            export.result()  # an export error fails the run


DOWNLOADS_DIR = "downloads"
WORKBOOK = "tabellen.xlsx"


def write_downloads(downloads: list, folder: Path, title: str) -> None:
    """Every table of the reports as a Dutch CSV (downloads/) and all of them in one workbook."""
    write_csvs(downloads, folder / DOWNLOADS_DIR)
    write_workbook(downloads, folder / WORKBOOK, title)


def run_chrome(view: GemeenteView, run_id: str) -> PageChrome:
    """The navigation bar and footer of a run's pages."""
    c = view.choices
    years = [c.va_year]
    if view.national.series is not None:
        years = sorted({c.va_year, int(view.national.series.table["year"].max())})
    key = "banen" if c.key == "jobs" else "vestigingen"
    run_date = "-".join(reversed(utc_now()[:10].split("-")))  # 30-11-2026
    return PageChrome(f"BLP {view.name} ({view.gemeente})", run_id, run_date, source_text(view.data.source),
                      f"regionale rekeningen {' en '.join(map(str, years))}, {key} {c.key_year}, "
                      f"gemeentegrenzen {c.boundary_year}")


def charts_ahead(jobs: list[Job]) -> ChartsAhead:
    """Start drawing the charts of ``jobs``, in order, on a spare core (``blp.rapport.figures``). The chart
    modules are loaded here, before the drawing process forks, so this process (which draws the overview
    histogram with them) and the drawing process do not each load matplotlib."""
    chart_pages()

    def plan(job: Job):
        return lambda: figure_plan(GemeenteView(NationalContext.load(Path(job.context_file)), job.code, job.params))

    return ChartsAhead([(FigureFolder.for_gemeente(j.context_file, j.code, j.params), plan(j)) for j in jobs])


def run_job(job: Job, release_kernel: bool = False) -> JobResult:
    """Run the four notebooks of one gemeente into a new folder; never raises for a notebook failure.
    ``release_kernel``: the last job of this process (see ``execute_notebooks``)."""
    started = utc_now()
    national = NationalContext.load(Path(job.context_file))
    view = GemeenteView(national, job.code, job.params)
    root = Path(job.outputs_dir) / job.code
    root.mkdir(parents=True, exist_ok=True)
    run_id = new_run_id()
    partial = root / f".{run_id}.partial"
    partial.mkdir()
    try:
        tables = write_tables(view, partial / "tables", Path(job.context_file).with_suffix(".tables"))
        ahead = charts_ahead([job]) if job.draw_ahead else None
        chrome = run_chrome(view, run_id)
        summary = ThreadPoolExecutor(max_workers=1, thread_name_prefix="blp-summary")
        blocks = summary.submit(cards, view)  # the front page's figures, computed while the kernel works
        summary.shutdown(wait=False)
        try:
            execute_notebooks(job, view.name, partial, release_kernel, chrome)
        finally:
            if ahead is not None:
                ahead.close()
        reports = [(f"{i}. {title}", f"{nb}.html") for i, (nb, title) in enumerate(NOTEBOOKS, 1)]
        csvs = sorted(p.name for p in (partial / DOWNLOADS_DIR).glob("*.csv"))
        extras = [("Alle tabellen van de rapporten in één Excel-bestand", WORKBOOK)]
        extras += [(f"tabel als CSV voor Nederlandse Excel: {name}", f"{DOWNLOADS_DIR}/{name}") for name in csvs]
        extras += [(f"{APPENDIX[1]} (met de code, voor wie wil narekenen)", f"{APPENDIX[0]}.html"),
                  ("manifest.json (parameters, versies, bronnen met controlegetallen)", "manifest.json")]
        extras += [(f"gegevenstabel (Engelse kolomnamen, volle precisie, voor hergebruik): {t}", f"tables/{t}")
                   for t in tables]
        key_note = f"verdeelsleutel: {view.result.key.label_nl}; gemeentegrenzen {view.choices.boundary_year}"
        (partial / "index.html").write_text(front_page(view, chrome, reports, extras, key_note, blocks.result()),
                                            encoding="utf-8")
        manifest = build_manifest(
            run_id=run_id, gemeente={"code": job.code, "name": view.name}, params=to_dict(job.params),
            choices=national.choices.as_dict(), data_source=national.data.source,
            inputs=[f.as_dict() for f in national.data.inputs + national.io.inputs],
            headline=view.headline, command=job.command, started=started)
        manifest["fingerprint"] = job.fingerprint
        write_manifest(add_outputs(manifest, partial), partial / "manifest.json")
        final = root / run_id
        os.rename(partial, final)
        return JobResult(job.code, view.name, "done", str(final))
    except (KeyboardInterrupt, SystemExit):  # stopped (Ctrl-C, or a worker told to stop): nothing half-written
        shutil.rmtree(partial, ignore_errors=True)
        raise
    except Exception as exc:  # isolate the failure: keep what was written, report, go on
        failed = root / f"{run_id}.failed"
        os.rename(partial, failed)
        (failed / "ERROR.txt").write_text(f"{type(exc).__name__}: {exc}\n", encoding="utf-8")
        return JobResult(job.code, view.name, "failed", str(failed), error=str(exc).splitlines()[0])


# --- batches ------------------------------------------------------------------------------------

# JobResult.status as the progress line shows it
STATUS_NL = {"done": "klaar", "failed": "mislukt", "skipped": "overgeslagen"}


class Progress:
    """One status line (tqdm): how many gemeenten are done, failed and skipped, and the time left."""

    def __init__(self, total: int, enabled: bool = True, stream=sys.stderr):
        from tqdm import tqdm

        self.done = self.failed = self.skipped = 0
        self.bar = tqdm(total=total, file=stream, disable=not enabled, leave=True, mininterval=0, ascii=" #",
                        bar_format="[{bar:30}] {n_fmt}/{total_fmt}  nog ~{remaining}  {postfix}")

    def update(self, result: JobResult) -> None:
        if result.status == "done":
            self.done += 1
        elif result.status == "failed":
            self.failed += 1
        else:
            self.skipped += 1
        self.bar.set_postfix_str(f"klaar {self.done}  mislukt {self.failed}  overgeslagen {self.skipped}  "
                                 f"({result.code} {STATUS_NL.get(result.status, result.status)})", refresh=False)
        self.bar.update(1)

    def close(self) -> None:
        self.bar.close()


def _worker_loop(jobs, results) -> None:
    """A worker process: start its kernel at once, run jobs from the queue until a None arrives, close."""
    child_process_signals()
    try:
        shared_session().start()
        while (job := jobs.get()) is not None:
            results.put(("start", job.code, os.getpid()))
            results.put(("result", job.code, run_job(job)))
    finally:
        close_shared_session()


class WorkerPool:
    """Worker processes that start their kernels right away, before the jobs are known."""

    def __init__(self, workers: int):
        close_shared_session()  # forked workers must not inherit a kernel connection
        ctx = multiprocessing.get_context("fork" if sys.platform.startswith("linux") else "spawn")
        self.job_q, self.result_q = ctx.Queue(), ctx.Queue()
        self.procs = [ctx.Process(target=_worker_loop, args=(self.job_q, self.result_q), daemon=True)
                      for _ in range(workers)]
        for p in self.procs:
            p.start()

    def close(self, now: bool = False) -> None:
        """Let the workers finish and stop; ``now`` (Ctrl-C): drop the queued jobs and stop them at once (SIGTERM,
        so each shuts its kernel down), killing any that does not stop within seconds."""
        import queue as queue_mod

        if now:
            try:
                while True:
                    self.job_q.get_nowait()
            except (queue_mod.Empty, OSError, ValueError):
                pass
            for p in self.procs:
                if p.is_alive():
                    p.terminate()
        for _ in self.procs:
            try:
                self.job_q.put(None)
            except (OSError, ValueError):
                pass
        for p in self.procs:
            p.join(timeout=5 if now else 30)
            if p.is_alive():
                p.terminate()
                p.join(timeout=5)
            if p.is_alive():
                p.kill()


def _run_parallel(jobs: list[Job], pool: WorkerPool, progress: "Progress") -> list[JobResult]:
    """Fan jobs out over the pool's processes; a crashed worker fails only the job it was on."""
    job_q, result_q, procs = pool.job_q, pool.result_q, pool.procs
    for job in jobs:
        job_q.put(job)
    by_code = {j.code: j for j in jobs}
    running: dict[str, int] = {}  # code -> pid of the worker that took it
    results: list[JobResult] = []
    import queue as queue_mod

    def fail(code: str, error: str) -> None:
        res = JobResult(code, by_code[code].name, "failed", error=error)
        results.append(res)
        progress.update(res)

    quiet = 0  # one-second waits without any message
    while len(results) < len(jobs):
        try:
            kind, code, payload = result_q.get(timeout=1.0)
        except queue_mod.Empty:
            alive = {p.pid for p in procs if p.is_alive()}
            for code, pid in list(running.items()):  # a worker that died fails only the job it was on
                if pid not in alive:
                    del running[code]
                    fail(code, "het werkproces is gestopt")
            quiet += 1
            # A worker that died before its 'start' message got out took a job no one reports on: once the
            # queue is empty and the living workers have been idle a while, such jobs are failed too.
            if len(alive) < len(procs) and not running and job_q.empty() and quiet >= 3:
                for code in sorted(set(by_code) - {r.code for r in results}):
                    fail(code, "het werkproces is gestopt")
            if not alive:
                for code in sorted(set(by_code) - {r.code for r in results}):
                    fail(code, "niet uitgevoerd: alle werkprocessen zijn gestopt")
            continue
        quiet = 0
        if kind == "start":
            running[code] = payload
        else:
            running.pop(code, None)
            results.append(payload)
            progress.update(payload)
    return results


def run_batch(req: RunRequest) -> BatchResult:
    """Run every selected gemeente; one failure does not stop the others."""
    workdir = Path(tempfile.mkdtemp(prefix="blp-batch-"))
    pool = None
    interrupted = False
    try:
        if not start_kernel_if_single(req):
            pool = WorkerPool(planned_workers(req))
        return _run_batch(req, workdir, pool)
    except KeyboardInterrupt:
        interrupted = True
        # the kernel client stopped mid-cell leaves asyncio tasks whose cleanup fails; that is the interrupt, not
        # news for the user, who gets one line (blp.cli)
        logging.getLogger("asyncio").setLevel(logging.CRITICAL)
        raise
    finally:
        if pool is not None:
            pool.close(now=interrupted)
        close_shared_session()
        shutil.rmtree(workdir, ignore_errors=True)


def _run_batch(req: RunRequest, workdir: Path, pool: "WorkerPool | None") -> BatchResult:
    data = load_data(req.source, req.data_dir, req.activity_files, req.boundary_weights)
    boundary_year = run_boundary_year(data, req.params_file)
    codes = select_gemeenten(req, data, boundary_year)
    names = data.regions_of(boundary_year).set_index("gemeente_code")["gemeente_name"]
    params_by_code = {c: load_params(c, params_file=req.params_file) for c in codes}
    for code, params in params_by_code.items():
        check_params_focus(params, code, req.params_file)

    code_digest = _code_digest()
    draw_ahead = has_spare_core(req)  # one drawing process for a batch in this process, one per worker
    contexts: list[tuple[NationalContext, Path]] = []
    jobs: list[Job] = []
    skipped: list[JobResult] = []
    for code in codes:
        params = params_by_code[code]
        match = next(((ctx, path) for ctx, path in contexts if ctx.fits(params)), None)
        if match is None:
            ctx = national_context(data, params, Path(req.outputs_dir), code_digest)
            path = workdir / f"context-{len(contexts)}.pkl"
            ctx.save(path)
            write_national_tables(ctx, path.with_suffix(".tables"))
            match = (ctx, path)
            contexts.append(match)
        ctx, path = match
        check_scenario_groups(params.beleid.scenarios, ctx.result, params_source(code, req.params_file))
        fp = fingerprint(params, ctx, code_digest, data.source)
        if req.resume:
            existing = complete_run_with(Path(req.outputs_dir) / code, fp)
            if existing is not None:
                skipped.append(JobResult(code, names[code], "skipped", str(existing)))
                continue
        jobs.append(Job(code, names[code], params, str(path), fp,
                        {"gemeente": code, "data_dir": _absolute(req.data_dir),
                         "params_file": _absolute(req.params_file), "source": req.source, "context_file": str(path),
                         "activity_files": [_absolute(f) for f in req.activity_files],
                         "boundary_weights": _absolute(req.boundary_weights)},
                        str(req.outputs_dir), req.command, str(NOTEBOOKS_DIR), draw_ahead and pool is not None))

    from blp.rapport.overview import overview_figures, write_overview

    ahead = charts_ahead(jobs) if draw_ahead and pool is None and jobs else None
    first = contexts[0][0]  # there is one: select_gemeenten never returns an empty list
    background = ThreadPoolExecutor(max_workers=1, thread_name_prefix="blp-overview")
    drawn = background.submit(overview_figures, first)  # drawn while the notebooks run
    background.shutdown(wait=False)
    progress = Progress(len(codes), req.progress)
    for r in skipped:
        progress.update(r)
    results = list(skipped)
    if pool is None:
        try:
            for i, job in enumerate(jobs, 1):
                results.append(run_job(job, release_kernel=i == len(jobs)))
                progress.update(results[-1])
        finally:
            if ahead is not None:
                ahead.close()
    else:
        results += _run_parallel(jobs, pool, progress)
    progress.close()
    order = {c: i for i, c in enumerate(codes)}
    results.sort(key=lambda r: order[r.code])
    overview = write_overview(Path(req.outputs_dir), first, drawn.result())
    return BatchResult(results, overview)


def _absolute(path: str | None) -> str | None:
    """Paths handed to notebooks do not depend on the kernel's working directory."""
    return str(Path(path).resolve()) if path else None


def run_gemeente(req: RunRequest) -> Path:
    """Run one gemeente; return its completed run folder or raise RunError with the failed folder."""
    if req.gemeente is None:
        raise BlpError("Geen gemeente opgegeven.")
    result = run_batch(req).results[0]
    if result.status == "failed":
        raise RunError(result.error or "de run is mislukt",
                       f"zie {result.folder} (het notebook met de fout en ERROR.txt).")
    return Path(result.folder)
