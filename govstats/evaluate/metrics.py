"""The evaluation of the metrics dictionary (`schema/metrics.csv`) over parsed reports.

Each metric is a sum of cells (its numerator) over another sum of cells (its denominator), named
by schema keys (`t3.unable_not_held.total`), valid in stated format versions.  A cell that is not
a printed number (blank, n/a, text, ambiguous, missing) makes the metric NA, and so does a zero
denominator: nothing is filled in, and a rate of 0 always means "none of the cases".
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..corpus.corrections import effective
from ..report.quality import carried_flags, cell_flags, identity_flags, operands, ref_quality, trusted
from ..report.values import CellColumns, DerivedParts
from ..schema import VERSIONS, Schema, agency_level, catalogue, load_metrics, load_schema

METRIC_COLUMNS = catalogue.columns("metrics")
#: what `metrics(quality=...)` accepts: every value, or only those of trusted cells
QUALITY_MODES = ("all", "strict")


def ratio(numerator: Any, denominator: Any) -> Any:
    """numerator / denominator; NA when either is NA or the denominator is 0 (never 0 for 'no data')."""
    if pd.isna(numerator) or pd.isna(denominator) or denominator == 0:
        return pd.NA
    return numerator / denominator


def _report_cells(source: Any) -> pd.DataFrame:
    """A long cell table with report, agency, city, level, year and format_version columns (the
    level, where the source has none, derived from the agency's name), each corrected cell with
    its corrected value (`corpus.corrections.effective`)."""
    return effective(_key_cells(source))


def _key_cells(source: Any) -> pd.DataFrame:
    from ..corpus import Corpus
    from ..report import Report

    if isinstance(source, Corpus):
        return source.cells
    if isinstance(source, Report):
        m = source.meta
        return source.cells.assign(agency=m.agency, city=pd.NA, level=agency_level(m.agency), year=m.year,
                                   format_version=m.format_version)
    if isinstance(source, pd.DataFrame):
        missing = {"report", "agency", "year", "format_version", "table", "row", "col", "value",
                   "kind"} - set(source.columns)
        if missing:
            raise KeyError(f"the cell frame lacks the column(s) {sorted(missing)}; pass Corpus.cells")
        if "city" not in source.columns:
            source = source.assign(city=pd.NA)
        if "level" not in source.columns:
            agencies = source["agency"].astype(object)
            levels = {name: agency_level(name) for name in pd.unique(agencies)}  # once per agency
            source = source.assign(level=agencies.map(levels))
        return source
    raise TypeError(f"metrics() takes a Corpus, a Report or a cell DataFrame, not {type(source).__name__}")


def _version_rows(cells: pd.DataFrame, version: str, positions: np.ndarray,
                  schema: Schema) -> list[pd.DataFrame]:
    """The metric rows of the reports of one format version: one small frame per metric."""
    columns = CellColumns(cells, version, schema)
    order = pd.Index(positions.index).get_indexer(columns.reports)
    frames = []
    for k, m in enumerate(load_metrics()):
        if version not in m.versions:
            continue
        num = columns.total(m.numerator)
        if m.unit == "count":
            value, den = num, np.full(len(num), np.nan)
        else:
            den = columns.total(m.denominator)
            with np.errstate(divide="ignore", invalid="ignore"):
                value = np.where(np.isnan(num) | np.isnan(den) | (den == 0), np.nan, num / den)
        frames.append(pd.DataFrame({"position": positions.to_numpy()[order], "k": k, "metric": m.key,
                                    "value": value, "numerator": num, "denominator": den, "unit": m.unit}))
    return frames


def _flags(source: Any, cells: pd.DataFrame) -> pd.DataFrame:
    """The quality flags of `source`'s cells: a Corpus's and a Report's own (identities, doubtful
    readings, problems, soft checks, corrections); a cell frame's own quality columns, else its
    identities and readings."""
    from ..corpus import Corpus
    from ..report import Report

    if isinstance(source, (Corpus, Report)):
        return source.quality_flags()
    if "quality" in cells.columns:
        return carried_flags(cells)
    versions = cells["format_version"].astype(object).map(str)
    return pd.concat([identity_flags(cells, versions), cell_flags(cells)], ignore_index=True)


def metric_quality(out: pd.DataFrame, flags: pd.DataFrame, cells: pd.DataFrame) -> tuple[list[str], list[str]]:
    """The `quality` and `quality_note` of each metric row of `out` (its report, metric and format_version):
    from the `flags` of every cell of `cells` its numerator and denominator read (`report.quality.ref_quality`);
    `query.metrics` gives its rows the same."""
    refs: dict[tuple[str, str], dict] = {}
    for version in ("2019", "2021"):
        parts = DerivedParts(version)
        for m in load_metrics():
            if version in m.versions:
                refs[(m.key, version)] = operands([*m.numerator, *m.denominator], parts)
    keys = zip(out["metric"].astype(str), out["format_version"].astype(str))
    return ref_quality(out["report"].astype(str), [refs.get(k, {}) for k in keys], flags, cells)


def metrics(source: Any, quality: str = "all") -> pd.DataFrame:
    """Every metric of the dictionary for every report of `source` (a Corpus, Report or cells).

    One row per report and metric valid in the report's format version, in dictionary order.
    Columns: report, agency, city, level, year, format_version, metric, value, numerator, denominator
    (NA for counts), unit ("count" or "rate"), quality and quality_note (`govstats.report.quality`: ok,
    check_failed, operand_flagged, soft_check_failed, corrected, joined by "+"; the note names
    the failed identity or the flagged cells).  Rates are fractions (0.344…), NA when the
    denominator is 0 or any operand is not a printed number.  `quality="strict"` also makes NA
    every value whose quality is neither ok nor corrected (the row and its quality stay).
    Computed one metric at a time over all reports of a format version (`values.CellColumns`),
    not one report at a time.
    """
    if quality not in QUALITY_MODES:
        raise ValueError(f"quality must be one of {', '.join(QUALITY_MODES)}, not {quality!r}")
    cells = _report_cells(source)
    cells = cells[cells["report"].notna()]
    schema = load_schema()
    codes, _ = pd.factorize(cells["report"])
    _, first_rows = np.unique(codes, return_index=True)  # codes number reports in order of appearance
    first = cells.iloc[first_rows][catalogue.columns("metrics", "key")]
    first = first.assign(report=first["report"].astype(str).to_numpy(),
                         format_version=first["format_version"].astype(object).map(str).to_numpy())
    positions = pd.Series(np.arange(len(first)), index=first["report"].to_numpy())
    version_of = first["format_version"].to_numpy()[codes]
    frames = []
    for version in VERSIONS:
        mine = version_of == version
        if mine.any():
            frames += _version_rows(cells[mine], version, positions, schema)
    if not frames:
        out = pd.DataFrame({c: pd.Series(dtype=object) for c in METRIC_COLUMNS})
    else:
        rows = pd.concat(frames, ignore_index=True).sort_values(["position", "k"], kind="stable")
        keys = first.iloc[rows["position"].to_numpy()].reset_index(drop=True)
        out = pd.concat([keys, rows.drop(columns=["position", "k"]).reset_index(drop=True)], axis=1)
        out["quality"], out["quality_note"] = metric_quality(out, _flags(source, cells), cells)
        out = out[METRIC_COLUMNS]
    for col in ("value", "numerator", "denominator"):
        out[col] = pd.array(out[col].to_numpy(dtype=float, na_value=np.nan), dtype="Float64")
    if quality == "strict":
        doubtful = ~trusted(out["quality"])
        for col in ("value", "numerator", "denominator"):
            out.loc[doubtful, col] = pd.NA
    return catalogue.conform("metrics", out)
