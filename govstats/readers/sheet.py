"""Spreadsheet carrier: `.xls`, WPS `.et`, `.xlsx` and `.ods` reports, read with python-calamine.

Every sheet is read in turn, row by row: one line per row, one string per cell, as the DOCX reader
gives a table.  A merged cell appears once, in its first row and column (the cells it covers are
not empty cells of the table: they are skipped, as the DOCX reader skips vMerge continuations).
A number is printed as the spreadsheet holds it (`4166.241619`; `58`, not `58.0`).

Every cell keeps where it is (`Document.positions`): the sheet's number (as the table), its row
and column in the sheet (A1 is row 1, column 1).

Bounded: a sheet of more than MAX_CELLS cells (rows × columns of its used area) is refused before
its cells are read.
"""
from __future__ import annotations

import datetime as dt
import io
from typing import Any

import python_calamine

from ..core.errors import ReportParseError
from ..core.limits import Limits
from ..schema.messages import message, over_limit
from . import isolated
from .base import Document, Position

#: cells of one sheet's used area (a report's tables hold a few hundred)
MAX_CELLS = 2_000_000


def read(data: bytes, source: str, limits: Limits | None = None) -> Document:
    """Read every sheet of a workbook as lines of cells, in a child process (`isolated`: the
    library aborts the process on some damaged files), within `limits.max_convert_seconds`."""
    limits = limits or Limits.from_env()
    found = isolated.run(lambda: _book(data, source), source, "python-calamine", limits.max_convert_seconds,
                         over_limit("limit_sheet_seconds", limits, "max_convert_seconds"))
    if not found:
        raise ReportParseError(source, message("sheet_no_text"))
    lines = [(cells, [Position(table=t, row=r, col=c) for t, r, c in where]) for cells, where in found]
    positions = {(i, j): p for i, (_, where) in enumerate(lines) for j, p in enumerate(where)}
    return Document(lines=[cells for cells, _ in lines], carrier="sheet", source=source, positions=positions)


def _book(data: bytes, source: str) -> list[tuple[list[str], list[tuple[int, int, int]]]]:
    """Every sheet's lines: each a row's cell texts and where each is (sheet, row, column)."""
    lines: list[tuple[list[str], list[tuple[int, int, int]]]] = []
    try:
        book = python_calamine.load_workbook(io.BytesIO(data))
        for number, name in enumerate(book.sheet_names, start=1):
            lines.extend(_sheet(book.get_sheet_by_name(name), source, number))
    except python_calamine.PasswordError as exc:
        raise ReportParseError(source, message("sheet_encrypted")) from exc
    except (KeyboardInterrupt, SystemExit, ReportParseError):
        raise
    except BaseException as exc:  # calamine's errors, and its Rust panics (PanicException is no Exception)
        raise ReportParseError(source, message("sheet_unreadable", detail=f"{exc.__class__.__name__}: {exc}")) from exc
    return lines


def _sheet(sheet: Any, source: str, number: int) -> list[tuple[list[str], list[tuple[int, int, int]]]]:
    """The sheet's rows as lines, each cell with its position: the sheet's `number` (as `table`),
    its row and column in the sheet (1-based: A1 is row 1, col 1)."""
    height, width = sheet.total_height, sheet.total_width
    if height * width > MAX_CELLS:
        raise ReportParseError(source, message("limit_sheet", sheet=repr(sheet.name), height=f"{height:,}",
                                               width=f"{width:,}", limit=f"{MAX_CELLS:,}"))
    rows = sheet.to_python(skip_empty_area=False)
    covered: set[tuple[int, int]] = set()
    for (top, left), (bottom, right) in sheet.merged_cell_ranges or []:
        for r in range(top, min(bottom, height - 1) + 1):
            for c in range(left, min(right, width - 1) + 1):
                if (r, c) != (top, left):
                    covered.add((r, c))
    lines = []
    for r, row in enumerate(rows):
        kept = [(_text(value), c) for c, value in enumerate(row) if (r, c) not in covered]
        if any(text for text, _ in kept):
            lines.append(([text for text, _ in kept], [(number, r + 1, c + 1) for _, c in kept]))
    return lines


def _text(value) -> str:
    """A cell's value as printed."""
    if isinstance(value, bool):
        return str(value).upper()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else f"{value:.15g}"
    if isinstance(value, (dt.date, dt.time, dt.timedelta)):
        return value.isoformat() if not isinstance(value, dt.timedelta) else str(value)
    return str(value).strip()
