"""The images OCR reads, one at a time and bounded: a PDF's pages rendered, or an image file.

Nothing is decoded or rendered before its size is known: an image file's header gives its
pixels, a PDF page its size in points; more pixels than `Limits.max_image_pixels`, more pages than
`max_ocr_pages`, or an image too thin to hold a line of text is a ReportParseError naming the file
and the limit.  PDF pages are rendered one by one as they are read, so memory holds a few pages
whatever the page count.
"""
from __future__ import annotations

import io
import warnings
from collections.abc import Iterator

from PIL import Image

from ..core.errors import ReportParseError
from ..core.limits import Limits
from ..schema.messages import message, over_limit

#: resolution pages are rendered at: a 10.5 pt digit is then ~29 px tall, well inside what the
#: recogniser (48 px input lines) reads reliably, while a page stays ~1650 × 2340 px
DPI = 200
#: an image narrower or lower than this holds no line of text (the recogniser needs ~10 px)
MIN_SIDE = 16


def count(data: bytes, source: str, limits: Limits) -> int:
    """How many images `data` holds (PDF pages, or 1), within max_ocr_pages."""
    if not _is_pdf(data):
        return 1
    document = _open_pdf(data, source)
    try:
        pages = len(document)
    finally:
        document.close()
    if limits.exceeded("max_ocr_pages", pages):
        raise ReportParseError(source, over_limit("limit_scan_pages", limits, "max_ocr_pages", pages=f"{pages:,}"))
    return pages


def images(data: bytes, source: str, limits: Limits) -> Iterator[Image.Image]:
    """The greyscale images to read, one at a time: each PDF page rendered at DPI as it is asked
    for, or the image file as it is."""
    if not _is_pdf(data):
        yield _image(data, source, limits)
        return
    import pypdfium2

    document = _open_pdf(data, source)
    try:
        for i in range(len(document)):
            page = document[i]
            width, height = page.get_size()
            _check(round(width * DPI / 72), round(height * DPI / 72), source, limits,
                   message("page_at_dpi", page=i + 1, width=f"{width:.0f}", height=f"{height:.0f}", dpi=DPI))
            try:
                yield page.render(scale=DPI / 72, grayscale=True).to_pil().convert("L")
            except pypdfium2.PdfiumError as exc:
                raise ReportParseError(source, message("page_not_rendered", page=i + 1, detail=exc)) from exc
            finally:
                page.close()
    finally:
        document.close()


def _image(data: bytes, source: str, limits: Limits) -> Image.Image:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # max_image_pixels decides
            image = Image.open(io.BytesIO(data))
            _check(image.width, image.height, source, limits, message("the_image"))
            image.load()
    except Image.DecompressionBombError as exc:  # beyond what Pillow opens at all
        raise ReportParseError(source, message("limit_pixels_image", limit=f"{limits.max_image_pixels:,}",
                                               name="max_image_pixels", detail=exc)) from exc
    except (OSError, SyntaxError, ValueError) as exc:
        raise ReportParseError(source, message("not_an_image", detail=f"{exc.__class__.__name__}: {exc}")) from exc
    return image.convert("L")


def _check(width: int, height: int, source: str, limits: Limits, what: str) -> None:
    """Refuse an image of more pixels than max_image_pixels, or too thin to hold text."""
    if limits.exceeded("max_image_pixels", width * height):
        raise ReportParseError(source, over_limit("limit_pixels", limits, "max_image_pixels", what=what,
                                                  width=f"{width:,}", height=f"{height:,}",
                                                  pixels=f"{width * height:,}"))
    if min(width, height) < MIN_SIDE:
        raise ReportParseError(source, message("image_too_thin", what=what, width=f"{width:,}",
                                               height=f"{height:,}", side=MIN_SIDE))


def _is_pdf(data: bytes) -> bool:
    return b"%PDF-" in data[:1024]


def _open_pdf(data: bytes, source: str):
    import pypdfium2

    try:
        return pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError as exc:
        raise ReportParseError(source, message("pdf_unreadable", detail=exc)) from exc
