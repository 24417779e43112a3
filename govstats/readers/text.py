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
from dataclasses import dataclass, field

from ..core.limits import Limits
from .base import Document, Position, decode

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
    #: where each cell is printed: (1-based line of the text, offset of the cell's text in it)
    where: list[tuple[int, int]] = field(default_factory=list)


def split_line(line: str) -> list[tuple[str, int]]:
    """The cells of a row line, each with its offset in the line: split on tabs when it has them,
    else on `|` (a leading `|` dropped)."""
    sep = "\t" if "\t" in line else "|" if "|" in line else ""
    if not sep:
        return [(line, 0)]
    out, at = [], 0
    for cell in line.split(sep):
        out.append((cell, at))
        at += len(cell) + 1
    if sep == "|" and out and not out[0][0].strip():
        out = out[1:]
    return out


def _row(line: str, number: int) -> _Token:
    """A row line as one token of several cells."""
    cells = split_line(line)
    return _Token([c for c, _ in cells], one_cell=False, where=[(number, at) for _, at in cells])


def _line_tokens(line: str, previous: _Token | None, number: int) -> list[_Token]:
    stripped = line.strip()
    indent = len(line) - len(line.lstrip())
    if stripped == "|":
        if previous is not None and previous.one_cell and not previous.closed:
            previous.closed = True  # the pipe between two cells
            return []
        return [_Token([""], one_cell=True, where=[(number, indent)])]
    if _SPACER.match(stripped):
        return []
    cell = _cell_line(stripped) if "\t" not in line else None
    if cell:
        return [_Token([cell], one_cell=True, where=[(number, indent)])]
    if "|" in line or "\t" in line:
        return [_row(line, number)]
    return [_Token([line], one_cell=True, closed=False, where=[(number, 0)])]


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
        return [_row(line, n) for n, line in enumerate(lines, start=1) if line.strip()], False
    blank_cells = _is_blank_line_carrier(lines)
    out: list[_Token] = []
    blanks = 0
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            blanks += 1
            continue
        if blank_cells and out and blanks > 1:  # the blank lines after the first: empty cells
            out.extend(_Token([""], one_cell=True, where=[(number - blanks + k, 0)]) for k in range(1, blanks))
        blanks = 0
        previous = out[-1] if out else None
        out.extend(_line_tokens(line, previous, number))
    return out, blank_cells


def lines_of(text: str) -> list[list[str]]:
    """The Document lines of `text`: runs of one-cell tokens joined, row lines as they are."""
    return [line for line, _ in _lines_where(text)]


def _lines_where(text: str) -> list[tuple[list[str], list[tuple[int, int]]]]:
    """`lines_of`, each line with where its cells are printed (`_Token.where`)."""
    toks, blank_cells = tokens(text)
    joined_plain = blank_cells and any(t.cells == [""] for t in toks)
    lines: list[tuple[list[str], list[tuple[int, int]]]] = []
    run: tuple[list[str], list[tuple[int, int]]] = ([], [])
    for tok in toks:
        if tok.one_cell and (tok.closed or joined_plain):
            run[0].extend(tok.cells)
            run[1].extend(tok.where)
            continue
        if run[0]:
            lines.append(run)
            run = ([], [])
        lines.append((tok.cells, tok.where))
    if run[0]:
        lines.append(run)
    return [(line, where) for line, where in lines if any(c.strip() for c in line)]


def read(data: bytes, source: str, limits: Limits | None = None) -> Document:
    """Read plain or flattened text; `read_document` has held it to `limits` (its size) already.
    Each cell keeps its line in the decoded text and where in that line it starts."""
    text, encoding = decode(data, source)
    lines = _lines_where(text)
    positions = {(i, j): Position(line=n, char=at) for i, (_, where) in enumerate(lines)
                 for j, (n, at) in enumerate(where)}
    return Document(lines=[line for line, _ in lines], carrier="text", source=source, encoding=encoding,
                    positions=positions)
