"""A corpus as a Parquet dataset any engine reads: the cells of its used reports partitioned by
format version and year (hive layout), and its reports, one row each.

    <folder>/
        reports.parquet                              `Corpus.reports`, plus `cells` (how many)
        cells/format_version=2021/year=2024/*.parquet  the cells: report and the cell columns

DuckDB (`read_parquet('<folder>/cells/*/*/*.parquet', hive_partitioning=true)`), Polars
(`pl.scan_parquet(..., hive_partitioning=True)`), `dask.dataframe.read_parquet` and Spark read
it as it is; `govstats.query` compiles the metrics dictionary to SQL over it.  The folder is
written beside its final place and moved in at once: a reader sees the old dataset or the new.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow as pa
import pyarrow.parquet as pq

from ..core.files import folder_replaced
from ..schema import catalogue
from .parts import CELLS_FOLDER, PARTITIONS

if TYPE_CHECKING:
    from .frames import Corpus

#: the cells of one partition are written in files of at most this many rows
ROWS_PER_FILE = 4_000_000


def cell_columns(corpus: Corpus) -> list[str]:
    """The columns a dataset's cells keep: the report, the partitions and every cell column the
    corpus's cells have (a report's other keys are in reports.parquet)."""
    keys = set(catalogue.columns("cells", "key")) - set(PARTITIONS)
    return [c for c in corpus.cells.columns if c not in keys]


def write_dataset(corpus: Corpus, folder: str | os.PathLike[str]) -> Path:
    """Write `corpus` as a dataset in `folder` (replacing one written before); returns the folder."""
    folder = Path(folder).expanduser()
    import pyarrow.dataset as ds  # here, not at import: it reserves about 1 GB of address space

    with folder_replaced(folder) as tmp:
        cells = pa.Table.from_pandas(corpus.cells[cell_columns(corpus)], preserve_index=False)
        cells = cells.replace_schema_metadata(None)  # no pandas types: the partitions are the readers'
        partitioning = ds.partitioning(cells.select(PARTITIONS).schema, flavor="hive")
        ds.write_dataset(cells, tmp / CELLS_FOLDER, format="parquet", partitioning=partitioning,
                         basename_template="part-{i}.parquet", max_rows_per_file=ROWS_PER_FILE,
                         max_rows_per_group=1_000_000, existing_data_behavior="error")
        counts = corpus.cells["report"].value_counts()
        reports = corpus.reports.assign(cells=corpus.reports["report"].map(counts).fillna(0).astype("int64"))
        pq.write_table(pa.Table.from_pandas(reports, preserve_index=False), tmp / "reports.parquet")
    return folder
