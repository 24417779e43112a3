"""Benchmark: the OCR carrier's seconds per page and per report, with jobs=1 and jobs=2.

The real 平潭 reports, printed by two programs (tests/fixtures/pdf, see its PROVENANCE.csv), are
scanned as in the tests (govstats.testing.scan: turned, noise, JPEG) and read with
`govstats.readers.ocr.read` and interpreted, at each `jobs`:
- the 2024 DOCX printed by LibreOffice (6 pages), an image-only PDF at 150 dpi;
- the 2024 HTML printed by Chromium (5 pages), an image-only PDF at 150 dpi;
- the 2025 HTML printed by Chromium (5 pages), one long PNG at 200 dpi (recognised in tiles).
The floor, measured in the same run, is RapidOCR alone on the first scan's rendered pages, one after
the other (no straightening, no layout, no interpretation): the ratio says what govstats adds, and
what the parallel pages save.  Seconds per page are per printed page.

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

from govstats.core.limits import Limits  # noqa: E402
from govstats.interpret import interpret  # noqa: E402
from govstats.readers import ocr, ocr_pages  # noqa: E402
from govstats.testing.scan import image_pdf, long_image, scan_pages  # noqa: E402

PRINTED = ROOT / "tests/fixtures/pdf"
#: what, printed report, seed, dpi, angle, carrier file (the scans of tests/integration/test_reader_ocr.py)
SCANS = [("DOCX by LibreOffice, PDF 150 dpi", "pingtan-cez_2024.pdf", 2024, 150, 1.2, "pdf"),
         ("HTML by Chromium, PDF 150 dpi", "pingtan-cez_2024_chromium.pdf", 2024, 150, 1.2, "pdf"),
         ("HTML by Chromium, long PNG 200 dpi", "pingtan-cez_2025_chromium.pdf", 2025, 200, 0.9, "png")]


@dataclass
class Timing:
    what: str
    pages: int
    seconds: float

    @property
    def per_page(self) -> float:
        return self.seconds / self.pages


def scanned(printed: str, seed: int, dpi: int, angle: float, kind: str, pages: int | None) -> tuple[bytes, int]:
    """A scan of the printed report (its first `pages` pages) as the carrier file, and its page count."""
    images = scan_pages((PRINTED / printed).read_bytes(), dpi, angle, seed=seed,
                        pages=None if pages is None else list(range(pages)))
    return (image_pdf(images, dpi) if kind == "pdf" else long_image(images)), len(images)


def timings(pages: int | None = None) -> list[Timing]:
    """The floor (RapidOCR alone), then each scan read and interpreted at jobs 1 and 2."""
    scans = [(what, *scanned(*scan, pages=pages), scan[-1]) for what, *scan in SCANS]
    rendered = list(ocr_pages.images(scans[0][1], "bench.pdf", Limits()))
    ocr._recognise(rendered[0].crop((0, 0, 400, 400)), 0, 0)  # load the models once
    start = time.perf_counter()
    for page in rendered:
        ocr._recognise(page, 0, 0)
    out = [Timing(f"RapidOCR alone, {SCANS[0][0]} (floor)", len(rendered), time.perf_counter() - start)]
    for what, data, n, kind in scans:
        for jobs in (1, 2):
            start = time.perf_counter()
            interpret(ocr.read(data, f"bench.{kind}", jobs=jobs))
            out.append(Timing(f"OCR carrier, {what}, {n} pages, jobs={jobs}", n, time.perf_counter() - start))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=None, help="only the first N pages")
    args = parser.parse_args(argv)
    results = timings(args.pages)
    floor = results[0].per_page
    for t in results:
        print(f"{t.what:70s} {t.per_page:6.2f} s/page {t.seconds:7.1f} s/report  {t.per_page / floor:4.2f}x floor")
    return 0


if __name__ == "__main__":
    sys.exit(main())
