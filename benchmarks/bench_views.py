"""Benchmark: the corpus views (`Corpus.table`, plain, derived and labelled; `checks`; `soft_checks`)
against a `pandas.pivot_table` of the same cells, timed in the same run (issue 24).

A generated corpus (the carriers of bench_corpus10k; four reports an agency under its manifest,
so agencies have consecutive years and the cross-year soft checks run) is loaded once from its
store; each view is timed three times, the fastest counts, and is compared with the fastest of
three `pivot_table`s of the cells it reads: one table's cells by (report, row) × col for the
tables, every table's cells for the checks (they read all three), t3 and t2 for the soft checks.

    .venv/bin/python benchmarks/bench_views.py [--reports 2000 10000] [--distinct 2000]
"""
from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pandas as pd  # noqa: E402

import govstats  # noqa: E402
from govstats.testing import Deviations, generate_report  # noqa: E402

CARRIERS = ("tab", "pipe", "lines", "flat", "html")
ROUNDS = 3
#: the goal: each view at most this many times its pivot floor
GOAL = 2.0


def write_corpus(folder: Path, reports: int, distinct: int | None = None) -> None:
    """`reports` generated reports, four an agency; with `distinct`, only that many are generated
    and the rest are hard links to them under other names and agencies (the store parses each
    distinct file once: a large corpus is built in minutes, its views see `reports` reports)."""
    rows = ["path,agency"]
    distinct = min(distinct or reports, reports)
    for seed in range(distinct):
        carrier = CARRIERS[seed % len(CARRIERS)]
        rendering = generate_report(seed, deviations=Deviations.draw(seed, carrier)).render(carrier)
        (folder / rendering.name).write_bytes(rendering.data)
        for copy in range(seed, reports, distinct):
            name = rendering.name if copy == seed else f"c{copy}-{rendering.name}"
            if copy != seed:
                os.link(folder / rendering.name, folder / name)
            rows.append(f"{name},generated agency {copy // 4:06d}")
    (folder / "manifest.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")


def fastest(call: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(ROUNDS):
        start = time.perf_counter()
        call()
        best = min(best, time.perf_counter() - start)
    return best


def pivot(cells: pd.DataFrame, tables: tuple[str, ...]) -> Callable[[], object]:
    """A pivot_table of the cells of `tables`: (report, table, row) × col, the first value."""
    def run() -> object:
        part = cells[cells["table"].isin(tables)]
        return part.pivot_table(index=["report", "table", "row"], columns="col", values="value", aggfunc="first",
                                observed=True)
    return run


def measure(corpus: govstats.Corpus) -> list[tuple[str, float, float]]:
    """(view, seconds, seconds of its pivot floor) for each view."""
    cells = corpus.cells
    views: list[tuple[str, Callable[[], object], tuple[str, ...]]] = [
        ('table("t3")', lambda: corpus.table("t3"), ("t3",)),
        ('table("t3", derived=True)', lambda: corpus.table("t3", derived=True), ("t3",)),
        ('table("t3", derived=True, lang="zh")', lambda: corpus.table("t3", derived=True, lang="zh"), ("t3",)),
        ('table("t2", derived=True)', lambda: corpus.table("t2", derived=True), ("t2",)),
        ('checks("lenient")', lambda: corpus.checks("lenient"), ("t2", "t3", "t4")),  # strict: the same work, cached
        ("soft_checks()", corpus.soft_checks, ("t2", "t3")),
    ]
    floors: dict[tuple[str, ...], float] = {}
    out = []
    for what, call, tables in views:
        if tables not in floors:
            floors[tables] = fastest(pivot(cells, tables))
        out.append((what, fastest(call), floors[tables]))
    return out


def rows(reports: int, folder: str | None = None, distinct: int | None = None) -> list[tuple[str, float, float]]:
    """Generate `reports` reports (`distinct` of them different: `write_corpus`), load them
    (parsing, then from the store), measure the views."""
    with tempfile.TemporaryDirectory(prefix="govstats-bench-views-", dir=folder) as tmp, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        corpus_dir = Path(tmp) / "corpus"
        corpus_dir.mkdir()
        write_corpus(corpus_dir, reports, distinct)
        govstats.read_corpus(corpus_dir, cache=Path(tmp) / "cache", progress=False)
        corpus = govstats.read_corpus(corpus_dir, cache=Path(tmp) / "cache", progress=False)
        return measure(corpus)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, nargs="+", default=[2000, 10_000])
    parser.add_argument("--folder", help="where to write the corpus (default: the system's temporary folder)")
    parser.add_argument("--distinct", type=int, help="generate only this many different reports; the rest are "
                                                      "hard links under other names and agencies")
    args = parser.parse_args(argv)
    print(f"| reports | view | seconds | pivot floor | × floor (goal <= {GOAL:g}) |")
    print("|---:|---|---:|---:|---:|")
    for n in args.reports:
        for what, seconds, floor in rows(n, args.folder, args.distinct):
            print(f"| {n:,} | `{what}` | {seconds:.3f} | {floor:.3f} | {seconds / floor:.2f} |", flush=True)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(f"peak memory of this process: {peak / 2**30:.2f} GiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
