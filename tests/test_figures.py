"""Charts drawn ahead by the runner (blp.rapport.figures): each drawn once, and the same bytes as in the notebook."""

import multiprocessing
import threading
import time

import pytest

from blp.params import load_params
from blp.rapport import display
from blp.rapport.context import GemeenteView
from blp.rapport.figures import NOTEBOOK, RUNNER, ChartsAhead, FigureFolder, chart_svg, draw_ahead, figure_svg
from blp.rapport.paginas import beleid, berekening, brede_welvaart, dataverzameling, figure_plan
from helpers import run_sections

PAGES = (dataverzameling, berekening, brede_welvaart, beleid)


def _shown_svgs(view, monkeypatch) -> list[str]:
    shown = []
    monkeypatch.setattr(display, "display", lambda obj, raw=False: shown.append(obj))
    for page in PAGES:
        run_sections(page, view)
    return [s["image/svg+xml"] for s in shown if isinstance(s, dict) and "image/svg+xml" in s]


@pytest.mark.parametrize("code", ["GM0917", "GM0088"])  # with scenarios and LM3; a Wadden island without
def test_reports_show_the_charts_drawn_ahead_byte_for_byte(national, code, tmp_path, monkeypatch):
    params = load_params(code)
    drawn_here = _shown_svgs(GemeenteView(national, code, params), monkeypatch)

    folder = FigureFolder(tmp_path / code)
    folder.folder.mkdir()
    drawn = draw_ahead(folder, figure_plan(GemeenteView(national, code, params)), threading.Event())
    ahead = _shown_svgs(GemeenteView(national, code, params, folder), monkeypatch)

    assert ahead == drawn_here  # same charts, same order, same bytes
    claims = {p.stem: folder.claimed_by(p.stem) for p in folder.folder.glob("*.claim")}
    assert sorted(k for k, by in claims.items() if by == RUNNER) == sorted(drawn)
    # every chart is drawn ahead, the expected-BLP chart too (its model is fitted with the national calculation)
    assert [k for k, by in claims.items() if by == NOTEBOOK] == []
    assert "brede_welvaart.expected_figure" in drawn and len(drawn) == len(drawn_here)


def test_a_chart_is_claimed_once_and_the_other_side_waits_for_it(tmp_path):
    folder = FigureFolder(tmp_path)
    assert folder.claim("c", RUNNER) and not folder.claim("c", NOTEBOOK)
    threading.Timer(0.2, folder.put, args=("c", "<svg>ahead</svg>")).start()
    assert chart_svg(folder, "c", lambda: pytest.fail("drawn twice")) == "<svg>ahead</svg>"


def test_the_notebook_draws_a_chart_the_runner_gave_up_on_and_shows_its_error(national, tmp_path):
    folder = FigureFolder(tmp_path)
    view = GemeenteView(national, "GM0917", load_params("GM0917"))

    def broken(_):
        raise ValueError("no data for this chart")

    assert draw_ahead(folder, [("broken", lambda: broken(view))], threading.Event()) == []
    with pytest.raises(ValueError, match="no data for this chart"):
        chart_svg(folder, "broken", lambda: broken(view))
    assert chart_svg(folder, "broken", lambda: berekening.structure_figure(view)).startswith("<svg")


def test_a_notebook_does_not_wait_for_a_drawer_that_died(tmp_path):
    folder = FigureFolder(tmp_path)
    child = multiprocessing.get_context("fork").Process(target=folder.claim, args=("c", RUNNER))
    child.start()
    child.join()
    assert folder.claimed_by("c") == RUNNER
    assert folder.wait("c", timeout=30) is None  # the claimer is gone: draw it yourself, do not wait 30 s


def test_charts_ahead_draws_in_another_process_the_same_bytes(national, tmp_path):
    view = GemeenteView(national, "GM0917", load_params("GM0917"))
    folder = FigureFolder(tmp_path / "GM0917")
    ahead = ChartsAhead([(folder, lambda: figure_plan(view))])
    drawn = folder.folder / "berekening.structure_figure.svg"
    deadline = time.monotonic() + 60
    while not drawn.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    ahead.close()
    assert folder.claimed_by("berekening.structure_figure") == RUNNER
    assert drawn.read_text(encoding="utf-8") == figure_svg(berekening.structure_figure(view))


def test_drawing_ahead_stops_when_told(national, tmp_path):
    view = GemeenteView(national, "GM0917", load_params("GM0917"))
    stop = threading.Event()
    stop.set()
    assert draw_ahead(FigureFolder(tmp_path), figure_plan(view), stop) == []


def test_the_figure_folder_depends_on_the_params(tmp_path):
    a = FigureFolder.for_gemeente(tmp_path / "ctx.pkl", "GM0917", load_params("GM0917"))
    b = FigureFolder.for_gemeente(tmp_path / "ctx.pkl", "GM0917", load_params("GM0363"))
    assert a.folder != b.folder and a.folder.parent == b.folder.parent
