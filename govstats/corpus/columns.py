"""Many parsed reports as columns (`ReportColumns`): one row per report, and their cells report
after report in one Arrow table — what the store writes and reads, and what a `Corpus` is built
from, so that no load holds one Python object, one JSON text or one small table per report.

A report's row holds its meta (`ReportMeta` without the source, which is the file it is read from
now), its check counts, its problems and sections as lists, and where its cells are (`offset`,
and `rows`, how many).  Every field's type and nullability are in `ROWS`: a table of another schema is
refused whole (`conforms`), so a stored report of another shape is never served.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..core.model import Problem, ReportMeta
from ..schema import catalogue
from .parsed import ARROW_CELLS, Parsed

#: the cell columns as kept in columns (the report is its row's): the categorical ones
#: dictionary-encoded, the free texts large strings (the type pandas keeps strings in, so its frame
#: shares their buffers), the value a float
CELLS = catalogue.arrow_schema("cells", "cell", stored=True)
#: the dictionary-encoded columns of CELLS
DICTIONARY = [f.name for f in CELLS if pa.types.is_dictionary(f.type)]
#: a stored problem's fields (the problems frame's, but its report)
_PROBLEM = catalogue.columns("problems", "record")
#: what a row holds of a report (its fields, in this order: the store index's but the store's own)
META_FIELDS = tuple(catalogue.columns("store_index", "meta"))
COUNT_FIELDS = tuple(catalogue.columns("store_index", "count"))
ROWS = catalogue.arrow_schema("store_index", "key", "meta", "count", "content", "place")


@dataclass
class ReportColumns:
    """Reports as columns: `rows` (schema `ROWS`) and `cells` (schema `CELLS`); the cells of row
    i are `cells[offset_i : offset_i + rows_i]`."""

    rows: pa.Table
    cells: pa.Table

    @classmethod
    def empty(cls) -> ReportColumns:
        return cls(ROWS.empty_table(), CELLS.empty_table())

    @classmethod
    def from_parsed(cls, reports: Sequence[tuple[str, Parsed]]) -> ReportColumns:
        """(key, parsed report) pairs as columns, in this order."""
        if not reports:
            return cls.empty()
        lengths = np.array([p.arrow.num_rows for _, p in reports], dtype=np.int64)
        rows: dict[str, Sequence[object] | np.ndarray] = {"key": [k for k, _ in reports]}
        for f in META_FIELDS:
            rows[f] = [getattr(p.meta, f) for _, p in reports]
        for f in COUNT_FIELDS:
            rows[f] = [p.counts[f] for _, p in reports]
        rows["problems"] = [[{f: getattr(x, f) for f in _PROBLEM} for x in p.problems] for _, p in reports]
        rows["sections"] = [[{"name": n, "text": t} for n, t in p.sections.items()] for _, p in reports]
        rows["offset"] = np.cumsum(lengths) - lengths
        rows["rows"] = lengths
        cells = pa.concat_tables([p.arrow.cast(ARROW_CELLS) for _, p in reports]).drop_columns(["report"])
        return cls(pa.table(rows, schema=ROWS), _encoded(cells))

    @classmethod
    def concat(cls, parts: Sequence[ReportColumns]) -> ReportColumns:
        """The reports of every part, one part after the other."""
        parts = [p for p in parts if p.rows.num_rows]
        if not parts:
            return cls.empty()
        bases = np.cumsum([0] + [p.cells.num_rows for p in parts[:-1]])
        rows = [p.rows.set_column(p.rows.schema.get_field_index("offset"), ROWS.field("offset"),
                                  pc.add(p.rows["offset"], int(base))) for p, base in zip(parts, bases)]
        return cls(pa.concat_tables(rows), pa.concat_tables([p.cells for p in parts]))

    def take(self, indices: Sequence[int] | np.ndarray) -> ReportColumns:
        """These reports (row numbers, in this order), their cells gathered in the same order."""
        indices = np.asarray(indices, dtype=np.int64)
        rows = self.rows.take(indices)
        offsets = rows["offset"].to_numpy()
        lengths = rows["rows"].to_numpy()
        starts = np.cumsum(lengths, dtype=np.int64) - lengths
        cells = self.cells
        if not (np.array_equal(offsets, starts) and int(lengths.sum()) == cells.num_rows):
            cells = cells.take(np.repeat(offsets - starts, lengths) + np.arange(int(lengths.sum())))
        rows = rows.set_column(rows.schema.get_field_index("offset"), ROWS.field("offset"), pa.array(starts))
        return ReportColumns(rows, cells)

    def keys(self) -> list[str]:
        keys: list[str] = self.rows["key"].to_pylist()
        return keys

    def parsed(self, i: int, source: str) -> Parsed:
        """Row i as a `Parsed` report read from `source` (its cells a slice, not a copy)."""
        row = {f: self.rows[f][i].as_py() for f in (*META_FIELDS, *COUNT_FIELDS, "problems", "sections",
                                                    "offset", "rows")}
        meta = ReportMeta(source=source, **{f: row[f] for f in META_FIELDS})
        cells = self.cells.slice(row["offset"], row["rows"])
        return Parsed(meta, cells.add_column(0, "report", pa.array([meta.report] * cells.num_rows, pa.string())),
                      {s["name"]: s["text"] for s in row["sections"]},
                      [Problem(**p) for p in row["problems"]], {f: row[f] for f in COUNT_FIELDS})


def _encoded(cells: pa.Table) -> pa.Table:
    """Cells of `ARROW_CELLS` as `CELLS`: the categorical columns dictionary-encoded."""
    for col in DICTIONARY:
        i = cells.schema.get_field_index(col)
        cells = cells.set_column(i, CELLS.field(col), pc.dictionary_encode(cells[col]))
    return cells.cast(CELLS)


def conforms(rows: pa.Table, cells: pa.Table | None = None) -> bool:
    """True when `rows` (and `cells`) are of exactly the schemas written, and every report's cells
    lie inside `cells`."""
    if not rows.schema.equals(ROWS) or (cells is not None and not cells.schema.equals(CELLS)):
        return False
    if cells is None or not rows.num_rows:
        return True
    offset, length = rows["offset"], rows["rows"]
    return bool(pc.min(offset).as_py() >= 0 and pc.min(length).as_py() >= 0
                and pc.max(pc.add(offset, length)).as_py() <= cells.num_rows)
