"""Plain-text carriers: tab-separated, pipe-separated rows, one cell per line, and flattened text.

The text is first cut into tokens, the separators kept as evidence:

- a line with tabs, or with `|` between two cells, is a *row line* (one line of cells, as printed);
- a line holding one cell that ends in `|` (`0 |`, `第二十条第(五)项 | |||`) is a *cell line*: the
  first `|` ends the cell, any further `|` are spacers;
- a lone `|` line ends the cell on the line before it when that cell has no `|` of its own (pipes
  between cells), and is otherwise an empty cell (or a row marker: the interpreter drops the
  empty cells at a row's ends that its columns do not need, and reports when that is unsure);
- a line of pipes only (`||`, `|||||`) is a spacer between blocks;
- a text whose pipe lines are mostly rows of several cells is a *row carrier*: each line is one
  line of cells, as printed;
- in a *blank-line carrier* (most cells are separated by exactly one blank line), each further
  blank line is an empty cell.

A run of one-cell tokens (cell lines, lone pipes, cells of a blank-line carrier) becomes one line
of cells of the Document, so a row's empty cells sit between its values as in a table line.
Other lines become one line of cells each; flattened text (cells concatenated with no separator)
arrives as one cell per line and the interpreter recovers its cells.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..limits import Limits
from .base import Document, decode

_SPACER = re.compile(r"^\|(?:\s*\|)+$")
_VALUE = re.compile(r"^(?:[+-]?[\d,.]+(?:万元|元)?|[-—/\\无]+)$")  # a cell holding a value
#: share of gaps between non-empty lines that must be one blank line for a blank-line carrier
_BLANK_LINE_SHARE = 0.6


@dataclass
class _Token:
    """One line's worth of text: a row of cells, or one cell of a run of one-cell tokens."""

    cells: list[str]
    one_cell: bool  # joins the tokens around it into one line of cells
    closed: bool = True  # ends with its own `|` (a lone `|` after it is then an empty cell)


def split_line(line: str) -> list[str]:
    """The cells of a row line: split on tabs when it has them, else on `|` (a leading `|` dropped)."""
    if "\t" in line:
        return line.split("\t")
    if "|" in line:
        cells = line.split("|")
        if cells and not cells[0].strip():
            cells = cells[1:]
        return cells
    return [line]


def _line_tokens(line: str, previous: _Token | None) -> list[_Token]:
    stripped = line.strip()
    if stripped == "|":
        if previous is not None and previous.one_cell and not previous.closed:
            previous.closed = True  # the pipe between two cells
            return []
        return [_Token([""], one_cell=True)]
    if _SPACER.match(stripped):
        return []
    cell = _cell_line(stripped) if "\t" not in line else None
    if cell:
        return [_Token([cell], one_cell=True)]
    if "|" in line or "\t" in line:
        return [_Token(split_line(line), one_cell=False)]
    return [_Token([line], one_cell=True, closed=False)]


def _cell_line(stripped: str) -> str | None:
    """The cell of a line `v |` or `v | |||` (one cell, then only pipes), else None."""
    cell, pipe, rest = stripped.partition("|")
    if pipe and cell.strip() and not rest.replace("|", "").strip():
        return cell.rstrip()
    return None


def _is_row_carrier(lines: list[str]) -> bool:
    """Whether the text prints its table rows one a line (`a | b | c`) rather than one cell a line:
    then a line `规章 | ||||` is a label and four empty cells, not a cell and a spacer.
    Evidence for one cell a line: value lines (`0 |`) and lone `|` lines."""
    rows = cells = 0
    for line in lines:
        if "\t" in line:
            rows += 1
        elif line.strip() == "|":
            cells += 1
        elif "|" in line:
            contents = [c for c in line.split("|") if c.strip()]
            rows += len(contents) > 1
            cells += len(contents) == 1 and _VALUE.match(contents[0].strip()) is not None
    return rows > 0 and rows >= cells


def _is_blank_line_carrier(lines: list[str]) -> bool:
    gaps = _gaps(lines)
    return len(gaps) >= 10 and sum(1 for g in gaps if g == 1) >= _BLANK_LINE_SHARE * len(gaps)


def _gaps(lines: list[str]) -> list[int]:
    """Blank lines between consecutive non-empty lines."""
    gaps, run, seen = [], 0, False
    for line in lines:
        if line.strip():
            if seen:
                gaps.append(run)
            seen, run = True, 0
        else:
            run += 1
    return gaps


def tokens(text: str) -> tuple[list[_Token], bool]:
    """The text's tokens in reading order (see the module docstring), and whether it is a
    blank-line carrier."""
    lines = text.splitlines()
    if _is_row_carrier(lines):
        return [_Token(split_line(line), one_cell=False) for line in lines if line.strip()], False
    blank_cells = _is_blank_line_carrier(lines)
    out: list[_Token] = []
    blanks = 0
    for line in lines:
        if not line.strip():
            blanks += 1
            continue
        if blank_cells and out and blanks > 1:
            out.extend(_Token([""], one_cell=True) for _ in range(blanks - 1))
        blanks = 0
        previous = out[-1] if out else None
        out.extend(_line_tokens(line, previous))
    return out, blank_cells


def lines_of(text: str) -> list[list[str]]:
    """The Document lines of `text`: runs of one-cell tokens joined, row lines as they are."""
    toks, blank_cells = tokens(text)
    joined_plain = blank_cells and any(t.cells == [""] for t in toks)
    lines: list[list[str]] = []
    run: list[str] = []
    for tok in toks:
        if tok.one_cell and (tok.closed or joined_plain):
            run.extend(tok.cells)
            continue
        if run:
            lines.append(run)
            run = []
        lines.append(tok.cells)
    if run:
        lines.append(run)
    return [line for line in lines if any(c.strip() for c in line)]


def read(data: bytes, source: str, limits: Limits | None = None) -> Document:
    """Read plain or flattened text; `read_document` has held it to `limits` (its size) already."""
    text, encoding = decode(data, source)
    return Document(lines=lines_of(text), carrier="text", source=source, encoding=encoding)
