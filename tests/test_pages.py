"""Every report section runs for edge-case gemeenten; the computations behind them for all gemeenten."""

import inspect

import matplotlib
import pytest

matplotlib.use("Agg")

from blp import report  # noqa: E402
from blp.context import GemeenteView  # noqa: E402
from blp.pages import beleid, berekening, brede_welvaart, dataverzameling  # noqa: E402
from blp.params import load_params  # noqa: E402
from blp.welvaart.expected import expected_vs_measured, fit_expected  # noqa: E402
from blp.welvaart.scoring import position_table  # noqa: E402

EDGE_CASES = ["GM0917", "GM0363", "GM0088", "GM0096", "GM1969"]  # Heerlen, Amsterdam, two Wadden islands, a merger


@pytest.fixture
def shown(monkeypatch):
    items = []
    monkeypatch.setattr(report, "display", lambda obj, raw=False: items.append(obj))
    return items


def _run_page(module, view):
    extra = {brede_welvaart: lambda: brede_welvaart.positions(view), beleid: lambda: beleid.policy_view(view)}
    second = extra[module]() if module in extra else None
    for name, fn in inspect.getmembers(module, inspect.isfunction):
        if fn.__module__ != module.__name__ or name.startswith("_") or name.endswith("_frame") \
                or name in ("positions", "policy_view"):
            continue
        params = list(inspect.signature(fn).parameters)
        fn(view, second) if len(params) == 2 else fn(view)


@pytest.mark.parametrize("code", EDGE_CASES)
def test_all_sections_run_and_show_something(national, code, shown):
    view = GemeenteView(national, code, load_params(code))
    for module in (dataverzameling, berekening, brede_welvaart, beleid):
        before = len(shown)
        _run_page(module, view)
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
