"""`govstats.query`: the metrics dictionary compiled to DuckDB SQL over a corpus dataset
(`corpus.dataset`), out of core: only the cells the metrics name are read, report by report,
never the whole cell table.

Per format version, one pass over the version's cell files (the year partitions pruned) gives
each selected report's printed numbers and which of the cells it prints; a derived cell (e.g.
withheld_total) is its printed value when printed, else the sum of its parts (NULL when any part
is), as `values.resolve` says; a rate is NULL when its denominator is 0.  So `query(folder)`
gives the frame `govstats.metrics(corpus)` gives (of two cells of one report at one place the
largest counts, where `metrics` takes the last).  `by=["year", "province"]` aggregates in SQL:
per group and metric the reports with a value, the sums of their numerators and denominators,
the pooled value (a count's sum; a rate's summed numerator over its summed denominator) and the
median of the reports' values.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..report.quality import carried_flags
from ..report.values import DerivedParts
from ..schema import VERSIONS, CellRef, catalogue, load_metrics, metric_keys
from ..schema.messages import message
from .metrics import metric_quality

#: what a selection may name, and the reports' column it names
_SELECTIONS = {"years": "year", "provinces": "province", "levels": "level", "agencies": "agency"}
_KEYS = catalogue.columns("metrics", "key")
#: a cell's number: a person's correction (corrections.csv; NULL: corrected to blank), else the printed one
_NUMBER = "CASE WHEN quality LIKE '%corrected%' THEN corrected_value WHEN kind = 'number' THEN value END"
AGGREGATE_COLUMNS = ["metric", "unit", "reports", "value", "numerator", "denominator", "median"]


def _quote(text: Any) -> str:
    return "'" + str(text).replace("'", "''") + "'"


class _Compiler:
    """The SQL of one format version's metrics: each cell a column of printed value (v) and
    presence (p), each metric's numerator and denominator an expression over them."""

    def __init__(self, version: str) -> None:
        self.parts = DerivedParts(version)
        self.refs: dict[CellRef, int] = {}
        self.named: dict[CellRef, int] = {}  # the cells the metrics name, each resolved once

    def _ref(self, ref: CellRef) -> str:
        i = self.refs.setdefault(ref, len(self.refs))
        parts = self.parts.of(ref)
        if parts is None:
            return f"v{i}"
        return f"(CASE WHEN p{i} THEN v{i} ELSE ({' + '.join(self._ref(r) for r in parts)}) END)"

    def total(self, refs: tuple[CellRef, ...] | list[CellRef]) -> str:
        return "(" + " + ".join(f"r{self.named.setdefault(r, len(self.named))}" for r in refs) + ")"

    def resolved(self) -> str:
        return ",\n  ".join(f"{self._ref(ref)} AS r{i}" for ref, i in self.named.items())

    def columns(self) -> str:
        """Each cell's printed number and presence, from the cells numbered by `named_cells`."""
        return ",\n  ".join(f"max(CASE WHEN ref = {i} THEN number END) AS v{i}, max(ref = {i}) AS p{i}"
                             for i in self.refs.values())

    def named_cells(self) -> str:
        """The cells the SQL reads, numbered: a table to join the cells with."""
        rows = ", ".join(f"({_quote(t)}, {_quote(r)}, {_quote(c)}, {i})" for (t, r, c), i in self.refs.items())
        return f"(VALUES {rows}) AS named(t, r, c, ref)"

    def filter(self) -> str:
        """Only the tables, rows and columns the metrics name (pushed down into the Parquet scan)."""
        names = [sorted({r[k] for r in self.refs}) for k in range(3)]
        return " AND ".join(f"{c} IN ({', '.join(map(_quote, n))})" for c, n in zip(('"table"', '"row"', "col"), names))


def _connect(memory_limit: str | None, threads: int | None) -> Any:
    import duckdb

    con = duckdb.connect()
    if memory_limit:
        con.execute(f"SET memory_limit = {_quote(memory_limit)}")
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    con.execute("SET preserve_insertion_order = false")
    con.execute("SET enable_progress_bar = false")
    return con


def _check_selection(con: Any, reports: str, selection: dict[str, Any]) -> list[str]:
    """SQL conditions on the reports for the selection; an unknown value is an error listing the known."""
    conditions = ["used", "cells > 0"]
    for name, values in selection.items():
        if values is None:
            continue
        column = _SELECTIONS[name]
        values = [values] if isinstance(values, (str, int)) else list(values)
        known = [r[0] for r in con.execute(f"SELECT DISTINCT {column} FROM {reports} WHERE {column} IS NOT NULL "
                                           f"ORDER BY 1").fetchall()]
        unknown = [v for v in values if v not in known]
        if unknown:
            shown = ", ".join(map(str, known[:50])) + (f" … ({len(known)} in all)" if len(known) > 50 else "")
            raise ValueError(f"no {column} {', '.join(map(repr, unknown))} in the dataset; its {name}: {shown}")
        conditions.append(f"{column} IN ({', '.join(map(_quote, values))})")
    return conditions


def _version_sql(version: str, metrics: list, conditions: list[str], years: Any) -> str:
    """One row per selected report of `version`: its keys and each metric's numerator and denominator."""
    compiler = _Compiler(version)
    outputs = []
    for k, m in metrics:
        num = compiler.total(m.numerator)
        den = compiler.total(m.denominator) if m.unit == "rate" else "CAST(NULL AS DOUBLE)"
        outputs.append(f"{num} AS n{k}, {den} AS d{k}")
    resolved = compiler.resolved()  # names every cell the printed columns and the filter read
    cells = "cells"
    where = [f"format_version = {_quote(version)}", compiler.filter()]
    if len(conditions) > 2:  # provinces, levels or agencies chosen (a dataset's cells are its used reports')
        where.append("report IN (SELECT report FROM selected)")
    if years is not None:
        where.append(f"year IN ({', '.join(str(int(y)) for y in ([years] if isinstance(years, int) else years))})")
    return f"""
WITH selected AS (SELECT * FROM reports WHERE {' AND '.join(conditions)} AND format_version = {_quote(version)}),
printed AS MATERIALIZED (
  SELECT report,
  {compiler.columns()}
  FROM (SELECT report, ref, {_NUMBER} AS number FROM {cells} JOIN {compiler.named_cells()}
        ON "table" = named.t AND "row" = named.r AND col = named.c
        WHERE {' AND '.join(where)})
  GROUP BY report),
resolved AS MATERIALIZED (SELECT report,
  {resolved}
  FROM printed)
SELECT selected.*, {', '.join(outputs)}
FROM selected LEFT JOIN resolved USING (report)"""


def _sources(con: Any, folder: Path, cache: str | os.PathLike[str] | None) -> None:
    """The views `reports` (with each report's `position`), `cells` (report, the cell columns,
    format_version, year) and `flagged` (the cells whose quality is not ok) over `folder`: a
    dataset `Corpus.to_dataset` wrote, else a corpus read before, through its store (`store_view`)."""
    if (folder / "reports.parquet").exists():
        reports = folder / "reports.parquet"
        con.execute(f"CREATE TEMP VIEW cells AS SELECT * FROM "
                    f"read_parquet({_quote(folder / 'cells/*/*/*.parquet')}, hive_partitioning = true)")
        con.execute("CREATE TEMP VIEW flagged AS SELECT report, \"table\", \"row\", col, quality, quality_note "
                    "FROM cells WHERE quality <> 'ok'")
    else:
        from ..corpus.store_view import store_view

        if not folder.exists():
            raise FileNotFoundError(message("no_corpus_or_dataset", path=folder))
        _, view = store_view(folder, cache)
        reports = view / "reports.parquet"
        parts = con.execute(f"SELECT DISTINCT part FROM read_parquet({_quote(reports)})").fetchall()
        files = "[" + ", ".join(_quote(p[0]) for p in parts) + "]" if parts else "[]"
        con.execute(f"CREATE TEMP VIEW flagged AS SELECT * FROM read_parquet({_quote(view / 'flags.parquet')})")
        con.execute(f"""CREATE TEMP VIEW cells AS
SELECT r.report, c."table", c."row", c.col, c.value, c.kind, coalesce(f.quality, 'ok') AS quality,
  f.corrected_value, r.format_version, r.year
FROM read_parquet({files}, filename = true, hive_partitioning = false) AS c
JOIN (SELECT report, part, stored_report, format_version, year FROM read_parquet({_quote(reports)})) AS r
  ON c.filename = r.part AND c.report = r.stored_report
LEFT JOIN flagged AS f ON f.report = r.report AND f."table" = c."table" AND f."row" = c."row" AND f.col = c.col""")
    con.execute(f"CREATE TEMP VIEW reports AS SELECT *, file_row_number AS position "
                f"FROM read_parquet({_quote(reports)}, file_row_number = true)")


def query(dataset: str | os.PathLike[str], metrics: list[str] | str | None = None, *, years: Any = None,
          provinces: Any = None, levels: Any = None, agencies: Any = None, by: list[str] | None = None,
          memory_limit: str | None = "3GB", threads: int | None = None,
          cache: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """Every metric (or those named) of the selected reports of `dataset`, computed by DuckDB over
    Parquet files without loading the cells: a folder `Corpus.to_dataset` wrote, or a corpus
    (folder or manifest) read before, through its store in `cache` (default `$GOVSTATS_CACHE`):
    its parts as they are, with its reports and flagged cells (`corpus.store_view`; no store, or
    one that does not hold the files as they are now, is an error naming the corpus).

    Without `by`: the frame `govstats.metrics` gives (its rows and columns); with `by` (columns
    of the reports, e.g. ["year", "province"]): one row per group and metric (`AGGREGATE_COLUMNS`).
    An unknown metric, year, province, level or agency is an error listing the known ones.
    """
    names = [metrics] if isinstance(metrics, str) else metrics
    unknown = sorted(set(names or []) - set(metric_keys()))
    if unknown:
        raise KeyError(f"no metric {', '.join(map(repr, unknown))}; metrics are {', '.join(metric_keys())}")
    con = _connect(memory_limit, threads)
    _sources(con, Path(dataset).expanduser(), cache)
    conditions = _check_selection(con, "reports", {"years": years, "provinces": provinces, "levels": levels,
                                                   "agencies": agencies})
    chosen = [(k, m) for k, m in enumerate(load_metrics()) if names is None or m.key in names]
    frames = []
    for version in VERSIONS:
        mine = [(k, m) for k, m in chosen if version in m.versions]
        if not mine:
            continue
        sql = _version_sql(version, mine, conditions, years)
        frames.append(_long(con, sql, mine) if by is None else _grouped(con, sql, mine, by))
    out = pd.concat(frames, ignore_index=True) if frames else None
    if by is None:
        if out is None or out.empty:
            return catalogue.conform("metrics", pd.DataFrame({c: [] for c in catalogue.columns("metrics")}))
        out = out.sort_values(["position", "k"], kind="stable").drop(columns=["position", "k"]).reset_index(drop=True)
        out["quality"], out["quality_note"] = metric_quality(out, *_flagged(con, chosen))
        return catalogue.conform("metrics", out)
    if out is None:
        return pd.DataFrame(columns=[*by, *AGGREGATE_COLUMNS])
    return out.sort_values([*by, "k"], kind="stable").drop(columns="k").reset_index(drop=True)


def _flagged(con: Any, metrics: list) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The quality flags the dataset's cells carry, of the cells the metrics read (few: only
    the cells whose quality is not ok are fetched)."""
    compiler = _Compiler("2021")
    for version in VERSIONS:
        compiler.parts = DerivedParts(version)
        for _, m in metrics:
            if version in m.versions:
                compiler.total(m.numerator + m.denominator)
        compiler.resolved()
    flagged = con.execute(f"""SELECT report, "table", "row", col, quality, quality_note FROM flagged
        WHERE {compiler.filter()}""").df()
    cells = con.execute(f"""SELECT report, "table", "row", col FROM cells WHERE {compiler.filter()}
        AND report IN (SELECT DISTINCT report FROM flagged WHERE {compiler.filter()})""").df()
    return carried_flags(flagged), cells


def _long(con: Any, sql: str, metrics: list) -> pd.DataFrame:
    """The per-report rows of `sql` as the long metrics frame (with position and k to order by)."""
    wide = con.execute(sql).df()
    keys = wide[_KEYS + ["position"]].astype(object)
    frames = []
    for k, m in metrics:
        num = wide[f"n{k}"].to_numpy(dtype=float, na_value=np.nan)
        den = wide[f"d{k}"].to_numpy(dtype=float, na_value=np.nan)
        if m.unit == "count":
            value = num
        else:
            with np.errstate(divide="ignore", invalid="ignore"):
                value = np.where(np.isnan(num) | np.isnan(den) | (den == 0), np.nan, num / den)
        frames.append(keys.assign(k=k, metric=m.key, value=value, numerator=num, denominator=den, unit=m.unit))
    out = pd.concat(frames, ignore_index=True) if frames else keys.iloc[:0]
    for col in ("value", "numerator", "denominator"):
        values = out[col].to_numpy(dtype=float)
        out[col] = pd.arrays.FloatingArray(values, np.isnan(values))
    out["year"] = out["year"].astype("Int64")
    return out


def _grouped(con: Any, sql: str, metrics: list, by: list[str]) -> pd.DataFrame:
    """The per-report rows of `sql` aggregated in SQL by `by`, one row per group and metric."""
    group = ", ".join(f'"{c}"' for c in by)
    parts = []
    for k, m in metrics:
        value = f"n{k}" if m.unit == "count" else f"CASE WHEN d{k} = 0 THEN NULL ELSE n{k} / d{k} END"
        parts.append(f"SELECT {group}, {k} AS k, {_quote(m.key)} AS metric, {_quote(m.unit)} AS unit, "
                     f"n{k} AS numerator, d{k} AS denominator, {value} AS value FROM per_report")
    pooled = "CASE WHEN unit = 'count' THEN sum(numerator) FILTER (WHERE value IS NOT NULL) " \
             "ELSE sum(numerator) FILTER (WHERE value IS NOT NULL) / sum(denominator) FILTER (WHERE value IS NOT NULL) END"
    full = f"""WITH per_report AS MATERIALIZED ({sql})
SELECT {group}, k, metric, unit, count(value) AS reports, {pooled} AS value,
  sum(numerator) FILTER (WHERE value IS NOT NULL) AS numerator,
  sum(denominator) FILTER (WHERE value IS NOT NULL) AS denominator, median(value) AS median
FROM ({' UNION ALL '.join(parts)}) GROUP BY {group}, k, metric, unit"""
    return con.execute(full).df()
