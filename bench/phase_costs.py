"""Where a batch's CPU time goes, phase by phase, in this checkout and in another git revision, same run.

  python bench/phase_costs.py --base 4891089            # 10 gemeenten, one worker, best of 2 per revision
  python bench/phase_costs.py --base 4891089 --n 20 --repeat 3

Each revision runs `blp run` on the same N gemeenten with one worker and no chart drawer (so every chart is
drawn in the kernel, as in a batch that keeps all cores busy) into a new folder, in a fresh process whose
functions are wrapped to measure CPU time: the thread CPU time of each phase of the command's process (the
export of each report to HTML, the front page's figures, the downloads, the national calculation, ...) and the
kernel's CPU time per notebook (read from /proc; the first notebook also carries the rest of the kernel's warm-up
imports). Phases a revision does not have are left empty. Prints CPU
seconds per gemeente per phase, and the once-per-run phases in seconds. Linux only (/proc); tests never assert
on these timings.
"""

from __future__ import annotations

import argparse
import functools
import importlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))

from compare_revision import decompressed_data, worktree  # noqa: E402

# (module, function, label, once per run?) of the command's own process; a revision without it skips it
PHASES = [
    ("blp.uitvoering.runner", "load_data", "data laden", True),
    ("blp.uitvoering.runner", "national_context", "nationale berekening", True),
    ("blp.uitvoering.runner", "compute_national", "nationale berekening", True),
    ("blp.uitvoering.runner", "kept_or_drawn_overview", "kaarten van het overzicht", True),
    ("blp.rapport.overview", "write_overview", "overzichtspagina", True),
    ("blp.uitvoering.runner", "write_tables", "gegevenstabellen", False),
    ("blp.uitvoering.runner", "cards", "voorpagina: kerncijfers", False),
    ("blp.uitvoering.runner", "build_manifest", "manifest", False),
    ("blp.uitvoering.export", "save_and_export", "notebook naar HTML", False),
    ("blp.uitvoering.runner", "save_and_export", "notebook naar HTML", False),
    ("blp.uitvoering.export", "write_downloads", "downloads (Excel, CSV)", False),
]
CLIENT = "notebooks uitvoeren: kant van de opdracht (nbclient)"


def child(args: list[str]) -> None:
    """In the measured process: wrap the phases, run `blp run`, print the CPU times as JSON on the last line."""
    cpu: Counter = Counter()

    def wrap(owner, attr: str, label: str) -> None:
        fn = getattr(owner, attr, None)
        if fn is None:
            return

        @functools.wraps(fn)
        def timed(*a, **k):
            start = time.thread_time()
            try:
                return fn(*a, **k)
            finally:
                cpu[label] += time.thread_time() - start
        setattr(owner, attr, timed)

    for module, attr, label, _ in PHASES:
        try:
            wrap(importlib.import_module(module), attr, label)
        except ImportError:
            continue
    runner = importlib.import_module("blp.uitvoering.runner")
    runner.has_spare_core = lambda req: False  # no chart drawer: every chart is drawn in the kernel
    engine = importlib.import_module("blp.uitvoering.engine")
    execute = engine.KernelSession.execute

    def kernel_seconds(session) -> float:
        fields = Path(f"/proc/{session.km.provisioner.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def timed_execute(self, nb, output, *a, **k):
        before, start = kernel_seconds(self), time.thread_time()
        try:
            return execute(self, nb, output, *a, **k)
        finally:
            cpu[CLIENT] += time.thread_time() - start
            cpu[f"kernel: {Path(output).stem}"] += kernel_seconds(self) - before

    engine.KernelSession.execute = timed_execute
    from blp.cli import main as blp_main

    total = time.process_time()
    code = blp_main(["run", *args])
    cpu["(proces van de opdracht, totaal)"] = time.process_time() - total
    print(json.dumps({"code": code, "cpu": cpu}))


def measure(tree: Path, codes: list[str], data: Path, out: Path) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": str(tree), "BLP_DATA_DIR": str(data)}
    done = subprocess.run([sys.executable, __file__, "--child", *codes, "--out", str(out), "--workers", "1",
                           "--no-progress"], cwd=tree, env=env, check=True, capture_output=True, text=True)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    if result["code"] != 0:
        raise SystemExit(f"blp run failed in {tree}: {done.stderr[-2000:]}")
    return result["cpu"]


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        return child(sys.argv[2:])
    ap = argparse.ArgumentParser()
    ap.add_argument("--base", required=True, help="git revision to compare with")
    ap.add_argument("--n", type=int, default=10, help="number of gemeenten (the first N codes)")
    ap.add_argument("--repeat", type=int, default=2, help="runs per revision; the lowest total counts")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="blp-phases-"))
    try:
        data = decompressed_data(work / "data")
        sys.path.insert(0, str(ROOT))
        from blp.data import load_data

        codes = sorted(load_data("snapshot", data).regions_of(2024)["gemeente_code"])[: args.n]
        with worktree(args.base, work / "base") as base:
            trees = {"base": base, "this": ROOT}
            best: dict[str, dict[str, float]] = {}
            for i in range(args.repeat):
                for name, tree in trees.items():  # alternating, so drift of a shared machine hits both alike
                    got = measure(tree, codes, data, work / f"{name}-{i}")
                    if name not in best or sum(got.values()) < sum(best[name].values()):
                        best[name] = got
        report(best, len(codes), args.base)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def report(best: dict[str, dict[str, float]], n: int, base: str) -> None:
    once = {label for _, _, label, is_once in PHASES if is_once}
    labels = list(dict.fromkeys([l for r in best.values() for l in r]))
    per_gemeente = sorted((l for l in labels if l not in once and not l.startswith("(")),
                          key=lambda l: -best["this"].get(l, 0.0))
    print(f"CPU seconds per gemeente ({n} gemeenten, one worker, no chart drawer), base = {base}:")
    print(f"  {'phase':<55} {'base':>6} {'this':>6} {'diff':>6}")
    totals = {k: 0.0 for k in best}
    for label in per_gemeente:
        b, t = (best[k].get(label) for k in ("base", "this"))
        for k, v in (("base", b), ("this", t)):
            totals[k] += (v or 0.0) / n
        cell = lambda v: f"{v / n:6.3f}" if v is not None else f"{'-':>6}"  # noqa: E731
        diff = f"{((t or 0.0) - (b or 0.0)) / n:+6.3f}"
        print(f"  {label:<55} {cell(b)} {cell(t)} {diff}")
    print(f"  {'together':<55} {totals['base']:6.3f} {totals['this']:6.3f} {totals['this'] - totals['base']:+6.3f}"
          f"  ({(totals['this'] / totals['base'] - 1) * 100:+.0f} %)")
    print("CPU seconds once per run:")
    for label in [l for l in labels if l in once]:
        b, t = (best[k].get(label) for k in ("base", "this"))
        print(f"  {label:<55} " + " ".join(f"{v:6.2f}" if v is not None else f"{'-':>6}" for v in (b, t)))
    print("  the kernel's start and the command's own imports are in neither list; the first notebook a revision runs")
    print("  also carries what is left of its kernel's warm-up imports when it starts (this revision runs 00_methode first,")
    print("  4891089 ran 01_dataverzameling first).")


if __name__ == "__main__":
    main()
