"""`read_report` and the `Report` it returns: metadata, cells, wide tables, sections, checks."""
from __future__ import annotations

import dataclasses
import hashlib
import os
import warnings
from pathlib import Path
from typing import Any

import pandas as pd

from ..core.errors import ReportParseError, UnsupportedFormat
from ..core.files import file_kind
from ..core.limits import Limits
from ..core.model import Problem, ReportMeta
from ..interpret import interpret
from ..readers import SUFFIXES, read_document
from ..schema.messages import message, over_limit
from .checks import check_counts, failed_operands, run_checks, value_problems
from .quality import carried_flags, cell_flags, cell_quality, identity_flags, problem_flags
from .wide import as_integers, cells_frame, wide

Source = "str | os.PathLike[str] | bytes | IO[str] | IO[bytes]"
#: a string ending in one of these is taken as a file name, not as report text
_PATH_SUFFIXES = (*SUFFIXES, ".text", ".md")


class Report:
    """One parsed annual report."""

    def __init__(self, meta: ReportMeta, cells: pd.DataFrame | list[dict], sections: dict[str, str],
                 problems: list[Problem], reader_notes: list[str] | None = None) -> None:
        self.meta = meta
        #: the interpreter's cell records that `cells` is built from (None when given a frame)
        self.records: list[dict] | None = None if isinstance(cells, pd.DataFrame) else cells
        self._cells = cells if isinstance(cells, pd.DataFrame) else None
        self.sections = sections
        #: what could not be taken as printed, each naming this report
        self.problems = [p if p.report else dataclasses.replace(p, report=meta.report) for p in problems]
        #: what the reader did to the layout (e.g. repeated PDF table headers dropped)
        self.reader_notes = list(reader_notes or [])

    @property
    def cells(self) -> pd.DataFrame:
        """The long cell table (its columns: `govstats/schema/frames.csv`, frame `cells`), built when first asked."""
        if self._cells is None:
            frame = cells_frame(self.records or [], self.meta.report)
            self._cells = pd.concat([frame, cell_quality(frame, self.quality_flags(frame))], axis=1)
        return self._cells

    def quality_flags(self, cells: pd.DataFrame | None = None) -> pd.DataFrame:
        """The quality flags of this report's cells (`govstats.report.quality`): failed identities,
        doubtful readings and the problems naming a row; of a report of a corpus
        (`Corpus.report`), the flags its cells carry (soft checks and corrections too)."""
        cells = self.cells if cells is None else cells
        if self.records is None and "quality" in cells.columns:
            return carried_flags(cells)
        problems = pd.DataFrame([(self.meta.report, p.table, p.row, p.message) for p in self.problems],
                                columns=["report", "table", "row", "message"])
        return pd.concat([identity_flags(cells, self.meta.format_version), cell_flags(cells),
                          problem_flags(problems, cells)], ignore_index=True)

    def table(self, name: str, lang: str | None = None, values: str = "value",
              derived: bool = False) -> pd.DataFrame:
        """Wide view of table `name` ("t2", "t3", "t4"); see `govstats.report.wide.wide`.  Counts are
        nullable integers (Int64) where every value of a column is a whole number within ±2^53."""
        if name not in ("t2", "t3", "t4"):
            raise KeyError(f"no table {name!r}; tables are t2, t3, t4")
        frame = wide(self.cells, name, self.meta.format_version, lang, values, derived)
        return as_integers(frame) if values == "value" else frame

    def checks(self, mode: str = "strict") -> pd.DataFrame:
        """The identity checks of this report (see `govstats.report.checks.run_checks`)."""
        frame = run_checks(self.cells, self.meta.format_version, mode)
        frame.insert(0, "report", self.meta.report)
        return frame

    def summary(self) -> dict[str, Any]:
        return {
            "report": self.meta.report, "agency": self.meta.agency, "year": self.meta.year,
            "format_version": self.meta.format_version, "cells": len(self.cells),
            **check_counts(self.checks()), "problems": len(self.problems),
        }

    def __repr__(self) -> str:
        m = self.meta
        return (f"<Report {m.report!r}: {m.agency} {m.year}, format {m.format_version}, "
                f"{len(self.cells)} cells, {len(self.problems)} problems>")


def _load(source: Any, limits: Limits) -> tuple[bytes, str, str | None]:
    """Bytes, display name, and path (if any) of a source given as path, text, bytes or file.

    A file or stream larger than `limits.max_bytes` is not read into memory (ReportParseError).
    """
    if isinstance(source, (bytes, bytearray)):
        return bytes(source), "<bytes>", None
    if hasattr(source, "read"):
        name = getattr(source, "name", "<stream>")
        data = source.read(limits.max_bytes + 1) if limits.max_bytes else source.read()
        if limits.exceeded("max_bytes", len(data)):  # characters of a text stream are at least bytes
            raise ReportParseError(str(name), over_limit("limit_stream", limits, "max_bytes"))
        return (data.encode("utf-8") if isinstance(data, str) else data), str(name), None
    if isinstance(source, os.PathLike) or (isinstance(source, str) and "\n" not in source
                                             and len(source) < 1024 and
                                             (Path(source).exists() or source.lower().endswith(_PATH_SUFFIXES))):
        path = Path(source)
        if not path.is_file():
            what = (message("not_regular", kind=f"a {file_kind(path.stat().st_mode)}") if path.exists()
                    else message("no_such_file"))
            raise ReportParseError(str(path), what)
        size = path.stat().st_size
        if limits.exceeded("max_bytes", size):
            raise ReportParseError(path.name, over_limit("limit_bytes", limits, "max_bytes", size=f"{size:,}"))
        return path.read_bytes(), path.name, str(path)
    if isinstance(source, str):
        return source.encode("utf-8"), "<text>", None
    raise TypeError(f"cannot read a report from {type(source).__name__}")


def read_report(source: Any, *, carrier: str | None = None, agency: str | None = None,
                year: int | None = None, format_version: str | None = None,
                report: str | None = None, limits: Limits | None = None) -> Report:
    """Read one annual report from a path, a string of text, bytes or a file object.

    The carrier (text, html, docx, pdf, ocr for scans and images) is detected from the bytes unless `carrier` is given;
    `agency`, `year` and `format_version` override what the report says about itself; `report`
    names the report in the cell table (default: the file name).  `limits` bounds what is read
    (size, PDF pages, unzipped DOCX; default `Limits.from_env()`, see `govstats.core.limits`).

    Raises ReportParseError (naming the source) for empty, binary, too large or non-report input;
    damaged bytes that still decode (a truncated last character) are listed in `problems`.  A report
    from before 2019 (narrative format) gives an `UnsupportedFormat` warning and no cells.
    """
    limits = limits or Limits.from_env()
    data, name, path = _load(source, limits)
    doc = read_document(data, name, carrier, limits)
    result = interpret(doc, version=format_version)
    title = result.title
    agency = agency or title.agency
    year = year or title.year
    version = result.version
    if version is None:
        if not result.cells and not result.sections and title.title is None:
            raise ReportParseError(name, message("not_annual_report"))
        if year is not None and year <= 2018:
            version = "pre2019"
            warnings.warn(UnsupportedFormat(message("pre2019", name=name, year=year)), stacklevel=2)
        else:
            raise ReportParseError(name, message("no_tables"))
    meta = ReportMeta(report=report or name, agency=agency, year=year, format_version=version,
                      title=title.title, source=path or name, sha256=hashlib.sha256(data).hexdigest(),
                      carrier=doc.carrier, encoding=doc.encoding)
    report = Report(meta, result.cells, result.sections,
                    doc.problems + result.problems + value_problems(result.cells, name), doc.notes)
    if doc.carrier == "ocr":  # a misread digit shows as a broken identity: flag the cells it involves
        report.problems += [Problem(name, message("ocr_doubt", col=col, what=what), table, row)
                            for table, row, col, what in
                            failed_operands(cells_frame(result.cells, meta.report), version)]
    return report
