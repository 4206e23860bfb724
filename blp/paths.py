"""Where things live: project root, notebooks, params, outputs, data directory."""

from __future__ import annotations

import os
from pathlib import Path

from blp.errors import DataError

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = PACKAGE_DIR.parent
# A checkout (git clone, editable install) keeps notebooks, params and outputs beside the package; an
# installed wheel carries the notebooks and params inside it (blp/_bundled, see setup.py) and writes
# outputs in the working directory.
IN_CHECKOUT = (PROJECT_ROOT / "pyproject.toml").exists() and (PROJECT_ROOT / "notebooks").is_dir()
BUNDLED_DIR = PACKAGE_DIR / "_bundled"
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks" if IN_CHECKOUT else BUNDLED_DIR / "notebooks"
PARAMS_DIR = PROJECT_ROOT / "params" if IN_CHECKOUT else BUNDLED_DIR / "params"
PARAMS_DIR_ENV = "BLP_PARAMS_DIR"
DEFAULT_OUTPUTS_DIR = PROJECT_ROOT / "outputs" if IN_CHECKOUT else Path.cwd() / "outputs"
DATA_DIR_ENV = "BLP_DATA_DIR"
EMBEDDED_DATA_DIR = PACKAGE_DIR / "data" / "snapshot"


def resolve_data_dir(data_dir: str | os.PathLike | None = None) -> Path:
    """The snapshot directory: the argument, else $BLP_DATA_DIR, else the data set embedded in the kit."""
    chosen = data_dir or os.environ.get(DATA_DIR_ENV)
    if not chosen:
        return EMBEDDED_DATA_DIR
    path = Path(chosen).expanduser().resolve()
    if path.exists() and not path.is_dir():
        raise DataError(f"{path} is een bestand; --data en {DATA_DIR_ENV} wijzen een map met CSV-bestanden aan.",
                        "laat ze wijzen naar de map met regions.csv, value_added.csv, ...")
    if not path.is_dir():
        raise DataError(
            f"Datamap {path} bestaat niet.",
            f"laat --data of {DATA_DIR_ENV} wijzen naar de map met regions.csv, value_added.csv, ..., "
            "of laat beide leeg om de dataset te gebruiken die in de kit is ingebouwd.",
        )
    return path


def params_dir() -> Path:
    """The params folder: $BLP_PARAMS_DIR if set (it must exist), else params/ of the kit."""
    if not os.environ.get(PARAMS_DIR_ENV):
        return PARAMS_DIR
    path = Path(os.environ[PARAMS_DIR_ENV]).expanduser()
    if not path.is_dir():
        from blp.errors import ParamsError

        raise ParamsError(f"{PARAMS_DIR_ENV} wijst naar {path}, en dat is geen map.",
                          f"maak die map aan met een default.yaml erin, of maak {PARAMS_DIR_ENV} leeg om de params "
                          "van de kit te gebruiken.")
    return path
