"""The method walkthrough (notebooks/00_methode.ipynb) runs with papermill for any gemeente, and its
step-by-step total is the BLP of `blp table`, to the euro."""

import io
import re

import nbformat
import pandas as pd
import papermill
import pytest

from blp.paths import NOTEBOOKS_DIR
from helpers import run_cli


@pytest.fixture(scope="module")
def table(snapshot_dir):
    code, out, _ = run_cli("table", "--data", str(snapshot_dir))
    assert code == 0
    return pd.read_csv(io.StringIO(out)).set_index("gemeente_code")


def _plain_outputs(nb) -> str:
    return "\n".join(o.get("data", {}).get("text/plain", "") for c in nb.cells if c.cell_type == "code"
                     for o in c.get("outputs", []))


@pytest.mark.parametrize("gemeente, code", [("Heerlen", "GM0917"), ("GM0363", "GM0363")])
def test_walkthrough_total_equals_blp_table_to_the_euro(gemeente, code, table, snapshot_dir, tmp_path):
    out = tmp_path / "methode.ipynb"
    papermill.execute_notebook(str(NOTEBOOKS_DIR / "00_methode.ipynb"), str(out), kernel_name="python3",
                               parameters={"gemeente": gemeente, "data_dir": str(snapshot_dir)}, progress_bar=False,
                               cwd=str(tmp_path))
    text = _plain_outputs(nbformat.read(out, as_version=4))
    steps = int(re.search(r"BLP, som van de stappen\t([\d.]+)", text).group(1).replace(".", ""))
    assert steps == round(table.loc[code, "blp_meur"] * 1_000_000)
    for step in ("Stap 1.", "Stap 2.", "Stap 3 en 4.", "Stap 5.", "Stap 6.", "Stap 7.", "Stap 8."):
        assert step in text, step
    assert "blp.berekening.ras.fit" in text and "blp.berekening.allocation.allocate" in text


def test_a_report_notebook_runs_in_papermill_with_only_a_gemeente(tmp_path, monkeypatch):
    """As in JupyterLab: no environment variable, the embedded data, another gemeente typed in."""
    monkeypatch.delenv("BLP_DATA_DIR", raising=False)
    out = tmp_path / "02.ipynb"
    papermill.execute_notebook(str(NOTEBOOKS_DIR / "02_blp_berekening.ipynb"), str(out), kernel_name="python3",
                               parameters={"gemeente": "Maastricht"}, progress_bar=False, cwd=str(tmp_path))
    text = _plain_outputs(nbformat.read(out, as_version=4))
    assert "BLP-berekening: Maastricht (GM0935)" in text
