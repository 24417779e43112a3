"""What a corpus keeps of one parsed report (`Parsed`), and the key that decides a parse.

Reading a report is deterministic given its bytes, the parser's own code (and the version), the
schema CSVs and the options passed to `read_report`, so the key is a hash of exactly these: a `git
pull` that changes the parser, or an edited schema file, makes every stored parse stale.
"""
from __future__ import annotations

import functools
import hashlib
import json
import os
import types
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, get_args, get_type_hints

import pandas as pd
import pyarrow as pa

from .. import version
from ..checks import check_counts, record_check_counts, run_checks
from ..model import CELL_COLUMNS, Problem, ReportMeta
from ..report import Report
from ..schema import fingerprint as schema_fingerprint

CACHE_ENV = "GOVSTATS_CACHE"
#: Bump when the layout of the store changes.
LAYOUT = 4
#: Categorical columns of Report.cells, kept as strings in Arrow and Parquet.
_CATEGORICAL = ("report", "table", "block", "row", "col", "kind")
#: the modules whose code decides what a report reads as (everything below the corpus layer)
_PARSER_CODE = ("readers", "interpret", "schema", "report.py", "tables.py", "checks.py", "values.py",
                "model.py", "limits.py", "errors.py")
_PACKAGE = Path(__file__).resolve().parents[1]
#: the cell columns as Arrow types: every Parsed holds its cells in this one schema, so a corpus
#: concatenates them in Arrow and builds its pandas frame once
ARROW_CELLS = pa.schema([(c, pa.float64() if c == "value" else pa.string()) for c in CELL_COLUMNS])
#: the text columns of the cells
TEXT_COLUMNS = [c for c in CELL_COLUMNS if c != "value"]
#: the same cells as the store reads them: texts dictionary-encoded (a tenth of the decoding work)
ARROW_STORED = pa.schema([(c, pa.float64() if c == "value" else pa.dictionary(pa.int32(), pa.string()))
                          for c in CELL_COLUMNS])
#: how the Arrow cell columns become pandas columns (nullable, as in Report.cells)
PANDAS_TYPES = {pa.string(): pd.StringDtype(), pa.float64(): pd.Float64Dtype()}


def default_dir() -> Path:
    """`$GOVSTATS_CACHE` when set, else `~/.cache/govstats`."""
    env = os.environ.get(CACHE_ENV)
    return Path(env).expanduser() if env else Path.home() / ".cache" / "govstats"


@functools.cache
def parser_fingerprint() -> str:
    """sha256 of the source of every module that decides a parse: any change to the parser
    (not only a version bump) invalidates what was stored with the old one."""
    digest = hashlib.sha256()
    for name in _PARSER_CODE:
        target = _PACKAGE / name
        for path in sorted(target.rglob("*.py")) if target.is_dir() else [target]:
            if path.is_file():
                digest.update(path.relative_to(_PACKAGE).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def cache_key(sha256: str, **options: Any) -> str:
    """The key of a source's bytes read with `options` (the keyword arguments of read_report)."""
    payload = {"sha256": sha256, "govstats": version.__version__, "parser": parser_fingerprint(),
               "schema": schema_fingerprint(), "layout": LAYOUT, "options": options}
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


@dataclass
class Parsed:
    """What a corpus keeps of a parsed report: a Report's data with its cells as an Arrow table
    (compact to send from a worker, concatenated once per corpus), and its check counts (so that
    a stored parse need not run the checks).  `cells` is the pandas frame, built when first asked."""

    meta: ReportMeta
    arrow: pa.Table
    sections: dict[str, str]
    problems: list[Problem]
    counts: dict[str, int]

    @functools.cached_property
    def cells(self) -> pd.DataFrame:
        return self.arrow.cast(ARROW_CELLS).to_pandas(types_mapper=PANDAS_TYPES.get)

    @classmethod
    def from_report(cls, report: Report) -> Parsed:
        """The report's data, its cells as an Arrow table of `ARROW_CELLS`: built from the
        interpreter's records where the report has them (no pandas frame per report)."""
        version = report.meta.format_version
        if report.records is not None:
            records = report.records
            columns = {"report": pa.array([report.meta.report] * len(records), pa.string())}
            for col in CELL_COLUMNS[1:]:
                values = [r[col] for r in records]
                columns[col] = (pa.array(values, pa.float64(), from_pandas=True) if col == "value"
                                else pa.array(values, pa.string()))
            arrow = pa.table(columns, schema=ARROW_CELLS)
            counts = record_check_counts(records, version)
        else:
            cells = report.cells.astype({c: "string" for c in _CATEGORICAL if c in report.cells.columns})
            arrow = pa.Table.from_pandas(cells[CELL_COLUMNS], schema=ARROW_CELLS, preserve_index=False)
            counts = check_counts(run_checks(report.cells, version))
        return cls(report.meta, arrow, dict(report.sections), list(report.problems), counts)

    def payload(self) -> str:
        """Everything but the cells, as JSON (what the store's index keeps of the report)."""
        return json.dumps({"meta": self.meta.to_dict(), "sections": self.sections,
                           "problems": [asdict(p) for p in self.problems], "counts": self.counts},
                          ensure_ascii=False)

    @classmethod
    def from_payload(cls, payload: str, arrow: pa.Table) -> Parsed | None:
        """The Parsed that `payload` (from `payload()`) and `arrow` describe; None when either is
        not of this layout: the cell columns and their types, the fields of the payload and the
        type of each must be those `payload()` and `from_report` write."""
        try:
            data = json.loads(payload)
        except ValueError:
            return None
        if not (isinstance(data, dict) and _typed(data.get("meta"), _META_TYPES)
                and _typed(data.get("counts"), _COUNT_TYPES)
                and isinstance(data.get("problems"), list)
                and all(_typed(p, _PROBLEM_TYPES) for p in data["problems"])
                and isinstance(data.get("sections"), dict)
                and all(type(v) is str for v in data["sections"].values())
                and (arrow.schema.equals(ARROW_CELLS) or arrow.schema.equals(ARROW_STORED))):
            return None
        return cls(ReportMeta(**data["meta"]), arrow, data["sections"],
                   [Problem(**p) for p in data["problems"]], data["counts"])


def _types(hint: Any) -> tuple[type, ...]:
    """The types a field annotated `hint` may hold (`str | None`: str and NoneType)."""
    return get_args(hint) if isinstance(hint, types.UnionType) else (hint,)


def _typed(record: Any, types: dict[str, tuple[type, ...]]) -> bool:
    """True when `record` is a dict of exactly these fields, each of one of its types (exactly:
    a bool is no count, a float no year)."""
    return (isinstance(record, dict) and set(record) == set(types)
            and all(type(record[k]) in types[k] for k in types))


#: the types each field of a stored ReportMeta and Problem may hold (from their annotations)
_META_TYPES = {name: _types(hint) for name, hint in get_type_hints(ReportMeta).items()}
_PROBLEM_TYPES = {name: _types(hint) for name, hint in get_type_hints(Problem).items()}
_COUNT_TYPES = {name: (int,) for name in ("checks", "failed", "unchecked")}
