"""The printed numbers of reports as a lookup, with the schema's derived rows and columns.

A derived cell (e.g. `withheld_total`, `legal_person_subtotal`, v2021 `other_total`) that the
report does not print is the sum of its parts, NA when any part is.  `resolve` is that rule,
written once: `CellValues` applies it to one report (scalars), `CellColumns` to many reports of
one format version at once (one array over the reports per cell, NaN for NA).
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from ..core.model import TABLES
from ..schema import CellRef, Schema, catalogue, load_schema

#: what a cell holds (the catalogue's allowed values of the cells' `kind`), in order
CELL_KINDS: tuple[str, ...] = next(f for f in catalogue.fields("cells") if f.column == "kind").allowed() or ()


class DerivedParts:
    """The derived rows and columns of the schema in one format version."""

    def __init__(self, version: str, schema: Schema | None = None) -> None:
        schema = schema or load_schema()
        self.rows = {(e.table, e.key): e.parts for t in TABLES for e in schema.rows(t, version, roles=("derived",))}
        self.cols = {(e.table, e.key): e.parts for t in TABLES for e in schema.columns(t, version, roles=("derived",))}

    def of(self, ref: CellRef) -> list[CellRef] | None:
        """The parts of a derived cell, or None when `ref` is not derived."""
        table, row, col = ref
        if (table, row) in self.rows:
            return [(table, p, col) for p in self.rows[(table, row)]]
        if (table, col) in self.cols:
            return [(table, row, p) for p in self.cols[(table, col)]]
        return None


def resolve(ref: CellRef, printed: Callable[[CellRef], Any], parts: DerivedParts, missing: Any) -> Any:
    """The value of `ref`: what `printed` gives (None: the report has no such cell), else the sum
    of its derived parts, else `missing`.  A sum is pd.NA as soon as one operand is pd.NA."""
    found = printed(ref)
    if found is not None:
        return found
    refs = parts.of(ref)
    if refs is None:
        return missing
    return total(refs, lambda r: resolve(r, printed, parts, missing))


def total(refs: tuple[CellRef, ...] | list[CellRef], get: Callable[[CellRef], Any]) -> Any:
    """Sum of `get(ref)` over `refs` in order; pd.NA if any is pd.NA (arrays carry NaN instead)."""
    out: Any = 0.0
    for ref in refs:
        value = get(ref)
        if value is pd.NA:
            return pd.NA
        out = out + value
    return out


class CellValues:
    """The printed numbers of one report, with the schema's derived rows and columns.

    `get` returns a cell's value only when the cell is a printed number; a derived cell is the sum
    of its parts and NA when any part is.  `why` says which operand is not a number.
    """

    def __init__(self, cells: pd.DataFrame, version: str, schema: Schema | None = None) -> None:
        self.kinds: dict[CellRef, str] = {}
        self.values: dict[CellRef, float] = {}
        for table, row, col, value, kind in zip(cells["table"], cells["row"], cells["col"],
                                                cells["value"], cells["kind"]):
            ref = (str(table), str(row), str(col))
            self.kinds[ref] = str(kind)
            if kind == "number" and not pd.isna(value):
                self.values[ref] = float(value)
        self.parts = DerivedParts(version, schema)

    def _printed(self, ref: CellRef) -> Any:
        if ref in self.values:
            return self.values[ref]
        return pd.NA if ref in self.kinds else None

    def get(self, ref: CellRef) -> Any:
        """The number in cell `ref` (table, row, col), or pd.NA."""
        return resolve(ref, self._printed, self.parts, pd.NA)

    def total(self, refs: tuple[CellRef, ...] | list[CellRef]) -> Any:
        """Sum of the cells `refs`; NA if any is not a number."""
        return total(refs, self.get)

    def why(self, refs: tuple[CellRef, ...] | list[CellRef]) -> str:
        """Which of `refs` (or of their parts) are not printed numbers, e.g. 't3.granted.total is ambiguous'."""
        out = []
        for ref in refs:
            if ref in self.values:
                continue
            parts = None if ref in self.kinds else self.parts.of(ref)
            if parts is not None:
                out.append(self.why(parts))
            else:
                out.append(f"{'.'.join(ref)} is {self.kinds.get(ref, 'missing')}")
        return "; ".join(x for x in out if x)


class CellColumns:
    """The printed numbers of many reports of one format version: `get(ref)` is one float array
    over `reports` (NaN where the cell is not a printed number), derived cells summed by `resolve`;
    `kind(ref)` the kind printed (an index into `CELL_KINDS`, -1 where the report has no such cell)
    and `why(refs)` what `CellValues.why` says, one text per report.

    `reports` (optional) fixes the reports and their order (a report without cells is all NA);
    by default they are those of `cells`, in order of appearance.  Of two cells of one report at
    one place, the last counts (as in `CellValues`)."""

    def __init__(self, cells: pd.DataFrame, version: str, schema: Schema | None = None,
                 reports: pd.Index | None = None) -> None:
        if reports is None:
            report_codes, reports = pd.factorize(cells["report"])
        else:
            report_codes = reports.get_indexer(cells["report"])
        self.reports = [str(r) for r in reports]
        parts = [pd.factorize(cells[c]) for c in ("table", "row", "col")]
        sizes = [len(uniques) for _, uniques in parts]
        combined = (parts[0][0].astype(np.int64) * sizes[1] + parts[1][0]) * sizes[2] + parts[2][0]
        ref_codes, uniques = pd.factorize(combined)
        t_codes, rest = np.divmod(uniques, sizes[1] * sizes[2])
        r_codes, c_codes = np.divmod(rest, sizes[2])
        refs = list(zip(*(np.asarray(parts[i][1].astype(str))[codes] for i, codes in
                          enumerate((t_codes, r_codes, c_codes)))))
        self.refs = {(str(a), str(b), str(c)): j for j, (a, b, c) in enumerate(refs)}
        #: each cell row's report (index into `reports`) and cell (index into the matrices' columns)
        self.row_reports, self.row_refs = report_codes, ref_codes
        shape = (len(self.reports), len(refs))
        self.present = np.zeros(shape, dtype=bool)
        self.present[report_codes, ref_codes] = True
        self.kinds = np.full(shape, -1, dtype=np.int8)
        kind = pd.Categorical(cells["kind"].astype(object), categories=list(CELL_KINDS)).codes
        self.kinds[report_codes, ref_codes] = kind
        value = cells["value"].astype("Float64")
        number = ((cells["kind"] == "number") & value.notna()).to_numpy(dtype=bool, na_value=False)
        self.numbers = np.full(shape, np.nan)
        self.numbers[report_codes[number], ref_codes[number]] = value[number].to_numpy(dtype=float)
        self.parts = DerivedParts(version, schema)
        self._missing = np.full(len(self.reports), np.nan)

    def _printed(self, ref: CellRef) -> Any:
        j = self.refs.get(ref)
        if j is None:
            return None
        present = self.present[:, j]
        if present.all():
            return self.numbers[:, j]
        refs = self.parts.of(ref)
        derived = self._missing if refs is None else total(refs, self.get)
        return np.where(present, self.numbers[:, j], derived)

    def printed(self, ref: CellRef) -> np.ndarray:
        """The printed numbers of cell `ref` over the reports (NaN where it is not a number or
        not printed), no derived sum."""
        j = self.refs.get(ref)
        return self._missing if j is None else self.numbers[:, j]

    def get(self, ref: CellRef) -> np.ndarray:
        """The values of cell `ref` over the reports."""
        return resolve(ref, self._printed, self.parts, self._missing)

    def total(self, refs: tuple[CellRef, ...] | list[CellRef]) -> np.ndarray:
        """Sum of the cells `refs` over the reports; NaN where any is not a number."""
        return total(refs, self.get) + np.zeros(len(self.reports))

    def kind(self, ref: CellRef) -> np.ndarray:
        """The kind of cell `ref` in each report: an index into `CELL_KINDS`, -1 when missing."""
        j = self.refs.get(ref)
        return np.full(len(self.reports), -1, dtype=np.int8) if j is None else self.kinds[:, j]

    def why(self, refs: tuple[CellRef, ...] | list[CellRef]) -> np.ndarray:
        """`CellValues.why` of each report (an object array of texts, "" where all are numbers)."""
        out = np.full(len(self.reports), "", dtype=object)
        for ref in refs:
            kind = self.kind(ref)
            j = self.refs.get(ref)
            number = np.zeros(len(out), dtype=bool) if j is None else ~np.isnan(self.numbers[:, j])
            parts = self.parts.of(ref)
            said = np.array([f"{'.'.join(ref)} is {k}" for k in (*CELL_KINDS, "missing")], dtype=object)[kind]
            if parts is not None:  # a derived cell the report does not print: what its parts lack
                said = np.where(kind < 0, self.why(parts), said)
            said[number] = ""
            out = _joined(out, said)
        return out


def _joined(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """`"; ".join` of two object arrays of texts, element by element, empty texts left out."""
    both = (left != "") & (right != "")
    out = np.where(left == "", right, left)
    out[both] = left[both] + "; " + right[both]
    return out
