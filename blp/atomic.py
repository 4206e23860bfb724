"""Write a file so that readers see the old version or the complete new one, never half of it; and remove what a
killed writer left half-written, or a killed process left in the temporary folder."""

from __future__ import annotations

import os
import secrets
import shutil
import stat
import tempfile
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
        try:
            if target.exists():
                shutil.copymode(target, tmp)  # who may read the file stays as it was
            tmp.replace(target)
        except OSError as exc:  # name the file the user knows (a folder in its place, ...), not the hidden one
            raise OSError(exc.errno, exc.strerror, str(target)) from None
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


# The kit's own folders in the temporary folder: a kernel's sockets and connection file, a batch's shared context,
# a worker pool's bookkeeping. Each name holds the id of the process that made it, and each folder holds a lock file
# that its process keeps locked while it lives.
TEMP_PREFIXES = ("blp-kernel-", "blp-batch-", "blp-workers-")
OWNER_LOCK = ".owner.lock"
YOUNG_S = 60  # a folder or lock file this new may be one being made right now (lock not yet taken): left alone
_HELD: dict[str, int] = {}  # folder -> the open, locked file that says its process is alive


def private_temp_folder(prefix: str, base: str | None = None) -> str:
    """A new private folder ``<prefix><process id>-<random>`` in ``base`` (default: the temporary folder), with its
    lock file locked by this process until ``remove_private_temp_folder`` (or this process's end), so that a later
    run can tell it from a live one (``remove_orphaned_temp_folders``). Children forked meanwhile share the lock."""
    folder = tempfile.mkdtemp(prefix=f"{prefix}{os.getpid()}-", dir=base)
    try:
        import fcntl

        fd = os.open(os.path.join(folder, OWNER_LOCK), os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
        try:
            # blocking: a sweep may hold it for a moment (it leaves a folder this young alone, YOUNG_S)
            fcntl.flock(fd, fcntl.LOCK_EX)
        except OSError:
            os.close(fd)
            raise
        _HELD[folder] = fd
    except (ImportError, OSError):  # no file locks here (Windows, some network file systems): the process id tells
        pass
    return folder


def remove_private_temp_folder(folder: str | Path) -> None:
    """Remove a folder made by ``private_temp_folder``, then let go of its lock. A kernel still ending may write
    into it meanwhile (Ctrl-C): then it is removed once more a moment later."""
    for attempt in range(3):
        shutil.rmtree(folder, ignore_errors=True)
        if not os.path.exists(folder):
            break
        time.sleep(0.2)
    fd = _HELD.pop(str(folder), None)
    if fd is not None:
        os.close(fd)


def remove_orphaned_temp_folders(base: str | None = None, prefixes: tuple[str, ...] = TEMP_PREFIXES) -> list[str]:
    """Remove the kit's folders in ``base`` (default: the temporary folder) whose process has ended: what a run,
    batch or worker killed outright (kill -9, out of memory, a double Ctrl-C at the wrong moment) could not remove
    itself. Only this user's folders. A folder's lock tells whether its process lives, also when that process runs
    in another process namespace (another container sharing this temporary folder), where its id means nothing;
    a folder without a lock (an older kit's) goes when no process has its id. Nothing less than a minute old goes
    (its owner may be between making it and locking it); a folder whose name holds no process id is left alone."""
    removed: list[str] = []
    if os.name != "posix":  # no process ids to check this way (os.kill would end the process on Windows)
        return removed
    try:
        entries = list(os.scandir(base or tempfile.gettempdir()))
    except OSError:
        return removed
    for entry in entries:
        prefix = next((p for p in prefixes if entry.name.startswith(p)), None)
        if prefix is None:
            continue
        pid = entry.name[len(prefix):].split("-", 1)[0]
        try:
            if not (pid.isascii() and pid.isdigit()) or entry.stat(follow_symlinks=False).st_uid != os.getuid() \
                    or not entry.is_dir(follow_symlinks=False) or _in_use(entry.path, int(pid)):
                continue
            shutil.rmtree(entry.path)
            removed.append(entry.path)
        except OSError:  # gone meanwhile, or not ours to remove
            continue
    return removed


def _in_use(folder: str, pid: int) -> bool:
    """Whether the process that made ``folder`` may still use it: the folder or its lock file is less than a minute
    old (its owner may not have locked it yet), or its lock is held (by it, or by a child it forked); for a folder
    without a regular lock file (an older kit's, or something odd put there), whether process ``pid`` exists. The
    lock file is opened without following a link and without waiting (a FIFO put there hangs nothing)."""
    lock = os.path.join(folder, OWNER_LOCK)
    try:
        info = os.lstat(lock)
    except FileNotFoundError:
        info = None
    except OSError:
        return True
    newest = max(os.stat(folder).st_mtime, info.st_mtime if info is not None else 0.0)
    if time.time() - newest < YOUNG_S:
        return True
    if info is None or not stat.S_ISREG(info.st_mode):
        return _alive(pid)
    try:
        import fcntl

        fd = os.open(lock, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW | os.O_CLOEXEC)
    except (ImportError, OSError):
        return _alive(pid)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):  # swapped meanwhile
            return _alive(pid)
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # let go again when the file is closed below
    except OSError:  # held: its process lives, in whatever process namespace
        return True
    finally:
        os.close(fd)
    return False


def _alive(pid: int) -> bool:
    """Whether process ``pid`` runs; True where that cannot be told (another user's process, no valid id, 0 being
    this process group), so nothing of a live process is removed."""
    if pid <= 0:
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):  # another user's process; not a process id at all
        return True
    return True
