"""Page layout shared by the readers of printed pages (the PDF text layer and OCR): a page's
blocks — its tables and the text lines outside them, top to bottom — made into a Document's lines.

Text lines that wrapped at the right margin are joined again (`paragraphs`), so a paragraph, a
title or a heading printed over two lines is one line.  Page numbers in the top or bottom margin
(`- 3 -`, `第3页`) are furniture (`is_page_number`) and dropped.  A table that ends one page and
starts the next is one table (`join`): rows at the top of the second part that repeat the table's
first rows (a header repeated on each page) are dropped — otherwise they would be read as an extra
row.  A row that itself breaks across the page (Word's and LibreOffice's default) is rejoined when
the evidence is unequivocal: the continued table's first row holds only text, no number and no row
ordinal (`3.`, `（五）`, `四、`), and each of its cells lies under a cell of the previous page's
last rows (by x-position); each piece is appended to that cell, and the notes say so.  Anything
else stays as printed, a row of its own.

Beside its rows a block gives where each cell is printed (`where`: page, table, row, column,
box) and, from a reader that knows it (OCR), how each cell was read (`sources`: confidence, doubt);
both follow their cells through the joining into `Joined.positions` and `Joined.cell_sources` (a
rejoined cell or paragraph: where it starts).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from ..schema.messages import message
from .base import CellSource, Position

#: a page number as printed in a margin: `- 3 -`, `第3页`, `3/12`, `第 3 页 共 12 页`
PAGE_NUMBER = re.compile(r"^[-—–_\s]*(?:第\s*)?\d{1,4}\s*页?(?:\s*[/／]\s*(?:共\s*)?\d{1,4}\s*页?)?[-—–_\s]*$")
#: page numbers are dropped only in the top and bottom tenth of the page
MARGIN = 0.1
_NUMBERISH = re.compile(r"\d")
_ORDINAL = re.compile(r"^[(（]?(?:[一二三四五六七八九十]+|\d{1,2})\s*[)）、.．]")

Span = tuple[float, float]  # a table cell's x0, x1
#: what a block's cells are: their text (what `paragraphs` and `join` take), or what a reader placed in
#: them before it has their text (OCR: `ocr_layout.Cell`, the boxes read in a cell)
CellT = TypeVar("CellT")


@dataclass
class Block(Generic[CellT]):
    """Lines of cells between `top` and `bottom` on one page: a table's rows, or one line of text
    (a text line also keeps its right edge `x1` and its text size)."""

    top: float
    bottom: float
    rows: list[list[CellT]]
    is_table: bool
    x1: float = 0.0
    size: float = 0.0
    furniture: bool = False  # a page number in the margin
    spans: list[list[Span]] = field(default_factory=list)  # tables: each row's cells' x-ranges
    where: list[list[Position]] = field(default_factory=list)  # each row's cells' positions
    #: each row's cells' sources, beside `rows` (readers that know them: OCR); empty otherwise
    sources: list[list[CellSource | None]] = field(default_factory=list)


@dataclass
class Joined:
    """Pages joined into a Document's lines, the notes on what was joined or dropped, and by
    (line index, cell index) where each cell is printed and the source of the cells whose source
    is known."""

    lines: list[list[str]]
    notes: list[str]
    positions: dict[tuple[int, int], Position]
    cell_sources: dict[tuple[int, int], CellSource]


def is_page_number(text: str, top: float, bottom: float, height: float) -> bool:
    """Whether a text line between `top` and `bottom` of a page `height` high is its page number."""
    in_margin = bottom < height * MARGIN or top > height * (1 - MARGIN)
    return in_margin and bool(PAGE_NUMBER.match(text))


def paragraphs(blocks: list[Block[str]], right: float) -> list[Block[str]]:
    """Rejoin text lines that wrapped: a line reaching the right margin continues on the next line
    of the same size just below it (so a title or heading broken over two lines reads as one)."""
    out: list[Block[str]] = []
    for block in blocks:
        prev = out[-1] if out else None
        if (prev is not None and not prev.is_table and not block.is_table
                and not prev.furniture and not block.furniture
                and abs(prev.size - block.size) < 0.5 and prev.x1 >= right - 2 * prev.size
                and block.top - prev.bottom < 0.8 * prev.size):
            before, after = prev.rows[0][0], block.rows[0][0]
            glue = " " if before[-1].isascii() and after[0].isascii() else ""
            out[-1] = Block(prev.top, block.bottom, [[before + glue + after]], False, block.x1,
                            block.size, where=prev.where)  # where it starts
        else:
            out.append(block)
    return out


def join(pages: list[list[Block[str]]]) -> Joined:
    """All pages' lines and where their cells are (a rejoined cell: where it starts); a table
    continued from the previous page loses its repeated header rows, and a row broken by the page
    is rejoined (`_rejoin`).  Also the notes on what was done."""
    lines: list[list[str]] = []
    notes: list[str] = []
    positions: dict[tuple[int, int], Position] = {}
    cell_sources: dict[tuple[int, int], CellSource] = {}
    dropped = 0
    previous: list[Block[str]] = []  # content blocks of the previous page
    first_rows: list[list[str]] = []  # the first rows of the table now being continued
    tail: list[tuple[int, list[Span]]] = []  # the last table's rows: (line index, cell x-ranges)
    for number, page in enumerate(pages, start=1):
        content = [b for b in page if not b.furniture]
        continues = (bool(previous) and previous[-1].is_table and bool(content) and content[0].is_table)
        for i, block in enumerate(content):
            rows, spans = block.rows, block.spans
            where, sources = block.where, block.sources
            if i == 0 and continues:
                k = _repeated_prefix(rows, first_rows)
                rows, spans, dropped = rows[k:], spans[k:], dropped + k
                where, sources = where[k:], sources[k:]
                if rows and spans and _rejoin(lines, tail, rows[0], spans[0]):
                    notes.append(message("note_page_rejoined", page=number, row=repr(" ".join(c for c in rows[0] if c))))
                    rows, spans, where, sources = rows[1:], spans[1:], where[1:], sources[1:]
            elif block.is_table:
                first_rows, tail = rows, []
            if block.is_table:
                tail += [(len(lines) + j, s) for j, s in enumerate(spans)]
            for j, placed in enumerate(where):
                positions.update(((len(lines) + j, c), p) for c, p in enumerate(placed))
            for j, read in enumerate(sources):
                cell_sources.update(((len(lines) + j, c), s) for c, s in enumerate(read) if s is not None)
            lines.extend(rows)
        if content:
            previous = content
    if dropped:
        notes.append(message("note_headers_dropped", count=dropped))
    return Joined(lines, notes, positions, cell_sources)


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
