"""What `blp run` is asked to do and how many processes that takes.

Kept free of heavy imports: the command line reads it first, so that a single-gemeente run can start
its kernel before pandas and the rest of the kit are loaded.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

from blp.paths import DEFAULT_OUTPUTS_DIR


@dataclass
class RunRequest:
    """What to run: gemeenten (codes or names) and where data, params and outputs are."""

    gemeente: str | None = None
    gemeenten: list[str] = field(default_factory=list)
    all: bool = False
    corop: list[str] = field(default_factory=list)
    provincie: list[str] = field(default_factory=list)
    source: str = "snapshot"
    data_dir: str | None = None
    params_file: str | None = None
    outputs_dir: Path = DEFAULT_OUTPUTS_DIR
    activity_files: list[str] = field(default_factory=list)
    boundary_weights: str | None = None
    workers: int | None = None
    resume: bool = False
    progress: bool = True
    command: list[str] = field(default_factory=lambda: list(sys.argv))

    def named(self) -> list[str]:
        """The gemeenten named one by one (not through --all, --corop or --provincie)."""
        return ([self.gemeente] if self.gemeente else []) + list(self.gemeenten)


def default_workers() -> int:
    return os.cpu_count() or 1


def planned_workers(req: RunRequest) -> int:
    """Worker processes for ``req``: the cores (or --workers), but no more than the gemeenten named."""
    wanted = req.workers or default_workers()
    if not (req.all or req.corop or req.provincie):
        wanted = min(wanted, max(1, len(req.named())))
    return max(1, wanted)


def has_spare_core(req: RunRequest) -> bool:
    """True if the machine has more cores than the run has workers: each worker can then draw its
    gemeente's charts on another core while its kernel works (``blp.rapport.figures``)."""
    return planned_workers(req) < default_workers()


def start_kernel_if_single(req: RunRequest) -> bool:
    """A run in one process starts this process's kernel now, so it imports the kit while the run
    loads data (a no-op if it is started already). False when ``req`` needs worker processes, which
    start their own."""
    if planned_workers(req) > 1:
        return False
    from blp.uitvoering.engine import shared_session

    shared_session().start()
    return True
