"""The overview page of all gemeenten: one data set at a time, robust to odd figures."""

import copy
import gzip
import shutil

import pandas as pd

from blp.rapport.overview import histogram_svg
from blp.uitvoering.runner import RunRequest, run_gemeente


def test_a_blp_of_zero_does_not_break_the_histogram(national):
    odd = copy.copy(national)
    odd.result = copy.copy(national.result)
    table = national.result.national.copy()
    table.loc[table["gemeente_code"] == "GM0917", "blp_per_inhabitant_eur"] = 0.0
    odd.result.national = table
    svg = histogram_svg(odd)
    assert svg.startswith("<svg")


def test_overview_links_only_runs_made_from_the_same_data(tmp_path, snapshot_dir):
    other = tmp_path / "other"
    shutil.copytree(snapshot_dir, other)
    va = pd.read_csv(other / "value_added.csv.gz", dtype={"region_code": str})
    for region in ("CR39", "PV31"):  # other data, still adding up (a COROP region to its province)
        va.loc[(va["region_code"] == region) & (va["industry_code"] == "F"), "value_meur"] += 10
        va.loc[(va["region_code"] == region) & (va["industry_code"] == "TOTAL"), "value_meur"] += 10
    with gzip.open(other / "value_added.csv.gz", "wt", encoding="utf-8", newline="") as fh:
        va.to_csv(fh, index=False, lineterminator="\n")
    out = tmp_path / "out"
    first = run_gemeente(RunRequest("GM0917", data_dir=str(other), outputs_dir=out, progress=False))
    second = run_gemeente(RunRequest("GM0917", data_dir=str(snapshot_dir), outputs_dir=out, progress=False))
    page = (out / "index.html").read_text(encoding="utf-8")
    assert f"GM0917/{second.name}/index.html" in page and first.name not in page
    assert "1 eerdere rapport is met andere gegevens of een andere versie van de kit gemaakt" in page
    assert not list(out.glob(".*partial"))
    # ... and only runs made by this code: a report of an older kit on the same data may show other numbers
    import json

    from blp.paths import NOTEBOOKS_DIR
    from blp.rapport.overview import data_fingerprint, latest_run_on
    from blp.uitvoering.fingerprints import code_digest

    manifest_file = second / "manifest.json"
    manifest = json.loads(manifest_file.read_text(encoding="utf-8"))
    code, data = code_digest(NOTEBOOKS_DIR), data_fingerprint(manifest["inputs"])
    assert manifest["kit"]["code_digest"] == code
    assert latest_run_on(out / "GM0917", data, code) == (second, 1)
    manifest["kit"]["code_digest"] = "an older kit"
    manifest_file.write_text(json.dumps(manifest), encoding="utf-8")
    assert latest_run_on(out / "GM0917", data, code) == (None, 2)
    assert latest_run_on(out / "GM0917", data) == (second, 1)  # without a code to match: the data alone


def test_the_overview_summary_gives_the_national_and_the_middle_level_and_how_uncertain_a_blp_is(national, tmp_path):
    """The national figure per inhabitant is not the typical gemeente's (the median is a third lower), and the table's
    figures are estimates whose error the back-test measured: golden text on the embedded data."""
    import re

    from blp.rapport.overview import overview_table, render

    page = render(national, overview_table(national, tmp_path), {"histogram": "<svg></svg>", "maps": []})
    summary = re.sub(r"\s+", " ", re.search(r'<div class="kern">(.*?)</div>', page, re.S).group(1))
    n = national.result.national
    assert (n["jobs"] < 15_800).sum() == 208
    assert summary == (
        "Toegevoegde waarde 2018, verdeeld over 342 gemeenten (grenzen 2024) met als verdeelsleutel banen per sector "
        "(2019), sectorverdeling geschat, gewogen naar banendichtheid; bij bouw en cultuur/overige diensten gemiddeld met "
        "vestigingen (2018). Samen € 701,3 miljard: € 40.287 per inwoner van "
        "Nederland als geheel; de middelste gemeente heeft € 28.100 per inwoner. Elk BLP is een schatting (behalve "
        "Eemsdelta: die gemeente is een heel COROP-gebied, met een gepubliceerde toegevoegde waarde): getoetst op "
        "COROP-gebieden zit de methode bij een gebied met 15.800 banen (het kleinste getoetste) in de helft van de "
        "gevallen al meer dan 12,1% "
        "naast, bij grotere gebieden minder. 208 van de 342 gemeenten hebben minder banen; hun BLP is zeer onzeker. "
        "Het rapport van een gemeente geeft haar eigen foutmarge. Er is nog geen volledig rapport.")
    # the footer names the growth map's newest year too, as the gemeente pages do (a reader's finding)
    assert "regionale rekeningen 2018 en 2022, grenzen 2024" in page


def test_the_dutch_table_gives_whole_numbers_whole_and_the_blps_year(national, tmp_path):
    """blp_gemeenten_nl.csv read 'Inwoners 892495,0' and 'BLP (mln euro)' without its year (a reader's finding)."""
    from blp.rapport.overview import dutch_table, overview_table, render

    table = dutch_table(overview_table(national, tmp_path), 2018)
    assert list(table.columns) == ["Code", "Gemeente", "COROP-gebied", "Provincie", "Inwoners", "BLP 2018 (mln euro)",
                                   "BLP 2018 per inwoner (euro)"]
    text = table.to_csv(index=False, sep=";", decimal=",")
    assert "GM0363;Amsterdam;Groot-Amsterdam;Noord-Holland;892495;75837,2;84972\n" in text
    page = render(national, overview_table(national, tmp_path), {"histogram": "<svg></svg>", "maps": []})
    assert "<th>BLP 2018 (mln euro)</th>" in page and "nog geen rapport" not in page
