"""From value segments to schema cells: each row read as its columns, or kept raw and reported.

A row whose pieces match its column count is read as printed.  Otherwise its candidate readings
(splits of fused digits, or which empty cells at the ends are padding) are filtered by the row
identities, then chosen across rows by the column identities; a row left with several readings is
kept as ambiguous raw text and reported.
"""
from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field, replace

from ..schema import Schema
from ..schema.messages import message
from . import solver
from .misprints import misprinted_row
from .normalize import significant
from .segments import CHANGE_WORDS, Report, Segment
from .solver import Part, Piece

_HAN = re.compile(r"[\u4e00-\u9fff]")

Reading = tuple[Part, ...]


@dataclass
class RowReading:
    """Everything known about how one row's segment reads as its columns."""

    segment: Segment
    cols: list[str]
    parts: Reading | None = None  # the one reading, once resolved
    candidates: list[Reading] = field(default_factory=list)  # kept readings while undecided
    kind: str = ""  # what the candidates are (for messages)
    note: str = ""

    @property
    def key(self) -> str:
        return self.segment.entry.key


def read_rows(table: str, version: str, segments: list[Segment], schema: Schema,
              report: Report, columns: dict[str, list[str]] | None = None) -> list[dict]:
    """The cells of one table (in segment order, then the rows not in the schema); `columns` gives
    the column keys of blocks whose headers say otherwise than `version` (empty: not certain)."""
    identities = schema.identities(version, table)
    readings: list[RowReading] = []
    extras: list[dict] = []
    block_cols: dict[str, list[str]] = dict(columns or {})  # each block's column keys, looked up once
    order = schema.rows(table, version)
    found = {seg.entry.key for seg in segments}
    queue = list(reversed(segments))
    while queue:
        seg = queue.pop()
        block = seg.entry.block
        undecided = block_cols.get(block) == []
        if block not in block_cols or undecided:
            block_cols[block] = [c.key for c in schema.columns(table, version, block=block)]
        cols = block_cols[block]
        row = RowReading(seg, cols)
        readings.append(row)
        if undecided:  # its headers name columns of both formats: no cell is placed
            report(message("headers_undecided"), row.key)
            continue
        pieces, extra = _split_extra(seg.pieces)
        for label, extra_pieces in reversed(extra):
            entry = misprinted_row(label, seg.entry.key, order, found)
            if entry is None:
                extras.extend(_extra_cells(table, seg, label, extra_pieces, cols, report))
                continue
            found.add(entry.key)
            report(message("label_misprint", label=repr(label), name=entry.zh), entry.key)
            raw = " ".join(p.source for p in extra_pieces)
            queue.append(replace(seg, entry=entry, label=label, pieces=extra_pieces, raw=raw,
                                 one_cell=seg.one_cell and len(extra_pieces) <= 1))
        _read_row(row, pieces, identities, report)
    pending = [r for r in readings if r.parts is None and r.candidates]
    if pending:
        _choose_across_rows(table, readings, pending, identities, report)
    return [cell for row in readings for cell in _row_cells(table, row)] + extras


def _read_row(row: RowReading, pieces: list[Piece], identities, report: Report) -> None:
    """Resolve `row` from its pieces, or leave its candidate readings, or report why not."""
    seg, cols, n = row.segment, row.cols, len(row.cols)
    paddings = _paddings(pieces, n)
    pieces = _trim(pieces, n)
    if len(paddings) > 1:  # empty cells at both ends: which ones are padding is not printed
        cands, row.kind = paddings, "ends"
    elif len(pieces) == n:
        row.parts = tuple(p.part() for p in pieces)
        for col, p in zip(cols, pieces):
            if p.kind == "text" and p.text in CHANGE_WORDS:
                report(message("no_number", raw=repr(p.source)), row.key)
            elif p.kind == "ambiguous":
                report(message("alone_where_number", col=col, raw=repr(p.source)), row.key)
        return
    elif seg.at_end and not seg.one_cell and len(pieces) < n:
        _read_truncated(row, pieces, report)
        return
    else:
        if len(pieces) > n or not seg.one_cell:
            report(message("values_found_truncated" if seg.at_end else "values_found", count=len(pieces), n=n,
                           raw=repr(seg.raw[:60])), row.key)
            return
        cands = solver.splits(pieces, n)
        if cands is None:
            report(message("too_many_splits", raw=repr(seg.raw[:60]), n=n), row.key)
            return
        if not cands:
            report(message("cannot_read_cells_truncated" if seg.at_end else "cannot_read_cells", raw=repr(seg.raw[:60]),
                           n=n), row.key)
            return
        row.kind = "splits"
    split = row.kind == "splits"
    kept = solver.filter_by_row(cands, cols, row.key, identities)
    row.note = f"{'split' if split else 'read'} from {seg.raw!r}"
    if len(kept) == 1:
        row.parts = kept[0]
        row.note += " by the row identities" if len(cands) > 1 else ""
    elif len(kept) > 1:
        row.candidates = kept
    elif len(cands) == 1:
        row.parts = cands[0]
    else:
        report(message("no_split_fits" if split else "no_reading_fits", raw=repr(seg.raw), n=n), row.key)


def _read_truncated(row: RowReading, pieces: list[Piece], report: Report) -> None:
    """The document's text ends inside this row, its cells printed apart: the cells before the cut
    are in the first columns, in order; a last value the text ends on may itself be cut and is not
    taken.  The columns after the cut are kept as ambiguous (nothing printed) and reported."""
    seg, n = row.segment, len(row.cols)
    certain = pieces if seg.closed else pieces[:-1]
    missing = Part(seg.raw if not certain else "", None, "ambiguous")
    row.parts = tuple(p.part() for p in certain) + (missing,) * (n - len(certain))
    row.note = "the text ends in this row: " + (f"{len(certain)} cells read before the cut" if certain
                                                else "no cell before the cut")
    report(message("text_ends", printed=len(pieces), n=n, read=len(certain), raw=repr(seg.raw[:60])), row.key)


def _choose_across_rows(table: str, readings: list[RowReading], pending: list[RowReading],
                        identities, report: Report) -> None:
    fixed = {(r.key, col): part.value for r in readings if r.parts is not None
             for col, part in zip(r.cols, r.parts) if part.kind == "number"}
    chosen = solver.choose_across_rows({r.key: r.candidates for r in pending}, fixed,
                                       readings[0].cols, identities)
    for row in pending:
        if row.key in chosen:
            row.parts = chosen[row.key]
            row.note += " by the column identities"
            continue
        fit = "_fit" if identities else ""  # "ambiguous_splits", "ambiguous_ends_fit", …
        report(message(f"ambiguous_{row.kind}{fit}", count=len(row.candidates), table=table), row.key)


def _row_cells(table: str, row: RowReading) -> list[dict]:
    seg = row.segment
    entry = seg.entry
    if row.parts is not None:
        return [_cell(table, entry.block, entry.key, col, p.value, p.raw, p.kind, p.unit, row.note, seg.label,
                      p.start) for col, p in zip(row.cols, row.parts)]
    at = next((p.start for p in seg.pieces if p.start >= 0), -1)  # where the row's values start
    return [_cell(table, entry.block, entry.key, col, None, seg.raw, "ambiguous", "",
                  "cells could not be separated", seg.label, at) for col in row.cols]


def _extra_cells(table: str, after: Segment, label: str, pieces: list[Piece], cols: list[str],
                 report: Report) -> list[dict]:
    key = "extra." + significant(label)[:40]
    report(message("extra_row", table=table, key=repr(key)), key)
    pieces = _trim(pieces, len(cols))
    names = cols if len(pieces) == len(cols) else [f"c{i + 1}" for i in range(len(pieces))]
    return [_cell(table, after.entry.block, key, col, part.value, part.raw, part.kind, part.unit,
                  "row not in the schema", label, part.start)
            for col, part in zip(names, (p.part() for p in pieces))]


def _empty(piece: Piece) -> bool:
    return piece.kind == "blank" and piece.text == ""


def _trim(pieces: list[Piece], n: int) -> list[Piece]:
    """Drop blank pieces at the ends (layout artefacts such as label-column spans) while too many."""
    out = list(pieces)
    while len(out) > n and out and (_empty(out[0]) or _empty(out[-1])):
        if _empty(out[0]):
            out.pop(0)
        else:
            out.pop()
    return out


def _paddings(pieces: list[Piece], n: int) -> list[Reading]:
    """The distinct readings left by dropping the surplus empty cells from either end.

    Several readings mean the row's own values include an empty cell at one end while padding
    sits at the other end: the text does not say which empty cells are padding.
    """
    surplus = len(pieces) - n

    def empties(seq) -> int:
        return sum(1 for _ in itertools.takewhile(_empty, seq))

    if surplus <= 0 or not (_empty(pieces[0]) and _empty(pieces[-1])):
        return []  # at most one reading: the one `_trim` gives
    front, back = empties(pieces), empties(reversed(pieces))
    readings: list[Reading] = []
    for k in range(max(0, surplus - back), min(surplus, front) + 1):
        reading = tuple(p.part() for p in pieces[k:len(pieces) - (surplus - k)])
        if reading not in readings:
            readings.append(reading)
    return readings


def _split_extra(pieces: list[Piece]) -> tuple[list[Piece], list[tuple[str, list[Piece]]]]:
    """Separate rows a province added (a Han-text label after the values) from the row's own values."""
    main: list[Piece] = []
    extra: list[tuple[str, list[Piece]]] = []
    for p in pieces:
        if p.kind == "text" and _HAN.search(p.text) and p.text not in CHANGE_WORDS:
            if main or extra:
                extra.append((p.source, []))
            # else: text before any value continues the label (e.g. a note); not a value
        elif extra:
            extra[-1][1].append(p)
        else:
            main.append(p)
    return main, [(label, ps) for label, ps in extra if ps]


def _cell(table: str, block: str, row: str, col: str, value: float | None, raw: str, kind: str,
          unit: str, note: str, label: str, start: int = -1) -> dict:
    """A cell record; `start` (not a cell-table column) is where its value sits in the text (an
    ambiguous cell: where its row's values start; -1: not known)."""
    return {"table": table, "block": block, "row": row, "col": col, "value": value, "raw": raw,
            "kind": kind, "unit": unit, "note": note, "label": label, "start": start}
