"""Stage 1, dataverzameling: every source (CSV snapshot, live CBS, own files) becomes the same
CanonicalData, and gemeente names and codes are resolved against it.

May import only the shared basics at the top of ``blp`` (errors, paths, schema, params, atomic).
"""

from __future__ import annotations

import os
from pathlib import Path

from blp.data.canonical import CanonicalData, InputFile
from blp.errors import DataError
from blp.paths import resolve_data_dir

SOURCES = ("snapshot", "cbs")


def load_data(source: str = "snapshot", data_dir: str | Path | None = None,
              activity_files: list[str | Path] | None = None,
              boundary_weights: str | Path | None = None) -> CanonicalData:
    """Load canonical tables from ``source``; ``data_dir`` falls back to $BLP_DATA_DIR, then to the data set
    embedded in the kit. ``boundary_weights``: an own file of boundary-change weights instead of the data's."""
    if boundary_weights is not None and not Path(boundary_weights).is_file():
        raise DataError(f"Het bestand met herindelingsgewichten {boundary_weights} bestaat niet.",
                        "geef een CSV-bestand op met from_year, from_code, to_year, to_code, share_of_from.")
    if source == "snapshot":
        from blp.data.csv_source import load_csv_dir

        return load_csv_dir(resolve_data_dir(data_dir), [Path(p) for p in activity_files or []],
                            Path(boundary_weights) if boundary_weights else None)
    if source == "cbs":
        from blp.data.cbs_source import load_cbs

        extra_dir = data_dir or os.environ.get("BLP_DATA_DIR")
        data = load_cbs(data_dir=Path(extra_dir) if extra_dir else resolve_data_dir(None),
                        boundary_weights=Path(boundary_weights) if boundary_weights else None)
        if activity_files:
            raise DataError("--activity werkt voorlopig alleen met --source snapshot.")
        return data
    raise DataError(f"Onbekende gegevensbron {source!r}.", f"gebruik een van: {', '.join(SOURCES)}.")


__all__ = ["CanonicalData", "InputFile", "load_data"]
