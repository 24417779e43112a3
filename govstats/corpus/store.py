"""The parse cache: one Parquet file per parsed report, keyed by what decides the parse.

Reading a report is deterministic given its bytes, the parser's own code (and the version), the schema CSVs and the
options passed to `read_report`, so the key is a hash of exactly these: a `git pull` that changes
the parser, or an edited schema file, makes every entry stale.  A file holds the long cell table;
the report's metadata, narrative sections and problems travel in the Parquet file's key-value
metadata, and a sidecar `<key>.sha256` holds the file's checksum: an entry that is truncated,
flipped, foreign or of another shape is never served (it is parsed again).
"""
from __future__ import annotations

import functools
import hashlib
import io
import json
import os
import types
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, get_args, get_type_hints

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from .. import version
from ..checks import check_counts, run_checks
from ..files import atomic_write
from ..model import CELL_COLUMNS, Problem, ReportMeta
from ..report import Report
from ..schema import fingerprint as schema_fingerprint

CACHE_ENV = "GOVSTATS_CACHE"
#: Bump when the layout of a cache file changes.
LAYOUT = 3
_META_KEY = b"govstats"
#: Categorical columns of Report.cells, kept as strings in the cache.
KEY_COLUMNS = ("report", "table", "block", "row", "col", "kind")
#: the modules whose code decides what a report reads as (everything below the corpus layer)
_PARSER_CODE = ("readers", "interpret", "schema", "report.py", "tables.py", "checks.py", "values.py",
                "model.py", "limits.py", "errors.py")
_PACKAGE = Path(__file__).resolve().parents[1]


def _types(hint: Any) -> tuple[type, ...]:
    """The types a field annotated `hint` may hold (`str | None`: str and NoneType)."""
    return get_args(hint) if isinstance(hint, types.UnionType) else (hint,)


def default_dir() -> Path:
    """`$GOVSTATS_CACHE` when set, else `~/.cache/govstats`."""
    env = os.environ.get(CACHE_ENV)
    return Path(env).expanduser() if env else Path.home() / ".cache" / "govstats"


@functools.cache
def parser_fingerprint() -> str:
    """sha256 of the source of every module that decides a parse: any change to the parser
    (not only a version bump) invalidates what was cached with the old one."""
    digest = hashlib.sha256()
    for name in _PARSER_CODE:
        target = _PACKAGE / name
        for path in sorted(target.rglob("*.py")) if target.is_dir() else [target]:
            if path.is_file():
                digest.update(path.relative_to(_PACKAGE).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def cache_key(sha256: str, **options: Any) -> str:
    """The cache key of a source's bytes read with `options` (the keyword arguments of read_report)."""
    payload = {"sha256": sha256, "govstats": version.__version__, "parser": parser_fingerprint(), "schema": schema_fingerprint(),
               "layout": LAYOUT, "options": options}
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


@dataclass
class Parsed:
    """What a corpus keeps of a parsed report: a Report's data, and its check counts (so that a
    cached load need not run the checks)."""

    meta: ReportMeta
    cells: pd.DataFrame
    sections: dict[str, str]
    problems: list[Problem]
    counts: dict[str, int]

    @classmethod
    def from_report(cls, report: Report) -> Parsed:
        """The report's data, with the cell keys as plain strings: many small frames concatenate
        (and read from Parquet) much faster without per-report categories."""
        cells = report.cells.astype({c: "string" for c in KEY_COLUMNS if c in report.cells.columns})
        return cls(report.meta, cells, dict(report.sections), list(report.problems),
                   check_counts(run_checks(report.cells, report.meta.format_version)))


#: the types each field of a cached ReportMeta and Problem may hold (from their annotations)
_META_TYPES = {name: _types(hint) for name, hint in get_type_hints(ReportMeta).items()}
_PROBLEM_TYPES = {name: _types(hint) for name, hint in get_type_hints(Problem).items()}
_COUNT_TYPES = {name: (int,) for name in ("checks", "failed", "unchecked")}
#: the cell table's Parquet schema as `put` writes it: texts, and the value as a float
_CELL_SCHEMA = pa.Schema.from_pandas(pd.DataFrame(
    {c: pd.Series(dtype="Float64" if c == "value" else "string") for c in CELL_COLUMNS}),
    preserve_index=False).remove_metadata()


def _typed(record: Any, types: dict[str, tuple[type, ...]]) -> bool:
    """True when `record` is a dict of exactly these fields, each of one of its types (exactly:
    a bool is no count, a float no year)."""
    return (isinstance(record, dict) and set(record) == set(types)
            and all(type(record[k]) in types[k] for k in types))


def _parsed(table: pa.Table) -> Parsed | None:
    """The entry a Parquet table holds, or None when it is not of this layout: its columns, the
    fields of its metadata and the type of each must be those `put` writes."""
    payload = json.loads(table.schema.metadata[_META_KEY])
    if not (isinstance(payload, dict) and table.schema.remove_metadata() == _CELL_SCHEMA
            and _typed(payload.get("meta"), _META_TYPES)
            and _typed(payload.get("counts"), _COUNT_TYPES)
            and isinstance(payload.get("problems"), list)
            and all(_typed(p, _PROBLEM_TYPES) for p in payload["problems"])
            and isinstance(payload.get("sections"), dict)
            and all(type(v) is str for v in payload["sections"].values())):
        return None
    return Parsed(ReportMeta(**payload["meta"]), table.to_pandas(), payload["sections"],
                  [Problem(**p) for p in payload["problems"]], payload["counts"])


class Cache:
    """Parsed reports in a folder of Parquet files (`<folder>/<key[:2]>/<key>.parquet`)."""

    def __init__(self, folder: str | os.PathLike[str]) -> None:
        self.folder = Path(folder).expanduser()

    def path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.parquet"

    def get(self, key: str) -> Parsed | None:
        """The cached entry, or None when there is none or it is damaged, foreign or of another shape
        (it is then parsed again and rewritten)."""
        path = self.path(key)
        try:
            data = path.read_bytes()
            expected = path.with_suffix(".sha256").read_text(encoding="ascii").strip()
        except OSError:  # absent, or a folder this user cannot read: parse instead
            return None
        if hashlib.sha256(data).hexdigest() != expected:
            return None
        try:
            return _parsed(pq.read_table(io.BytesIO(data)))
        except (KeyError, ValueError, TypeError, AttributeError, pa.ArrowException):
            return None

    def put(self, key: str, parsed: Parsed) -> None:
        """Store `parsed` under `key`: the file, then its checksum, each written atomically."""
        path = self.path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        payload = {"meta": parsed.meta.to_dict(), "sections": parsed.sections,
                   "problems": [asdict(p) for p in parsed.problems], "counts": parsed.counts}
        table = pa.Table.from_pandas(parsed.cells, preserve_index=False)
        metadata = {**(table.schema.metadata or {}),
                    _META_KEY: json.dumps(payload, ensure_ascii=False).encode("utf-8")}
        sink = io.BytesIO()
        pq.write_table(table.replace_schema_metadata(metadata), sink)
        data = sink.getvalue()
        atomic_write(path, lambda tmp: tmp.write_bytes(data))
        atomic_write(path.with_suffix(".sha256"),
                     lambda tmp: tmp.write_text(hashlib.sha256(data).hexdigest() + "\n", encoding="ascii"))
