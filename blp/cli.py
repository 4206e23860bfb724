"""Command line: `blp run`, `blp gemeenten`, `blp table`, `blp validate`, `blp data` (also `python -m blp`)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from blp.errors import BlpError


def _output_file(path: str | None) -> Path | None:
    """An output file the command may write: its folder exists and it is not itself a folder."""
    if path is None:
        return None
    out = Path(path)
    if out.is_dir():
        raise BlpError(f"{out} is a folder; the output is a file.", f"name the file, e.g. {out / 'blp.csv'}.")
    if not out.parent.is_dir():
        raise BlpError(f"The folder {out.parent} does not exist.", "create it first, or write elsewhere.")
    return out


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} is not a positive number")
    return value


def _data_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--data", metavar="DIR", help="snapshot-schema data directory (default: $BLP_DATA_DIR, else the "
                                                 "data set embedded in the kit)")
    p.add_argument("--source", default="snapshot", choices=["snapshot", "cbs"],
                   help="snapshot: CSV folder (--data); cbs: live CBS StatLine via the cache (blp data ...)")
    p.add_argument("--activity", metavar="FILE", action="append", default=[],
                   help="own activity file (jobs or establishments per gemeente), repeatable")
    p.add_argument("--boundary-weights", metavar="FILE",
                   help="own boundary-change weights (CSV: from_year, from_code, to_year, to_code, share_of_from) "
                        "instead of the data set's (which are CC BY-NC-SA 4.0: non-commercial)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="blp", description="Bruto Lokaal Product of Dutch gemeenten.")
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="run the four report notebooks for gemeenten and export HTML")
    run.add_argument("gemeenten", nargs="*", metavar="GEMEENTE", help="gemeente codes (GM0917) or names (Heerlen)")
    run.add_argument("--all", action="store_true", help="every gemeente")
    run.add_argument("--corop", action="append", default=[], metavar="CRxx", help="every gemeente of a COROP region")
    run.add_argument("--provincie", action="append", default=[], metavar="PVxx", help="every gemeente of a provincie")
    _data_options(run)
    run.add_argument("--params", metavar="FILE", help="params file (default: params/<code>.yaml over params/default.yaml)")
    run.add_argument("--out", metavar="DIR", help="outputs folder (default: outputs/ in the project)")
    run.add_argument("--workers", type=_positive_int, metavar="N", help="parallel worker processes (default: number of cores)")
    run.add_argument("--resume", action="store_true",
                     help="skip gemeenten with a complete run for the same inputs, parameters and code")
    run.add_argument("--no-progress", action="store_true", help="no progress line")

    gem = sub.add_parser("gemeenten", help="list valid gemeente codes and names")
    _data_options(gem)
    gem.add_argument("--boundary-year", type=int, help="boundary year (default: newest)")

    tab = sub.add_parser("table", help="national BLP table (every gemeente) as CSV")
    _data_options(tab)
    tab.add_argument("--out", metavar="FILE", help="write to FILE instead of stdout")
    tab.add_argument("--va-year", type=int, help="value-added year (default: newest with every sector published; "
                                                 "years with a published total only split it by that year's structure)")
    tab.add_argument("--series", action="store_true", help="every year with regional value added, one row per year "
                                                            "and gemeente")
    tab.add_argument("--key", choices=["establishments", "jobs"], help="allocation key (default: jobs)")
    tab.add_argument("--key-year", type=int, help="key year (default: nearest to the value-added year)")
    tab.add_argument("--boundary-year", type=int, help="gemeente boundaries (default: newest)")
    val = sub.add_parser("validate", help="back-test the allocation one level up (NL -> provinces, provinces -> COROP) "
                                          "against published value added, for every key variant")
    _data_options(val)
    val.add_argument("--out", metavar="FILE", help="also write every region's error (CSV) to FILE")
    val.add_argument("--va-year", type=int, help="value-added year (default: newest with province and COROP detail)")
    val.add_argument("--key-year", type=int, help="jobs year of the keys (default: nearest to the value-added year)")
    data = sub.add_parser("data", help="the live CBS cache: fetch, status, export, import")
    dsub = data.add_subparsers(dest="data_command", required=True)
    fetch = dsub.add_parser("fetch", help="download CBS tables into the cache (default: every table the kit uses)")
    fetch.add_argument("tables", nargs="*", metavar="TABLE")
    fetch.add_argument("--if-missing", action="store_true", help="only tables that are not cached yet")
    dsub.add_parser("status", help="what is cached, when it was downloaded, and CBS's modified date")
    exp = dsub.add_parser("export", help="write cached tables with a checksum manifest to a zip (audit snapshot)")
    exp.add_argument("file", metavar="FILE.zip")
    exp.add_argument("tables", nargs="*", metavar="TABLE")
    imp = dsub.add_parser("import", help="verify and load an audit snapshot zip into the cache")
    imp.add_argument("file", metavar="FILE.zip")
    for p in (fetch, dsub.choices["status"], exp, imp):
        p.add_argument("--cache", metavar="DIR", help="cache folder (default: $BLP_CACHE_DIR or ~/.cache/blp/cbs)")
    return parser


def cmd_data(args) -> int:
    from blp.data import cbs_cache
    from blp.data.cbs_source import table_ids

    cache = Path(args.cache) if args.cache else cbs_cache.default_cache_dir()
    if args.data_command == "fetch":
        from tqdm import tqdm

        for t in args.tables or table_ids():
            if args.if_missing and cbs_cache.cached(t, cache):
                print(f"{t}: in de cache, overgeslagen")
                continue
            with tqdm(desc=f"{t:<10}", unit=" pagina's", file=sys.stderr, leave=False, dynamic_ncols=True) as bar:
                entry = cbs_cache.download(t, cache, on_page=lambda n, bar=bar: bar.update(1))
            print(f"{t}: {entry.manifest.get('title')} ({entry.manifest.get('rows', '?')} rijen, CBS gewijzigd "
                  f"{entry.manifest.get('modified')}) -> {entry.folder}")
    elif args.data_command == "status":
        print(f"cache: {cache}")
        for row in cbs_cache.status(cache, table_ids()):
            if row["cached"]:
                provisional = ", ".join(map(str, row["provisional_years"])) or "geen"
                print(f"{row['table']:<10} in de cache sinds {row['downloaded_utc']} ({row['age_days']} dagen), "
                      f"CBS gewijzigd {row['modified']}, {row['rows'] if row['rows'] is not None else '?'} rijen, "
                      f"voorlopige jaren: {provisional}: {row['title']}")
            else:
                print(f"{row['table']:<10} niet in de cache (blp data fetch {row['table']})")
    elif args.data_command == "export":
        manifest = cbs_cache.export_zip(cache, args.tables or table_ids(), _output_file(args.file))
        print(f"Wrote {len(manifest['tables'])} tables to {args.file}")
    else:
        tables = cbs_cache.import_zip(Path(args.file), cache)
        print(f"Imported and verified {len(tables)} tables into {cache}: {', '.join(tables)}")
    return 0


def cmd_run(args) -> int:
    from blp.paths import DEFAULT_OUTPUTS_DIR
    from blp.uitvoering.request import RunRequest, start_kernel_if_single

    if args.out and Path(args.out).exists() and not Path(args.out).is_dir():
        raise BlpError(f"--out {args.out} is a file; it names the folder the reports go to.",
                       "pass a folder (it is created if missing).")
    req = RunRequest(gemeenten=args.gemeenten, all=args.all, corop=args.corop, provincie=args.provincie,
                     source=args.source, data_dir=args.data, params_file=args.params,
                     outputs_dir=Path(args.out) if args.out else DEFAULT_OUTPUTS_DIR, activity_files=args.activity,
                     boundary_weights=args.boundary_weights, workers=args.workers, resume=args.resume, progress=not args.no_progress)
    from blp.uitvoering.engine import close_shared_session

    try:
        start_kernel_if_single(req)  # before importing the runner: the kernel imports the kit meanwhile
        from blp.uitvoering.runner import run_batch

        batch = run_batch(req)
    finally:
        close_shared_session()
    for r in batch.results:
        if r.status == "done":
            print(f"{r.code} {r.name}: report ready: {Path(r.folder) / 'index.html'}")
        elif r.status == "skipped":
            print(f"{r.code} {r.name}: skipped, complete run for the same inputs exists: {r.folder}")
        else:
            print(f"{r.code} {r.name}: FAILED: {r.error}\n  error report: {r.folder}", file=sys.stderr)
    n = {s: sum(r.status == s for r in batch.results) for s in ("done", "failed", "skipped")}
    if len(batch.results) > 1 or n["failed"]:
        print(f"Summary: {n['done']} done, {n['failed']} failed, {n['skipped']} skipped.", file=sys.stderr)
    print(f"Overview of all gemeenten: {batch.overview}")
    return 1 if n["failed"] else 0


def cmd_gemeenten(args) -> int:
    from blp.data import load_data
    from blp.data.gemeenten import gemeente_list

    data = load_data(args.source, args.data, args.activity, args.boundary_weights)
    year = args.boundary_year or data.boundary_years()[-1]
    if year not in data.boundary_years():
        raise BlpError(f"No boundaries for {year}.", f"choose one of {data.boundary_years()}.")
    gemeente_list(data, year).to_csv(sys.stdout, index=False, lineterminator="\n")
    return 0


def national_csv_table(result) -> "object":
    """The national table in the column order researchers expect, rounded sensibly."""
    n = result.national
    groups = [c for c in n.columns if c.startswith("blp_meur_")]
    cols = ["gemeente_code", "gemeente_name", "corop_code", "corop_name", "provincie_code", "provincie_name",
            "blp_meur", "population", "blp_per_inhabitant_eur", result.key.measure] + groups
    out = n[cols].copy()
    out[["blp_meur"] + groups] = out[["blp_meur"] + groups].round(6)
    out["blp_per_inhabitant_eur"] = out["blp_per_inhabitant_eur"].round(2)
    return out


def cmd_table(args) -> int:
    from blp.berekening.calculation import compute_blp, resolve_choices
    from blp.data import load_data
    from blp.params import load_params

    data = load_data(args.source, args.data, args.activity, args.boundary_weights)
    params = load_params(overrides={"va_year": args.va_year, "key": args.key, "key_year": args.key_year,
                                    "boundary_year": args.boundary_year})
    result = compute_blp(data, resolve_choices(data, params))
    c = result.choices
    if args.series:
        from blp.berekening.series import compute_series

        series = compute_series(data, params).table
        names = result.national.set_index("gemeente_code")["gemeente_name"]
        table = series.assign(gemeente_name=series["gemeente_code"].map(names))[
            ["year", "gemeente_code", "gemeente_name", "blp_meur", "key_year", "estimated_share", "provisional"]]
        table = table.assign(blp_meur=table["blp_meur"].round(6), estimated_share=table["estimated_share"].round(4))
        what = (f"{table['year'].nunique()} years x {table['gemeente_code'].nunique()} gemeenten (key {c.key}, "
                f"nearest key year per year; boundaries {c.boundary_year})")
    else:
        table = national_csv_table(result)
        what = (f"{len(table)} gemeenten (value added {c.va_year}"
                + (", sectors split from the published total" if result.va["estimated"].any() else "")
                + f", key {c.key} {c.key_year}, boundaries {c.boundary_year})")
    if args.out:
        from blp.atomic import replace_when_done

        with replace_when_done(_output_file(args.out)) as tmp:
            table.to_csv(tmp, index=False, lineterminator="\n")
        print(f"Wrote {what} to {args.out}.", file=sys.stderr)
    else:
        table.to_csv(sys.stdout, index=False, lineterminator="\n")
    return 0


def cmd_validate(args) -> int:
    from blp.berekening.backtest import LEVEL_NL, VARIANTS, run_backtest
    from blp.berekening.calculation import resolve_choices
    from blp.berekening.keys import nearest
    from blp.data import load_data
    from blp.params import load_params

    data = load_data(args.source, args.data, args.activity, args.boundary_weights)
    choices = resolve_choices(data, load_params(overrides={"va_year": args.va_year, "key": "establishments"}))
    # The back-test works one level up: it needs jobs per COROP region (jobs_corop.csv), not per gemeente.
    rj = data.regional_jobs
    complete = sorted(int(y) for y, g in rj.groupby("year") if g.loc[g["corop_code"] != "CR99", "jobs"].notna().all())
    if args.key_year is not None:
        key_year = args.key_year
    elif complete:
        key_year = nearest(complete, choices.va_year)
    else:
        raise BlpError("No year of jobs per COROP region without suppressed cells to back-test with.",
                       "add jobs_corop.csv with a complete year (docs/data-schema.md).")
    bt = run_backtest(data, choices.va_year, key_year, choices.composition_year)
    summary = bt.summary()
    print(f"Back-test: value added {bt.va_year} allocated one level up with keys of {bt.key_year}, compared with "
          "the published figures (absolute error of each region's total, %).")
    for level, rows in summary.groupby("level", sort=False):
        print(f"\n{LEVEL_NL[level]} (n = {rows['n'].iloc[0]})")
        print(f"  {'key':<16} {'median':>7} {'p90':>7} {'max':>7}  worst")
        for r in rows.itertuples():
            print(f"  {r.variant:<16} {r.median_abs_pct:>6.1f}% {r.p90_abs_pct:>6.1f}% {r.max_abs_pct:>6.1f}%  {r.worst_region}")
    print("\nMedian absolute error per group, provincie -> COROP (%):")
    print(bt.by_group().round(1).to_string(na_rep="-"))
    print("\nKeys: " + "; ".join(f"{k} = {v}" for k, v in VARIANTS.items()))
    if args.out:
        from blp.atomic import replace_when_done

        with replace_when_done(_output_file(args.out)) as tmp:
            bt.errors.round(6).to_csv(tmp, index=False, lineterminator="\n")
        print(f"Wrote {len(bt.errors)} rows (variant, level, region, group) to {args.out}.", file=sys.stderr)
    return 0


COMMANDS = {"run": cmd_run, "gemeenten": cmd_gemeenten, "table": cmd_table, "validate": cmd_validate, "data": cmd_data}


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except BlpError as exc:
        _debug()
        print(f"blp: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("blp: interrupted; no complete output was written for the unfinished run.", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `blp gemeenten | head`: the reader stopped reading, nothing to report
        return 1
    except OSError as exc:  # a folder that cannot be written (read-only, disk full, ...)
        _debug()
        where = f" ({exc.filename})" if getattr(exc, "filename", None) else ""
        print(f"blp: error: {exc.strerror or exc}{where}.\n  Fix: check that the folder exists, is writable and "
              "has space; nothing complete was written for the unfinished run.", file=sys.stderr)
        return 2


def _debug() -> None:
    """With BLP_DEBUG=1 the traceback behind an error message is printed too."""
    import os
    import traceback

    if os.environ.get("BLP_DEBUG"):
        traceback.print_exc()


def run_and_exit() -> None:
    """The `blp` command: ``main``, then end the process at once. Everything a command writes is closed
    and its threads and processes joined before ``main`` returns; what is left is Python tearing down
    pandas and matplotlib object by object, a third of a second after a run for nothing."""
    import logging
    import os

    code = main()
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except OSError:  # e.g. `blp gemeenten | head`: the reader has gone
            pass
    os._exit(code)


if __name__ == "__main__":
    run_and_exit()
