"""Benchmark: reports parsed per second, per carrier, in one process (so: per core).

Generated reports (govstats.testing, the §9 deviations drawn under each seed) are rendered once,
held in memory, then read with `govstats.read_report`; the real documents of the repository
(the reference tab text, the 平潭 flattened text, the real HTML, DOCX and PDF fixtures) are
timed the same way.  The HTML reader is compared with a plain `pandas.read_html` of the same
pages (decoding included): the baseline only splits tables into cells, it does not find a
title, sections, labels or values.

    .venv/bin/python benchmarks/bench_parse.py [--scale 1.0]
"""
from __future__ import annotations

import argparse
import io
import re
import sys
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pandas as pd  # noqa: E402

import govstats  # noqa: E402
from govstats.readers.base import decode  # noqa: E402
from govstats.testing import Deviations, generate_report  # noqa: E402

#: generated reports per carrier at --scale 1 (PDF and DOCX are slower to make and to read)
COUNTS = {"tab": 300, "pipe": 300, "lines": 300, "flat": 200, "html": 300, "docx": 100, "pdf": 40}
CARRIER_NAMES = {"tab": "tab text", "pipe": "pipe text", "lines": "one cell per line",
                 "flat": "flattened text", "html": "HTML", "docx": "DOCX", "pdf": "PDF"}
REAL = {  # carrier -> the repository's real documents of that carrier
    "tab": [ROOT / "data/corpus/zhoukou-city-office_2024.txt"],
    "flat": sorted((ROOT / "data/corpus").glob("pingtan-cez_20[12]*.txt")),
    "html": sorted((ROOT / "tests/fixtures/html").glob("*.html")),
    "docx": sorted((ROOT / "tests/fixtures/docx").glob("*.docx")),
    "pdf": sorted((ROOT / "tests/fixtures/pdf").glob("*.pdf")),
}


@dataclass
class Rate:
    what: str
    reports: int
    seconds: float

    @property
    def per_second(self) -> float:
        return self.reports / self.seconds


def generated(carrier: str, count: int) -> list[bytes]:
    return [generate_report(seed, deviations=Deviations.draw(seed, carrier)).render(carrier).data
            for seed in range(count)]


def timed(label: str, documents: list[bytes], read, min_seconds: float = 1.0) -> Rate:
    """Read every document once (more rounds until `min_seconds` have passed)."""
    read(documents[0])  # warm-up: imports, caches
    done, start = 0, time.perf_counter()
    while True:
        for data in documents:
            read(data)
        done += len(documents)
        elapsed = time.perf_counter() - start
        if elapsed >= min_seconds:
            return Rate(label, done, elapsed)


def read_report(data: bytes) -> None:
    try:
        _ = govstats.read_report(data).cells  # as a user reads it: the frame included
    except govstats.ReportParseError:
        pass


_NUMBERS = re.compile(r"\d+")


def text_floor(data: bytes) -> None:
    """The irreducible work on text: decode the bytes and find the numbers (no labels, no cells)."""
    text, _ = decode(data, "<bench>")
    _NUMBERS.findall(text)


def read_html_baseline(data: bytes) -> None:
    text, _ = decode(data, "<bench>")
    pd.read_html(io.StringIO(text))


def rates(scale: float = 1.0) -> list[Rate]:
    """Parse rates: generated reports per carrier, the real documents, and the HTML baseline."""
    out = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for carrier, count in COUNTS.items():
            docs = generated(carrier, max(5, int(count * scale)))
            out.append(timed(f"parse {CARRIER_NAMES[carrier]} (generated)", docs, read_report))
            if carrier == "html":
                out.append(timed("pandas.read_html, same HTML pages (baseline)", docs, read_html_baseline))
            if carrier == "tab":
                out.append(timed("text floor: decode + find the numbers, same tab text", docs, text_floor))
        for carrier, paths in REAL.items():
            docs = [p.read_bytes() for p in paths]
            out.append(timed(f"parse {CARRIER_NAMES[carrier]} (real: {len(docs)} bundled)", docs, read_report))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the default report counts")
    args = parser.parse_args(argv)
    print(f"{'benchmark':56} {'reports':>8} {'seconds':>8} {'reports/s':>10}")
    for rate in rates(args.scale):
        print(f"{rate.what:56} {rate.reports:8d} {rate.seconds:8.2f} {rate.per_second:10.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
