"""Worker processes for a batch: each starts its kernel at once and runs jobs from a queue; a worker that dies
fails only the job it was on, and the batch always finishes."""

from __future__ import annotations

import multiprocessing
import os
import shutil
import sys
from collections.abc import Callable

from blp.rapport.figures import child_process_signals
from blp.uitvoering.engine import close_shared_session, shared_session
from blp.uitvoering.jobs import Job, JobResult


def _worker_loop(jobs, results, work: Callable[[Job], JobResult]) -> None:
    """A worker process: start its kernel at once, run jobs from the queue with ``work`` until a None arrives,
    close."""
    child_process_signals()
    try:
        shared_session().start()
        while (job := jobs.get()) is not None:
            results.put(("start", job.code, os.getpid()))
            results.put(("result", job.code, work(job)))
    except KeyboardInterrupt:  # told to stop (SIGTERM) while a notebook ran: nbclient stopped the kernel
        sys.exit(143)
    finally:
        close_shared_session()


class WorkerPool:
    """Worker processes that start their kernels right away, before the jobs are known."""

    def __init__(self, workers: int, work: Callable[[Job], JobResult]):
        self.in_flight: dict[str, Job] = {}  # code -> job a worker has taken and not finished
        close_shared_session()  # forked workers must not inherit a kernel connection
        ctx = multiprocessing.get_context("fork" if sys.platform.startswith("linux") else "spawn")
        self.job_q, self.result_q = ctx.Queue(), ctx.Queue()
        self.procs = [ctx.Process(target=_worker_loop, args=(self.job_q, self.result_q, work), daemon=True)
                      for _ in range(workers)]
        for p in self.procs:
            p.start()

    def close(self, now: bool = False) -> None:
        """Let the workers finish and stop; ``now`` (Ctrl-C): drop the queued jobs and stop them at once (SIGTERM,
        so each shuts its kernel down), killing any that does not stop within seconds."""
        import queue as queue_mod

        if now:
            try:
                while True:
                    self.job_q.get_nowait()
            except (queue_mod.Empty, OSError, ValueError):
                pass
            for p in self.procs:
                if p.is_alive():
                    p.terminate()
        for _ in self.procs:
            try:
                self.job_q.put(None)
            except (OSError, ValueError):
                pass
        for p in self.procs:
            p.join(timeout=3 if now else 30)
            if p.is_alive():
                p.kill()
                p.join(timeout=5)
        for job in self.in_flight.values():  # a stopped worker's half-written run (it may not have removed it)
            shutil.rmtree(job.partial_folder, ignore_errors=True)
        self.in_flight.clear()


def keep_as_failed(job: Job, error: str) -> str | None:
    """The folder of a job whose worker died, kept as ``<run-id>.failed`` with the error, as a failed job's is."""
    if not job.partial_folder.is_dir():
        return None
    failed = job.partial_folder.with_name(f"{job.run_id}.failed")
    os.rename(job.partial_folder, failed)
    (failed / "ERROR.txt").write_text(error + "\n", encoding="utf-8")
    return str(failed)


def run_parallel(jobs: list[Job], pool: WorkerPool, progress) -> list[JobResult]:
    """Fan jobs out over the pool's processes; a crashed worker fails only the job it was on."""
    job_q, result_q, procs = pool.job_q, pool.result_q, pool.procs
    for job in jobs:
        job_q.put(job)
    by_code = {j.code: j for j in jobs}
    running: dict[str, int] = {}  # code -> pid of the worker that took it
    results: list[JobResult] = []
    import queue as queue_mod

    def fail(code: str, error: str) -> None:
        pool.in_flight.pop(code, None)
        res = JobResult(code, by_code[code].name, "failed", keep_as_failed(by_code[code], error), error=error)
        results.append(res)
        progress.update(res)

    quiet = 0  # one-second waits without any message
    while len(results) < len(jobs):
        try:
            kind, code, payload = result_q.get(timeout=1.0)
        except queue_mod.Empty:
            alive = {p.pid for p in procs if p.is_alive()}
            for code, pid in list(running.items()):  # a worker that died fails only the job it was on
                if pid not in alive:
                    del running[code]
                    fail(code, "het werkproces is gestopt")
            quiet += 1
            # A worker that died before its 'start' message got out took a job no one reports on: once the
            # queue is empty and the living workers have been idle a while, such jobs are failed too.
            if len(alive) < len(procs) and not running and job_q.empty() and quiet >= 3:
                for code in sorted(set(by_code) - {r.code for r in results}):
                    fail(code, "het werkproces is gestopt")
            if not alive:
                for code in sorted(set(by_code) - {r.code for r in results}):
                    fail(code, "niet uitgevoerd: alle werkprocessen zijn gestopt")
            continue
        quiet = 0
        if kind == "start":
            running[code] = payload
            pool.in_flight[code] = by_code[code]
        else:
            running.pop(code, None)
            pool.in_flight.pop(code, None)
            results.append(payload)
            progress.update(payload)
    return results
