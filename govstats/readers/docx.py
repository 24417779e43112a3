"""DOCX carrier: Word documents, read with python-docx in document order.

The body is walked as stored (paragraphs and tables interleaved, content controls opened), so the
section headings come before and after their tables.  Each table row is one line with one string
per underlying cell: a horizontally merged cell (`gridSpan`) is one `w:tc` and appears once, and a
vertically merged cell appears only in the row where it starts (`vMerge` continuations are
skipped) — python-docx's `row.cells` would repeat it instead.  A row whose cells hold a nested
table is a layout row: its cells are read as blocks.  Every table cell keeps where it is stored
(`Document.positions`): the table's number in document order (nested tables counted), the
`w:tr` and the `w:tc` (1-based), and its page where Word recorded its page breaks.
"""
from __future__ import annotations

import io
import zipfile

import docx
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn
from lxml import etree

from ..core.errors import ReportParseError
from ..core.files import zip_index
from ..core.limits import Limits
from ..schema.messages import message, over_limit
from .base import Document, Position

_P, _TBL, _SDT, _TR, _TC = qn("w:p"), qn("w:tbl"), qn("w:sdt"), qn("w:tr"), qn("w:tc")
_RENDERED_BREAK = qn("w:lastRenderedPageBreak")
# Visible text of a paragraph, including tracked insertions, fields and hyperlinks (which
# python-docx's Paragraph.text skips), excluding tracked deletions.
_TEXT_XPATH = ("(.//w:r/w:t | .//w:r/w:tab | .//w:r/w:br | .//w:r/w:cr)"
               "[not(ancestor::w:del) and not(ancestor::w:moveFrom)]")


_BIG_PART = 1_000_000  # parts larger than this unzipped are held to max_zip_ratio


def read(data: bytes, source: str, limits: Limits | None = None) -> Document:
    """Read a .docx file's paragraphs and tables in document order (within `limits`)."""
    try:
        infos = zip_index(data)
    except zipfile.BadZipFile as exc:
        raise ReportParseError(source, message("docx_broken_zip", detail=exc)) from exc
    _check_unzipped_size(infos, source, limits or Limits.from_env())
    names = [info.filename for info in infos]
    if "word/document.xml" not in names:
        raise ReportParseError(source, message("docx_not_word", names=", ".join(names[:4]) or "nothing"))
    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError, etree.XMLSyntaxError) as exc:
        raise ReportParseError(source, message("docx_unreadable", detail=f"{exc.__class__.__name__}: {exc}")) from exc
    body = document.element.body
    found = _blocks(body, {tbl: n for n, tbl in enumerate(body.iter(_TBL), start=1)}, _pages(body))
    if not found:
        raise ReportParseError(source, message("docx_no_text"))
    positions = {(i, j): where for i, (_, cells) in enumerate(found) for j, where in enumerate(cells)}
    return Document(lines=[line for line, _ in found], carrier="docx", source=source, positions=positions)


def _check_unzipped_size(infos: list[zipfile.ZipInfo], source: str, limits: Limits) -> None:
    """Refuse a zip bomb before anything is unzipped: the sizes the ZIP directory declares.

    zipfile never unzips a part beyond its declared size (and fails its CRC check if there is
    more), so the declared sizes bound the memory python-docx can use.
    """
    total = sum(info.file_size for info in infos)
    if limits.exceeded("max_unzipped_bytes", total):
        raise ReportParseError(source, over_limit("limit_unzipped", limits, "max_unzipped_bytes", total=f"{total:,}"))
    for info in infos:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > _BIG_PART and limits.exceeded("max_zip_ratio", int(ratio)):
            raise ReportParseError(source, over_limit("limit_zip_ratio", limits, "max_zip_ratio", part=info.filename,
                                                      ratio=f"{ratio:,.0f}", size=f"{info.file_size:,}"))


#: a line of cells and where each is printed (table rows; none for a paragraph)
_Line = tuple[list[str], list[Position]]


def _pages(body: etree._Element) -> dict[etree._Element, int]:
    """The page each table cell starts on, where the document says: Word records where it broke
    the pages when it last laid the document out (`w:lastRenderedPageBreak`); a document without
    them (LibreOffice's, python-docx's) does not say, and the dict is empty."""
    if next(body.iter(_RENDERED_BREAK), None) is None:
        return {}
    pages, page = {}, 1
    for el in body.iter(_TC, _RENDERED_BREAK):
        if el.tag == _RENDERED_BREAK:
            page += 1
        else:
            pages[el] = page
    return pages


def _blocks(container: etree._Element, tables: dict[etree._Element, int],
            pages: dict[etree._Element, int]) -> list[_Line]:
    """Lines of a body, cell or content control: paragraphs as one-cell lines, tables row by row;
    `tables` numbers the document's tables (document order, nested ones included), `pages` gives
    a table cell's page where the document says (`_pages`)."""
    lines: list[_Line] = []
    for child in container.iterchildren():
        if child.tag == _P:
            text = _text(child)
            if text:
                lines.append(([text], []))
        elif child.tag == _TBL:
            lines.extend(_table(child, tables, pages))
        elif child.tag == _SDT:
            for content in child.iterchildren(qn("w:sdtContent")):
                lines.extend(_blocks(content, tables, pages))
    return lines


def _table(tbl: etree._Element, tables: dict[etree._Element, int],
           pages: dict[etree._Element, int]) -> list[_Line]:
    """The table's rows as lines, each cell with its position: the table's number, the `w:tr`'s
    and the `w:tc`'s (1-based), its page where the document says."""
    lines: list[_Line] = []
    number = tables.get(tbl)
    for r, tr in enumerate(tbl.iterchildren(_TR)):
        cells = list(tr.iterchildren(_TC))
        if any(tc.find(f".//{_TBL}") is not None for tc in cells):  # a layout row
            for tc in cells:
                lines.extend(_blocks(tc, tables, pages))
            continue
        kept = [(c, tc) for c, tc in enumerate(cells, start=1) if not _continues_merge(tc)]
        row = [_cell_text(tc) for _, tc in kept]
        if len(row) > 1 or (row and row[0]):
            lines.append((row, [Position(pages.get(tc), number, r + 1, c) for c, tc in kept]))
    return lines


def _continues_merge(tc: etree._Element) -> bool:
    """True for a cell that continues a merge from the cell above (vMerge) or to its left (hMerge)."""
    for name in ("w:vMerge", "w:hMerge"):
        merge = tc.find(f"{qn('w:tcPr')}/{qn(name)}")
        if merge is not None and merge.get(qn("w:val"), "continue") != "restart":
            return True
    return False


def _cell_text(tc: etree._Element) -> str:
    """A cell's paragraphs joined by single spaces."""
    return " ".join(" ".join(line) for line, _ in _blocks(tc, {}, {}))


def _text(p: etree._Element) -> str:
    """A paragraph's visible text with whitespace runs collapsed to one space."""
    parts = []
    for node in p.xpath(_TEXT_XPATH):
        # itertext: the text after an entity reference (`&e;`, never resolved: it stays as written)
        # is that reference's tail, which `.text` leaves out
        parts.append("".join(node.itertext()) if node.tag == qn("w:t") else " ")
    return " ".join("".join(parts).split())
