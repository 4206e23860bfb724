"""Nothing from params or data reaches a report as markup: a run with a script tag in every text field."""

import gzip
import shutil

import pandas as pd
from bs4 import BeautifulSoup
import yaml

from blp.paths import params_dir
from blp.rapport import html_table
from blp.uitvoering.runner import RunRequest, run_gemeente

EVIL = '<script>alert(1)</script><img src=x onerror=alert(2)>'


def test_table_cells_and_headings_are_escaped():
    out = html_table.render(pd.DataFrame({"a": [EVIL]}), {"a": EVIL}, {}, {"a"})
    assert "<script" not in out and "<img" not in out and "&lt;script&gt;" in out


def test_a_run_with_markup_in_every_text_field_shows_it_as_text(tmp_path, snapshot_dir, monkeypatch):
    data = tmp_path / "data"
    shutil.copytree(snapshot_dir, data)
    regions = pd.read_csv(data / "regions.csv.gz", dtype=str)
    regions.loc[regions["gemeente_code"] == "GM0917", "gemeente_name"] = f"Heerlen{EVIL}"
    regions.loc[regions["corop_code"] == "CR39", "corop_name"] = f"Zuid-*Limburg*{EVIL}"  # Markdown signs too
    with gzip.open(data / "regions.csv.gz", "wt", encoding="utf-8", newline="") as fh:
        regions.to_csv(fh, index=False, lineterminator="\n")
    params = yaml.safe_load((params_dir() / "GM0917.yaml").read_text(encoding="utf-8"))
    sc = params["beleid"]["scenarios"][0]
    sc["name"], sc["description"] = f"Scenario{EVIL}", f"[klik](javascript:alert(3)) {EVIL}"
    sc["changes"][0]["label"] = f"banen{EVIL}"
    for goal in params["beleid"]["goals"]:
        goal["label"] = f"doel{EVIL}"
    lm3 = params["beleid"]["lm3"]
    lm3["label"], lm3["source"] = f"inkoop{EVIL}", f"bron{EVIL}"
    lm3["spending"][0]["category"] = f"lonen{EVIL}"
    own = tmp_path / "GM0917.yaml"
    own.write_text(yaml.safe_dump(params, allow_unicode=True))
    folder = run_gemeente(RunRequest("GM0917", data_dir=str(data), params_file=str(own),
                                     outputs_dir=tmp_path / "out", progress=False))
    pages = sorted(folder.glob("*.html")) + [tmp_path / "out" / "index.html"]
    assert len(pages) == 7  # the four reports, the method appendix, the index pages of the run and of all
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert "onerror=alert" not in text.replace("onerror=alert(2)&gt;", ""), page.name
        soup = BeautifulSoup(text, "html.parser")  # parsed: escaped markup in an alt text is text, not an element
        assert not [img for img in soup.find_all("img") if img.has_attr("onerror")], page.name
        assert not [s for s in soup.find_all("script") if "alert" in s.get_text()], page.name
        assert "alert(1)</script>" not in text, page.name
        assert "href=\"javascript" not in text.lower(), page.name  # shown as text at most, never a link
        assert "<em>Limburg</em>" not in text, page.name  # a name's asterisks are shown, not read as emphasis
    report = (folder / "04_beleidsvertaling.html").read_text(encoding="utf-8")
    assert "Scenario&lt;script&gt;alert(1)&lt;/script&gt;" in report
    assert "Heerlen&lt;script&gt;" in (folder / "01_dataverzameling.html").read_text(encoding="utf-8")


def test_markdown_from_params_is_shown_as_written_not_as_links_or_headings():
    from blp.rapport.display import _markdown, literal

    html = _markdown()("Groei [klik](https://evil.example/x) ![p](https://evil.example/pixel.png) **vet**")
    assert "<a " not in html and "<img" not in html and "<strong>vet</strong>" in html
    shown = _markdown()(f"**Scenario ‘{literal('# Kop *x* [a](b)')}’**")
    assert "<h1" not in shown and "<em>" not in shown and "# Kop *x* [a](b)" in shown


def test_downloads_keep_formulas_as_text(tmp_path):
    from openpyxl import load_workbook

    from blp.rapport.downloads import Download, write_csvs, write_workbook

    d = Download("04_beleidsvertaling", "Scenario's", [["Scenario", "BLP (mln euro)"],
                                                       ["=cmd|' /C calc'!A0", "-1,5"], ["@SUM(A1)", "12,3%"],
                                                       ["Voorbeeld", "\u22122,5"], ["\u2212 tekst", "x"]])
    write_csvs([d], tmp_path)
    text = (tmp_path / d.file_name(1)).read_text(encoding="utf-8-sig")
    assert "'=cmd" in text and "'@SUM" in text and ";-1,5" in text
    assert ";-2,5" in text and "\u2212 tekst" in text  # the reports' minus sign as Excel reads a number; text as is
    write_workbook([d], tmp_path / "t.xlsx", "t")
    sheet = load_workbook(tmp_path / "t.xlsx").worksheets[1]  # the first sheet lists the others
    assert sheet["A3"].value == "=cmd|' /C calc'!A0" and sheet["A3"].data_type == "s"
    assert sheet["B3"].value == -1.5 and sheet["B4"].value == 0.123 and sheet["B5"].value == -2.5


def test_a_name_from_the_data_with_markdown_signs_is_shown_as_written(monkeypatch):
    from blp.rapport import display

    shown = []
    monkeypatch.setattr(display, "display", lambda obj, raw=False: shown.append(obj))
    monkeypatch.setattr(display, "_PROTECTED", {})
    display.protect(["Delf*zijl* en omgeving", "Heerlen", "Noord_Oost_Brabant", None])
    assert set(display._PROTECTED) == {"Delf*zijl* en omgeving", "Noord_Oost_Brabant"}
    display.md("In Delf*zijl* en omgeving en Noord_Oost_Brabant is dit *nadruk*.")
    html = shown[0]["text/html"]
    assert "Delf*zijl* en omgeving" in html and "Noord_Oost_Brabant" in html and "<em>nadruk</em>" in html
    assert shown[0]["text/plain"] == "In Delf*zijl* en omgeving en Noord_Oost_Brabant is dit *nadruk*."
