"""What a corpus source names: a folder (with or without `manifest.csv`), a manifest CSV, a report
file or a list of paths, turned into entries (file, name, manifest overrides) plus the problems
found on the way (missing files, bad years, files that are no report govstats reads)."""
from __future__ import annotations

import csv
import os
import re
from collections.abc import Iterable, Set
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..core.model import Problem
from ..core.spreadsheet import unneutralise
from ..readers import SUFFIXES, UNSUPPORTED
from ..schema import catalogue, level_key, levels
from ..schema.messages import message

MANIFEST = "manifest.csv"
#: a corpus folder's own files beside its reports: the manifest, the corrections by hand
OWN_FILES = (MANIFEST, "corrections.csv")
#: the journal of a `govstats fetch` run not yet folded into manifest.csv (the run was interrupted)
JOURNAL = "manifest.journal"
#: Manifest columns that override what a report's title says.
OVERRIDES = ("agency", "region", "city", "level", "year")
PROBLEM_COLUMNS = catalogue.columns("problems")
#: parts separated by single slashes, no backslash
_PARTS = re.compile(r"[^/\\]+(?:/[^/\\]+)*")
#: files that describe a corpus rather than belong to it: noted, never read
_NOTES = (".csv", ".md", ".json", ".yml", ".yaml", ".tsv", ".log", ".ipynb", ".sha256")


@dataclass
class SourceFile:
    """One file of the corpus: where it is, its name in the corpus, the manifest's overrides."""

    path: Path
    report: str
    overrides: dict[str, Any] = field(default_factory=dict)
    #: where it was fetched from (the manifest's url, source_url or a source that is a URL)
    url: str | None = None
    #: what the fetch manifest calls the file (the link's text, the page's title): the agency and
    #: year when the document itself prints no title that says them
    titled: str | None = None
    #: when it was fetched, and the sha256 of the bytes fetched (a fetch manifest's fetched_at, sha256)
    fetched_at: str | None = None
    fetched_sha256: str | None = None


def problem_record(report: str, source: str, message: str, severity: str = "warning",
                   table: str = "", row: str = "") -> dict[str, str]:
    """One row of `Corpus.problems`: a `Problem` of `report`, as its record."""
    return Problem(source, message, table, row, severity, report).record()


def _visible(folder: Path) -> list[tuple[str, str]]:
    """Every file under `folder`, hidden folders and files skipped, in path order: its name
    relative to `folder` (with /) and its absolute, normalised path (one walk, no stat per file)."""
    base = _same(folder)
    out = []
    for root, dirs, files in os.walk(base):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        rel = os.path.relpath(root, base).replace(os.sep, "/")
        prefix = "" if rel == "." else rel + "/"
        out += [(prefix + f, os.path.join(root, f)) for f in files if not f.startswith(".")]
    out.sort(key=lambda pair: pair[0].replace("/", "\0"))  # as paths sort: part by part ("\0" sorts first)
    return out


def _same(path: Path | str) -> str:
    """A path's absolute, normalised spelling: how listed and found files are compared."""
    return os.path.normpath(os.path.abspath(path))


def _reports(visible: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(name, full) for name, full in visible if os.path.splitext(name)[1].lower() in SUFFIXES]


def report_files(folder: Path) -> list[Path]:
    """Report files under `folder` (recursively, hidden folders and files skipped), sorted."""
    return [folder / name for name, _ in _reports(_visible(folder))]


def unread_files(folder: Path) -> list[dict[str, str]]:
    """A problem record for every visible file under `folder` that is no report govstats reads:
    what it is and what to do (`.doc`: convert it; notes such as `.md`: not a report)."""
    return _other_files(folder, _visible(folder))


def _other_files(folder: Path, visible: list[tuple[str, str]], listed: Set[str] = frozenset()) -> list[dict[str, str]]:
    """A problem for every visible file under `folder` that is not read: what it is, what to do."""
    out = []
    for name, full in visible:
        suffix = os.path.splitext(name)[1].lower()
        if suffix in SUFFIXES or full in listed or name.rsplit("/", 1)[-1] in OWN_FILES:
            continue
        path = str(folder / name)
        if suffix in _NOTES:
            out.append(problem_record(name, path, message("not_a_report_file", suffix=suffix), "info"))
        else:
            why = UNSUPPORTED.get(suffix) or message("not_a_format", suffixes=", ".join(SUFFIXES))
            out.append(problem_record(name, path, message("not_read", said=why), "error"))
    return out


def read_manifest(manifest: Path) -> tuple[list[SourceFile], list[dict[str, str]]]:
    """Entries of a manifest CSV, plus problems (bad years, missing or unlisted files).

    A row whose `use` column is "no" (a file `govstats fetch` kept but chose not to read) is skipped.
    A report file the manifest does not list is not loaded, except beside a fetch manifest (one
    with a `url` column): a file added by hand to a fetched folder is read, and an `info` problem
    says it was not fetched.
    """
    folder = manifest.parent
    base = _same(folder)
    with open(manifest, encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        if "path" not in (reader.fieldnames or []):
            raise ValueError(f"{manifest}: no 'path' column (columns: {', '.join(reader.fieldnames or [])})")
        records = [{k: unneutralise(v) if isinstance(v, str) else v for k, v in rec.items()} for rec in reader]
        fetched = "url" in (reader.fieldnames or [])   # written by `govstats fetch`
    visible = _visible(folder)
    files = {full for _, full in visible}
    entries, problems, listed = [], [], set()
    interrupted = fetched and (folder / JOURNAL).is_file()
    if interrupted:  # what the run fetched since its last save is only in the journal: read none of it
        problems.append(problem_record(JOURNAL, str(folder / JOURNAL), message("journal", manifest=manifest.name,
                                                                             journal=JOURNAL), "error"))
        listed |= files
    for line, rec in enumerate(records, start=2):
        name = (rec.get("path") or "").strip()
        full = os.path.normpath(os.path.join(base, name))
        if (rec.get("use") or "").strip().lower() == "no":  # a file kept for the record, not a report to read
            if name:
                listed.add(full)
            continue
        if not name:
            problems.append(problem_record(f"{manifest.name}:{line}", str(manifest), message("row_without_path")))
            continue
        path = Path(name) if os.path.isabs(name) else folder / name
        overrides, ignored = _overrides(rec)
        problems += [problem_record(name, str(path), message("manifest_line", manifest=manifest.name, line=line, said=why))
                     for why in ignored]
        if full not in files and not path.is_file():
            problems.append(problem_record(name, str(path), message("listed_no_file", manifest=manifest.name, line=line),
                                           severity="error"))
            continue
        listed.add(full)
        entries.append(SourceFile(path, _posix(name), overrides, _url(rec), (rec.get("title") or "").strip() or None,
                             (rec.get("fetched_at") or "").strip() or None,
                             (rec.get("sha256") or "").strip().lower() or None if fetched else None))
    for name, full in _reports(visible):
        if full in listed:
            continue
        if fetched:  # a file added by hand to a fetched folder: read like any other, marked not fetched
            entries.append(SourceFile(folder / name, _posix(name)))
            listed.add(full)
            problems.append(problem_record(name, str(folder / name), message("added_by_hand", manifest=manifest.name),
                                           "info"))
        else:
            problems.append(problem_record(name, str(folder / name), message("not_listed", manifest=manifest.name)))
    problems += _other_files(folder, visible, listed)
    return entries, problems


def _url(rec: dict[str, str]) -> str | None:
    """The URL a manifest row says the file was fetched from, if it says one."""
    for col in ("url", "source_url", "source"):
        value = (rec.get(col) or "").strip()
        if value.startswith(("http://", "https://")):
            return value
    return None


def _posix(name: str) -> str:
    """`Path(name).as_posix()`, without making a Path for a name it would spell the same."""
    return name if _PARTS.fullmatch(name) and "." not in name.split("/") else Path(name).as_posix()


def _overrides(rec: dict[str, str]) -> tuple[dict[str, Any], list[str]]:
    """The manifest's values for OVERRIDES, and why a value is ignored (a year that is not a
    year, a level that is none of the level keys or their names)."""
    overrides: dict[str, Any] = {}
    ignored = []
    for col in OVERRIDES:
        value = (rec.get(col) or "").strip()
        if value and col == "year":
            if value.isdigit():
                overrides["year"] = int(value)
            else:
                ignored.append(message("year_not_year", value=repr(value)))
        elif value and col == "level":
            if level_key(value):
                overrides["level"] = level_key(value)
            else:
                ignored.append(message("level_not_level", value=repr(value), levels=", ".join(levels())))
        elif value:
            overrides[col] = value
    return overrides, ignored


def entries(source: Any) -> tuple[list[SourceFile], list[dict[str, str]]]:
    """The files a corpus source names (folder, manifest CSV, report file or list of paths)."""
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        if path.is_dir():
            if (path / MANIFEST).is_file():
                return read_manifest(path / MANIFEST)
            visible = _visible(path)
            return [SourceFile(path / name, name) for name, _ in _reports(visible)], _other_files(path, visible)
        if path.is_file() and path.suffix.lower() == ".csv":
            return read_manifest(path)
        if path.is_file():
            return [SourceFile(path, path.name)], []
        raise FileNotFoundError(message("no_corpus_source", path=path))
    if isinstance(source, Iterable):
        paths = list({Path(p).resolve(): Path(p) for p in source}.values())  # each file once
        if not paths:
            return [], []
        base = Path(os.path.commonpath([p.resolve().parent for p in paths]))
        found, problems = [], []
        for p in paths:
            name = p.resolve().relative_to(base).as_posix()
            if p.is_file():
                found.append(SourceFile(p, name))
            else:
                problems.append(problem_record(name, str(p), message("no_such_file"), severity="error"))
        return found, problems
    raise TypeError(f"read_corpus takes a folder, a manifest CSV or a list of paths, not {type(source).__name__}")


def source_id(source: Any) -> str:
    """What names a corpus source (its store in the cache): the resolved folder, manifest or
    file, or the sorted resolved paths of a list."""
    if isinstance(source, (str, os.PathLike)):
        return str(Path(source).resolve())
    return "\n".join(sorted({str(Path(p).resolve()) for p in source}))
