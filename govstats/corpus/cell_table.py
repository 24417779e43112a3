"""The corpus cell table: the reports' cells (one Arrow table, report after report) as one pandas
frame, built once — the key columns repeated over each report's cells from codes."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from .parsed import PANDAS_TYPES

#: the report's key columns, repeated over its cells, in this order
KEY_COLUMNS = ["report", "agency", "city", "region", "level", "year", "format_version", "carrier",
               "source", "sha256"]


def cell_frame(keys: pd.DataFrame, lengths: np.ndarray, cells: pa.Table, columns: list[str]) -> pd.DataFrame:
    """One frame of every report's cells: `keys` has a row of KEY_COLUMNS per report, `lengths`
    its number of cells, `cells` (`columns.CELLS`) the cells, report after report.

    The key columns and table/block/row/col/kind are categories, value Float64, the free texts
    strings; `columns` orders the result.
    """
    frame = cells.drop_columns(["report"]).to_pandas(types_mapper=PANDAS_TYPES.get)
    for col in KEY_COLUMNS:
        values = keys[col]
        if col == "year":
            years = values.astype("Int64").array
            repeated = np.repeat(years.to_numpy(dtype="int64", na_value=0), lengths)
            frame[col] = pd.arrays.IntegerArray(repeated, np.repeat(years.isna(), lengths))
            continue
        codes, categories = pd.factorize(values.astype(object), use_na_sentinel=True)
        codes = codes.astype(np.int8 if len(categories) < 127 else np.int16 if len(categories) < 32767 else np.int32)
        frame[col] = pd.Categorical.from_codes(np.repeat(codes, lengths), categories=pd.Index(categories, dtype=object))
    return frame[columns]
