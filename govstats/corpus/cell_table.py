"""The corpus cell table: the per-report Arrow cell tables (parsed now, or slices of the store's
parts) as one pandas frame, built once — texts decoded once, key columns from codes."""
from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .parsed import ARROW_STORED, PANDAS_TYPES, TEXT_COLUMNS

#: the report's key columns, repeated over its cells, in this order
KEY_COLUMNS = ["report", "agency", "city", "region", "level", "year", "format_version", "carrier",
               "source", "sha256"]
_TEXTS = ("raw", "unit", "note", "label")


def cell_frame(reports: list[tuple[dict[str, Any], pa.Table]], columns: list[str] | None = None) -> pd.DataFrame:
    """One frame of every report's cells: (the report's key columns, its cell table) in order.

    The key columns and table/block/row/col/kind are categories, value Float64, the free texts
    strings.  `columns` orders the result (default: the key columns, then the cell columns).
    """
    parts = [(keys, t) for keys, t in reports if t.num_rows]
    lengths = np.array([t.num_rows for _, t in parts], dtype=np.int64)
    table = _concat([t for _, t in parts]).drop_columns(["report"])
    for col in _TEXTS:  # free texts as strings (Arrow-backed, no copy), the keys as categories
        table = table.set_column(table.column_names.index(col), col, table[col].cast(pa.string()))
    frame = table.to_pandas(types_mapper=PANDAS_TYPES.get)
    for col in KEY_COLUMNS:
        values = [keys[col] for keys, _ in parts]
        if col == "year":
            years = pd.array(values, dtype="Int64")
            frame[col] = pd.array(np.repeat(years.to_numpy(dtype="int64", na_value=0), lengths), dtype="Int64")
            frame.loc[np.repeat(years.isna(), lengths), col] = pd.NA
            continue
        categories = pd.Index(pd.unique(pd.Series(values, dtype=object).dropna()))
        codes = categories.get_indexer(pd.Series(values, dtype=object)) if values else np.array([], dtype=np.int64)
        frame[col] = pd.Categorical.from_codes(np.repeat(codes, lengths), categories=categories.astype(object))
    return frame[columns or KEY_COLUMNS + [c for c in table.column_names]]


def _concat(tables: list[pa.Table]) -> pa.Table:
    """Cell tables (as parsed, or dictionary-encoded as the store reads them) as one table of one
    chunk, every text column dictionary-encoded; runs of one kind are concatenated before encoding."""
    runs: list[pa.Table] = []
    for stored, group in itertools.groupby(tables, key=lambda t: t.schema.equals(ARROW_STORED)):
        group = list(group)
        if stored:
            runs.append(_join_slices(group))
            continue
        run = pa.concat_tables(group)
        for col in TEXT_COLUMNS:
            run = run.set_column(run.column_names.index(col), col, pc.dictionary_encode(run[col]))
        runs.append(run)
    if not runs:
        return ARROW_STORED.empty_table()
    return pa.concat_tables(runs).unify_dictionaries().combine_chunks()


def _join_slices(tables: list[pa.Table]) -> pa.Table:
    """Slices of the store's parts as one table: the indices of chunks that share one dictionary
    (slices of one part) are concatenated as they are, with no unification per slice."""
    columns = {}
    for col in ARROW_STORED.names:
        chunks = [chunk for t in tables for chunk in t.column(col).chunks]
        if col not in TEXT_COLUMNS:
            columns[col] = pa.chunked_array(chunks, type=pa.float64())
            continue
        joined = []
        for _, same in itertools.groupby(chunks, key=_dictionary_identity):
            same = list(same)
            joined.append(pa.DictionaryArray.from_arrays(pa.concat_arrays([c.indices for c in same]),
                                                         same[0].dictionary))
        columns[col] = pa.chunked_array(joined, type=ARROW_STORED.field(col).type)
    return pa.table(columns, schema=ARROW_STORED)


def _dictionary_identity(chunk: pa.DictionaryArray) -> tuple[int, int]:
    """Which dictionary a chunk uses (slices of one part share its buffers)."""
    return chunk.dictionary.buffers()[1].address, len(chunk.dictionary)
