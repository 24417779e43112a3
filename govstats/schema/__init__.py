"""The public schema, loaded from the CSV files beside this module.

Everything the parser knows about the official tables — row and column keys, the Chinese labels
(with known variants), English labels, consistency identities, section headings and format
markers — lives in these data files (see docs/report-format.md).  Code asks this module; it never
re-types a label.
"""
from __future__ import annotations

import csv
import functools
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
VERSIONS = ("2019", "2021")
TABLES = ("t2", "t3", "t4")


@dataclass(frozen=True)
class Entry:
    """One row or column of a table in one or more format versions."""

    table: str
    blocks: tuple[str, ...]
    key: str
    versions: frozenset[str]
    role: str  # row, column, group, caption, header or derived
    zh: str
    variants: tuple[str, ...]
    en: str
    unit: str = ""
    parts: tuple[str, ...] = ()

    @property
    def block(self) -> str:
        return self.blocks[0] if self.blocks else ""

    @property
    def labels(self) -> tuple[str, ...]:
        """The official label first, then its known variants."""
        return tuple(x for x in (self.zh, *self.variants) if x)


@dataclass(frozen=True)
class Identity:
    """A consistency rule: sum(lhs) == sum(rhs), for each column or each row of a table."""

    id: str
    table: str
    versions: frozenset[str]
    each: str  # "column": lhs/rhs are row keys; "row": lhs/rhs are column keys
    scope: str
    lhs: tuple[str, ...]
    rhs: tuple[str, ...]
    description: str


@dataclass(frozen=True)
class Section:
    key: str
    table: str
    ordinal: str
    pattern: str
    en: str


@dataclass(frozen=True)
class Marker:
    version: str
    pattern: str
    why: str


def _read(name: str) -> list[dict[str, str]]:
    with open(HERE / name, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _split(value: str, sep: str = " ") -> tuple[str, ...]:
    return tuple(x for x in value.split(sep) if x)


def _entry(rec: dict[str, str]) -> Entry:
    return Entry(
        table=rec["table"],
        blocks=_split(rec["block"]),
        key=rec["key"],
        versions=frozenset(_split(rec["versions"])),
        role=rec["role"],
        zh=rec["zh"],
        variants=_split(rec["variants"], "|"),
        en=rec["en"],
        unit=rec.get("unit", ""),
        parts=_split(rec.get("parts", "")),
    )


class Schema:
    """Read-only access to the schema tables."""

    def __init__(self) -> None:
        self.entries = [_entry(r) for r in _read("rows.csv")]
        self.column_entries = [_entry(r) for r in _read("columns.csv")]
        self.identities_all = [
            Identity(r["id"], r["table"], frozenset(_split(r["versions"])), r["each"], r["scope"],
                     _split(r["lhs"]), _split(r["rhs"]), r["description"])
            for r in _read("identities.csv")
        ]
        self.sections = [Section(**r) for r in _read("sections.csv")]
        self.markers = [Marker(**r) for r in _read("markers.csv")]

    def rows(self, table: str, version: str, roles: tuple[str, ...] = ("row",)) -> list[Entry]:
        """Rows of `table` in `version`, in the official order, restricted to `roles`."""
        return [e for e in self.entries
                if e.table == table and version in e.versions and e.role in roles]

    def columns(self, table: str, version: str, block: str | None = None,
                roles: tuple[str, ...] = ("column",)) -> list[Entry]:
        """Columns of `table` in `version` (of one t2 block, when given), in the official order."""
        return [e for e in self.column_entries
                if e.table == table and version in e.versions and e.role in roles
                and (block is None or not e.blocks or block in e.blocks)]

    def identities(self, version: str, table: str | None = None) -> list[Identity]:
        return [i for i in self.identities_all
                if version in i.versions and (table is None or i.table == table)]

    def section(self, key: str) -> Section:
        return next(s for s in self.sections if s.key == key)

    def label(self, table: str, key: str, lang: str = "zh", axis: str = "row") -> str:
        """The display label of a row or column key ("zh" or "en"); the key itself if unknown."""
        pool = self.entries if axis == "row" else self.column_entries
        for e in pool:
            if e.table == table and e.key == key:
                text = e.zh if lang == "zh" else e.en
                return text or e.en or key
        return key


@functools.cache
def load_schema() -> Schema:
    """The schema, read once per process."""
    return Schema()
