"""From a table's text region to one value segment per row: label hits and the pieces after them.

Every label of the table (rows, group captions, headers) is matched in the region; each row label,
taken in the official order, owns the text up to the next label of any kind.  That text is cut
at cell breaks and line breaks into value pieces (numbers, null markers, text).
"""
from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from ..schema import Entry
from ..schema.messages import message
from .normalize import CELL_SEP, NULL_TOKENS, NUMBER_RUN, label_regex, significant, strip_ordinal
from .solver import Piece

_NOTE = re.compile(r"[\s\W_]*[(][^()]{0,200}[)]")
_PUNCT = "()[]{}<>“”‘’\"'、,，.。;；:：《》"
_BOUNDARY = re.compile(rf"[{CELL_SEP}\n]")
_CELL_END = re.compile(rf" *(?:[{CELL_SEP}\n]|$)")
_BREAKS = CELL_SEP + "\n"
#: a cell or line break, or a token (`\S` excludes both breaks: a token never spans one)
_CELL_PART = re.compile(rf"[{_BREAKS}]|\S+")
#: `减4`, `增加5`, `减少2` in the 本年增/减 column: -4, +5, -2
_SIGNED = re.compile(r"^(增加|减少|增|减)(\d+(?:\.\d+)?)$")
#: the change words printed alone (a bare `增`): no number, kept as text and reported, never a label
CHANGE_WORDS = frozenset({"增", "减", "增加", "减少"})
_ORDINAL_ONLY = re.compile(r"^\d{1,2}[.、]$")  # `7.`: the start of a row label the text cuts off
#: a CJK numeral alone in a cell on a line of the row's numbers: a digit misread (OCR reads 1 as
#: 一) or a dash typed as 一 — neither a label nor a number it may be taken for: an ambiguous cell
_LONE_NUMERALS = frozenset("一二三四五六七八九十〇")

_HAN = re.compile(r"[\u4e00-\u9fff]")
_PROSE_BEFORE = re.compile(r"[\u4e00-\u9fff、,，]")
_PROSE_AFTER = re.compile(r"[\u4e00-\u9fff、,，。;；等]")

_BLANK = Piece("", "blank")  # an empty cell

#: reports a problem of the table being read: (message, row key)
Report = Callable[[str, str], None]


@dataclass
class Hit:
    """One match of a schema label in the text (positions in the normalised text)."""

    entry: Entry
    start: int
    end: int


@dataclass
class Segment:
    """A row's label as printed and the value pieces that follow it."""

    entry: Entry
    label: str
    pieces: list[Piece]
    one_cell: bool
    raw: str
    at_end: bool = False  # the document's text ends with this segment
    closed: bool = True  # a cell break follows the last value (its cell is complete)


class SegmentCutter:
    """Cuts the value segments of one table out of a document's text."""

    def __init__(self, norm: str, raw: str) -> None:
        self.norm = norm
        self.raw = raw
        self.end = len(norm.rstrip())  # the text after it is blank

    def hits(self, entries: list[Entry], region: tuple[int, int]) -> list[Hit]:
        """Every match of every label in the region, earliest first."""
        start, end = region
        hits = []
        for entry in entries:
            spans: list[tuple[int, int]] = []
            for label in entry.labels:
                for m in label_regex(label).finditer(self.norm, start, end):
                    spans.append(m.span())
            core = _core(entry.zh)
            if core:
                for m in label_regex(core).finditer(self.norm, start, end):
                    if not any(s <= m.start() < e for s, e in spans):
                        spans.append(m.span())
            # keep the longest match at each start
            best: dict[int, int] = {}
            for s, e in spans:
                best[s] = max(e, best.get(s, e))
            hits.extend(Hit(entry, s, e) for s, e in best.items())
        hits.sort(key=lambda h: (h.start, -h.end))
        return hits

    def segments(self, rows: list[Entry], hits: list[Hit], region: tuple[int, int],
                 report: Report, single_rows: dict[str, tuple[Entry, frozenset[str]]] | None = None
                 ) -> list[Segment]:
        """One segment per row found (in the official order), plus subtotals printed on group rows.

        `single_rows` maps a group to the row the other format prints in its place (v2019's single
        （六）其他处理 row) and the group's own rows: a group printed with numbers and none of its
        rows is that single row."""
        pos = region[0]
        placed: list[tuple[Entry, int, int]] = []
        headers = [h for h in hits if h.entry.role == "header"]
        for entry in rows:
            if not entry.zh:  # a row without a label (t4): its values follow the last header
                end = max((h.end for h in headers), default=region[0])
                placed.append((entry, end, end))
                continue
            own = [h for h in hits if h.entry.key == entry.key and h.entry.zh == entry.zh and h.start >= pos]
            # a sentence listing the labels before the table (`未公开规章、行政规范性文件、…`) is no row
            hit = next((h for h in own if not self._in_prose(h)), own[0] if own else None)
            if hit is None:
                report(message("row_not_found"), entry.key)
                continue
            placed.append((entry, hit.start, hit.end))
            pos = hit.end
        segments = [self.segment(entry, lstart, lend, hits, region) for entry, lstart, lend in placed]
        for hit in hits:  # local templates print subtotals on group rows; keep them, flagged
            if hit.entry.role != "group":
                continue
            seg = self.segment(hit.entry, hit.start, hit.end, hits, region)
            if any(p.kind == "number" for p in seg.pieces):
                single, children = (single_rows or {}).get(hit.entry.key, (None, frozenset()))
                if single is not None and not children & {e.key for e, _, _ in placed}:
                    seg.entry = single
                    segments.append(seg)
                    continue
                key = f"{hit.entry.key}_reported_subtotal"
                seg.entry = replace(hit.entry, key=key, role="row")
                report(message("subtotal_kept", key=repr(key)), key)
                segments.append(seg)
        return segments

    def _in_prose(self, hit: Hit) -> bool:
        """Whether the label is a word of a sentence: written on between other words, not a cell."""
        before = self.norm[hit.start - 1] if hit.start else "\n"
        after = self.norm[hit.end] if hit.end < len(self.norm) else "\n"
        return _PROSE_BEFORE.match(before) is not None and _PROSE_AFTER.match(after) is not None

    def segment(self, entry: Entry, lstart: int, lend: int, hits: list[Hit],
                region: tuple[int, int]) -> Segment:
        """Cut the text between a label (with the note printed after it) and the next label into
        value pieces."""
        label = self.raw[lstart:lend]
        note = _NOTE.match(self.norm, lend, _stop(hits, lend, region))
        if note is None:  # a note that fills the rest of the label's cell may quote other labels
            note = _NOTE.match(self.norm, lend, region[1])
            if note and (_BOUNDARY.search(self.norm, lend, note.end())
                         or not _CELL_END.match(self.norm, note.end(), region[1])):
                note = None
        start = lend
        if note:  # a parenthetical note printed after the label belongs to the label
            label += self.raw[lend:note.end()]
            start = note.end()
        stop = _stop(hits, start, region)
        cells, closed = self._cells(start, stop)
        # Empty cells on lines without any of the row's values are the layout of neighbouring rows
        # (the next row's cells under a row-spanning label, a header's trailing cells): not blanks.
        # Label text is no value: a line holding only the rest of a group label spanning rows
        # (`法提供` of （四）无/法提供) gives no blank to this row.
        value_lines = [line for line, _, found, _ in cells if any(map(_is_value, found))] or [0]
        first_line, last_line = min(value_lines), max(value_lines)
        numbered = {line for line, _, found, _ in cells if any(p.kind == "number" for p in found)}
        pieces: list[Piece] = []
        value_cells = 0
        for i, (line, printed, found, at) in enumerate(cells):
            if not first_line <= line <= last_line:
                continue
            if not printed:
                if 0 < i < len(cells) - 1:  # an empty cell between two separators: a blank
                    pieces.append(replace(_BLANK, start=at))
                continue
            value_cells += 1
            pieces.extend(_lone_numeral(found) if line in numbered else found)
        one_cell = value_cells <= 1
        if one_cell:  # every piece but a number is already unsplittable
            pieces = [replace(p, splittable=True) if p.kind == "number" else p for p in pieces]
        raw = self.raw[start:stop].replace(CELL_SEP, " ").strip()
        at_end = stop >= self.end
        return Segment(entry, label.replace(CELL_SEP, " ").strip(), pieces, one_cell, raw, at_end, closed)

    def _cells(self, start: int, stop: int) -> tuple[list[tuple[int, bool, list[Piece], int]], bool]:
        """The cells of text[start:stop] (cut at cell and line breaks) as (line number, whether a
        token is printed in it, its pieces, where it starts), and whether a break follows the last
        token."""
        norm, raw = self.norm, self.raw
        cells: list[tuple[int, bool, list[Piece], int]] = []
        line, printed, found, closed, at = 0, False, [], False, start
        for m in _CELL_PART.finditer(norm, start, stop):  # breaks and tokens, in one pass
            ts, te = m.span()
            if norm[ts] in _BREAKS:
                cells.append((line, printed, found, at))
                line += norm[ts] == "\n"
                printed, found, closed, at = False, [], True, te
            else:
                found.extend(classify(norm[ts:te], raw[ts:te], ts))
                printed, closed = True, False
        cells.append((line, printed, found, at))
        return cells, closed


def _is_value(piece: Piece) -> bool:
    """Whether a piece is a value printed in a cell (a number, a null marker, a change word), not label text."""
    return piece.kind != "text" or piece.text in CHANGE_WORDS or not _HAN.search(piece.text)


def _lone_numeral(found: list[Piece]) -> list[Piece]:
    """A cell's pieces; a lone CJK numeral (`_LONE_NUMERALS`) made an ambiguous piece."""
    if len(found) == 1 and found[0].kind == "text" and found[0].text in _LONE_NUMERALS:
        return [replace(found[0], kind="ambiguous")]
    return found


@functools.lru_cache(maxsize=2048)
def _core(label: str) -> str | None:
    """The label without its ordinal (`1.属于国家秘密` → `属于国家秘密`), also matched when at least
    four characters are left; None when it has no ordinal or leaves fewer."""
    core = strip_ordinal(label)
    return core if core != label and len(significant(core)) >= 4 else None


def _stop(hits: list[Hit], after: int, region: tuple[int, int]) -> int:
    """Where the value segment that starts at `after` ends: the next label of any kind."""
    return next((h.start for h in hits if h.start >= after and h.end > after), region[1])


def classify(text: str, raw: str, start: int = -1) -> list[Piece]:
    """Classify one whitespace-free token (normalised `text`, printed `raw`, at `start` in the
    Document's text, -1 when unknown): a null marker, number runs, or text."""
    if text.isascii() and text.isdigit():  # most tokens: one number, read as NUMBER_RUN reads it
        return [Piece(text, "number", raw=raw, start=start)]
    if text in NULL_TOKENS:
        return [Piece(text, NULL_TOKENS[text], raw=raw, start=start)]
    if _ORDINAL_ONLY.match(text):
        return []
    signed = _SIGNED.match(text)
    if signed:  # padded to the printed length: the raw text keeps the printed word
        word, number = signed.groups()
        sign = ("+" if word[0] == "增" else "-").rjust(len(word))
        return [Piece(sign + number, "number", raw=raw, start=start)]
    left = len(text) - len(text.lstrip(_PUNCT))
    right = len(text.rstrip(_PUNCT))
    text, raw = text[left:right], raw[left:right]
    start = start + left if start >= 0 else -1
    if not text:  # a bracket or quote left over from a neighbouring label
        return []
    if text in NULL_TOKENS:
        return [Piece(text, NULL_TOKENS[text], raw=raw, start=start)]
    runs = list(NUMBER_RUN.finditer(text))
    if runs and sum(m.end() - m.start() for m in runs) == len(text):
        return [Piece(m.group(), "number", raw=raw[m.start():m.end()], start=start + m.start() if start >= 0 else -1)
                for m in runs]
    return [Piece(text, "text", raw=raw, start=start)]
