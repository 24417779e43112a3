"""Benchmark: the OCR carrier's seconds per page and per report, with jobs=1 and jobs=2.

The real 平潭 2024 report (tests/fixtures/pdf, 6 pages) is scanned as in the tests
(govstats.testing.scan: 150 dpi, turned 1.2°, noise, JPEG) into an image-only PDF and read with
`govstats.readers.ocr.read` at each `jobs`.  The floor, measured in the same run, is RapidOCR alone
on the same rendered pages, one after the other (no straightening, no layout, no interpretation):
the ratio says what govstats adds, and what the parallel pages save.

    .venv/bin/python benchmarks/bench_ocr.py [--pages N]
"""
from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from govstats.interpret import interpret  # noqa: E402
from govstats.readers import ocr  # noqa: E402
from govstats.testing.scan import image_pdf, scan_pages  # noqa: E402

REPORT = ROOT / "tests/fixtures/pdf/pingtan-cez_2024.pdf"


@dataclass
class Timing:
    what: str
    pages: int
    seconds: float

    @property
    def per_page(self) -> float:
        return self.seconds / self.pages


def timings(pages: int | None = None) -> list[Timing]:
    """The floor (RapidOCR alone), then the OCR carrier (read and interpreted) at jobs 1 and 2."""
    scanned = scan_pages(REPORT.read_bytes(), 150, 1.2, seed=2024, pages=None if pages is None else list(range(pages)))
    data = image_pdf(scanned, 150)
    rendered = ocr._pages(data, "bench.pdf")
    n = len(rendered)
    ocr._recognise(rendered[0].crop((0, 0, 400, 400)), 0, 0)  # load the models once
    start = time.perf_counter()
    for page in rendered:
        ocr._recognise(page, 0, 0)
    out = [Timing(f"RapidOCR alone, {n} pages at {ocr.DPI} dpi (floor)", n, time.perf_counter() - start)]
    for jobs in (1, 2):
        start = time.perf_counter()
        interpret(ocr.read(data, "bench.pdf", jobs=jobs))
        out.append(Timing(f"OCR carrier, read + interpret, jobs={jobs}", n, time.perf_counter() - start))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=None, help="only the first N pages")
    args = parser.parse_args(argv)
    results = timings(args.pages)
    floor = results[0].per_page
    for t in results:
        print(f"{t.what:55s} {t.per_page:6.2f} s/page {t.seconds:7.1f} s/report  {t.per_page / floor:4.2f}x floor")
    return 0


if __name__ == "__main__":
    sys.exit(main())
