"""The plain-text carriers: tab text, pipe text, one cell per line, pipe lines, blank-line cells,
and flattened text.

Tab and pipe text print a table row per line the way text copied from a web page or a Word
document looks (the reference report): a spanned cell once, rows under a row-spanning label
starting with empty cells (now and then shifted to start at their own label instead), a varying
number of empty cells between a row label and its values and after the values.  Flattened text
(the 平潭 pages) concatenates every cell of the article with no separator at all.

Each printer returns the bytes and the rows whose printed form admits more than one reading.
"""
from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .layout import Block, Table, grid

if TYPE_CHECKING:
    from .report import GeneratedReport

Uncertain = set[tuple[str, str]]


def encode(text: str, gbk: bool) -> bytes:
    """UTF-8 bytes, or GBK bytes (GB18030 for a character outside GBK) when `gbk`."""
    return text.encode(charset(text, gbk))


def charset(text: str, gbk: bool) -> str:
    """The codec `encode` uses for `text`: utf-8, or gbk (gb18030 when GBK cannot hold it)."""
    if not gbk:
        return "utf-8"
    try:
        text.encode("gbk")
    except UnicodeEncodeError:
        return "gb18030"
    return "gbk"


@dataclass
class _Line:
    cells: list[str]
    row_key: str | None = None  # the schema row whose values this line carries
    lead: int = 0  # empty cells between the row label and the first value
    tail: int = 0  # empty cells after the last value


def _table_lines(table: Table, rng: random.Random) -> list[_Line]:
    """A table as lines of cells, with spans and label-column shifts as copied text shows them."""
    positions = grid(table)
    lines = []
    for r, row_key in enumerate(table.row_keys):
        shift = rng.random() < 0.15
        cells: list[str] = []
        lead = tail = 0
        for c, (cell, origin) in enumerate(positions[r]):
            if not origin:
                from_above = r > 0 and positions[r - 1][c][0] is cell
                if from_above and (any(cells) or not shift):
                    cells.append("")
                continue
            cells.append(cell.text)
            pads = cell.colspan - 1 if cell.role == "value" else rng.randint(0, cell.colspan - 1)
            cells += [""] * pads
            if cell.role == "value":
                tail = pads
            elif row_key is not None:
                lead = pads
        extra = rng.choice((0, 0, 1, 2))
        lines.append(_Line(cells + [""] * extra, row_key, lead, tail + extra))
    return lines


def _leading_empties(cells: list[str]) -> int:
    return next((i for i, x in enumerate(cells) if x != ""), len(cells))


def _trailing_empties(cells: list[str]) -> int:
    return _leading_empties(cells[::-1])


def _uncertain(report: GeneratedReport, table: Table, lines: list[_Line], closing: int) -> Uncertain:
    """Rows where empty layout cells next to an empty value cell allow another reading.

    A reader sees a row's value cells between the empty padding cells of its own line (the empty
    cells that start the next line belong to the next row); when a value at one end is itself
    empty and there is padding at the other end, the row shifted by one also fits.  `closing` is
    the number of empty cells a line of this carrier always ends with.
    """
    out: Uncertain = set()
    for i, line in enumerate(lines):
        if line.row_key is None:
            continue
        raws = [report.values[k].raw for k in report.values if k[:2] == (table.name, line.row_key)]
        if all(x == "" for x in raws):
            continue
        first = _leading_empties(raws)
        last = _trailing_empties(raws)
        has_label = any(c.role != "value" for c in table.rows[i])
        lead = line.lead if has_label else 0  # a label-less row starts its own line
        trail = line.tail + closing
        if (last and lead) or (first and trail):
            out.add((table.name, line.row_key))
    return out


def _separated(report: GeneratedReport, rng: random.Random, join, closing: int) -> tuple[bytes, Uncertain]:
    out: list[str] = []
    uncertain: Uncertain = set()
    for block in report.blocks():
        if block.table is None:
            out.append(block.text)
            continue
        lines = _table_lines(block.table, rng)
        uncertain |= _uncertain(report, block.table, lines, closing)
        out += [join(line.cells) for line in lines]
    return encode("\n".join(out) + "\n", report.deviations.gbk), uncertain


def tab(report: GeneratedReport, rng: random.Random) -> tuple[bytes, Uncertain]:
    """Tab-separated text, as copied from a web page or a Word table (the reference report)."""
    return _separated(report, rng, "\t".join, closing=0)


def pipe(report: GeneratedReport, rng: random.Random) -> tuple[bytes, Uncertain]:
    """Pipe-separated text: `| a | b |`, as Markdown-like exports print tables."""
    return _separated(report, rng, lambda cells: "|" + "|".join(f" {c} " for c in cells) + "|", closing=1)


def lines(report: GeneratedReport, rng: random.Random) -> tuple[bytes, Uncertain]:
    """One cell per line: every non-empty cell and paragraph on its own line."""
    out: list[str] = []
    for block in report.blocks():
        if block.table is None:
            out.append(block.text)
        else:
            out += [cell.text for row in block.table.rows for cell in row if cell.text != ""]
    return encode("\n".join(out) + "\n", report.deviations.gbk), set()


def row_cells(table: Table) -> list[tuple[str | None, list[str], bool]]:
    """Each row's own cells (a spanned cell once, where it starts), with the row's schema key and
    whether the row prints a label of its own."""
    positions = grid(table)
    return [(key, [cell.text for cell, origin in positions[r] if origin],
             any(c.role != "value" for c in table.rows[r]))
            for r, key in enumerate(table.row_keys)]


def pipe_lines(report: GeneratedReport, rng: random.Random) -> tuple[bytes, Uncertain]:
    """One cell per line, as a web page's text extraction gives it: `v |`, an empty cell a lone
    `|` line, spacer lines (`||`, `|||`) after a row now and then, and in some reports a lone `|`
    line that starts every row.

    With row-start markers, a row whose first value cell is empty is uncertain: the marker after
    it could be its last empty cell, the first empty cell a marker; a row without a label of its
    own (its marker before its values) is uncertain when either end is empty.
    """
    markers = rng.random() < 0.5
    out: list[str] = []
    uncertain: Uncertain = set()
    for block in report.blocks():
        if block.table is None:
            out.append(block.text)
            continue
        for key, cells, has_label in row_cells(block.table):
            if markers:
                out.append("|")
            out += [f"{c} |" if c else "|" for c in cells]
            if rng.random() < 0.3:
                out.append("|" * rng.randint(2, 5))
            raws = [report.values[k].raw for k in report.values if k[:2] == (block.table.name, key)]
            ends_empty = raws[0] == "" or (not has_label and raws[-1] == "") if raws else False
            if markers and ends_empty and any(raws):
                uncertain.add((block.table.name, key))
    return encode("\n".join(out) + "\n", report.deviations.gbk), uncertain


def blank_lines(report: GeneratedReport, rng: random.Random) -> tuple[bytes, Uncertain]:
    """One cell per paragraph: a filled cell or paragraph is followed by a blank line, an empty
    cell is one more newline (the 兴化 pages), so cell positions are kept by counting line breaks."""
    out: list[str] = []
    for block in report.blocks():
        if block.table is None:
            out.append(block.text + "\n\n")
            continue
        for _, cells, _ in row_cells(block.table):
            out += [f"{c}\n\n" if c else "\n" for c in cells]
    return encode("".join(out), report.deviations.gbk), set()


def _flat_block(block: Block, rng: random.Random) -> str:
    if block.table is None:
        return block.text
    parts: list[str] = []
    spaces = block.table.name != "t2"  # t2 stays fully fused, so its readings can be counted
    for row in block.table.rows:
        for cell in row:
            # now and then a space survives between two values (平潭 2019: "230 000023")
            gap = spaces and cell.role == "value" and parts[-1][-1:].isdigit() and rng.random() < 0.05
            parts.append(" " * gap + cell.text)
    return "".join(parts)


def flat(report: GeneratedReport, rng: random.Random) -> tuple[bytes, Uncertain]:
    """Flattened text: the article body on one line, table cells fused with no separator.

    Navigation and the title keep their own lines, as a scraper's page text does.  Every table
    row with more than one value is uncertain: its digits may split several ways.
    """
    blocks = report.blocks()
    start = next(i for i, b in enumerate(blocks) if b.kind not in ("nav", "title"))
    head = [b.text for b in blocks[:start]]
    tail = [b.text for b in blocks[start:] if b.kind == "nav"]
    body = "".join(rng.choice(("", " ")) + _flat_block(b, rng) for b in blocks[start:] if b.kind != "nav")
    cells_per_row = Counter(key[:2] for key in report.values)
    uncertain = {row for row, n in cells_per_row.items() if n > 1}
    return encode("\n".join([*head, body.strip(), *tail]) + "\n", report.deviations.gbk), uncertain
