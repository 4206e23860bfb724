"""Download CBS tables with cbsodata into an audit-grade cache, and manage it.

Layout: ``<cache>/<TABLE>/`` holds cbsodata's own files (one JSON per entity set, as written by
``cbsodata.download_data(dir=...)``) plus ``blp-cache.json`` with the table's ``Modified`` date,
the download time, the source URL and a sha256 per file. A table is downloaded into a hidden
partial folder and swapped in only when complete, so a failed download never replaces a good one.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import time
import zipfile
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlparse

from blp.atomic import replace_when_done
from blp.data.canonical import sha256_of
from blp.errors import DataError

CACHE_ENV, URL_ENV = "BLP_CACHE_DIR", "BLP_CBS_URL"
MANIFEST = "blp-cache.json"
RETRIES, BACKOFF_S, TIMEOUT_S = 4, 1.0, 60


def default_cache_dir() -> Path:
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV]).expanduser()
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "blp" / "cbs"


def cbs_url() -> str:
    from blp.data.cbs_source import catalog

    return os.environ.get(URL_ENV) or catalog()["base_url"]


@dataclass
class CachedTable:
    table_id: str
    folder: Path
    manifest: dict

    @property
    def downloaded(self) -> datetime:
        return datetime.fromisoformat(self.manifest["downloaded_utc"].replace("Z", "+00:00"))

    @property
    def age_days(self) -> float:
        return (datetime.now(timezone.utc) - self.downloaded).total_seconds() / 86400


def cached(table_id: str, cache_dir: Path) -> CachedTable | None:
    """The cached table if it is complete and its files match their checksums."""
    folder = cache_dir / table_id
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return None
    for name, digest in manifest.get("files", {}).items():
        if not (folder / name).exists() or sha256_of(folder / name) != digest:
            return None
    return CachedTable(table_id, folder, manifest)


def _network_errors() -> tuple[type[BaseException], ...]:
    import requests

    return (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError)


def download(table_id: str, cache_dir: Path, url: str | None = None, retries: int | None = None,
             backoff_s: float | None = None, timeout_s: float | None = None) -> CachedTable:
    """Fetch ``table_id`` with cbsodata (time-outs, bounded retries with back-off) and swap it into the cache."""
    import cbsodata

    retries = retries or RETRIES
    backoff_s = BACKOFF_S if backoff_s is None else backoff_s
    timeout_s = timeout_s or TIMEOUT_S
    url = url or cbs_url()
    parsed = urlparse(url if "://" in url else f"https://{url}")
    cache_dir.mkdir(parents=True, exist_ok=True)
    partial = cache_dir / f".{table_id}.partial-{secrets.token_hex(3)}"
    last: BaseException | None = None
    try:
        for attempt in range(retries):
            shutil.rmtree(partial, ignore_errors=True)
            try:
                cbsodata.options.use_https = parsed.scheme == "https"
                cbsodata.download_data(table_id, dir=str(partial), catalog_url=parsed.netloc + parsed.path.rstrip("/"),
                                       timeout=timeout_s)
                break
            except _network_errors() as exc:
                last = exc
                if attempt < retries - 1:
                    time.sleep(backoff_s * 2 ** attempt)
            except Exception as exc:  # HTTP errors (404: no such table) are not retried
                raise DataError(f"Downloading CBS table {table_id} from {url} failed: {exc}",
                                "check the table id in blp/data/cbs_catalog.yaml.") from None
        else:
            raise DataError(f"CBS table {table_id} could not be downloaded from {url} after {retries} attempts: "
                            f"{type(last).__name__}: {last}",
                            "check the network connection and try `blp data fetch` again later.")
        info = json.loads((partial / "TableInfos.json").read_text(encoding="utf-8"))
        files = {p.name: sha256_of(p) for p in sorted(partial.glob("*.json"))}
        manifest = {"table_id": table_id, "modified": (info[0] if info else {}).get("Modified"),
                    "title": (info[0] if info else {}).get("Title"), "source_url": url,
                    "downloaded_utc": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"), "files": files}
        (partial / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
        target = cache_dir / table_id
        old = cache_dir / f".{table_id}.old-{secrets.token_hex(3)}"
        if target.exists():
            os.rename(target, old)
        os.rename(partial, target)
        shutil.rmtree(old, ignore_errors=True)
        return CachedTable(table_id, target, manifest)
    finally:
        shutil.rmtree(partial, ignore_errors=True)


def status(cache_dir: Path, table_ids: list[str]) -> list[dict]:
    rows = []
    for t in table_ids:
        c = cached(t, cache_dir)
        rows.append({"table": t, "cached": c is not None,
                     "modified": c.manifest.get("modified") if c else None,
                     "downloaded_utc": c.manifest.get("downloaded_utc") if c else None,
                     "age_days": round(c.age_days, 1) if c else None,
                     "title": c.manifest.get("title") if c else None})
    return rows


def export_zip(cache_dir: Path, table_ids: list[str], target: Path) -> dict:
    """Write the cached tables and a manifest of checksums to ``target`` (a .zip)."""
    missing = [t for t in table_ids if cached(t, cache_dir) is None]
    if missing:
        raise DataError(f"Tables {missing} are not (completely) cached in {cache_dir}.",
                        f"run `blp data fetch {' '.join(missing)}` first.")
    manifest = {"created_utc": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"), "tables": {}}
    with replace_when_done(target) as tmp, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
        for t in table_ids:
            c = cached(t, cache_dir)
            manifest["tables"][t] = c.manifest
            for f in sorted(c.folder.iterdir()):
                zf.write(f, f"{t}/{f.name}")
        zf.writestr("blp-export.json", json.dumps(manifest, indent=2))
    return manifest


def import_zip(source: Path, cache_dir: Path) -> list[str]:
    """Verify every file of an export against its checksum, then install the tables in the cache."""
    try:
        zf = zipfile.ZipFile(source)
    except (OSError, zipfile.BadZipFile) as exc:
        raise DataError(f"{source} is not a readable zip: {exc}") from None
    with zf:
        try:
            manifest = json.loads(zf.read("blp-export.json"))
        except KeyError:
            raise DataError(f"{source} has no blp-export.json; it was not made by `blp data export`.") from None
        staging = cache_dir / f".import-{secrets.token_hex(3)}"
        try:
            for t, table_manifest in manifest["tables"].items():
                folder = staging / t
                folder.mkdir(parents=True)
                for name, digest in table_manifest["files"].items():
                    data = zf.read(f"{t}/{name}")
                    (folder / name).write_bytes(data)
                    if sha256_of(folder / name) != digest:
                        raise DataError(f"{source}: {t}/{name} does not match its checksum; the export is damaged "
                                        "or was changed.", "ask for a fresh export.")
                (folder / MANIFEST).write_text(json.dumps(table_manifest, indent=2), encoding="utf-8")
            cache_dir.mkdir(parents=True, exist_ok=True)
            for t in manifest["tables"]:
                target = cache_dir / t
                if target.exists():
                    shutil.rmtree(target)
                os.rename(staging / t, target)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return list(manifest["tables"])
