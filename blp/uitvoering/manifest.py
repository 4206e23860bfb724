"""The run manifest: parameters, versions, git commit, inputs and outputs with checksums."""

from __future__ import annotations

import json
import platform
import subprocess
import sys
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path

from blp import __version__
from blp.data.canonical import sha256_of
from blp.paths import PROJECT_ROOT

PACKAGES = ["blp", "pandas", "numpy", "matplotlib", "papermill", "nbconvert", "nbformat", "nbclient",
            "ipykernel", "jupyter_client", "cbsodata", "statsmodels", "pyyaml"]


def package_versions() -> dict[str, str | None]:
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def git_state(root: Path = PROJECT_ROOT) -> dict:
    """Commit of the kit and whether its tracked files differ from it."""
    def git(*args: str) -> str | None:
        try:
            out = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            return None
        return out.stdout.strip() if out.returncode == 0 else None

    commit = git("rev-parse", "HEAD")
    status = git("status", "--porcelain", "--untracked-files=no", "--", "blp", "notebooks", "params")
    return {"commit": commit, "dirty": bool(status) if status is not None else None}


def utc_now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def build_manifest(*, run_id: str, gemeente: dict, params: dict, choices: dict, data_source: str,
                   inputs: list[dict], headline: dict, command: list[str], started: str) -> dict:
    return {
        "kit": {"name": "blp", "version": __version__, "git": git_state()},
        "run_id": run_id,
        "started_utc": started,
        "finished_utc": utc_now(),
        "command": command,
        "gemeente": gemeente,
        "params": params,
        "choices": choices,
        "data_source": data_source,
        "inputs": inputs,
        # every licence the inputs come under, with the tables under it (CC BY-NC-SA: non-commercial)
        "licences": {lic: sorted(i["table"] for i in inputs if i.get("licence") == lic)
                     for lic in sorted({i.get("licence", "") for i in inputs} - {""})},
        "headline": headline,
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "packages": package_versions(),
    }


def add_outputs(manifest: dict, run_dir: Path) -> dict:
    """List every file written in ``run_dir`` with its sha256 (the manifest itself excluded)."""
    files = sorted(p for p in run_dir.rglob("*") if p.is_file() and p.name != "manifest.json")
    manifest["outputs"] = [{"path": str(p.relative_to(run_dir)), "sha256": sha256_of(p)} for p in files]
    return manifest


def write_manifest(manifest: dict, path: Path) -> None:
    path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
