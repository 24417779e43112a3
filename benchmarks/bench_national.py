"""Benchmark: every metric by year and province over a national-scale corpus dataset, out of core
(`govstats.query`), beside DuckDB's own SQL over the same files (issue 24).

The dataset is built, not parsed: a generated corpus of --base reports (the carriers of
bench_corpus10k, four reports an agency) is parsed once and written with `Corpus.to_dataset`;
then its cell files are written again under new report keys (`<report>#<copy>`), with its
reports' rows, until the dataset holds --reports reports.  So it tests the query path, not
parsing: every copy has the base's cells, years and provinces.

Each query runs in a fresh process, which reports its time and its peak resident memory
(`VmHWM`).  DuckDB's own SQL is the floor: the cells the metrics read (the same tables, rows
and columns), joined to their reports and summed by year, province and cell in one GROUP BY.

    .venv/bin/python benchmarks/bench_national.py --reports 1000000 [--base 1000] [--folder DIR]

The million-report dataset takes about as much disk as --base reports' cells times
reports / base (about 5 GB for the defaults); it is removed afterwards unless --keep.
"""
from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import pyarrow as pa  # noqa: E402
import pyarrow.compute as pc  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402

#: at most this many copies of a base partition go into one file
COPIES_PER_FILE = 50
MEMORY_GOAL, TIME_GOAL = 4 * 2**30, 3.0

_RUN = """
import json, sys, time
def peak():
    return next(int(l.split()[1]) * 1024 for l in open("/proc/self/status") if l.startswith("VmHWM:"))
exec(sys.argv[2])  # the imports, not timed
start = time.perf_counter()
exec(sys.argv[3])
print(json.dumps({"seconds": time.perf_counter() - start, "peak_bytes": peak(), "rows": rows}))
"""
_QUERY = "import govstats", """
rows = len(govstats.query(sys.argv[1], by=["year", "province"]))
"""
_DUCKDB = """
import duckdb
from govstats.evaluate.query import _Compiler
from govstats.schema import load_metrics
""", """
c = _Compiler("2021")
for m in load_metrics():
    c.total(m.numerator + m.denominator)
c.resolved()
con = duckdb.connect()
con.execute("SET memory_limit = '3GB'")
con.execute("SET enable_progress_bar = false")
rows = len(con.execute(f'''
SELECT r.year, r.province, c."table", c."row", c.col, sum(c.value) AS total, count(*) AS cells
FROM read_parquet('{sys.argv[1]}/cells/*/*/*.parquet', hive_partitioning = true) c
JOIN read_parquet('{sys.argv[1]}/reports.parquet') r USING (report)
WHERE c.kind = 'number' AND {c.filter()}
GROUP BY ALL''').fetchall())
"""


def run(code: tuple[str, str], folder: Path) -> dict:
    """(setup, timed code) in a fresh process: the timed code's seconds, the process's peak memory."""
    out = subprocess.run([sys.executable, "-c", _RUN, str(folder), *code], check=True, capture_output=True, text=True,
                         cwd=ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1][out.stdout.strip().splitlines()[-1].index("{"):])


def base_dataset(folder: Path, reports: int) -> Path:
    """A generated corpus of `reports` reports, parsed and written as a dataset."""
    import bench_views

    import govstats

    corpus_dir = folder / "base-corpus"
    corpus_dir.mkdir()
    bench_views.write_corpus(corpus_dir, reports)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        corpus = govstats.read_corpus(corpus_dir, cache=False, progress=False)
    return corpus.to_dataset(folder / "dataset")


def _renamed(column: pa.ChunkedArray, suffix: str) -> pa.ChunkedArray:
    """A dictionary-encoded report column with `suffix` added to each name (the codes kept)."""
    chunks = []
    for chunk in column.chunks:
        if not pa.types.is_dictionary(chunk.type):
            chunk = pc.dictionary_encode(chunk)
        names = pc.binary_join_element_wise(chunk.dictionary.cast(pa.string()), pa.scalar(suffix), "")
        chunks.append(pa.DictionaryArray.from_arrays(chunk.indices, names))
    return pa.chunked_array(chunks)


def replicate(dataset: Path, reports: int) -> int:
    """Write the dataset's cells and reports again under new report keys until it holds
    `reports` reports; returns how many it holds."""
    base_reports = pq.read_table(dataset / "reports.parquet")
    copies = max(1, reports // base_reports.num_rows)
    for part in sorted((dataset / "cells").glob("*/*/part-0.parquet")):
        table = pq.read_table(part)
        report = table.schema.get_field_index("report")
        for first in range(1, copies, COPIES_PER_FILE):
            batch = [table.set_column(report, "report", _renamed(table["report"], f"#{j}"))
                     for j in range(first, min(copies, first + COPIES_PER_FILE))]
            pq.write_table(pa.concat_tables(batch, promote_options="permissive"), part.with_name(f"copy-{first}.parquet"))
    rows = [base_reports]
    index = base_reports.schema.get_field_index("report")
    for j in range(1, copies):
        rows.append(base_reports.set_column(index, "report", _renamed(base_reports["report"], f"#{j}")))
    pq.write_table(pa.concat_tables(rows, promote_options="permissive"), dataset / "reports.parquet")
    return base_reports.num_rows * copies


def measure(reports: int, base: int, folder: str | None = None, keep: bool = False) -> dict:
    tmp = Path(tempfile.mkdtemp(prefix="govstats-bench-national-", dir=folder))
    try:
        start = time.perf_counter()
        dataset = base_dataset(tmp, base)
        parsed = time.perf_counter() - start
        start = time.perf_counter()
        held = replicate(dataset, reports)
        built = time.perf_counter() - start
        size = sum(p.stat().st_size for p in dataset.rglob("*.parquet"))
        cells = pq.ParquetDataset(dataset / "cells").files
        rows = sum(pq.ParquetFile(f).metadata.num_rows for f in cells)
        duck, ours = run(_DUCKDB, dataset), run(_QUERY, dataset)
        return {"reports": held, "cells": rows, "bytes": size, "parse_seconds": parsed, "build_seconds": built,
                "query": ours, "duckdb": duck}
    finally:
        if not keep:
            shutil.rmtree(tmp, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=1_000_000)
    parser.add_argument("--base", type=int, default=1000)
    parser.add_argument("--folder", help="where to build the dataset (default: the system's temporary folder)")
    parser.add_argument("--keep", action="store_true", help="keep the dataset")
    args = parser.parse_args(argv)
    m = measure(args.reports, args.base, args.folder, args.keep)
    q, d = m["query"], m["duckdb"]
    print(f"dataset: {m['reports']:,} reports ({args.base:,} parsed, written again under new keys), "
          f"{m['cells']:,} cells, {m['bytes'] / 2**30:.2f} GiB; built in {m['build_seconds']:.0f} s")
    print(f"govstats.query, every metric by year and province: {q['seconds']:.1f} s, peak "
          f"{q['peak_bytes'] / 2**30:.2f} GiB ({q['rows']} rows)")
    print(f"DuckDB's own SQL, the same cells by year, province and cell: {d['seconds']:.1f} s, peak "
          f"{d['peak_bytes'] / 2**30:.2f} GiB")
    print(f"ratio {q['seconds'] / d['seconds']:.2f}x (goal <= {TIME_GOAL:g}x); memory goal <= 4 GiB: "
          f"{'met' if q['peak_bytes'] <= MEMORY_GOAL else 'missed'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
