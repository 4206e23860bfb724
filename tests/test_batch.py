"""Batch runs: three gemeenten in parallel, one forced failure, then a resume that redoes only that one."""

import shutil
from pathlib import Path

import nbformat
import pytest

from blp.paths import PARAMS_DIR
from blp.uitvoering import runner
from helpers import run_cli

# Valid params in every way the run checks up front; the failure comes from report 04's notebook for this one
# gemeente only (a cell planted in a copy of the notebooks), as a report error would.
BAD = """gemeente: GM0363
beleid:
  lever_jobs: 99
"""
PLANTED = "if view.params.beleid.lever_jobs == 99:\n    raise ValueError('medtech: deliberate failure')"


def _notebooks_with_a_planted_failure(tmp_path, monkeypatch):
    folder = tmp_path / "notebooks"
    folder.mkdir()
    for nb, _ in runner.NOTEBOOKS + [runner.APPENDIX]:
        shutil.copy(runner.NOTEBOOKS_DIR / f"{nb}.ipynb", folder)
    report = nbformat.read(folder / "04_beleidsvertaling.ipynb", as_version=4)
    report.cells.append(nbformat.v4.new_code_cell(PLANTED))
    nbformat.write(report, folder / "04_beleidsvertaling.ipynb")
    monkeypatch.setattr(runner, "NOTEBOOKS_DIR", folder)


def test_batch_isolates_a_failure_and_resume_redoes_only_it(tmp_path, snapshot_dir, monkeypatch):
    params = tmp_path / "params"
    shutil.copytree(PARAMS_DIR, params)
    (params / "GM0363.yaml").write_text(BAD)  # report 04 fails for this gemeente (a planted cell), nothing else
    monkeypatch.setenv("BLP_PARAMS_DIR", str(params))
    _notebooks_with_a_planted_failure(tmp_path, monkeypatch)
    out = tmp_path / "outputs"
    args = ["run", "GM0917", "GM0363", "GM0014", "--data", str(snapshot_dir), "--out", str(out), "--workers", "2"]

    code, stdout, stderr = run_cli(*args)
    assert code == 1
    assert "Samenvatting: 2 klaar, 1 mislukt, 0 overgeslagen." in stderr
    assert "GM0363 Amsterdam: MISLUKT" in stderr and "medtech" in stderr
    failed = list((out / "GM0363").glob("*.failed"))
    assert len(failed) == 1
    assert (failed[0] / "notebooks" / "04_beleidsvertaling.ipynb").exists()
    assert (failed[0] / "04_beleidsvertaling.html").exists()  # the error report is kept, readable
    assert (failed[0] / "01_dataverzameling.html").exists()   # and what did succeed
    assert "medtech" in (failed[0] / "ERROR.txt").read_text()
    done = {c: [p for p in (out / c).iterdir() if not p.name.endswith(".failed")] for c in ("GM0917", "GM0014")}
    assert all(len(v) == 1 and (v[0] / "manifest.json").exists() for v in done.values())
    overview = (out / "index.html").read_text()
    assert "GM0917/" in overview and "Voor 2 gemeenten is er een volledig rapport." in overview
    assert overview.count("<svg") == 3 and "Histogram van het BLP per inwoner" in overview  # histogram, two maps

    shutil.copy(PARAMS_DIR / "GM0363.yaml", params / "GM0363.yaml")  # fix the params
    code, stdout, stderr = run_cli(*args, "--resume")
    assert code == 0
    assert "Samenvatting: 1 klaar, 0 mislukt, 2 overgeslagen." in stderr
    assert "GM0917 Heerlen: overgeslagen" in stdout and "GM0014 Groningen: overgeslagen" in stdout
    assert "GM0363 Amsterdam: rapport klaar" in stdout
    for c in ("GM0917", "GM0014"):  # nothing new written for the skipped ones
        assert [p.name for p in (out / c).iterdir()] == [done[c][0].name]
    complete = [p for p in (out / "GM0363").iterdir() if not p.name.endswith(".failed")]
    assert len(complete) == 1 and (complete[0] / "index.html").exists()
    assert not list(out.rglob(".*.partial"))

    # a run damaged afterwards (a page deleted) is no run to skip to: it is made again beside it (a breaker's finding)
    (done["GM0917"][0] / "02_blp_berekening.html").unlink()
    code, stdout, stderr = run_cli(*args, "--resume")
    assert code == 0 and "Samenvatting: 1 klaar, 0 mislukt, 2 overgeslagen." in stderr, stderr
    assert "GM0917 Heerlen: rapport klaar" in stdout and "GM0014 Groningen: overgeslagen" in stdout
    assert len(list((out / "GM0917").iterdir())) == 2 and not (done["GM0917"][0] / "02_blp_berekening.html").exists()


def test_a_batch_in_which_a_worker_dies_finishes_with_that_job_failed(tmp_path, snapshot_dir, monkeypatch):
    """A worker that exits mid-job (here: on purpose, for GM0363) fails only that job; the other worker runs the
    rest, and the batch ends with exit code 1 instead of waiting forever."""
    import os
    import signal
    import time

    from blp.uitvoering import runner

    real = runner.run_job

    def dying(job, *args, **kwargs):
        if job.code == "GM0363":
            job.partial_folder.mkdir(parents=True)
            time.sleep(1)  # crash mid-job (its 'start' message sent), as a killed or crashed worker does
            os._exit(3)
        return real(job, *args, **kwargs)

    monkeypatch.setattr(runner, "run_job", dying)  # the workers are forked: they run this
    signal.signal(signal.SIGALRM, lambda *_: (_ for _ in ()).throw(TimeoutError("the batch hung")))
    signal.alarm(240)
    try:
        code, stdout, stderr = run_cli("run", "GM0917", "GM0363", "GM0014", "--data", str(snapshot_dir),
                                       "--out", str(tmp_path / "out"), "--workers", "2", "--no-progress")
    finally:
        signal.alarm(0)
    assert code == 1
    assert "Samenvatting: 2 klaar, 1 mislukt, 0 overgeslagen." in stderr
    assert "GM0363 Amsterdam: MISLUKT: het werkproces is gestopt" in stderr
    # what the dead worker had written is kept as a failed run, with the error, like any failed job's
    kept = list((tmp_path / "out" / "GM0363").iterdir())
    assert [p.suffix for p in kept] == [".failed"], kept
    assert (kept[0] / "ERROR.txt").read_text(encoding="utf-8") == "het werkproces is gestopt\n"


def test_a_job_that_raises_before_its_notebooks_fails_alone_with_its_error(tmp_path, snapshot_dir, monkeypatch):
    """run_job raising in a worker before any notebook (loading the context, creating folders): that gemeente is
    failed with the error it raised, the other gemeenten complete, exit code 1."""
    from blp.uitvoering import runner

    real = runner.run_job

    def raising(job, *args, **kwargs):
        if job.code == "GM0014":
            raise OSError("de contextmap is verdwenen")
        return real(job, *args, **kwargs)

    monkeypatch.setattr(runner, "run_job", raising)  # the workers are forked: they run this
    code, stdout, stderr = run_cli("run", "GM0917", "GM0014", "GM0363", "--data", str(snapshot_dir),
                                   "--out", str(tmp_path / "out"), "--workers", "2", "--no-progress")
    assert code == 1
    assert "Samenvatting: 2 klaar, 1 mislukt, 0 overgeslagen." in stderr
    assert "GM0014 Groningen: MISLUKT: de contextmap is verdwenen" in stderr
    assert "GM0917 Heerlen: rapport klaar" in stdout and "GM0363 Amsterdam: rapport klaar" in stdout


# A single run during its national calculation and kernel start, and while its kernel executes the notebooks; a
# batch while its workers do. (Under the suite's load the moments shift; every moment must end the same way.)
@pytest.mark.parametrize("command, delay, sig", [(["GM0917"], 0.6, "INT"), (["GM0917"], 2.5, "INT"),
                                                 (["GM0917"], 4.5, "INT"), (["GM0917"], 1.5, "TERM"),
                                                 (["GM0917"], 3.5, "INT INT"),
                                                 (["GM0917", "GM0363", "GM0014", "--workers", "2"], 6.0, "INT")])
def test_ctrl_c_stops_within_seconds_with_one_line_and_no_orphans(command, delay, sig, tmp_path):
    """Ctrl-C (SIGINT to the command's process group, as a terminal sends it; or SIGTERM to the command alone, as
    a scheduler sends it) at several moments: the command ends within seconds with one line and exit code 130,
    its workers, chart drawer and kernels end too, and no half-written run folder, cache file or work folder is
    left, also when Ctrl-C is pressed twice (the second during the clean-up of the first)."""
    import os
    import signal
    import subprocess
    import sys
    import time

    import psutil

    temp = tmp_path / "tmp"  # the run's own temporary folders land here
    temp.mkdir()
    env = {**{k: v for k, v in os.environ.items() if k != "BLP_DATA_DIR"}, "TMPDIR": str(temp)}
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "blp", "run", *command, "--no-progress", "--out", str(out)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
                            env=env, cwd=tmp_path)
    time.sleep(delay)
    children = psutil.Process(proc.pid).children(recursive=True)
    if sig.startswith("INT"):
        os.killpg(proc.pid, signal.SIGINT)
        if sig == "INT INT":
            time.sleep(0.15)
            os.killpg(proc.pid, signal.SIGINT)
    else:
        os.kill(proc.pid, signal.SIGTERM)
    started = time.monotonic()
    try:
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert time.monotonic() - started < 20
    if proc.returncode == 0:  # the run was already done: nothing to interrupt
        return
    assert proc.returncode == 130, err
    assert err.strip() == "blp: onderbroken; voor de onafgemaakte run is geen volledige uitvoer geschreven."
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and any(c.is_running() and c.status() != psutil.STATUS_ZOMBIE for c in children):
        time.sleep(0.5)
    assert not [c.pid for c in children if c.is_running() and c.status() != psutil.STATUS_ZOMBIE]
    assert not list(out.rglob(".*partial")) and not list(out.rglob("*.failed"))
    assert not [d.name for d in out.glob("GM*") if not any(d.iterdir())]  # no empty gemeente folder either
    assert not list(temp.glob("blp-batch-*"))


def test_what_a_batch_killed_outright_left_in_the_temporary_folder_is_removed_by_the_next_run(tmp_path):
    """kill -9 of a whole batch leaves its context, its pool's folder and its kernels' sockets and connection files
    (which hold the kernels' keys) in TMPDIR; the next run (a minute later or more) removes them, and leaves nothing
    of its own."""
    import os
    import signal
    import subprocess
    import sys
    import tempfile
    import time

    temp = Path(tempfile.mkdtemp(prefix="blpt-", dir="/tmp"))  # short: the sockets stay in it
    try:
        env = {**{k: v for k, v in os.environ.items() if k != "BLP_DATA_DIR"}, "TMPDIR": str(temp)}
        proc = subprocess.Popen([sys.executable, "-m", "blp", "run", "GM0917", "GM0363", "--workers", "2",
                                 "--no-progress", "--out", str(tmp_path / "out")], stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, start_new_session=True, env=env, cwd=tmp_path)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not list(temp.glob("blp-workers-*/blp-kernel-*/kernel.json")):
            time.sleep(0.2)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        time.sleep(1)  # the workers and kernels die with their parent (PR_SET_PDEATHSIG)
        left = sorted(p.name.split("-")[1] for p in temp.iterdir())
        assert "batch" in left and "workers" in left, left
        assert not list(temp.glob("*.json"))  # no connection file loose in TMPDIR
        # the next run comes more than a minute later: nothing that young is swept (its owner may be locking it)
        old = time.time() - 120
        for path in temp.rglob("*"):
            os.utime(path, (old, old), follow_symlinks=False)
        done = subprocess.run([sys.executable, "-m", "blp", "run", "GM0096", "--no-progress", "--out",
                               str(tmp_path / "out")], capture_output=True, text=True, env=env, cwd=tmp_path,
                              timeout=300)
        assert done.returncode == 0, done.stderr
        assert list(temp.iterdir()) == []
    finally:
        shutil.rmtree(temp, ignore_errors=True)


def test_a_ctrl_c_once_the_report_is_there_waits_for_the_overview_its_front_page_links_to(tmp_path, snapshot_dir,
                                                                                         monkeypatch):
    """An interrupt between the finished gemeente folder and the overview left the front page's link to the overview
    dead on a first run: it is held until the overview is written, then ends the command as an interrupt."""
    from blp import errors
    from blp.uitvoering import runner
    from blp.uitvoering.runner import RunRequest, run_gemeente

    real = runner.remove_stale_partials

    def ctrl_c_now(folder):  # once the report is published, right before the overview is written: Ctrl-C
        if (out / "GM0917").is_dir() and any((out / "GM0917").iterdir()):
            errors._interrupt(2, None)
        return real(folder)

    monkeypatch.setattr(runner, "remove_stale_partials", ctrl_c_now)
    # the interrupt counted here must not make later in-process commands read their errors as interrupts
    monkeypatch.setattr(errors, "_INTERRUPTS", [0])
    monkeypatch.setattr(errors, "_HELD", [0, False])
    out = tmp_path / "out"
    with pytest.raises(KeyboardInterrupt):
        run_gemeente(RunRequest("GM0917", data_dir=str(snapshot_dir), outputs_dir=out, progress=False))
    front = next((out / "GM0917").iterdir()) / "index.html"
    assert front.exists() and (out / "index.html").exists()
    assert 'href="../../index.html"' in front.read_text(encoding="utf-8")


def test_a_pool_whose_worker_died_before_any_job_is_renewed_and_never_crashes_the_batch():
    """A breaker killed a worker while it started: the first submit raised BrokenProcessPool and the batch ended in
    a traceback. Now the pool is renewed (twice at most); a pool that keeps breaking fails the jobs, it does not hang
    or crash."""
    from concurrent.futures import Future
    from concurrent.futures.process import BrokenProcessPool
    from types import SimpleNamespace

    from blp.uitvoering.jobs import JobResult
    from blp.uitvoering.pool import WORKER_DIED, run_parallel

    class Executor:
        def __init__(self, broken):
            self.broken = broken

        def submit(self, fn, job):
            if self.broken:
                raise BrokenProcessPool("a worker died while starting")
            future = Future()
            future.set_result(JobResult(job.code, job.name, "done", f"out/{job.code}"))
            return future

    class Pool:
        def __init__(self, broken):
            self.broken, self.renewed, self.jobs = list(broken), 0, []
            self.executor = Executor(self.broken.pop(0))

        def renew(self):
            self.renewed += 1
            self.executor = Executor(self.broken.pop(0))

        def started(self, job):
            return False

    jobs = [SimpleNamespace(code=c, name=c) for c in ("GM0917", "GM0014")]
    progress = SimpleNamespace(update=lambda result: None)
    once = Pool([True, False])
    assert sorted((r.code, r.status) for r in run_parallel(jobs, once, progress)) == [("GM0014", "done"),
                                                                                        ("GM0917", "done")]
    assert once.renewed == 1
    always = Pool([True, True, True])
    results = run_parallel(jobs, always, progress)
    assert [(r.status, r.error) for r in results] == [("failed", WORKER_DIED)] * 2 and always.renewed == 2


def test_a_second_ctrl_c_while_the_first_is_reported_is_counted_not_a_traceback(monkeypatch, capsys):
    """Ctrl-C twice: the second landed while `blp` printed its one line about the first, and the command ended in a
    KeyboardInterrupt traceback with exit code -2 (seen in the suite under load). From that line on an interrupt is
    only counted."""
    import io
    import sys

    from blp import cli, errors

    monkeypatch.setattr(errors, "_INTERRUPTS", [0])
    monkeypatch.setattr(errors, "_STOPPING", [False])

    def interrupted_command(args):
        errors._interrupt(2, None)  # the first Ctrl-C, as the handler raises it

    class SecondCtrlC(io.StringIO):  # the terminal sends the second Ctrl-C while the line is being written
        def write(self, text):
            errors._interrupt(2, None)
            return super().write(text)

    stderr = SecondCtrlC()
    monkeypatch.setattr(sys, "stderr", stderr)
    monkeypatch.setitem(cli.COMMANDS, "gemeenten", interrupted_command)
    assert cli.main(["gemeenten"]) == 130
    assert stderr.getvalue().strip() == cli.INTERRUPTED
    assert errors._INTERRUPTS[0] >= 2 and errors.interrupted()
