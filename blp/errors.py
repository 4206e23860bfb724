"""Errors a person can act on (each names the problem and the fix), and the one ending that is not an error:
Ctrl-C, counted so that what it cuts short is not mistaken for a problem with the input."""

from __future__ import annotations

import errno
from collections.abc import Iterator
from contextlib import contextmanager


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
_HELD = [0, False]  # how many interrupts_held() blocks are open; an interrupt arrived while held
_STOPPING = [False]  # the command is already stopping for an interrupt (stop_listening)


def _interrupt(signum, frame) -> None:
    _INTERRUPTS[0] += 1
    if _STOPPING[0]:
        return
    if _HELD[0]:
        _HELD[1] = True
        return
    raise KeyboardInterrupt


@contextmanager
def interrupts_held() -> Iterator[None]:
    """Hold a Ctrl-C (or SIGTERM) that arrives inside the block until it ends. For forking: raised inside fork's
    bookkeeping (logging's lock, released after the fork), the interrupt left that lock held and the command hung
    at its next log call. Works where ``count_interrupts`` installed the handler (the command)."""
    _HELD[0] += 1
    try:
        yield
    finally:
        _HELD[0] -= 1
        if not _HELD[0] and _HELD[1]:
            _HELD[1] = False
            raise KeyboardInterrupt


def stop_listening() -> None:
    """From here on a Ctrl-C (or SIGTERM) is only counted: the command is stopping and says so once (a second
    Ctrl-C while it printed that line ended it with a traceback)."""
    _STOPPING[0] = True


def count_interrupts() -> None:
    """Make Ctrl-C (SIGINT) and SIGTERM raise KeyboardInterrupt, as Python's default does for SIGINT, and count
    them: an error that follows an interrupt (a C library's read or import cut short) is the interrupt, not a
    problem with the input (``interrupted``). Only in the main thread of the command."""
    import signal
    import sys

    _STOPPING[0] = False
    signal.signal(signal.SIGINT, _interrupt)
    signal.signal(signal.SIGTERM, _interrupt)
    if not getattr(sys.unraisablehook, "blp_quiet_interrupts", False):
        # A Ctrl-C that lands in a callback Python cannot raise from (an import lock's cleanup, a finalizer) is
        # printed as 'Exception ignored in ...' with a traceback: it is the interrupt the command reports in one line.
        default_hook = sys.unraisablehook

        def hook(unraisable) -> None:
            if not isinstance(unraisable.exc_value, KeyboardInterrupt):
                default_hook(unraisable)

        hook.blp_quiet_interrupts = True
        sys.unraisablehook = hook


def interrupted() -> bool:
    """Has this process been told to stop (``count_interrupts``)?"""
    return _INTERRUPTS[0] > 0


# The system's own text for these errors is English.
OS_ERRORS_NL = {errno.ENOENT: "het bestand of de map bestaat niet", errno.EACCES: "geen toegang",
                errno.EPERM: "niet toegestaan", errno.ENOSPC: "de schijf is vol",
                errno.EROFS: "de schijf is alleen-lezen",
                errno.ENOTDIR: "een deel van het pad is geen map", errno.EISDIR: "dit is een map, geen bestand",
                errno.EEXIST: "bestaat al", errno.ENAMETOOLONG: "de naam van het bestand of de map is te lang",
                errno.ELOOP: "te veel symbolische koppelingen na elkaar in het pad",
                errno.ENOTEMPTY: "dit is een map (en niet leeg), geen bestand"}
OS_FIXES = {errno.EISDIR: "haal die map weg of geef haar een andere naam: de kit schrijft daar een bestand",
            errno.ENOTEMPTY: "haal die map weg of geef haar een andere naam: de kit schrijft daar een bestand",
            errno.ENAMETOOLONG: "kies een map met een korter pad (--out, of TMPDIR voor de tijdelijke bestanden)"}


def os_problem(exc: OSError) -> str:
    """An OS error's problem in Dutch (the system's own text where the kit has none), with the file it concerns."""
    where = f" ({exc.filename})" if getattr(exc, "filename", None) else ""
    return OS_ERRORS_NL.get(exc.errno, exc.strerror or str(exc)) + where
