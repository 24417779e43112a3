"""The tables of the public schema: rows, columns, identities, sections and format markers.

Everything the parser knows about the official tables — row and column keys, the Chinese labels
(with known variants), English labels, consistency identities, section headings and format
markers — lives in the CSV files beside this module (see docs/report-format.md).
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

from .files import read_csv, split
from .texts import load_texts
from .validate import check_tables


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


def _entry(rec: dict[str, str]) -> Entry:
    return Entry(
        table=rec["table"],
        blocks=split(rec["block"]),
        key=rec["key"],
        versions=frozenset(split(rec["versions"])),
        role=rec["role"],
        zh=rec["zh"],
        variants=split(rec["variants"], "|"),
        en=rec["en"],
        unit=rec.get("unit", ""),
        parts=split(rec.get("parts", "")),
    )


class Schema:
    """Read-only access to the schema tables."""

    def __init__(self) -> None:
        self.entries = [_entry(r) for r in read_csv("rows.csv")]
        self.column_entries = [_entry(r) for r in read_csv("columns.csv")]
        self.identities_all = [
            Identity(r["id"], r["table"], frozenset(split(r["versions"])), r["each"], r["scope"],
                     split(r["lhs"]), split(r["rhs"]), r["description"])
            for r in read_csv("identities.csv")
        ]
        # a section's English name is a message text: a problem naming it is said in Chinese too
        self.sections = [Section(**r, en=load_texts()[f"message.section_{r['key']}"]["en"])
                         for r in read_csv("sections.csv")]
        self.markers = [Marker(**r) for r in read_csv("markers.csv")]

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
    """The schema tables, read and validated once per process."""
    schema = Schema()
    check_tables(schema)
    return schema
