"""A cache of parsed reports: one Parquet file per report, keyed by what decides the parse.

Reading a report is deterministic given its bytes, the govstats version, the schema CSVs and the
options passed to `read_report`, so the key is a hash of exactly these.  A file holds the long cell
table; the report's metadata, narrative sections and problems travel in the Parquet file's
key-value metadata, so one file is one complete, atomically written entry.
"""
from __future__ import annotations

import hashlib
import json
import os
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from .checks import check_counts, run_checks
from .model import Problem, ReportMeta
from .report import Report
from .schema import fingerprint as schema_fingerprint

CACHE_ENV = "GOVSTATS_CACHE"
#: Bump when the layout of a cache file changes.
LAYOUT = 2
_META_KEY = b"govstats"
#: Categorical columns of Report.cells, kept as strings in the cache.
KEY_COLUMNS = ("report", "table", "block", "row", "col", "kind")


def default_dir() -> Path:
    """`$GOVSTATS_CACHE` when set, else `~/.cache/govstats`."""
    env = os.environ.get(CACHE_ENV)
    return Path(env).expanduser() if env else Path.home() / ".cache" / "govstats"


def cache_key(sha256: str, **options: Any) -> str:
    """The cache key of a source's bytes read with `options` (the keyword arguments of read_report)."""
    from . import __version__

    payload = {"sha256": sha256, "govstats": __version__, "schema": schema_fingerprint(),
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


class Cache:
    """Parsed reports in a folder of Parquet files (`<folder>/<key[:2]>/<key>.parquet`)."""

    def __init__(self, folder: str | os.PathLike[str]) -> None:
        self.folder = Path(folder).expanduser()

    def path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.parquet"

    def get(self, key: str) -> Parsed | None:
        """The cached entry, or None when there is none or it cannot be read (it is then rebuilt)."""
        path = self.path(key)
        if not path.is_file():
            return None
        try:
            table = pq.read_table(path)
            payload = json.loads(table.schema.metadata[_META_KEY])
            cells = table.to_pandas()
        except (OSError, KeyError, ValueError, pa.ArrowException):
            return None
        return Parsed(ReportMeta(**payload["meta"]), cells, payload["sections"],
                      [Problem(**p) for p in payload["problems"]], payload["counts"])

    def put(self, key: str, parsed: Parsed) -> None:
        """Store `parsed` under `key`: written to a temporary file, then renamed into place."""
        path = self.path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        payload = {"meta": parsed.meta.to_dict(), "sections": parsed.sections,
                   "problems": [asdict(p) for p in parsed.problems], "counts": parsed.counts}
        table = pa.Table.from_pandas(parsed.cells, preserve_index=False)
        metadata = {**(table.schema.metadata or {}),
                    _META_KEY: json.dumps(payload, ensure_ascii=False).encode("utf-8")}
        table = table.replace_schema_metadata(metadata)
        atomic_write(path, lambda tmp: pq.write_table(table, str(tmp)))


def atomic_write(path: Path, write: Callable[[Path], None]) -> None:
    """Call `write(tmp)` on a fresh file beside `path` (same suffix), then rename it to `path`.

    Readers never see a half-written file, and a failed write leaves `path` as it was.
    """
    tmp = path.with_name(f".{path.stem}.{uuid.uuid4().hex[:12]}{path.suffix}")
    try:
        write(tmp)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
