"""Corrections by hand, kept as data: `corrections.csv` beside a corpus (or passed as
`read_corpus(..., corrections=PATH)`), one line per cell a person read from the document.

Columns: `sha256` (of the report file), `table`, `row`, `col` (schema keys), `value` (the number
as the document shows it; blank: the cell is truly blank), `reason`, `by`, `date` (YYYY-MM-DD).
Other columns are left alone (a review template's context).  A value of `?` is the review
template's "not decided yet": the line is left out and counted.

Applied at load: the cell keeps `raw` and its read `value`, gains `corrected_value` and the flag
`corrected` (`govstats.report.quality`), and the numbers computed from cells (metrics, yoy, wide tables)
use the corrected value (`effective`).  A line naming no report, a key outside the schema, a
non-number where a count belongs, a bad date or a cell the report lacks is an error of
`Corpus.problems` naming the file and line, and nothing of it is applied; repeated lines are applied
once (a warning), conflicting ones not at all.  A file that is no corrections file at all (missing,
not UTF-8, a required column missing) raises `CorrectionsError`.
"""
from __future__ import annotations

import csv
import datetime
import io
import os
import re
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from ..core.errors import GovstatsError, GovstatsWarning
from ..core.model import TABLES
from ..schema import Schema, catalogue, load_schema
from ..schema.messages import message
from .sources import problem_record

FILE_NAME = "corrections.csv"
UNDECIDED = "?"  # the review template's value of a cell not decided yet
REQUIRED = ("sha256", "table", "row", "col", "value")
#: the columns a person writes, in order (the review template's first columns)
WRITTEN = ("sha256", "table", "row", "col", "value", "reason", "by", "date")
COLUMNS = catalogue.columns("corrections")
_NUMBER = re.compile(r"^[+-]?\d+(?:\.\d+)?$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
#: a good line: its line number, record, report and value (None: blank)
GoodLine = tuple[int, dict[str, str], str, float | None]


class CorrectionsError(GovstatsError, ValueError):
    """A corrections file that cannot be read as one; the message names the file (and line)."""


def find(folder: Path | None, given: str | os.PathLike[str] | None) -> Path | None:
    """The corrections file of a corpus: the one given, else `corrections.csv` in its folder."""
    if given is not None:
        return Path(given)
    if folder is not None and (folder / FILE_NAME).is_file():
        return folder / FILE_NAME
    return None


def read_lines(path: Path) -> list[tuple[int, dict[str, str]]]:
    """(line number, record) of each data line of a corrections file, the values stripped."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise CorrectionsError(message("corrections_unreadable", path=path, reason=exc.strerror or exc)) from exc
    except UnicodeDecodeError as exc:
        raise CorrectionsError(message("corrections_not_utf8", path=path, byte=exc.start)) from exc
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [h.strip() for h in next(reader, [])]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise CorrectionsError(message("corrections_no_column", path=path, missing=", ".join(missing),
                                                 columns=", ".join(WRITTEN)))
    out, start = [], reader.line_num + 1
    for fields in reader:
        if any(f.strip() for f in fields):
            record = {h: f.strip() for h, f in zip(header, fields)}
            record[""] = "" if len(fields) <= len(header) else "extra"
            out.append((start, record))
        start = reader.line_num + 1
    return out


class _Checker:
    """Checks one line against the corpus's reports and the schema."""

    def __init__(self, reports: pd.DataFrame, schema: Schema) -> None:
        used = reports[reports["used"]]
        self.by_sha = {str(s): (str(r), str(v)) for r, s, v in zip(used["report"], used["sha256"],
                                                                   used["format_version"])}
        self.unused = {str(s): (str(r), str(d)) for r, s, d in zip(reports["report"], reports["sha256"],
                                                                   reports["duplicate_of"].fillna(""))}
        self.schema = schema

    def check(self, rec: dict[str, str]) -> tuple[str, float | None] | str:
        """(report, value) of a good line, else what is wrong with it."""
        if rec[""]:
            return message("more_fields")
        sha = rec["sha256"].lower()
        if not _SHA256.match(sha):
            return message("bad_sha", sha=repr(rec["sha256"]))
        if sha not in self.by_sha:
            if sha in self.unused:
                report, of = self.unused[sha]
                return (message("report_duplicate_unused", report=report, of=of) if of
                        else message("report_conflict_unused", report=report))
            return message("sha_no_report", sha=sha[:12])
        report, version = self.by_sha[sha]
        table, row, col = rec["table"], rec["row"], rec["col"]
        unit = self._unit(table, row, col, version)
        if unit is None:
            return message("not_a_schema_cell", cell=f"{table}.{row}.{col}", version=version, report=report)
        date = rec.get("date", "")
        if date and not _valid_date(date):
            return message("bad_date", date=repr(date))
        value = rec["value"]
        if value == "":
            return report, None
        what = message({"": "unit_count", "signed": "unit_signed"}.get(unit, "unit_amount"), unit=unit)  # it holds
        if not _NUMBER.match(value):
            return message("value_not_number", value=repr(value), cell=f"{table}.{row}.{col}", what=what)
        number = float(value)
        if (unit in ("", "signed") and not number.is_integer()) or (unit != "signed" and number < 0):
            return message("value_not_unit", value=repr(value), cell=f"{table}.{row}.{col}", what=what)
        return report, number

    def _unit(self, table: str, row: str, col: str, version: str) -> str | None:
        """The unit of a schema cell ("" for a count), None when it is not one of `version`."""
        if table not in TABLES or version not in ("2019", "2021"):
            return None
        rows = {e.key: e for e in self.schema.rows(table, version, roles=("row", "derived"))}
        if row not in rows:
            return None
        block = rows[row].blocks[0] if table == "t2" and rows[row].blocks else None
        cols = {e.key: e for e in self.schema.columns(table, version, block, roles=("column", "derived"))}
        return cols[col].unit if col in cols else None


def _valid_date(text: str) -> bool:
    try:
        return bool(_DATE.match(text)) and datetime.date.fromisoformat(text) is not None
    except ValueError:
        return False


def apply(path: Path | None, reports: pd.DataFrame, cells: pd.DataFrame,
          problems: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The corrections of the file `path` (None: none) applied to `cells` (`load`), and `problems`
    with a row for each line not applied as written (one warning says so too)."""
    if path is None:
        return catalogue.conform("corrections", pd.DataFrame(columns=COLUMNS)), problems
    found, notes = load(path, reports, cells)
    refused = [n["message"] for n in notes if n["severity"] != "info"]
    if refused:
        said = message("corrections_refused", path=path, count=len(refused),
                       said="; ".join(refused[:5]) + (" …" if len(refused) > 5 else ""))
        warnings.warn(GovstatsWarning(said), stacklevel=4)
    if notes:
        problems = catalogue.conform("problems", pd.concat([problems, pd.DataFrame(notes, columns=problems.columns)],
                                                           ignore_index=True))
    return found, problems


def load(path: Path, reports: pd.DataFrame, cells: pd.DataFrame,
         schema: Schema | None = None) -> tuple[pd.DataFrame, list[dict[str, str]]]:
    """The corrections of `path` that apply to `cells` (frame `corrections`, with each cell's
    position in `cells` as its index) and the problems of the lines that do not."""
    checker, name, source = _Checker(reports, schema or load_schema()), path.name, str(path)
    problems: list[dict[str, str]] = []

    def refuse(line: int | str, why: str) -> None:
        key = "refused_line" if isinstance(line, int) else "refused_lines"  # "line 6: …", "lines 6, 9: …"
        problems.append(problem_record(name, source, message(key, line=line, said=why), "error"))

    good: dict[tuple[str, str, str, str], list[GoodLine]] = {}
    undecided, kept = [], []
    for line, rec in read_lines(path):
        if rec["value"] == UNDECIDED:
            undecided.append(line)
            continue
        found = checker.check(rec)
        if isinstance(found, str):
            refuse(line, found)
            continue
        key = (rec["sha256"].lower(), rec["table"], rec["row"], rec["col"])
        good.setdefault(key, []).append((line, rec, *found))
    if undecided:
        which = ", ".join(map(str, undecided))
        problems.append(problem_record(name, source, message("undecided_lines", count=len(undecided),
                                                             value=repr(UNDECIDED), lines=which), "info"))
    for (_, table, row, col), lines in good.items():
        values = {v for *_, v in lines}
        numbers = ", ".join("blank" if v is None else f"{v:g}" for v in values)
        if len(values) > 1:
            refuse(", ".join(str(x[0]) for x in lines), message("corrected_differently", cell=f"{table}.{row}.{col}",
                                                                report=lines[0][2], numbers=numbers))
            continue
        for line, *_ in lines[1:]:
            problems.append(problem_record(name, source, message("repeated_line", line=line, first=lines[0][0],
                                                                 cell=f"{table}.{row}.{col}", report=lines[0][2])))
        kept.append(lines[0])
    return _placed(kept, cells, refuse, source), problems


def _placed(kept: list[GoodLine], cells: pd.DataFrame, refuse: Callable[[int, str], None], source: str) -> pd.DataFrame:
    """The kept corrections with the position of their cell in `cells` as the index."""
    reports = {report for _, _, report, _ in kept}
    mine = np.flatnonzero(cells["report"].astype(str).isin(reports).to_numpy())
    where = {key: i for i, key in zip(mine, zip(*(cells[c].astype(str).to_numpy()[mine]
                                                  for c in ("report", "table", "row", "col"))))}
    rows, index = [], []
    for line, rec, report, value in kept:
        i = where.get((report, rec["table"], rec["row"], rec["col"]))
        if i is None:
            refuse(line, message("no_such_cell", report=report, cell=f"{rec['table']}.{rec['row']}.{rec['col']}"))
            continue
        read = cells["value"].iloc[i]
        rows.append({"sha256": rec["sha256"].lower(), "table": rec["table"], "row": rec["row"], "col": rec["col"],
                     "value": value, "reason": rec.get("reason", ""), "by": rec.get("by", ""),
                     "date": rec.get("date", ""), "report": report, "raw": str(cells["raw"].iloc[i]),
                     "read_value": None if pd.isna(read) else float(read), "source": source, "line": line})
        index.append(i)
    frame = pd.DataFrame(rows, columns=COLUMNS, index=pd.Index(index, dtype="int64"))
    return catalogue.conform("corrections", frame)


def flags(corrections: pd.DataFrame) -> pd.DataFrame:
    """A `corrected` quality flag for each correction, its note naming the correction."""
    out = []
    for c in corrections.to_dict("records"):
        to = message("blank_value") if pd.isna(c["value"]) else f"{c['value']:g}"
        who = (message("by_on", by=c["by"], date=c["date"]) if c["by"] and c["date"]
               else message("by", by=c["by"]) if c["by"] else message("on", date=c["date"]) if c["date"] else "")
        key = {(False, False): "corrected", (True, False): "corrected_by", (False, True): "corrected_reason",
               (True, True): "corrected_by_reason"}[bool(who), bool(c["reason"])]
        note = message(key, cell=f"{c['table']}.{c['row']}.{c['col']}", to=to, raw=repr(c["raw"]), said=who,
                       reason=c["reason"], where=message("at_line", path=Path(c["source"]).name, line=c["line"]))
        out.append((c["report"], c["table"], c["row"], c["col"], "corrected", note))
    return catalogue.conform("quality_flags", pd.DataFrame(out, columns=catalogue.columns("quality_flags"),
                                                           dtype=object))


def corrected_values(length: int, corrections: pd.DataFrame) -> pd.api.extensions.ExtensionArray:
    """The `corrected_value` column of `length` cells: each correction's value at its position."""
    out = np.full(length, np.nan)
    mask = np.ones(length, dtype=bool)
    positions = corrections.index.to_numpy(dtype="int64")
    values = corrections["value"].to_numpy(dtype=float, na_value=np.nan)
    out[positions], mask[positions] = values, np.isnan(values)
    return pd.arrays.FloatingArray(out, mask)


def effective(cells: pd.DataFrame, corrections: pd.DataFrame | None = None) -> pd.DataFrame:
    """`cells` with each corrected cell's value and kind as corrected (a number, or blank): the
    numbers that metrics, yoy and wide tables use; `cells` itself is left as read.  The corrected
    cells are those of `corrections` (by position), else those whose quality says corrected."""
    if corrections is not None:
        corrected = np.zeros(len(cells), dtype=bool)
        corrected[corrections.index.to_numpy(dtype="int64")] = True
        fixed = pd.Series(corrected_values(len(cells), corrections), index=cells.index)
    elif {"corrected_value", "quality"} <= set(cells.columns):
        corrected = cells["quality"].astype(str).str.contains("corrected", regex=False).to_numpy()
        fixed = cells["corrected_value"].astype("Float64")
    else:
        return cells
    if not corrected.any():
        return cells
    value = cells["value"].astype("Float64").mask(corrected, fixed)
    kind = cells["kind"].astype(object).mask(corrected, np.where(fixed.notna(), "number", "blank"))
    return cells.assign(value=value, kind=kind.astype("category"))


def supersede(flags: pd.DataFrame, cells: pd.DataFrame, corrections: pd.DataFrame) -> pd.DataFrame:
    """`flags` (operand_flagged, of the problems naming a row) without the doubt about the reading
    of each corrected cell: a person read it.  A flag of a whole row with a corrected cell becomes
    one flag per other cell of the row."""
    if corrections.empty or flags.empty:
        return flags
    fixed = set(zip(*(corrections[c].astype(str) for c in ("report", "table", "row", "col"))))
    rows_fixed = {key[:3] for key in fixed}
    part = cells[cells["report"].astype(str).isin({key[0] for key in fixed})]
    columns: dict[tuple[str, str, str], list[str]] = {}
    for key in zip(*(part[c].astype(str) for c in ("report", "table", "row", "col"))):
        if key[:3] in rows_fixed:
            columns.setdefault(key[:3], []).append(key[3])
    out = []
    for rec in flags.itertuples(index=False, name=None):
        report, table, row, col, flag, note = rec
        if flag != "operand_flagged" or (report, table, row) not in rows_fixed:
            out.append(rec)
        elif col:
            out += [rec] if (report, table, row, col) not in fixed else []
        else:
            out += [(report, table, row, c, flag, note) for c in columns.get((report, table, row), [])
                    if (report, table, row, c) not in fixed]
    return catalogue.conform("quality_flags", pd.DataFrame(out, columns=flags.columns, dtype=object))
