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
    regions.loc[regions["corop_code"] == "CR39", "corop_name"] = f"Zuid-Limburg{EVIL}"
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
        assert "javascript:alert" not in text, page.name
    report = (folder / "04_beleidsvertaling.html").read_text(encoding="utf-8")
    assert "Scenario&lt;script&gt;alert(1)&lt;/script&gt;" in report
    assert "Heerlen&lt;script&gt;" in (folder / "01_dataverzameling.html").read_text(encoding="utf-8")
