"""OCR's own bounds (issue 26 N17-N20): pixels per image and per page, pages, seconds; pages
rendered one at a time inside the readers' error wrapping; every failure a ReportParseError
naming the file and the limit.  Memory is bounded with `resource.setrlimit` in a subprocess: before
these bounds each reproduction died of MemoryError (or asked for gigabytes).
"""
from __future__ import annotations

import io
import subprocess
import sys
import textwrap
import time

import pypdfium2
import pytest
from PIL import Image

import govstats
from govstats.core.limits import Limits
from govstats.readers import ocr, ocr_pages

#: more than a few seconds in all (measured with --durations): left out of `make test-fast`
pytestmark = pytest.mark.slow

#: address space a subprocess may use: enough for Python, numpy, onnxruntime and a page or two
MEMORY = 1_500_000_000


def png(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("1", (width, height), 1).save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def blank_pdf(pages: int, width: float = 595, height: float = 842) -> bytes:
    document = pypdfium2.PdfDocument.new()
    for _ in range(pages):
        document.new_page(width, height)
    buffer = io.BytesIO()
    document.save(buffer)
    document.close()
    return buffer.getvalue()


def read_bounded(data: bytes, name: str, tmp_path) -> subprocess.CompletedProcess:
    """read_report on `data` in a subprocess whose memory is bounded; prints the error message."""
    path = tmp_path / name
    path.write_bytes(data)
    code = textwrap.dedent(f"""
        import resource, sys
        resource.setrlimit(resource.RLIMIT_AS, ({MEMORY}, {MEMORY}))
        import govstats
        try:
            govstats.read_report({str(path)!r})
        except govstats.ReportParseError as exc:
            print("ReportParseError:", exc)
            sys.exit(3)
    """)
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)


def test_a_thin_strip_is_straightened_within_bounded_memory():
    """N17: deskew scaled every image to 800 px wide: a 20 × 60000 strip asked for 800 × 2,400,000."""
    code = textwrap.dedent(f"""
        import resource
        resource.setrlimit(resource.RLIMIT_AS, ({MEMORY}, {MEMORY}))
        from PIL import Image
        from govstats.readers.ocr_layout import deskew
        upright, angle = deskew(Image.new("L", (20, 60000), 255))
        print(upright.size, angle)
    """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-500:]
    assert done.stdout.strip() == "(20, 60000) 0.0"


@pytest.mark.parametrize("size", [(2, 60000), (60000, 1)])
def test_an_image_too_thin_for_text_is_a_clear_error(size, tmp_path):
    """N17 (a 196-byte 2 × 60000 PNG: 5.2 GB, MemoryError) and N20 (a 60000 × 1 PNG: "ResizeImgError"
    and no reason): the reason and the file are named."""
    data = png(*size)
    assert len(data) < 1000
    done = read_bounded(data, "thin.png", tmp_path)
    assert done.returncode == 3, done.stderr[-800:]
    assert "thin.png" in done.stdout and "too thin to hold a line of text" in done.stdout
    assert f"{size[0]:,} × {size[1]:,} pixels" in done.stdout


def test_an_image_of_too_many_pixels_is_refused_before_decoding(tmp_path):
    """N19: a 20 KB 13000 × 13000 PNG decoded to 3.75 GB."""
    data = png(13000, 13000)
    assert len(data) < 100_000
    done = read_bounded(data, "huge.png", tmp_path)
    assert done.returncode == 3, done.stderr[-800:]
    assert "huge.png" in done.stdout and "max_image_pixels" in done.stdout
    assert "13,000 × 13,000 pixels" in done.stdout and "GOVSTATS_MAX_IMAGE_PIXELS" in done.stdout


def test_a_giant_pdf_page_is_refused_before_rendering(tmp_path):
    """N18: a tiny PDF with a 14400 pt page was rendered for OCR outside the readers' error
    wrapping: MemoryError, a traceback, exit 1."""
    data = blank_pdf(1, 14400, 14400)
    assert len(data) < 1000
    done = read_bounded(data, "giant.pdf", tmp_path)
    assert done.returncode == 3, done.stderr[-800:]
    assert "giant.pdf" in done.stdout and "page 1 (14400 × 14400 pt) at 200 dpi" in done.stdout
    assert "max_image_pixels" in done.stdout


def test_a_giant_pdf_page_through_check_is_an_error_line_not_a_traceback(tmp_path):
    path = tmp_path / "giant.pdf"
    path.write_bytes(blank_pdf(1, 14400, 14400))
    done = subprocess.run([sys.executable, "-m", "govstats.cli", "check", str(path)],
                          capture_output=True, text=True, timeout=300)
    assert "Traceback" not in done.stderr and "MemoryError" not in done.stderr + done.stdout
    assert "max_image_pixels" in done.stderr + done.stdout


def test_too_many_pages_for_ocr_are_refused_before_any_is_rendered(monkeypatch):
    rendered = []
    monkeypatch.setattr(ocr, "_page", lambda image, threads: rendered.append(1))
    with pytest.raises(govstats.ReportParseError, match=r"scan.pdf.*101 pages, more than the 100 max_ocr_pages"):
        ocr.read(blank_pdf(101), "scan.pdf", limits=Limits())
    assert rendered == []


def test_pages_are_rendered_one_at_a_time_and_ocr_time_is_bounded(monkeypatch):
    """N19: every page was rendered into memory before the first was read, and OCR had no time
    limit (500 pages ≈ 12 min).  A page taking 1.2 s with max_ocr_seconds=1 stops after a page or
    two; the pages after it are never rendered."""
    taken = []
    images = ocr_pages.images

    def counted(*args):
        for image in images(*args):
            taken.append(image.size)
            yield image

    def slow_page(image, threads):
        time.sleep(1.2)
        return 0.0, []

    monkeypatch.setattr(ocr_pages, "images", counted)
    monkeypatch.setattr(ocr, "_page", slow_page)
    with pytest.raises(govstats.ReportParseError, match=r"scan.pdf.*more than the 1 s max_ocr_seconds allows"):
        ocr.read(blank_pdf(20), "scan.pdf", jobs=1, limits=Limits(max_ocr_seconds=1))
    assert 1 <= len(taken) <= 3
    assert taken[0] == (round(595 * 200 / 72), round(842 * 200 / 72))
