"""Charts drawn ahead by the runner (blp.rapport.figures): published whole, used if there, the same bytes."""

import threading
import time

import pytest

from blp.params import load_params
from blp.rapport import display
from blp.rapport.context import GemeenteView
from blp.rapport.figures import ChartsAhead, FigureFolder, chart_svg, draw_ahead, figure_svg
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
    assert sorted(p.name[:-4] for p in folder.folder.glob("*.svg")) == sorted(drawn)
    # every chart is drawn ahead, the expected-BLP chart too (its model is fitted with the national calculation)
    assert "brede_welvaart.expected_figure" in drawn and len(drawn) == len(drawn_here)
    assert not list(folder.folder.glob("*.tmp"))  # published whole


def test_a_published_chart_is_used_and_a_missing_one_drawn_here_without_waiting(tmp_path):
    folder = FigureFolder(tmp_path)
    folder.put("c", "<svg>ahead</svg>")
    assert chart_svg(folder, "c", lambda: pytest.fail("drawn twice")) == "<svg>ahead</svg>"

    class Fig:  # what a notebook draws when the drawer has not published the chart (yet)
        def savefig(self, buf, **_):
            buf.write(b"<svg>here</svg>")

    started = time.monotonic()
    assert chart_svg(folder, "other", Fig) == "<svg>here</svg>"
    assert time.monotonic() - started < 1  # no waiting for a drawer


def test_the_notebook_draws_a_chart_the_runner_gave_up_on_and_shows_its_error(national, tmp_path):
    folder = FigureFolder(tmp_path)
    view = GemeenteView(national, "GM0917", load_params("GM0917"))

    def broken(_):
        raise ValueError("no data for this chart")

    assert draw_ahead(folder, [("broken", lambda: broken(view))], threading.Event()) == []
    with pytest.raises(ValueError, match="no data for this chart"):
        chart_svg(folder, "broken", lambda: broken(view))
    assert chart_svg(folder, "broken", lambda: berekening.structure_figure(view)).startswith("<svg")


def test_charts_ahead_draws_in_another_process_the_same_bytes(national, tmp_path):
    view = GemeenteView(national, "GM0917", load_params("GM0917"))
    folder = FigureFolder(tmp_path / "GM0917")
    ahead = ChartsAhead([(folder, lambda: figure_plan(view))])
    drawn = folder.folder / "berekening.structure_figure.svg"
    deadline = time.monotonic() + 60
    while not drawn.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    ahead.close()
    assert not ahead._worker.is_alive()
    assert drawn.read_text(encoding="utf-8") == figure_svg(berekening.structure_figure(view))


def test_a_drawer_that_does_not_stop_is_terminated_within_seconds(tmp_path, monkeypatch):
    from blp.rapport import figures

    monkeypatch.setattr(figures, "STOP_WAIT_S", 0.5)

    def forever():
        while True:
            yield "k", lambda: time.sleep(60)

    ahead = ChartsAhead([(FigureFolder(tmp_path / "x"), forever)])
    time.sleep(0.3)
    started = time.monotonic()
    ahead.close()
    assert time.monotonic() - started < 3 and not ahead._worker.is_alive()


def test_drawing_ahead_stops_when_told(national, tmp_path):
    view = GemeenteView(national, "GM0917", load_params("GM0917"))
    stop = threading.Event()
    stop.set()
    assert draw_ahead(FigureFolder(tmp_path), figure_plan(view), stop) == []


def test_the_figure_folder_depends_on_the_params(tmp_path):
    a = FigureFolder.for_gemeente(tmp_path / "ctx.pkl", "GM0917", load_params("GM0917"))
    b = FigureFolder.for_gemeente(tmp_path / "ctx.pkl", "GM0917", load_params("GM0363"))
    assert a.folder != b.folder and a.folder.parent == b.folder.parent
