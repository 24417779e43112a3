"""PDF carrier: the text layer of a PDF, read with pdfplumber, tables and text in reading order.

Each page gives its ruled tables (`find_tables`) and the text lines outside them, sorted top to
bottom; text lines that wrapped at the right margin are joined again, so a paragraph, a title or
a heading printed over two lines is one line.  A table row is one line with one string per cell
(text wrapped inside a cell joined by a space); the positions pdfplumber fills with
None (covered by a merged cell) are skipped, so a spanned cell appears once, while a blank cell
stays "".  Page numbers in the top or bottom margin (`- 3 -`, `第3页`) are dropped.  A table
that ends one page and starts the next is one table: rows at the top of the second part that
repeat the table's first rows (a header repeated on each page) are dropped — otherwise they would
be read as an extra row.  A row that itself breaks across the page (Word's and LibreOffice's
default) is rejoined when the evidence is unequivocal: the continued table's first row holds only
text, no number and no row ordinal (`3.`, `（五）`, `四、`), and each of its cells lies under a cell
of the previous page's last rows (by x-position); each piece is appended to that cell, and the
document's notes say so.  Anything else stays as printed, a row of its own.  Every cell keeps
where it is printed (`Document.positions`): its page, the table's number on the page, the row and
column of pdfplumber's grid and the cell's bbox in PDF points; a text line its page and bbox.

A PDF without a usable text layer (a scan) is read by OCR (`ocr.py`) when the `govstats[ocr]`
extra is installed; without it the error says so.
"""
from __future__ import annotations

import io
import re
from dataclasses import dataclass, field

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.psparser import PSException
from pdfplumber.page import Page
from pdfplumber.utils.exceptions import PdfminerException

from ..errors import ReportParseError
from ..limits import Limits
from .base import Document, NeedsOCR, Position

_PAGE_NUMBER = re.compile(r"^[-—–_\s]*(?:第\s*)?\d{1,4}\s*页?(?:\s*[/／]\s*(?:共\s*)?\d{1,4}\s*页?)?[-—–_\s]*$")
_MARGIN = 0.1  # page numbers are dropped only in the top and bottom tenth of the page
_DIGIT_WRAP = re.compile(r"(?<=[\d.])\n(?=[\d.])")
_NUMBERISH = re.compile(r"\d")
_ORDINAL = re.compile(r"^[(（]?(?:[一二三四五六七八九十]+|\d{1,2})\s*[)）、.．]")

Span = tuple[float, float]  # a table cell's x0, x1


@dataclass
class _Block:
    """A text line or a table on one page, with its position (text lines also keep their size)."""

    top: float
    bottom: float
    rows: list[list[str]]
    is_table: bool
    x1: float = 0.0
    size: float = 0.0
    furniture: bool = False  # a page number in the margin
    spans: list[list[Span]] = field(default_factory=list)  # tables: each row's cells' x-ranges
    where: list[list[Position]] = field(default_factory=list)  # each row's cells' positions


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
            raise ReportParseError(source, "the PDF is encrypted and needs a password to be opened; "
                                           "ask the publisher for an unprotected copy") from exc
        if isinstance(cause, PDFEncryptionError):
            raise ReportParseError(source, f"the PDF is encrypted in a way that cannot be read ({cause})") from exc
        raise ReportParseError(source, f"not a readable PDF ({exc.__class__.__name__}: "
                                       f"{exc or 'no reason given'})") from exc
    with pdf:
        if limits.exceeded("max_pages", len(pdf.pages)):
            raise ReportParseError(source, f"the PDF has {len(pdf.pages):,} pages, more than the "
                                           f"{limits.max_pages:,} max_pages allows; {limits.advice('max_pages')}")
        chars = sum(len(page.chars) for page in pdf.pages)
        if chars == 0:
            images = sum(len(page.images) for page in pdf.pages)
            return _ocr(data, source, f"the PDF has no text layer (a scanned PDF needs OCR): "
                                      f"{len(pdf.pages)} page(s), {images} image(s), no characters")
        unmapped = sum(1 for page in pdf.pages for c in page.chars if c["text"].startswith("(cid:"))
        if unmapped * 2 > chars:
            return _ocr(data, source, "the PDF's fonts have no Unicode mapping (text comes out as "
                                      "'(cid:…)' codes); it needs OCR")
        notes = [f"page {page.page_number}: no text layer (images only); its content needs OCR"
                 for page in pdf.pages if not page.chars and page.images]
        pages = [_read_page(page) for page in pdf.pages]
    right = max((b.x1 for blocks in pages for b in blocks if not b.is_table), default=0.0)
    pages = [_paragraphs(blocks, right) for blocks in pages]
    lines, positions, joined = _join(pages)
    return Document(lines=lines, carrier="pdf", source=source, notes=notes + joined, positions=positions)


def _ocr(data: bytes, source: str, reason: str) -> Document:
    """A PDF whose text cannot be used: `read_document` hands it to the OCR reader."""
    raise NeedsOCR(source, reason)


def _read_page(page: Page) -> list[_Block]:
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
        blocks.append(_Block(t.bbox[1], t.bbox[3], rows, True, spans=spans, where=where))
    for line in page.filter(outside).extract_text_lines():
        text = " ".join(line["text"].split())
        if text:
            margin = line["bottom"] < page.height * _MARGIN or line["top"] > page.height * (1 - _MARGIN)
            box = (line["x0"], line["top"], line["x1"], line["bottom"])
            blocks.append(_Block(line["top"], line["bottom"], [[text]], False, line["x1"],
                                 line["chars"][-1]["size"],
                                 margin and bool(_PAGE_NUMBER.match(text)),
                                 where=[[Position(page.page_number, box=_rounded(box))]]))
    blocks.sort(key=lambda b: b.top)
    return blocks


def _paragraphs(blocks: list[_Block], right: float) -> list[_Block]:
    """Rejoin text lines that wrapped: a line reaching the right margin continues on the next line
    of the same size just below it (so a title or heading broken over two lines reads as one)."""
    out: list[_Block] = []
    for block in blocks:
        prev = out[-1] if out else None
        if (prev is not None and not prev.is_table and not block.is_table
                and not prev.furniture and not block.furniture
                and abs(prev.size - block.size) < 0.5 and prev.x1 >= right - 2 * prev.size
                and block.top - prev.bottom < 0.8 * prev.size):
            before, after = prev.rows[0][0], block.rows[0][0]
            glue = " " if before[-1].isascii() and after[0].isascii() else ""
            out[-1] = _Block(prev.top, block.bottom, [[before + glue + after]], False, block.x1,
                             block.size, where=prev.where)  # where it starts
        else:
            out.append(block)
    return out


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


def _join(pages: list[list[_Block]]) -> tuple[list[list[str]], dict[tuple[int, int], Position], list[str]]:
    """All pages' lines and where their cells are (a rejoined cell: where it starts); a table
    continued from the previous page loses its repeated header rows, and a row broken by the page
    is rejoined (`_rejoin`).  Also the notes on what was done."""
    lines: list[list[str]] = []
    positions: dict[tuple[int, int], Position] = {}
    notes: list[str] = []
    dropped = 0
    previous: list[_Block] = []  # content blocks of the previous page
    first_rows: list[list[str]] = []  # the first rows of the table now being continued
    tail: list[tuple[int, list[Span]]] = []  # the last table's rows: (line index, cell x-ranges)
    for number, page in enumerate(pages, start=1):
        content = [b for b in page if not b.furniture]
        continues = (bool(previous) and previous[-1].is_table and bool(content) and content[0].is_table)
        for i, block in enumerate(content):
            rows, spans, where = block.rows, block.spans, block.where
            if i == 0 and continues:
                k = _repeated_prefix(rows, first_rows)
                rows, spans, where, dropped = rows[k:], spans[k:], where[k:], dropped + k
                if rows and spans and _rejoin(lines, tail, rows[0], spans[0]):
                    notes.append(f"page {number}: the first table row continues a row broken by the "
                                 f"page break; rejoined with it ({' '.join(c for c in rows[0] if c)!r})")
                    rows, spans, where = rows[1:], spans[1:], where[1:]
            elif block.is_table:
                first_rows, tail = rows, []
            if block.is_table:
                tail += [(len(lines) + j, s) for j, s in enumerate(spans)]
            for j, cells in enumerate(where):
                positions.update(((len(lines) + j, c), p) for c, p in enumerate(cells))
            lines.extend(rows)
        if content:
            previous = content
    if dropped:
        notes.append(f"{dropped} repeated table header row(s) dropped at page tops")
    return lines, positions, notes


def _rejoin(lines: list[list[str]], tail: list[tuple[int, list[Span]]], row: list[str],
            spans: list[Span]) -> bool:
    """Append each text of `row` to the cell above it in the previous page's table, if `row` is
    certainly the rest of a broken row: only text, no number, no row ordinal, every piece under a
    cell.  False (nothing changed) otherwise."""
    pieces = [(text, (x0 + x1) / 2) for text, (x0, x1) in zip(row, spans) if text]
    if not pieces or any(_NUMBERISH.search(t) or _ORDINAL.match(t) for t, _ in pieces):
        return False
    targets = []
    for text, x in pieces:
        above = next(((i, j) for i, cells in reversed(tail) for j, (x0, x1) in enumerate(cells)
                      if x0 <= x <= x1), None)
        if above is None:
            return False
        targets.append((above, text))
    for (i, j), text in targets:
        lines[i][j] = f"{lines[i][j]} {text}".strip()
    return True


def _repeated_prefix(rows: list[list[str]], first_rows: list[list[str]]) -> int:
    """How many leading rows of `rows` repeat the leading rows of the table they continue."""
    k = 0
    while k < len(rows) and k < len(first_rows) and rows[k] == first_rows[k]:
        k += 1
    return k
