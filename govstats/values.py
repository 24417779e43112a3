"""The printed numbers of one report as a lookup, with the schema's derived rows and columns."""
from __future__ import annotations

from typing import Any

import pandas as pd

from .schema import CellRef, Schema, load_schema


class CellValues:
    """The printed numbers of one report, with the schema's derived rows and columns.

    `get` returns a cell's value only when the cell is a printed number; a derived cell (e.g.
    `withheld_total`, `legal_person_subtotal`, v2021 `other_total`) is the sum of its parts and NA
    when any part is.  `why` says which operand is not a number.
    """

    def __init__(self, cells: pd.DataFrame, version: str, schema: Schema | None = None) -> None:
        schema = schema or load_schema()
        self.kinds: dict[CellRef, str] = {}
        self.values: dict[CellRef, float] = {}
        for table, row, col, value, kind in zip(cells["table"], cells["row"], cells["col"],
                                                cells["value"], cells["kind"]):
            ref = (str(table), str(row), str(col))
            self.kinds[ref] = str(kind)
            if kind == "number" and not pd.isna(value):
                self.values[ref] = float(value)
        self.derived_rows = {(e.table, e.key): e.parts
                             for t in ("t2", "t3", "t4") for e in schema.rows(t, version, roles=("derived",))}
        self.derived_cols = {(e.table, e.key): e.parts
                             for t in ("t2", "t3", "t4") for e in schema.columns(t, version, roles=("derived",))}

    def _parts(self, ref: CellRef) -> list[CellRef] | None:
        table, row, col = ref
        if ref in self.kinds:
            return None
        if (table, row) in self.derived_rows:
            return [(table, p, col) for p in self.derived_rows[(table, row)]]
        if (table, col) in self.derived_cols:
            return [(table, row, p) for p in self.derived_cols[(table, col)]]
        return None

    def get(self, ref: CellRef) -> Any:
        """The number in cell `ref` (table, row, col), or pd.NA."""
        if ref in self.values:
            return self.values[ref]
        parts = self._parts(ref)
        if parts is None:
            return pd.NA
        return self.total(parts)

    def total(self, refs: tuple[CellRef, ...] | list[CellRef]) -> Any:
        """Sum of the cells `refs`; NA if any is not a number."""
        out = 0.0
        for ref in refs:
            value = self.get(ref)
            if pd.isna(value):
                return pd.NA
            out += value
        return out

    def why(self, refs: tuple[CellRef, ...] | list[CellRef]) -> str:
        """Which of `refs` (or of their parts) are not printed numbers, e.g. 't3.granted.total is ambiguous'."""
        out = []
        for ref in refs:
            if ref in self.values:
                continue
            parts = self._parts(ref)
            if parts is not None:
                out.append(self.why(parts))
            else:
                out.append(f"{'.'.join(ref)} is {self.kinds.get(ref, 'missing')}")
        return "; ".join(x for x in out if x)
