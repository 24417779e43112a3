"""Writing a corpus out: tidy cells, wide tables, metrics and checks as CSV, Parquet or Excel.

One frame per file (CSV, Parquet: files in a folder) or per sheet (Excel: one workbook).  The
frames are those of the Python API, so a file says nothing the API would not.  CSV is UTF-8
with BOM; CSV and Excel text is neutralised against formulas (`safe`).
"""
from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from ..core.files import atomic_write
from ..core.model import TABLES
from ..corpus import Corpus
from ..evaluate.metrics import metrics
from ..evaluate.yoy import yoy
from ..report.quality import combine
from ..report.wide import EXACT_INTEGER, as_integers
from ..schema.labels import label_cells
from .safe import safe_text

FORMATS = ("csv", "parquet", "xlsx")


def _flags(cells: pd.DataFrame, table: str) -> dict[tuple, str]:
    """Per (agency, year, row) of `table`: the cells that are not printed numbers (ambiguous, text,
    n/a) or beyond exact integers (from 2^53 on: 2^53 + 1 is read as 2^53), with their raw text, e.g. `total: ambiguous '7777166'`."""
    part = cells[cells["table"] == table]
    value = part["value"].astype("Float64")
    odd = ~part["kind"].isin(["number", "blank"]) | (value.abs() >= EXACT_INTEGER).fillna(False)
    out: dict[tuple, list[str]] = {}
    for agency, year, row, col, kind, raw, v in zip(*(part.loc[odd, c] for c in
                                                       ("agency", "year", "row", "col", "kind", "raw", "value"))):
        what = kind if kind != "number" else f"number beyond ±2^53 ({v})"
        out.setdefault((agency, year, row), []).append(f"{col}: {what} '{raw}'")
    return {key: "; ".join(items) for key, items in out.items()}


def _row_quality(cells: pd.DataFrame, table: str) -> dict[tuple, tuple[str, str]]:
    """Per (agency, year, row) of `table` with a flagged cell: the quality of its cells together
    and their notes (`govstats.report.quality`)."""
    part = cells[(cells["table"] == table) & (cells["quality"] != "ok")]
    found: dict[tuple, tuple[list[str], list[str]]] = {}
    keys = zip(part["agency"], part["year"], part["row"])
    for key, quality, note in zip(keys, part["quality"], part["quality_note"]):
        flags, notes = found.setdefault(key, ([], []))
        flags.extend(str(quality).split("+"))
        notes.append(str(note))
    return {key: (combine(flags), "; ".join(dict.fromkeys(n for n in notes if n)))
            for key, (flags, notes) in found.items()}


def export_frames(corpus: Corpus, labels: bool = False) -> dict[str, pd.DataFrame]:
    """The frames an export writes, by name: cells, reports, problems, t2, t3, t4 (wide, with
    the derived rows and columns, index as columns, whole-number columns as integers, and a
    `flags` column naming each cell of the row that is not a printed number, with its raw text,
    so that an ambiguous cell never looks like a blank, and the `quality` and `quality_note` of
    the row's cells), metrics, yoy, checks, soft_checks, corrections (those applied).
    `labels`: the cells with their row and column labels in Chinese and English and the row's
    group (`govstats.schema.labels.label_cells`)."""
    values = metrics(corpus)
    frames = {"cells": label_cells(corpus.cells) if labels else corpus.cells, "reports": corpus.reports,
              "problems": corpus.problems}
    for table in TABLES:
        wide = as_integers(corpus.table(table, derived=True)).reset_index()
        flags = _flags(corpus.cells, table)
        wide["flags"] = pd.array([flags.get(key, pd.NA) for key in
                                  zip(wide["agency"], wide["year"], wide["row"])], dtype="string")
        quality = _row_quality(corpus.cells, table)
        keys = list(zip(wide["agency"], wide["year"], wide["row"]))
        wide["quality"] = pd.array([quality.get(key, ("ok", ""))[0] for key in keys], dtype="string")
        wide["quality_note"] = pd.array([quality.get(key, ("ok", ""))[1] for key in keys], dtype="string")
        frames[table] = wide
    frames.update({"metrics": values, "yoy": yoy(values), "checks": corpus.checks(),
                   "soft_checks": corpus.soft_checks(), "corrections": corpus.corrections.reset_index(drop=True)})
    return frames


def export(corpus: Corpus, to: str, out: str | os.PathLike[str], labels: bool = False) -> list[Path]:
    """Write `corpus` as `to` ("csv", "parquet" or "xlsx") to `out`; return the paths written.

    csv and parquet: `out` is a folder (created if needed) with one file per frame; xlsx: `out`
    is a workbook with one sheet per frame.  `labels` adds the label columns to the cells
    (row_label_zh, row_label_en, col_label_zh, col_label_en, row_group_zh, row_group_en).
    """
    if to not in FORMATS:
        raise ValueError(f"unknown export format {to!r}; formats are {', '.join(FORMATS)}")
    frames = export_frames(corpus, labels)
    out = Path(out)
    if to == "xlsx":
        if out.suffix.lower() != ".xlsx":
            raise ValueError(f"{out}: an xlsx export is one workbook; give a file name ending in .xlsx")
        out.parent.mkdir(parents=True, exist_ok=True)

        def write_book(tmp: Path) -> None:
            with pd.ExcelWriter(tmp, engine="openpyxl") as book:
                for name, frame in frames.items():
                    safe_text(frame, xlsx=True).to_excel(book, sheet_name=name, index=False)

        atomic_write(out, write_book)
        return [out]
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, frame in frames.items():
        path = out / f"{name}.{to}"
        if to == "csv":
            atomic_write(path, lambda tmp, frame=frame: write_csv(frame, tmp))
        else:
            atomic_write(path, lambda tmp, frame=frame: frame.to_parquet(tmp, index=False))
        written.append(path)
    return written


def write_csv(frame: pd.DataFrame, path: str | os.PathLike[str]) -> None:
    """`frame` as CSV for spreadsheets: UTF-8 with BOM (Excel shows the Chinese), formulas
    neutralised, rows ended by CRLF (RFC 4180), so that a field holding a CR or LF is quoted."""
    safe_text(frame).to_csv(path, index=False, encoding="utf-8-sig", lineterminator="\r\n")
