"""A page that starts inside a report: what a flipbook page or the second half of a scan gives.

No title and no table 二; table 三 from a row between 1.属于国家秘密 and 1.本机关不掌握相关政府信息
to its end, without its section heading and header; table 四 under its heading with each header
label printed one character per line (a vertical header); every table row one line of pipe text
(`| label | v | v |`, an empty cell an empty field).  Only the rows printed are expected; a row
whose first or last value is an empty cell is uncertain (as in pipe text: is it a cell or the
table's border?).
"""
from __future__ import annotations

import random
from typing import TYPE_CHECKING

from .render_text import Uncertain, encode, row_cells

if TYPE_CHECKING:
    from .report import GeneratedReport

Present = set[tuple[str, str]]  # the (table, row) pairs the fragment prints
FIRST, LAST = "withheld_state_secret", "unable_not_held"  # where the page may start in t3


def render(report: GeneratedReport, rng: random.Random) -> tuple[bytes, Uncertain, Present]:
    blocks = report.blocks()
    t3 = next(i for i, b in enumerate(blocks) if b.table is not None and b.table.name == "t3")
    rows = row_cells(blocks[t3].table)
    keys = [key for key, _, _ in rows]
    start = rng.randint(keys.index(FIRST), keys.index(LAST))
    out: list[str] = []
    present: Present = set()
    uncertain: Uncertain = set()

    def row(table: str, key: str, cells: list[str]) -> None:
        out.append(_pipe(cells))
        present.add((table, key))
        raws = [value.raw for k, value in report.values.items() if k[:2] == (table, key)]
        if raws and "" in (raws[0], raws[-1]):
            uncertain.add((table, key))

    for key, cells, _ in rows[start:]:
        row("t3", key, cells)
    for block in blocks[t3 + 1:]:
        if block.table is None:
            out.append(block.text)
            continue
        for key, cells, _ in row_cells(block.table):
            if key is None:  # a header row, printed vertically
                out += [ch for text in cells for ch in text if not ch.isspace()]
            else:
                row(block.table.name, key, cells)
    return encode("\n".join(out) + "\n", report.deviations.gbk), uncertain, present


def _pipe(cells: list[str]) -> str:
    return "|" + "|".join(f" {c} " for c in cells) + "|"
