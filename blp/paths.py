"""Where things live: project root, notebooks, params, outputs, data directory."""

from __future__ import annotations

import os
from pathlib import Path

from blp.errors import DataError

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = PACKAGE_DIR.parent
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
PARAMS_DIR = PROJECT_ROOT / "params"
PARAMS_DIR_ENV = "BLP_PARAMS_DIR"
DEFAULT_OUTPUTS_DIR = PROJECT_ROOT / "outputs"
DATA_DIR_ENV = "BLP_DATA_DIR"


def resolve_data_dir(data_dir: str | os.PathLike | None = None) -> Path:
    """The snapshot directory: the argument, else $BLP_DATA_DIR; it must exist."""
    chosen = data_dir or os.environ.get(DATA_DIR_ENV)
    if not chosen:
        raise DataError(
            "No data directory given.",
            f"pass --data DIR or set {DATA_DIR_ENV} to a directory in the snapshot schema "
            "(e.g. export BLP_DATA_DIR=../shared/snapshot); see docs/data-schema.md.",
        )
    path = Path(chosen).expanduser().resolve()
    if not path.is_dir():
        raise DataError(
            f"Data directory {path} does not exist.",
            f"point --data or {DATA_DIR_ENV} at the folder that holds regions.csv, value_added.csv, ...",
        )
    return path


def params_dir() -> Path:
    """The params folder: $BLP_PARAMS_DIR if set, else params/ in the project."""
    return Path(os.environ[PARAMS_DIR_ENV]).expanduser() if os.environ.get(PARAMS_DIR_ENV) else PARAMS_DIR
