"""What a run is made of: the report notebooks, one gemeente's job, and its result."""

from __future__ import annotations

import os
import secrets
import shutil
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from blp.errors import OS_ERRORS_NL, os_problem
from blp.params import Params

NOTEBOOKS = [
    ("01_dataverzameling", "Dataverzameling"),
    ("02_blp_berekening", "BLP-berekening"),
    ("03_brede_welvaart", "Brede welvaart"),
    ("04_beleidsvertaling", "Beleidsvertaling"),
]
# Every run's method appendix: the walkthrough notebook, exported with its code.
APPENDIX = ("00_methode", "Bijlage: de methode stap voor stap")


def new_run_id() -> str:
    """Sortable and unique: UTC time plus a short random suffix."""
    return datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ") + "-" + secrets.token_hex(2)


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
    code_digest: str = ""  # the kit's code and notebooks (blp.uitvoering.fingerprints.code_digest), for the manifest
    run_id: str = field(default_factory=new_run_id)  # chosen here, so the batch knows a lost worker's folder

    @property
    def partial_folder(self) -> Path:
        """Where the run is written until it is complete (then renamed to its run id)."""
        return Path(self.outputs_dir) / self.code / f".{self.run_id}.partial"

    def discard_partial(self) -> None:
        """Remove what this unfinished run wrote, and the gemeente's folder if that leaves it empty."""
        shutil.rmtree(self.partial_folder, ignore_errors=True)
        try:
            self.partial_folder.parent.rmdir()
        except OSError:  # holds earlier runs (or is gone already)
            pass


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


def error_line(exc: BaseException) -> str:
    """The first line of an error's text (its type's name if it has none), as a job's result reports it; an OS
    error in Dutch, with the file it concerns."""
    if isinstance(exc, OSError) and exc.errno in OS_ERRORS_NL:
        return os_problem(exc)
    text = str(exc)
    return text.splitlines()[0] if text.strip() else type(exc).__name__


def keep_as_failed(job: Job, error: str) -> str | None:
    """A job's half-written folder kept as ``<run-id>.failed`` with ``error`` in ERROR.txt; None if it wrote none."""
    if not job.partial_folder.is_dir():
        return None
    kept = job.partial_folder.with_name(f"{job.run_id}.failed")
    os.rename(job.partial_folder, kept)
    (kept / "ERROR.txt").write_text(error + "\n", encoding="utf-8")
    return str(kept)
