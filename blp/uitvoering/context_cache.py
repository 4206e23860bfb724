"""The national calculation, kept between runs: same data, choices and code, same context.

The national context (every gemeente's BLP, the key fit, the back-test, the series, the indicator panel)
is the same for every run on the same inputs. A run stores it in ``<outputs>/.cache`` under a key of
everything it depends on: the sha256 of every input file, the data source, the choices and params that shape
it, the kit's code and notebooks, and the versions of Python and of the packages the manifest lists (pandas,
numpy, matplotlib, statsmodels, ...). A later run with the same key loads it instead of computing it again
(timings: README, Speed). A change in any of these gives a new key; an unreadable cache file is computed
again, and a file is used only if it holds its own key and a context made from the run's very input files (a
copy of an older file under the current name is not). The overview page's maps, drawn from the national
context alone, are kept the same way (``overview-<key>.pkl``; used only if it holds SVG drawings).
``BLP_NO_CACHE=1`` turns the cache off. The files are Python pickles: loading one runs code, so the cache is
only as trustworthy as the outputs folder it sits in (the kit reads only its own).
"""

from __future__ import annotations

import os
import pickle
import sys
from pathlib import Path

from blp.atomic import replace_when_done
from blp.beleid.policy import IO_DIR_ENV, default_io_dir
from blp.berekening.calculation import resolve_choices
from blp.data import CanonicalData
from blp.params import Params
from blp.rapport.context import NationalContext, compute_national
from blp.rapport.overview import overview_figures as draw_overview
from blp.schema import digest, to_dict
from blp.uitvoering.manifest import package_versions

NO_CACHE_ENV = "BLP_NO_CACHE"
CACHE_DIR = ".cache"
KEEP = 6  # cache files kept per outputs folder, newest first


def _file_stamp(path: str | None) -> list:
    """Size and modification time of a user's IO table (file, or the files of a folder)."""
    if not path:
        return []
    p = Path(path)
    files = sorted(p.iterdir()) if p.is_dir() else [p]
    return [[str(f), f.stat().st_size, f.stat().st_mtime_ns] for f in files if f.is_file()]


def cache_key(data: CanonicalData, params: Params, code_digest: str) -> str:
    """Everything the national context depends on, digested."""
    io = params.beleid.io
    return digest({
        "inputs": sorted([f.table, f.sha256] for f in data.inputs),
        "source": data.source,
        "choices": resolve_choices(data, params).as_dict(),
        "sensitivity": list(params.sensitivity),
        "io": to_dict(io),
        "io_files": _file_stamp(io.path or os.environ.get(IO_DIR_ENV) or default_io_dir(data)),
        "code": code_digest,
        "versions": [sys.version, package_versions()],  # pandas, numpy, matplotlib (the maps), statsmodels, ...
    })


def national_context(data: CanonicalData, params: Params, outputs_dir: Path, code_digest: str) -> NationalContext:
    """The national context for ``data`` and ``params``: from the cache when an earlier run left it, else
    computed and stored for the next run."""
    if os.environ.get(NO_CACHE_ENV):
        return compute_national(data, params)
    key = cache_key(data, params, code_digest)
    path = _path(outputs_dir, "national", key)
    ctx = _read(path, key)
    # the file holds what its name says: its key, and a context made from these very input files
    if isinstance(ctx, NationalContext) and ctx.fits(params) and \
            sorted(f.sha256 for f in ctx.data.inputs) == sorted(f.sha256 for f in data.inputs):
        return ctx
    ctx = compute_national(data, params)
    _write(path, key, ctx)
    return ctx


def kept_or_drawn_overview(national: NationalContext, params: Params, outputs_dir: Path,
                           code_digest: str) -> tuple[dict, bool]:
    """The overview page's maps and histogram (``blp.rapport.overview.overview_figures``), the same for every run
    on the same national context: the ones an earlier run kept, or drawn now (about a second; then True, and
    ``keep_overview`` keeps them). Writes nothing, so it may run on a thread that the command's end cuts short."""
    if not os.environ.get(NO_CACHE_ENV):
        key = cache_key(national.data, params, code_digest)
        figures = _read(_path(outputs_dir, "overview", key), key)
        if _overview_figures_shape(figures):
            return figures, False
    return draw_overview(national), True


def keep_overview(national: NationalContext, params: Params, outputs_dir: Path, code_digest: str,
                  figures: dict) -> None:
    """Keep drawn overview figures for the next run on the same national context."""
    if not os.environ.get(NO_CACHE_ENV):
        key = cache_key(national.data, params, code_digest)
        _write(_path(outputs_dir, "overview", key), key, figures)


def _overview_figures_shape(figures) -> bool:
    """What ``blp.rapport.overview.overview_figures`` returns: an SVG (or the sentence that replaces it), and
    (caption, SVG) per map."""
    return (isinstance(figures, dict) and set(figures) == {"histogram", "maps"}
            and isinstance(figures["histogram"], str) and figures["histogram"].startswith(("<svg", "<p>"))
            and isinstance(figures["maps"], list)
            and all(isinstance(m, tuple) and len(m) == 2 and all(isinstance(x, str) for x in m)
                    and m[1].startswith("<svg") for m in figures["maps"]))


def _path(outputs_dir: Path, kind: str, key: str) -> Path:
    return Path(outputs_dir) / CACHE_DIR / f"{kind}-{key[:24]}.pkl"


def _read(path: Path, key: str):
    """What ``path`` holds under ``key``; None for a missing, damaged or foreign file (computed again)."""
    if not path.exists():
        return None
    try:
        with open(path, "rb") as fh:
            stored = pickle.load(fh)
    except Exception:  # noqa: BLE001 - a damaged or foreign cache file is computed again
        return None
    if not (isinstance(stored, dict) and stored.get("key") == key):
        return None
    try:
        os.utime(path)  # recently used: kept longest
    except OSError:
        pass  # another user's file, or one just pruned: it is only kept less long
    return stored.get("value")


def _write(path: Path, key: str, value) -> None:
    """Keep ``value`` under ``key`` for the next run, and only the ``KEEP`` newest files of its kind."""
    kind = path.name.split("-")[0]
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with replace_when_done(path) as tmp, open(tmp, "wb") as fh:
            pickle.dump({"key": key, "value": value}, fh, protocol=pickle.HIGHEST_PROTOCOL)
        older = sorted(path.parent.glob(f"{kind}-*.pkl"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
        for old in older[KEEP:]:
            old.unlink(missing_ok=True)
    except OSError:
        pass  # a cache that cannot be written only costs time
