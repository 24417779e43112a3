"""Benchmark: a generated corpus of 10,000 reports loaded cold (parse + write the cache) and cached.

The corpus is written to a temporary folder: equal shares of tab text, pipe text, one cell per
line, flattened text and HTML (the carriers a scraper brings home), each report drawn under its
own seed with the §9 deviations.  Each load runs in a fresh Python process, which reports the
time of `govstats.read_corpus` and its peak resident memory (`resource.getrusage`, so pandas,
pyarrow and the interpreter itself are counted).

    .venv/bin/python benchmarks/bench_corpus10k.py [--reports 10000]
"""
from __future__ import annotations

import argparse
import json
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
import json, resource, sys, time, warnings
warnings.simplefilter("ignore")
import govstats
start = time.perf_counter()
corpus = govstats.read_corpus(sys.argv[1], cache=sys.argv[2], progress=False)
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({"seconds": seconds, "peak_bytes": peak, "reports": len(corpus),
                  "cells": len(corpus.cells), "errors": int((corpus.problems["severity"] == "error").sum())}))
"""


@dataclass
class Load:
    what: str
    seconds: float
    peak_bytes: int
    reports: int
    cells: int
    errors: int


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


def load(corpus: Path, cache: Path, what: str) -> Load:
    """`read_corpus` in a fresh process: its time and peak memory."""
    out = subprocess.run([sys.executable, "-c", _LOAD, str(corpus), str(cache)], check=True,
                         capture_output=True, text=True, cwd=ROOT)
    return Load(what, **json.loads(out.stdout.strip().splitlines()[-1]))


def loads(reports: int = 10_000) -> tuple[list[Load], float]:
    """Cold and cached loads of a freshly generated corpus; and the seconds generating it took."""
    with tempfile.TemporaryDirectory(prefix="govstats-bench-10k-") as tmp:
        corpus, cache = Path(tmp) / "corpus", Path(tmp) / "cache"
        corpus.mkdir()
        generating = write_corpus(corpus, reports)
        cold = load(corpus, cache, f"load {reports:,} reports, cold (parse + write cache)")
        cached = load(corpus, cache, f"load {reports:,} reports, cached")
    return [cold, cached], generating


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=10_000)
    args = parser.parse_args(argv)
    results, generating = loads(args.reports)
    print(f"generated {args.reports:,} reports ({', '.join(CARRIERS)} in turn) in {generating:.0f} s")
    print(f"{'benchmark':48} {'seconds':>8} {'peak MiB':>9} {'reports':>8} {'cells':>10}")
    for r in results:
        print(f"{r.what:48} {r.seconds:8.1f} {r.peak_bytes / 2**20:9.0f} {r.reports:8d} {r.cells:10d}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
