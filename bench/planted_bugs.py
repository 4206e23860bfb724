"""Plant small bugs in the report layer, one at a time, and check the tests notice each (issue 19).

  python bench/planted_bugs.py            # prints CAUGHT/MISSED per bug; exit 1 if any is missed

Works on a temporary git worktree of HEAD (the checkout itself is never touched) and runs
the report-layer and method tests (``TESTS``) against each planted bug. Not part of the test suite (twenty pytest
runs).
"""

import pathlib
import shutil
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parents[1]

# (file, text, the same text with a bug): the ten report bugs of issue 19 and two more it names
MUTATIONS = [
 ("blp/dutch.py", 'text = text.replace(",", "\\x00").replace(".", ",").replace("\\x00", ".")', 'text = text'),
 ("blp/rapport/fmt.py", 'text = ("+" if shown > 0 else MINUS if shown < 0 else "±") + text',
  'text = (MINUS if shown > 0 else "+" if shown < 0 else "±") + text'),
 ("blp/rapport/narrative.py", "f\"{h['gemeente_name']} op plaats {nl_rank['blp_meur']} naar omvang van het BLP en op plaats \"\n        f\"{nl_rank['blp_per_inhabitant_eur']} naar", "f\"{h['gemeente_name']} op plaats {nl_rank['blp_per_inhabitant_eur']} naar omvang van het BLP en op plaats \"\n        f\"{nl_rank['blp_meur']} naar"),
 ("blp/rapport/narrative.py", 'word = "hoger" if own > med else "lager"', 'word = "lager" if own > med else "hoger"'),
 ("blp/rapport/paginas/berekening.py", '    table(n, {"gemeente_name": "Gemeente"', '    0 and table(n, {"gemeente_name": "Gemeente"'),
 ("blp/berekening/derived.py", '"share_of_corop": float(own_part / corop_va)', '"share_of_corop": float(own_part / (corop_va * 1.1))'),
 ("blp/berekening/sensitivity.py", '"difference_pct": (row.to_numpy(dtype=float) / main - 1) * 100', '"difference_pct": (main / row.to_numpy(dtype=float) - 1) * 100'),
 ("blp/berekening/quality.py", "OK if worst == 0 else FAIL", "OK if worst >= 0 else FAIL"),
 ("blp/rapport/overview.py", 'table.sort_values("blp_meur", ascending=False)', 'table.sort_values("blp_meur", ascending=True)'),
 ("blp/uitvoering/fingerprints.py", '"inputs": sorted(f.sha256 for f in national.data.inputs + national.io.inputs),',
  '"inputs": [],'),
 ("blp/welvaart/scoring.py", "return TOP if s >= 75 else BOTTOM if s <= 25 else MIDDLE", "return TOP if s >= 80 else BOTTOM if s <= 20 else MIDDLE"),
 ("blp/welvaart/expected.py", '    X["log_inwoners"] = np.log(n["population"])\n', ''),
 # found by the readers of 2026-11-30 (tests/test_report_wording.py, tests/test_backtest.py)
 ("blp/berekening/backtest.py", 'frame = frame[~frame["region_code"].isin(only_children)]', 'frame = frame'),
 ("blp/beleid/scenarios.py", "(lq.reindex(levers.index) >= STRONG_LQ) & (levers >= EXAMPLE_MIN)",
     "(lq.reindex(levers.index) > 1) & (levers > 0)"),
 ("blp/dutch.py", "if len(label) < 2 or label[1].isupper() or label[1].isdigit():", "if len(label) < 2:"),
 ("blp/rapport/samenvatting.py", '" if blp == TOP else', '" if False else'),
 # found by a breaker and a reader of 2026-11-30, late (tests/test_bad_input.py, tests/test_report_*.py, test_beleid.py)
 ("blp/beleid/policy.py", "a_g = np.minimum(regionalise(a_n, region / 1e6, nation, delta), a_c)",
  "a_g = regionalise(a_n, region / 1e6, nation, delta)"),
 ("blp/berekening/peers.py", "columns.append(np.log(jobs_ratio.reindex(df.index).where(lambda s: s > 0)))", "pass"),
 ("blp/data/canonical.py", "    _check_sector_sums(data.value_added)  # a region against itself first", "    # "),
 ("blp/data/csv_source.py", "dtype={c: str for c in [*CODE_COLUMNS, *COUNT_COLUMNS]}", "dtype={c: str for c in CODE_COLUMNS}"),
 ("blp/rapport/paginas/berekening.py", '"corop_old": cagr(old) if', '"corop_old": cagr(corop) if'),
 # the job-density weighting (2026-11-30): the back-test must not see the province it tests, the weight stays
 # within the measured range, the warning says which way, impossible densities are refused
 ("blp/berekening/productivity.py", 'fitted = _fit(cells[cells["provincie_code"] != province] if province else cells, keep)',
  "fitted = _fit(cells, density)"),
 ("blp/berekening/productivity.py", 'return np.clip(np.asarray(relative_log_density, dtype="float64"), self.low, self.high)',
  'return np.asarray(relative_log_density, dtype="float64")'),
 ("blp/rapport/narrative.py", 'sparse = effect["difference_pct"] > 0', 'sparse = effect["difference_pct"] < 0'),
 ("blp/berekening/productivity.py", "bad = sorted(wide.index[dens.notna() & ((dens < low) | (dens > high))])",
  "bad = sorted(wide.index[dens.notna() & (dens < 0)])"),
 # the averaging of F and R-U (2026-11-30, evening): its weight, published cells left alone, no gemeente left out
 ("blp/berekening/jobs_key.py", "ESTABLISHMENTS_WEIGHT = 0.5", "ESTABLISHMENTS_WEIGHT = 0.25"),
 ("blp/berekening/jobs_key.py", "skip=set(published[published].index))", "skip=set())"),
 ("blp/berekening/jobs_key.py", "    missing = sorted(set(units[\"gemeente_code\"].unique()) - have)", "    missing = []"),
 # the back-test in euros and the averaging weight of blp validate (2026-11-30, late)
 ("blp/berekening/backtest.py", "return float(50 * np.sum(off) / np.sum(published))",
  "return float(100 * np.sum(off) / np.sum(published))"),
 ("blp/rapport/paginas/berekening.py", 'if r["misplaced_p95_pp"] < 0 else', 'if r["misplaced_p05_pp"] < 0 else'),
 ("blp/berekening/backtest.py", 'euros = cells.dropna(subset=["a_off", "b_off"])', 'euros = cells.dropna()'),
 ("blp/rapport/paginas/berekening.py", 'average_best &= "het gemiddelde" in best', "average_best &= True"),
 ("blp/rapport/paginas/berekening.py", ', dezelfde toets als hierboven: de keuze is dus niet los van deze cijfers getoetst. " if same',
  ', dezelfde toets als hierboven: de keuze is dus niet los van deze cijfers getoetst. " if True'),
 ("blp/cli.py", "                      average_weight=weight)", "                      average_weight=ESTABLISHMENTS_WEIGHT)"),
 # a breaker and a reader of 2026-12-01: agriculture seeded by land area, own tables and params that cannot be
 # computed, the front page's words and the charts' ticks
 ("blp/berekening/jobs_key.py", "agriculture_by_area: bool = True) -> JobsFit:\n    \"\"\"Employee",
  "agriculture_by_area: bool = False) -> JobsFit:\n    \"\"\"Employee"),
 ("blp/beleid/io_table.py", "over = inputs[inputs >= table.output]", "over = inputs[inputs > 1e18]"),
 ("blp/data/csv_source.py", '    check_weight_codes(frames["boundary_changes"], est, weights_label)\n', ""),
 ("blp/beleid/scenarios.py", 'if _group_of(code, result) == HOUSING_GROUP and change.unit == "jobs":', "if False:"),
 ("blp/data/gemeenten.py", "if not [c for c in peers.gemeenten if c != gemeente]:", "if not peers.gemeenten:"),
 ("blp/rapport/samenvatting.py", '{items(best)}." if best_top else', '{items(best)}." if len(best) else'),
 ("blp/rapport/charts.py", "for decimals in range(most + 1):", "for decimals in range(1):"),
 ("blp/rapport/paginas/beleid.py", "{num(round_estimate(f.dwellings * vacant / 100))}",
  "{num(round(f.dwellings * vacant / 100, -2))}"),
 ("blp/berekening/ras.py", "over = free & ~np.isnan(upper) & (result.matrix > upper)", "over = free & False"),
 ("blp/berekening/jobs_key.py", 'bound=np.where(grid["value"] == 0, zero_bound or 0.0, 0.0)', "bound=0.0"),
 ("blp/data/canonical.py", 'if measure == "jobs" and not self.own_activity.get(measure, {}).get(year) else None',
  'if measure == "jobs" else None'),
 ("blp/berekening/ras.py", "under = free & ~np.isnan(lower) & (result.matrix < lower)", "under = free & False"),
 ("blp/berekening/jobs_key.py", "whole = (wide[\"present\"] - wide[\"part\"]).abs() < 1e-9", "whole = wide[\"present\"] > 0"),
 ("blp/berekening/jobs_key.py", "if least > published[j] + slack or published[j] > most + slack:",
  "if least > published[j] + slack:"),
 ("blp/berekening/jobs_key.py", "over = parts.index[parts[\"sum\"] > totals.reindex(parts.index) + slack]",
  "over = parts.index[:0]"),
 ("blp/rapport/narrative.py", "if opposing and math.exp(abs(minor)) - 1 >= 0.1:", "if False:"),
 ("blp/rapport/narrative.py", "werken, of niet werken\" if by_jobs < 0 else", "werken, of niet werken\" if by_jobs > 0 else"),
 ("blp/rapport/narrative.py", "if expected <= 0 or jobs / expected < SURPLUS_NOTED:", "if expected <= 0 or jobs / expected < 3:"),
 # 2026-12-01: a whole COROP region, the series linked across a change of division
 ("blp/berekening/derived.py", "if members != {gemeente} or (left[\"corop_code\"].isin(codes) & (left[\"value_eur\"] != 0)).any():",
  "if members != {gemeente}:"),
 ("blp/berekening/derived.py", "members |= set(result.national.loc[", "members = members | set() or members; set(result.national.loc["),
 ("blp/berekening/value_added.py", "factor = (both[\"value_meur\"] / both[\"value\"]).where(",
  "factor = (both[\"value\"] / both[\"value_meur\"]).where("),
 ("blp/berekening/value_added.py", "if not low <= r.value_meur / r.value <= high:", "if False:"),
 ("blp/berekening/value_added.py", "growth = growth.where(growth.index != first_new, ((1 + growth / 100) / factor - 1) * 100)",
  "growth = growth.where(growth.index != first_new, ((1 + growth / 100) * factor - 1) * 100)"),
 ("blp/berekening/value_added.py", "values = values.where(values.index >= first_new, values * factor)",
  "values = values.where(values.index > first_new, values * factor)"),
 ("blp/rapport/narrative.py", "{'hoger' if factor < 1 else 'lager'}", "{'lager' if factor < 1 else 'hoger'}"),
 ("blp/rapport/narrative.py", "if h.get(\"corop_sectors_estimated\") else \", ook per sector\")",
  "if False else \", ook per sector\")"),
 ("blp/rapport/paginas/berekening.py", "if fit is None or view.whole_region:", "if fit is None:"),
 ("blp/rapport/samenvatting.py", "high = [g for g in exceptional_per_job(pol.per_job).index if g in groups]", "high = []"),
 # this session's (2026-12-01, midday): series breaks and checks, the band's cap, amounts read alike, scenario losses,
 # peers, the reconciliation, the jobs check's rounding, the held share, future inhabitants, sheet names
 ("blp/berekening/series_breaks.py", " or abs(shift.sum()) > BREAK_BALANCE * shift.abs().max():", ":"),
 ("blp/berekening/series_breaks.py", "float(r[year] / (r[year - 1] * joint))", "float(r[year - 1] * joint / r[year])"),
 ("blp/berekening/value_added.py", "links = [(int(b.break_year), float(b.factor)) for b in own.itertuples()]",
  "links = []"),
 ("blp/data/canonical.py", 'for vintage, part in nominal.groupby("vintage", sort=False):',
  'for vintage, part in nominal.iloc[0:0].groupby("vintage", sort=False):'),
 ("blp/data/canonical.py", "SERIES_PRICE_RANGE = (-30.0, 50.0)", "SERIES_PRICE_RANGE = (-90.0, 500.0)"),
 ("blp/rapport/narrative.py", "{meur(min(upper, most))}", "{meur(upper)}"),
 ("blp/rapport/fmt.py", "for decimals in (1 if hi / lo >= 1.25 else 2, 3):", "for decimals in (1,):"),
 ("blp/beleid/scenarios.py", "if loss > have * 1.0001:", "if loss > have * 10:"),
 ("blp/berekening/peers.py", "if own is None or others.empty or others.min() <= own <= others.max():", "if True:"),
 ("blp/rapport/paginas/berekening.py", "guests = [str(names.get(g, g)) for g in parts.index if g not in own]", "guests = []"),
 ("blp/berekening/jobs_key.py", "int((~np.isnan(col_known) | ~np.isnan(col_lower)).sum()) + JOBS_ROUNDING / 2",
  "int((~np.isnan(col_known) | ~np.isnan(col_lower)).sum()) + 0"),
 ("blp/rapport/samenvatting.py", 'if key_year > start and not view.whole_region else ""', 'if False else ""'),
 ("blp/beleid/scenarios.py", "if len(p) and convertible(data, int(year), boundary):", "if False:"),
 ("blp/rapport/downloads.py", 'for head in (base, base.split(" ")[0]):', "for head in (base,):"),
]
TESTS = ["tests/test_report_layer.py", "tests/test_report_wording.py", "tests/test_backtest.py", "tests/test_beleid.py",
         "tests/test_productivity.py", "tests/test_report_berekening.py", "tests/test_bad_input.py",
         "tests/test_boundaries_and_gemeenten.py", "tests/test_data_sources.py", "tests/test_derived.py",
         "tests/test_series.py"]


def main() -> int:
    work = pathlib.Path(tempfile.mkdtemp(prefix="blp-planted-"))
    root = work / "tree"
    subprocess.run(["git", "worktree", "add", "--detach", "-f", str(root), "HEAD"], cwd=ROOT, check=True,
                   capture_output=True)
    for test in TESTS:  # the tests as they are in the checkout, also when not committed yet
        shutil.copy(ROOT / test, root / test)
    if (ROOT.parent / "shared").is_dir():  # the reference folder beside the project, as tests/conftest.py finds it:
        (work / "shared").symlink_to(ROOT.parent / "shared")  # without it the tests that read it would be skipped
    try:
        return _plant_all(root)
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(root)], cwd=ROOT, capture_output=True)
        shutil.rmtree(work, ignore_errors=True)


def _plant_all(root: pathlib.Path) -> int:
    caught = 0
    for path, old, new in MUTATIONS:
        p = root / path
        src = p.read_text()
        if old not in src:  # the code moved: the bug list needs updating, which counts as missed
            print("NOT FOUND", path, old[:60])
            continue
        p.write_text(src.replace(old, new, 1))
        env = {"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin", "BLP_NO_CACHE": "1"}
        r = subprocess.run([sys.executable, "-m", "pytest", "-q", "-x", *TESTS], cwd=root,
                           capture_output=True, text=True, env=env)
        p.write_text(src)
        ok = r.returncode != 0
        caught += ok
        print("CAUGHT" if ok else "MISSED", path, old[:50].replace("\n", " "))
    print(caught, "of", len(MUTATIONS))
    return 0 if caught == len(MUTATIONS) else 1


if __name__ == "__main__":
    sys.exit(main())
