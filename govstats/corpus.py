"""Many reports as one dataset: `read_corpus` and the `Corpus` it returns.

A corpus is a folder of reports, a list of paths, or a manifest CSV (columns path, agency, region,
city, level, year; paths relative to the manifest's folder) whose values override what each title
says.  Every report is read with `read_report` (or taken from the cache, see `govstats.cache`);
a file that cannot be read becomes a problem of severity "error" and the others load.
"""
from __future__ import annotations

import csv
import hashlib
import os
import sys
import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from tqdm import tqdm

from .cache import Cache, Parsed, cache_key, default_dir
from .checks import CHECK_COLUMNS, run_checks
from .crosscheck import ReportData, soft_checks
from .errors import GovstatsWarning, ReportParseError, UnsupportedFormat
from .meta import find_title
from .model import CELL_COLUMNS as REPORT_CELL_COLUMNS
from .model import Problem
from .report import read_report
from .schema import load_schema
from .tables import wide
from .values import CellValues

MANIFEST = "manifest.csv"
REPORT_SUFFIXES = (".txt", ".html", ".htm", ".shtml", ".docx", ".pdf")
#: Manifest columns that override what a report's title says.
OVERRIDES = ("agency", "region", "city", "level", "year")
KEY_COLUMNS = ["report", "agency", "city", "region", "level", "year", "format_version", "carrier",
               "source", "sha256"]
CELL_COLUMNS = KEY_COLUMNS + REPORT_CELL_COLUMNS[1:]
REPORT_COLUMNS = KEY_COLUMNS + ["checks", "failed", "unchecked", "problems", "problem_text"]
PROBLEM_COLUMNS = ["report", "source", "severity", "table", "row", "message"]
_CATEGORIES = ["report", "agency", "city", "region", "level", "format_version", "carrier", "source",
               "sha256", "table", "block", "row", "col", "kind"]
#: Above this many files the progress bar shows (when stderr is a terminal).
PROGRESS_THRESHOLD = 20


@dataclass
class Entry:
    """One file of the corpus: where it is, its name in the corpus, the manifest's overrides."""

    path: Path
    report: str
    overrides: dict[str, Any] = field(default_factory=dict)


def _problem(report: str, source: str, message: str, severity: str = "warning",
             table: str = "", row: str = "") -> dict[str, str]:
    return {"report": report, "source": source, "severity": severity, "table": table, "row": row,
            "message": message}


def _report_files(folder: Path) -> list[Path]:
    """Report files under `folder` (recursively, hidden folders and files skipped), sorted."""
    return sorted(p for p in folder.rglob("*")
                  if p.is_file() and p.suffix.lower() in REPORT_SUFFIXES
                  and not any(part.startswith(".") for part in p.relative_to(folder).parts))


def _read_manifest(manifest: Path) -> tuple[list[Entry], list[dict]]:
    """Entries of a manifest CSV, plus problems (bad years, missing or unlisted files)."""
    folder = manifest.parent
    with open(manifest, encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        if "path" not in (reader.fieldnames or []):
            raise ValueError(f"{manifest}: no 'path' column (columns: {', '.join(reader.fieldnames or [])})")
        records = list(reader)
    entries, problems = [], []
    for line, rec in enumerate(records, start=2):
        name = (rec.get("path") or "").strip()
        if not name:
            problems.append(_problem(f"{manifest.name}:{line}", str(manifest), "row without a path; skipped"))
            continue
        path = Path(name) if Path(name).is_absolute() else folder / name
        overrides: dict[str, Any] = {}
        for col in OVERRIDES:
            value = (rec.get(col) or "").strip()
            if value and col == "year":
                if value.isdigit():
                    overrides["year"] = int(value)
                else:
                    problems.append(_problem(name, str(path), f"{manifest.name} line {line}: year "
                                                              f"{value!r} is not a year; ignored"))
            elif value:
                overrides[col] = value
        if not path.is_file():
            problems.append(_problem(name, str(path), f"listed in {manifest.name} (line {line}) but "
                                                      "no such file", severity="error"))
            continue
        entries.append(Entry(path, Path(name).as_posix(), overrides))
    listed = {e.path.resolve() for e in entries}
    for path in _report_files(folder):
        if path.resolve() not in listed:
            problems.append(_problem(path.relative_to(folder).as_posix(), str(path),
                                     f"not listed in {manifest.name}; not loaded"))
    return entries, problems


def _entries(source: Any) -> tuple[list[Entry], list[dict]]:
    """The files a corpus source names (folder, manifest CSV, report file or list of paths)."""
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        if path.is_dir():
            if (path / MANIFEST).is_file():
                return _read_manifest(path / MANIFEST)
            return [Entry(p, p.relative_to(path).as_posix()) for p in _report_files(path)], []
        if path.is_file() and path.suffix.lower() == ".csv":
            return _read_manifest(path)
        if path.is_file():
            return [Entry(path, path.name)], []
        raise FileNotFoundError(f"{path}: no such corpus folder, manifest or report")
    if isinstance(source, Iterable):
        paths = list({Path(p).resolve(): Path(p) for p in source}.values())  # each file once
        if not paths:
            return [], []
        base = Path(os.path.commonpath([p.resolve().parent for p in paths]))
        entries, problems = [], []
        for p in paths:
            name = p.resolve().relative_to(base).as_posix()
            if p.is_file():
                entries.append(Entry(p, name))
            else:
                problems.append(_problem(name, str(p), "no such file", severity="error"))
        return entries, problems
    raise TypeError(f"read_corpus takes a folder, a manifest CSV or a list of paths, not {type(source).__name__}")


class _Loader:
    """Reads entries one by one, through the cache when there is one, and counts what it did."""

    def __init__(self, cache: Cache | None) -> None:
        self.cache = cache
        self.info = {"folder": str(cache.folder) if cache else None, "hits": 0, "misses": 0, "writes": 0}
        self._cache_warned = False

    def load(self, entry: Entry) -> tuple[Parsed | None, list[dict]]:
        source = str(entry.path)
        try:
            data = entry.path.read_bytes()
        except OSError as exc:
            return None, [_problem(entry.report, source, f"cannot read the file: {exc}", "error")]
        options = {"year": entry.overrides.get("year")}
        key = cache_key(hashlib.sha256(data).hexdigest(), **options)
        parsed = self.cache.get(key) if self.cache else None
        if parsed is not None:
            self.info["hits"] += 1
            return parsed, []
        self.info["misses"] += 1
        try:
            parsed = self._parse(entry, options)
        except ReportParseError as exc:
            return None, [_problem(entry.report, source, exc.reason, "error")]
        except Exception as exc:  # a reader failing on odd input must not stop the batch
            return None, [_problem(entry.report, source, f"{type(exc).__name__}: {exc}", "error")]
        if self.cache:
            self._store(key, parsed)
        return parsed, []

    @staticmethod
    def _parse(entry: Entry, options: dict[str, Any]) -> Parsed:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", GovstatsWarning)
            report = read_report(entry.path, report=entry.report, **options)
        parsed = Parsed.from_report(report)
        for w in caught:
            if issubclass(w.category, UnsupportedFormat):
                continue  # recorded as format_version "pre2019"
            if issubclass(w.category, GovstatsWarning):
                parsed.problems.append(Problem(entry.path.name, str(w.message)))
            else:
                warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
        return parsed

    def _store(self, key: str, parsed: Parsed) -> None:
        try:
            self.cache.put(key, parsed)
            self.info["writes"] += 1
        except Exception as exc:  # a cache that cannot be written only costs speed
            if not self._cache_warned:
                warnings.warn(GovstatsWarning(f"cannot write the cache in {self.cache.folder}: {exc}"),
                              stacklevel=4)
                self._cache_warned = True


def _open_cache(cache: bool | str | os.PathLike[str] | None) -> Cache | None:
    if cache is None or cache is False:
        return None
    return Cache(default_dir() if cache is True else cache)


def read_corpus(source: Any, *, cache: bool | str | os.PathLike[str] = True,
                progress: bool | None = None) -> Corpus:
    """Read every report of `source` into one `Corpus`.

    `source` is a folder (its `manifest.csv` is used when there is one; else every .txt, .html,
    .htm, .shtml, .docx and .pdf file below it), a manifest CSV, or a list of paths.  `cache=True`
    keeps parsed reports in `$GOVSTATS_CACHE` (default `~/.cache/govstats`), a path chooses the
    folder, False disables it.  `progress` shows a progress bar (default: when more than 20 files
    are read and stderr is a terminal).  Files that cannot be read are listed in
    `Corpus.problems` with severity "error"; the rest load.
    """
    entries, problems = _entries(source)
    loader = _Loader(_open_cache(cache))
    tty = getattr(sys.stderr, "isatty", lambda: False)()
    show = progress if progress is not None else (len(entries) > PROGRESS_THRESHOLD and tty)
    loaded: list[tuple[Entry, Parsed]] = []
    for entry in tqdm(entries, desc="govstats: reading reports", unit="report", disable=not show,
                      file=sys.stderr, leave=False):
        parsed, errors = loader.load(entry)
        problems.extend(errors)
        if parsed is not None:
            loaded.append((entry, parsed))
    return Corpus(loaded, problems, loader.info)


def _meta_row(entry: Entry, parsed: Parsed) -> dict[str, Any]:
    """The key columns of a report: the manifest's overrides first, then what the report says."""
    m = parsed.meta
    row = {"report": entry.report, "agency": m.agency, "city": None, "region": None, "level": None,
           "year": m.year, "format_version": m.format_version, "carrier": m.carrier,
           "source": str(entry.path), "sha256": m.sha256}
    row.update(entry.overrides)
    return row


def _corpus_notes(entry: Entry, parsed: Parsed, first_by_sha: dict[str, str]) -> list[dict]:
    """Warnings about a report that only the corpus can see (manifest vs title, duplicates)."""
    notes = []
    source = str(entry.path)
    titled = find_title(parsed.meta.title).year if parsed.meta.title else None
    year = entry.overrides.get("year")
    if year is not None and titled is not None and titled != year:
        notes.append(_problem(entry.report, source, f"the manifest says {year}, the title says {titled}; "
                                                    f"{year} is used"))
    first = first_by_sha.setdefault(parsed.meta.sha256, entry.report)
    if first != entry.report:
        notes.append(_problem(entry.report, source, f"the same bytes as {first} (a duplicate)"))
    return notes


def _describe(problem: Any) -> str:
    """A problem as one phrase: 't2 row normative_docs: 10 splits …'."""
    where = " ".join(x for x in (problem.table, f"row {problem.row}" if problem.row else "") if x)
    return f"{where}: {problem.message}" if where else str(problem.message)


class Corpus:
    """Many parsed reports as tidy frames: `cells`, `reports`, `problems`; checks and views."""

    def __init__(self, loaded: list[tuple[Entry, Parsed]], problems: list[dict],
                 cache_info: dict[str, Any] | None = None) -> None:
        self.cache_info = cache_info or {}
        self._parsed: dict[str, Parsed] = {}
        self._keys: dict[str, dict[str, Any]] = {}
        first_by_sha: dict[str, str] = {}
        report_problems: list[dict] = []
        for entry, parsed in loaded:
            self._parsed[entry.report] = parsed
            self._keys[entry.report] = _meta_row(entry, parsed)
            report_problems.extend(_problem(entry.report, str(entry.path), p.message, p.severity, p.table, p.row)
                                   for p in parsed.problems)
            report_problems.extend(_corpus_notes(entry, parsed, first_by_sha))
        self.problems = pd.DataFrame(report_problems + problems, columns=PROBLEM_COLUMNS).astype("string")
        self._strict: dict[str, pd.DataFrame] = {}
        self.reports = self._report_frame()
        self.cells = self._cell_frame()

    # -- construction -------------------------------------------------------------------------
    def _report_frame(self) -> pd.DataFrame:
        rows = []
        by_report = dict(iter(self.problems.groupby("report", sort=False)))
        empty = self.problems.iloc[:0]
        for name, keys in self._keys.items():
            mine = by_report.get(name, empty)
            rows.append({**keys, **self._parsed[name].counts, "problems": len(mine),
                         "problem_text": "; ".join(_describe(p) for p in mine.itertuples())})
        frame = pd.DataFrame(rows, columns=REPORT_COLUMNS)
        frame["year"] = frame["year"].astype("Int64")
        for col in ("checks", "failed", "unchecked", "problems"):
            frame[col] = frame[col].astype("int64")
        for col in KEY_COLUMNS:
            if col != "year":
                frame[col] = frame[col].astype("category")
        frame["problem_text"] = frame["problem_text"].astype("string")
        return frame

    def _cell_frame(self) -> pd.DataFrame:
        parts = [(name, p.cells) for name, p in self._parsed.items() if len(p.cells)]
        if not parts:
            frame = pd.DataFrame({c: pd.Series(dtype="string") for c in CELL_COLUMNS})
            frame["value"] = frame["value"].astype("Float64")
            frame["year"] = frame["year"].astype("Int64")
        else:
            frame = pd.concat([cells.drop(columns="report") for _, cells in parts], ignore_index=True)
            lengths = [len(cells) for _, cells in parts]
            for col in KEY_COLUMNS:
                values = [self._keys[name][col] for name, _ in parts]
                frame[col] = np.repeat(np.array(values, dtype=object), lengths)
            frame["year"] = frame["year"].astype("Int64")
            frame = frame[CELL_COLUMNS]
        for col in _CATEGORIES:
            frame[col] = frame[col].astype("category")
        for col in ("raw", "unit", "note", "label"):
            frame[col] = frame[col].astype("string")
        return frame

    # -- views --------------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._parsed)

    def __repr__(self) -> str:
        agencies = self.reports["agency"].nunique()
        return (f"<Corpus: {len(self)} reports of {agencies} agencies, {len(self.cells)} cells, "
                f"{len(self.unreadable)} files not loaded>")

    @property
    def unreadable(self) -> pd.DataFrame:
        """The problems of the files that could not be loaded (not in `reports`)."""
        loaded = self.problems["report"].isin(list(self._parsed))
        return self.problems[(self.problems["severity"] == "error") & ~loaded]

    @property
    def sections(self) -> dict[str, dict[str, str]]:
        """The narrative sections (一, 五, 六) of each report, by report name."""
        return {name: p.sections for name, p in self._parsed.items()}

    def checks(self, mode: str = "strict") -> pd.DataFrame:
        """The identity checks of every report (`Report.checks` columns plus agency and year)."""
        frames = []
        for name, parsed in self._parsed.items():
            if mode != "strict":
                checks = run_checks(parsed.cells, parsed.meta.format_version, mode)
            else:
                if name not in self._strict:
                    self._strict[name] = run_checks(parsed.cells, parsed.meta.format_version)
                checks = self._strict[name]
            if len(checks):
                keys = self._keys[name]
                frames.append(checks.assign(report=name, agency=keys["agency"], year=keys["year"]))
        columns = ["report", "agency", "year", *CHECK_COLUMNS]
        if not frames:
            return pd.DataFrame(columns=columns)
        out = pd.concat(frames, ignore_index=True)[columns]
        out["year"] = out["year"].astype("Int64")
        return out

    def _report_data(self) -> list[ReportData]:
        schema = load_schema()
        out = []
        for name, parsed in self._parsed.items():
            keys, version = self._keys[name], parsed.meta.format_version
            values = CellValues(parsed.cells, version, schema) if version in ("2019", "2021") else None
            out.append(ReportData(name, keys["agency"], keys["year"], version, values,
                                  parsed.sections.get("overview", "")))
        return out

    def soft_checks(self) -> pd.DataFrame:
        """Cross-year (SOFT-T3-CARRY, SOFT-T2-STOCK) and narrative (SOFT-NARRATIVE) checks.

        See `govstats.crosscheck`: they report and never fail.
        """
        return soft_checks(self._report_data())

    def table(self, name: str, derived: bool = False, lang: str | None = None) -> pd.DataFrame:
        """Table `name` ("t2", "t3", "t4") of every report, stacked: index (agency, year, row)."""
        if name not in ("t2", "t3", "t4"):
            raise KeyError(f"no table {name!r}; tables are t2, t3, t4")
        frames, keys = [], []
        for report, parsed in self._parsed.items():
            if parsed.meta.format_version not in ("2019", "2021"):
                continue
            frames.append(wide(parsed.cells, name, parsed.meta.format_version, lang, "value", derived))
            keys.append((self._keys[report]["agency"], self._keys[report]["year"]))
        if not frames:
            return pd.DataFrame(index=pd.MultiIndex.from_tuples([], names=["agency", "year", "row"]))
        out = pd.concat(frames, keys=keys, names=["agency", "year", "row"])
        return out.astype("Float64")
