"""What a run is made of: the report notebooks, one gemeente's job, and its result."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from blp.params import Params

NOTEBOOKS = [
    ("01_dataverzameling", "Dataverzameling"),
    ("02_blp_berekening", "BLP-berekening"),
    ("03_brede_welvaart", "Brede welvaart"),
    ("04_beleidsvertaling", "Beleidsvertaling"),
]
# Every run's method appendix: the walkthrough notebook, exported with its code.
APPENDIX = ("00_methode", "Bijlage: de methode stap voor stap")


@dataclass
class Job:
    """One gemeente's run, with everything a worker needs."""

    code: str
    name: str
    params: Params
    context_file: str
    fingerprint: str
    notebook_parameters: dict
    outputs_dir: str
    command: list[str]
    notebooks_dir: str
    draw_ahead: bool = False  # draw the charts on a spare core while the kernel works (blp.rapport.figures)


@dataclass
class JobResult:
    code: str
    name: str
    status: str              # done | failed | skipped
    folder: str | None = None
    error: str | None = None


@dataclass
class BatchResult:
    results: list[JobResult]
    overview: Path
