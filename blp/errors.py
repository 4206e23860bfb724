"""Errors a person can act on: each names the problem and the fix."""

from __future__ import annotations


class BlpError(Exception):
    """Base class for errors shown to users: a problem and, where known, the fix."""

    def __init__(self, problem: str, fix: str | None = None):
        self.problem = problem
        self.fix = fix
        super().__init__(str(self))

    def __str__(self) -> str:
        return self.problem if not self.fix else f"{self.problem}\n  Oplossing: {self.fix}"


class ParamsError(BlpError):
    """A params file is malformed: unknown key, wrong type or bad value."""


class DataError(BlpError):
    """Input data is missing, malformed or inconsistent."""


class GemeenteError(BlpError):
    """A gemeente code is unknown or no longer exists."""


class RunError(BlpError):
    """Running or exporting the notebooks failed."""


# --- Ctrl-C ---------------------------------------------------------------------------------------

_INTERRUPTS = [0]


def _interrupt(signum, frame) -> None:
    _INTERRUPTS[0] += 1
    raise KeyboardInterrupt


def count_interrupts() -> None:
    """Make Ctrl-C (SIGINT) and SIGTERM raise KeyboardInterrupt, as Python's default does for SIGINT, and count
    them: an error that follows an interrupt (a C library's read or import cut short) is the interrupt, not a
    problem with the input (``interrupted``). Only in the main thread of the command."""
    import signal

    signal.signal(signal.SIGINT, _interrupt)
    signal.signal(signal.SIGTERM, _interrupt)


def interrupted() -> bool:
    """Has this process been told to stop (``count_interrupts``)?"""
    return _INTERRUPTS[0] > 0
