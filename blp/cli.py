"""Command line: `blp run`, `blp gemeenten`, `blp table`, `blp validate`, `blp data` (also `python -m blp`)."""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from blp.errors import OS_FIXES, BlpError, count_interrupts, interrupted, os_problem as _os_problem, stop_listening


def _output_file(path: str | None, inputs=()) -> Path | None:
    """An output file the command may write: named, its folder exists, it is not itself a folder and not one of the
    ``inputs`` (the data files the command reads: writing there would destroy them)."""
    if path is None:
        return None
    if not path.strip():
        raise BlpError("--out is leeg.", "geef een bestandsnaam, of laat --out weg.")
    out = Path(path)
    if any(out.resolve() == Path(f.path).resolve() for f in inputs if getattr(f, "path", None)):
        raise BlpError(f"{out} is een invoerbestand van deze berekening; --out zou het overschrijven.",
                       "geef een bestandsnaam buiten de gegevensmap.")
    if out.is_dir():
        raise BlpError(f"{out} is een map; de uitvoer is een bestand.",
                       f"geef een bestandsnaam, bijvoorbeeld {out / 'blp.csv'}.")
    if out.exists() and not out.is_file():
        raise BlpError(f"{out} is geen gewoon bestand (een apparaat, een pijp of een koppeling daarnaar); --out "
                       "vervangt het bestand in één keer.",
                       "geef een gewone bestandsnaam, of laat --out weg om de uitvoer op het scherm te krijgen.")
    if out.is_symlink():
        out = out.resolve()  # the file the link points to gets the new version; the link stays a link
    if not out.parent.is_dir():
        raise BlpError(f"De map {out.parent} bestaat niet.", "maak de map eerst aan, of schrijf naar een andere map.")
    return out


def _path(text: str) -> str:
    """A file or folder name from the command line; an empty one ('--out ""', say from an unset shell variable)
    is an error, not 'not given' (the run went into the project's outputs folder)."""
    if not text.strip():
        raise argparse.ArgumentTypeError("een lege naam; geef een bestand of map op, of laat de optie weg")
    return text


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is geen geheel getal") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} is geen positief getal")
    return value


NUMBER = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?", re.ASCII)


def _share(text: str) -> float:
    """A number from 0 to 1, with a decimal point or comma (plain digits: no 'nan', 'inf' or '0_5')."""
    if not NUMBER.fullmatch(text.strip()):
        raise argparse.ArgumentTypeError(f"{text!r} is geen getal (schrijf bijvoorbeeld 0,25)")
    value = float(text.strip().replace(",", "."))
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"{text!r} ligt niet tussen 0 en 1")
    return value


def _weight_nl(weight: float) -> str:
    """A weight as given, with a decimal comma and every digit it has (0,125; 0,000000001)."""
    import numpy as np

    return np.format_float_positional(weight, trim="-").replace(".", ",")


# argparse writes its own texts (usage, headings, -h, its errors) in English; these are the Dutch ones.
ARGPARSE_NL = (("the following arguments are required: ", "deze argumenten ontbreken: "),
               ("one of the arguments ", "een van deze argumenten is verplicht: "), (" is required", ""),
               ("invalid choice: ", "ongeldige keuze: "), ("(choose from ", "(kies uit "),
               ("unrecognized arguments: ", "onbekende argumenten: "),
               ("expected one argument", "hier hoort één waarde bij"),
               ("expected at least one argument", "hier hoort minstens één waarde bij"),
               ("expected at most one argument", "hier hoort hoogstens één waarde bij"),
               ("ambiguous option: ", "dubbelzinnige optie: "), (" could match ", " kan staan voor "),
               ("not allowed with argument ", "niet samen te gebruiken met argument "),
               ("ignored explicit argument ", "overbodige waarde "))


def argparse_nl(message: str) -> str:
    """One of argparse's error messages in Dutch (as far as it is known; the rest stays as it is)."""
    for en, nl in ARGPARSE_NL:
        message = message.replace(en, nl)
    return re.sub(r"invalid (\w+) value: ", r"ongeldige waarde (\1): ", message)


class _HelpFormatter(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        super().add_usage(usage, actions, groups, "gebruik: " if prefix is None else prefix)


class DutchArgumentParser(argparse.ArgumentParser):
    """An ArgumentParser whose own texts are Dutch: the usage line, the headings, -h and the errors."""

    def __init__(self, *args, **kwargs):
        add_help = kwargs.pop("add_help", True)
        kwargs.setdefault("formatter_class", _HelpFormatter)
        super().__init__(*args, add_help=False, **kwargs)
        self._positionals.title = "argumenten"
        self._optionals.title = "opties"
        if add_help:
            self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS, help="toon deze hulp en stop")

    def error(self, message: str):
        self.print_usage(sys.stderr)
        option = re.match(r"argument (--[\w-]+)[^:]*: expected one argument", message)
        hint = (f" (begint de waarde met een minteken, schrijf dan {option.group(1)}=WAARDE)" if option else "")
        self.exit(2, f"{self.prog}: fout: {argparse_nl(message)}{hint}\n")


def _data_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--data", metavar="MAP", type=_path, help="map met data in het snapshot-schema (standaard: $BLP_DATA_DIR, "
                                                 "anders de dataset die in de kit is ingebouwd)")
    p.add_argument("--source", default="snapshot", choices=["snapshot", "cbs"],
                   help="snapshot: map met CSV-bestanden (--data); cbs: actuele cijfers van CBS StatLine via de "
                        "cache (blp data ...)")
    p.add_argument("--activity", metavar="BESTAND", type=_path, action="append", default=[],
                   help="eigen activiteitenbestand (banen of vestigingen per gemeente); mag meer dan eens")
    p.add_argument("--boundary-weights", metavar="BESTAND", type=_path,
                   help="eigen herindelingsgewichten (CSV: from_year, from_code, to_year, to_code, "
                        "share_of_from) in plaats van die van de dataset (die vallen onder CC BY-NC-SA 4.0: "
                        "niet-commercieel)")


def build_parser() -> argparse.ArgumentParser:
    parser = DutchArgumentParser(prog="blp", description="Bruto Lokaal Product van Nederlandse gemeenten.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="OPDRACHT")

    run = sub.add_parser("run", help="maak de vier rapporten (notebooks) van gemeenten, als HTML")
    run.add_argument("gemeenten", nargs="*", metavar="GEMEENTE", help="gemeentecodes (GM0917) of -namen (Heerlen)")
    run.add_argument("--all", action="store_true", help="alle gemeenten")
    run.add_argument("--corop", action="append", default=[], metavar="CRxx", help="alle gemeenten van een COROP-gebied")
    run.add_argument("--provincie", action="append", default=[], metavar="PVxx",
                     help="alle gemeenten van een provincie")
    _data_options(run)
    run.add_argument("--params", metavar="BESTAND", type=_path,
                     help="params-bestand (standaard: params/<code>.yaml boven op params/default.yaml)")
    run.add_argument("--out", metavar="MAP", type=_path, help="uitvoermap (standaard: outputs/ in het project)")
    run.add_argument("--workers", type=_positive_int, metavar="N",
                     help="aantal parallelle werkprocessen (standaard: het aantal processorkernen)")
    run.add_argument("--resume", action="store_true",
                     help="sla gemeenten over die al een volledige run hebben met dezelfde invoer, parameters en code")
    run.add_argument("--no-progress", action="store_true", help="geen voortgangsregel")

    gem = sub.add_parser("gemeenten", help="toon de geldige gemeentecodes en -namen")
    _data_options(gem)
    gem.add_argument("--boundary-year", type=int, metavar="JAAR",
                     help="jaar van de gemeentegrenzen (standaard: het nieuwste)")

    tab = sub.add_parser("table", help="landelijke BLP-tabel (alle gemeenten) als CSV")
    _data_options(tab)
    tab.add_argument("--out", metavar="BESTAND", type=_path, help="schrijf naar BESTAND in plaats van naar het scherm (stdout)")
    tab.add_argument("--va-year", type=int, metavar="JAAR",
                     help="jaar van de toegevoegde waarde (standaard: het nieuwste met alle sectoren gepubliceerd; "
                          "is van een jaar alleen het totaal gepubliceerd, dan wordt dat verdeeld naar de sectoren "
                          "van dat jaar)")
    tab.add_argument("--series", action="store_true", help="elk jaar met regionale toegevoegde waarde, één rij per "
                                                            "jaar en gemeente")
    tab.add_argument("--key", choices=["establishments", "jobs"], help="verdeelsleutel (standaard: jobs)")
    tab.add_argument("--no-density", action="store_true",
                     help="sleutel banen zonder weging naar banendichtheid (standaard: gewogen, als de data het "
                          "toelaten)")
    tab.add_argument("--key-year", type=int, metavar="JAAR",
                     help="jaar van de verdeelsleutel (standaard: het jaar dat het dichtst bij het jaar van de "
                          "toegevoegde waarde ligt)")
    tab.add_argument("--boundary-year", type=int, metavar="JAAR",
                     help="jaar van de gemeentegrenzen (standaard: het nieuwste)")
    val = sub.add_parser("validate", help="toets de verdeling één niveau hoger (NL -> provincies, provincies -> "
                                          "COROP) aan de gepubliceerde toegevoegde waarde, voor elke verdeelsleutel")
    _data_options(val)
    val.add_argument("--out", metavar="BESTAND", type=_path, help="schrijf ook de afwijking per gebied (CSV) naar BESTAND")
    val.add_argument("--no-density", action="store_true",
                     help="toets de sleutels banen alleen zonder weging naar banendichtheid")
    val.add_argument("--va-year", type=int, metavar="JAAR",
                     help="jaar van de toegevoegde waarde (standaard: het nieuwste met cijfers per provincie en "
                          "COROP-gebied)")
    val.add_argument("--key-year", type=int, metavar="JAAR",
                     help="jaar van de banen in de verdeelsleutels (standaard: het jaar dat het dichtst bij het jaar "
                          "van de toegevoegde waarde ligt)")
    val.add_argument("--average-weight", type=_share, metavar="GEWICHT",
                     help="gewicht van de vestigingen in het gemiddelde van banen en vestigingen bij bouw en "
                          "cultuur/overige diensten (de sleutels jobs en jobs_uncorrected), van 0 (alleen banen) tot 1 "
                          "(alleen vestigingen); standaard 0,5. Om die keuze te toetsen; blp run gebruikt altijd 0,5.")
    data = sub.add_parser("data", help="de cache met actuele CBS-tabellen: fetch, status, export, import")
    dsub = data.add_subparsers(dest="data_command", required=True, metavar="OPDRACHT")
    fetch = dsub.add_parser("fetch", help="download CBS-tabellen naar de cache (standaard: alle tabellen die de "
                                          "kit gebruikt)")
    fetch.add_argument("tables", nargs="*", metavar="TABEL")
    fetch.add_argument("--if-missing", action="store_true", help="alleen tabellen die nog niet in de cache staan")
    dsub.add_parser("status", help="wat er in de cache staat, wanneer het is gedownload en wanneer het CBS de "
                                   "tabel voor het laatst wijzigde")
    exp = dsub.add_parser("export", help="schrijf tabellen uit de cache met een manifest met controlegetallen "
                                         "naar een zip (auditsnapshot)")
    exp.add_argument("file", metavar="BESTAND.zip", type=_path)
    exp.add_argument("tables", nargs="*", metavar="TABEL")
    imp = dsub.add_parser("import", help="controleer een auditsnapshot (zip) en laad die in de cache")
    imp.add_argument("file", metavar="BESTAND.zip", type=_path)
    for p in (fetch, dsub.choices["status"], exp, imp):
        p.add_argument("--cache", metavar="MAP", type=_path, help="cachemap (standaard: $BLP_CACHE_DIR of ~/.cache/blp/cbs)")
    return parser


def cmd_data(args) -> int:
    from blp.data import cbs_cache
    from blp.data.cbs_source import fetch, table_ids

    cache = Path(args.cache) if args.cache else cbs_cache.default_cache_dir()
    if args.data_command == "fetch":
        from tqdm import tqdm

        for t in args.tables or []:
            cbs_cache.check_table_id(t)  # all of them before the first download
        for t in args.tables or table_ids():
            if args.if_missing and cbs_cache.cached(t, cache):
                print(f"{t}: in de cache, overgeslagen")
                continue
            with tqdm(desc=f"{t:<10}", unit=" pagina's", file=sys.stderr, leave=False, dynamic_ncols=True) as bar:
                entry = fetch(t, cache, on_page=lambda n, bar=bar: bar.update(1))
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
        print(f"{len(manifest['tables'])} tabellen geschreven naar {args.file}")
    else:
        tables = cbs_cache.import_zip(Path(args.file), cache)
        print(f"{len(tables)} tabellen gecontroleerd en geïmporteerd in {cache}: {', '.join(tables)}")
    return 0


def _check_overview_files(outputs_dir: Path) -> None:
    """The files every run rewrites in the outputs folder must be files: a folder in their place would only be
    found after all reports were made."""
    from blp.rapport.overview import OVERVIEW_FILES

    for name in OVERVIEW_FILES:
        if (outputs_dir / name).is_dir():
            raise BlpError(f"{outputs_dir / name} is een map; elke run schrijft daar het overzicht als bestand.",
                           "haal die map weg of geef haar een andere naam, of kies een andere map met --out.")


def cmd_run(args) -> int:
    from blp.paths import DEFAULT_OUTPUTS_DIR
    from blp.uitvoering.request import RunRequest, start_kernel_if_single

    if args.out and Path(args.out).exists() and not Path(args.out).is_dir():
        raise BlpError(f"--out {args.out} is een bestand; --out is de map waar de rapporten in komen.",
                       "geef een map op (bestaat die nog niet, dan wordt hij aangemaakt).")
    _check_overview_files(Path(args.out) if args.out else DEFAULT_OUTPUTS_DIR)
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
            print(f"{r.code} {r.name}: rapport klaar: {Path(r.folder) / 'index.html'}")
        elif r.status == "skipped":
            print(f"{r.code} {r.name}: overgeslagen, er is al een volledige run met dezelfde invoer: {r.folder}")
        else:
            print(f"{r.code} {r.name}: MISLUKT: {r.error}\n  foutrapport: {r.folder}", file=sys.stderr)
    n = {s: sum(r.status == s for r in batch.results) for s in ("done", "failed", "skipped")}
    if len(batch.results) > 1 or n["failed"]:
        print(f"Samenvatting: {n['done']} klaar, {n['failed']} mislukt, {n['skipped']} overgeslagen.", file=sys.stderr)
    print(f"Overzicht van alle gemeenten: {batch.overview}")
    return 1 if n["failed"] else 0


def cmd_gemeenten(args) -> int:
    from blp.data import load_data
    from blp.data.gemeenten import gemeente_list

    data = load_data(args.source, args.data, args.activity, args.boundary_weights)
    year = args.boundary_year if args.boundary_year is not None else data.boundary_years()[-1]
    if year not in data.boundary_years():
        raise BlpError(f"Geen gemeentegrenzen voor {year}.", f"kies een van {data.boundary_years()}.")
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
    out = _output_file(args.out, data.inputs)  # before computing: a bad --out costs nothing
    params = load_params(overrides={"va_year": args.va_year, "key": args.key, "key_year": args.key_year,
                                    "boundary_year": args.boundary_year,
                                    "density_correction": False if args.no_density else None})
    result = compute_blp(data, resolve_choices(data, params))
    c = result.choices
    if args.series:
        from blp.berekening.series import compute_series

        series = compute_series(data, params).table
        names = result.national.set_index("gemeente_code")["gemeente_name"]
        table = series.assign(gemeente_name=series["gemeente_code"].map(names))[
            ["year", "gemeente_code", "gemeente_name", "blp_meur", "key_year", "estimated_share", "linked_share",
             "provisional"]]
        table = table.assign(blp_meur=table["blp_meur"].round(6), estimated_share=table["estimated_share"].round(4),
                             linked_share=table["linked_share"].round(4))
        what = (f"{table['year'].nunique()} jaren x {table['gemeente_code'].nunique()} gemeenten (verdeelsleutel "
                f"{result.key.label_nl.replace(f' ({c.key_year})', '')}, per jaar het dichtstbijzijnde sleuteljaar; "
                f"gemeentegrenzen {c.boundary_year})")
    else:
        table = national_csv_table(result)
        what = (f"{len(table)} gemeenten (toegevoegde waarde {c.va_year}"
                + (", sectoren verdeeld uit het gepubliceerde totaal" if result.va["estimated"].any() else "")
                + f", verdeelsleutel {result.key.label_nl}, gemeentegrenzen {c.boundary_year})")
    if out is not None:
        from blp.atomic import replace_when_done

        with replace_when_done(out) as tmp:
            table.to_csv(tmp, index=False, lineterminator="\n")
        print(f"Geschreven naar {args.out}: {what}.", file=sys.stderr)
    else:
        table.to_csv(sys.stdout, index=False, lineterminator="\n")
    return 0


def _print_group_difference(diff) -> None:
    """The standard key against establishments per group, with how much of the difference is luck of the regions."""
    from blp.berekening.backtest import MIN_REGIONS
    from blp.dutch import num, signed_num as signed

    if diff.empty:
        print(f"\nGeen vergelijking per groep met vestigingen: daarvoor zijn minstens {MIN_REGIONS} getoetste gebieden "
              "nodig (provincie → COROP).")
        return
    def end(v: float) -> str:  # an interval's end just off 0 keeps its sign: '−3,5 tot −0,0' does not hold 0
        return signed(v) if abs(v) >= 0.05 or v == 0 else ("−" if v < 0 else "+") + "0,0"

    print("\nStandaardsleutel min vestigingen per groep, provincie → COROP (mediaan, procentpunt); 90%-interval: als\n"
          "andere gebieden getoetst waren (bootstrap); zonder één gebied: telkens één gebied weggelaten.")
    print(f"  {'groep':<6} {'standaard':>9} {'vestigingen':>11} {'verschil':>9} {'90%-interval':>18} "
          f"{'zonder één gebied':>18}")
    for r in diff.itertuples():
        interval = f"{end(r.p05_pp)} tot {end(r.p95_pp)}"
        left_out = f"{signed(r.left_out_min_pp)} tot {signed(r.left_out_max_pp)}"
        print(f"  {r.group:<6} {num(r.median_abs_pct, 1):>8}% {num(r.against_abs_pct, 1):>10}% "
              f"{signed(r.difference_pp):>9} {interval:>18} {left_out:>18}")
    def unsure(low: str, high: str, n: str) -> None:
        groups = diff[(diff[low] < 0) & (diff[high] > 0)]["group"].tolist()
        counts = sorted(set(diff[n]))
        if groups:
            print(f"  Waar het interval 0 bevat ({', '.join(groups)}), is het verschil met "
                  f"{counts[0] if len(counts) == 1 else f'{counts[0]} tot {counts[-1]}'} gebieden niet van toeval te "
                  "onderscheiden.")

    unsure("p05_pp", "p95_pp", "n")
    diff = diff.dropna(subset=["misplaced_pct"])  # in euros too few regions, or none with the group's value added
    if diff.empty:
        return
    print("\nHetzelfde in euro's: het deel van de toegevoegde waarde van de groep dat de sleutel bij een ander gebied\n"
          "legt dan waar het CBS het telt (de helft van de som van de absolute verschillen, gedeeld door de som; %).")
    print(f"  {'groep':<6} {'standaard':>9} {'vestigingen':>11} {'verschil':>9} {'90%-interval':>18}")
    for r in diff.itertuples():
        interval = f"{end(r.misplaced_p05_pp)} tot {end(r.misplaced_p95_pp)}"
        print(f"  {r.group:<6} {num(r.misplaced_pct, 1):>8}% {num(r.against_misplaced_pct, 1):>10}% "
              f"{signed(r.misplaced_difference_pp):>9} {interval:>18}")
    unsure("misplaced_p05_pp", "misplaced_p95_pp", "misplaced_n")


def cmd_validate(args) -> int:
    from blp.berekening.backtest import AVERAGED_VARIANTS, LEVEL_NL, run_backtest
    from blp.berekening.jobs_key import ESTABLISHMENTS_WEIGHT
    from blp.berekening.calculation import resolve_choices
    from blp.berekening.keys import nearest
    from blp.data import load_data
    from blp.dutch import num
    from blp.params import load_params

    data = load_data(args.source, args.data, args.activity, args.boundary_weights)
    out = _output_file(args.out, data.inputs)  # before the back-test and its report: a bad --out costs nothing
    choices = resolve_choices(data, load_params(overrides={"va_year": args.va_year, "key": "establishments"}))
    # The back-test works one level up: it needs jobs per COROP region (jobs_corop.csv), not per gemeente.
    rj = data.regional_jobs
    complete = sorted(int(y) for y, g in rj.groupby("year") if g.loc[g["corop_code"] != "CR99", "jobs"].notna().all())
    if args.key_year is not None:
        key_year = args.key_year
        if key_year not in complete:
            usable = ", ".join(map(str, complete)) if complete else "geen"
            raise BlpError(f"--key-year {key_year}: " + ("de banen per COROP-gebied van dat jaar hebben onderdrukte "
                                                         "cellen" if key_year in set(rj["year"]) else
                                                         "er zijn geen banen per COROP-gebied van dat jaar")
                           + " (jobs_corop.csv), en de toets heeft ze allemaal nodig.",
                           f"kies een jaar zonder onderdrukte cellen: {usable}.")
    elif complete:
        key_year = nearest(complete, choices.va_year)
    else:
        raise BlpError("Er is geen jaar met banen per COROP-gebied zonder onderdrukte cellen om mee te toetsen.",
                       "voeg jobs_corop.csv toe met een volledig jaar (docs/data-schema.md).")
    weight = ESTABLISHMENTS_WEIGHT if args.average_weight is None else args.average_weight
    bt = run_backtest(data, choices.va_year, key_year, choices.composition_year, weighting=not args.no_density,
                      average_weight=weight)
    summary = bt.summary()
    print(f"Toets: toegevoegde waarde {bt.va_year} één niveau hoger verdeeld met verdeelsleutels van {bt.key_year}, "
          "vergeleken met de gepubliceerde cijfers (absolute afwijking van het totaal per gebied, %).")
    for level, level_nl in LEVEL_NL.items():
        rows = summary[summary["level"] == level] if len(summary) else summary
        if not len(rows):
            why = ("elke provincie heeft in deze gegevens maar één COROP-gebied" if level == "provincie_corop" else
                   "deze gegevens hebben maar één provincie")
            print(f"\n{level_nl}: niets te toetsen: {why}.")
            continue
        print(f"\n{level_nl} (n = {rows['n'].iloc[0]})")
        print(f"  {'sleutel':<16} {'mediaan':>7} {'p90':>7} {'max':>7}  slechtste")
        for r in rows.itertuples():
            print(f"  {r.variant:<16} " + " ".join(f"{num(v, 1):>6}%" for v in (r.median_abs_pct, r.p90_abs_pct,
                                                                                   r.max_abs_pct))
                  + f"  {r.worst_region}")
    groups = bt.by_group()
    print("\nMediane absolute afwijking per groep, provincie → COROP (%):")
    print(groups.rename_axis(index="groep").to_string(na_rep="-", float_format=lambda v: num(v, 1)) if len(groups) else
          "  geen: elke provincie in deze gegevens is één COROP-gebied, dus er is op dit niveau niets te toetsen.")
    default = bt.default_variant
    _print_group_difference(bt.group_difference(default))
    _print_agriculture_test(data, key_year, choices)
    labels = bt.labels()
    if weight != ESTABLISHMENTS_WEIGHT:
        given = f"gewicht {_weight_nl(weight)} voor de vestigingen (--average-weight), niet {_weight_nl(ESTABLISHMENTS_WEIGHT)}"
        print(f"\nLet op: bouw en cultuur/overige diensten hier gemiddeld met {given} zoals in blp run; de sleutels "
              "jobs en jobs_uncorrected zijn dus niet die van blp run.")
        labels = {k: v.replace("gemiddeld met vestigingen", f"gemiddeld met vestigingen, {given}") for k, v in
                  labels.items()}
    print("\nVerdeelsleutels: " + "; ".join(f"{k} = {v}" + (" (standaard)" if k == default and weight ==
                                                            ESTABLISHMENTS_WEIGHT else "") for k, v in labels.items()))
    if out is not None:
        from blp.atomic import replace_when_done

        with replace_when_done(out) as tmp:
            averaged = bt.errors["variant"].isin(AVERAGED_VARIANTS)  # the weight they were measured with, on each row
            bt.errors.assign(average_weight=(averaged * weight).where(averaged)).round(6).to_csv(
                tmp, index=False, lineterminator="\n")
        print(f"{len(bt.errors)} rijen (variant, level, region, group) geschreven naar {args.out}.", file=sys.stderr)
    return 0


def _print_agriculture_test(data, year: int, choices) -> None:
    """The seed of agriculture's fit, tested on the gemeenten whose A jobs CBS publishes (hidden, estimated again)."""
    from blp.berekening.backtest import agriculture_backtest, agriculture_errors
    from blp.dutch import num

    errors = agriculture_errors(agriculture_backtest(data, year, choices.boundary_year, choices.composition_year))
    if errors["n_median"].iloc[0] < 5:
        return
    print(f"\nLandbouw (A) per gemeente, waar het CBS de banen publiceert (n = {errors['n'].iloc[0]}, {year}): die "
          "banen verborgen en opnieuw geschat, met als startpunt het landoppervlak (zoals blp run) of de vestigingen "
          "(landbouw samen met openbaar bestuur, onderwijs en zorg).")
    print(f"  {'startpunt':<16} {'mediaan':>7} {'verkeerd geplaatst':>19}   (mediaan: van de "
          f"{errors['n_median'].iloc[0]} met meer dan 0 banen)")
    for seed, name in (("by_area", "landoppervlak"), ("by_establishments", "vestigingen")):
        print(f"  {name:<16} {num(errors.loc[seed, 'median_abs_pct'], 1):>6}% "
              f"{num(errors.loc[seed, 'misplaced_pct'], 1):>18}%")


COMMANDS = {"run": cmd_run, "gemeenten": cmd_gemeenten, "table": cmd_table, "validate": cmd_validate, "data": cmd_data}


INTERRUPTED = "blp: onderbroken; voor de onafgemaakte run is geen volledige uitvoer geschreven."


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if extra:
        if args.command == "run" and not any(e.startswith("-") for e in extra):
            args.gemeenten = list(args.gemeenten) + extra  # `blp run GM0917 --out X GM0882`: gemeenten after options
        else:
            parser.error("unrecognized arguments: " + " ".join(extra))
    try:
        return COMMANDS[args.command](args)
    except KeyboardInterrupt:
        pass
    except Exception:
        if not interrupted():
            return _error()
        _debug()  # whatever a Ctrl-C cut short (a read, an import, a second Ctrl-C in the clean-up)
    return _stopped()


def _stopped() -> int:
    """Say once that the command was interrupted; further interrupts only count from here."""
    stop_listening()
    print(INTERRUPTED, file=sys.stderr)
    return 130


def _error() -> int:
    """The message and exit code of the exception being handled."""
    try:
        raise
    except BlpError as exc:
        _debug()
        print(f"blp: fout: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # `blp gemeenten | head`: the reader stopped reading, nothing to report
        return 1
    except OSError as exc:  # a folder that cannot be written (read-only, disk full, ...)
        _debug()
        fix = OS_FIXES.get(exc.errno, "controleer of de map bestaat, of je erin mag schrijven en of er ruimte is")
        print(f"blp: fout: {_os_problem(exc)}.\n  Oplossing: {fix}; voor de onafgemaakte run is niets "
              "volledigs geschreven.", file=sys.stderr)
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
    pandas and matplotlib object by object after a run, for nothing (measured: README, Speed)."""
    import logging
    import os

    count_interrupts()
    try:
        code = main()
    except KeyboardInterrupt:  # a second Ctrl-C in the instant before main stopped listening
        code = _stopped()
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except OSError:  # e.g. `blp gemeenten | head`: the reader has gone
            pass
    os._exit(code)


if __name__ == "__main__":
    run_and_exit()
