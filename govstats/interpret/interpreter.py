"""The interpreter's top level: a Document's title, version, sections and tables, read in turn.

It finds the section headings, then, table by table, each row label in the official order; the
text between a label and the next label (or group caption) is that row's value segment
(`segments`).  Segments whose values are fused (flattened text) are split with the help of the
table identities (`rows`, `solver`).  Nothing is guessed: a row that cannot be read unambiguously
is kept as raw text and reported in `problems`.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..core.model import TABLES, Problem
from ..readers.base import Document
from ..schema import Entry, Schema, load_schema
from ..schema.messages import message
from .headers import block_columns
from .locate import Locator
from .normalize import CELL_SEP, label_regex, normalize_text, significant
from .rows import read_rows
from .sections import detect_version, find_sections
from .segments import SegmentCutter
from .title import Title, find_title

NARRATIVE_SECTIONS = ("overview", "problems", "other_matters")
#: a table without its section heading is read only where this many of its row labels are printed
MIN_ROWS_WITHOUT_HEADING = 3


@dataclass
class Interpretation:
    """What the interpreter read from one Document."""

    cells: list[dict]
    problems: list[Problem]
    version: str | None
    title: Title
    sections: dict[str, str]
    markers: dict[str, list[str]] = field(default_factory=dict)


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

    def problem(self, said: str, table: str = "", row: str = "", severity: str = "warning") -> None:
        self.problems.append(Problem(self.doc.source, said, table, row, severity))

    def run(self) -> Interpretation:
        title = find_title(self.norm)
        if title.title is None:
            self.problem(message("no_title"))
        elif title.agency is None:
            self.problem(message("agency_unknown", note=title.note))
        version, markers = detect_version(self.norm, self.schema)
        if len(markers) > 1:
            self.problem(message("hybrid", markers=markers, version=version), severity="warning")
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
            for table in TABLES:
                cells.extend(self._table(table, version, headings))
        self._locate(cells)
        return Interpretation(cells, self.problems, version, title, sections, markers)

    def _locate(self, cells: list[dict]) -> None:
        """Add where each cell was printed (the locator columns) and where its value was read
        (Document.cell_sources: a note, and a Problem for a doubt)."""
        locator = Locator(self.doc)
        for cell in cells:
            locator.locate(cell, self.raw)
            source = locator.source(cell["start"])
            if source is None or cell["kind"] == "ambiguous":  # an ambiguous cell is no one reading
                continue
            cell["note"] = "; ".join(x for x in (cell["note"], source.note) if x)
            if source.doubt:
                self.problem(message("cell_doubt", col=cell["col"], said=source.doubt), cell["table"], cell["row"])

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

    def _region(self, table: str, version: str,
                headings: dict[str, tuple[int, int]]) -> tuple[int, int] | None:
        key = next(s.key for s in self.schema.sections if s.table == table)
        if key not in headings:
            return self._region_by_labels(table, version, headings)
        start = headings[key][1]
        later = [s for s, _ in headings.values() if s > start]
        return start, min(later) if later else len(self.norm)

    def _region_by_labels(self, table: str, version: str,
                          headings: dict[str, tuple[int, int]]) -> tuple[int, int] | None:
        """A table printed without its section heading (a page that starts inside a report, a report
        that leaves the heading out): the stretch between two headings holding the most of its row
        labels (for t4, whose row has no label: its header labels), from the first of them, if at
        least MIN_ROWS_WITHOUT_HEADING distinct ones; it ends where the next table's labels start."""
        found = self._labels_found(table, version, headings)
        if found is None:
            return None
        count, start, end = found
        for later in TABLES[TABLES.index(table) + 1:]:
            key = next(s.key for s in self.schema.sections if s.table == later)
            nxt = headings[key][0] if key in headings else (self._labels_found(later, version, headings) or (0, -1, 0))[1]
            if start < nxt < end:
                end = nxt
        sec = next(s for s in self.schema.sections if s.table == table)
        kind = message("kind_header" if table == "t4" else "kind_row")
        self.problem(message("section_found_by_labels", ordinal=sec.ordinal, name=sec.en, kind=kind, count=count),
                     table)
        return start, end

    def _labels_found(self, table: str, version: str,
                      headings: dict[str, tuple[int, int]]) -> tuple[int, int, int] | None:
        """(distinct labels, start, end) of the stretch between headings holding most of the
        table's labels, or None when fewer than MIN_ROWS_WITHOUT_HEADING."""
        bounds = sorted({0, len(self.norm), *(s for s, _ in headings.values()),
                         *(e for _, e in headings.values())})
        entries = self.schema.rows(table, version, roles=("row", "group", "caption", "header"))
        counted = "row" if any(e.role == "row" and e.zh for e in entries) else "header"
        cutter = SegmentCutter(self.norm, self.raw)
        best: tuple[int, int, int] | None = None  # (distinct labels, start, end)
        for lo, hi in zip(bounds, bounds[1:]):
            if any(s == lo for s, _ in headings.values()):
                continue  # the heading itself
            hits = cutter.hits(entries, (lo, hi))
            # a header label as short as 总计 is also another table's: only longer ones count
            labels = [h for h in hits if h.entry.role == counted
                      and (counted == "row" or len(significant(h.entry.zh)) >= 4)]
            distinct = len({h.entry.key for h in labels})
            if labels and distinct >= MIN_ROWS_WITHOUT_HEADING and (best is None or distinct > best[0]):
                best = (distinct, labels[0].start if counted == "header" else hits[0].start, hi)
        return best

    def _table(self, table: str, version: str, headings: dict[str, tuple[int, int]]) -> list[dict]:
        region = self._region(table, version, headings)
        if region is None:
            sec = next(s for s in self.schema.sections if s.table == table)
            self.problem(message("section_not_read", ordinal=sec.ordinal, name=sec.en), table, severity="error")
            return []

        def report(said: str, row: str) -> None:
            self.problem(said, table, row)

        rows = self.schema.rows(table, version)
        stops = self.schema.rows(table, version, roles=("group", "caption", "header"))
        cutter = SegmentCutter(self.norm, self.raw)
        hits = cutter.hits(rows + stops, region)
        segments = cutter.segments(rows, hits, region, report, self._single_rows(table, version))
        columns, messages = block_columns(self.schema, table, version, self.norm, hits)
        for said in messages:
            self.problem(said, table)
        return read_rows(table, version, segments, self.schema, report, columns)

    def _single_rows(self, table: str, version: str) -> dict[str, tuple[Entry, frozenset[str]]]:
        """Groups of `version` that the other format prints as one row with the group's label, with
        that row and the group's own rows (the parts of the derived row of that key)."""
        other = "2019" if version == "2021" else "2021"
        derived = {e.key: e.parts for e in self.schema.rows(table, version, roles=("derived",))}
        out = {}
        for group in self.schema.rows(table, version, roles=("group",)):
            for row in self.schema.rows(table, other):
                if row.zh == group.zh and row.key in derived:
                    out[group.key] = (row, frozenset(derived[row.key]))
        return out


def interpret(doc: Document, version: str | None = None, schema: Schema | None = None) -> Interpretation:
    """Map a Document onto the schema: cells, problems, version, title and narrative sections."""
    return Interpreter(doc, schema, version).run()
