"""The corpus cell table: the reports' cells (one Arrow table, report after report) as one pandas
frame, built once — the key columns repeated over each report's cells from codes."""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..schema import catalogue
from .columns import CELLS, ReportColumns
from .parsed import PANDAS_TYPES

#: the report's key columns, repeated over its cells, in this order
KEY_COLUMNS = catalogue.columns("cells", "report", "key")


def cell_frame(keys: pd.DataFrame, lengths: np.ndarray, reports: ReportColumns, columns: list[str]) -> pd.DataFrame:
    """One frame of every report's cells: `keys` has a row of KEY_COLUMNS per report, `lengths`
    its number of cells, `reports` the cells, report after report, which the frame takes over
    (`reports.cells` is emptied, so that each Arrow column is freed once converted; the texts'
    buffers are shared, not copied).

    The key columns and table/block/row/col/kind are categories, value Float64, the free texts
    strings; `columns` orders the result.
    """
    cells, reports.cells = reports.cells, CELLS.empty_table()
    frame = cells.to_pandas(types_mapper=PANDAS_TYPES.get, self_destruct=True, split_blocks=True)
    del cells  # converted with self_destruct: never to be used again
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
    out: pd.DataFrame = frame[columns]
    return out
