"""What a corpus keeps of one parsed report (`Parsed`), and the key that decides a parse.

Reading a report is deterministic given its bytes, the parser's own code (and the version), the
schema CSVs and the options passed to `read_report`, so the key is a hash of exactly these: a `git
pull` that changes the parser, or an edited schema file, makes every stored parse stale.
"""
from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pandas as pd
import pyarrow as pa

from ..core import layers, version
from ..core.model import Problem, ReportMeta
from ..report import Report
from ..report.checks import check_counts, record_check_counts, run_checks
from ..schema import catalogue
from ..schema import fingerprint as schema_fingerprint

#: `GOVSTATS_ARROW_POOL=jemalloc` lets a load allocate Arrow memory from jemalloc (see arrow_pool)
POOL_ENV = "GOVSTATS_ARROW_POOL"
#: Bump when the layout of the store changes.
LAYOUT = 7
#: the columns of Report.cells (the report's name and its cells' own columns: frames.csv)
CELL_COLUMNS = catalogue.columns("cells", "report", "cell")
#: Categorical columns of Report.cells (dictionary-encoded in a corpus's columns and store)
CATEGORICAL = tuple(f.column for f in catalogue.fields("cells", ["report", "cell"]) if f.dtype == "category")
#: the layer that makes what the store keeps (a report and its checks): its code and every layer's
#: below it decide what a report reads as
PARSER_LAYER = "report"
#: the cell columns as Arrow types: a freshly parsed report holds its cells in this schema (a
#: corpus's columns and store dictionary-encode the categorical ones: `columns.CELLS`)
ARROW_CELLS = catalogue.arrow_schema("cells", "report", "cell")
#: how the Arrow cell columns become pandas columns (nullable, as in Report.cells)
PANDAS_TYPES = {pa.string(): pd.StringDtype(), pa.large_string(): pd.StringDtype(), pa.float64(): pd.Float64Dtype(),
                pa.int64(): pd.Int64Dtype()}


@contextlib.contextmanager
def arrow_pool() -> Iterator[None]:
    """With `GOVSTATS_ARROW_POOL=jemalloc` (opt-in: Arrow's memory pool is process-wide, and a
    notebook's other Arrow work should not change pools under it), allocate Arrow memory from
    jemalloc, where pyarrow has it, while a corpus loads (pyarrow's default, mimalloc 2.2, peaks
    about 40% higher and runs slower reading Parquet: microsoft/mimalloc#1111), returning freed
    pages at once (a load frees its Parquet buffers as it goes); the default pool is restored after."""
    if os.environ.get(POOL_ENV) != "jemalloc" or "jemalloc" not in pa.supported_memory_backends():
        yield
        return
    previous = pa.default_memory_pool()
    pa.jemalloc_set_decay_ms(0)
    pa.set_memory_pool(pa.jemalloc_memory_pool())
    try:
        yield
    finally:
        pa.set_memory_pool(previous)



def parser_fingerprint() -> str:
    """The fingerprint of the parser's code (`layers.fingerprint`): any change to the parser or to
    a parsing library (not only a version bump) invalidates what was stored with the old one."""
    return layers.fingerprint(PARSER_LAYER)


def cache_key(sha256: str, **options: Any) -> str:
    """The key of a source's bytes read with `options` (the keyword arguments of read_report)."""
    prefix = _key_prefix(version.__version__, parser_fingerprint(), schema_fingerprint(), tuple(sorted(options.items())))
    return hashlib.sha256(prefix + sha256.encode()).hexdigest()


@functools.lru_cache(maxsize=64)
def _key_prefix(govstats: str, parser: str, schema: str, options: tuple[tuple[str, Any], ...]) -> bytes:
    """What a key hashes besides the bytes' sha256."""
    return json.dumps({"govstats": govstats, "parser": parser, "schema": schema, "layout": LAYOUT,
                       "options": dict(options)}, sort_keys=True, default=str).encode() + b"\0"


@dataclass
class Parsed:
    """What a corpus keeps of a parsed report: a Report's data with its cells as an Arrow table
    (compact to send from a worker, concatenated once per corpus), and its check counts (so that
    a stored parse need not run the checks).  `cells` is the pandas frame, built when first asked."""

    meta: ReportMeta
    arrow: pa.Table
    sections: dict[str, str]
    problems: list[Problem]
    counts: dict[str, int]

    @functools.cached_property
    def cells(self) -> pd.DataFrame:
        frame: pd.DataFrame = self.arrow.cast(ARROW_CELLS).to_pandas(types_mapper=PANDAS_TYPES.get)
        return frame

    @classmethod
    def from_report(cls, report: Report) -> Parsed:
        """The report's data, its cells as an Arrow table of `ARROW_CELLS`: built from the
        interpreter's records where the report has them (no pandas frame per report)."""
        version = report.meta.format_version
        if report.records is not None:
            records = report.records
            columns = {"report": pa.array([report.meta.report] * len(records), pa.string())}
            for col in CELL_COLUMNS[1:]:
                values = [r[col] for r in records]
                columns[col] = pa.array(values, ARROW_CELLS.field(col).type, from_pandas=True)
            arrow = pa.table(columns, schema=ARROW_CELLS)
            counts = record_check_counts(records, version)
        else:
            cells = report.cells.astype({c: "string" for c in CATEGORICAL if c in report.cells.columns})
            arrow = pa.Table.from_pandas(cells[CELL_COLUMNS], schema=ARROW_CELLS, preserve_index=False)
            counts = check_counts(run_checks(report.cells, version))
        return cls(report.meta, arrow, dict(report.sections), list(report.problems), counts)
