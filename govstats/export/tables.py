"""Writing a corpus out: tidy cells, wide tables, metrics and checks as CSV, Parquet or Excel.

One frame per file (CSV, Parquet: files in a folder) or per sheet (Excel: one workbook).  The
frames are those of the Python API, so a file says nothing the API would not.
"""
from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from ..cache import atomic_write
from ..corpus import Corpus
from ..evaluate.metrics import metrics
from ..evaluate.yoy import yoy
from ..tables import as_integers

FORMATS = ("csv", "parquet", "xlsx")


def export_frames(corpus: Corpus) -> dict[str, pd.DataFrame]:
    """The frames an export writes, by name: cells, reports, problems, t2, t3, t4 (wide, with
    the derived rows and columns, index as columns, whole-number columns as integers), metrics,
    yoy, checks, soft_checks."""
    values = metrics(corpus)
    frames = {"cells": corpus.cells, "reports": corpus.reports, "problems": corpus.problems}
    for table in ("t2", "t3", "t4"):
        frames[table] = as_integers(corpus.table(table, derived=True)).reset_index()
    frames.update({"metrics": values, "yoy": yoy(values), "checks": corpus.checks(),
                   "soft_checks": corpus.soft_checks()})
    return frames


def export(corpus: Corpus, to: str, out: str | os.PathLike[str]) -> list[Path]:
    """Write `corpus` as `to` ("csv", "parquet" or "xlsx") to `out`; return the paths written.

    csv and parquet: `out` is a folder (created if needed) with one file per frame; xlsx: `out`
    is a workbook with one sheet per frame.
    """
    if to not in FORMATS:
        raise ValueError(f"unknown export format {to!r}; formats are {', '.join(FORMATS)}")
    frames = export_frames(corpus)
    out = Path(out)
    if to == "xlsx":
        if out.suffix.lower() != ".xlsx":
            raise ValueError(f"{out}: an xlsx export is one workbook; give a file name ending in .xlsx")
        out.parent.mkdir(parents=True, exist_ok=True)

        def write_book(tmp: Path) -> None:
            with pd.ExcelWriter(tmp, engine="openpyxl") as book:
                for name, frame in frames.items():
                    frame.to_excel(book, sheet_name=name, index=False)

        atomic_write(out, write_book)
        return [out]
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, frame in frames.items():
        path = out / f"{name}.{to}"
        write = frame.to_csv if to == "csv" else frame.to_parquet
        atomic_write(path, lambda tmp, write=write: write(tmp, index=False))
        written.append(path)
    return written
