"""All benchmarks in one run, printed as one table with the targets of issue 7 (`make bench`).

    .venv/bin/python benchmarks/run.py            # the full run (about 15 minutes on 2 cores)
    .venv/bin/python benchmarks/run.py --quick    # a smaller run to check that it works

Rows: parse rates per carrier (generated and real reports, and `pandas.read_html` as the HTML
baseline; one process, so per core), a generated corpus of 10,000 reports loaded cold and from
the cache (each in a fresh process, with its peak memory), `govstats.metrics` and `govstats.yoy`
of 10,000 reports' cells (benchmarks/bench_metrics.py), the corpus views against a pivot_table
of the same cells (benchmarks/bench_views.py; at 10x the reports too, built of the smaller run's count / 10
distinct reports linked under other names and agencies), `govstats.query` of every metric by year and
province over a 100,000-report dataset beside DuckDB's own SQL (benchmarks/bench_national.py; its
1,000,000-report run is by hand), the batch's wall time per notebook at
--jobs 1 and 2 (benchmarks/bench_batch.py's corpus of renamed agencies), and the OCR carrier's
seconds per page and per report at jobs 1 and 2 (benchmarks/bench_ocr.py), and `govstats fetch`
over four local hosts at --hosts-at-once 1, 2 and 4 with every host's politeness checked, and the
fetch manifest of 100,000 documents (benchmarks/bench_fetch.py).  The machine is
described in the table's heading.  benchmarks/bench_corpus.py (the cache on the bundled corpus)
runs on its own.
"""
from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import bench_corpus10k  # noqa: E402
import bench_fetch  # noqa: E402
import bench_metrics  # noqa: E402
import bench_national  # noqa: E402
import bench_parse  # noqa: E402
import bench_views  # noqa: E402

import govstats  # noqa: E402

PARSE_TARGET = 200.0  # reports per second per core, text and HTML carriers
TARGETED = ("tab text", "pipe text", "one cell per line", "flattened text", "HTML")
COLD_TARGET, CACHED_TARGET, MEMORY_TARGET = 60.0, 2.0, 2**30
#: the ratio goals of issue 12 (measured in the same run)
TEXT_FLOOR_GOAL, HTML_GOAL, JOBS_GOAL, PARQUET_GOAL, MEMORY_GOAL = 15.0, 1.0, 1.6, 2.0, 1.5


def machine() -> str:
    """CPU model and count, memory, Python and govstats versions."""
    lscpu = subprocess.run(["lscpu"], capture_output=True, text=True).stdout if shutil.which("lscpu") else ""
    model = next((line.split(":", 1)[1].strip() for line in lscpu.splitlines()
                  if line.startswith("Model name")), platform.processor() or "unknown CPU")
    memory = next((int(line.split()[1]) * 1024 for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal")), 0)
    return (f"{os.cpu_count()} cores ({model}), {memory / 2**30:.0f} GiB, Python {platform.python_version()}, "
            f"govstats {govstats.__version__}")


def verdict(value: float, target: float, higher_is_better: bool) -> str:
    if value >= target if higher_is_better else value <= target:
        return "met"
    if higher_is_better:
        return f"missed by {(target - value) / target:.0%}"
    return f"missed: {value / target:.1f}x the target"


def parse_rows(scale: float) -> list[tuple[str, str, str, str]]:
    rows = []
    rates = bench_parse.rates(scale)
    for rate in rates:
        targeted = rate.what.startswith("parse ") and any(f"parse {c} (" in rate.what for c in TARGETED)
        rows.append((rate.what, f"{rate.per_second:,.0f} reports/s",
                     f">= {PARSE_TARGET:.0f}/s" if targeted else "",
                     verdict(rate.per_second, PARSE_TARGET, True) if targeted else ""))
    by_name = {rate.what: rate.per_second for rate in rates}
    for ours, floor, goal in (("parse tab text (generated)", "text floor: decode + find the numbers, same tab text",
                               TEXT_FLOOR_GOAL),
                              ("parse HTML (generated)", "pandas.read_html, same HTML pages (baseline)", HTML_GOAL)):
        ratio = by_name[floor] / by_name[ours]
        rows.append((f"  {ours} against {floor.split(',')[0]}", f"{ratio:.1f}x", f"<= {goal:g}x",
                     verdict(ratio, goal, False)))
    return rows


def corpus_rows(reports: int) -> list[tuple[str, str, str, str]]:
    (cold1, cold2, cached), baseline, _ = bench_corpus10k.loads(reports)
    rows = []
    for load, target in ((cold1, COLD_TARGET), (cold2, COLD_TARGET), (cached, CACHED_TARGET)):
        scaled = target * reports / 10_000
        rows.append((load.what, f"{load.seconds:,.1f} s", f"< {scaled:g} s", verdict(load.seconds, scaled, False)))
        rows.append((f"  peak memory of that process ({load.cells:,} cells)",
                     f"{load.peak_bytes / 2**20:,.0f} MiB", "< 1 GiB", verdict(load.peak_bytes, MEMORY_TARGET, False)))
    speedup = cold1.seconds / cold2.seconds
    rows.append(("  cold jobs=2 against jobs=1", f"{speedup:.2f}x", f">= {JOBS_GOAL:g}x", verdict(speedup, JOBS_GOAL, True)))
    ratio = cached.seconds / baseline.seconds
    rows.append((f"  cached load against pandas.read_parquet of its cells ({baseline.seconds:.2f} s; the fastest "
                 f"of {bench_corpus10k.ROUNDS} each)", f"{ratio:.1f}x", f"<= {PARQUET_GOAL:g}x",
                 verdict(ratio, PARQUET_GOAL, False)))
    memory = cached.added_bytes / cached.frame_bytes
    rows.append((f"  memory the cached load added against its frames ({cached.frame_bytes / 2**20:,.0f} MiB; "
                 f"read_parquet adds {baseline.added_bytes / cached.frame_bytes:.2f}x)",
                 f"{memory:.2f}x", f"<= {MEMORY_GOAL:g}x", verdict(memory, MEMORY_GOAL, False)))
    return rows


def metrics_rows(reports: int) -> list[tuple[str, str, str, str]]:
    """`govstats.metrics` and `govstats.yoy` over generated cells, against one pass over them."""
    measured = bench_metrics.rows(reports)
    floor = measured[0][1]
    return [(what, f"{seconds:,.2f} s", "" if n == 0 else "< 2 s" if n == 1 else "",
             "" if n == 0 else f"{seconds / floor:.0f}x the floor")
            for n, (what, seconds) in enumerate(measured)]


def views_rows(reports: int, distinct: int | None = None) -> list[tuple[str, str, str, str]]:
    """The corpus views against a pivot_table of the cells they read, in the same run (issue 24);
    with `distinct`, a corpus of that many different reports linked under `reports` names."""
    built = f" ({distinct:,} distinct)" if distinct else ""
    return [(f"{reports:,} reports{built}: corpus.{what}", f"{seconds:.2f} s",
             f"<= {bench_views.GOAL:g}x the pivot" + ("" if distinct else ", < 1 s"),
             f"{seconds / floor:.2f}x its pivot ({floor:.2f} s)")
            for what, seconds, floor in bench_views.rows(reports, distinct=distinct)]


def national_rows(reports: int) -> list[tuple[str, str, str, str]]:
    """govstats.query, every metric by year and province, beside DuckDB's own SQL (bench_national)."""
    m = bench_national.measure(reports, min(1000, reports))
    q, d = m["query"], m["duckdb"]
    return [(f"govstats.query by year and province, {m['reports']:,} reports ({m['cells']:,} cells, built)",
             f"{q['seconds']:.1f} s", f"<= {bench_national.TIME_GOAL:g}x DuckDB's SQL",
             f"{q['seconds'] / d['seconds']:.2f}x ({d['seconds']:.1f} s)"),
            ("  its peak memory", f"{q['peak_bytes'] / 2**30:.2f} GiB", "<= 4 GiB",
             verdict(q["peak_bytes"], bench_national.MEMORY_GOAL, False))]


def batch_rows(agencies: int, repeat: int) -> list[tuple[str, str, str, str]]:
    import statistics

    import bench_batch

    from govstats import batch

    notebook = ROOT / batch.DEFAULT_NOTEBOOK
    rows = []
    with tempfile.TemporaryDirectory(prefix="govstats-bench-batch-") as tmp:
        corpus = bench_batch.replicated(Path(tmp) / "corpus", agencies)
        bench_batch.timed(corpus, notebook, 2)  # warm-up
        for jobs in (1, 2):
            wall = statistics.median(bench_batch.timed(corpus, notebook, jobs)[0] for _ in range(repeat))
            rows.append((f"batch, {agencies} notebooks ({notebook.name}), --jobs {jobs}",
                         f"{wall / agencies:.2f} s/notebook", "", f"{wall:.1f} s wall"))
    return rows


def ocr_rows(pages: int | None) -> list[tuple[str, str, str, str]]:
    import bench_ocr

    from govstats.readers import ocr

    if not ocr.available():
        return [("OCR carrier", "not run", "", "the govstats[ocr] extra is not installed")]
    results = bench_ocr.timings(pages)
    floor = results[0].per_page
    return [(t.what, f"{t.per_page:.2f} s/page", "", f"{t.seconds:.1f} s/report, {t.per_page / floor:.2f}x floor")
            for t in results]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a smaller, faster run")
    args = parser.parse_args(argv)
    scale, reports, agencies, repeat = (0.2, 1_000, 4, 1) if args.quick else (1.0, 10_000, 8, 3)

    rows = [("benchmark", "result", "target", "")]
    rows += parse_rows(scale) + corpus_rows(reports) + metrics_rows(reports) + views_rows(reports)
    rows += views_rows(10 * reports, distinct=reports // 10)
    rows += national_rows(10 * reports) + batch_rows(agencies, repeat)
    rows += ocr_rows(2 if args.quick else None)
    rows += bench_fetch.rows(pages=6 if args.quick else 15, manifest=10_000 if args.quick else 100_000)
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    print(f"govstats benchmarks on {machine()}")
    for n, row in enumerate(rows):  # a Markdown table, ready for the README
        print("| " + " | ".join(cell.rjust(w) if i == 1 else cell.ljust(w)
                                for i, (cell, w) in enumerate(zip(row, widths))) + " |")
        if n == 0:
            print("|" + "|".join("-" * (w + 1) + (":" if i == 1 else "-") for i, w in enumerate(widths)) + "|")
    return 0


if __name__ == "__main__":
    sys.exit(main())
