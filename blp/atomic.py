"""Write a file so that readers see the old version or the complete new one, never half of it; and remove what a
killed writer left half-written."""

from __future__ import annotations

import os
import secrets
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def replace_when_done(target: Path) -> Iterator[Path]:
    """Yield a hidden temporary path beside ``target`` to write to. When the block succeeds it replaces
    ``target`` in one step; when the block fails it is removed and ``target`` is left as it was."""
    target = Path(target)
    # one temporary name per writer: two processes writing the same target never share (and tear) a file
    tmp = target.with_name(f".{target.name}.{os.getpid()}-{secrets.token_hex(3)}.partial")
    try:
        yield tmp
        tmp.replace(target)
    finally:
        tmp.unlink(missing_ok=True)


STALE_AFTER_S = 24 * 3600  # no run writes for a day: a half-written file or folder this old has no writer left


def remove_stale_partials(folder: Path) -> list[Path]:
    """Remove the hidden ``.<name>.partial`` files and folders in ``folder`` that nothing has written to for a day:
    what a run killed outright (kill -9, a power cut) left behind, since it could not clean up itself. A writer that
    is alive touches its file within seconds, so only the dead writers' ones go."""
    removed = []
    for path in Path(folder).glob(".*.partial"):
        try:
            if time.time() - path.stat().st_mtime < STALE_AFTER_S:
                continue
            if path.is_dir():
                shutil.rmtree(path)
            else:
                path.unlink()
            removed.append(path)
        except OSError:  # gone meanwhile, or not ours to remove: left as it is
            continue
    return removed
