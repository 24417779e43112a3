"""The evaluation of the metrics dictionary (`schema/metrics.csv`) over parsed reports.

Each metric is a sum of cells (its numerator) over another sum of cells (its denominator), named
by schema keys (`t3.unable_not_held.total`), valid in stated format versions.  A cell that is not
a printed number (blank, n/a, text, ambiguous, missing) makes the metric NA, and so does a zero
denominator: nothing is filled in, and a rate of 0 always means "none of the cases".
"""
from __future__ import annotations

from typing import Any

import pandas as pd

from ..schema import load_metrics, load_schema
from ..values import CellValues

METRIC_COLUMNS = ["report", "agency", "city", "year", "format_version", "metric", "value",
                  "numerator", "denominator", "unit"]


def ratio(numerator: Any, denominator: Any) -> Any:
    """numerator / denominator; NA when either is NA or the denominator is 0 (never 0 for 'no data')."""
    if pd.isna(numerator) or pd.isna(denominator) or denominator == 0:
        return pd.NA
    return numerator / denominator


def _report_cells(source: Any) -> pd.DataFrame:
    """A long cell table with report, agency, city, year and format_version columns."""
    from ..corpus import Corpus
    from ..report import Report

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
