"""Compare this checkout's speed with another git revision's, measured in the same run.

  python bench/compare_revision.py --base 4891089            # one gemeente, `blp run` as a fresh process:
                                                             # into a new folder, and again into the same one
  python bench/compare_revision.py --base 4891089 --batch 20 # also a batch of 20 gemeenten on all cores

The base revision is checked out into a temporary git worktree and run with this environment's Python
(PYTHONPATH points at it, for the command and its kernels). Runs alternate between the two, best of
--repeat each, so drift of a shared machine hits both alike. Prints ratios of wall time and of CPU time (all
processes; steadier than wall time on a shared machine, and what a batch on all cores is bound by); tests never
assert on them.
"""

from __future__ import annotations

import argparse
import gzip
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run(tree: Path, codes: list[str], out: Path, extra: list[str], data: Path) -> tuple[float, float]:
    """Wall time and CPU time (user + system, of the command and every process it waited for: kernels, chart
    drawer, workers) of one `blp run`. The CPU time varies far less than the wall time on a shared machine."""
    env = {**os.environ, "PYTHONPATH": str(tree), "BLP_DATA_DIR": str(data)}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "blp", "run", *codes, "--out", str(out), "--no-progress", *extra],
                   cwd=tree, env=env, check=True, capture_output=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def ratio(label: str, base: float, this: float, unit: str = "s") -> str:
    return f"{label}: base {base:.2f} {unit}, this {this:.2f} {unit}: {this / base:.2f}x ({(this / base - 1) * 100:+.0f} %)"


def decompressed_data(folder: Path) -> Path:
    """This checkout's embedded data set, decompressed into ``folder`` (older revisions read plain CSV files only),
    so both revisions read the same data."""
    folder.mkdir(parents=True)
    for f in (ROOT / "blp" / "data" / "snapshot").glob("*.csv.gz"):
        with gzip.open(f, "rb") as src, open(folder / f.name[:-3], "wb") as dst:
            shutil.copyfileobj(src, dst)
    return folder


@contextmanager
def worktree(revision: str, path: Path) -> Iterator[Path]:
    """``revision`` checked out into a temporary git worktree at ``path``, removed afterwards."""
    subprocess.run(["git", "worktree", "add", "--detach", "-f", str(path), revision], cwd=ROOT, check=True,
                   capture_output=True)
    try:
        yield path
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(path)], cwd=ROOT, capture_output=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--base", required=True, help="git revision to compare with")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--batch", type=int, default=0, help="also a batch of N gemeenten (first N codes)")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="blp-compare-"))
    try:
        data = decompressed_data(work / "data")
        with worktree(args.base, work / "base") as base:
            compare({"base": base, "this": ROOT}, args, work, data)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def compare(trees: dict[str, Path], args, work: Path, data: Path) -> None:
    single = {k: [] for k in trees}
    warm = {k: [] for k in trees}
    for name, tree in trees.items():  # a first run leaves what a later run in the same folder may reuse
        run(tree, ["GM0917"], work / f"{name}-warm", [], data)
    for i in range(args.repeat):
        for name, tree in trees.items():
            single[name].append(run(tree, ["GM0917"], work / f"{name}-{i}", [], data))  # a new folder: cold
            warm[name].append(run(tree, ["GM0917"], work / f"{name}-warm", [], data))
    for label, times in (("first run in a folder", single), ("a later run in the same folder", warm)):
        print(f"one gemeente (`blp run GM0917`, {label}, best of {args.repeat}):")
        print("  " + ratio("wall", min(w for w, _ in times["base"]), min(w for w, _ in times["this"])))
        print("  " + ratio("CPU ", min(c for _, c in times["base"]), min(c for _, c in times["this"])))
    if args.batch:
        sys.path.insert(0, str(ROOT))
        from blp.data import load_data

        codes = sorted(load_data("snapshot", data).regions_of(2024)["gemeente_code"])[: args.batch]
        batch = {name: run(tree, codes, work / f"{name}-batch", [], data) for name, tree in trees.items()}
        print(f"batch of {len(codes)}:")
        print("  " + ratio("wall", batch["base"][0], batch["this"][0]))
        print("  " + ratio("CPU ", batch["base"][1], batch["this"][1]))


if __name__ == "__main__":
    main()
