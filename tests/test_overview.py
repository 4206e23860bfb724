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
    va.loc[(va["region_code"] == "CR39") & (va["industry_code"] == "F"), "value_meur"] += 10
    va.loc[(va["region_code"] == "CR39") & (va["industry_code"] == "TOTAL"), "value_meur"] += 10
    with gzip.open(other / "value_added.csv.gz", "wt", encoding="utf-8", newline="") as fh:
        va.to_csv(fh, index=False, lineterminator="\n")
    out = tmp_path / "out"
    first = run_gemeente(RunRequest("GM0917", data_dir=str(other), outputs_dir=out, progress=False))
    second = run_gemeente(RunRequest("GM0917", data_dir=str(snapshot_dir), outputs_dir=out, progress=False))
    page = (out / "index.html").read_text(encoding="utf-8")
    assert f"GM0917/{second.name}/index.html" in page and first.name not in page
    assert "1 eerdere rapport is met andere gegevens gemaakt" in page
    assert not list(out.glob(".*partial"))
