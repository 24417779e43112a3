"""The evaluation of the metrics dictionary (`schema/metrics.csv`) over parsed reports.

Each metric is a sum of cells (its numerator) over another sum of cells (its denominator), named
by schema keys (`t3.unable_not_held.total`), valid in stated format versions.  A cell that is not
a printed number (blank, n/a, text, ambiguous, missing) makes the metric NA, and so does a zero
denominator: nothing is filled in, and a rate of 0 always means "none of the cases".
"""
from __future__ import annotations

from typing import Any

import pandas as pd

from .schema import CellRef, Schema, load_metrics, load_schema

METRIC_COLUMNS = ["report", "agency", "city", "year", "format_version", "metric", "value",
                  "numerator", "denominator", "unit"]


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


def ratio(numerator: Any, denominator: Any) -> Any:
    """numerator / denominator; NA when either is NA or the denominator is 0 (never 0 for 'no data')."""
    if pd.isna(numerator) or pd.isna(denominator) or denominator == 0:
        return pd.NA
    return numerator / denominator


def _report_cells(source: Any) -> pd.DataFrame:
    """A long cell table with report, agency, city, year and format_version columns."""
    from .corpus import Corpus
    from .report import Report

    if isinstance(source, Corpus):
        return source.cells
    if isinstance(source, Report):
        m = source.meta
        return source.cells.assign(agency=m.agency, city=pd.NA, year=m.year, format_version=m.format_version)
    if isinstance(source, pd.DataFrame):
        missing = {"report", "agency", "year", "format_version", "table", "row", "col", "value",
                   "kind"} - set(source.columns)
        if missing:
            raise KeyError(f"the cell frame lacks the column(s) {sorted(missing)}; pass Corpus.cells")
        return source if "city" in source.columns else source.assign(city=pd.NA)
    raise TypeError(f"metrics() takes a Corpus, a Report or a cell DataFrame, not {type(source).__name__}")


def metrics(source: Any) -> pd.DataFrame:
    """Every metric of the dictionary for every report of `source` (a Corpus, Report or cells).

    One row per report and metric valid in the report's format version, in dictionary order.
    Columns: report, agency, city, year, format_version, metric, value, numerator, denominator
    (NA for counts), unit ("count" or "rate").  Rates are fractions (0.344…), NA when the
    denominator is 0 or any operand is not a printed number.
    """
    cells = _report_cells(source)
    schema = load_schema()
    records = []
    for report, group in cells.groupby("report", observed=True, sort=False):
        first = group.iloc[0]
        version = str(first["format_version"])
        values = CellValues(group, version, schema)
        keys = (str(report), first["agency"], first["city"], first["year"], version)
        for m in load_metrics():
            if version not in m.versions:
                continue
            num = values.total(m.numerator)
            if m.unit == "count":
                records.append((*keys, m.key, num, num, pd.NA, m.unit))
            else:
                den = values.total(m.denominator)
                records.append((*keys, m.key, ratio(num, den), num, den, m.unit))
    frame = pd.DataFrame.from_records(records, columns=METRIC_COLUMNS)
    for col in ("value", "numerator", "denominator"):
        frame[col] = pd.array(frame[col].tolist(), dtype="Float64")
    frame["year"] = frame["year"].astype("Int64")
    for col in ("report", "agency", "city", "format_version", "metric", "unit"):
        frame[col] = frame[col].astype("string")
    return frame
