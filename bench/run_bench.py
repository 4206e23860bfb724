"""Benchmark the kit against naive baselines measured in the same run; prints ratios, not verdicts.

  python bench/run_bench.py                 # (a) one gemeente, (b) national calculation, (c) batch of 20
  python bench/run_bench.py --all           # also (d): every gemeente, with peak memory
  python bench/run_bench.py --baseline-sample 20   # measure the naive batch baseline on all 20 (slow)

Baselines:
  - notebooks: `papermill` and `jupyter nbconvert --to html --no-input` as separate command-line calls per
    notebook (what a user without the kit's runner would script). For the batch, the naive time is measured on
    --baseline-sample gemeenten and scaled to the batch size (stated in the output).
  - national calculation: a per-gemeente loop that filters the tables for each gemeente and sector.
  - kernel reference: starting one kernel and importing the kit's report modules in it.
Tests never assert on these timings; this script only reports them.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
BIN = Path(sys.executable).parent


class PeakMemory:
    """Sample the resident memory of this process and all its descendants (Linux /proc)."""

    def __init__(self, interval: float = 0.25):
        self.interval, self.peak, self._stop = interval, 0, threading.Event()

    def _tree_rss(self) -> int:
        children: dict[int, list[int]] = {}
        for d in Path("/proc").iterdir():
            if d.name.isdigit():
                try:
                    ppid = int((d / "stat").read_text().rsplit(")", 1)[1].split()[1])
                    children.setdefault(ppid, []).append(int(d.name))
                except (OSError, IndexError, ValueError):
                    pass
        total, stack = 0, [os.getpid()]
        while stack:
            pid = stack.pop()
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) * 1024
            except OSError:
                pass
            stack.extend(children.get(pid, []))
        return total

    def _run(self):
        while not self._stop.is_set():
            self.peak = max(self.peak, self._tree_rss())
            self._stop.wait(self.interval)

    def __enter__(self):
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def timed(fn, *args, **kwargs) -> tuple[float, object]:
    t = time.perf_counter()
    result = fn(*args, **kwargs)
    return time.perf_counter() - t, result


def kit_run(codes: list[str], out: Path, workers: int) -> float:
    from blp.uitvoering.runner import RunRequest, run_batch

    req = RunRequest(gemeenten=codes, outputs_dir=out, workers=workers, progress=False, command=["bench"])
    seconds, batch = timed(run_batch, req)
    failed = [r.code for r in batch.results if r.status != "done"]
    if failed:
        raise SystemExit(f"kit run failed for {failed}")
    return seconds


def naive_run(codes: list[str], out: Path) -> float:
    """papermill and nbconvert as separate command-line calls per notebook."""
    from blp.uitvoering.runner import NOTEBOOKS
    from blp.paths import NOTEBOOKS_DIR

    t = time.perf_counter()
    for code in codes:
        folder = out / code
        folder.mkdir(parents=True, exist_ok=True)
        for nb, _ in NOTEBOOKS:
            executed = folder / f"{nb}.ipynb"
            subprocess.run([str(BIN / "papermill"), str(NOTEBOOKS_DIR / f"{nb}.ipynb"), str(executed),
                            "-p", "gemeente", code, "--no-progress-bar"], check=True, capture_output=True)
            subprocess.run([str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(executed)],
                           check=True, capture_output=True)
    return time.perf_counter() - t


def cli_run(code: str, out: Path) -> float:
    """`blp run CODE` as a user types it: a fresh process, imports included."""
    t = time.perf_counter()
    subprocess.run([str(BIN / "blp"), "run", code, "--out", str(out), "--no-progress"], check=True, capture_output=True)
    return time.perf_counter() - t


def cell_seconds(run_folder: Path) -> float:
    """Time the kernel spent executing the notebooks' cells (nbclient's execution timestamps)."""
    import nbformat
    from datetime import datetime

    total = 0.0
    for path in sorted(run_folder.glob("*/notebooks/*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            ex = cell.get("metadata", {}).get("execution", {})
            if "iopub.execute_input" in ex and "shell.execute_reply" in ex:
                total += (datetime.fromisoformat(ex["shell.execute_reply"].replace("Z", "+00:00"))
                          - datetime.fromisoformat(ex["iopub.execute_input"].replace("Z", "+00:00"))).total_seconds()
    return total


def kernel_reference() -> float:
    """Start one kernel and import the kit's report modules in it, the fastest way the kit knows: the
    kernel starts first and the notebook that imports the kit is made while it starts."""
    from blp.uitvoering.engine import WARMUP_CODE, KernelSession  # first: `import blp` makes nbformat's import cheap

    t = time.perf_counter()
    with tempfile.TemporaryDirectory() as d, KernelSession(cwd=d) as session:
        session.start(warmup=None)
        import nbformat

        nb = nbformat.v4.new_notebook()
        nb.cells = [nbformat.v4.new_code_cell("x = 1", metadata={"tags": ["parameters"]}),
                    nbformat.v4.new_code_cell(WARMUP_CODE)]  # what a run's kernel imports first
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        src = Path(d) / "ref.ipynb"
        nbformat.write(nb, src)
        session.run(src, Path(d) / "out.ipynb", {})
    return time.perf_counter() - t


def kernel_reference_fresh() -> float:
    """The same reference as a command: a fresh Python process that starts a kernel and imports the kit
    in it (what `blp run` pays before any report work, interpreter and launcher imports included)."""
    code = ("import os, sys; sys.path.insert(0, %r); import run_bench; run_bench.kernel_reference(); "
            "os._exit(0)" % str(Path(__file__).resolve().parent))
    t = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
    return time.perf_counter() - t


def naive_national(data, result) -> float:
    """Allocate gemeente by gemeente and sector by sector with plain pandas filtering."""
    key, va = result.key.table, result.va
    t = time.perf_counter()
    out = {}
    for code in key["gemeente_code"].unique():
        total = 0.0
        own = key[key["gemeente_code"] == code]
        for row in own.itertuples():
            same = key[(key["corop_code"] == row.corop_code) & (key["group"] == row.group)]
            cell = va[(va["corop_code"] == row.corop_code) & (va["group"] == row.group)]["value_meur"].sum()
            total += cell * row.key / same["key"].sum()
        out[code] = total
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--all", action="store_true", help="also run every gemeente (d)")
    ap.add_argument("--batch", type=int, default=20)
    ap.add_argument("--baseline-sample", type=int, default=2, help="gemeenten to run the naive batch baseline on")
    ap.add_argument("--workers", type=int, default=os.cpu_count())
    ap.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    args = ap.parse_args()
    os.environ.setdefault("BLP_DATA_DIR", str(ROOT.parent / "shared" / "snapshot"))

    from blp.berekening.calculation import compute_blp, resolve_choices
    from blp.data import load_data
    from blp.params import load_params
    from blp.berekening.value_added import va_years as va_years_of

    figures: dict = {"machine": {"platform": platform.platform(), "cpus": os.cpu_count(),
                                 "python": platform.python_version()}}
    work = Path(tempfile.mkdtemp(prefix="blp-bench-"))
    try:
        data = load_data()
        params = load_params()
        choices = resolve_choices(data, params)
        compute_blp(data, choices)  # warm-up
        runs = [timed(compute_blp, data, choices)[0] for _ in range(5)]
        result = compute_blp(data, choices)
        naive = naive_national(data, result)
        figures["b_national"] = {"kit_s": min(runs), "naive_s": naive, "ratio": naive / min(runs)}
        print(f"(b) national calculation, all {len(result.national)} gemeenten: {min(runs):.3f} s "
              f"(naive per-gemeente loop {naive:.1f} s, {naive / min(runs):.0f}x faster)")

        from blp.berekening.calculation import KeyCache
        from blp.berekening.series import compute_series
        from blp.rapport.context import compute_national

        def blp_all_years(fresh):
            keys = KeyCache(fresh)
            compute_blp(fresh, resolve_choices(fresh, params), keys=keys)
            return compute_series(fresh, params, keys=keys)

        years = []
        for _ in range(3):
            fresh = load_data()
            years.append(timed(blp_all_years, fresh)[0])
        figures["b_blp_all_years"] = {"kit_s": min(years)}
        print(f"(b'') the BLP with its key fits for every year of the series ({len(va_years_of(fresh))} years): "
              f"{min(years):.2f} s")

        full = []
        for _ in range(3):
            fresh = load_data()  # no conversions remembered from an earlier run
            full.append(timed(compute_national, fresh, params)[0])
        figures["b_national_full"] = {"kit_s": min(full)}
        print(f"(b') everything national a run computes (jobs fits for 4 years, sensitivity, back-test, "
              f"{len(fresh.value_added_series['year'].unique())} years of series, checks, indicators): {min(full):.2f} s")

        refs = [kernel_reference() for _ in range(3)]
        ref = min(refs)
        ref_fresh = min(kernel_reference_fresh() for _ in range(3))
        ones = [kit_run(["GM0917"], work / f"a{i}", workers=1) for i in range(3)]
        one = min(ones)
        cells = cell_seconds(work / f"a{ones.index(one)}" / "GM0917")
        cli = min(cli_run("GM0917", work / f"a_cli{i}") for i in range(3))
        naive_one = naive_run(["GM0917"], work / "a_naive")
        figures["a_one_gemeente"] = {"kit_s": one, "cli_s": cli, "naive_s": naive_one, "kernel_and_import_s": ref,
                                     "kernel_and_import_fresh_process_s": ref_fresh,
                                     "notebook_cells_s": cells, "ratio_vs_naive": naive_one / one,
                                     "ratio_vs_kernel": one / ref, "cli_ratio_vs_fresh_kernel": cli / ref_fresh}
        print(f"(a) one gemeente, the appendix and 4 reports + HTML, each run in a new outputs folder (the national "
              f"calculation included): {one:.1f} s in-process, {cli:.1f} s as `blp run` (fresh "
              f"process); naive CLI calls {naive_one:.1f} s ({naive_one / one:.1f}x faster)\n"
              f"    one kernel + kit import {ref:.1f} s in-process: kit run = {one / ref:.2f}x that; "
              f"{ref_fresh:.1f} s as a fresh process: `blp run` = {cli / ref_fresh:.2f}x that\n"
              f"    the kernel spent {cells:.1f} s in the notebooks' cells (charts drawn ahead on the other core "
              f"are not in it) (best of 3 each)")

        regions = data.regions_of(choices.boundary_year).sort_values("gemeente_code")
        codes = regions["gemeente_code"].tolist()[: args.batch]
        batch = kit_run(codes, work / "c", workers=args.workers)
        sample = codes[: args.baseline_sample]
        naive_sample = naive_run(sample, work / "c_naive")
        naive_batch = naive_sample / len(sample) * len(codes)
        figures["c_batch"] = {"n": len(codes), "workers": args.workers, "kit_s": batch,
                              "kit_s_per_gemeente": batch / len(codes), "naive_sample": len(sample),
                              "naive_s_estimated": naive_batch, "ratio": naive_batch / batch}
        print(f"(c) batch of {len(codes)} on {args.workers} workers: {batch:.1f} s ({batch / len(codes):.2f} s per "
              f"gemeente); naive {naive_batch:.0f} s (measured on {len(sample)}, scaled to {len(codes)}): "
              f"{naive_batch / batch:.1f}x faster")

        if args.all:
            with PeakMemory() as mem:
                everything = kit_run(regions["gemeente_code"].tolist(), work / "d", args.workers)
            n = len(regions)
            per = naive_sample / len(sample)
            figures["d_all"] = {"n": n, "kit_s": everything, "kit_s_per_gemeente": everything / n,
                                "naive_s_estimated": per * n, "ratio": per * n / everything,
                                "peak_memory_gib": mem.peak / 2**30}
            print(f"(d) all {n} gemeenten on {args.workers} workers: {everything / 60:.1f} min "
                  f"({everything / n:.2f} s per gemeente); naive ~{per * n / 60:.0f} min (scaled): "
                  f"{per * n / everything:.1f}x faster; peak memory {mem.peak / 2**30:.2f} GiB")
        print(json.dumps(figures["machine"]))
        if args.json:
            Path(args.json).write_text(json.dumps(figures, indent=2))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
