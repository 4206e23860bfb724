"""Every report section runs for edge-case gemeenten; the computations behind them for all gemeenten."""

import pytest

from blp import report
from blp.context import GemeenteView
from blp.pages import beleid, berekening, brede_welvaart, dataverzameling
from blp.params import load_params
from blp.welvaart.expected import expected_vs_measured, fit_expected
from blp.welvaart.scoring import position_table
from helpers import run_sections

EDGE_CASES = ["GM0917", "GM0363", "GM0088", "GM0096", "GM1969"]  # Heerlen, Amsterdam, two Wadden islands, a merger


@pytest.fixture
def shown(monkeypatch):
    items = []
    monkeypatch.setattr(report, "display", lambda obj, raw=False: items.append(obj))
    return items


@pytest.mark.parametrize("code", EDGE_CASES)
def test_all_sections_run_and_show_something(national, code, shown):
    view = GemeenteView(national, code, load_params(code))
    for module in (dataverzameling, berekening, brede_welvaart, beleid):
        before = len(shown)
        run_sections(module, view)
        assert len(shown) > before, module.__name__
    texts = " ".join(str(getattr(s, "data", "")) for s in shown)
    assert view.name in texts
    figures = [s["image/svg+xml"] for s in shown if isinstance(s, dict)]
    assert figures and all(f.startswith("<svg") and f.rstrip().endswith("</svg>") for f in figures)


def test_computations_behind_the_reports_work_for_every_gemeente(national):
    registry = national.indicators.registry
    model = fit_expected(national.data, national.result)
    params = load_params()
    for code in national.result.national["gemeente_code"]:
        view = GemeenteView(national, code, params)
        assert view.headline["blp_meur"] > 0
        assert len(view.structure) == len(national.result.concordance.groups)
        assert len(view.peers[0]) == 10
        assert view.sensitivity["blp_meur"].notna().all()
        table = position_table(national.indicators, code, view.peers[0], [])
        assert len(table) == len(registry)
        assert expected_vs_measured(model, code)["expected"] > 0
