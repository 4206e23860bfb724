"""End to end: `blp run` executes the four notebooks on the snapshot and writes a complete run."""

import base64
import json
import shutil

import nbformat
import pytest

from blp.data.canonical import sha256_of
from blp.data.csv_source import locate
from blp.errors import RunError
from blp.uitvoering import runner
from blp.uitvoering.runner import RunRequest, run_gemeente


@pytest.fixture(scope="module")
def heerlen_run(tmp_path_factory, snapshot_dir):
    out = tmp_path_factory.mktemp("outputs")
    folder = run_gemeente(RunRequest("GM0917", data_dir=str(snapshot_dir), outputs_dir=out, command=["test"], progress=False))
    return folder


def test_run_folder_is_complete(heerlen_run):
    names = {p.name for p in heerlen_run.iterdir()}
    assert {"index.html", "manifest.json", "tables", "notebooks", "00_methode.html", "01_dataverzameling.html",
            "02_blp_berekening.html", "03_brede_welvaart.html", "04_beleidsvertaling.html"} <= names
    assert not list(heerlen_run.parent.glob(".*.partial"))


def test_manifest_records_params_versions_inputs_and_headline(heerlen_run, snapshot_dir):
    m = json.loads((heerlen_run / "manifest.json").read_text())
    assert m["gemeente"]["code"] == "GM0917"
    assert m["choices"] == {"va_year": 2018, "key": "jobs", "key_year": 2019, "boundary_year": 2024,
                            "population_year": 2020, "composition_year": 2020, "density_correction": True}
    assert 4_300 < m["headline"]["blp_meur"] < 4_500
    assert m["packages"]["pandas"] and m["packages"]["papermill"]
    import subprocess

    from blp.paths import PROJECT_ROOT
    head = subprocess.run(["git", "-C", str(PROJECT_ROOT), "rev-parse", "HEAD"], capture_output=True, text=True)
    if head.returncode == 0:  # a checkout: the manifest names its commit
        assert m["kit"]["git"]["commit"] == head.stdout.strip()
    va = next(i for i in m["inputs"] if i["table"] == "value_added")
    assert va["sha256"] == sha256_of(locate(snapshot_dir, "value_added.csv"))
    assert va["licence"] == "Eurostat: hergebruik met bronvermelding"
    assert m["licences"]["CC BY-NC-SA 4.0"] == ["boundary_changes"]
    for entry in m["outputs"]:
        assert sha256_of(heerlen_run / entry["path"]) == entry["sha256"]


def test_html_reports_are_dutch_code_free_and_hold_the_headline(heerlen_run):
    m = json.loads((heerlen_run / "manifest.json").read_text())
    billions = f"{m['headline']['blp_meur'] / 1000:.1f}".replace(".", ",")
    html = (heerlen_run / "02_blp_berekening.html").read_text()
    assert f"€\u00a0{billions} miljard" in html
    assert '<html lang="nl">' in html
    assert "load_context" not in html and "context_file" not in html  # no code, no parameter cells
    assert "Traceback" not in html
    assert html.count('data-mime-type="image/svg+xml"') >= 3  # charts embedded
    assert "No description has been provided" not in html  # every chart has its own Dutch alt text
    assert ".jp-RenderedSVG img, .jp-RenderedImage img { max-width: 100%" in html  # wide charts shrink to the page
    index = (heerlen_run / "index.html").read_text()
    for nb, _ in runner.NOTEBOOKS:
        assert f'href="{nb}.html"' in index
    assert f"€\u00a0{billions} miljard" in index


def test_every_chart_has_a_title_with_its_takeaway_and_its_own_alt_text(heerlen_run):
    """Each chart's alt text says what kind of chart it is and its takeaway, which is also the chart's title;
    no two charts share an alt text."""
    from bs4 import BeautifulSoup

    alts, svgs = [], []
    prefix = "data:image/svg+xml;base64,"
    for nb, _ in runner.NOTEBOOKS:
        soup = BeautifulSoup((heerlen_run / f"{nb}.html").read_text(), "html.parser")
        found = [img for img in soup.find_all("img") if img.get("src", "").startswith(prefix)]
        assert found or nb == "01_dataverzameling", nb
        for img in found:
            alts.append(img.get("alt", ""))
            svgs.append(base64.b64decode(img["src"][len(prefix):]).decode())
    assert len(alts) == len(set(alts)) >= 10
    assert any(a.startswith("Staafdiagram van het aandeel van elke sector in het BLP van Heerlen") for a in alts)
    sector = next(a for a in alts if a.startswith("Staafdiagram van het aandeel van elke sector"))
    assert "Heerlen: openbaar bestuur, onderwijs en zorg is de grootste sector, 26,6% van het BLP." in sector
    for alt, svg in zip(alts, svgs):
        takeaway = alt.split(". ", 1)[1].rstrip(".")
        first_words = takeaway.split()[0]
        assert first_words in svg, (first_words, alt)  # the takeaway is drawn as the chart's title


def test_every_page_has_navigation_footer_and_print_style_and_makes_no_requests(heerlen_run):
    """The run's pages link to each other and to the overview, say when, with what and on which data they
    were made, print on A4 without the bar, and open offline: no script, style or image from the internet."""
    import re

    from bs4 import BeautifulSoup

    m = json.loads((heerlen_run / "manifest.json").read_text())
    pages = ["index.html", "00_methode.html"] + [f"{nb}.html" for nb, _ in runner.NOTEBOOKS]
    for page in pages:
        html = (heerlen_run / page).read_text()
        soup = BeautifulSoup(html, "html.parser")
        links = {a["href"]: a for a in soup.find("nav", class_="blp-nav").find_all("a")}
        for target in pages + ["../../index.html", "tabellen.xlsx"]:
            assert target in links, (page, target)
        assert links[page].get("aria-current") == "page"
        assert [h for h, a in links.items() if a.get("aria-current")] == [page]
        footer = soup.find("footer", class_="blp-footer").get_text()
        assert m["run_id"] in footer and "blp 0.1.0" in footer and "gemeentegrenzen 2024" in footer
        assert "regionale rekeningen 2018 en 2022" in footer and "/" not in footer.split("gegevens:")[1].split(";")[0]
        assert "@page { size: A4" in html and "nav.blp-nav { display: none; }" in html
        assert not re.search(r'(src|href)="(https?:)?//', html), page
        assert "mathjax" not in html.lower() and "require.min.js" not in html and "import mermaid" not in html
        assert (heerlen_run.parent.parent / "index.html").exists()  # where "Alle gemeenten" points


def test_front_page_answers_how_are_we_doing(heerlen_run, national):
    """index.html in één oogopslag: the figures of the reports, each block linking to the report behind it."""
    from blp.params import load_params
    from blp.rapport.context import GemeenteView
    from blp.rapport.fmt import eur, meur, pct

    view = GemeenteView(national, "GM0917", load_params("GM0917"))
    html = (heerlen_run / "index.html").read_text()
    h = view.headline
    own = national.series.of("GM0917")
    assert f"<strong>{meur(float(own.loc[2022, 'blp_meur']))}</strong> in 2022" in html
    assert f"<strong>{eur(h['blp_per_inhabitant_eur'])} per inwoner</strong>" in html
    band = view.error_band
    # the margin as report 2 gives it, to the decimal ('minder dan 5%' beside report 2's '4,5%' read as two margins)
    assert f"<strong>{pct(band.median_pct / 100, 1)}</strong> naast" in html
    assert f"in 9 van de 10 minder dan {pct(band.p90_pct / 100, 1)}." in html
    assert "nummer 3 van 11</strong> in de vergelijkingsgroep" in html  # after Nieuwegein and Venlo
    assert "Het zwakst scoort Heerlen op, onder meer (3 van de 12): jongvolwassenen met een goede ervaren gezondheid (slechtste 25%)" in html
    assert "Scenario ‘Medtech en logistiek verdubbelen’: in 2036" in html and "5.300 banen direct" in html
    for href in ("02_blp_berekening.html", "03_brede_welvaart.html", "04_beleidsvertaling.html"):
        assert f'<p class="more"><a href="{href}">' in html


def test_executed_notebooks_have_no_errors(heerlen_run):
    for path in (heerlen_run / "notebooks").glob("*.ipynb"):
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            for out in cell.get("outputs", []):
                assert out.get("output_type") != "error", path.name
                assert not (out.get("output_type") == "stream" and out.get("name") == "stderr"), \
                    f"{path.name}: {out.get('text', '')[:200]}"


def test_report_charts_are_what_the_kit_draws_from_the_recorded_inputs(heerlen_run, data):
    """Whether a chart was drawn ahead on the spare core or in the kernel, the report holds the bytes the
    kit's chart functions give for these inputs, drawn again here in another process."""
    from blp.rapport.context import GemeenteView, compute_national
    from blp.rapport.figures import figure_svg
    from blp.rapport.paginas import figure_plan
    from blp.params import load_params

    params = load_params("GM0917")
    view = GemeenteView(compute_national(data, params), "GM0917", params)
    in_reports = [out["data"]["image/svg+xml"] for path in sorted((heerlen_run / "notebooks").glob("*.ipynb"))
                  for cell in nbformat.read(path, as_version=4).cells for out in cell.get("outputs", [])
                  if "image/svg+xml" in out.get("data", {})]
    planned = [figure_svg(draw()) for _, draw in figure_plan(view)]
    assert len(planned) == len(in_reports)  # every chart is drawn ahead, the expected-BLP chart too
    assert sorted(planned) == sorted(in_reports)


def test_tables_hold_the_national_result(heerlen_run):
    import pandas as pd

    national = pd.read_csv(heerlen_run / "tables" / "blp_gemeenten.csv")
    assert len(national) == 342
    recon = pd.read_csv(heerlen_run / "tables" / "aansluiting.csv")
    assert (recon["difference_eur"] == 0).all()


def test_failed_notebook_keeps_error_report_and_leaves_earlier_runs_alone(tmp_path, snapshot_dir, monkeypatch,
                                                                            heerlen_run):
    nb_dir = tmp_path / "notebooks"
    nb_dir.mkdir()
    for nb, _ in runner.NOTEBOOKS + [runner.APPENDIX]:
        shutil.copy(runner.NOTEBOOKS_DIR / f"{nb}.ipynb", nb_dir)
    broken = nbformat.read(nb_dir / "01_dataverzameling.ipynb", as_version=4)
    broken.cells.append(nbformat.v4.new_code_cell("raise ValueError('deliberate failure')"))
    nbformat.write(broken, nb_dir / "01_dataverzameling.ipynb")
    monkeypatch.setattr(runner, "NOTEBOOKS_DIR", nb_dir)
    out = heerlen_run.parent.parent  # the outputs dir that already holds a good run
    before = sorted(p.name for p in (out / "GM0917").iterdir())
    with pytest.raises(RunError, match="01_dataverzameling is mislukt"):
        run_gemeente(RunRequest("GM0917", data_dir=str(snapshot_dir), outputs_dir=out, progress=False))
    after = sorted(p.name for p in (out / "GM0917").iterdir())
    new = set(after) - set(before)
    assert len(new) == 1 and new.pop().endswith(".failed")
    failed = next((out / "GM0917").glob("*.failed"))
    assert (failed / "notebooks" / "01_dataverzameling.ipynb").exists()
    assert "deliberate failure" in (failed / "ERROR.txt").read_text()
    assert not (failed / "manifest.json").exists()
    assert (heerlen_run / "manifest.json").exists()  # the earlier run is untouched


def test_executed_notebooks_keep_no_path_to_the_temporary_context(heerlen_run):
    for nb in (heerlen_run / "notebooks").glob("*.ipynb"):
        text = nb.read_text(encoding="utf-8")
        assert ".pkl" not in text and "blp-batch-" not in text, nb.name
        assert "context_file = None  # tijdelijk bestand van de run" in text


def _visible_text(html: str) -> str:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(["style", "script", "code", "pre"]):
        tag.decompose()
    return soup.get_text(" ")


def test_numbers_in_the_reports_are_dutch(heerlen_run):
    """No English thousands separator (2,255), decimal point (0.51) or scientific notation (8.42e-05) in what a
    reader sees, in any page of the run; axis numbers included (the charts' SVG text). A Dutch decimal with three
    places and a leading zero (the elasticity 0,135) is no English thousand; 1,131 would read as one, so the kit
    shows factors with two decimals."""
    import re

    english = [re.compile(r"(?<![\d.,])[1-9]\d{0,2},\d{3}(?![\d])"), re.compile(r"\d\.\d+[eE][-+]?\d+"),
               re.compile(r"(?<![\d.])\d+\.\d{1,2}(?![\d.])")]
    allowed = re.compile(r"CC BY(-NC-SA)? 4\.0|blp \d+\.\d+\.\d+|[0-9a-f]{16}")
    pages = ["index.html", "00_methode.html"] + [f"{nb}.html" for nb, _ in runner.NOTEBOOKS]
    for page in pages:
        text = allowed.sub(" ", _visible_text((heerlen_run / page).read_text()))
        for pattern in english:
            found = [text[max(0, m.start() - 40):m.end() + 10] for m in pattern.finditer(text)]
            assert not found, (page, found[:3])
    for path in sorted((heerlen_run / "notebooks").glob("0[1-4]*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            for out in cell.get("outputs", []):
                svg = out.get("data", {}).get("image/svg+xml")
                if svg:
                    ticks = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
                    assert not [t for t in ticks if re.fullmatch(r"−?\d{1,3}(,\d{3})+|−?\d+\.\d{1,2}|\d{5,}", t.strip())], \
                        (path.name, ticks[:10])


def test_every_report_has_dutch_downloads_and_one_workbook(heerlen_run):
    """Each report's tables as Dutch CSV (semicolon, decimal comma, the report's headings and rounding) and all
    of them in tabellen.xlsx, numbers as numbers."""
    import csv

    from openpyxl import load_workbook

    files = sorted(f for f in (heerlen_run / "downloads").glob("*.csv") if f.name != "00_inhoud.csv")
    for nb, _ in runner.NOTEBOOKS:
        assert any(f.name.startswith(nb) for f in files), nb
    structure = next(f for f in files if "sectorstructuur" in f.name)
    rows = list(csv.reader(structure.open(encoding="utf-8-sig"), delimiter=";"))
    assert rows[0] == ["Sector", "BLP (mln euro)", "Aandeel gemeente", "Aandeel COROP", "Aandeel NL",
                       "Specialisatie (LQ banen, geschat)"]
    html = (heerlen_run / "02_blp_berekening.html").read_text()
    for row in rows[1:]:
        assert all(f"<td>{cell}</td>" in html or f'<td style="text-align: left">{cell}</td>' in html for cell in row)
        assert "." not in row[1] or "," in row[1]  # a decimal comma, never a decimal point
    # saved from the front page, each file carries the gemeente's code (two gemeenten's tables do not collide)
    from bs4 import BeautifulSoup

    front = BeautifulSoup((heerlen_run / "index.html").read_text(), "html.parser")
    saved = {a["href"]: a.get("download") for a in front.find("main").find_all("a")}
    assert saved["tabellen.xlsx"] == "GM0917_tabellen.xlsx"
    assert all(saved[f"downloads/{f.name}"] == f"GM0917_{f.name}" for f in files)
    assert saved["01_dataverzameling.html"] is None  # a report opens, it is not saved
    # two tables under one heading are told apart by their names (else their first columns), in the file name and
    # the sheet's title ("Sector, Banen gemeente" and "Gemeente, COROP" for the peers said little: a reader's finding)
    names = [f.name for f in files]
    assert "01_dataverzameling_02_de_cijfers_voor_deze_gemeente_sleutel_per_sector.csv" in names
    assert "01_dataverzameling_03_de_cijfers_voor_deze_gemeente_banen_per_sector.csv" in names
    assert "02_blp_berekening_08_verantwoording_sleutel_per_sector.csv" in names
    assert "02_blp_berekening_05_ontwikkeling_door_de_tijd.csv" in names  # a heading with one table: as it was
    book = load_workbook(heerlen_run / "tabellen.xlsx")
    assert len(book.sheetnames) == len(files) + 1 and book.sheetnames[0] == "Inhoud"
    # the first sheet gives each sheet's full title (sheet names are cut at 31 characters: a reader's finding)
    listed = {r[0].value: r[1].value for r in book["Inhoud"].iter_rows(min_row=3)}
    assert listed["03 Cijfers banen per sector"] == "De cijfers voor deze gemeente (banen per sector)"
    # the front page names each CSV by its report and table, not by its file name; the contents file says the same
    from blp.rapport.downloads import read_contents

    contents = read_contents(heerlen_run / "downloads")
    assert sorted(contents) == [f.name for f in files]
    link = front.find("a", href="downloads/01_dataverzameling_03_de_cijfers_voor_deze_gemeente_banen_per_sector.csv")
    assert link.get_text() == ("Rapport 1 (Dataverzameling): De cijfers voor deze gemeente (banen per sector) (CSV "
                               "voor Nederlandse Excel)")
    # two tables under one heading are told apart by name too ('02 De cijfers voor deze' twice: a reader's finding)
    assert "02 Cijfers sleutel per sector" in book.sheetnames and "16 Focusindicatoren" in book.sheetnames
    assert {"07 Positie rangorde", "08 Positie vergelijkingsgroep", "14 Verantwoording aansluiting",
            "15 Verantwoording BLP per jaar"} <= set(book.sheetnames)  # '08 Positie COROP' held the peers
    assert "10 Hoe zeker is dit getal" in book.sheetnames  # '?' is not allowed in a sheet name
    assert all(len(n) <= 31 and not n.endswith(" ") for n in book.sheetnames)
    assert not any(n.split()[-1] in ("van", "de", "het", "voor") for n in book.sheetnames)
    assert book["03 Cijfers banen per sector"]["A1"].value.endswith(
        "De cijfers voor deze gemeente (banen per sector)")
    sheet = book[next(n for n in book.sheetnames if "Sectorstructuur" in n)]
    values = [[c.value for c in r] for r in sheet.iter_rows(min_row=3, max_row=3)][0]
    assert values[0] == rows[1][0] and isinstance(values[1], float)
    assert values[2] == pytest.approx(float(rows[1][2].rstrip("%").replace(",", ".")) / 100)
    posities = (heerlen_run / "tables" / "posities.csv").read_text().splitlines()[0]
    assert posities == "scope,n,rank_blp,rank_blp_per_inhabitant"


def test_dutch_numbers_become_numbers_in_the_workbook():
    from blp.rapport.downloads import dutch_value

    assert [dutch_value(t) for t in ("1.234,5", "€ 47.600", "€\u00a047.600", "12,3%", "−0,25", "+3,1%", "2018", "Heerlen", "1,2 – 3,4")] \
        == [1234.5, 47600.0, 47600.0, pytest.approx(0.123), -0.25, pytest.approx(0.031), 2018.0, "Heerlen", "1,2 – 3,4"]


def test_client_text_is_plain_dutch_and_method_detail_sits_in_the_verantwoording(heerlen_run):
    """No jargon, tool words, command-line flags or local paths in the reports; the regression, the
    input-output model and FLQ only in each report's 'Verantwoording' section."""
    import re

    for nb, _ in runner.NOTEBOOKS:
        text = _visible_text((heerlen_run / f"{nb}.html").read_text())
        parts = re.split(r"Verantwoording\s*¶", text, maxsplit=1)
        main, appendix = parts[0], parts[1] if len(parts) > 1 else ""
        for word in ("p-waarde", "Standaardfout", "model D", "de kit", "De kit", "notebook", "params", "snapshot:",
                     "/work/", "/tmp/", "report ready", "Sleutel (establishments", "(ages"):
            assert word not in text, (nb, word)
        assert not re.search(r"(?<![\w-])--[a-z]", text), nb
        for detail in ("δ", "FLQ", "geclusterd", "Kleinste-kwadraten"):
            assert detail not in main, (nb, detail)
        if nb in ("03_brede_welvaart", "04_beleidsvertaling"):
            assert appendix, nb
    assert "Kleinste-kwadratenregressie" in _visible_text((heerlen_run / "03_brede_welvaart.html").read_text())
    assert "Flegg's locatiequotiënt (FLQ)" in _visible_text((heerlen_run / "04_beleidsvertaling.html").read_text())


def test_the_appendix_opens_with_its_title_and_shows_the_code_of_each_step_only(heerlen_run):
    """The method appendix shows the code of every step (for whoever wants to recompute), but not the plumbing that
    loads the figures and prints the title: the page starts with its title, as the reports do."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup((heerlen_run / "00_methode.html").read_text(encoding="utf-8"), "html.parser")
    text = soup.get_text(" ")
    assert "load_context" not in text and "page.title" not in text.replace(" ", "")
    assert "page.corop_value_added(view)" in "".join(text.split())
    first_heading = soup.find(["h1", "h2"])
    first_code = soup.find(class_="jp-InputArea")
    assert first_heading.get_text(strip=True).startswith("De methode stap voor stap: Heerlen (GM0917)")
    assert first_code is not None and first_heading.sourceline < first_code.sourceline


def test_the_reports_speak_dutch_to_the_reader(heerlen_run):
    """'Gegevensbron van deze run', 'bij deze run' (a reader's finding): the reports say 'berekening'."""
    for page in ("00_methode.html", "01_dataverzameling.html", "02_blp_berekening.html", "03_brede_welvaart.html",
                 "04_beleidsvertaling.html", "index.html"):
        html = (heerlen_run / page).read_text()
        assert "deze run" not in html, page
    assert "Gegevensbron van deze berekening: " in (heerlen_run / "01_dataverzameling.html").read_text()
