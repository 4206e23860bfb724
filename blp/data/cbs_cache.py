"""Download CBS tables with cbsodata into an audit-grade cache, and manage it.

Layout: ``<cache>/<TABLE>/`` holds cbsodata's own files (one JSON per entity set, as written by
``cbsodata.download_data(dir=...)``) plus ``blp-cache.json`` with the table's ``Modified`` date,
the download time, the source URL and a sha256 per file. A table is downloaded into a hidden
partial folder and swapped in only when complete, so a failed download never replaces a good one.
"""

from __future__ import annotations

import json
import logging
import os
import re
import secrets
import shutil
import time
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlparse

from tenacity import Retrying, retry_if_exception, stop_after_attempt, stop_before_delay, wait_exponential

from blp.atomic import replace_when_done
from blp.data.canonical import sha256_of
from blp.errors import DataError

CACHE_ENV, URL_ENV = "BLP_CACHE_DIR", "BLP_CBS_URL"
MANIFEST = "blp-cache.json"
RETRIES, BACKOFF_S, TIMEOUT_S = 4, 1.0, 60
DEADLINE_S = 300.0  # a table that has not downloaded in this time is given up, with a message naming it
RETRY_STATUS = {429, 500, 502, 503, 504}  # CBS's feed answers these under load; worth another try
MAX_MEMBER_BYTES, MAX_IMPORT_BYTES = 1 << 30, 4 << 30  # an audit export's largest file, and all of them


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
        datetime.fromisoformat(str(manifest["downloaded_utc"]).replace("Z", "+00:00"))
        if not isinstance(manifest.get("files"), dict) or not manifest["files"]:
            return None
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None  # not a complete table as this kit writes them: fetch it again
    for name, digest in manifest.get("files", {}).items():
        if not (folder / name).exists() or sha256_of(folder / name) != digest:
            return None
    return CachedTable(table_id, folder, manifest)


def _retryable(exc: BaseException) -> bool:
    import requests

    if isinstance(exc, (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError)):
        return True
    # cbsodata re-raises an HTTPError without its response; the original is the one it was raised from
    for err in (exc, exc.__cause__, exc.__context__):
        response = getattr(err, "response", None)
        if isinstance(err, requests.HTTPError) and response is not None:
            return response.status_code in RETRY_STATUS
    return False


class DownloadError(DataError):
    """A table could not be fetched: the network, the server, the time it took."""


class _PageCounter(logging.Handler):
    """Watches the pages cbsodata requests (it logs 'Download <url>' for each): reports them, and stops the download
    past the table's deadline or when the server sends the same page again (a nextLink loop). cbsodata's paging
    loop has no deadline of its own; an exception raised here ends it."""

    def __init__(self, table_id: str, on_page, deadline: float):
        super().__init__(logging.INFO)
        self.table_id, self.on_page, self.deadline, self.pages, self.seen = table_id, on_page, deadline, 0, set()

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if not (message.startswith("Download ") and f"/{self.table_id}/" in message):
            return
        if time.monotonic() > self.deadline:
            raise _Deadline(self.table_id)
        if "DataSet" in message:
            if message in self.seen:
                raise _PageLoop(message.split(" ", 1)[1])
            self.seen.add(message)
            self.pages += 1
            if self.on_page is not None:
                self.on_page(self.pages)


class _Deadline(Exception):
    """The table's deadline passed while its pages came in."""


class _PageLoop(Exception):
    """The server sent a page it had sent before."""


@contextmanager
def _watch_pages(table_id: str, on_page, deadline: float):
    """``_PageCounter`` on the root logger for the duration; the log's other handlers keep their own level, so
    cbsodata's page lines are not printed."""
    root = logging.getLogger()
    handler, level = _PageCounter(table_id, on_page, deadline), root.level
    others = {h: h.level for h in root.handlers}
    for h in others:
        h.setLevel(max(h.level, logging.WARNING))
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        yield
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
        for h, old in others.items():
            h.setLevel(old)


def _table_facts(folder: Path) -> dict:
    """Rows of the data set and the years CBS marks provisional, for `blp data status`."""
    facts = {}
    data = folder / "TypedDataSet.json"
    if data.exists():
        facts["rows"] = len(json.loads(data.read_text(encoding="utf-8")))
    periods = folder / "Perioden.json"
    if periods.exists():
        facts["provisional_years"] = provisional_in(json.loads(periods.read_text(encoding="utf-8")))
    return facts


def provisional_in(periods: list[dict]) -> list[int]:
    """Years CBS marks as provisional in a Perioden dimension: status 'Voorlopig' or a title ending in '*'."""
    return sorted({int(p["Key"][:4]) for p in periods if str(p.get("Key", "")).endswith("JJ00")
                   and ("voorlopig" in str(p.get("Status") or "").lower()  # Voorlopig, Nader voorlopig
                        or str(p.get("Title", "")).rstrip().endswith("*"))})


def download(table_id: str, cache_dir: Path, url: str | None = None, retries: int | None = None,
             backoff_s: float | None = None, timeout_s: float | None = None,
             deadline_s: float | None = None, on_page=None, selection=None) -> CachedTable:
    """Fetch ``table_id`` with cbsodata and swap it into the cache. Connection errors and HTTP 429/5xx are
    retried with back-off; each request has a time-out and the whole table a deadline. ``selection``: a function
    from the table's DataProperties to the columns (``$select``) and row filter (``$filter``) to fetch; the
    DataProperties are fetched first for it."""
    import cbsodata

    check_table_id(table_id)
    retries = RETRIES if retries is None else max(1, retries)
    backoff_s = BACKOFF_S if backoff_s is None else backoff_s
    timeout_s = TIMEOUT_S if timeout_s is None else timeout_s
    deadline_s = DEADLINE_S if deadline_s is None else deadline_s
    url = url or cbs_url()
    parsed = urlparse(url if "://" in url else f"https://{url}")
    cache_dir.mkdir(parents=True, exist_ok=True)
    partial = cache_dir / f".{table_id}.partial-{secrets.token_hex(3)}"
    started = time.monotonic()
    chosen: dict = {}

    def attempt() -> None:
        left = deadline_s - (time.monotonic() - started)
        shutil.rmtree(partial, ignore_errors=True)
        cbsodata.options.use_https = parsed.scheme == "https"
        catalog_url, timeout = parsed.netloc + parsed.path.rstrip("/"), min(timeout_s, max(left, 0.1))
        if selection is not None:
            chosen["select"], chosen["filter"] = selection(
                cbsodata.get_meta(table_id, "DataProperties", catalog_url=catalog_url, timeout=timeout))
        with _watch_pages(table_id, on_page, started + deadline_s):
            cbsodata.download_data(table_id, dir=str(partial), catalog_url=catalog_url, timeout=timeout,
                                   select=chosen.get("select"), filters=chosen.get("filter"))

    # tenacity: connection errors and HTTP 429/5xx again after 1, 2, 4 ... times backoff_s, at most `retries`
    # attempts, and no wait that would end past the deadline
    retrying = Retrying(stop=stop_after_attempt(retries) | stop_before_delay(deadline_s),
                        wait=wait_exponential(multiplier=backoff_s, exp_base=2), retry=retry_if_exception(_retryable),
                        reraise=True, sleep=time.sleep)
    try:
        try:
            retrying(attempt)
        except DataError:  # the table's metadata did not fit the catalogue (selection): that message as it is
            raise
        except _PageLoop as exc:
            raise DataError(f"CBS-tabel {table_id}: de server van {url} stuurde dezelfde pagina nog eens ({exc}); "
                            "de tabel komt zo nooit compleet binnen.",
                            "probeer `blp data fetch` later opnieuw; blijft het, meld het aan het CBS.") from None
        except Exception as exc:
            if isinstance(exc, _Deadline):
                exc = TimeoutError("pagina's kwamen te traag")
            elif not _retryable(exc):  # 404 (no such table) and the like are not retried
                raise DownloadError(f"Het downloaden van CBS-tabel {table_id} van {url} is mislukt: {exc}",
                                "controleer de tabelcode in blp/data/cbs_catalog.yaml.") from None
            tries = retrying.statistics.get("attempt_number", 1)
            if tries < retries or isinstance(exc, TimeoutError):
                raise DownloadError(f"CBS-tabel {table_id} is niet binnen {deadline_s:.0f} s gedownload van {url} "
                                f"(laatste fout: {type(exc).__name__}).",
                                "de server is traag of antwoordt niet; probeer `blp data fetch` later opnieuw.") from None
            raise DownloadError(f"CBS-tabel {table_id} kon na {retries} pogingen niet worden gedownload van {url}: "
                            f"{type(exc).__name__}: {exc}",
                            "controleer de netwerkverbinding en probeer `blp data fetch` later opnieuw.") from None
        info = json.loads((partial / "TableInfos.json").read_text(encoding="utf-8"))
        props = partial / "DataProperties.json"
        if not props.exists() or not json.loads(props.read_text(encoding="utf-8")):
            # a table without its columns' description cannot be read later: not a table to keep in the cache
            raise DownloadError(f"CBS-tabel {table_id} van {url} kwam binnen zonder beschrijving van haar kolommen "
                                "(DataProperties); zo is ze niet te gebruiken.",
                                "controleer de tabelcode; probeer `blp data fetch` later opnieuw, en meld het aan "
                                "het CBS als het blijft.")
        files = {p.name: sha256_of(p) for p in sorted(partial.glob("*.json"))}
        manifest = {"table_id": table_id, "modified": (info[0] if info else {}).get("Modified"),
                    "title": (info[0] if info else {}).get("Title"), "source_url": url,
                    "downloaded_utc": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"), "files": files,
                    **({"select": chosen["select"], "filter": chosen["filter"]} if chosen else {}),
                    **_table_facts(partial)}
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
                     "title": c.manifest.get("title") if c else None,
                     "rows": c.manifest.get("rows") if c else None,
                     "provisional_years": c.manifest.get("provisional_years", []) if c else []})
    return rows


def export_zip(cache_dir: Path, table_ids: list[str], target: Path) -> dict:
    """Write the cached tables and a manifest of checksums to ``target`` (a .zip)."""
    missing = [t for t in table_ids if cached(t, cache_dir) is None]
    if missing:
        raise DataError(f"Tabellen {missing} staan niet (volledig) in de cache {cache_dir}.",
                        f"voer eerst `blp data fetch {' '.join(missing)}` uit.")
    manifest = {"created_utc": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"), "tables": {}}
    with replace_when_done(target) as tmp, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
        for t in table_ids:
            c = cached(t, cache_dir)
            manifest["tables"][t] = {**c.manifest,
                                     "sizes": {n: (c.folder / n).stat().st_size for n in c.manifest["files"]}}
            for name in sorted(c.manifest["files"]):
                zf.write(c.folder / name, f"{t}/{name}")
        zf.writestr("blp-export.json", json.dumps(manifest, indent=2))
    return manifest


TABLE_ID = re.compile(r"[0-9A-Za-z]{5,16}")
FILE_NAME = re.compile(r"[0-9A-Za-z][0-9A-Za-z_.-]{0,99}")


def is_table_id(table_id) -> bool:
    """A CBS table code (84721NED): letters and digits only, so it names a folder inside the cache."""
    return isinstance(table_id, str) and TABLE_ID.fullmatch(table_id) is not None


def check_table_id(table_id: str) -> None:
    """Refuse what is not a CBS table code (84721NED): the code names a folder of the cache, so '../x' would
    write, and replace, a folder outside it."""
    if not is_table_id(table_id):
        raise DataError(f"{str(table_id)[:40]!r} is geen CBS-tabelcode.",
                        "een tabelcode bestaat uit letters en cijfers, bijvoorbeeld 84721NED (zie `blp data status`).")


def _checked_manifest(source: Path, raw: bytes) -> dict[str, dict]:
    """The tables of an export's ``blp-export.json``, every name and checksum checked: table ids and file names
    are plain names (no separators, no '..', nothing absolute), checksums 64 hex digits."""
    def bad(what: str) -> DataError:
        return DataError(f"{source}: blp-export.json {what}.",
                         "gebruik een export die met `blp data export` is gemaakt, zonder wijzigingen.")

    try:
        doc = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise bad("is geen geldige JSON") from None
    tables = doc.get("tables") if isinstance(doc, dict) else None
    if not isinstance(tables, dict) or not tables:
        raise bad("heeft geen lijst 'tables' (tabel: gegevens)")
    for tid, entry in tables.items():
        if not is_table_id(tid):
            raise bad(f"noemt een tabel {str(tid)[:40]!r}, maar dat is geen CBS-tabelcode")
        files = entry.get("files") if isinstance(entry, dict) else None
        if not isinstance(files, dict) or not files:
            raise bad(f"noemt geen bestanden voor tabel {tid}")
        for name, digest in files.items():
            if not isinstance(name, str) or not FILE_NAME.fullmatch(name) or ".." in name or name == MANIFEST:
                raise bad(f"noemt een bestand {str(name)[:40]!r} van tabel {tid}, maar dat is geen gewone bestandsnaam")
            if not isinstance(digest, str) or not re.fullmatch(r"[0-9a-f]{64}", digest):
                raise bad(f"heeft geen sha256 voor {tid}/{name}")
        sizes = entry.get("sizes", {})
        if not isinstance(sizes, dict):
            raise bad(f"heeft bij {tid} 'sizes' die geen lijst van bestanden met hun grootte zijn")
    return tables


def import_zip(source: Path, cache_dir: Path) -> list[str]:
    """Verify an export and install its tables in the cache. Only the members the manifest names are read, each
    at most MAX_MEMBER_BYTES (and the size the manifest states), all into a staging folder inside the cache that
    is swapped in whole when every checksum matched; nothing is written outside the cache."""
    if not Path(source).is_file():
        raise DataError(f"{source} is geen bestand.", "geef de zip op die `blp data export` heeft geschreven.")
    try:
        zf = zipfile.ZipFile(source)
    except (OSError, zipfile.BadZipFile) as exc:
        raise DataError(f"{source} is geen leesbare zip: {exc}",
                        "geef de zip op die `blp data export` heeft geschreven.") from None
    with zf:
        try:
            info = zf.getinfo("blp-export.json")
        except KeyError:
            raise DataError(f"{source} bevat geen blp-export.json; de zip is niet gemaakt met "
                            "`blp data export`.") from None
        if info.file_size > 1 << 20:
            raise DataError(f"{source}: blp-export.json is {info.file_size} bytes; het manifest van een export is "
                            "klein.")
        tables = _checked_manifest(source, zf.read(info))
        from blp.data.cbs_source import table_ids

        unknown = sorted(set(tables) - set(table_ids()))
        if unknown:
            raise DataError(f"{source} bevat tabel(len) {', '.join(unknown)} die de kit niet gebruikt.",
                            "importeer een export die met `blp data export` van deze kit is gemaakt.")
        for tid, entry in tables.items():
            try:
                datetime.fromisoformat(str(entry["downloaded_utc"]).replace("Z", "+00:00"))
            except (KeyError, ValueError):
                raise DataError(f"{source}: tabel {tid} heeft geen geldige downloadtijd in blp-export.json.",
                                "importeer een export die met `blp data export` is gemaakt, zonder "
                                "wijzigingen.") from None
            sizes = entry.get("sizes", {})
            if any(not isinstance(v, int) or v < 0 for v in sizes.values()):
                raise DataError(f"{source}: de grootte van de bestanden van tabel {tid} in blp-export.json is geen "
                                "aantal bytes.",
                                "importeer een export die met `blp data export` is gemaakt, zonder wijzigingen.")
        if cache_dir.exists() and not cache_dir.is_dir():
            raise DataError(f"De cache {cache_dir} is een bestand, geen map.", "laat --cache naar een map wijzen.")
        cache_dir.mkdir(parents=True, exist_ok=True)
        staging = cache_dir / f".import-{secrets.token_hex(3)}"
        total = 0
        try:
            for tid, entry in tables.items():
                folder = staging / tid
                folder.mkdir(parents=True)
                for name, digest in entry["files"].items():
                    member = f"{tid}/{name}"
                    try:
                        zinfo = zf.getinfo(member)
                    except KeyError:
                        raise DataError(f"{source}: {member} staat in blp-export.json, maar niet in de zip.",
                                        "vraag om een nieuwe export.") from None
                    stated = entry.get("sizes", {}).get(name)
                    if zinfo.file_size > MAX_MEMBER_BYTES or (stated is not None and zinfo.file_size != stated):
                        raise DataError(f"{source}: {member} is {zinfo.file_size} bytes"
                                        + (f", volgens het manifest {stated}" if stated is not None else "")
                                        + f" (hoogstens {MAX_MEMBER_BYTES} per bestand).",
                                        "vraag om een nieuwe export.")
                    total += zinfo.file_size
                    if total > MAX_IMPORT_BYTES:
                        raise DataError(f"{source} wordt bij het uitpakken groter dan {MAX_IMPORT_BYTES} bytes.",
                                        "importeer het in delen, of vraag om een kleinere export.")
                    try:
                        _extract_capped(zf, zinfo, folder / name, zinfo.file_size)
                    except (zipfile.BadZipFile, RuntimeError, NotImplementedError, OSError, EOFError) as exc:
                        raise DataError(f"{source}: {member} is niet uit te pakken ({type(exc).__name__}: {exc}).",
                                        "vraag om een nieuwe export.") from None
                    if sha256_of(folder / name) != digest:
                        raise DataError(f"{source}: {member} klopt niet met het controlegetal; de export is beschadigd "
                                        "of gewijzigd.", "vraag om een nieuwe export.")
                (folder / MANIFEST).write_text(json.dumps(entry, indent=2), encoding="utf-8")
            old = cache_dir / f".replaced-{secrets.token_hex(3)}"
            old.mkdir()
            for tid in tables:
                target = cache_dir / tid
                if target.exists():
                    os.rename(target, old / tid)
                os.rename(staging / tid, target)
            shutil.rmtree(old, ignore_errors=True)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return list(tables)


def _extract_capped(zf: zipfile.ZipFile, zinfo: zipfile.ZipInfo, target: Path, limit: int) -> None:
    """Write one member, reading no more than ``limit`` bytes whatever its header claims."""
    written = 0
    with zf.open(zinfo) as src, open(target, "wb") as dst:
        while chunk := src.read(1 << 20):
            written += len(chunk)
            if written > limit:
                raise DataError(f"{zinfo.filename} wordt bij het uitpakken groter dan de opgegeven {limit} bytes.",
                                "vraag om een nieuwe export.")
            dst.write(chunk)
