"""`blp run`: execute the report notebooks for one or many gemeenten into complete output folders.

Each gemeente's run is built in a hidden ``.<run-id>.partial`` folder and renamed into place only
when everything succeeded, so a folder named after a run id is always complete. A failed run is
kept as ``<run-id>.failed`` with its error notebook and HTML; earlier runs are never touched.

The national calculation runs once per batch (per distinct set of choices) and is shared with
every notebook through a saved context file. Gemeenten run in parallel worker processes, each
with one long-lived kernel (``blp.uitvoering.engine.KernelSession``).
"""

from __future__ import annotations


import logging
import os
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from pathlib import Path

from blp.atomic import (private_temp_folder, remove_orphaned_temp_folders, remove_private_temp_folder,
                        remove_stale_partials)
from blp.beleid.scenarios import check_scenarios
from blp.data import load_data
from blp.data.gemeenten import check_peers, resolve_gemeente
from blp.errors import BlpError, RunError, interrupts_held
from blp.params import load_params, params_source
from blp.paths import NOTEBOOKS_DIR
from blp.rapport.context import GemeenteView, NationalContext, run_boundary_year
from blp.rapport.downloads import CONTENTS, read_contents
from blp.rapport.samenvatting import cards, front_page
from blp.schema import to_dict
from blp.uitvoering.context_cache import CACHE_DIR, keep_overview, kept_or_drawn_overview, national_context
from blp.uitvoering.engine import close_shared_session
from blp.uitvoering.export import DOWNLOADS_DIR, WORKBOOK, charts_ahead, execute_notebooks, run_chrome
from blp.uitvoering.fingerprints import code_digest, complete_run_with, fingerprint
from blp.uitvoering.jobs import APPENDIX, NOTEBOOKS, BatchResult, Job, JobResult, error_line, keep_as_failed
from blp.uitvoering.manifest import add_outputs, build_manifest, utc_now, write_manifest
from blp.uitvoering.pool import WorkerPool, run_parallel
from blp.uitvoering.progress import Progress
from blp.uitvoering.request import RunRequest, has_spare_core, planned_workers, start_kernel_if_single
from blp.uitvoering.tables import write_national_tables, write_tables
from blp.welvaart.registry import check_params_focus

__all__ = ["APPENDIX", "NOTEBOOKS", "BatchResult", "Job", "JobResult", "RunRequest", "fingerprint", "run_batch",
           "run_gemeente", "run_job"]

OVERVIEW_WAIT_S = 10.0  # how long a run waits for the overview's maps drawn on a thread before drawing them itself


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


def _code_digest() -> str:
    """The code digest of this kit with the notebooks of ``NOTEBOOKS_DIR`` (``blp.uitvoering.fingerprints``)."""
    return code_digest(NOTEBOOKS_DIR)


# --- one gemeente (runs in a worker) --------------------------------------------------------

def run_job(job: Job, release_kernel: bool = False) -> JobResult:
    """Run the four notebooks of one gemeente into a new folder; never raises for a notebook failure.
    ``release_kernel``: the last job of this process (see ``execute_notebooks``)."""
    started = utc_now()
    national = NationalContext.load(Path(job.context_file))
    view = GemeenteView(national, job.code, job.params)
    root = Path(job.outputs_dir) / job.code
    root.mkdir(parents=True, exist_ok=True)
    remove_stale_partials(root)  # what a killed run of this gemeente left
    run_id, partial = job.run_id, job.partial_folder
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
        contents = read_contents(partial / DOWNLOADS_DIR)
        report_titles = {nb: f"Rapport {i} ({title})" for i, (nb, title) in enumerate(NOTEBOOKS, 1)}
        extras = [("Alle tabellen van de rapporten in één Excel-bestand", WORKBOOK),
                  ("Welk CSV-bestand welke tabel is (inhoud, CSV)", f"{DOWNLOADS_DIR}/{CONTENTS}")]
        extras += [(f"{report_titles.get(report, report)}: {table} (CSV voor Nederlandse Excel)",
                    f"{DOWNLOADS_DIR}/{name}") for name, (report, table) in contents.items()]
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
        manifest["kit"]["code_digest"] = job.code_digest  # the overview links only reports made by the same code
        write_manifest(add_outputs(manifest, partial), partial / "manifest.json")
        final = root / run_id
        os.rename(partial, final)
        return JobResult(job.code, view.name, "done", str(final))
    except (KeyboardInterrupt, SystemExit):  # stopped (Ctrl-C, or a worker told to stop): nothing half-written
        with interrupts_held():  # also when Ctrl-C comes again meanwhile
            job.discard_partial()
        raise
    except Exception as exc:  # isolate the failure: keep what was written, report, go on
        kept = keep_as_failed(job, f"{type(exc).__name__}: {exc}")
        return JobResult(job.code, view.name, "failed", kept, error=error_line(exc))


# --- batches ------------------------------------------------------------------------------------

# JobResult.status as the progress line shows it
def run_batch(req: RunRequest) -> BatchResult:
    """Run every selected gemeente; one failure does not stop the others."""
    remove_orphaned_temp_folders()  # what killed runs left in the temporary folder
    workdir = Path(private_temp_folder("blp-batch-"))
    pool = None
    interrupted = False
    try:
        if not start_kernel_if_single(req):
            pool = WorkerPool(planned_workers(req), run_job)
        return _run_batch(req, workdir, pool)
    except KeyboardInterrupt:
        interrupted = True
        # the kernel client stopped mid-cell leaves asyncio tasks whose cleanup fails; that is the interrupt, not
        # news for the user, who gets one line (blp.cli)
        logging.getLogger("asyncio").setLevel(logging.CRITICAL)
        raise
    finally:
        # a second Ctrl-C during the clean-up leaves neither the kernel's folder (its key, its sockets) nor the work
        # folder behind: held from the clean-up's first line (one arriving before the inner 'finally' was entered
        # skipped it and left the work folder: seen once in CI); closing the pool and the kernel is bounded
        with interrupts_held():
            try:
                if pool is not None:
                    pool.close(now=interrupted)
            finally:
                close_shared_session()
                remove_private_temp_folder(workdir)


def _run_batch(req: RunRequest, workdir: Path, pool: "WorkerPool | None") -> BatchResult:
    data = load_data(req.source, req.data_dir, req.activity_files, req.boundary_weights)
    boundary_year = run_boundary_year(data, req.params_file)
    codes = select_gemeenten(req, data, boundary_year)
    names = data.regions_of(boundary_year).set_index("gemeente_code")["gemeente_name"]
    params_by_code = {c: load_params(c, params_file=req.params_file) for c in codes}
    for code, params in params_by_code.items():
        check_params_focus(params, code, req.params_file)
        check_peers(params.peers, code, data, boundary_year, params_source(code, req.params_file))
    for code in codes:  # a gemeente's runs go into a folder of its code: a file there is found now, not after its run
        place = Path(req.outputs_dir) / code
        if place.exists() and not place.is_dir():
            raise RunError(f"{place} is een bestand; de runs van {names.get(code, code)} komen in een map met die naam.",
                           "haal het bestand weg of geef het een andere naam, of kies een andere map met --out.")

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
        check_scenarios(params.beleid, ctx.result, params_source(code, req.params_file), code)
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
                        str(req.outputs_dir), req.command, str(NOTEBOOKS_DIR), draw_ahead and pool is not None,
                        code_digest=code_digest))

    from blp.rapport.overview import write_overview

    ahead = charts_ahead(jobs) if draw_ahead and pool is None and jobs else None
    first = contexts[0][0]  # there is one: select_gemeenten never returns an empty list
    background = ThreadPoolExecutor(max_workers=1, thread_name_prefix="blp-overview")
    # drawn while the notebooks run (or kept from an earlier run on the same national context); kept for the next
    # run from this thread at the end, not from that one, which the command's end (Ctrl-C) may cut short mid-write
    overview_args = (first, params_by_code[codes[0]], Path(req.outputs_dir), code_digest)
    drawn = background.submit(kept_or_drawn_overview, *overview_args)
    background.shutdown(wait=False)
    progress = Progress(len(codes), req.progress)
    for r in skipped:
        progress.update(r)
    results = list(skipped)
    try:
        if pool is None:
            try:
                for i, job in enumerate(jobs, 1):
                    results.append(run_job(job, release_kernel=i == len(jobs)))
                    progress.update(results[-1])
            finally:
                if ahead is not None:
                    ahead.close()
        else:
            results += run_parallel(jobs, pool, progress)
    finally:
        progress.close()  # on every way out, so a message after it starts on a line of its own
    order = {c: i for i, c in enumerate(codes)}
    results.sort(key=lambda r: order[r.code])
    # The reports' front pages link to the overview: once they are there, a Ctrl-C waits until it is written too
    # (a first run interrupted here left a dead link), for at most the wait for its maps plus drawing them.
    with interrupts_held():
        try:
            figures, new = drawn.result(timeout=OVERVIEW_WAIT_S)
        except FutureTimeout:  # maps still not drawn: the overview draws its own
            figures, new = None, False
        if new:
            keep_overview(*overview_args, figures)
        for folder in (Path(req.outputs_dir), Path(req.outputs_dir) / CACHE_DIR):  # what killed runs left there
            remove_stale_partials(folder)
        overview = write_overview(Path(req.outputs_dir), first, figures, code_digest)
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
