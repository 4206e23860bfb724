"""Charts drawn ahead on a spare core and shown by the notebook that needs them.

A run's kernel draws its charts one after the other, on one core, after it has spent seconds
starting up; meanwhile the process that runs it has little to do. So, when the machine has a
core to spare, the runner draws the charts of its gemeenten in the order the notebooks show them
(``blp.rapport.paginas.figure_plan``), in a forked process, into a folder next to the run's shared context
(``<context>.figures/<gemeente>-<params digest>/``).

The protocol is the simplest that is safe: the drawer publishes each chart atomically (``<key>.svg``,
written whole or not at all); a notebook that finds the SVG uses it, one that does not draws the chart
itself. Nobody waits for anybody: the chart functions are deterministic (``figure_svg``, which tests
check), so a race costs one drawing, never a different chart or a hang. Nothing here changes what a
chart shows; a chart the drawer failed to draw is drawn in the notebook, where its error belongs. The
drawer stops when told, and a drawer that does not stop within a few seconds is terminated.
"""

from __future__ import annotations

import io
import multiprocessing
import os
import threading
from collections.abc import Callable, Iterable
from pathlib import Path

from blp.errors import interrupts_held

STOP_WAIT_S = 5.0  # how long a run waits for its drawer to stop before terminating it

Plan = Iterable[tuple[str, Callable[[], object]]]

# Held by any thread of the runner that draws with matplotlib. A forked process inherits locks in the
# state they had at the fork, and every matplotlib figure draws under one class-wide lock: forking while
# another thread draws would leave the child waiting forever. ChartsAhead forks only while holding this.
DRAWING = threading.Lock()


def figure_svg(fig) -> str:
    """Render a figure once as an inline ``<svg>`` element with real text (sharp at any zoom, small,
    about twice as fast as PNG); the XML declaration and doctype, which do not belong in HTML, are left off.
    The same figure gives the same bytes: fixed element ids, no creation date."""
    import matplotlib

    buf = io.BytesIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "blp"}):
        fig.savefig(buf, format="svg", metadata={"Date": None})
    text = buf.getvalue().decode("utf-8")
    return text[text.index("<svg"):]


def chart_key(draw: Callable, args: tuple) -> str:
    """A chart's name in the figure folder: its drawing function, plus any index argument."""
    return ".".join([draw.__module__.rsplit(".", 1)[-1], draw.__name__] + [str(a) for a in args if isinstance(a, int)])


def planned(view, draw: Callable, *args) -> tuple[str, Callable[[], object]]:
    """One entry of a figure plan: the chart ``draw(view, *args)`` under the key a notebook will ask for."""
    return chart_key(draw, args), lambda: draw(view, *args)


class FigureFolder:
    """The folder in which the runner and a notebook hand each other one gemeente's charts."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)

    @classmethod
    def for_gemeente(cls, context_file: str | Path, gemeente: str, params) -> "FigureFolder":
        """The folder for one gemeente and its exact params: a notebook that reads other params (say, a
        params file edited during the run) finds no folder and draws its own charts."""
        from blp.schema import digest, to_dict

        return cls(Path(f"{context_file}.figures") / f"{gemeente}-{digest(to_dict(params))[:16]}")

    def exists(self) -> bool:
        return self.folder.is_dir()

    def _path(self, key: str, suffix: str) -> Path:
        return self.folder / f"{key}.{suffix}"

    def get(self, key: str) -> str | None:
        """The published SVG of ``key``, or None when it is not (yet) there."""
        try:
            return self._path(key, "svg").read_text(encoding="utf-8")
        except OSError:
            return None

    def put(self, key: str, svg: str) -> None:
        """Publish a drawn chart; readers see either no file or the whole SVG."""
        tmp = self._path(key, f"svg.{os.getpid()}.tmp")
        tmp.write_text(svg, encoding="utf-8")
        os.replace(tmp, self._path(key, "svg"))


def chart_svg(folder: FigureFolder | None, key: str, draw: Callable[[], object]) -> str:
    """The SVG of one chart: the drawer's, if it has published it, else drawn here."""
    svg = folder.get(key) if folder is not None else None
    return svg if svg is not None else figure_svg(draw())


def draw_ahead(folder: FigureFolder, plan: Plan, stop: threading.Event) -> list[str]:
    """Draw every chart of ``plan`` that is not published yet, in order; return the keys drawn.

    ``plan`` is lazy (``blp.rapport.paginas.figure_plan``): what a chart needs is computed only when it is
    reached. Errors are not raised here: the chart is left to the notebook, which shows the error."""
    drawn: list[str] = []
    try:
        for key, draw in plan:
            if stop.is_set():
                break
            if folder.get(key) is not None:
                continue
            try:
                folder.put(key, figure_svg(draw()))
                drawn.append(key)
            except Exception:  # noqa: BLE001 - left to the notebook, which shows the error
                continue
    except Exception:
        pass  # making the plan failed (e.g. bad params): the notebooks draw what is left and report the error
    return drawn


class ChartsAhead:
    """Draws the charts of a run's gemeenten, one after the other, while their notebooks run.

    In a forked process where the platform forks (its own core and interpreter lock; the runner's
    threads export HTML meanwhile), else on a thread. The plans are made in the drawing
    process, so the runner computes nothing twice."""

    def __init__(self, work: list[tuple[FigureFolder, Callable[[], Plan]]]):
        import multiprocessing
        import sys

        for folder, _ in work:
            folder.folder.mkdir(parents=True, exist_ok=True)
        if sys.platform.startswith("linux"):
            ctx = multiprocessing.get_context("fork")
            self._stop = ctx.Event()
            self._worker = ctx.Process(target=_draw_all, args=(work, self._stop), name="blp-charts", daemon=True)
            with DRAWING, interrupts_held():  # no thread of ours is inside matplotlib while we fork; Ctrl-C after it
                self._worker.start()
        else:
            self._stop = threading.Event()
            self._worker = threading.Thread(target=_draw_all, args=(work, self._stop), name="blp-charts",
                                            daemon=True)
            self._worker.start()

    def close(self) -> None:
        """Stop after the chart in hand (the notebooks are done with it); a drawer that has not stopped within
        ``STOP_WAIT_S`` is terminated (a process) or left to end with the program (a daemon thread)."""
        self._stop.set()
        self._worker.join(STOP_WAIT_S)
        if self._worker.is_alive() and hasattr(self._worker, "terminate"):
            self._worker.terminate()
            self._worker.join(STOP_WAIT_S)


def child_process_signals() -> None:
    """For a process the command forks (chart drawer, batch worker): Ctrl-C is the command's to handle (it stops
    its children), SIGTERM ends the process through its ``finally`` blocks, and the process gets SIGTERM when its
    parent dies, even by kill -9 (Linux), so it never runs on as an orphan.

    The process leaves the terminal's process group, so a Ctrl-C does not reach it at all: ignoring SIGINT is not
    enough, because nbclient handles SIGINT itself while it executes a notebook."""
    import signal
    import sys

    os.setpgrp()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    # a SIGTERM that lands in a callback (say, an import's lock cleanup) cannot end the process there; the parent
    # kills it a moment later, and the ignored SystemExit is not news for the user
    default_hook = sys.unraisablehook
    sys.unraisablehook = lambda u: None if isinstance(u.exc_value, SystemExit) else default_hook(u)
    if sys.platform.startswith("linux"):
        import ctypes

        parent = os.getppid()
        try:
            ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM, 0, 0, 0)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            return
        if os.getppid() != parent:  # the parent died before the call
            sys.exit(143)


def _draw_all(work: list[tuple[FigureFolder, Callable[[], Plan]]], stop) -> None:
    if multiprocessing.current_process().name == "blp-charts":
        child_process_signals()
    for folder, make_plan in work:
        if stop.is_set():
            return
        draw_ahead(folder, make_plan(), stop)
