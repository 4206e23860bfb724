"""Shared fixtures: the real snapshot, as embedded in the kit (or from $BLP_DATA_DIR when set)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from blp.paths import EMBEDDED_DATA_DIR, PROJECT_ROOT

SNAPSHOT = Path(os.environ.get("BLP_DATA_DIR") or EMBEDDED_DATA_DIR).resolve()
# The reference copy in the development setup; tests that compare with it skip when it is absent.
SHARED = PROJECT_ROOT.parent / "shared"


@pytest.fixture(scope="session")
def snapshot_dir() -> Path:
    if not ((SNAPSHOT / "regions.csv").exists() or (SNAPSHOT / "regions.csv.gz").exists()):
        pytest.fail(f"snapshot not found at {SNAPSHOT}; unset BLP_DATA_DIR to use the embedded data set")
    return SNAPSHOT


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not (SHARED / "snapshot" / "regions.csv").exists():
        pytest.skip(f"the reference folder {SHARED} is not here (a clone outside the development setup)")
    return SHARED


@pytest.fixture(scope="session")
def data(snapshot_dir):
    from blp.data import load_data

    return load_data("snapshot", snapshot_dir)


@pytest.fixture(scope="session")
def default_params():
    from blp.params import load_params

    return load_params()


@pytest.fixture(scope="session")
def result(data, default_params):
    from blp.berekening.calculation import compute_blp, resolve_choices

    return compute_blp(data, resolve_choices(data, default_params))


@pytest.fixture(scope="session")
def national(data, default_params):
    from blp.rapport.context import compute_national

    return compute_national(data, default_params)


@pytest.fixture(scope="session")
def establishments_result(data):
    from blp.berekening.calculation import compute_blp, resolve_choices
    from blp.params import load_params

    return compute_blp(data, resolve_choices(data, load_params(overrides={"key": "establishments"})))
