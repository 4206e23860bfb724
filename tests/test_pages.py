"""Every report section runs for edge-case gemeenten; the computations behind them for all gemeenten."""

import pytest

from blp.params import load_params
from blp.rapport import display, html_table
from blp.rapport.context import GemeenteView
from blp.rapport.paginas import beleid, berekening, brede_welvaart, dataverzameling
from blp.welvaart.expected import expected_vs_measured
from blp.welvaart.scoring import position_table
from helpers import run_sections, shown_text

EDGE_CASES = ["GM0917", "GM0363", "GM0088", "GM0096", "GM1969"]  # Heerlen, Amsterdam, two Wadden islands, a merger


@pytest.fixture
def shown(monkeypatch):
    items = []
    monkeypatch.setattr(display, "display", lambda obj, raw=False: items.append(obj))
    return items


@pytest.mark.parametrize("code", EDGE_CASES)
def test_all_sections_run_and_show_something(national, code, shown):
    view = GemeenteView(national, code, load_params(code))
    for module in (dataverzameling, berekening, brede_welvaart, beleid):
        before = len(shown)
        run_sections(module, view)
        assert len(shown) > before, module.__name__
    texts = " ".join(shown_text(s) for s in shown)
    assert view.name in texts
    figures = [s["image/svg+xml"] for s in shown if isinstance(s, dict) and "image/svg+xml" in s]
    assert figures and all(f.startswith("<svg") and f.rstrip().endswith("</svg>") for f in figures)


def test_computations_behind_the_reports_work_for_every_gemeente(national):
    registry = national.indicators.registry
    model = national.expected  # fitted in a forked child with the national calculation
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


def _cells(html: str) -> list[list[str]]:
    from bs4 import BeautifulSoup

    rows = BeautifulSoup(html, "html.parser").find_all("tr")
    return [[c.get_text() for c in row.find_all(["th", "td"])] for row in rows]


@pytest.mark.parametrize("code", ["GM0917", "GM0088"])  # Heerlen; Vlieland, where data are missing
def test_tables_show_what_pandas_styler_showed(national, code, shown, monkeypatch):
    """The kit writes its tables itself (``blp.rapport.html_table``); each shows, cell for cell, the texts that
    pandas' Styler wrote with the same column names, formats and missing-value text (a column without a
    format of its own: the Dutch default)."""
    rendered = []
    real = html_table.render

    def recording(df, labels, formats, left):
        rendered.append((df, labels, formats, left, real(df, labels, formats, left)))
        return rendered[-1][-1]

    monkeypatch.setattr(html_table, "render", recording)
    view = GemeenteView(national, code, load_params(code))
    for module in (dataverzameling, berekening, brede_welvaart, beleid):
        run_sections(module, view)
    assert len(rendered) >= 15
    missing = 0
    for df, labels, formats, left, ours in rendered:
        every = {c: formats.get(c) or html_table.default_text for c in df.columns}
        styler = (df.style.format(every, na_rep=html_table.MISSING_TEXT).hide(axis="index")
                  .relabel_index([labels.get(c, c) for c in df.columns], axis="columns"))
        assert _cells(ours) == _cells(styler.to_html())
        assert ours.count(html_table.LEFT) == (len(df) + 1) * len(left)
        missing += ours.count(html_table.MISSING_TEXT)
    assert code != "GM0088" or missing > 0


def test_table_cells_escape_format_and_mark_missing_values():
    import numpy as np
    import pandas as pd

    df = pd.DataFrame({"naam": ["a & b", "c"], "waarde": [1234.5, np.nan], "n": [3, 4]})
    first = html_table.render(df, {"naam": "Naam"}, {"waarde": lambda v: f"{v:.1f}"}, {"naam"})
    assert _cells(first) == [["Naam", "waarde", "n"], ["a & b", "1234.5", "3"], ["c", "niet beschikbaar", "4"]]
    assert html_table.render_text(df, {}, {}).splitlines()[1] == "a & b\t1.234,50\t3"
    # without a format: Dutch numbers; years stay years
    assert [html_table.default_text(v) for v in (1535, 1535.0, 2018, 0.25, 12345.678, True)] == \
        ["1.535", "1.535", "2018", "0,25", "12.345,68", "ja"]


@pytest.mark.parametrize("code", ["GM0014", "GM0088", "GM0363"])  # Groningen, Schiermonnikoog, Amsterdam
def test_report_04_is_complete_without_a_params_file(national, code, shown):
    """No scenario of its own: an example from its own sectors, labelled as one; every part has content, no
    configuration instructions in the text, the 0-scenario grows."""
    view = GemeenteView(national, code, load_params(code))
    assert not view.params.beleid.scenarios and not view.params.beleid.goals
    pol = beleid.policy_view(view)
    assert pol.example and len(pol.scenarios) == 1 and pol.scenarios[0].name.startswith("Voorbeeld")
    end = pol.scenarios[0].path.iloc[-1]
    assert end["local_meur"] > end["direct_meur"] > 0 and end["extra_jobs_direct"] > 0
    assert pol.paths["0-scenario"]["baseline_meur"].nunique() > 1  # never flat by default
    run_sections(beleid, view)
    text = " ".join(shown_text(s) for s in shown)
    for forbidden in ("params", "beleid.", ".yaml", "Zonder scenario", "--"):
        assert forbidden not in text, forbidden
    for needed in ("**voorbeeld**", "vervang het door de plannen van de gemeente", "**Hier en nu**", "**Later**",
                   "**Elders**", "buitenland", "reële groei van het COROP-gebied", "bandbreedte"):
        assert needed in text, needed
    assert "economische-basismultiplier’, laten we bewust weg" in text
    assert "gehaald" not in text.replace("niet ‘gehaald’", "")


@pytest.mark.parametrize("code", ["GM1966", "GM0363"])  # Het Hogeland: few jobs per inhabitant; Amsterdam: many
def test_elders_names_commuting_as_a_cost_or_a_benefit_as_it_is(national, code, shown):
    """'Elders' says which way commuting goes for this gemeente, under a heading that fits both ways (it once
    put Het Hogeland's 'minder pendel', a benefit, under 'wat het elders kost')."""
    view = GemeenteView(national, code, load_params(code))
    facts = beleid.policy_view(view).facts
    more = facts.jobs_per_1000 > facts.nl_jobs_per_1000
    assert more == (code == "GM0363")
    run_sections(beleid, view)
    elders = next(t for t in map(shown_text, shown) if "**Elders**" in t)
    elders = elders[elders.index("**Elders**"):]
    assert "*Pendel en verdringing*" in elders and "kost" not in elders
    assert ("er werken al meer mensen dan het inwonertal doet verwachten" in elders) == more
    assert ("dichter bij huis aan het werk helpen (minder pendel)" in elders) == (not more)
