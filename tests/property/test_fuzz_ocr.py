"""Fuzz the OCR entry's image headers (issue 26): a PNG or a PDF page of any declared size is either
taken (within max_image_pixels, at least 16 px across) or refused with a ReportParseError naming
the file — never decoded or rendered past the limit, never another exception.  No recognition runs:
`ocr_pages.images` is what decides.

`make fuzz` runs them with many more examples (GOVSTATS_FUZZ_EXAMPLES).
"""
from __future__ import annotations

import io
import os
import struct
import zlib

import pypdfium2
from hypothesis import given, settings
from hypothesis import strategies as st

import govstats
from govstats.core.limits import Limits
from govstats.readers import ocr_pages

LONG_RUN = os.environ.get("GOVSTATS_FUZZ_EXAMPLES")
EXAMPLES = int(LONG_RUN or "30")
LIMITS = Limits(max_image_pixels=4_000_000)


def fuzz(n: int = EXAMPLES):
    return settings(max_examples=n, deadline=None)


def png(width: int, height: int, body: bytes) -> bytes:
    """A PNG whose header declares width × height (8-bit grey) over whatever `body` holds."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(body)) + chunk(b"IEND", b"")


def taken(data: bytes) -> list[tuple[int, int]] | str:
    try:
        return [image.size for image in ocr_pages.images(data, "fuzz.png", LIMITS)]
    except govstats.ReportParseError as exc:
        assert "fuzz.png" in str(exc)
        return str(exc)


@fuzz()
@given(width=st.integers(0, 2**31 - 1), height=st.integers(0, 2**31 - 1), body=st.binary(max_size=64))
def test_any_declared_png_size_is_taken_within_the_limit_or_refused(width, height, body):
    result = taken(png(width, height, body))
    if isinstance(result, list):
        (w, h), = result
        assert w * h <= LIMITS.max_image_pixels and min(w, h) >= ocr_pages.MIN_SIDE
    elif width * height > LIMITS.max_image_pixels and min(width, height) > 0:
        assert "max_image_pixels" in result or "not a readable image" in result


@fuzz(max(10, EXAMPLES // 3))
@given(width=st.floats(1, 20000), height=st.floats(1, 20000))
def test_any_pdf_page_size_is_rendered_within_the_limit_or_refused(width, height):
    document = pypdfium2.PdfDocument.new()
    document.new_page(width, height)
    buffer = io.BytesIO()
    document.save(buffer)
    document.close()
    result = taken(buffer.getvalue())
    pixels = round(width * ocr_pages.DPI / 72) * round(height * ocr_pages.DPI / 72)
    if isinstance(result, list):
        assert pixels <= LIMITS.max_image_pixels
    else:
        assert "max_image_pixels" in result or "too thin" in result
