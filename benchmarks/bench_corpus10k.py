"""Benchmark: a generated corpus of 10,000 reports loaded cold (parse + write the store) and cached.

The corpus is written to a temporary folder: equal shares of tab text, pipe text, one cell per
line, flattened text and HTML (the carriers a scraper brings home), each report drawn under its
own seed with the §9 deviations.  Each load runs in a fresh Python process, which reports the
time of `govstats.read_corpus`, its peak resident memory (`VmHWM` in /proc/self/status, so pandas,
pyarrow and the interpreter itself are counted), the memory the load itself added (the peak
minus the process's size once govstats is imported) and the size of the frames it returns.
Cold loads run with jobs=1 and jobs=2 (each into its own store); the cached load is compared
with `pandas.read_parquet` of the same cells written as one Parquet file (a fresh process too).

    .venv/bin/python benchmarks/bench_corpus10k.py [--reports 10000] [--no-serial] [--folder DIR]
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from govstats.testing import Deviations, generate_report  # noqa: E402

CARRIERS = ("tab", "pipe", "lines", "flat", "html")

_LOAD = """
import json, sys, time, warnings
warnings.simplefilter("ignore")
import govstats
def status(field):  # this process's own memory (ru_maxrss would start at the parent's size at fork)
    line = next(l for l in open("/proc/self/status") if l.startswith(field + ":"))
    return int(line.split()[1]) * 1024
def rss():
    return status("VmHWM")
before = status("VmRSS")
start = time.perf_counter()
corpus = govstats.read_corpus(sys.argv[1], cache=sys.argv[2], progress=False, jobs=int(sys.argv[3]))
seconds = time.perf_counter() - start
peak = rss()
frames = sum(int(f.memory_usage(deep=True).sum()) for f in (corpus.cells, corpus.reports, corpus.problems))
query = None
if len(sys.argv) > 4:
    corpus.cells.to_parquet(sys.argv[4])
    start = time.perf_counter()  # the queries a researcher runs first: every metric, a national series
    rates = govstats.metrics(corpus)
    rates = rates[rates["metric"] == "not_held_rate"].groupby("year")["value"].median()
    query = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "peak_bytes": peak, "added_bytes": peak - before, "frame_bytes": frames,
                  "query_seconds": query, "final_peak_bytes": rss(),
                  "reports": len(corpus), "cells": len(corpus.cells),
                  "errors": int((corpus.problems["severity"] == "error").sum())}))
"""
_READ_PARQUET = """
import json, sys, time
import pandas as pd
def status(field):
    line = next(l for l in open("/proc/self/status") if l.startswith(field + ":"))
    return int(line.split()[1]) * 1024
before = status("VmRSS")
start = time.perf_counter()
cells = pd.read_parquet(sys.argv[1])
print(json.dumps({"seconds": time.perf_counter() - start,
                  "added_bytes": status("VmHWM") - before}))
"""
#: the cached load and the baseline are timed this many times, in turn; the fastest of each counts
ROUNDS = 3


@dataclass
class Load:
    what: str
    seconds: float
    peak_bytes: int
    added_bytes: int
    frame_bytes: int
    reports: int
    cells: int
    errors: int
    query_seconds: float | None = None
    final_peak_bytes: int = 0


def write_corpus(folder: Path, reports: int) -> float:
    """Generate `reports` reports into `folder`; returns the seconds it took.

    The generator repeats agency names, and two reports of one agency and year with different cells
    are a conflict that a corpus uses neither of; the manifest gives each report its own agency,
    as a real corpus has one report per agency and year.
    """
    start = time.perf_counter()
    rows = ["path,agency"]
    for seed in range(reports):
        carrier = CARRIERS[seed % len(CARRIERS)]
        rendering = generate_report(seed, deviations=Deviations.draw(seed, carrier)).render(carrier)
        (folder / rendering.name).write_bytes(rendering.data)
        rows.append(f"{rendering.name},generated agency {seed:05d}")
    (folder / "manifest.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return time.perf_counter() - start


def load(corpus: Path, cache: Path, what: str, jobs: int, cells_to: Path | None = None) -> Load:
    """`read_corpus` in a fresh process: its time and memory (and its cells written to `cells_to`)."""
    argv = [sys.executable, "-c", _LOAD, str(corpus), str(cache), str(jobs)] + ([str(cells_to)] if cells_to else [])
    # the load's Arrow memory from jemalloc (opt-in: govstats.corpus.parsed.arrow_pool)
    env = {**os.environ, "GOVSTATS_ARROW_POOL": "jemalloc"}
    out = subprocess.run(argv, check=True, capture_output=True, text=True, cwd=ROOT, env=env)
    return Load(what, **json.loads(out.stdout.strip().splitlines()[-1]))


@dataclass
class Baseline:
    """`pandas.read_parquet` of the corpus's cells as one file, in a fresh process."""

    seconds: float
    added_bytes: int


def read_parquet(path: Path) -> Baseline:
    out = subprocess.run([sys.executable, "-c", _READ_PARQUET, str(path)], check=True, capture_output=True, text=True)
    return Baseline(**json.loads(out.stdout.strip().splitlines()[-1]))


def loads(reports: int = 10_000, serial: bool = True, folder: str | None = None) -> tuple[list[Load], Baseline, float]:
    """Cold loads with jobs=1 (unless not `serial`) and all cores, a cached load of a freshly
    generated corpus (in a temporary folder, or `folder`), and `pandas.read_parquet` of the same
    cells as one file (the fastest of ROUNDS of each, timed in turn: the machine's load varies);
    and the seconds generating took."""
    jobs = os.cpu_count() or 1
    with tempfile.TemporaryDirectory(prefix="govstats-bench-10k-", dir=folder) as tmp:
        corpus, cells = Path(tmp) / "corpus", Path(tmp) / "cells.parquet"
        corpus.mkdir()
        generating = write_corpus(corpus, reports)
        runs = [load(corpus, Path(tmp) / "cache1", f"load {reports:,} reports, cold, jobs=1", 1)] if serial else []
        runs.append(load(corpus, Path(tmp) / "cache2", f"load {reports:,} reports, cold, jobs={jobs}", jobs))
        first = load(corpus, Path(tmp) / "cache2", f"load {reports:,} reports, cached", jobs, cells)
        cached, baselines = [first], [read_parquet(cells)]
        for _ in range(ROUNDS - 1):
            cached.append(load(corpus, Path(tmp) / "cache2", first.what, jobs))
            baselines.append(read_parquet(cells))
        best = min(cached, key=lambda r: r.seconds)
        runs.append(dataclasses.replace(best, query_seconds=first.query_seconds, final_peak_bytes=first.final_peak_bytes))
    return runs, min(baselines, key=lambda b: b.seconds), generating


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=10_000)
    parser.add_argument("--no-serial", action="store_true", help="skip the cold jobs=1 load (for big corpora)")
    parser.add_argument("--folder", help="where to write the corpus (default: the system's temporary folder)")
    args = parser.parse_args(argv)
    results, baseline, generating = loads(args.reports, not args.no_serial, args.folder)
    print(f"generated {args.reports:,} reports ({', '.join(CARRIERS)} in turn) in {generating:.0f} s")
    print(f"{'benchmark':44} {'seconds':>8} {'peak MiB':>9} {'added MiB':>9} {'frames MiB':>10} {'cells':>10}")
    for r in results:
        print(f"{r.what:44} {r.seconds:8.1f} {r.peak_bytes / 2**20:9.0f} {r.added_bytes / 2**20:9.0f} "
              f"{r.frame_bytes / 2**20:10.0f} {r.cells:10d}")
    print(f"{'pandas.read_parquet, the same cells, one file':44} {baseline.seconds:8.2f} {'':9} "
          f"{baseline.added_bytes / 2**20:9.0f}")
    cached = results[-1]
    print(f"{'query: govstats.metrics + median not-held rate by year':44} {cached.query_seconds:8.1f} "
          f"{cached.final_peak_bytes / 2**20:9.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
