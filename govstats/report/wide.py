"""Wide views derived from the long cell table (rows × columns of one table, schema order)."""
from __future__ import annotations

import functools

import numpy as np
import pandas as pd
import pyarrow as pa

from ..schema import Schema, catalogue, load_schema
from ..schema.labels import with_group
from .values import CellValues


def cells_frame(records: list[dict], report: str) -> pd.DataFrame:
    """The canonical long cell table with its dtypes (value is nullable: a blank is never 0)."""
    # built column by column in the final dtypes: converting a generic frame costs twice as much
    columns: dict[str, object] = {"report": _categorical([report] * len(records), "str")}
    for f in catalogue.fields("cells", ["cell"]):
        col = f.column
        values = [r[col] for r in records]
        if f.dtype in ("Float64", "Int64"):
            columns[col] = pd.array(values, dtype=f.dtype)
        elif f.dtype == "category":
            columns[col] = _categorical(values)
        else:  # pd.array(values, dtype="string") without its per-value check (these are all str)
            columns[col] = pd.arrays.ArrowStringArray(pa.array(values, type=pa.large_string()))
    return pd.DataFrame(columns, copy=False)  # the arrays are new: no copy of them


def _categorical(values: list[str], categories_dtype: str | None = None) -> pd.Categorical:
    """`pd.Categorical(values)` (sorted categories, of `categories_dtype` or inferred), its codes
    counted in Python: a report's keys are few, and pandas' factorisation costs ten times as much."""
    categories = sorted(set(values))
    code = {c: i for i, c in enumerate(categories)}
    return pd.Categorical.from_codes(np.array([code[v] for v in values], dtype=np.int64),
                                     dtype=_categorical_dtype(tuple(categories), categories_dtype))


@functools.lru_cache(maxsize=1024)
def _categorical_dtype(categories: tuple[str, ...], categories_dtype: str | None) -> pd.CategoricalDtype:
    """One dtype per set of categories (reports share their tables' keys): validated once."""
    return pd.CategoricalDtype(pd.Index(categories, dtype=categories_dtype))


def _order(keys, official) -> list[str]:
    """Every official key in schema order (missing ones stay as NA rows), then extra rows."""
    keys = list(dict.fromkeys(keys))
    return list(official) + [k for k in keys if k not in official]


def wide(cells: pd.DataFrame, table: str, version: str | None, lang: str | None = None,
         values: str = "value", derived: bool = False, schema: Schema | None = None) -> pd.DataFrame:
    """One table of one report as rows × columns.

    `values="value"` gives numbers (NA for blank, n/a, text and ambiguous cells), `values="raw"` the
    text as printed.  `derived=True` appends the derived rows and columns of the schema (sums that
    are NA when any part is).  `lang="zh"|"en"` replaces keys by labels (an item's label with its group in front:
    （三）不予公开 › 1.属于国家秘密, so that the "1." rows of t3 stay apart).
    """
    schema = schema or load_schema()
    part = cells[cells["table"] == table]
    version = version or "2021"
    if part.empty:
        rows = [e.key for e in schema.rows(table, version)]
        cols = [c.key for c in schema.columns(table, version)]
        frame = pd.DataFrame(index=pd.Index(rows, name="row"), columns=pd.Index(cols, name="col"),
                             dtype="Float64" if values == "value" else "string")
    else:
        frame = part.pivot_table(index="row", columns="col", values=values, aggfunc="first",
                                 observed=True, dropna=False)
        rows = _order(part["row"].astype(str), [e.key for e in schema.rows(table, version)])
        cols = _order(part["col"].astype(str), [c.key for c in schema.columns(table, version)])
        frame = frame.reindex(index=rows, columns=cols)
        if values == "value":
            frame = frame.astype("Float64")
            mask = part.pivot_table(index="row", columns="col", values="kind", aggfunc="first",
                                    observed=True).reindex(index=rows, columns=cols)
            frame = frame.where(mask.astype("string") == "number")
    if derived and values == "value":
        frame = _add_derived(frame, part, table, version, schema)
    frame.index.name, frame.columns.name = "row", "col"
    if lang in ("zh", "en"):
        frame.index = [with_group(table, k, schema.label(table, k, lang, "row"), lang) for k in frame.index]
        frame.columns = [schema.label(table, k, lang, "column") for k in frame.columns]
    return frame


def _add_derived(frame: pd.DataFrame, cells: pd.DataFrame, table: str, version: str,
                 schema: Schema) -> pd.DataFrame:
    """The derived rows, then columns, of the schema appended, summed by `values.CellValues`."""
    values = CellValues(cells, version, schema)
    frame = frame.copy()
    for e in schema.rows(table, version, roles=("derived",)):
        if all(p in frame.index for p in e.parts):
            frame.loc[e.key] = [values.get((table, e.key, c)) for c in frame.columns]
    for c in schema.columns(table, version, roles=("derived",)):
        if all(p in frame.columns for p in c.parts):
            frame[c.key] = [values.get((table, r, c.key)) for r in frame.index]
    return frame.astype("Float64")


#: the largest whole number a float64 holds exactly; beyond it a count is not shown as an integer
EXACT_INTEGER = 2**53


def as_integers(frame: pd.DataFrame) -> pd.DataFrame:
    """Show whole-number columns as integers (Int64, NA kept) for display; others unchanged.

    A column holding a value of ±2^53 or beyond (9007199254740993 reads as …992) or an infinity stays Float64: casting it would wrap to
    -9223372036854775808 or lose digits (the raw text of such a cell is in the cell table).
    """
    out = frame.copy()
    for col in out.columns:
        series = out[col]
        if str(series.dtype) == "Float64":
            values = series.dropna()
            if ((values == values.round()) & (values.abs() < EXACT_INTEGER)).all():  # 2^53 may be 2^53 + 1
                out[col] = series.astype("Int64")
    return out
