"""Execute notebooks in one long-lived kernel, instead of one kernel per notebook.

Starting a kernel and importing the kit costs more than running a report notebook, so a
``KernelSession`` starts one kernel and runs many notebooks in it, clearing the user namespace
before each one (``RESET_CODE``, the first cell of every run). Parameters are injected exactly as
papermill does (an ``injected-parameters`` cell after the ``parameters`` cell). Stock nbclient executes
the cells through its public API (sending every cell's request at once, as an earlier version did, measured
no faster). The kernel talks over IPC sockets in a private folder, which avoids TCP port races between
parallel workers.

Starting a kernel needs only ``jupyter_client``; the notebook libraries (nbformat, nbclient,
papermill) are imported when the first notebook runs, so a run can start its kernel first thing.
"""

from __future__ import annotations

import os
import re
import subprocess
import threading
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager

from blp.atomic import private_temp_folder, remove_orphaned_temp_folders, remove_private_temp_folder
from blp.rapport.html_export import RESET_TAG
# A run's kernel keeps no IPython history: report code stays out of the user's ~/.ipython history
# database, and no cell waits for an SQLite write.
KERNEL_ARGS = ["--HistoryManager.enabled=False"]
# Clear what an earlier notebook left in the namespace (cheaper than %reset, which also collects garbage).
RESET_CODE = ("for _name in [n for n in list(globals()) if not n.startswith('_') and n not in "
              "('In', 'Out', 'get_ipython', 'exit', 'quit', 'open')]:\n    del globals()[_name]")


# What the report notebooks import; loading it while the parent computes saves most of a kernel's start.
WARMUP_CODE = ("import blp.rapport.context, blp.rapport.paginas.dataverzameling, blp.rapport.paginas.berekening, blp.rapport.paginas.brede_welvaart, "
               "blp.rapport.paginas.beleid")


SOCKET_PATH_MAX = 107  # bytes in a Unix socket's path (Linux: 108 with the closing zero)


def _ipc_folder() -> str | None:
    """A private folder for the kernel's sockets (``<folder>/k-<n>``) and connection file, in the temporary folder
    (TMPDIR) or, when that path is too long for a socket (a deep TMPDIR), in /tmp; None when neither works: the
    kernel then talks over TCP on 127.0.0.1. What killed runs left there is removed first
    (``blp.atomic.remove_orphaned_temp_folders``)."""
    for base in (None, "/tmp"):
        remove_orphaned_temp_folders(base)
        try:
            folder = private_temp_folder("blp-kernel-", base)
        except OSError:
            continue
        if len(os.fsencode(folder)) + len("/k-99999") <= SOCKET_PATH_MAX:
            return folder
        remove_private_temp_folder(folder)
    return None


class NotebookFailed(Exception):
    """A cell raised; the partly executed notebook was written to ``output``."""

    def __init__(self, output: Path, cell_index: int | None, message: str):
        self.output, self.cell_index = output, cell_index
        super().__init__(message)


class KernelSession:
    """One Python kernel that executes notebook after notebook."""

    def __init__(self, cwd: str | Path | None = None, timeout: int = 600, kernel_name: str = "python3"):
        self.cwd = str(cwd or Path.cwd())
        self.timeout = timeout
        self.kernel_name = kernel_name
        self._ipc_dir = _ipc_folder()
        self.km: AsyncKernelManager | None = None
        self.kc = None

    def _manager(self) -> AsyncKernelManager:
        if self.km is None:
            if self._ipc_dir:  # the connection file (it holds the kernel's key) goes with the sockets
                self.km = AsyncKernelManager(kernel_name=self.kernel_name, transport="ipc",
                                             ip=str(Path(self._ipc_dir) / "k"),
                                             connection_file=str(Path(self._ipc_dir) / "kernel.json"))
            else:  # no folder with a path short enough for a socket: TCP on 127.0.0.1
                self.km = AsyncKernelManager(kernel_name=self.kernel_name)
        return self.km

    def start(self, warmup: str | None = WARMUP_CODE) -> None:
        """Start the kernel now and let it import the kit, without waiting: the caller can do other
        work (load data, compute) while the kernel gets ready. The first notebook waits in line."""
        from jupyter_core.utils import run_sync

        km = self._manager()
        if km.has_kernel:
            return
        # The kernel's own log (not the notebooks' output, which comes over its channels) is not for the user: a
        # kernel stopped mid-cell by Ctrl-C would print tracebacks there. BLP_DEBUG=1 keeps it.
        quiet = {} if os.environ.get("BLP_DEBUG") else {"stderr": subprocess.DEVNULL}
        run_sync(km.start_kernel)(cwd=self.cwd, extra_arguments=KERNEL_ARGS, **quiet)
        self.kc = km.client()
        self.kc.start_channels()
        if warmup:
            self.kc.execute(warmup, silent=True, store_history=False)

    def run(self, source: Path, output: Path, parameters: dict) -> None:
        """Execute ``source`` with ``parameters``; write the executed notebook to ``output``."""
        self.execute(self.prepare(source, parameters), output)

    def prepare(self, source: Path, parameters: dict):
        """``source`` read and parameterized as papermill does, with the namespace reset in front."""
        import nbformat
        from papermill.parameterize import parameterize_notebook

        nb = nbformat.read(source, as_version=4)
        for cell in nb.cells:
            cell.metadata.setdefault("tags", [])
        nb.metadata.setdefault("papermill", {})
        nb = parameterize_notebook(nb, parameters, kernel_name=self.kernel_name, language="python")
        reset = nbformat.v4.new_code_cell(RESET_CODE, metadata={"tags": [RESET_TAG]})
        reset.id = "blp-reset"
        nb.cells.insert(0, reset)
        return nb

    def execute(self, nb, output: Path, write: bool = True):
        """Execute the prepared notebook ``nb`` in this kernel and return it; write it to ``output``
        (``write=False``: the caller writes it, say on another thread). A failed notebook is always
        written, with a banner at the failing cell, before ``NotebookFailed`` is raised."""
        import nbformat
        from nbclient import NotebookClient
        from nbclient.exceptions import CellExecutionError, DeadKernelError

        client = NotebookClient(nb, km=self._manager(), timeout=self.timeout, kernel_name=self.kernel_name,
                                resources={"metadata": {"path": self.cwd}}, allow_errors=False,
                                extra_arguments=KERNEL_ARGS)
        handlers = _signal_handlers()
        # nbclient answers Ctrl-C by shutting the kernel down on a task of its own; as each cell starts, the
        # command's own handlers take over again, so Ctrl-C is a plain KeyboardInterrupt here
        client.on_cell_start = _interrupts_as_before(handlers)
        client.kc = self.kc  # reuse the connection to the running kernel (None the first time)
        try:
            try:
                client.execute()
            finally:
                self.kc = client.kc
                _restore(handlers)  # nbclient leaves Python's defaults behind, not what was there
        except Exception as exc:
            if not (isinstance(exc, CellExecutionError) and getattr(exc, "ename", None) != "KeyboardInterrupt"):
                _settle(self._manager())  # not a cell's own error: let nbclient finish what a Ctrl-C started
            if not self._manager().has_kernel:
                # nbclient answers Ctrl-C (SIGINT, or SIGTERM) by shutting the kernel down itself; the cell then ends
                # as a dead kernel (or an asyncio error, depending on the moment): that is the interrupt, not a
                # failed notebook
                self.km = self.kc = None
                raise KeyboardInterrupt from None
            if isinstance(exc, CellExecutionError):
                failed = next((i for i, c in enumerate(nb.cells)
                               if any(o.get("output_type") == "error" for o in c.get("outputs", []))), None)
                _mark_failure(nb, failed)
                nbformat.write(forget_temporary_parameters(nb), output)
                raise NotebookFailed(output, failed, _short(exc)) from None
            if isinstance(exc, DeadKernelError):
                nbformat.write(forget_temporary_parameters(nb), output)
                self.restart()  # the next notebook starts a new kernel
                raise NotebookFailed(output, None, f"de kernel is gestopt: {exc}") from None
            raise
        if write:
            nbformat.write(forget_temporary_parameters(nb), output)
        return nb

    def restart(self) -> None:
        self.close(keep_dir=True)

    def close(self, keep_dir: bool = False) -> None:
        if self.kc is not None:
            self.kc.stop_channels()
            self.kc = None
        if self.km is not None and self.km.has_kernel:
            from jupyter_core.utils import run_sync

            run_sync(self.km.shutdown_kernel)(now=True)
        self.km = None
        if not keep_dir and self._ipc_dir:
            remove_private_temp_folder(self._ipc_dir)

    def __enter__(self) -> "KernelSession":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _signal_handlers() -> dict | None:
    """SIGINT's and SIGTERM's handlers, if this is the main thread (only it can set them)."""
    import signal

    if threading.current_thread() is not threading.main_thread():
        return None
    return {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}


def _interrupts_as_before(handlers: dict | None):
    """An nbclient hook that gives SIGINT and SIGTERM back to the handlers they had before the notebook (where
    those raise KeyboardInterrupt: the command's, or Python's default; not where they are ignored, as in a batch
    worker)."""
    import asyncio

    def hook(**_) -> None:
        loop = asyncio.get_running_loop()
        for sig, previous in (handlers or {}).items():
            if callable(previous):
                loop.add_signal_handler(sig, previous, sig, None)

    return hook


def _restore(handlers: dict | None) -> None:
    import signal

    for sig, handler in (handlers or {}).items():
        if handler is not None:
            signal.signal(sig, handler)


def _settle(km, timeout: float = 1.0) -> None:
    """Run this thread's event loop a moment, so a kernel shutdown nbclient started on a task of its own (its answer
    to Ctrl-C) completes: at most ``timeout`` seconds, less as soon as ``km`` has no kernel any more."""
    import asyncio

    from jupyter_core.utils import run_sync

    async def rest() -> None:
        for task in asyncio.all_tasks():
            if task is not asyncio.current_task():  # what they end with is nobody's news
                task.add_done_callback(lambda t: t.cancelled() or t.exception())
        for _ in range(int(timeout / 0.05)):
            if not km.has_kernel:
                return
            await asyncio.sleep(0.05)

    try:
        run_sync(rest)()
    except Exception:  # noqa: BLE001 - only a chance for nbclient to finish; the caller decides either way
        pass


_SHARED: KernelSession | None = None


def shared_session() -> KernelSession:
    """This process's kernel session, created on first use (in the current directory, so relative
    paths in notebook parameters mean what they meant on the command line)."""
    global _SHARED
    if _SHARED is None:
        _SHARED = KernelSession()
    return _SHARED


_CLOSING: list[threading.Thread] = []


def close_shared_session(wait: bool = True) -> None:
    """Shut this process's kernel down. ``wait=False`` does it on a background thread, so the caller can
    finish its own work meanwhile; a later call with
    ``wait=True`` (the default) waits for it."""
    global _SHARED
    session, _SHARED = _SHARED, None
    if session is not None and not wait:
        _CLOSING.append(threading.Thread(target=session.close, name="blp-kernel-close"))
        _CLOSING[-1].start()
    elif session is not None:
        session.close()
    while wait and _CLOSING:
        _CLOSING.pop().join()


# the kit's own messages for the user (blp.errors)
USER_ERRORS = {"BlpError", "ParamsError", "DataError", "GemeenteError", "RunError"}


def _short(exc) -> str:
    """'the problem. Oplossing: ...' from the kernel's exception; other exceptions than the kit's own messages
    (blp.errors) keep their name in front ('ZeroDivisionError: ...')."""
    ename, evalue = getattr(exc, "ename", None), getattr(exc, "evalue", None)
    if ename:
        text = " ".join(line.strip() for line in str(evalue).splitlines())
        return text if ename in USER_ERRORS else f"{ename}: {text}"
    lines = [l for l in str(exc).strip().splitlines() if l.strip()]
    return lines[-1] if lines else type(exc).__name__


TEMPORARY_PARAMETERS = ("context_file",)


def forget_temporary_parameters(nb):
    """Set the parameters that point at a run's temporary files (the national context pickle) to None in the
    notebook as recorded: re-running it recomputes the national figures instead of loading a file from a
    temporary folder that, by then, someone else could have placed there. Returns ``nb``, changed in place."""
    for cell in nb.cells:
        if "injected-parameters" in cell.get("metadata", {}).get("tags", []):
            for name in TEMPORARY_PARAMETERS:
                cell.source = re.sub(rf"^{name} = .*$", f"{name} = None  # tijdelijk bestand van de run, niet bewaard",
                                     cell.source, flags=re.M)
    parameters = nb.metadata.get("papermill", {}).get("parameters", {})
    for name in TEMPORARY_PARAMETERS:
        if name in parameters:
            parameters[name] = None
    return nb


def _mark_failure(nb, index: int | None) -> None:
    """A visible banner at the top of a failed notebook, as papermill does."""
    import nbformat

    where = f"in cel {index}" if index is not None else ""
    banner = nbformat.v4.new_markdown_cell(
        f"<span style='color:#c0392b; font-size:1.3em'>**Uitvoering mislukt {where}.**</span> "
        "Hieronder staat de foutmelding bij de cel die mislukte; de cellen erna zijn niet uitgevoerd.")
    banner.id = "blp-error-banner"
    nb.cells.insert(0, banner)
