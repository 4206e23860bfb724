"""The embedded data set: the offline snapshot shipped inside the package, so a clone runs anywhere.

The files of the reference snapshot (``../shared/snapshot`` in the development setup) are stored here
gzip-compressed (README.md as is), with ``EMBEDDED.json`` recording when and from where they were
embedded and the sha256 of every file's decompressed content, which equals the reference file's.

    python -m blp.data.embedded refresh ../shared/snapshot   # (make refresh-snapshot) embed again
    python -m blp.data.embedded verify                        # check the embedded files against EMBEDDED.json
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import shutil
import sys
import tempfile
from datetime import datetime, timezone
from pathlib import Path

from blp.errors import DataError

EMBEDDED_DIR = Path(__file__).resolve().with_name("snapshot")
MANIFEST = "EMBEDDED.json"
KEEP_PLAIN = {"README.md"}  # read by people; stays uncompressed


def stored_name(name: str) -> str:
    return name if name in KEEP_PLAIN else f"{name}.gz"


def content_sha256(path: Path) -> str:
    """sha256 of a file's content, decompressed when it is gzip (``.gz``)."""
    digest = hashlib.sha256()
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def manifest() -> dict:
    path = EMBEDDED_DIR / MANIFEST
    if not path.exists():
        raise DataError(f"De ingebouwde dataset ontbreekt ({path}).",
                        "installeer de kit opnieuw, of laat --data / BLP_DATA_DIR naar een snapshotmap wijzen.")
    return json.loads(path.read_text(encoding="utf-8"))


def refresh(source: Path, target: Path = EMBEDDED_DIR) -> dict:
    """Embed every file of ``source`` (gzip, fixed header: the same input gives the same bytes) and write
    the manifest. Built in a temporary folder and swapped in whole."""
    source = Path(source).resolve()
    files = sorted(p for p in source.iterdir() if p.is_file())
    if not (source / "regions.csv").exists():
        raise DataError(f"{source} is geen snapshotmap (er staat geen regions.csv in).")
    tmp = Path(tempfile.mkdtemp(prefix=".snapshot-", dir=target.parent))
    tmp.chmod(0o755)
    entries = {}
    for f in files:
        out = tmp / stored_name(f.name)
        if f.name in KEEP_PLAIN:
            shutil.copyfile(f, out)
        else:
            with open(f, "rb") as src, open(out, "wb") as raw, \
                    gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=9, mtime=0) as gz:
                shutil.copyfileobj(src, gz)
        entries[f.name] = {"stored_as": out.name, "sha256": content_sha256(f), "bytes": f.stat().st_size}
    doc = {"embedded_utc": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
           "source": "shared/snapshot (the project's reference snapshot; see README.md here)",
           "files": entries}
    (tmp / MANIFEST).write_text(json.dumps(doc, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    for extra in target.glob("LICENCE*") if target.exists() else []:
        shutil.copyfile(extra, tmp / extra.name)  # the kit's own licence notes stay
    old = target.with_name(".snapshot-old")
    if target.exists():
        target.rename(old)
    tmp.rename(target)
    shutil.rmtree(old, ignore_errors=True)
    return doc


def verify(folder: Path = EMBEDDED_DIR) -> list[str]:
    """Problems with the embedded files (empty list: every file is there with its recorded content)."""
    doc = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    problems = []
    for name, entry in doc["files"].items():
        path = folder / entry["stored_as"]
        if not path.exists():
            problems.append(f"{name}: {path.name} is missing")
        elif content_sha256(path) != entry["sha256"]:
            problems.append(f"{name}: content differs from the recorded sha256")
    return problems


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m blp.data.embedded", description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="command", required=True)
    r = sub.add_parser("refresh", help="embed the files of a snapshot folder")
    r.add_argument("source", type=Path)
    sub.add_parser("verify", help="check the embedded files against their recorded checksums")
    args = ap.parse_args(argv)
    if args.command == "refresh":
        doc = refresh(args.source)
        print(f"Embedded {len(doc['files'])} files from {args.source} into {EMBEDDED_DIR}.")
        return 0
    problems = verify()
    print("\n".join(problems) or f"All {len(manifest()['files'])} embedded files match EMBEDDED.json.")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
