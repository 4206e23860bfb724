"""The tidy-CSV source and the bring-your-own activity file become the same canonical tables."""

import shutil

import pandas as pd
import pytest

from blp.berekening.calculation import compute_blp, resolve_choices
from blp.data import load_data
from blp.data.canonical import COLUMNS
from blp.errors import DataError
from blp.params import load_params


def test_snapshot_loads_into_canonical_tables(data):
    for name, cols in COLUMNS.items():
        assert list(getattr(data, name).columns) == cols
    assert data.boundary_years() == [2020, 2024]
    assert data.activity_years("establishments") == [2018, 2022, 2024]
    assert {f.table for f in data.inputs} >= {"regions", "value_added", "establishments"}
    assert all(len(f.sha256) == 64 for f in data.inputs)


def test_suppressed_jobs_stay_empty_not_zero(data):
    jobs = data.regional_jobs
    cell = jobs[(jobs["corop_code"] == "CR01") & (jobs["year"] == 2018) & (jobs["industry_code"] == "B-E")]
    assert cell["jobs"].isna().all()


def test_without_a_data_dir_the_embedded_data_set_is_used(tmp_path, monkeypatch):
    monkeypatch.delenv("BLP_DATA_DIR", raising=False)
    data = load_data("snapshot", None)
    assert data.source == "snapshot:ingebouwd" and len(data.regions_of(2024)) == 342
    assert all(f.path.endswith(".gz") for f in data.inputs)
    with pytest.raises(DataError, match="nope bestaat niet"):
        load_data("snapshot", tmp_path / "nope")


def test_missing_table_names_the_file(tmp_path, snapshot_dir):
    for f in snapshot_dir.glob("*.csv*"):
        if not f.name.startswith("value_added.csv"):
            shutil.copy(f, tmp_path / f.name)
    with pytest.raises(DataError, match="value_added.csv ontbreekt"):
        load_data("snapshot", tmp_path)


def test_own_jobs_file_becomes_a_key_with_a10_groups(tmp_path, snapshot_dir, data):
    """A user's jobs file (here: establishments of 2018 relabelled as jobs, A10 incl. A) is used as key."""
    est = data.activity[(data.activity["year"] == 2018) & (data.activity["industry_code"] != "A+O-Q")]
    jobs = est.rename(columns={"value": "jobs"})[["year", "gemeente_code", "industry_code", "jobs"]].copy()
    extra = pd.DataFrame({"year": 2018, "gemeente_code": jobs["gemeente_code"].unique(), "industry_code": "A", "jobs": 1.0})
    extra_oq = extra.assign(industry_code="O-Q", jobs=2.0)
    jobs = pd.concat([jobs, extra, extra_oq])
    sectors = jobs[jobs["industry_code"] != "TOTAL"]  # TOTAL made the sum of the sectors, as in a real file
    total = sectors.groupby(["year", "gemeente_code"], as_index=False)["jobs"].sum().assign(industry_code="TOTAL")
    jobs = pd.concat([sectors, total]).assign(source="test file")
    path = tmp_path / "lisa_jobs.csv"
    jobs.to_csv(path, index=False)
    d = load_data("snapshot", snapshot_dir, [path])
    assert d.activity_years("jobs")[0] == 2018
    params = load_params(overrides={"key": "jobs", "key_year": 2018})
    result = compute_blp(d, resolve_choices(d, params))
    assert "A" in result.concordance.groups and "O-Q" in result.concordance.groups
    assert result.key.fit is None  # the file has every sector: nothing is estimated
    heerlen = result.key.activity.query("gemeente_code == 'GM0917'").set_index("group")["value"]
    assert heerlen["F"] == jobs.query("gemeente_code == 'GM0917' and industry_code == 'F'")["jobs"].iloc[0]
    assert (result.reconciliation()["difference_eur"] == 0).all()
    assert any(f.path == str(path) for f in d.inputs)


def test_jobs_key_without_jobs_data_explains_the_fix(data):
    import dataclasses

    without_jobs = dataclasses.replace(data, activity=data.activity[data.activity["measure"] != "jobs"])
    with pytest.raises(DataError, match="--activity BESTAND"):
        resolve_choices(without_jobs, load_params(overrides={"key": "jobs"}))


def test_malformed_activity_file_is_refused(tmp_path, snapshot_dir):
    path = tmp_path / "bad.csv"
    path.write_text("year,gemeente_code,industry_code,value\n2018,GM0917,F,3\n")
    with pytest.raises(DataError, match="precies één kolom met waarden"):
        load_data("snapshot", snapshot_dir, [path])


def test_an_empty_last_cell_is_no_short_row_but_a_missing_one_is(tmp_path, snapshot_dir):
    """An empty `source` written as a trailing comma is a cell without a value; a row without that comma is a
    row cut short (the check on row lengths runs only when the last column has empty cells)."""
    path = tmp_path / "own_jobs.csv"
    # 2018: a year the data have no jobs of, so the file need not hold every gemeente to load
    path.write_text('year,gemeente_code,industry_code,jobs,source\n2018,GM0917,TOTAL,40000,\n'
                    '2018,GM0935,TOTAL,"60000",LISA\n\n')
    assert load_data("snapshot", snapshot_dir, [path]).own_activity == {"jobs": {2018: "own_jobs.csv"}}
    path.write_text('year,gemeente_code,industry_code,jobs,source\n2018,GM0917,TOTAL,40000,\n2018,GM0935,TOTAL,60000\n')
    with pytest.raises(DataError, match=r"own_jobs.csv, rij 3: 4 velden waar de kopregel er 5 heeft \(kolom 'source'"):
        load_data("snapshot", snapshot_dir, [path])


def test_an_own_jobs_file_sets_the_key_year_unless_one_is_asked(tmp_path, snapshot_dir, data):
    """An own jobs file of 2021 was read and then not used: the key stayed at 2019 (a breaker's finding). The docs
    promise the file's year; an explicit key_year still wins."""
    jobs = data.activity[(data.activity["measure"] == "jobs") & (data.activity["year"] == 2021)]
    own = jobs.rename(columns={"value": "jobs"})[["year", "gemeente_code", "industry_code", "jobs"]]
    own.loc[(own["gemeente_code"] == "GM0917") & (own["industry_code"] == "TOTAL"), "jobs"] *= 1.3
    path = tmp_path / "lisa_2021.csv"
    own.to_csv(path, index=False)
    d = load_data("snapshot", snapshot_dir, [path])
    assert d.own_activity == {"jobs": {2021: "lisa_2021.csv"}}
    assert resolve_choices(d, load_params()).key_year == 2021
    assert resolve_choices(d, load_params(overrides={"key_year": 2019})).key_year == 2019
    plain = compute_blp(data, resolve_choices(data, load_params(overrides={"key_year": 2021}))).national
    mine = compute_blp(d, resolve_choices(d, load_params())).national
    heerlen = (mine.set_index("gemeente_code")["blp_meur"] / plain.set_index("gemeente_code")["blp_meur"])["GM0917"]
    assert 1.1 < heerlen < 1.3  # its share of the region's jobs rose (by less than 30 %: the region's total rose too)


def test_a_zero_of_an_own_jobs_file_is_a_zero_but_cbs_rounded_zero_is_fewer_than_50(tmp_path, snapshot_dir, data):
    """CBS's jobs are rounded to hundreds, so its 0 is fitted up to 50; an own file (LISA counts every job) is exact."""
    from blp.berekening.jobs_key import estimate_jobs

    jobs = data.activity[(data.activity["measure"] == "jobs") & (data.activity["year"] == 2021)]
    path = tmp_path / "lisa_2021.csv"
    jobs.rename(columns={"value": "jobs"})[["year", "gemeente_code", "industry_code", "jobs"]].to_csv(path, index=False)
    own = load_data("snapshot", snapshot_dir, [path])
    assert data.rounding("jobs", 2021) == 100 and own.rounding("jobs", 2021) is None
    from blp.rapport.narrative import jobs_in_data

    said = jobs_in_data(own, 2021)  # not the embedded extract's limit (a breaker's finding)
    assert said.startswith("In het eigen banenbestand (lisa_2021.csv) staan de banen") and "ingebouwde" not in said
    zeros = set(jobs.loc[(jobs["industry_code"] == "A") & (jobs["value"] == 0), "gemeente_code"])
    assert zeros

    def farm_jobs(d):
        m = estimate_jobs(d, 2021, 2024, 2020).matrix
        return m[(m["group"] == "A") & m["gemeente_code"].isin(zeros)].set_index("gemeente_code")["jobs"]

    assert (farm_jobs(own) == 0).all()
    cbs = farm_jobs(data)
    assert ((cbs > 0) & (cbs <= 50 + 1e-9)).all()
