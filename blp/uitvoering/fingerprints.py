"""Same fingerprint, same inputs, parameters and code, so the same numbers: what `blp run --resume` compares."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from blp import __version__
from blp.params import Params
from blp.paths import PACKAGE_DIR
from blp.rapport.context import NationalContext
from blp.schema import digest, to_dict


def _files_digest(paths: list[Path]) -> str:
    h = hashlib.sha256()
    for p in sorted(paths):
        h.update(str(p.relative_to(p.parents[1])).encode())
        h.update(p.read_bytes())
    return h.hexdigest()


def code_digest(notebooks_dir: Path) -> str:
    """The kit's code and notebooks: a change in either invalidates earlier runs for --resume."""
    files = list(PACKAGE_DIR.rglob("*.py")) + list(PACKAGE_DIR.rglob("*.yaml")) + list(notebooks_dir.glob("*.ipynb"))
    return _files_digest([f for f in files if "__pycache__" not in f.parts])


def fingerprint(params: Params, national: NationalContext, code_digest: str, source: str) -> str:
    """Same fingerprint = same inputs, parameters and code, so the same numbers."""
    doc = {"params": to_dict(params), "choices": national.choices.as_dict(), "source": source,
           "inputs": sorted(f.sha256 for f in national.data.inputs + national.io.inputs),
           "kit": __version__, "code": code_digest}
    return digest(doc)


def complete_run_with(folder: Path, fp: str) -> Path | None:
    """The newest complete run of a gemeente with fingerprint ``fp``, if any."""
    from blp.rapport.overview import complete_runs

    for run in reversed(complete_runs(folder)):
        try:
            manifest = json.loads((run / "manifest.json").read_text())
            if manifest.get("fingerprint") == fp and (run / "index.html").exists() and _outputs_intact(run, manifest):
                return run
        except (OSError, json.JSONDecodeError, TypeError, KeyError):
            continue
    return None


def _outputs_intact(run: Path, manifest: dict) -> bool:
    """Every output the manifest lists is there with its checksum: a run with a page deleted or a table edited
    afterwards is no complete run to skip to (it is made again beside it)."""
    from blp.data.canonical import sha256_of

    outputs = manifest["outputs"]
    return bool(outputs) and all((run / o["path"]).is_file() and sha256_of(run / o["path"]) == o["sha256"]
                                 for o in outputs)
