"""The catalogue of output tables (`frames.csv`): every column of every frame govstats hands out,
described once — its role, type, nullability, allowed values and meaning in English and Chinese.

Everything else is generated from it: the column lists and Arrow schemas of the code (`columns`,
`arrow_schema`), the pandas types of a result (`conform`), the data dictionary's frame section and
the dataset release's field descriptions (`describe`).  A column described in an earlier frame may
leave its descriptions empty: it means the same there (`reports.agency` is `cells.agency`).

dtypes: `category`, `string` (pandas' nullable string), `str` (pandas' default string), `Int64`,
`int64`, `Float64`, `boolean` (nullable), `bool`, and `list<FRAME>` (a list of records with the
`record` columns of FRAME: the store keeps a report's problems and sections so).  `values` is
`a|b|c` (the allowed values) or `schema:NAME` (the keys of one of the schema files: `tables`,
`rows`, `columns`, `metrics`, `levels`).  A column named `*` stands for the table's column keys
(wide tables).
"""
from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa

from ..core.errors import SchemaError
from .files import read_csv

FILE = "frames.csv"
DTYPES = ("category", "string", "str", "Int64", "int64", "Float64", "boolean", "bool")
#: a column standing for every column key of a table (the value columns of a wide table)
EACH_COLUMN = "*"
_PANDAS: dict[str, object] = {"category": "category", "string": pd.StringDtype(), "str": str, "Int64": "Int64",
                              "int64": "int64", "Float64": "Float64", "boolean": "boolean", "bool": "bool"}
_ARROW = {"Int64": pa.int64(), "int64": pa.int64(), "Float64": pa.float64(), "boolean": pa.bool_(), "bool": pa.bool_()}


@dataclass(frozen=True)
class Field:
    """One column of one output frame."""

    frame: str
    column: str
    role: str
    dtype: str
    nullable: bool
    values: str
    en: str
    zh: str

    @property
    def pandas_dtype(self) -> object:
        return _PANDAS[self.dtype]

    def allowed(self) -> tuple[str, ...] | None:
        """The values the column may hold, or None when any value may stand there."""
        if not self.values:
            return None
        if self.values.startswith("schema:"):
            return _SCHEMA_KEYS[self.values.removeprefix("schema:")]()
        return tuple(self.values.split("|"))


def _schema_keys() -> dict[str, Callable[[], tuple[str, ...]]]:
    def tables() -> tuple[str, ...]:
        from ..core.model import TABLES
        return TABLES

    def rows() -> tuple[str, ...]:
        from .tables import load_schema
        return tuple(dict.fromkeys(e.key for e in load_schema().entries))

    def columns() -> tuple[str, ...]:
        from .tables import load_schema
        return tuple(dict.fromkeys(e.key for e in load_schema().column_entries))

    def metrics() -> tuple[str, ...]:
        from .metrics import metric_keys
        return tuple(metric_keys())

    def levels() -> tuple[str, ...]:
        from .levels import levels as all_levels
        return tuple(all_levels())

    return {"tables": tables, "rows": rows, "columns": columns, "metrics": metrics, "levels": levels}


_SCHEMA_KEYS = _schema_keys()


def _fail(line: int, message: str) -> SchemaError:
    return SchemaError(f"govstats/schema/{FILE} line {line}: {message}")


@functools.cache
def load_frames() -> dict[str, tuple[Field, ...]]:
    """Every frame's fields, in the file's order, validated (a `SchemaError` names the line)."""
    frames: dict[str, list[Field]] = {}
    described: dict[str, Field] = {}
    for line, rec in enumerate(read_csv(FILE), start=2):
        field = Field(rec["frame"], rec["column"], rec["role"], rec["dtype"], rec["nullable"] == "yes",
                      rec["values"], rec["en"], rec["zh"])
        if not field.frame or not field.column or not field.role:
            raise _fail(line, "frame, column and role must not be empty")
        if rec["nullable"] not in ("yes", "no"):
            raise _fail(line, f"nullable must be yes or no, not {rec['nullable']!r}")
        record = field.dtype.removeprefix("list<").removesuffix(">")
        if field.dtype not in DTYPES and not (field.dtype.startswith("list<") and record in frames):
            raise _fail(line, f"dtype {field.dtype!r} is not one of {', '.join(DTYPES)} or list<an earlier frame>")
        if field.values.startswith("schema:") and field.values.removeprefix("schema:") not in _SCHEMA_KEYS:
            raise _fail(line, f"values {field.values!r}: the schema has {', '.join(_SCHEMA_KEYS)}")
        if any(f.column == field.column for f in frames.get(field.frame, [])):
            raise _fail(line, f"{field.frame}.{field.column} is described twice")
        if not (field.en and field.zh):
            if field.en or field.zh or field.column not in described:
                raise _fail(line, f"{field.frame}.{field.column} needs a description in en and zh "
                                  "(only a column described in an earlier frame may leave both empty)")
            earlier = described[field.column]
            field = Field(**{**field.__dict__, "en": earlier.en, "zh": earlier.zh})
        described.setdefault(field.column, field)
        frames.setdefault(field.frame, []).append(field)
    return {name: tuple(fields) for name, fields in frames.items()}


def fields(frame: str, roles: Iterable[str] | None = None) -> tuple[Field, ...]:
    """The fields of `frame` (those of the given roles, when given), in order."""
    catalogue = load_frames()
    if frame not in catalogue:
        raise KeyError(f"no frame {frame!r} in the catalogue; frames are {', '.join(catalogue)}")
    wanted = None if roles is None else set(roles)
    return tuple(f for f in catalogue[frame] if wanted is None or f.role in wanted)


def columns(frame: str, *roles: str) -> list[str]:
    """The column names of `frame` (of `roles`, when given), in order."""
    return [f.column for f in fields(frame, roles or None)]


def field(frame: str, column: str) -> Field:
    """One column's field."""
    for f in fields(frame):
        if f.column == column:
            return f
    raise KeyError(f"{frame} has no column {column!r}")


def arrow_type(f: Field, stored: bool = False) -> pa.DataType:
    """The column's Arrow type; `stored`: as the corpus store keeps cells (categories
    dictionary-encoded, free texts large strings, the type pandas shares without a copy)."""
    if f.dtype.startswith("list<"):
        record = fields(f.dtype[5:-1], ["record"])
        return pa.list_(pa.field("element", pa.struct([pa.field(r.column, pa.string(), nullable=r.nullable)
                                                       for r in record]), nullable=False))
    if f.dtype == "category":
        return pa.dictionary(pa.int32(), pa.string()) if stored else pa.string()
    if f.dtype in ("string", "str"):
        return pa.large_string() if stored else pa.string()
    return _ARROW[f.dtype]


def arrow_schema(frame: str, *roles: str, stored: bool = False) -> pa.Schema:
    """The Arrow schema of `frame`'s columns (of `roles`, when given)."""
    return pa.schema([pa.field(f.column, arrow_type(f, stored), nullable=f.nullable)
                      for f in fields(frame, roles or None)])


def conform(frame: str, df: pd.DataFrame, *roles: str) -> pd.DataFrame:
    """`df` with exactly `frame`'s columns (of `roles`), in order and of their types.

    A missing column, a null where the catalogue allows none, or a value outside the allowed ones
    is a `ValueError` naming the frame and column: such a frame is a bug of govstats, never data.
    """
    wanted = fields(frame, roles or None)
    each = next((f for f in wanted if f.column == EACH_COLUMN), None)
    named = [f.column for f in wanted if f.column != EACH_COLUMN]
    missing = [c for c in named if c not in df.columns]
    if missing:
        raise ValueError(f"frame {frame}: columns {missing} are missing")
    extra = [c for c in df.columns if c not in named]
    if extra and each is None:
        raise ValueError(f"frame {frame}: columns {extra} are not in the catalogue (govstats/schema/{FILE})")
    order = named if each is None else _with_each(wanted, extra)
    out = df[order]
    casts = {f.column: f.pandas_dtype for f in wanted if f.column != EACH_COLUMN}
    casts.update({c: each.pandas_dtype for c in extra} if each is not None else {})
    changed = {c: t for c, t in casts.items() if not _is(out[c].dtype, t)}
    if changed:
        out = out.astype(changed)  # type: ignore[arg-type]  # the catalogue's dtypes are pandas'

    for f in wanted:
        for column in (extra if f.column == EACH_COLUMN else [f.column]):
            _check(frame, f, out[column])
    return out


def _with_each(wanted: tuple[Field, ...], extra: list[str]) -> list[str]:
    out: list[str] = []
    for f in wanted:
        out += extra if f.column == EACH_COLUMN else [f.column]
    return out


def _is(dtype: object, wanted: object) -> bool:
    if wanted is str:
        return isinstance(dtype, pd.StringDtype) and dtype.na_value is not pd.NA
    if isinstance(wanted, pd.StringDtype):
        return isinstance(dtype, pd.StringDtype) and dtype.na_value is pd.NA
    return str(dtype) == str(wanted)


def _check(frame: str, f: Field, series: pd.Series) -> None:
    if not f.nullable and series.isna().any():
        raise ValueError(f"frame {frame}: column {series.name!r} holds nulls, which the catalogue does not allow")
    allowed = f.allowed() if f.column != EACH_COLUMN else None
    if allowed is None or not len(series):
        return
    if f.dtype == "category":  # the categories in use (a category column's values are its codes)
        codes = np.unique(series.cat.codes.to_numpy())
        present = list(series.cat.categories[codes[codes >= 0]])
    else:
        present = list(series.dropna().unique())
    unknown = sorted(set(map(str, present)) - set(allowed))
    if unknown:
        raise ValueError(f"frame {frame}: column {series.name!r} holds {unknown[:5]}, not among the allowed values")
