"""One gemeente's notebooks executed in this process's kernel and exported: the HTML reports with their
navigation, the downloads, and the charts drawn ahead on a spare core."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor, wait
from pathlib import Path

from blp.errors import RunError, interrupts_held
from blp.rapport.chrome import PageChrome, source_text
from blp.rapport.context import GemeenteView, NationalContext
from blp.rapport.downloads import tables_of, write_csvs, write_workbook
from blp.rapport.figures import ChartsAhead, FigureFolder
from blp.rapport.html_export import code_exporter, exporter, notebook_to_html, save_and_export
from blp.rapport.paginas import chart_pages, figure_plan
from blp.uitvoering.engine import NotebookFailed, close_shared_session, forget_temporary_parameters, shared_session
from blp.uitvoering.jobs import APPENDIX, NOTEBOOKS, Job
from blp.uitvoering.manifest import utc_now


STOP_WAIT_S = 3.0  # how long an interrupted run lets a running export finish


def execute_notebooks(job: Job, name: str, folder: Path, release_kernel: bool = False,
                      chrome: PageChrome | None = None) -> None:
    """Execute the report notebooks in this process's kernel and export each to HTML.

    The notebooks are read and parameterized first; writing an executed notebook and its HTML export
    run on a background thread while the kernel executes the next one (this thread mostly waits for
    the kernel). A failed notebook is exported too, as the error report, before the failure is raised. ``release_kernel``: this process runs no more notebooks, so
    the kernel shuts down while the last export runs."""
    (folder / "notebooks").mkdir()
    session = shared_session()
    load_notebook_libraries()
    background = ThreadPoolExecutor(max_workers=1, thread_name_prefix="blp-html")
    exports = []
    try:
        # load nbconvert and its templates while the kernel starts
        exports += [background.submit(exporter), background.submit(code_exporter)]
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
    except Exception:
        background.shutdown(wait=True)  # a failed notebook's error report is written before the run fails
        raise
    except BaseException:
        # Ctrl-C (or a worker told to stop): the caller removes the partial folder; an export still writing into
        # it would bring it back, so the one running is given a few seconds (a second Ctrl-C waits for them too),
        # the queued ones are dropped
        background.shutdown(wait=False, cancel_futures=True)
        with interrupts_held():
            wait(exports, timeout=STOP_WAIT_S)
        raise
    finally:
        background.shutdown(wait=False)


def load_notebook_libraries() -> None:
    """Import what the kernel's client needs here, before the export thread imports nbconvert: an import that
    Ctrl-C interrupts in this thread can leave a module lock that the other thread's import then waits on
    forever (seen as a hang about 3.7 s into a run)."""
    import importlib

    for module in ("nbformat", "nbclient", "papermill.parameterize"):
        importlib.import_module(module)


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
