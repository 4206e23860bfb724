"""One way in for data: every source becomes the same CanonicalData."""

from __future__ import annotations

from pathlib import Path

from blp.data.canonical import CanonicalData, InputFile
from blp.errors import DataError
from blp.paths import resolve_data_dir

SOURCES = ("snapshot",)


def load_data(source: str = "snapshot", data_dir: str | Path | None = None,
              activity_files: list[str | Path] | None = None) -> CanonicalData:
    """Load canonical tables from ``source``; ``data_dir`` falls back to $BLP_DATA_DIR."""
    if source == "snapshot":
        from blp.data.csv_source import load_csv_dir

        return load_csv_dir(resolve_data_dir(data_dir), [Path(p) for p in activity_files or []])
    raise DataError(f"Unknown data source {source!r}.", f"use one of: {', '.join(SOURCES)}.")


__all__ = ["CanonicalData", "InputFile", "load_data"]
