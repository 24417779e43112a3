"""The interpreter: the one place where a Document's lines of cells become schema cells.

It finds the section headings, then, table by table, each row label in the official order; the
text between a label and the next label (or group caption) is that row's value segment.  Segments
whose values are fused (flattened text) are split with the help of the table identities
(`solver`).  Nothing is guessed: a row that cannot be read unambiguously is kept as raw text and
reported in `problems`.
"""
from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import dataclass, field, replace

from . import solver
from .meta import Title, detect_version, find_sections, find_title
from .model import Problem
from .normalize import CELL_SEP, NULL_TOKENS, NUMBER_RUN, label_regex, normalize_text, significant, strip_ordinal
from .readers.base import Document
from .schema import Entry, Schema, load_schema
from .solver import Part, Piece

_HAN = re.compile(r"[\u4e00-\u9fff]")
_NOTE = re.compile(r"[\s\W_]*[(][^()]{0,80}[)]")
_PUNCT = "()[]{}<>“”‘’\"'、,，.。;；:：《》"
_BOUNDARY = re.compile(rf"[{CELL_SEP}\n]")
_TOKEN = re.compile(r"\S+")
NARRATIVE_SECTIONS = ("overview", "problems", "other_matters")


@dataclass
class Interpretation:
    cells: list[dict]
    problems: list[Problem]
    version: str | None
    title: Title
    sections: dict[str, str]
    markers: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class _Hit:
    entry: Entry
    start: int
    end: int


@dataclass
class _Segment:
    entry: Entry
    label: str
    pieces: list[Piece]
    one_cell: bool
    raw: str
    at_end: bool = False


class Interpreter:
    """Maps one Document onto the schema."""

    def __init__(self, doc: Document, schema: Schema | None = None, version: str | None = None) -> None:
        self.doc = doc
        self.schema = schema or load_schema()
        self.raw = doc.text()
        self.norm = normalize_text(self.raw)
        if len(self.norm) != len(self.raw):  # positions must map one to one; else quote normalised text
            self.raw = self.norm
        self.problems: list[Problem] = []
        self.forced_version = version

    def problem(self, message: str, table: str = "", row: str = "", severity: str = "warning") -> None:
        self.problems.append(Problem(self.doc.source, message, table, row, severity))

    # -- top level ---------------------------------------------------------------------------
    def run(self) -> Interpretation:
        title = find_title(self.norm)
        if title.title is None:
            self.problem("no title found: agency and year unknown (pass agency= and year=)")
        version, markers = detect_version(self.norm, self.schema)
        if len(markers) > 1:
            self.problem(f"hybrid format: markers of both versions ({markers}); read as {version}",
                         severity="warning")
        if self.forced_version:
            version = self.forced_version
        headings = find_sections(self.norm, self.schema)
        sections = self._narrative(headings)
        cells: list[dict] = []
        if version is None and title.year and title.year >= 2021 and self._has_t3():
            version = "2021"
        elif version is None and title.year and title.year >= 2019 and self._has_t3():
            version = "2019"
        if version in ("2019", "2021"):
            for table in ("t2", "t3", "t4"):
                cells.extend(self._table(table, version, headings))
        if self.doc.cell_sources:
            self._attach_sources(cells)
        return Interpretation(cells, self.problems, version, title, sections, markers)

    def _attach_sources(self, cells: list[dict]) -> None:
        """Add where each value was read (Document.cell_sources) to its note; report doubts."""
        starts, keys, pos = [], [], 0
        for i, line in enumerate(self.doc.lines):
            for j, text in enumerate(line):
                starts.append(pos)
                keys.append((i, j))
                pos += len(text) + 1  # the cell separator, or the newline after the line
        for cell in cells:
            if cell["start"] < 0:
                continue
            source = self.doc.cell_sources.get(keys[bisect.bisect_right(starts, cell["start"]) - 1])
            if source is None:
                continue
            cell["note"] = "; ".join(x for x in (cell["note"], source.note) if x)
            if source.doubt:
                self.problem(f"{cell['col']}: {source.doubt}", cell["table"], cell["row"])

    def _has_t3(self) -> bool:
        first = self.schema.rows("t3", "2021")[0]
        return label_regex(first.zh).search(self.norm) is not None

    def _narrative(self, headings: dict[str, tuple[int, int]]) -> dict[str, str]:
        """Text of sections 一, 五 and 六, as printed (cell breaks turned into spaces)."""
        order = sorted(headings.items(), key=lambda kv: kv[1][0])
        out = {}
        for i, (key, (_, end)) in enumerate(order):
            if key in NARRATIVE_SECTIONS:
                stop = order[i + 1][1][0] if i + 1 < len(order) else len(self.raw)
                out[key] = self.raw[end:stop].replace(CELL_SEP, " ").strip()
        return out

    def _region(self, table: str, headings: dict[str, tuple[int, int]]) -> tuple[int, int] | None:
        key = next(s.key for s in self.schema.sections if s.table == table)
        if key not in headings:
            return None
        start = headings[key][1]
        later = [s for s, _ in headings.values() if s > start]
        return start, min(later) if later else len(self.norm)

    # -- one table ---------------------------------------------------------------------------
    def _table(self, table: str, version: str, headings: dict[str, tuple[int, int]]) -> list[dict]:
        region = self._region(table, headings)
        if region is None:
            sec = next(s for s in self.schema.sections if s.table == table)
            self.problem(f"section {sec.ordinal} heading not found ({sec.en}); table not read", table,
                         severity="error")
            return []
        rows = self.schema.rows(table, version)
        stops = self.schema.rows(table, version, roles=("group", "caption", "header"))
        hits = self._hits(rows + stops, region)
        segments = self._segments(table, rows, hits, region)
        return self._cells(table, version, segments)

    def _hits(self, entries: list[Entry], region: tuple[int, int]) -> list[_Hit]:
        """Every match of every label in the region, earliest first."""
        start, end = region
        hits = []
        for entry in entries:
            spans: list[tuple[int, int]] = []
            for label in entry.labels:
                for m in label_regex(label).finditer(self.norm, start, end):
                    spans.append(m.span())
            core = strip_ordinal(entry.zh)
            if core != entry.zh and len(significant(core)) >= 4:
                for m in label_regex(core).finditer(self.norm, start, end):
                    if not any(s <= m.start() < e for s, e in spans):
                        spans.append(m.span())
            # keep the longest match at each start
            best: dict[int, int] = {}
            for s, e in spans:
                best[s] = max(e, best.get(s, e))
            hits.extend(_Hit(entry, s, e) for s, e in best.items())
        hits.sort(key=lambda h: (h.start, -h.end))
        return hits

    def _segments(self, table: str, rows: list[Entry], hits: list[_Hit],
                  region: tuple[int, int]) -> list[_Segment]:
        pos = region[0]
        placed: list[tuple[Entry, int, int]] = []
        headers = [h for h in hits if h.entry.role == "header"]
        for entry in rows:
            if not entry.zh:  # a row without a label (t4): its values follow the last header
                end = max((h.end for h in headers), default=region[0])
                placed.append((entry, end, end))
                continue
            hit = next((h for h in hits if h.entry.key == entry.key and h.entry.zh == entry.zh
                        and h.start >= pos), None)
            if hit is None:
                self.problem("row not found", table, entry.key)
                continue
            placed.append((entry, hit.start, hit.end))
            pos = hit.end
        segments = []
        for entry, lstart, lend in placed:
            segments.append(self._segment(entry, lstart, lend, self._stop(hits, lend, region)))
        for hit in hits:  # local templates print subtotals on group rows; keep them, flagged
            if hit.entry.role != "group":
                continue
            seg = self._segment(hit.entry, hit.start, hit.end, self._stop(hits, hit.end, region))
            if any(p.kind == "number" for p in seg.pieces):
                key = f"{hit.entry.key}_reported_subtotal"
                seg.entry = replace(hit.entry, key=key, role="row")
                self.problem(f"subtotal row not in the official form kept as {key!r}", table, key)
                segments.append(seg)
        return segments

    @staticmethod
    def _stop(hits: list[_Hit], after: int, region: tuple[int, int]) -> int:
        """Where the value segment that starts at `after` ends: the next label of any kind."""
        return next((h.start for h in hits if h.start >= after and h.end > after), region[1])

    def _segment(self, entry: Entry, lstart: int, lend: int, stop: int) -> _Segment:
        """Cut the text between a label and the next into value pieces."""
        label = self.raw[lstart:lend]
        note = _NOTE.match(self.norm, lend, stop)
        start = lend
        if note:  # a parenthetical note printed after the label belongs to the label
            label += self.raw[lend:note.end()]
            start = note.end()
        cuts = [m.start() for m in _BOUNDARY.finditer(self.norm, start, stop)]
        spans = list(zip([start] + [c + 1 for c in cuts], cuts + [stop]))
        line_of = list(itertools.accumulate((self.norm[c] == "\n" for c in cuts), initial=0))
        tokens_of = [[m.span() for m in _TOKEN.finditer(self.norm, s, e)] for s, e in spans]
        found_of = [[p for ts, te in tokens for p in _pieces(self.norm[ts:te], self.raw[ts:te], ts)]
                    for tokens in tokens_of]
        # Empty cells on lines without any of the row's values are the layout of neighbouring rows
        # (the next row's cells under a row-spanning label, a header's trailing cells): not blanks.
        value_lines = [line for line, found in zip(line_of, found_of) if found] or [0]
        first_line, last_line = min(value_lines), max(value_lines)
        pieces: list[Piece] = []
        value_cells = 0
        for i, (tokens, found) in enumerate(zip(tokens_of, found_of)):
            if not first_line <= line_of[i] <= last_line:
                continue
            if not tokens:
                if 0 < i < len(spans) - 1:  # an empty cell between two separators: a blank
                    pieces.append(Piece("", "blank"))
                continue
            value_cells += 1
            pieces.extend(found)
        one_cell = value_cells <= 1
        if one_cell:
            pieces = [replace(p, splittable=p.kind == "number") for p in pieces]
        raw = self.raw[start:stop].replace(CELL_SEP, " ").strip()
        at_end = not self.norm[stop:].strip()
        return _Segment(entry, label.replace(CELL_SEP, " ").strip(), pieces, one_cell, raw, at_end)

    # -- from segments to cells --------------------------------------------------------------
    def _cells(self, table: str, version: str, segments: list[_Segment]) -> list[dict]:
        identities = self.schema.identities(version, table)
        resolved: dict[str, tuple[Part, ...]] = {}
        pending: dict[str, list[tuple[Part, ...]]] = {}
        notes: dict[str, str] = {}
        kinds: dict[str, str] = {}  # what the candidate readings of a row are (for messages)
        extras: list[dict] = []
        cols_of: dict[str, list[str]] = {}
        for seg in segments:
            cols = [c.key for c in self.schema.columns(table, version, block=seg.entry.block)]
            cols_of[seg.entry.key] = cols
            pieces, extra = _split_extra(seg.pieces)
            for label, extra_pieces in extra:
                extras.extend(self._extra_cells(table, seg.entry, label, extra_pieces, cols))
            paddings = _paddings(pieces, len(cols))
            pieces = _trim(pieces, len(cols))
            key = seg.entry.key
            if len(paddings) > 1:  # empty cells at both ends: which ones are padding is not printed
                cands, kinds[key] = paddings, "readings of the empty cells at the row's ends"
            elif len(pieces) == len(cols):
                resolved[key] = tuple(p.part() for p in pieces)
                continue
            else:
                ending = " (the text ends here: truncated?)" if seg.at_end else ""
                if len(pieces) > len(cols) or not seg.one_cell:
                    self.problem(f"{len(pieces)} values found, {len(cols)} expected{ending}: "
                                 f"{seg.raw[:60]!r}", table, key)
                    continue
                cands = solver.splits(pieces, len(cols))
                if cands is None:
                    self.problem(f"too many ways to split {seg.raw[:60]!r} into {len(cols)} cells", table, key)
                    continue
                if not cands:
                    self.problem(f"{seg.raw[:60]!r} cannot be read as {len(cols)} cells{ending}", table, key)
                    continue
                kinds[key] = "splits of the fused digits"
            kept = solver.filter_by_row(cands, cols, key, identities)
            notes[key] = f"{'split' if kinds[key].startswith('splits') else 'read'} from {seg.raw!r}"
            if len(kept) == 1:
                resolved[key] = kept[0]
                notes[key] += " by the row identities" if len(cands) > 1 else ""
            elif len(kept) > 1:
                pending[key] = kept
            elif len(cands) == 1:
                resolved[key] = cands[0]
            else:
                noun = "split" if kinds[key].startswith("splits") else "reading"
                self.problem(f"no {noun} of {seg.raw!r} into {len(cols)} cells satisfies the row identities",
                             table, key)
        if pending:
            fixed = {(row, col): part.value for row, parts in resolved.items()
                     for col, part in zip(cols_of[row], parts) if part.kind == "number"}
            chosen = solver.choose_across_rows(pending, fixed, next(iter(cols_of.values())), identities)
            for key, parts in chosen.items():
                resolved[key] = parts
                notes[key] += " by the column identities"
            for key in pending:
                if key not in chosen:
                    why = ("fit the identities" if identities else
                           f"are possible and {table} has no identity to choose between them")
                    self.problem(f"{len(pending[key])} {kinds[key]} {why}; "
                                 "cells kept as ambiguous raw text", table, key)
        out = []
        for seg in segments:
            key = seg.entry.key
            cols = cols_of[key]
            if key in resolved:
                for col, part in zip(cols, resolved[key]):
                    out.append(_cell(table, seg.entry.block, key, col, part.value, part.raw, part.kind,
                                     part.unit, notes.get(key, ""), seg.label, part.start))
            else:
                for col in cols:
                    out.append(_cell(table, seg.entry.block, key, col, None, seg.raw, "ambiguous", "",
                                     "cells could not be separated", seg.label))
        return out + extras

    def _extra_cells(self, table: str, after: Entry, label: str, pieces: list[Piece],
                     cols: list[str]) -> list[dict]:
        key = "extra." + significant(label)[:40]
        self.problem(f"row not in the {table} schema kept as {key!r}", table, key)
        pieces = _trim(pieces, len(cols))
        names = cols if len(pieces) == len(cols) else [f"c{i + 1}" for i in range(len(pieces))]
        return [_cell(table, after.block, key, col, part.value, part.raw, part.kind, part.unit,
                      "row not in the schema", label, part.start)
                for col, part in zip(names, (p.part() for p in pieces))]


def _pieces(text: str, raw: str, start: int = -1) -> list[Piece]:
    """Classify one whitespace-free token (normalised `text`, printed `raw`, at `start` in the
    text): a null marker, number runs, or text."""
    if text in NULL_TOKENS:
        return [Piece(text, NULL_TOKENS[text], raw=raw, start=start)]
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
        return [Piece(m.group(), "number", raw=raw[m.start():m.end()],
                      start=start + m.start() if start >= 0 else -1) for m in runs]
    return [Piece(text, "text", raw=raw, start=start)]


def _trim(pieces: list[Piece], n: int) -> list[Piece]:
    """Drop blank pieces at the ends (layout artefacts such as label-column spans) while too many."""
    out = list(pieces)
    while len(out) > n and out and (out[0].kind == "blank" and out[0].text == "" or
                                    out[-1].kind == "blank" and out[-1].text == ""):
        if out[0].kind == "blank" and out[0].text == "":
            out.pop(0)
        else:
            out.pop()
    return out


def _empty(piece: Piece) -> bool:
    return piece.kind == "blank" and piece.text == ""


def _paddings(pieces: list[Piece], n: int) -> list[tuple[Part, ...]]:
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
    readings: list[tuple[Part, ...]] = []
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
        if p.kind == "text" and _HAN.search(p.text):
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
    """A cell record; `start` (not a cell-table column) is where its value sits in the text."""
    return {"table": table, "block": block, "row": row, "col": col, "value": value, "raw": raw,
            "kind": kind, "unit": unit, "note": note, "label": label, "start": start}


def interpret(doc: Document, version: str | None = None, schema: Schema | None = None) -> Interpretation:
    """Map a Document onto the schema: cells, problems, version, title and narrative sections."""
    return Interpreter(doc, schema, version).run()
