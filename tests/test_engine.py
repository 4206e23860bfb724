"""The kit's notebook engine: one kernel for many notebooks, executed by stock nbclient."""

import nbformat
import pytest

from blp.uitvoering.engine import KernelSession, NotebookFailed


def _notebook(folder, name, cells):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("x = 1", metadata={"tags": ["parameters"]})]
    nb.cells += [nbformat.v4.new_markdown_cell("tekst") if c is None else nbformat.v4.new_code_cell(c) for c in cells]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = folder / name
    nbformat.write(nb, path)
    return path


@pytest.fixture(scope="module")
def session(tmp_path_factory):
    from jupyter_core.utils import run_sync

    with KernelSession(cwd=tmp_path_factory.mktemp("kernel")) as s:
        s.start(warmup=None)
        run_sync(s.kc.wait_for_ready)(timeout=60)  # a run's kernel is this far along after its warm-up
        yield s


def test_outputs_land_in_their_own_cells_in_order(session, tmp_path):
    cells = ["import time; time.sleep(0.3); print('een')", None, "", "print('twee')", "x * 10", "print('drie')"]
    source = _notebook(tmp_path, "a.ipynb", cells)
    session.run(source, tmp_path / "out.ipynb", {"x": 4})
    code = [c for c in nbformat.read(tmp_path / "out.ipynb", as_version=4).cells if c.cell_type == "code"]
    shown = [[o.get("text") or o.get("data", {}).get("text/plain") for o in c.outputs] for c in code]
    # reset cell, parameters, injected parameters, then the notebook's cells (the empty one is not run)
    assert shown[3:] == [["een\n"], [], ["twee\n"], ["40"], ["drie\n"]]
    assert [c.execution_count for c in code if c.source.strip()] == list(range(1, 8))


def test_no_cell_runs_after_a_failing_one_and_the_kernel_goes_on(session, tmp_path):
    flag = tmp_path / "ran"
    cells = ["import time; time.sleep(0.2)", "1 / 0", f"open({str(flag)!r}, 'w').write('x')", "print('vier')"]
    with pytest.raises(NotebookFailed) as exc:
        session.run(_notebook(tmp_path, "fails.ipynb", cells), tmp_path / "fails-out.ipynb", {})
    assert "ZeroDivisionError" in str(exc.value)
    failed = nbformat.read(tmp_path / "fails-out.ipynb", as_version=4).cells
    at = next(i for i, c in enumerate(failed) if any(o.output_type == "error" for o in c.get("outputs", [])))
    assert failed[at].source == "1 / 0"
    assert not any(c.get("outputs") or c.get("execution_count") for c in failed[at + 1:])
    # nothing after the failing cell ran; the same kernel runs the next notebook
    session.run(_notebook(tmp_path, "next.ipynb", ["print(x + 1)"]), tmp_path / "next-out.ipynb", {"x": 41})
    assert not flag.exists()
    last = nbformat.read(tmp_path / "next-out.ipynb", as_version=4).cells[-1]
    assert last.outputs[0]["text"] == "42\n"


def test_a_kernel_that_dies_in_a_cell_is_a_failed_notebook(tmp_path):
    with KernelSession(cwd=tmp_path) as own:
        own.start(warmup=None)
        with pytest.raises(NotebookFailed, match="de kernel is gestopt"):
            own.run(_notebook(tmp_path, "dies.ipynb", ["import os; os._exit(1)"]), tmp_path / "dies-out.ipynb", {})
        assert (tmp_path / "dies-out.ipynb").exists()  # the failed notebook is kept for the error report
        own.run(_notebook(tmp_path, "after.ipynb", ["print(x)"]), tmp_path / "after-out.ipynb", {"x": 7})
        assert nbformat.read(tmp_path / "after-out.ipynb", as_version=4).cells[-1].outputs[0]["text"] == "7\n"


def test_ctrl_c_while_a_cell_runs_is_the_interrupt_not_a_failed_notebook(tmp_path):
    """A terminal's Ctrl-C reaches the command (the kernel runs in its own session); nbclient then shuts the kernel
    down, which must surface as KeyboardInterrupt (exit 130 in the CLI), with no notebook written."""
    cell = "import os, signal, time; os.kill(os.getppid(), signal.SIGINT); time.sleep(30)"
    with KernelSession(cwd=tmp_path) as own:
        own.start(warmup=None)
        with pytest.raises(KeyboardInterrupt):
            own.run(_notebook(tmp_path, "stop.ipynb", [cell]), tmp_path / "stop-out.ipynb", {})
        assert not (tmp_path / "stop-out.ipynb").exists()


def test_an_interrupt_while_forking_is_held_until_the_fork_is_done():
    """Ctrl-C inside fork's bookkeeping left logging's lock held (the command then hung); held, it is raised as
    the block ends, and logging still works."""
    import subprocess
    import sys

    code = """
import logging, os, signal, sys
from blp.errors import count_interrupts, interrupts_held, interrupted
count_interrupts()
try:
    with interrupts_held():
        os.kill(os.getpid(), signal.SIGINT)
        print("inside, not interrupted yet", flush=True)
except KeyboardInterrupt:
    logging.getLogger("x").warning("logging works after it")
    print("raised after the block", interrupted(), flush=True)
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stdout.splitlines() == ["inside, not interrupted yet", "raised after the block True"]
    assert "logging works after it" in done.stderr


@pytest.mark.parametrize("fallback", ["/tmp", None])
def test_a_deep_temporary_folder_still_gives_a_working_kernel(tmp_path, monkeypatch, fallback):
    """A Unix socket's path holds at most 107 bytes: with a deep TMPDIR the kernel's sockets go to /tmp, and where
    that is impossible too the kernel talks over TCP; either way the notebook runs (seen with a long TMPDIR: every
    worker of a batch failed to start its kernel)."""
    import tempfile

    deep = tmp_path / ("d" * 60) / ("e" * 60)
    deep.mkdir(parents=True)
    monkeypatch.setattr(tempfile, "tempdir", str(deep))
    if fallback is None:
        real = tempfile.mkdtemp
        monkeypatch.setattr(tempfile, "mkdtemp", lambda prefix, dir=None: real(prefix=prefix))  # always deep
    with KernelSession(cwd=tmp_path) as s:
        if fallback:
            assert s._ipc_dir.startswith("/tmp/blp-kernel-")
        else:
            assert s._ipc_dir is None
        source = _notebook(tmp_path, "a.ipynb", ["print(x * 2)"])
        s.run(source, tmp_path / "out.ipynb", {"x": 21})
    code = [c for c in nbformat.read(tmp_path / "out.ipynb", as_version=4).cells if c.cell_type == "code"]
    assert code[-1].outputs[0]["text"] == "42\n"


def test_the_temporary_folders_of_dead_processes_are_removed_by_the_next_session(tmp_path, monkeypatch):
    """A run, batch or worker killed outright cannot remove its temporary folders (a kernel's sockets and connection
    file, a batch's context, a pool's bookkeeping); the next session removes those whose process is gone, and only
    those (a live process's, a foreign or odd name's stay)."""
    import os
    import subprocess
    import sys
    import tempfile
    import time

    from blp.atomic import remove_orphaned_temp_folders

    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True,
                          check=True).stdout.strip()
    for kind in ("kernel", "batch", "workers"):
        (tmp_path / f"blp-{kind}-{dead}-abc").mkdir()
    (tmp_path / f"blp-kernel-{dead}-abc" / "k-1").write_text("")  # stands in for a socket
    (tmp_path / f"blp-workers-{dead}-abc" / f"blp-kernel-{dead}-def").mkdir()  # a worker's kernel inside
    kept = [f"blp-kernel-{os.getppid()}-def", "blp-kernel-xyz", f"other-{dead}", "blp-kernel-99999999999999999999-x",
            "blp-kernel-0-x", "blp-kernel-²-x", f"blp-batch-{os.getppid()}-x"]  # live, odd or foreign
    for name in kept:
        (tmp_path / name).mkdir()
    # these folders stand in for an older kit's (no owner lock): they go once their process is gone and they are
    # more than a minute old; a new one may be a folder being made right now
    (tmp_path / f"blp-batch-{dead}-young").mkdir()
    kept.append(f"blp-batch-{dead}-young")
    for path in tmp_path.iterdir():
        if not path.name.endswith("-young"):
            os.utime(path, (time.time() - 120, time.time() - 120))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    session = KernelSession(cwd=tmp_path)
    try:
        assert sorted(p.name for p in tmp_path.iterdir()) == sorted(kept + [os.path.basename(session._ipc_dir)])
        assert os.path.basename(session._ipc_dir).startswith(f"blp-kernel-{os.getpid()}-")
        assert remove_orphaned_temp_folders(str(tmp_path)) == []  # its own folder is never an orphan
        # the connection file, which holds the kernel's key, lies in the same folder (not loose in TMPDIR)
        assert os.path.dirname(session._manager().connection_file) == session._ipc_dir
    finally:
        session.close()
    assert not os.path.exists(session._ipc_dir)


def test_a_folder_whose_owner_runs_in_another_process_namespace_is_kept_until_that_owner_ends(tmp_path):
    """Two containers that share a temporary folder see different process ids: the id in a folder's name may
    belong to no process here while its owner runs there. The owner's lock on the folder's lock file is what
    tells (it holds across namespaces); the folder goes only once that lock is free."""
    import os
    import subprocess
    import sys
    import time

    from blp.atomic import OWNER_LOCK, private_temp_folder, remove_orphaned_temp_folders, remove_private_temp_folder

    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True,
                          check=True).stdout.strip()
    folder = tmp_path / f"blp-kernel-{dead}-other"  # its id means nothing here: the process lives elsewhere
    folder.mkdir()
    (folder / "k-1").write_text("")
    owner = subprocess.Popen(
        [sys.executable, "-c", "import fcntl, os, sys; fd = os.open(sys.argv[1], os.O_WRONLY | os.O_CREAT); "
         "fcntl.flock(fd, fcntl.LOCK_EX); print('locked', flush=True); sys.stdin.read()", str(folder / OWNER_LOCK)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert owner.stdout.readline().strip() == "locked"
        for path in (folder / OWNER_LOCK, folder):
            os.utime(path, (time.time() - 3600, time.time() - 3600))
        assert remove_orphaned_temp_folders(str(tmp_path)) == []
        assert (folder / "k-1").exists()
    finally:
        owner.communicate("")  # the owner ends: its lock is let go
    assert remove_orphaned_temp_folders(str(tmp_path)) == [str(folder)]
    assert not folder.exists()

    # the kit's own folders carry that lock from the start, also a brand-new one, and let go of it when removed
    mine = private_temp_folder("blp-batch-", str(tmp_path))
    assert os.path.exists(os.path.join(mine, OWNER_LOCK))
    probe = [sys.executable, "-c", "import fcntl, os, sys; fd = os.open(sys.argv[1], os.O_RDONLY)\n"
             "try: fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)\nexcept OSError: print('held')\n"
             "else: print('free')", os.path.join(mine, OWNER_LOCK)]
    assert subprocess.run(probe, capture_output=True, text=True, check=True).stdout.strip() == "held"
    assert remove_orphaned_temp_folders(str(tmp_path)) == []
    remove_private_temp_folder(mine)
    assert not os.path.exists(mine)


def test_a_new_folder_is_never_swept_before_its_owner_can_lock_it_and_an_odd_lock_file_hangs_nothing(tmp_path):
    """A breaker found two races: a sweep that took a brand-new folder's lock between its creation and its owner's
    flock removed a live folder (or left it unlocked), and a FIFO put in place of the lock file hung every run. Now
    nothing less than a minute old is swept, the owner waits for the lock, and the lock file is opened without
    following links or blocking."""
    import os
    import subprocess
    import sys
    import time

    from blp.atomic import OWNER_LOCK, YOUNG_S, remove_orphaned_temp_folders

    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True,
                          check=True).stdout.strip()
    new = tmp_path / f"blp-kernel-{dead}-new"  # made a moment ago, its lock file there but not locked yet
    new.mkdir()
    (new / OWNER_LOCK).write_text("")
    fifo = tmp_path / f"blp-batch-{dead}-fifo"
    fifo.mkdir()
    os.mkfifo(fifo / OWNER_LOCK)
    link = tmp_path / f"blp-workers-{dead}-link"
    link.mkdir()
    os.symlink(fifo / OWNER_LOCK, link / OWNER_LOCK)
    assert remove_orphaned_temp_folders(str(tmp_path)) == []  # all young
    old = time.time() - YOUNG_S - 5
    for folder in (new, fifo, link):
        for path in (folder / OWNER_LOCK, folder):
            os.utime(path, (old, old), follow_symlinks=False)
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-c", "import sys; from blp.atomic import remove_orphaned_temp_folders as r;"
                           " print(len(r(sys.argv[1])))", str(tmp_path)], capture_output=True, text=True, timeout=30)
    assert done.returncode == 0 and done.stdout.strip() == "3" and time.monotonic() - started < 20
    assert not any(p.exists() for p in (new, fifo, link))


def test_an_interrupt_in_a_callback_python_cannot_raise_from_prints_no_traceback():
    """A second Ctrl-C that lands in an import lock's cleanup printed 'Exception ignored in ...' and a traceback
    above the command's one line (found by the double Ctrl-C test); other such errors are still printed."""
    import subprocess
    import sys

    code = """
import sys
from blp.errors import count_interrupts
count_interrupts()
class RaisesWhenCollected:
    def __init__(self, exc):
        self.exc = exc
    def __del__(self):
        raise self.exc
RaisesWhenCollected(KeyboardInterrupt())
RaisesWhenCollected(ValueError("still shown"))
count_interrupts()  # installed once, not wrapped twice
print(getattr(sys.unraisablehook, "blp_quiet_interrupts"))
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stdout == "True\n"
    assert "KeyboardInterrupt" not in done.stderr and "ValueError: still shown" in done.stderr
