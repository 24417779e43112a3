"""PDF carrier: the text layer of a PDF, read with pdfplumber, tables and text in reading order.

Each page gives its ruled tables (`find_tables`) and the text lines outside them, sorted top to
bottom, as `layout` blocks; `layout` joins wrapped lines, drops page numbers and joins tables
continued over a page break.  A table row is one line with one string per cell (text wrapped
inside a cell joined by a space); the positions pdfplumber fills with None (covered by a merged
cell) are skipped, so a spanned cell appears once, while a blank cell stays "".  Every cell keeps
where it is printed (`Document.positions`): its page, the table's number on the page, the row and
column of pdfplumber's grid and the cell's bbox in PDF points; a text line its page and bbox.

A PDF without a usable text layer (a scan) is read by OCR (`ocr.py`) when the `govstats[ocr]`
extra is installed; without it the error says so.
"""
from __future__ import annotations

import io
import logging
import re

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.psparser import PSException
from pdfplumber.page import Page
from pdfplumber.utils.exceptions import PdfminerException

from ..core.errors import ReportParseError
from ..core.limits import Limits
from ..schema.messages import message, over_limit
from . import layout
from .base import Document, NeedsOCR, Position
from .layout import Block, Span

# pdfminer logs a warning per font it cannot fully describe ("Could not get FontBBox …": 114 lines
# for one Chromium-printed report), which Python's last-resort handler prints to stderr when the
# program configured no logging.  A handler that drops them keeps stderr for govstats' own
# problems; a program that configures logging still receives them through its own handlers.
logging.getLogger("pdfminer").addHandler(logging.NullHandler())

_DIGIT_WRAP = re.compile(r"(?<=[\d.])\n(?=[\d.])")


def read(data: bytes, source: str, limits: Limits | None = None) -> Document:
    """Read a PDF's text layer: tables row by row, other text line by line, in reading order.

    A PDF of more pages than `limits.max_pages` is refused before any page is read.
    """
    limits = limits or Limits.from_env()
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except (PdfminerException, PDFPasswordIncorrect, PSException, ValueError) as exc:
        cause = exc.args[0] if isinstance(exc, PdfminerException) and exc.args else exc
        if isinstance(cause, PDFPasswordIncorrect):
            raise ReportParseError(source, message("pdf_password")) from exc
        if isinstance(cause, PDFEncryptionError):
            raise ReportParseError(source, message("pdf_encryption", detail=cause)) from exc
        raise ReportParseError(source, message("pdf_unreadable", detail=f"{exc.__class__.__name__}: "
                                                                        f"{exc or 'no reason given'}")) from exc
    with pdf:
        if limits.exceeded("max_pages", len(pdf.pages)):
            raise ReportParseError(source, over_limit("limit_pdf_pages", limits, "max_pages",
                                                      pages=f"{len(pdf.pages):,}"))
        if not pdf.pages:  # a damaged page tree: pdfium, OCR's renderer, may still find the pages
            return _ocr(data, source, message("pdf_no_pages"))
        chars = sum(len(page.chars) for page in pdf.pages)
        if chars == 0:
            images = sum(len(page.images) for page in pdf.pages)
            return _ocr(data, source, message("pdf_no_text_layer", pages=len(pdf.pages), images=images))
        unmapped = sum(1 for page in pdf.pages for c in page.chars if c["text"].startswith("(cid:"))
        if unmapped * 2 > chars:
            return _ocr(data, source, message("pdf_no_unicode"))
        notes = [message("note_page_images_only", page=page.page_number)
                 for page in pdf.pages if not page.chars and page.images]
        pages = [_read_page(page) for page in pdf.pages]
    right = max((b.x1 for blocks in pages for b in blocks if not b.is_table), default=0.0)
    joined = layout.join([layout.paragraphs(blocks, right) for blocks in pages])
    return Document(lines=joined.lines, carrier="pdf", source=source, notes=notes + joined.notes,
                    positions=joined.positions)


def _ocr(data: bytes, source: str, reason: str) -> Document:
    """A PDF whose text cannot be used: `read_document` hands it to the OCR reader."""
    raise NeedsOCR(source, reason)


def _read_page(page: Page) -> list[Block[str]]:
    """The page's tables and the text lines outside them, top to bottom."""
    tables = page.find_tables()
    boxes = [t.bbox for t in tables]

    def outside(obj: dict) -> bool:
        if obj.get("object_type") != "char":
            return True
        x, y = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
        return not any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in boxes)

    blocks = []
    for number, t in enumerate(tables, start=1):
        rows, spans, where = _rows(t, page.page_number, number)
        blocks.append(Block(t.bbox[1], t.bbox[3], rows, True, spans=spans, where=where))
    for line in page.filter(outside).extract_text_lines():
        text = " ".join(line["text"].split())
        if text:
            box = (line["x0"], line["top"], line["x1"], line["bottom"])
            blocks.append(Block(line["top"], line["bottom"], [[text]], False, line["x1"],
                                line["chars"][-1]["size"],
                                layout.is_page_number(text, line["top"], line["bottom"], page.height),
                                where=[[Position(page.page_number, box=_rounded(box))]]))
    blocks.sort(key=lambda b: b.top)
    return blocks


def _rows(table, page: int, number: int) -> tuple[list[list[str]], list[list[Span]], list[list[Position]]]:
    """Table rows as lines: None (inside a merged cell) skipped, "" kept, wrapped text rejoined;
    beside them each kept cell's x-range and position (the page, the table's `number` on it, the
    row and column of pdfplumber's grid, the cell's bbox)."""
    out, spans, where = [], [], []
    for r, (row, texts) in enumerate(zip(table.rows, table.extract()), start=1):
        kept = [(_cell(c), box, col) for col, (c, box) in enumerate(zip(texts, row.cells), start=1)
                if c is not None and box is not None]
        if len(kept) > 1 or (kept and kept[0][0]):
            out.append([c for c, _, _ in kept])
            spans.append([(box[0], box[2]) for _, box, _ in kept])
            where.append([Position(page, number, r, col, box=_rounded(box)) for _, box, col in kept])
    return out, spans, where


def _rounded(box: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    """A box to a hundredth of a unit (a PDF point: far finer than print)."""
    x0, y0, x1, y1 = (round(v, 2) for v in box)
    return x0, y0, x1, y1


def _cell(text: str) -> str:
    """A cell's lines joined by single spaces; a number wrapped over two lines is rejoined."""
    return " ".join(_DIGIT_WRAP.sub("", text).split())
