"""DOCX as agencies write the report in Word: paragraphs, and tables with merged cells.

Spanned cells are merged with python-docx (`gridSpan` across, `vMerge` down), so a reader sees
what Word stores; a blank cell is an empty cell.
"""
from __future__ import annotations

import io
import random
from typing import TYPE_CHECKING

import docx

from .layout import Table, grid

if TYPE_CHECKING:
    from .report import GeneratedReport


def _table(document, table: Table) -> None:
    out = document.add_table(rows=len(table.rows), cols=table.width)
    out.style = "Table Grid"
    # the cells of the unmerged grid, taken once (`Table.cell` walks the whole table each call);
    # spans never overlap, so each merge's corners are still cells of their own when it happens
    cells = [list(row.cells) for row in out.rows]
    for r, row in enumerate(grid(table)):
        for c, (cell, origin) in enumerate(row):
            if not origin:
                continue
            target = cells[r][c]
            if cell.rowspan > 1 or cell.colspan > 1:
                target = target.merge(cells[r + cell.rowspan - 1][c + cell.colspan - 1])
            target.text = cell.text


def render(report: GeneratedReport, rng: random.Random) -> tuple[bytes, set]:
    """The report as a Word document (title, headings, paragraphs, the three tables)."""
    document = docx.Document()
    for block in report.blocks():
        if block.table is not None:
            _table(document, block.table)
        elif block.kind == "title":
            document.add_paragraph(block.text, style="Title")
        elif block.kind == "heading":
            document.add_paragraph().add_run(block.text).bold = True
        else:
            document.add_paragraph(block.text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue(), set()
