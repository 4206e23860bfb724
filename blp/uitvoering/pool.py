"""Worker processes for a batch: a standard ``concurrent.futures.ProcessPoolExecutor`` whose initializer starts
each worker's kernel at once, while the command loads the data.

A worker that dies (killed, out of memory, a crash in a library) breaks the whole pool: every job in it ends
with ``BrokenProcessPool``, and the pool cannot tell which job killed its worker. So the jobs that had not
started go to a new pool, and the jobs that had started are run again one at a time, each in a pool of its own:
the one that kills its worker again fails alone, with its folder kept as ``<run-id>.failed``; the others complete.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import tempfile
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from blp.atomic import private_temp_folder, remove_private_temp_folder
from blp.errors import interrupts_held
from blp.rapport.figures import child_process_signals
from blp.uitvoering.engine import close_shared_session, shared_session
from blp.uitvoering.jobs import Job, JobResult, error_line, keep_as_failed

WORKER_DIED = "het werkproces is gestopt"

_WORK: Callable[[Job], JobResult] | None = None  # in a worker: what to do with a job (set by the initializer)
_MARKERS: Path | None = None


def _start_worker(work: Callable[[Job], JobResult], markers: str) -> None:
    """A worker's initializer: signals as for every child (``child_process_signals``), its kernel started now
    (its IPC files in the batch's folder), closed when the worker ends."""
    global _WORK, _MARKERS
    try:
        child_process_signals()
        _WORK, _MARKERS = work, Path(markers)
        tempfile.tempdir = markers  # the kernel's private folder goes with the batch's folder
        multiprocessing.util.Finalize(None, close_shared_session, exitpriority=10)
        shared_session().start()
    except (KeyboardInterrupt, SystemExit):  # stopped while starting (the command was interrupted): quietly
        os._exit(143)


def _run(job: Job) -> JobResult:
    """A job in a worker; marked as started first, so a broken pool knows which jobs were running."""
    (_MARKERS / f"started-{job.code}").touch()
    try:
        return _WORK(job)
    except (KeyboardInterrupt, SystemExit):
        # told to stop (SIGTERM, from a pool that broke or from the command): end now. The executor would hand
        # the exception back as the job's result and give this worker the next job.
        try:
            close_shared_session()
        finally:
            os._exit(143)


class WorkerPool:
    """The batch's worker processes, started at once (so their kernels start while the data load)."""

    def __init__(self, workers: int, work: Callable[[Job], JobResult]):
        close_shared_session()  # forked workers must not inherit a kernel connection
        self.workers, self.work = workers, work
        self.jobs: list[Job] = []  # what it was given to run
        self.markers = Path(private_temp_folder("blp-workers-"))
        self.executor = self._new(workers)

    def _new(self, workers: int) -> ProcessPoolExecutor:
        ctx = multiprocessing.get_context("fork")  # the job function need not be importable by name (tests)
        executor = ProcessPoolExecutor(workers, mp_context=ctx, initializer=_start_worker,
                                       initargs=(self.work, str(self.markers)))
        with interrupts_held():  # a Ctrl-C inside fork's bookkeeping would leave a lock held (blp.errors)
            executor.submit(os.getpid)  # with fork, the first submit starts every worker
        return executor

    def started(self, job: Job) -> bool:
        return (self.markers / f"started-{job.code}").exists()

    def renew(self) -> None:
        """A new pool after the old one broke."""
        self._stop(self.executor)
        self.executor = self._new(self.workers)

    def run_alone(self, job: Job) -> JobResult:
        """``job`` in a pool of its own: if its worker dies now, it was this job."""
        shutil.rmtree(job.partial_folder, ignore_errors=True)  # what the broken attempt left
        (self.markers / f"started-{job.code}").unlink(missing_ok=True)
        solo = self._new(1)
        try:
            return solo.submit(_run, job).result()
        except BrokenProcessPool:
            return failed(job, WORKER_DIED, keep_as_failed(job, WORKER_DIED))
        except Exception as exc:
            return failed(job, error_line(exc))
        finally:
            self._stop(solo)

    def _stop(self, executor: ProcessPoolExecutor, now: bool = False) -> None:
        """Shut ``executor`` down; ``now`` (Ctrl-C): drop its queued jobs and kill its workers (their kernels
        notice their parent is gone and end within a second). Never waits more than seconds."""
        if now:
            for child in multiprocessing.active_children():  # the workers (and a chart drawer, stopping anyway)
                child.kill()
        waiting = threading.Thread(target=executor.shutdown, kwargs={"wait": True, "cancel_futures": True},
                                   daemon=True)
        waiting.start()
        waiting.join(5 if now else 600)

    def close(self, now: bool = False) -> None:
        """Stop the workers (``now``: at once); remove what the pool's unfinished jobs half-wrote."""
        self._stop(self.executor, now)
        for job in self.jobs:
            job.discard_partial()
        remove_private_temp_folder(self.markers)


def failed(job: Job, error: str, folder: str | None = None) -> JobResult:
    return JobResult(job.code, job.name, "failed", folder, error=error)


def run_parallel(jobs: list[Job], pool: WorkerPool, progress) -> list[JobResult]:
    """Fan ``jobs`` out over the pool; a worker that dies fails only the job that killed it (module docstring)."""
    results: list[JobResult] = []
    pool.jobs = jobs

    def done(result: JobResult) -> None:
        results.append(result)
        progress.update(result)

    queue, suspects, fresh = list(jobs), [], 0
    while queue:
        try:
            futures = {pool.executor.submit(_run, job): job for job in queue}
        except BrokenProcessPool:  # a worker died before any job (killed while starting): a new pool, twice at most
            if fresh >= 2:
                for job in queue:
                    done(failed(job, WORKER_DIED))
                break
            fresh += 1
            pool.renew()
            continue
        queue = []
        for future in as_completed(futures):
            job = futures[future]
            try:
                done(future.result())
            except BrokenProcessPool:
                (suspects if pool.started(job) else queue).append(job)
            except Exception as exc:  # run_job raised before its notebooks (it reports notebook failures itself)
                done(failed(job, error_line(exc)))
        if queue or suspects:
            pool.renew()
        for job in suspects:
            done(pool.run_alone(job))
        suspects = []
    return results
