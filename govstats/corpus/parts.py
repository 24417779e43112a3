"""The store's part files: the cells of a batch of reports, one file per partition in the hive
layout any engine reads (DuckDB, pyarrow.dataset, pandas, Polars, Spark):

    cells/format_version=2021/year=2024/part-<generation>-<n>.parquet

Each file holds its reports' cells report after report, with the report's name as its first
column (so an engine joins them to the index, or groups them, without govstats); the partition
columns are the folders'.  The store's index names each report's part (its path below the store),
the part's sha256, and where in it the report's cells are (`offset`, `rows`).  This module writes
and reads one part, and groups the index by part.
"""
from __future__ import annotations

import hashlib
import io
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from ..core import version
from ..core.files import atomic_write
from ..schema import catalogue
from ..schema import fingerprint as schema_fingerprint
from ..schema.messages import message
from .columns import DICTIONARY, ROWS, ReportColumns, conforms
from .parsed import parser_fingerprint

#: the folder below the store (and below a dataset) holding the cells' partitions
CELLS_FOLDER = "cells"
#: the partition columns, outermost first (a report's meta in the index)
PARTITIONS = ("format_version", "year")
#: a partition value that is missing (the name pyarrow, DuckDB, Spark and Hive read as null)
NULL_PARTITION = "__HIVE_DEFAULT_PARTITION__"
#: the columns of a part file: the report's name, then the cell columns as the store keeps them
PART = catalogue.arrow_schema("cells", "report", "cell", stored=True)
#: the store's index: each report's row (`columns.ROWS`) and what the store records of it
INDEX = catalogue.arrow_schema("store_index")


def partition(rows: pa.Table) -> list[str]:
    """Each index row's partition folder: "cells/format_version=2021/year=2024"."""
    values = [[NULL_PARTITION if v is None else str(v) for v in rows[p].to_pylist()] for p in PARTITIONS]
    return ["/".join([CELLS_FOLDER, *(f"{p}={v}" for p, v in zip(PARTITIONS, vs))]) for vs in zip(*values)]


def write_partitioned(folder: Path, reports: ReportColumns, stem: str) -> pa.Table:
    """Write `reports` as one part per partition, named `<partition>/<stem>-<n>.parquet`; their
    index rows (without the file each was read from: `source` empty)."""
    places = np.array(partition(reports.rows), dtype=object)
    written = []
    for n, place in enumerate(dict.fromkeys(places.tolist())):
        group = reports.take(np.flatnonzero(places == place))
        written.append(write_part(folder, f"{place}/{stem}-{n}.parquet", [group]))
    return pa.concat_tables(written) if written else INDEX.empty_table()


def write_part(folder: Path, name: str, reports: Iterable[ReportColumns]) -> pa.Table:
    """Write the cells of `reports` (each contiguous, in its rows' order; one row group each) as
    the part `name`; their index rows (`source` empty)."""
    rows, offset = [], 0
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)

    def write(tmp: Path) -> None:
        nonlocal offset
        with pq.ParquetWriter(tmp, PART) as writer:
            for group in reports:
                lengths = group.rows["rows"].to_numpy()
                report = pa.DictionaryArray.from_arrays(
                    pa.array(np.repeat(np.arange(len(lengths), dtype=np.int32), lengths)), group.rows["report"].combine_chunks())
                writer.write_table(group.cells.add_column(0, PART.field("report"), report.cast(PART.field("report").type)))
                rows.append(group.rows.set_column(group.rows.schema.get_field_index("offset"), ROWS.field("offset"),
                                                  pc.add(group.rows["offset"], offset)))
                offset += group.cells.num_rows

    atomic_write(path, write)
    table = pa.concat_tables(rows) if rows else ROWS.empty_table()
    stored = {"govstats": version.__version__, "schema": schema_fingerprint(), "parser": parser_fingerprint(),
              "part": name, "part_sha256": sha256(path), "source": "", "size": 0,
              "mtime_ns": 0, "ctime_ns": 0, "inode": 0, "checked_ns": 0}
    for field in INDEX.names[len(ROWS.names):]:
        table = table.append_column(INDEX.field(field), pa.array([stored[field]] * table.num_rows,
                                                                 INDEX.field(field).type))
    return table


def read_part(folder: Path, name: str, sha: str) -> pa.Table | str:
    """The part's cells (`columns.CELLS`: without the report, which is its row's), or why it is
    refused: missing, damaged (its sha256 is not the index's) or of another shape."""
    try:
        data = (folder / name).read_bytes()
    except OSError as exc:
        return message("part_unreadable", reason=exc.strerror or exc)
    if hashlib.sha256(data).hexdigest() != sha:
        return message("part_damaged")
    try:
        table = pq.read_table(io.BytesIO(data), read_dictionary=["report", *DICTIONARY])
    except pa.ArrowException as exc:
        return message("part_not_parquet", reason=exc)
    if not table.schema.equals(PART):
        return message("part_other_columns")
    return table.drop_columns(["report"])


def fitting(rows: pa.Table, cells: pa.Table | str) -> pa.Table | str:
    """`cells` when the index rows `rows` lie inside them, else why not."""
    if isinstance(cells, str) or conforms(rows, cells):
        return cells
    return message("part_not_fitting")


def sha256(path: Path) -> str:
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def part_order(index: pa.Table) -> tuple[np.ndarray, np.ndarray]:
    """The order that groups the index's rows by part, the parts in the order the index first
    names them (rows keep their order within a part); and each row's group number in that order."""
    _, first, inverse = np.unique(index["part"].to_numpy(), return_index=True, return_inverse=True)
    group = np.argsort(np.argsort(first))[inverse]
    order = np.argsort(group, kind="stable")
    return order, group[order]


def by_part(index: pa.Table) -> Iterator[tuple[tuple[str, str], pa.Table]]:
    """The index's rows grouped by (part, part_sha256) in `part_order`, each group's reports as
    columns' rows."""
    if not index.num_rows:
        return
    order, group = part_order(index)
    index = index.take(order)
    bounds = np.flatnonzero(group[1:] != group[:-1]) + 1
    for start, stop in zip(np.concatenate([[0], bounds]), np.concatenate([bounds, [len(group)]])):
        rows = index.slice(int(start), int(stop - start))
        yield (rows["part"][0].as_py(), rows["part_sha256"][0].as_py()), rows.select(ROWS.names)

