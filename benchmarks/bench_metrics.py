"""Benchmark: `govstats.metrics` and `govstats.yoy` over the cells of 10,000 generated reports.

The cell table is built from generated reports (`govstats.testing`, the cells a correct reader
returns), not parsed: the benchmark measures the evaluation alone.  500 distinct reports are
drawn and each is repeated under 20 agency names (10,000 reports, about two million cells).  The
floor, measured in the same run, is one pass over the same long table (the sum of `value` per
report): the least any evaluation of the cells must do.

    .venv/bin/python benchmarks/bench_metrics.py [--reports 10000]
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import govstats  # noqa: E402
from govstats.testing import generate_report  # noqa: E402

DISTINCT = 500


def cell_table(reports: int) -> pd.DataFrame:
    """The long cell table of `reports` generated reports, with the columns of `Corpus.cells`."""
    drawn = [generate_report(seed) for seed in range(min(DISTINCT, reports))]
    expected = [g.expected() for g in drawn]
    frames = []
    for n in range(reports):
        g, cells = drawn[n % len(drawn)], expected[n % len(drawn)]
        copy = n // len(drawn)
        frames.append(cells.assign(report=f"{g.name}-{copy}.txt", agency=f"{g.agency}{copy}", city=pd.NA,
                                   year=g.year, format_version=g.version))
    cells = pd.concat(frames, ignore_index=True)
    for col in ("report", "agency", "table", "row", "col", "kind", "format_version"):
        cells[col] = cells[col].astype("category")
    cells["year"] = cells["year"].astype("Int64")
    return cells


def best_of(repeat: int, func, *args) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        out = func(*args)
        times.append(time.perf_counter() - start)
    return min(times), out


def rows(reports: int = 10_000, repeat: int = 3) -> list[tuple[str, float]]:
    """(what, seconds) of the floor, `govstats.metrics` and `govstats.yoy` on `reports` reports."""
    cells = cell_table(reports)
    floor, _ = best_of(repeat, lambda: cells.groupby("report", observed=True)["value"].sum())
    t_metrics, values = best_of(repeat, govstats.metrics, cells)
    t_yoy, _ = best_of(repeat, govstats.yoy, values)
    what = f"{reports:,} reports, {len(cells):,} cells"
    return [(f"floor: sum of value per report, {what}", floor),
            (f"govstats.metrics, {what}", t_metrics), (f"govstats.yoy of those {len(values):,} rows", t_yoy)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    measured = rows(args.reports, args.repeat)
    floor = measured[0][1]
    for what, seconds in measured:
        print(f"{what}: {seconds:.3f} s ({seconds / floor:.1f}x the floor)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
