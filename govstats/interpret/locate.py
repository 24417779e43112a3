"""Where each cell was printed: a cell's position in the Document's text, mapped to its file.

Every value the interpreter reads keeps `start`, its position in `Document.text()` (the cells of
a line joined by the cell separator, lines by newlines).  That position falls in one cell of one
line of the Document, and the reader said where that cell is printed (`Document.positions`): a
page, a table with its row and cell, a line of the decoded text with the cell's offset in it, a
box.  The cell record gains the locator columns (frames.csv, frame `cells`): `page`, `src_table`,
`src_row`, `src_col`, `line`, `char_start`, `char_end` (the raw text's span in that line, where
it is printed there as it is), `box` and `locator`, a sentence a person can follow.  A cell with
no known position (nothing printed, or a reader that does not know) gets None and "".
"""
from __future__ import annotations

import bisect
import functools

from ..readers.base import CellSource, Document, Position
from ..schema import texts

#: the locator columns a cell record gains, in frames.csv's order
LOCATOR_FIELDS = ("page", "src_table", "src_row", "src_col", "line", "char_start", "char_end", "box", "locator")


class Locator:
    """Finds the Document cell a text position falls in."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.starts: list[int] = []
        self.ends: list[int] = []
        self.keys: list[tuple[int, int]] = []
        pos = 0
        for i, line in enumerate(doc.lines):
            for j, text in enumerate(line):
                self.starts.append(pos)
                self.ends.append(pos + len(text))
                self.keys.append((i, j))
                pos += len(text) + 1  # the cell separator, or the newline after the line

    def cell(self, start: int) -> int:
        """The index (in `keys`) of the Document cell holding text position `start`."""
        return bisect.bisect_right(self.starts, start) - 1

    def source(self, start: int) -> CellSource | None:
        return self.doc.cell_sources.get(self.keys[self.cell(start)]) if start >= 0 else None

    def locate(self, record: dict, text: str) -> None:
        """Add the locator columns to a cell record (`text`: the Document's text the interpreter read)."""
        start, raw = record["start"], record["raw"]
        position = None
        k = self.cell(start) if start >= 0 else -1
        if k >= 0:
            position = self.doc.positions.get(self.keys[k])
        if position is None:
            record.update(dict.fromkeys(LOCATOR_FIELDS), box="", locator="")
            return
        char_start = char_end = None
        # the span only where the raw text is printed there as it is, inside this one cell
        if (position.line is not None and position.char is not None and raw
                and start + len(raw) <= self.ends[k] and text[start:start + len(raw)] == raw):
            char_start = position.char + start - self.starts[k]
            char_end = char_start + len(raw)
        record.update(page=position.page, src_table=position.table, src_row=position.row,
                      src_col=position.col, line=position.line, char_start=char_start, char_end=char_end,
                      box=",".join(f"{v:g}" for v in position.box) if position.box else "",
                      locator=describe(position, char_start, char_end))


@functools.cache
def _words(lang: str) -> dict[str, str]:
    return texts("locator", lang)


def describe(position: Position, char_start: int | None = None, char_end: int | None = None,
             lang: str = "en") -> str:
    """A locator a person can follow: `p. 4, table 2, row 3, col 5`, `line 57, chars 12–15` (the
    `locator` column, in English), or in Chinese (`第 4 页，表 2，第 3 行，第 5 列`)."""
    words = _words(lang)
    found = [("page", position.page), ("table", position.table), ("row", position.row), ("col", position.col),
             ("line", position.line)]
    parts = [words[name].format(n=n) for name, n in found if n is not None]
    if position.line is not None and char_start is not None:
        parts.append(words["chars"].format(start=char_start, end=char_end))
    if position.box is not None and position.table is None:
        parts.append(words["box"].format(box=",".join(f"{v:g}" for v in position.box)))
    return words["sep"].join(parts)
