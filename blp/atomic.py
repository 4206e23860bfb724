"""Write a file so that readers see the old version or the complete new one, never half of it."""

from __future__ import annotations

import os
import secrets
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
