"""Plain-text carriers: tab-separated, pipe-separated, one cell per line, and flattened text.

Each line becomes one line of cells: split on tabs when it has them, else on `|`, else the line is
one cell.  Flattened text (cells concatenated with no separator) therefore arrives as one cell per
line; the interpreter recovers its cells.
"""
from __future__ import annotations

from .base import Document, decode


def split_line(line: str) -> list[str]:
    if "\t" in line:
        return line.split("\t")
    if "|" in line:
        cells = line.split("|")
        if cells and not cells[0].strip():
            cells = cells[1:]
        return cells
    return [line]


def read(data: bytes, source: str) -> Document:
    text, encoding = decode(data, source)
    lines = [split_line(line) for line in text.splitlines() if line.strip()]
    return Document(lines=lines, carrier="text", source=source, encoding=encoding)
